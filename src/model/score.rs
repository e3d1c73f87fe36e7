//! Neighbour scoring: a visitor's own history (kept on the device) times the
//! item-item tables of a [`NeighbourModel`].
//!
//! Each history item contributes `strength × recency` to the rows of the
//! similarity table, and — for the latest few items only — to the rows of the
//! transition table. `strength` aggregates event kind and dwell; `recency`
//! multiplies a per-step decay by position in the sequence (items with the
//! same timestamp share a position) and an exponential decay by age.

use super::format::{Algorithm, NeighbourTable};

/// One event of the visitor's history, already mapped to a model index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryEvent {
    /// Index of the item in the model's id table.
    pub item: u32,
    /// Weight of the event's kind (view 1, purchase 5, ...); ≤ 0 events are ignored.
    pub kind_weight: f32,
    /// When it happened (ms since the Unix epoch).
    pub timestamp_ms: f64,
    /// How long the visitor stayed, when known.
    pub dwell_ms: Option<f64>,
}

/// The weights of neighbour scoring. Every field is documented with its
/// default and can be overridden.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeighbourParams {
    /// Multiplier of the similarity table (ItemKNN or EASE). Default 1.
    pub similarity_weight: f32,
    /// Multiplier of the transition table. Default 1.
    pub transition_weight: f32,
    /// Factor applied per step back in the sequence (1 = order ignored). Default 0.9.
    pub position_decay: f32,
    /// Floor of the position factor, so old history still counts a little. Default 0.05.
    pub position_floor: f32,
    /// Half-life of an item's influence by age, in days (≤ 0 = no age decay). Default 0.
    pub half_life_days: f32,
    /// How many of the latest distinct positions feed the transition table. Default 3.
    pub transition_window: usize,
    /// Extra strength for a long dwell: factor `1 + dwell_boost × min(dwell / dwell_cap, 1)`. Default 0.5.
    pub dwell_boost: f32,
    /// Dwell at which the boost saturates, in ms. Default 60 000.
    pub dwell_cap_ms: f64,
}

impl Default for NeighbourParams {
    fn default() -> Self {
        NeighbourParams {
            similarity_weight: 1.0,
            transition_weight: 1.0,
            position_decay: 0.9,
            position_floor: 0.05,
            half_life_days: 0.0,
            transition_window: 3,
            dwell_boost: 0.5,
            dwell_cap_ms: 60_000.0,
        }
    }
}

/// One history item's share in a candidate's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Driver {
    /// Model index of the history item.
    pub item: u32,
    /// What it added to the score.
    pub contribution: f32,
}

/// Scores for every model item, with the (up to two) history items that
/// contributed most to each.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourScores {
    /// Score per model index (0 when no history item points at it).
    pub scores: Vec<f32>,
    drivers: Vec<[Option<Driver>; 2]>,
}

impl NeighbourScores {
    /// The history items that drove `item`'s score, strongest first.
    pub fn drivers(&self, item: u32) -> impl Iterator<Item = Driver> + '_ {
        self.drivers
            .get(item as usize)
            .into_iter()
            .flat_map(|pair| pair.iter().flatten().copied())
    }

    fn add(&mut self, item: u32, driver: u32, contribution: f32) {
        let i = item as usize;
        self.scores[i] += contribution;
        let slot = &mut self.drivers[i];
        if let Some(at) = slot
            .iter()
            .position(|e| e.is_some_and(|d| d.item == driver))
        {
            if let Some(d) = &mut slot[at] {
                d.contribution += contribution;
            }
            if slot[0].map(|d| d.contribution) < slot[1].map(|d| d.contribution) {
                slot.swap(0, 1);
            }
            return;
        }
        let new = Driver {
            item: driver,
            contribution,
        };
        match slot {
            [None, _] => slot[0] = Some(new),
            [Some(first), None] if first.contribution >= contribution => slot[1] = Some(new),
            [Some(_), None] => *slot = [Some(new), slot[0]],
            [Some(first), Some(second)] => {
                if contribution > first.contribution {
                    *slot = [Some(new), slot[0]];
                } else if contribution > second.contribution {
                    slot[1] = Some(new);
                }
            }
        }
    }
}

