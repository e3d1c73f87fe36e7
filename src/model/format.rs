//! The compact binary neighbour model, shared by the native builder (encode)
//! and the client (decode).
//!
//! Layout (all multi-byte integers little-endian, `varint` = LEB128):
//!
//! ```text
//! header   "LTNM" | version u8 | quantisation u8 | table_count u8 | reserved u8 (0) | item_count u32
//! ids      item_count × (varint byte_len, UTF-8 bytes)
//! tables   table_count × (algorithm u8 | k u16 | item_count rows)
//! row      varint n | if n > 0: scale f32, n neighbour indices (first absolute,
//!          then gap − 1, as varints, strictly increasing), n weights (u8 or u16)
//! trailer  CRC-32 (IEEE) u32 of every preceding byte
//! ```
//!
//! Each row keeps at most `k` neighbours with positive weight. Weights are
//! quantised per row: `weight = q / levels × scale` where `scale` is the row's
//! largest weight and `levels` is 255 (u8) or 65 535 (u16); neighbours that
//! quantise to 0 are dropped. Indices refer to the item id table, so a row
//! costs about 1.2 bytes per neighbour for its ids plus 1 or 2 for its weight.

use super::error::ModelError;
use super::varint;

/// The four bytes every model starts with.
pub const MAGIC: [u8; 4] = *b"LTNM";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// Header (12 bytes) + checksum (4 bytes).
pub const MIN_LEN: usize = 16;
/// Longest item id accepted, in UTF-8 bytes.
pub const MAX_ID_BYTES: usize = 1024;
/// Most tables one model may carry.
pub const MAX_TABLES: usize = 8;
/// Most items one model may describe.
pub const MAX_ITEMS: usize = 1 << 24;

/// How a table's neighbour weights were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Cosine similarity with shrinkage (symmetric).
    ItemKnn,
    /// EASE: the regularised closed-form item-item regression (row i = B[i, ·]).
    Ease,
    /// Directed transitions: row i lists the items that tend to follow i.
    Transition,
}

impl Algorithm {
    fn code(self) -> u8 {
        match self {
            Algorithm::ItemKnn => 0,
            Algorithm::Ease => 1,
            Algorithm::Transition => 2,
        }
    }

    pub(super) fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Algorithm::ItemKnn),
            1 => Some(Algorithm::Ease),
            2 => Some(Algorithm::Transition),
            _ => None,
        }
    }

    /// A short lowercase name (`itemknn`, `ease`, `transition`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::ItemKnn => "itemknn",
            Algorithm::Ease => "ease",
            Algorithm::Transition => "transition",
        }
    }
}

/// Width of each quantised weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantisation {
    /// One byte per weight, 255 levels per row.
    U8,
    /// Two bytes per weight, 65 535 levels per row.
    U16,
}

impl Quantisation {
    fn code(self) -> u8 {
        match self {
            Quantisation::U8 => 0,
            Quantisation::U16 => 1,
        }
    }

    pub(super) fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Quantisation::U8),
            1 => Some(Quantisation::U16),
            _ => None,
        }
    }

    /// The largest quantised value.
    pub fn levels(self) -> u32 {
        match self {
            Quantisation::U8 => u8::MAX as u32,
            Quantisation::U16 => u16::MAX as u32,
        }
    }
}

/// One neighbour table in compressed-sparse-row form: the neighbours of item
/// `i` are `items[offsets[i]..offsets[i+1]]` with the matching `weights`,
/// sorted by item index.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourTable {
    algorithm: Algorithm,
    k: u16,
    offsets: Vec<u32>,
    items: Vec<u32>,
    weights: Vec<f32>,
}

impl NeighbourTable {
    /// Assembles a table from validated CSR parts (used by the decoder).
    pub(super) fn from_parts(
        algorithm: Algorithm,
        k: u16,
        offsets: Vec<u32>,
        items: Vec<u32>,
        weights: Vec<f32>,
    ) -> Self {
        NeighbourTable {
            algorithm,
            k,
            offsets,
            items,
            weights,
        }
    }

