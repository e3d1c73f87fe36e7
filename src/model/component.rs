//! The neighbour component of ranking: the visitor's raw history (kept on the
//! device) scored against the bound model, normalised so the best candidate
//! gets 1, times `Options.neighbours.weight`. Its reasons name the history
//! items that drove each score.

use super::loaded::LoadedModel;
use super::options::NeighbourOptions;
use super::score::{neighbour_scores, weigh_history, HistoryEvent, NeighbourScores};
use crate::core::catalog::Catalog;
use crate::core::event::{Event, EventKind, KindWeights};
use crate::core::ranking::{RankContext, Reason, ScoreComponent};

/// Smallest share of the best score reported as a reason.
const MIN_REASON_SHARE: f32 = 0.05;

/// Neighbour scores for one request.
pub struct NeighbourComponent {
    scores: NeighbourScores,
    scale: f64,
}

/// The neighbour strength of one event: its kind weight (dwell scaled by
/// its duration, ratings by their stars), never negative — a dislike or
/// dismissal says nothing about what to show next.
fn strength(event: &Event, weights: &KindWeights) -> f32 {
    match event.kind {
        EventKind::Dislike | EventKind::Dismiss => 0.0,
        EventKind::Rate => {
            // A rating is at least a view; stars above 2.5 add to it.
            (weights.of(EventKind::View) + event.signal(weights).max(0.0)).max(0.0) as f32
        }
        _ => event.signal(weights).max(0.0) as f32,
    }
}

impl NeighbourComponent {
    /// Scores every catalogue item from `history` at `now_ms`.
    pub fn new<'e>(
        model: &LoadedModel,
        catalog: &Catalog,
        history: impl Iterator<Item = &'e Event>,
        kind_weights: &KindWeights,
        options: &NeighbourOptions,
        now_ms: f64,
    ) -> NeighbourComponent {
        let params = options.params();
        let events: Vec<HistoryEvent> = history
            .filter_map(|e| {
                let item = catalog.index_of(&e.item)?;
                Some(HistoryEvent {
                    item,
                    kind_weight: strength(e, kind_weights),
                    timestamp_ms: e.at,
                    dwell_ms: if e.kind == EventKind::Dwell {
                        e.value
                    } else {
                        None
                    },
                })
            })
            .collect();
        let weighted = weigh_history(&events, now_ms, &params);
        let scores = neighbour_scores(model.tables(), catalog.len(), &weighted, &params);
        let max = scores.scores.iter().copied().fold(0.0f32, f32::max);
        let scale = if max > 0.0 {
            options.weight / f64::from(max)
        } else {
            0.0
        };
        NeighbourComponent { scores, scale }
    }
}

impl ScoreComponent for NeighbourComponent {
    fn score(&self, _ctx: &RankContext<'_>, idx: u32) -> f64 {
        self.scores
            .scores
            .get(idx as usize)
            .map_or(0.0, |&s| self.scale * f64::from(s))
    }

    fn reasons(&self, ctx: &RankContext<'_>, idx: u32, out: &mut Vec<Reason>) {
        let best = self.scores.scores.iter().copied().fold(0.0f32, f32::max);
        for driver in self.scores.drivers(idx) {
            if driver.contribution >= MIN_REASON_SHARE * best
                && (driver.item as usize) < ctx.catalog.len()
            {
                out.push(Reason::SimilarToItem {
                    id: ctx.catalog.id(driver.item).to_string(),
                    weight: (self.scale * f64::from(driver.contribution) * 1000.0).round() / 1000.0,
                });
            }
        }
    }
}
