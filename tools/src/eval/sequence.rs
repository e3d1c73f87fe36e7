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

/// Similarity neighbours per item in the shipped model.
pub const SHIPPED_K: u16 = 50;
/// Transition neighbours per item in the shipped model.
pub const TRANSITION_K: u16 = 20;

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

/// Everything the device scorer needs for one split, built once.
pub struct Prepared {
    /// The split's EASE top-k table.
    pub similarity: NeighbourTable,
    /// Per-user (item, timestamp) training sequences.
    pub sequences: Vec<Vec<(u32, f64)>>,
    /// Popularity normalised to a maximum of 1.
    pub popularity: Vec<f32>,
}

/// Fits what does not depend on the device parameters.
pub fn prepare(data: &Dataset, split: &Split, tuned: &Tuned) -> Prepared {
    let n = data.item_ids.len();
    let counts = server::train_counts(split, &data.item_ids);
    let b = server::ease_dense(&counts, tuned.lambda);
    let pop = server::popularity(&counts);
    let max = pop.iter().copied().fold(1.0f32, f32::max);
    Prepared {
        similarity: server::ease_table(&b, n, SHIPPED_K),
        sequences: split
            .train
            .iter()
            .map(|seq| seq.iter().map(|e| (e.item, e.ts)).collect())
            .collect(),
        popularity: pop.into_iter().map(|x| x / max).collect(),
    }
}

/// Builds the shipped model (EASE top-k + transitions, u8) as bytes, and
/// decodes it as the device would.
pub fn shipped_model(
    data: &Dataset,
    prepared: &Prepared,
    window: usize,
) -> (Vec<u8>, NeighbourModel) {
    let n = data.item_ids.len();
    let trans_params = TransitionParams {
        window,
        decay: 0.8,
        shrinkage: 10.0,
    };
    let trans = NeighbourTable::from_rows(
        Algorithm::Transition,
        TRANSITION_K,
        transition_rows(n, &prepared.sequences, trans_params),
    )
    .expect("valid rows");
    let model = NeighbourModel::new(
        data.item_ids.clone(),
        vec![prepared.similarity.clone(), trans],
    )
    .expect("valid ids");
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
    let mut s = neighbour_scores(
        model.tables(),
        model.item_ids().len(),
        &weighted,
        &p.neighbour,
    )
    .scores;
    for (x, pop) in s.iter_mut().zip(popularity) {
        *x += p.popularity * pop;
    }
    s
}