/// One distinct history item with its aggregated strength and recency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedItem {
    /// Model index.
    pub item: u32,
    /// Σ kind weight × dwell factor over the item's events.
    pub strength: f32,
    /// Position factor × age factor of its latest event.
    pub recency: f32,
    /// 0 for the latest position, 1 for the one before, ... (ties share a position).
    pub position: usize,
}

/// Aggregates events per item (in time order; events need not be sorted)
/// and computes each item's strength and recency at `now_ms`.
pub fn weigh_history(
    events: &[HistoryEvent],
    now_ms: f64,
    params: &NeighbourParams,
) -> Vec<WeightedItem> {
    let mut sorted: Vec<&HistoryEvent> = events
        .iter()
        .filter(|e| e.kind_weight > 0.0 && e.kind_weight.is_finite() && e.timestamp_ms.is_finite())
        .collect();
    sorted.sort_by(|a, b| a.timestamp_ms.total_cmp(&b.timestamp_ms));
    // item -> (strength, latest timestamp, order of its latest event).
    let mut slot: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut per_item: Vec<(u32, f32, f64, usize)> = Vec::new();
    for (order, event) in sorted.into_iter().enumerate() {
        let dwell = event
            .dwell_ms
            .filter(|d| d.is_finite() && *d > 0.0 && params.dwell_cap_ms > 0.0)
            .map_or(0.0, |d| (d / params.dwell_cap_ms).min(1.0) as f32);
        let strength = event.kind_weight * (1.0 + params.dwell_boost.max(0.0) * dwell);
        match slot.get(&event.item) {
            Some(&at) => {
                let entry = &mut per_item[at];
                entry.1 += strength;
                entry.2 = event.timestamp_ms;
                entry.3 = order;
            }
            None => {
                slot.insert(event.item, per_item.len());
                per_item.push((event.item, strength, event.timestamp_ms, order));
            }
        }
    }
    per_item.sort_by_key(|e| e.3);
    let items: Vec<(u32, f32, f64)> = per_item.into_iter().map(|(i, s, t, _)| (i, s, t)).collect();
    let mut out = Vec::with_capacity(items.len());
    let mut position = 0usize;
    let mut previous_ts: Option<f64> = None;
    for &(item, strength, ts) in items.iter().rev() {
        if let Some(p) = previous_ts {
            if ts < p {
                position += 1;
            }
        }
        previous_ts = Some(ts);
        let by_position = params
            .position_decay
            .clamp(0.0, 1.0)
            .powi(position.min(i32::MAX as usize) as i32)
            .max(params.position_floor.clamp(0.0, 1.0));
        let by_age = if params.half_life_days > 0.0 {
            let age_days = ((now_ms - ts) / 86_400_000.0).max(0.0);
            0.5f64.powf(age_days / f64::from(params.half_life_days)) as f32
        } else {
            1.0
        };
        out.push(WeightedItem {
            item,
            strength,
            recency: by_position * by_age,
            position,
        });
    }
    out
}

