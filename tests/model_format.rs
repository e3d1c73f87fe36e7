//! Fuzz-style property tests of the model decoder: arbitrary bytes and
//! corrupted valid models (with the checksum recomputed, so that the deeper
//! validators run) must return an error or a valid model, never panic.

use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};

/// xorshift64*: a tiny seeded generator so the test is deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn model(rng: &mut Rng, items: usize, k: u16) -> NeighbourModel {
    let ids = (0..items).map(|i| format!("item-{i}")).collect();
    let rows = (0..items)
        .map(|i| {
            let mut row = Vec::new();
            for j in 0..items as u32 {
                if j as usize != i && rng.below(3) == 0 {
                    row.push((j, (rng.below(1000) as f32 + 1.0) / 100.0));
                }
            }
            row
        })
        .collect();
    let knn = NeighbourTable::from_rows(Algorithm::ItemKnn, k, rows).unwrap();
    let trans = NeighbourTable::from_rows(Algorithm::Transition, k, vec![vec![]; items]).unwrap();
    NeighbourModel::new(ids, vec![knn, trans]).unwrap()
}

fn with_fixed_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.len() >= 4 {
        let body = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..body]);
        bytes[body..].copy_from_slice(&crc.to_le_bytes());
    }
    bytes
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..20_000 {
        let len = rng.below(64);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if round % 2 == 0 && len >= 5 {
            bytes[..4].copy_from_slice(b"LTNM");
            bytes[4] = 1;
        }
        let bytes = if round % 4 == 0 {
            with_fixed_checksum(bytes)
        } else {
            bytes
        };
        let _ = NeighbourModel::decode(&bytes);
    }
}

#[test]
fn corrupted_models_never_panic_and_valid_ones_round_trip() {
    let mut rng = Rng(42);
    let mut rejected = 0;
    for round in 0..3_000 {
        let items = 1 + rng.below(12);
        let quant = if round % 2 == 0 {
            Quantisation::U8
        } else {
            Quantisation::U16
        };
        let k = 1 + rng.below(6) as u16;
        let original = model(&mut rng, items, k);
        let bytes = original.encode(quant);
        let decoded = NeighbourModel::decode(&bytes).expect("a fresh encoding decodes");
        assert_eq!(decoded.item_ids(), original.item_ids());
        assert_eq!(decoded.encode(quant), bytes, "re-encoding is stable");

        let mut bad = bytes.clone();
        match rng.below(4) {
            0 => {
                let at = rng.below(bad.len());
                bad[at] ^= 1 << rng.below(8);
            }
            1 => bad.truncate(rng.below(bad.len())),
            2 => {
                let at = rng.below(bad.len());
                bad.insert(at, rng.next() as u8);
            }
            _ => {
                let at = 12 + rng.below(bad.len() - 12);
                bad[at] = rng.next() as u8;
            }
        }
        // Half the time the checksum is mended so that structure checks run.
        let bad = if round % 2 == 0 {
            with_fixed_checksum(bad)
        } else {
            bad
        };
        match NeighbourModel::decode(&bad) {
            Err(err) => {
                rejected += 1;
                assert!(!err.to_string().is_empty());
            }
            Ok(model) => {
                for table in model.tables() {
                    for row in 0..table.len() {
                        let (ids, weights) = table.row(row);
                        assert!(ids
                            .iter()
                            .all(|&j| (j as usize) < items && j as usize != row));
                        assert!(weights.iter().all(|w| w.is_finite() && *w > 0.0));
                    }
                }
            }
        }
    }
    assert!(rejected > 2_000, "only {rejected} corruptions were caught");
}