/// Tunes the device parameters on the validation splits (coordinate search over a small grid).
pub fn tune(data: &Dataset, vals: &[Split], tuned: &Tuned, seed: u64) -> DeviceParams {
    let n = data.item_ids.len();
    let prepared: Vec<Prepared> = vals.iter().map(|v| prepare(data, v, tuned)).collect();
    let mut best = DeviceParams {
        neighbour: NeighbourParams::default(),
        window: 3,
        popularity: 0.0,
    };
    let mut best_ndcg = f64::MIN;
    for window in [1usize, 3, 5] {
        let models: Vec<NeighbourModel> = prepared
            .iter()
            .map(|p| shipped_model(data, p, window).1)
            .collect();
        let eval = |p: &DeviceParams| {
            let parts: Vec<Metrics> = vals
                .iter()
                .zip(&models)
                .zip(&prepared)
                .map(|((val, model), prep)| {
                    server::evaluate(val, n, seed, |_, h| score(model, &prep.popularity, h, p))
                })
                .collect();
            Metrics::merge(&parts).ndcg
        };
        let mut p = DeviceParams { window, ..best };
        let mut current = eval(&p);
        let consider = |c: DeviceParams, current: &mut f64, p: &mut DeviceParams| {
            let m = eval(&c);
            if m > *current {
                (*current, *p) = (m, c);
            }
        };
        for _round in 0..2 {
            for decay in [1.0f32, 0.98, 0.95, 0.9, 0.8, 0.7] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        position_decay: decay,
                        ..p.neighbour
                    },
                    ..p
                };
                consider(c, &mut current, &mut p);
            }
            for tw in [0.0f32, 0.5, 1.0, 2.0, 4.0, 8.0] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        transition_weight: tw,
                        ..p.neighbour
                    },
                    ..p
                };
                consider(c, &mut current, &mut p);
            }
            for tw in [1usize, 2, 3, 5, 10] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        transition_window: tw,
                        ..p.neighbour
                    },
                    ..p
                };
                consider(c, &mut current, &mut p);
            }
            for floor in [0.0f32, 0.02, 0.05, 0.1, 0.2] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        position_floor: floor,
                        ..p.neighbour
                    },
                    ..p
                };
                consider(c, &mut current, &mut p);
            }
            for half_life in [0.0f32, 1.0, 7.0, 30.0] {
                let c = DeviceParams {
                    neighbour: NeighbourParams {
                        half_life_days: half_life,
                        ..p.neighbour
                    },
                    ..p
                };
                consider(c, &mut current, &mut p);
            }
            for popw in [0.0f32, 0.01, 0.05, 0.2] {
                consider(
                    DeviceParams {
                        popularity: popw,
                        ..p
                    },
                    &mut current,
                    &mut p,
                );
            }
        }
        if current > best_ndcg {
            (best_ndcg, best) = (current, p);
        }
    }
    eprintln!(
        "device scorer tuned on {}: NDCG@10 {best_ndcg:.4} with {best:?}",
        vals[0].name
    );
    best
}

/// One table row: name, leave-last-out metrics, temporal metrics, note.
pub type ScorerRow = (String, Metrics, Metrics, String);

/// Rows for the device-side scorer on both split families (`[validation, test]` each).
pub fn rows(
    data: &Dataset,
    loo: [&[Split]; 2],
    tmp: [&[Split]; 2],
    tuned: [&Tuned; 2],
    seed: u64,
) -> Result<(Vec<ScorerRow>, Vec<DeviceParams>), String> {
    let n = data.item_ids.len();
    let mut results = Vec::new();
    let mut params = Vec::new();
    for (family, t) in [loo, tmp].into_iter().zip(tuned) {
        let p = tune(data, family[0], t, seed);
        let mut sizes = 0;
        let mut seq_parts = Vec::new();
        let mut plain_parts = Vec::new();
        for split in family[1] {
            let prep = prepare(data, split, t);
            let (bytes, model) = shipped_model(data, &prep, p.window);
            sizes = bytes.len();
            seq_parts.push(server::evaluate(split, n, seed, |_, h| {
                score(&model, &prep.popularity, h, &p)
            }));
            // Without order or age: same model and scorer, no position or age decay, no transitions (x·B).
            let plain = DeviceParams {
                neighbour: NeighbourParams {
                    position_decay: 1.0,
                    transition_weight: 0.0,
                    half_life_days: 0.0,
                    ..p.neighbour
                },
                ..p
            };
            plain_parts.push(server::evaluate(split, n, seed, |_, h| {
                score(&model, &prep.popularity, h, &plain)
            }));
        }
        results.push((
            Metrics::merge(&seq_parts),
            Metrics::merge(&plain_parts),
            sizes,
        ));
        params.push(p);
    }
    let out = vec![
        (
            "device scorer, order ignored (EASE k=50)".into(),
            results[0].1,
            results[1].1,
            format!(
                "u8 model, EASE k={SHIPPED_K} + transitions k={TRANSITION_K}: {} bytes",
                results[0].2
            ),
        ),
        (
            "device scorer, sequence-aware".into(),
            results[0].0,
            results[1].0,
            format!(
                "decay {} half-life {}d window {} tw {} pop {}",
                params[0].neighbour.position_decay,
                params[0].neighbour.half_life_days,
                params[0].neighbour.transition_window,
                params[0].neighbour.transition_weight,
                params[0].popularity
            ),
        ),
    ];
    Ok((out, params))
}
