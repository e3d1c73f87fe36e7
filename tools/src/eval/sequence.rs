//! The device-side neighbour scorer (`lighttouch::model::score`, the code the
//! browser runs) over the shipped model bytes, with sequence-aware weighting
//! tuned on validation only.

use super::data::{Dataset, Event, Split};
use super::metrics::Metrics;
use super::server;
use super::Tuned;
use crate::transition::{transition_rows, TransitionParams};
use lighttouch::model::score::{neighbour_scores, weigh_history, HistoryEvent, NeighbourParams};
use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};

/// Neighbours per item in the shipped model.
pub const SHIPPED_K: u16 = 50;

/// Scoring settings tuned on validation.
#[derive(Debug, Clone, Copy)]
pub struct DeviceParams {
    /// Neighbour scoring weights.
    pub neighbour: NeighbourParams,
    /// Transition window used when building the model.
    pub window: usize,
    /// Weight of popularity (normalised to max 1) added to the neighbour score.
    pub popularity: f32,
}

/// Builds the shipped model (EASE top-k + transitions, u8) from a split's
/// training data, as bytes, and decodes it as the device would.
pub fn shipped_model(
    data: &Dataset,
    split: &Split,
    tuned: &Tuned,
    window: usize,
) -> (Vec<u8>, NeighbourModel) {
    let n = data.item_ids.len();
    let counts = server::train_counts(split, &data.item_ids);
    let b = server::ease_dense(&counts, tuned.lambda);
    let sim = server::ease_table(&b, n, SHIPPED_K);
    let sequences: Vec<Vec<(u32, f64)>> = split
        .train
        .iter()
        .map(|seq| seq.iter().map(|e| (e.item, e.ts)).collect())
        .collect();
    let trans_params = TransitionParams {
        window,
        decay: 0.8,
        shrinkage: 10.0,
    };
    let trans = NeighbourTable::from_rows(
        Algorithm::Transition,
        SHIPPED_K,
        transition_rows(n, &sequences, trans_params),
    )
    .expect("valid rows");
    let model = NeighbourModel::new(data.item_ids.clone(), vec![sim, trans]).expect("valid ids");
    let bytes = model.encode(Quantisation::U8);
    let decoded = NeighbourModel::decode(&bytes).expect("fresh encoding decodes");
    (bytes, decoded)
}

fn history(train: &[Event]) -> Vec<HistoryEvent> {
    train
        .iter()
        .map(|e| HistoryEvent {
            item: e.item,
            kind_weight: 1.0,
            timestamp_ms: e.ts * 1000.0,
            dwell_ms: None,
        })
        .collect()
}

/// Scores one user with the pure device scorer.
pub fn score(
    model: &NeighbourModel,
    popularity: &[f32],
    train: &[Event],
    p: &DeviceParams,
) -> Vec<f32> {
    let now = train.last().map_or(0.0, |e| e.ts * 1000.0);
    let weighted = weigh_history(&history(train), now, &p.neighbour);
    let mut s = neighbour_scores(model, &weighted, &p.neighbour).scores;
    for (x, pop) in s.iter_mut().zip(popularity) {
        *x += p.popularity * pop;
    }
    s
}

fn normalised_popularity(split: &Split, data: &Dataset) -> Vec<f32> {
    let pop = server::popularity(&server::train_counts(split, &data.item_ids));
    let max = pop.iter().copied().fold(1.0f32, f32::max);
    pop.into_iter().map(|x| x / max).collect()
}

/// Tunes the device parameters on `val` (coordinate search over a small grid).
pub fn tune(data: &Dataset, val: &Split, tuned: &Tuned, seed: u64) -> DeviceParams {
    let n = data.item_ids.len();
    let pop = normalised_popularity(val, data);
    let mut best = DeviceParams {
        neighbour: NeighbourParams::default(),
        window: 3,
        popularity: 0.0,
    };
    let mut best_ndcg = f64::MIN;
    for window in [1usize, 3, 5] {
        let (_, model) = shipped_model(data, val, tuned, window);
        let eval = |p: &DeviceParams| {
            server::evaluate(val, n, seed, |_, h| score(&model, &pop, h, p)).ndcg
        };
        let mut p = DeviceParams { window, ..best };
        let mut current = eval(&p);
        for _round in 0..2 {
            for decay in [1.0f32, 0.98, 0.95, 0.9, 0.8, 0.7] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        position_decay: decay,
                        ..p.neighbour
                    },
                    ..p
                };
                let m = eval(&c);
                if m > current {
                    (current, p) = (m, c);
                }
            }
            for tw in [0.0f32, 0.5, 1.0, 2.0, 4.0, 8.0] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        transition_weight: tw,
                        ..p.neighbour
                    },
                    ..p
                };
                let m = eval(&c);
                if m > current {
                    (current, p) = (m, c);
                }
            }
            for tw in [1usize, 2, 3, 5, 10] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        transition_window: tw,
                        ..p.neighbour
                    },
                    ..p
                };
                let m = eval(&c);
                if m > current {
                    (current, p) = (m, c);
                }
            }
            for floor in [0.0f32, 0.02, 0.05, 0.1, 0.2] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        position_floor: floor,
                        ..p.neighbour
                    },
                    ..p
                };
                let m = eval(&c);
                if m > current {
                    (current, p) = (m, c);
                }
            }
            for popw in [0.0f32, 0.01, 0.05, 0.2] {
                let c = DeviceParams {
                    popularity: popw,
                    ..p
                };
                let m = eval(&c);
                if m > current {
                    (current, p) = (m, c);
                }
            }
        }
        if current > best_ndcg {
            (best_ndcg, best) = (current, p);
        }
    }
    eprintln!(
        "device scorer tuned on {}: NDCG@10 {best_ndcg:.4} with {best:?}",
        val.name
    );
    best
}

/// Rows for the device-side scorer on both split families.
pub fn rows(
    data: &Dataset,
    loo: [&Split; 2],
    tmp: [&Split; 2],
    tuned: [&Tuned; 2],
    seed: u64,
) -> Result<Vec<(String, Metrics, Metrics, String)>, String> {
    let n = data.item_ids.len();
    let mut results = Vec::new();
    let mut params = Vec::new();
    for (family, t) in [loo, tmp].into_iter().zip(tuned) {
        let p = tune(data, family[0], t, seed);
        let (bytes, model) = shipped_model(data, family[1], t, p.window);
        let pop = normalised_popularity(family[1], data);
        let m = server::evaluate(family[1], n, seed, |_, h| score(&model, &pop, h, &p));
        // Without order: same model and scorer, no position decay, no transitions.
        let plain = DeviceParams {
            neighbour: NeighbourParams {
                position_decay: 1.0,
                transition_weight: 0.0,
                ..p.neighbour
            },
            ..p
        };
        let m_plain = server::evaluate(family[1], n, seed, |_, h| score(&model, &pop, h, &plain));
        results.push((m, m_plain, bytes.len()));
        params.push(p);
    }
    Ok(vec![
        (
            "device scorer, order ignored (EASE k=50 u8)".into(),
            results[0].1,
            results[1].1,
            format!("model {} bytes", results[0].2),
        ),
        (
            "device scorer, sequence-aware (+transitions)".into(),
            results[0].0,
            results[1].0,
            format!(
                "decay {} window {} tw {} pop {}",
                params[0].neighbour.position_decay,
                params[0].neighbour.transition_window,
                params[0].neighbour.transition_weight,
                params[0].popularity
            ),
        ),
    ])
}
