//! The privacy-budget ledger: total ε over a rolling window is capped
//! (default 4.0 per 30 days), and at most one report is made per epoch.
//! One ledger per namespace; serialisable so it persists across reloads.

use serde::{Deserialize, Serialize};

use super::epoch::DAY_MS;
use super::error::check_epsilon;
use super::PrivacyError;

/// Tolerance for floating-point sums of ε (e.g. ten reports of 0.4 = 4.0).
const EPSILON_SLACK: f64 = 1e-9;

/// The cap: at most `max_epsilon` spent in any `window_days`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetPolicy {
    /// Total ε allowed inside the window (default 4.0).
    pub max_epsilon: f64,
    /// Window length in days (default 30).
    pub window_days: f64,
}

impl Default for BudgetPolicy {
    fn default() -> Self {
        BudgetPolicy {
            max_epsilon: 4.0,
            window_days: 30.0,
        }
    }
}

impl BudgetPolicy {
    /// Checks the policy; errors name `budget.maxEpsilon` / `budget.windowDays`.
    pub fn validate(&self) -> Result<(), PrivacyError> {
        check_epsilon(self.max_epsilon)
            .map_err(|e| PrivacyError::new("budget.maxEpsilon", e.message))?;
        if !(self.window_days.is_finite() && self.window_days >= 1.0) {
            return Err(PrivacyError::new(
                "budget.windowDays",
                format!("must be a number >= 1, got {}", self.window_days),
            ));
        }
        Ok(())
    }

    fn window_ms(&self) -> f64 {
        self.window_days * DAY_MS
    }
}

/// One report that was made (kept on the device only, never sent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    /// The report's epoch index.
    pub epoch: i64,
    /// The ε it spent.
    pub epsilon: f64,
    /// When it was charged (ms since the Unix epoch; local only).
    pub at_ms: f64,
}

/// Why a report is not made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum Refusal {
    /// A report was already made for this epoch.
    AlreadyReported {
        /// The epoch.
        epoch: i64,
    },
    /// The report would push the window's total over the cap.
    BudgetExceeded {
        /// ε already spent in the window.
        spent: f64,
        /// ε the report would spend.
        requested: f64,
        /// The cap.
        max_epsilon: f64,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::AlreadyReported { epoch } => {
                write!(f, "a report was already made for epoch {epoch}")
            }
            Refusal::BudgetExceeded {
                spent,
                requested,
                max_epsilon,
            } => write!(
                f,
                "privacy budget exhausted: {spent} spent + {requested} requested > {max_epsilon}"
            ),
        }
    }
}

