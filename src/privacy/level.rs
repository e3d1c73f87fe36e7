//! The personalisation dial: [`Level`], what each level keeps, the default
//! under Global Privacy Control, and what a lowering must erase at once.

use serde::{Deserialize, Serialize};

use super::PrivacyError;

/// How much personalisation the visitor allows, from least to most.
///
/// Ordered: `Off < Session < Personal < Contribute`. Serialised in camelCase
/// (`"off"`, `"session"`, `"personal"`, `"contribute"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Nothing is read or stored except the choice itself; recommendations are
    /// not personalised; no signals.
    Off,
    /// History lives in memory for this page only; nothing persisted; no signals.
    Session,
    /// Full on-device personalisation, persisted; no signals.
    Personal,
    /// `Personal`, plus coarse locally differentially private signals upstream.
    Contribute,
}

/// What a level keeps. Every flag of a lower level is implied by a higher one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// Events are recorded and the profile is kept in memory.
    pub keeps_history_in_memory: bool,
    /// History, profile and interest edits are written to storage.
    pub persists_history: bool,
    /// The budget ledger and epoch offset are kept in storage. `Personal`
    /// keeps them (they hold no history, only spent ε per epoch) so that
    /// toggling `contribute` → `personal` → `contribute` cannot reset the budget.
    pub keeps_signal_state: bool,
    /// A scheduled, not yet sent report may exist.
    pub keeps_pending_report: bool,
    /// Reports are sent upstream.
    pub sends_signals: bool,
}

/// What must be deleted at once when the level changes. All `false` when the
/// level is raised or unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasePlan {
    /// Delete the in-memory history and profile (and interest edits).
    pub memory_history: bool,
    /// Delete the stored history, profile and interest edits.
    pub persisted_history: bool,
    /// Delete the stored budget ledger and epoch offset.
    pub signal_state: bool,
    /// Drop the pending report: it must never be sent.
    pub pending_report: bool,
}

impl ErasePlan {
    /// Whether the plan deletes anything.
    pub fn is_empty(&self) -> bool {
        *self == ErasePlan::default()
    }
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [
        Level::Off,
        Level::Session,
        Level::Personal,
        Level::Contribute,
    ];

    /// The camelCase name, as in JS and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Session => "session",
            Level::Personal => "personal",
            Level::Contribute => "contribute",
        }
    }

    /// Parses a level name; the error names the field `level` and the bad value.
    pub fn parse(name: &str) -> Result<Level, PrivacyError> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == name)
            .ok_or_else(|| {
                PrivacyError::new(
                    "level",
                    format!("must be one of off, session, personal, contribute; got {name:?}"),
                )
            })
    }

    /// What this level keeps.
    pub fn retention(self) -> Retention {
        Retention {
            keeps_history_in_memory: self >= Level::Session,
            persists_history: self >= Level::Personal,
            keeps_signal_state: self >= Level::Personal,
            keeps_pending_report: self >= Level::Contribute,
            sends_signals: self >= Level::Contribute,
        }
    }

    /// The level in force when the visitor has made no choice yet.
    ///
    /// The site's default applies, except that Global Privacy Control
    /// (`navigator.globalPrivacyControl === true`) caps it at `Personal`:
    /// `Contribute` then needs an explicit call.
    pub fn default_for(site_default: Level, global_privacy_control: bool) -> Level {
        if global_privacy_control {
            site_default.min(Level::Personal)
        } else {
            site_default
        }
    }

    /// What must be erased at once on the change `self` → `to`: everything
    /// the current level keeps and the new one does not.
    pub fn erase_plan(self, to: Level) -> ErasePlan {
        let (a, b) = (self.retention(), to.retention());
        ErasePlan {
            memory_history: a.keeps_history_in_memory && !b.keeps_history_in_memory,
            persisted_history: a.persists_history && !b.persists_history,
            signal_state: a.keeps_signal_state && !b.keeps_signal_state,
            pending_report: a.keeps_pending_report && !b.keeps_pending_report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_and_names_round_trip() {
        assert!(Level::Off < Level::Session);
        assert!(Level::Session < Level::Personal);
        assert!(Level::Personal < Level::Contribute);
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Ok(l));
        }
        let err = Level::parse("max").unwrap_err();
        assert_eq!(err.field, "level");
        assert!(err.to_string().contains("\"max\""));
    }

    #[test]
    fn retention_per_level() {
        let off = Level::Off.retention();
        assert!(!off.keeps_history_in_memory && !off.persists_history && !off.sends_signals);
        let s = Level::Session.retention();
        assert!(s.keeps_history_in_memory && !s.persists_history && !s.keeps_signal_state);
        let p = Level::Personal.retention();
        assert!(p.persists_history && p.keeps_signal_state && !p.sends_signals);
        assert!(!p.keeps_pending_report);
        let c = Level::Contribute.retention();
        assert!(c.sends_signals && c.keeps_pending_report);
    }

    #[test]
    fn gpc_caps_the_default_at_personal() {
        assert_eq!(Level::default_for(Level::Contribute, true), Level::Personal);
        assert_eq!(
            Level::default_for(Level::Contribute, false),
            Level::Contribute
        );
        assert_eq!(Level::default_for(Level::Session, true), Level::Session);
        assert_eq!(Level::default_for(Level::Personal, true), Level::Personal);
        assert_eq!(Level::default_for(Level::Off, true), Level::Off);
    }

    #[test]
    fn raising_erases_nothing() {
        for a in Level::ALL {
            for b in Level::ALL {
                if b >= a {
                    assert!(a.erase_plan(b).is_empty(), "{a:?} -> {b:?}");
                }
            }
        }
    }

    #[test]
    fn every_lowering_erases_what_the_lower_level_does_not_keep() {
        use Level::*;
        let plan = Contribute.erase_plan(Personal);
        assert_eq!(
            plan,
            ErasePlan {
                pending_report: true,
                ..ErasePlan::default()
            }
        );
        let plan = Personal.erase_plan(Session);
        assert_eq!(
            plan,
            ErasePlan {
                persisted_history: true,
                signal_state: true,
                ..ErasePlan::default()
            }
        );
        let plan = Contribute.erase_plan(Session);
        assert!(plan.persisted_history && plan.signal_state && plan.pending_report);
        assert!(!plan.memory_history);
        for from in [Session, Personal, Contribute] {
            let plan = from.erase_plan(Off);
            assert!(plan.memory_history, "{from:?} -> Off keeps memory");
            assert_eq!(plan.persisted_history, from >= Personal);
            assert_eq!(plan.pending_report, from == Contribute);
        }
    }

    #[test]
    fn serde_uses_camel_case_names() {
        assert_eq!(
            serde_json::to_string(&Level::Contribute).unwrap(),
            "\"contribute\""
        );
        let l: Level = serde_json::from_str("\"session\"").unwrap();
        assert_eq!(l, Level::Session);
        assert!(serde_json::from_str::<Level>("\"Session\"").is_err());
    }
}