    /// Builds a table from one row per item, keeping for each row its `k`
    /// largest positive, finite weights (ties: lower index first). Entries
    /// pointing at the row's own item or out of `0..rows.len()` are errors.
    pub fn from_rows(
        algorithm: Algorithm,
        k: u16,
        rows: Vec<Vec<(u32, f32)>>,
    ) -> Result<Self, ModelError> {
        let count = rows.len();
        if count > MAX_ITEMS {
            return Err(ModelError::TooManyItems { count });
        }
        let mut offsets = Vec::with_capacity(count + 1);
        let mut items = Vec::new();
        let mut weights = Vec::new();
        offsets.push(0u32);
        for (row_index, mut row) in rows.into_iter().enumerate() {
            if let Some(&(bad, _)) = row
                .iter()
                .find(|&&(j, _)| j as usize >= count || j as usize == row_index)
            {
                return Err(ModelError::BadRow {
                    table: 0,
                    row: row_index,
                    id: String::new(),
                    reason: format!("neighbour index {bad} is out of range or the item itself"),
                });
            }
            row.retain(|&(_, w)| w.is_finite() && w > 0.0);
            row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            row.truncate(k as usize);
            row.sort_by_key(|&(j, _)| j);
            if row.windows(2).any(|pair| pair[0].0 == pair[1].0) {
                return Err(ModelError::BadRow {
                    table: 0,
                    row: row_index,
                    id: String::new(),
                    reason: "the same neighbour appears twice".to_string(),
                });
            }
            for (j, w) in row {
                items.push(j);
                weights.push(w);
            }
            offsets.push(items.len() as u32);
        }
        Ok(NeighbourTable {
            algorithm,
            k,
            offsets,
            items,
            weights,
        })
    }

    /// How the weights were computed.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The most neighbours any row may hold.
    pub fn k(&self) -> u16 {
        self.k
    }

    /// Number of rows (= items).
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total number of stored neighbours.
    pub fn nnz(&self) -> usize {
        self.items.len()
    }

    /// The same table with every index mapped through `map` (old index ->
    /// new index, `None` = drop) into a space of `new_len` items. Rows of new
    /// indices that nothing maps to are empty. Used to bind a model to the
    /// site's catalogue order.
    pub fn remap(&self, map: &[Option<u32>], new_len: usize) -> NeighbourTable {
        let mut rows: Vec<Vec<(u32, f32)>> = vec![Vec::new(); new_len];
        for (old, target) in map.iter().enumerate().take(self.len()) {
            let Some(new) = target.filter(|&t| (t as usize) < new_len) else {
                continue;
            };
            let (items, weights) = self.row(old);
            let row = &mut rows[new as usize];
            for (&j, &w) in items.iter().zip(weights) {
                if let Some(Some(nj)) = map.get(j as usize) {
                    if *nj != new && (*nj as usize) < new_len {
                        row.push((*nj, w));
                    }
                }
            }
        }
        let mut offsets = Vec::with_capacity(new_len + 1);
        let mut items = Vec::new();
        let mut weights = Vec::new();
        offsets.push(0u32);
        for mut row in rows {
            row.sort_by_key(|&(j, _)| j);
            row.dedup_by_key(|e| e.0);
            for (j, w) in row {
                items.push(j);
                weights.push(w);
            }
            offsets.push(items.len() as u32);
        }
        NeighbourTable {
            algorithm: self.algorithm,
            k: self.k,
            offsets,
            items,
            weights,
        }
    }

    /// The neighbours of item `row` (indices, weights); empty when out of range.
    pub fn row(&self, row: usize) -> (&[u32], &[f32]) {
        match (self.offsets.get(row), self.offsets.get(row + 1)) {
            (Some(&start), Some(&end)) => (
                &self.items[start as usize..end as usize],
                &self.weights[start as usize..end as usize],
            ),
            _ => (&[], &[]),
        }
    }
}

/// A neighbour model: the item id table and one or more neighbour tables
/// over those items.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourModel {
    item_ids: Vec<String>,
    tables: Vec<NeighbourTable>,
}

impl NeighbourModel {
    /// Assembles a decoded, validated model (used by the decoder).
    pub(super) fn from_parts(item_ids: Vec<String>, tables: Vec<NeighbourTable>) -> Self {
        NeighbourModel { item_ids, tables }
    }