/// Scores every one of `n` items with `tables` (all over the same `n` items)
/// for a visitor with the given (weighted) history.
pub fn neighbour_scores(
    tables: &[NeighbourTable],
    n: usize,
    history: &[WeightedItem],
    params: &NeighbourParams,
) -> NeighbourScores {
    let mut out = NeighbourScores {
        scores: vec![0.0; n],
        drivers: vec![[None, None]; n],
    };
    for table in tables {
        let (multiplier, window) = match table.algorithm() {
            Algorithm::ItemKnn | Algorithm::Ease => (params.similarity_weight, usize::MAX),
            Algorithm::Transition => (params.transition_weight, params.transition_window),
        };
        if multiplier == 0.0 || !multiplier.is_finite() {
            continue;
        }
        for h in history.iter().filter(|h| h.position < window) {
            let weight = multiplier * h.strength * h.recency;
            if weight == 0.0 || !weight.is_finite() {
                continue;
            }
            let (items, weights) = table.row(h.item as usize);
            for (&j, &w) in items.iter().zip(weights) {
                if (j as usize) < n {
                    out.add(j, h.item, weight * w);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::NeighbourModel;

    fn model() -> NeighbourModel {
        let ids = (0..5).map(|i| format!("m{i}")).collect();
        let sim = NeighbourTable::from_rows(
            Algorithm::ItemKnn,
            4,
            vec![
                vec![(2, 1.0), (3, 0.5)],
                vec![(3, 1.0), (4, 0.2)],
                vec![(0, 1.0)],
                vec![(0, 0.5), (1, 1.0)],
                vec![(1, 0.2)],
            ],
        )
        .unwrap();
        let trans = NeighbourTable::from_rows(
            Algorithm::Transition,
            4,
            vec![vec![(4, 2.0)], vec![], vec![], vec![], vec![]],
        )
        .unwrap();
        NeighbourModel::new(ids, vec![sim, trans]).unwrap()
    }

    fn event(item: u32, ts: f64) -> HistoryEvent {
        HistoryEvent {
            item,
            kind_weight: 1.0,
            timestamp_ms: ts,
            dwell_ms: None,
        }
    }

    #[test]
    fn recent_items_weigh_more_and_ties_share_a_position() {
        let params = NeighbourParams {
            position_decay: 0.5,
            ..Default::default()
        };
        let h = weigh_history(&[event(0, 1.0), event(1, 2.0), event(2, 2.0)], 2.0, &params);
        let by_item = |i: u32| *h.iter().find(|w| w.item == i).unwrap();
        assert_eq!(by_item(1).position, 0);
        assert_eq!(by_item(2).position, 0);
        assert_eq!(by_item(0).position, 1);
        assert_eq!(by_item(0).recency, 0.5);
    }

    #[test]
    fn repeated_events_add_strength_and_move_the_item_forward() {
        let params = NeighbourParams::default();
        let mut purchase = event(0, 3.0);
        purchase.kind_weight = 5.0;
        purchase.dwell_ms = Some(120_000.0);
        let h = weigh_history(&[event(0, 1.0), event(1, 2.0), purchase], 3.0, &params);
        assert_eq!(h[0].item, 0);
        assert_eq!(h[0].position, 0);
        assert!((h[0].strength - (1.0 + 5.0 * 1.5)).abs() < 1e-6);
    }

    #[test]
    fn scores_sum_neighbours_and_name_their_drivers() {
        let params = NeighbourParams {
            position_decay: 1.0,
            transition_window: 1,
            ..Default::default()
        };
        let h = weigh_history(&[event(0, 1.0), event(1, 2.0)], 2.0, &params);
        let s = neighbour_scores(model().tables(), 5, &h, &params);
        // item 3 <- 0 (0.5) + 1 (1.0)
        assert!((s.scores[3] - 1.5).abs() < 1e-6);
        let drivers: Vec<u32> = s.drivers(3).map(|d| d.item).collect();
        assert_eq!(drivers, vec![1, 0]);
        // transitions come only from the latest item (1), which has none; item 4 gets 0.2 from sim.
        assert!((s.scores[4] - 0.2).abs() < 1e-6);
        let params = NeighbourParams {
            transition_window: 2,
            ..params
        };
        let s = neighbour_scores(model().tables(), 5, &h, &params);
        assert!((s.scores[4] - 2.2).abs() < 1e-6);
        assert_eq!(s.drivers(4).next().unwrap().item, 0);
    }
}
