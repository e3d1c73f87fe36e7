//! Engine options with documented defaults and validation.

use serde::{Deserialize, Serialize};

use super::error::{num, OptionsError};
use super::event::{EventKind, KindWeights};
use super::ranking::ScoreWeights;

/// Largest accepted `maxEvents`.
pub const MAX_MAX_EVENTS: u32 = 100_000;
/// Largest accepted `halfLifeDays`, `retentionDays` and `freshnessHalfLifeDays` (10 years).
pub const MAX_DAYS: f64 = 3650.0;
/// Milliseconds per day.
pub const MS_PER_DAY: f64 = 86_400_000.0;

/// Engine options. Every field has a default; unknown fields are rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Options {
    /// Half-life of the profile's affinities, in days (default 14).
    pub half_life_days: f64,
    /// Maximum number of raw events kept (default 2000); older ones are
    /// dropped, their evidence stays in the decayed aggregates.
    pub max_events: u32,
    /// Raw events older than this many days are dropped (default 180).
    pub retention_days: f64,
    /// Half-life of the freshness bonus of `published`, in days (default 30).
    pub freshness_half_life_days: f64,
    /// Weights of the ranking components.
    pub weights: ScoreWeights,
    /// Per-kind event signal weights.
    pub event_weights: KindWeights,
    /// Frequency cap (default 3): an item shown this many times without
    /// engagement sinks below every non-capped candidate; each unengaged
    /// impression before that scales its score by 0.7. 0 turns capping off.
    pub impression_cap: u32,
    /// Days an item's unengaged impressions are remembered after it was last
    /// shown, and the half-life of the per-category click-through counts
    /// used by exploration (default 30).
    pub impression_memory_days: f64,
    /// Weights of the item-item neighbour component (see `model::options`).
    pub neighbours: crate::model::NeighbourOptions,
}

/// Largest accepted `impressionCap`.
pub const MAX_IMPRESSION_CAP: u32 = 1000;

impl Default for Options {
    fn default() -> Self {
        Options {
            half_life_days: 14.0,
            max_events: 2000,
            retention_days: 180.0,
            freshness_half_life_days: 30.0,
            weights: ScoreWeights::default(),
            event_weights: KindWeights::default(),
            impression_cap: 3,
            impression_memory_days: 30.0,
            neighbours: crate::model::NeighbourOptions::default(),
        }
    }
}

fn bad(field: impl Into<String>, reason: String) -> OptionsError {
    OptionsError::InvalidField {
        field: field.into(),
        reason,
    }
}

fn check_days(field: &str, v: f64) -> Result<(), OptionsError> {
    if !v.is_finite() || v <= 0.0 || v > MAX_DAYS {
        return Err(bad(
            field,
            format!("must be in (0, {MAX_DAYS}] days, got {}", num(v)),
        ));
    }
    Ok(())
}

impl Options {
    /// Checks every field; the error names the offending option.
    pub fn validate(&self) -> Result<(), OptionsError> {
        check_days("halfLifeDays", self.half_life_days)?;
        check_days("retentionDays", self.retention_days)?;
        check_days("freshnessHalfLifeDays", self.freshness_half_life_days)?;
        check_days("impressionMemoryDays", self.impression_memory_days)?;
        if self.impression_cap > MAX_IMPRESSION_CAP {
            return Err(bad(
                "impressionCap",
                format!(
                    "must be at most {MAX_IMPRESSION_CAP} (0 = off), got {}",
                    self.impression_cap
                ),
            ));
        }
        if self.max_events > MAX_MAX_EVENTS {
            return Err(bad(
                "maxEvents",
                format!("must be at most {MAX_MAX_EVENTS}, got {}", self.max_events),
            ));
        }
        for (name, w) in self.weights.named() {
            if !w.is_finite() || w < 0.0 {
                return Err(bad(
                    format!("weights.{name}"),
                    format!("must be a finite number >= 0, got {}", num(w)),
                ));
            }
        }
        for kind in EventKind::ALL {
            let w = self.event_weights.of(kind);
            if !w.is_finite() || w.abs() > 1000.0 {
                return Err(bad(
                    format!("eventWeights.{}", kind.name()),
                    format!("must be a finite number in -1000..=1000, got {}", num(w)),
                ));
            }
        }
        self.neighbours.validate()
    }

    /// The profile half-life in ms.
    pub fn half_life_ms(&self) -> f64 {
        self.half_life_days * MS_PER_DAY
    }

    /// How long unengaged impressions are remembered, in ms.
    pub fn impression_memory_ms(&self) -> f64 {
        self.impression_memory_days * MS_PER_DAY
    }

    /// The raw-event retention in ms.
    pub fn retention_ms(&self) -> f64 {
        self.retention_days * MS_PER_DAY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate() {
        Options::default().validate().unwrap();
        assert_eq!(Options::default().half_life_ms(), 14.0 * MS_PER_DAY);
    }

    #[test]
    fn names_the_bad_field() {
        let o = Options {
            half_life_days: 0.0,
            ..Options::default()
        };
        assert_eq!(
            o.validate().unwrap_err().to_string(),
            "option \"halfLifeDays\" must be in (0, 3650] days, got 0"
        );
        let o = Options {
            retention_days: f64::NAN,
            ..Options::default()
        };
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("\"retentionDays\""));
        let o = Options {
            max_events: MAX_MAX_EVENTS + 1,
            ..Options::default()
        };
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("\"maxEvents\" must be at most"));
        let mut o = Options::default();
        o.weights.popularity = -1.0;
        assert_eq!(
            o.validate().unwrap_err().to_string(),
            "option \"weights.popularity\" must be a finite number >= 0, got -1"
        );
        let mut o = Options::default();
        o.event_weights.add_to_cart = f64::INFINITY;
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("\"eventWeights.addToCart\""));
        let o = Options {
            freshness_half_life_days: 5000.0,
            ..Options::default()
        };
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("freshnessHalfLifeDays"));
        let o = Options {
            impression_cap: MAX_IMPRESSION_CAP + 1,
            ..Options::default()
        };
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("option \"impressionCap\" must be at most 1000"));
        let o = Options {
            impression_memory_days: -1.0,
            ..Options::default()
        };
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("\"impressionMemoryDays\""));
    }
}