    /// Assembles a model; every table must have one row per id, ids must be
    /// non-empty, unique and at most [`MAX_ID_BYTES`] long.
    pub fn new(item_ids: Vec<String>, tables: Vec<NeighbourTable>) -> Result<Self, ModelError> {
        if item_ids.len() > MAX_ITEMS {
            return Err(ModelError::TooManyItems {
                count: item_ids.len(),
            });
        }
        if tables.len() > MAX_TABLES {
            return Err(ModelError::BadField {
                field: "table_count",
                value: tables.len() as u64,
                offset: 6,
            });
        }
        check_ids(&item_ids)?;
        for table in &tables {
            if table.len() != item_ids.len() {
                return Err(ModelError::BadField {
                    field: "table rows",
                    value: table.len() as u64,
                    offset: 0,
                });
            }
        }
        Ok(NeighbourModel { item_ids, tables })
    }

    /// The item ids, in model index order.
    pub fn item_ids(&self) -> &[String] {
        &self.item_ids
    }

    /// The neighbour tables.
    pub fn tables(&self) -> &[NeighbourTable] {
        &self.tables
    }

    /// The first table computed with `algorithm`, if any.
    pub fn table(&self, algorithm: Algorithm) -> Option<&NeighbourTable> {
        self.tables.iter().find(|t| t.algorithm == algorithm)
    }

