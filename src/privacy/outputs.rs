//! What the controller hands to the page: the transparency preview and the
//! privacy part of `exportData()`.

use serde::{Deserialize, Serialize};

use super::{EpochClock, Ledger, Level, Payload};

/// What `previewSignal()` returns: the next payload exactly as it would be
/// sent, or why there is none, with a plain-language description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignalPreview {
    /// The payload (memoised: the same object is sent later).
    pub payload: Option<Payload>,
    /// Plain-language account for the transparency panel.
    pub description: String,
    /// Earliest send time (ms since the Unix epoch), when a report is pending.
    pub send_after_ms: Option<f64>,
    /// ε spent in the current window, and the cap.
    pub budget_spent: f64,
    /// The cap over the window.
    pub budget_max: f64,
}

/// The privacy part of `exportData()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivacyExport {
    /// The level in force.
    pub level: Level,
    /// Whether the visitor chose it (otherwise it is the site's default).
    pub level_chosen: bool,
    /// Reports made (epoch, ε, local time).
    pub ledger: Ledger,
    /// The epoch clock (random per-install offset), if contributing.
    pub epoch_clock: Option<EpochClock>,
    /// This epoch's report, if already built.
    pub pending_report: Option<Payload>,
    /// Blocked interest categories.
    pub blocked: Vec<String>,
    /// Added interests with their strength.
    pub added: Vec<(String, f64)>,
}