/// Reports made, for budget accounting. Entries older than the window are
/// pruned; the most recent epoch is always remembered (once-per-epoch).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ledger {
    /// Entries in charge order.
    pub entries: Vec<LedgerEntry>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// ε spent inside the window ending at `now_ms`. Entries stamped in the
    /// future (clock moved back) count, conservatively.
    pub fn spent(&self, policy: &BudgetPolicy, now_ms: f64) -> f64 {
        let since = now_ms - policy.window_ms();
        self.entries
            .iter()
            .filter(|e| e.at_ms > since)
            .map(|e| e.epsilon)
            .sum()
    }

    /// ε still available now.
    pub fn remaining(&self, policy: &BudgetPolicy, now_ms: f64) -> f64 {
        (policy.max_epsilon - self.spent(policy, now_ms)).max(0.0)
    }

    /// Whether a report for `epoch` at `epsilon` may be made now.
    pub fn check(
        &self,
        policy: &BudgetPolicy,
        epoch: i64,
        epsilon: f64,
        now_ms: f64,
    ) -> Result<(), Refusal> {
        if self.entries.iter().any(|e| e.epoch >= epoch) {
            // Also refuses epochs before the newest one: a clock moved back
            // must not open an old epoch again.
            return Err(Refusal::AlreadyReported { epoch });
        }
        let spent = self.spent(policy, now_ms);
        if spent + epsilon > policy.max_epsilon + EPSILON_SLACK {
            return Err(Refusal::BudgetExceeded {
                spent,
                requested: epsilon,
                max_epsilon: policy.max_epsilon,
            });
        }
        Ok(())
    }

    /// Records a report if [`Ledger::check`] allows it; otherwise changes nothing.
    pub fn charge(
        &mut self,
        policy: &BudgetPolicy,
        epoch: i64,
        epsilon: f64,
        now_ms: f64,
    ) -> Result<(), Refusal> {
        self.check(policy, epoch, epsilon, now_ms)?;
        self.prune(policy, now_ms);
        self.entries.push(LedgerEntry {
            epoch,
            epsilon,
            at_ms: now_ms,
        });
        Ok(())
    }

    /// Drops entries that left the window, keeping the newest entry so the
    /// once-per-epoch rule survives.
    pub fn prune(&mut self, policy: &BudgetPolicy, now_ms: f64) {
        let since = now_ms - policy.window_ms();
        let newest = self.entries.iter().map(|e| e.epoch).max();
        self.entries
            .retain(|e| e.at_ms > since || Some(e.epoch) == newest);
    }

    /// Checks a ledger read back from storage; errors name `entries[i].field`.
    pub fn validate(&self) -> Result<(), PrivacyError> {
        for (i, e) in self.entries.iter().enumerate() {
            if !(e.epsilon.is_finite() && e.epsilon > 0.0) {
                return Err(PrivacyError::new(
                    format!("entries[{i}].epsilon"),
                    format!("must be a finite number > 0, got {}", e.epsilon),
                ));
            }
            if !e.at_ms.is_finite() {
                return Err(PrivacyError::new(
                    format!("entries[{i}].atMs"),
                    "must be a finite number",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: f64 = 1.8e12;

    #[test]
    fn one_report_per_epoch() {
        let p = BudgetPolicy::default();
        let mut l = Ledger::new();
        l.charge(&p, 10, 1.0, T0).unwrap();
        assert_eq!(
            l.charge(&p, 10, 1.0, T0 + 1.0),
            Err(Refusal::AlreadyReported { epoch: 10 })
        );
        assert_eq!(
            l.check(&p, 9, 1.0, T0 + 1.0),
            Err(Refusal::AlreadyReported { epoch: 9 })
        );
        l.charge(&p, 11, 1.0, T0 + 7.0 * DAY_MS).unwrap();
        assert_eq!(l.entries.len(), 2);
    }

    #[test]
    fn rolling_window_caps_total_epsilon() {
        let p = BudgetPolicy::default();
        let mut l = Ledger::new();
        // Weekly reports at ε=1: days 0, 7, 14, 21 fill the 4.0 budget.
        for k in 0..4 {
            l.charge(&p, k, 1.0, T0 + k as f64 * 7.0 * DAY_MS).unwrap();
        }
        assert!((l.spent(&p, T0 + 21.0 * DAY_MS) - 4.0).abs() < 1e-12);
        // Day 28: the day-0 report is still inside the 30-day window.
        let r = l.charge(&p, 4, 1.0, T0 + 28.0 * DAY_MS);
        assert!(matches!(r, Err(Refusal::BudgetExceeded { .. })), "{r:?}");
        assert_eq!(l.entries.len(), 4, "refusal changes nothing");
        // Day 30 + 1 ms: the day-0 report has left the window.
        l.charge(&p, 5, 1.0, T0 + 30.0 * DAY_MS + 1.0).unwrap();
        assert!((l.spent(&p, T0 + 30.0 * DAY_MS + 1.0) - 4.0).abs() < 1e-12);
        assert_eq!(l.entries.len(), 4, "the expired entry was pruned");
    }

    #[test]
    fn a_single_report_larger_than_the_cap_is_refused() {
        let p = BudgetPolicy::default();
        let l = Ledger::new();
        assert!(matches!(
            l.check(&p, 1, 4.5, T0),
            Err(Refusal::BudgetExceeded { .. })
        ));
        assert!(l.check(&p, 1, 4.0, T0).is_ok());
    }

    #[test]
    fn float_sums_do_not_refuse_an_exact_fill() {
        let p = BudgetPolicy::default();
        let mut l = Ledger::new();
        for k in 0..10 {
            l.charge(&p, k, 0.4, T0 + k as f64).unwrap();
        }
        assert!(l.check(&p, 11, 0.4, T0 + 11.0).is_err());
    }

    #[test]
    fn clock_moved_back_still_counts_future_entries() {
        let p = BudgetPolicy::default();
        let mut l = Ledger::new();
        l.charge(&p, 100, 4.0, T0).unwrap();
        assert!(l.check(&p, 101, 0.5, T0 - 100.0 * DAY_MS).is_err());
    }

    #[test]
    fn survives_serde_round_trip_and_validates() {
        let p = BudgetPolicy::default();
        let mut l = Ledger::new();
        l.charge(&p, 3, 1.0, T0).unwrap();
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(
            json,
            r#"{"entries":[{"epoch":3,"epsilon":1.0,"atMs":1800000000000.0}]}"#
        );
        let back: Ledger = serde_json::from_str(&json).unwrap();
        assert_eq!(back, l);
        back.validate().unwrap();
        let bad = Ledger {
            entries: vec![LedgerEntry {
                epoch: 1,
                epsilon: -1.0,
                at_ms: T0,
            }],
        };
        assert_eq!(bad.validate().unwrap_err().field, "entries[0].epsilon");
        let bad_policy = BudgetPolicy {
            max_epsilon: 0.0,
            window_days: 30.0,
        };
        assert_eq!(
            bad_policy.validate().unwrap_err().field,
            "budget.maxEpsilon"
        );
    }
}
