//! `Options.neighbours`: every weight of neighbour scoring, documented and
//! overridable (`new Recommender({ neighbours: { positionDecay: 0.9 } })`).

use serde::{Deserialize, Serialize};

use super::score::NeighbourParams;
use crate::core::error::OptionsError;

/// Weights of the item-item neighbour component (used once a model is set
/// with `setModel`). Missing fields take their default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NeighbourOptions {
    /// Weight of the neighbour component in the final score; the component
    /// is normalised so the best candidate gets 1 (default 2.0).
    pub weight: f64,
    /// Multiplier of the similarity table (ItemKNN/EASE) (default 1.0).
    pub similarity_weight: f64,
    /// Multiplier of the transition table (default 1.0).
    pub transition_weight: f64,
    /// Factor per step back in the visitor's sequence; 1 ignores order (default 0.8).
    pub position_decay: f64,
    /// Floor of the position factor, so old history still counts (default 0.05).
    pub position_floor: f64,
    /// Half-life of a history item's influence by age, in days; 0 = none (default 30).
    pub half_life_days: f64,
    /// How many of the latest positions feed the transition table (default 5).
    pub transition_window: u32,
    /// Extra strength of a long dwell: `1 + dwellBoost * min(dwell / dwellCapMs, 1)` (default 0.5).
    pub dwell_boost: f64,
    /// Dwell at which the boost saturates, in ms (default 60000).
    pub dwell_cap_ms: f64,
}

impl Default for NeighbourOptions {
    fn default() -> Self {
        NeighbourOptions {
            weight: 2.0,
            similarity_weight: 1.0,
            transition_weight: 1.0,
            position_decay: 0.8,
            position_floor: 0.05,
            half_life_days: 30.0,
            transition_window: 5,
            dwell_boost: 0.5,
            dwell_cap_ms: 60_000.0,
        }
    }
}

impl NeighbourOptions {
    /// Checks every field; the error names it (`neighbours.positionDecay`).
    pub fn validate(&self) -> Result<(), OptionsError> {
        let ranges: [(&str, f64, f64, f64); 8] = [
            ("weight", self.weight, 0.0, 1e6),
            ("similarityWeight", self.similarity_weight, 0.0, 1e6),
            ("transitionWeight", self.transition_weight, 0.0, 1e6),
            ("positionDecay", self.position_decay, 0.0, 1.0),
            ("positionFloor", self.position_floor, 0.0, 1.0),
            ("halfLifeDays", self.half_life_days, 0.0, 3650.0),
            ("dwellBoost", self.dwell_boost, 0.0, 1e6),
            ("dwellCapMs", self.dwell_cap_ms, 1.0, 86_400_000.0),
        ];
        for (name, value, lo, hi) in ranges {
            if !(value.is_finite() && value >= lo && value <= hi) {
                return Err(OptionsError::InvalidField {
                    field: format!("neighbours.{name}"),
                    reason: format!("must be in {lo}..={hi}, got {value}"),
                });
            }
        }
        if self.transition_window > 1000 {
            return Err(OptionsError::InvalidField {
                field: "neighbours.transitionWindow".into(),
                reason: format!("must be in 0..=1000, got {}", self.transition_window),
            });
        }
        Ok(())
    }

    /// The scorer's parameters.
    pub fn params(&self) -> NeighbourParams {
        NeighbourParams {
            similarity_weight: self.similarity_weight as f32,
            transition_weight: self.transition_weight as f32,
            position_decay: self.position_decay as f32,
            position_floor: self.position_floor as f32,
            half_life_days: self.half_life_days as f32,
            transition_window: self.transition_window as usize,
            dwell_boost: self.dwell_boost as f32,
            dwell_cap_ms: self.dwell_cap_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_errors_name_the_field() {
        NeighbourOptions::default().validate().unwrap();
        let bad = NeighbourOptions {
            position_decay: 1.5,
            ..Default::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "option \"neighbours.positionDecay\" must be in 0..=1, got 1.5"
        );
    }
}
