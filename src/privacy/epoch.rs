//! Epochs: time cut into fixed periods (default 7 days) shifted by a
//! per-install random offset, so that installs do not all switch epoch (and
//! send) at the same instant.

use rand_core::RngCore;
use serde::{Deserialize, Serialize};

use super::random::uniform_f64;
use super::PrivacyError;

/// Milliseconds per day.
pub const DAY_MS: f64 = 86_400_000.0;
/// Default epoch length, in days.
pub const DEFAULT_EPOCH_DAYS: f64 = 7.0;

/// An install's epoch clock: `index(t) = floor((t − offset) / length)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochClock {
    /// Epoch length in milliseconds.
    pub length_ms: f64,
    /// This install's offset in `[0, length_ms)`.
    pub offset_ms: f64,
}

impl EpochClock {
    /// A clock with an explicit offset (e.g. read back from storage).
    pub fn new(length_days: f64, offset_ms: f64) -> Result<EpochClock, PrivacyError> {
        if !(length_days.is_finite() && (1.0 / 24.0..=366.0).contains(&length_days)) {
            return Err(PrivacyError::new(
                "epochDays",
                format!("must be between 1/24 (one hour) and 366, got {length_days}"),
            ));
        }
        let length_ms = length_days * DAY_MS;
        if !(offset_ms.is_finite() && (0.0..length_ms).contains(&offset_ms)) {
            return Err(PrivacyError::new(
                "offsetMs",
                format!("must be in [0, {length_ms}), got {offset_ms}"),
            ));
        }
        Ok(EpochClock {
            length_ms,
            offset_ms,
        })
    }

    /// A clock with a fresh uniformly random offset (once per install).
    pub fn random(length_days: f64, rng: &mut dyn RngCore) -> Result<EpochClock, PrivacyError> {
        let clock = EpochClock::new(length_days, 0.0)?;
        let offset = (uniform_f64(rng) * clock.length_ms).floor();
        EpochClock::new(length_days, offset.min(clock.length_ms - 1.0))
    }

    /// Checks a clock read back from storage.
    pub fn validate(&self) -> Result<(), PrivacyError> {
        EpochClock::new(self.length_ms / DAY_MS, self.offset_ms).map(|_| ())
    }

    /// The epoch that contains `now_ms`.
    pub fn index(&self, now_ms: f64) -> i64 {
        ((now_ms - self.offset_ms) / self.length_ms).floor() as i64
    }

    /// When epoch `index` starts (inclusive), in ms since the Unix epoch.
    pub fn start_ms(&self, index: i64) -> f64 {
        index as f64 * self.length_ms + self.offset_ms
    }

    /// When epoch `index` ends (exclusive).
    pub fn end_ms(&self, index: i64) -> f64 {
        self.start_ms(index + 1)
    }

    /// A uniformly random send time inside epoch `index`, not before
    /// `now_ms`: the report of an epoch goes out at an unpredictable moment.
    pub fn random_send_time(&self, index: i64, now_ms: f64, rng: &mut dyn RngCore) -> f64 {
        let start = self.start_ms(index).max(now_ms);
        let end = self.end_ms(index);
        if start >= end {
            return end;
        }
        start + uniform_f64(rng) * (end - start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::random::seeded_rng;

    #[test]
    fn index_and_bounds() {
        let c = EpochClock::new(7.0, 3.0 * DAY_MS).unwrap();
        assert_eq!(c.index(3.0 * DAY_MS), 0);
        assert_eq!(c.index(3.0 * DAY_MS - 1.0), -1);
        assert_eq!(c.index(10.0 * DAY_MS - 1.0), 0);
        assert_eq!(c.index(10.0 * DAY_MS), 1);
        let t = 1.8e12;
        let i = c.index(t);
        assert!(c.start_ms(i) <= t && t < c.end_ms(i));
    }

    #[test]
    fn random_offsets_differ_and_stay_in_range() {
        let mut rng = seeded_rng(5);
        let a = EpochClock::random(7.0, &mut rng).unwrap();
        let b = EpochClock::random(7.0, &mut rng).unwrap();
        assert_ne!(a.offset_ms, b.offset_ms);
        for _ in 0..1000 {
            let c = EpochClock::random(7.0, &mut rng).unwrap();
            assert!(c.offset_ms >= 0.0 && c.offset_ms < c.length_ms);
            c.validate().unwrap();
        }
    }

    #[test]
    fn send_time_is_inside_the_epoch_and_after_now() {
        let mut rng = seeded_rng(6);
        let c = EpochClock::random(7.0, &mut rng).unwrap();
        let now = 1.8e12;
        let i = c.index(now);
        for _ in 0..1000 {
            let t = c.random_send_time(i, now, &mut rng);
            assert!(t >= now && t < c.end_ms(i));
        }
    }

    #[test]
    fn bad_clock_names_the_field() {
        assert_eq!(EpochClock::new(0.0, 0.0).unwrap_err().field, "epochDays");
        assert_eq!(EpochClock::new(7.0, -1.0).unwrap_err().field, "offsetMs");
        assert_eq!(
            EpochClock::new(7.0, 7.0 * DAY_MS).unwrap_err().field,
            "offsetMs"
        );
    }
}