    /// Encodes the model with the given weight quantisation.
    pub fn encode(&self, quantisation: Quantisation) -> Vec<u8> {
        let mut out = Vec::with_capacity(MIN_LEN + self.item_ids.len() * 8);
        out.extend_from_slice(&MAGIC);
        out.push(FORMAT_VERSION);
        out.push(quantisation.code());
        out.push(self.tables.len() as u8);
        out.push(0);
        out.extend_from_slice(&(self.item_ids.len() as u32).to_le_bytes());
        for id in &self.item_ids {
            varint::write_u32(&mut out, id.len() as u32);
            out.extend_from_slice(id.as_bytes());
        }
        let levels = quantisation.levels() as f32;
        for table in &self.tables {
            out.push(table.algorithm.code());
            out.extend_from_slice(&table.k.to_le_bytes());
            for row in 0..table.len() {
                let (items, weights) = table.row(row);
                let scale = weights.iter().copied().fold(0.0f32, f32::max);
                let kept: Vec<(u32, u32)> = items
                    .iter()
                    .zip(weights)
                    .map(|(&j, &w)| (j, (w / scale * levels).round() as u32))
                    .filter(|&(_, q)| q > 0)
                    .collect();
                varint::write_u32(&mut out, kept.len() as u32);
                if kept.is_empty() {
                    continue;
                }
                out.extend_from_slice(&scale.to_le_bytes());
                let mut previous: Option<u32> = None;
                for &(j, _) in &kept {
                    let coded = match previous {
                        None => j,
                        Some(p) => j - p - 1,
                    };
                    varint::write_u32(&mut out, coded);
                    previous = Some(j);
                }
                for &(_, q) in &kept {
                    match quantisation {
                        Quantisation::U8 => out.push(q as u8),
                        Quantisation::U16 => out.extend_from_slice(&(q as u16).to_le_bytes()),
                    }
                }
            }
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Decodes and validates a model: header, version, checksum, every id and
    /// every row. Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
        if bytes.len() < MIN_LEN {
            return Err(ModelError::TooShort {
                len: bytes.len(),
                min: MIN_LEN,
            });
        }
        let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if magic != MAGIC {
            return Err(ModelError::BadMagic { found: magic });
        }
        if bytes[4] != FORMAT_VERSION {
            return Err(ModelError::UnsupportedVersion {
                found: bytes[4],
                supported: FORMAT_VERSION,
            });
        }
        let (body, trailer) = bytes.split_at(bytes.len() - 4);
        let stored = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let computed = crc32fast::hash(body);
        if stored != computed {
            return Err(ModelError::ChecksumMismatch { stored, computed });
        }
        super::decode::decode_body(body)
    }
}

/// Checks that ids are non-empty, at most [`MAX_ID_BYTES`] long and unique.
pub(super) fn check_ids(ids: &[String]) -> Result<(), ModelError> {
    let mut sorted: Vec<(&str, usize)> = ids.iter().map(String::as_str).zip(0..).collect();
    for &(id, index) in &sorted {
        if id.is_empty() {
            return Err(ModelError::BadItemId {
                index,
                reason: "is empty",
            });
        }
        if id.len() > MAX_ID_BYTES {
            return Err(ModelError::BadItemId {
                index,
                reason: "is longer than 1024 bytes",
            });
        }
    }
    sorted.sort_unstable();
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        let index = pair[0].1.max(pair[1].1);
        return Err(ModelError::DuplicateItemId {
            index,
            id: pair[0].0.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NeighbourModel {
        let ids: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let rows = vec![
            vec![(1, 0.9), (2, 0.5), (3, -0.2)],
            vec![(0, 0.9), (3, 0.1)],
            vec![],
            vec![(0, 0.3), (1, 0.3), (2, 0.7)],
        ];
        let table = NeighbourTable::from_rows(Algorithm::ItemKnn, 2, rows).unwrap();
        NeighbourModel::new(ids, vec![table]).unwrap()
    }

    #[test]
    fn from_rows_keeps_top_k_positive_sorted_by_index() {
        let model = sample();
        let table = &model.tables()[0];
        assert_eq!(table.row(0), (&[1, 2][..], &[0.9, 0.5][..]));
        assert_eq!(table.row(2).0.len(), 0);
        // Ties at 0.3 keep the lower index.
        assert_eq!(table.row(3), (&[0, 2][..], &[0.3, 0.7][..]));
        assert_eq!(table.row(99).0.len(), 0);
    }

    #[test]
    fn round_trips_within_quantisation_error() {
        let model = sample();
        for q in [Quantisation::U8, Quantisation::U16] {
            let bytes = model.encode(q);
            let back = NeighbourModel::decode(&bytes).unwrap();
            assert_eq!(back.item_ids(), model.item_ids());
            let (a, b) = (&model.tables()[0], &back.tables()[0]);
            assert_eq!(b.algorithm(), Algorithm::ItemKnn);
            assert_eq!(b.k(), 2);
            for row in 0..a.len() {
                assert_eq!(a.row(row).0, b.row(row).0);
                let scale = a.row(row).1.iter().copied().fold(0.0f32, f32::max);
                for (x, y) in a.row(row).1.iter().zip(b.row(row).1) {
                    let bound = scale / (2 * q.levels()) as f32 + 1e-6;
                    assert!((x - y).abs() <= bound, "{x} vs {y}");
                }
            }
        }
    }

    #[test]
    fn header_errors_are_typed() {
        let bytes = sample().encode(Quantisation::U8);
        assert!(matches!(
            NeighbourModel::decode(&bytes[..10]),
            Err(ModelError::TooShort { .. })
        ));
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert!(matches!(
            NeighbourModel::decode(&bad),
            Err(ModelError::BadMagic { .. })
        ));
        let mut bad = bytes.clone();
        bad[4] = 9;
        assert!(matches!(
            NeighbourModel::decode(&bad),
            Err(ModelError::UnsupportedVersion {
                found: 9,
                supported: 1
            })
        ));
        let mut bad = bytes.clone();
        let last = bad.len() - 6;
        bad[last] ^= 1;
        assert!(matches!(
            NeighbourModel::decode(&bad),
            Err(ModelError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn builder_errors_name_the_problem() {
        let err = NeighbourTable::from_rows(Algorithm::Ease, 5, vec![vec![(0, 1.0)]]).unwrap_err();
        assert!(err.to_string().contains("row 0"), "{err}");
        let table = NeighbourTable::from_rows(Algorithm::Ease, 5, vec![vec![], vec![]]).unwrap();
        let err = NeighbourModel::new(vec!["x".into(), "x".into()], vec![table]).unwrap_err();
        assert_eq!(err.to_string(), "model: item id 1 (id \"x\") appears twice");
    }
}

#[cfg(test)]
mod remap_tests {
    use super::*;

    #[test]
    fn remap_drops_unknown_items_and_moves_rows() {
        let t = NeighbourTable::from_rows(
            Algorithm::ItemKnn,
            3,
            vec![vec![(1, 0.5), (2, 0.25)], vec![(0, 0.5)], vec![(0, 0.25)]],
        )
        .unwrap();
        // old 0 -> new 3, old 1 dropped, old 2 -> new 0; new space of 4 items.
        let r = t.remap(&[Some(3), None, Some(0)], 4);
        assert_eq!(r.len(), 4);
        assert_eq!(r.row(3), (&[0][..], &[0.25][..]));
        assert_eq!(r.row(0), (&[3][..], &[0.25][..]));
        assert_eq!(r.row(1).0.len() + r.row(2).0.len(), 0);
    }
}
