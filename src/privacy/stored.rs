//! How the privacy state is kept in the engine's extra keys: compact
//! postcard records in base64 behind a `p1:` version prefix. Unreadable
//! values decode to `None` (the caller starts fresh), never a panic.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::payload::{Payload, Question};
use super::{EpochClock, Ledger};

/// Extra key of the visitor's level choice (plain text: `off`, `session`, ...).
pub const LEVEL_KEY: &str = "privacy.level";
/// Extra key of the signal state (ledger, epoch clock, pending report).
pub const SIGNAL_KEY: &str = "privacy.signal";
/// Extra key of the interest edits (blocked and added categories).
pub const INTERESTS_KEY: &str = "privacy.interests";

const PREFIX: &str = "p1:";

/// Encodes a value for an extra key.
pub fn encode<T: Serialize>(value: &T) -> Option<String> {
    let bytes = postcard::to_allocvec(value).ok()?;
    Some(format!("{PREFIX}{}", STANDARD_NO_PAD.encode(bytes)))
}

/// Decodes a value written by [`encode`]; `None` if foreign or damaged.
pub fn decode<T: DeserializeOwned>(stored: &str) -> Option<T> {
    let b64 = stored.strip_prefix(PREFIX)?;
    let bytes = STANDARD_NO_PAD.decode(b64).ok()?;
    match postcard::take_from_bytes::<T>(&bytes) {
        Ok((v, [])) => Some(v),
        _ => None,
    }
}

/// A question in storage form (postcard cannot read internally tagged enums).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredQuestion {
    /// 0 = topInterest, 1 = interestLevel, 2 = outcome.
    pub kind: u8,
    /// The category or arm.
    pub param: u8,
}

impl From<Question> for StoredQuestion {
    fn from(q: Question) -> Self {
        match q {
            Question::TopInterest => StoredQuestion { kind: 0, param: 0 },
            Question::InterestLevel { category } => StoredQuestion {
                kind: 1,
                param: category,
            },
            Question::Outcome { arm } => StoredQuestion {
                kind: 2,
                param: arm,
            },
        }
    }
}

impl StoredQuestion {
    /// Back to a [`Question`]; `None` for an unknown kind.
    pub fn question(self) -> Option<Question> {
        match self.kind {
            0 => Some(Question::TopInterest),
            1 => Some(Question::InterestLevel {
                category: self.param,
            }),
            2 => Some(Question::Outcome { arm: self.param }),
            _ => None,
        }
    }
}

/// A built payload in storage form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPayload {
    /// See [`Payload::schema_version`].
    pub schema_version: u32,
    /// See [`Payload::epoch`].
    pub epoch: i64,
    /// See [`Payload::question`].
    pub question: StoredQuestion,
    /// See [`Payload::taxonomy_version`].
    pub taxonomy_version: u32,
    /// See [`Payload::bits`].
    pub bits: String,
    /// See [`Payload::epsilon`].
    pub epsilon: f64,
}

impl From<&Payload> for StoredPayload {
    fn from(p: &Payload) -> Self {
        StoredPayload {
            schema_version: p.schema_version,
            epoch: p.epoch,
            question: p.question.into(),
            taxonomy_version: p.taxonomy_version,
            bits: p.bits.clone(),
            epsilon: p.epsilon,
        }
    }
}

impl StoredPayload {
    /// Back to a [`Payload`] (validated); `None` when damaged.
    pub fn payload(&self) -> Option<Payload> {
        let p = Payload {
            schema_version: self.schema_version,
            epoch: self.epoch,
            question: self.question.question()?,
            taxonomy_version: self.taxonomy_version,
            bits: self.bits.clone(),
            epsilon: self.epsilon,
        };
        p.validate().ok().map(|()| p)
    }
}

/// The report of the current epoch: its question and send time, and the
/// randomised payload once built (built once, then memoised).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingReport {
    /// Epoch index.
    pub epoch: i64,
    /// The question it answers.
    pub question: StoredQuestion,
    /// Not sent before this time (ms since the Unix epoch).
    pub send_after_ms: f64,
    /// The payload, once built (and charged to the ledger).
    pub payload: Option<StoredPayload>,
}

/// Everything the `contribute` level keeps besides the history.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SignalState {
    /// Reports made.
    pub ledger: Ledger,
    /// This install's epoch clock (random offset), once contributing.
    pub clock: Option<EpochClock>,
    /// This epoch's report.
    pub pending: Option<PendingReport>,
    /// The visitor's experiment arm (public, random), if the site runs one.
    pub arm: Option<u8>,
    /// Clicks on recommendations: (epoch, count) for the current epoch only.
    pub clicks: Option<(i64, u32)>,
}

/// The visitor's edits of their interests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InterestEdits {
    /// Blocked interest categories: never used for ranking, never reported.
    pub blocked: BTreeSet<String>,
    /// Interests the visitor added, with a strength in (0, 1].
    pub added: BTreeMap<String, f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::BudgetPolicy;

    #[test]
    fn round_trips_and_rejects_damage() {
        let mut s = SignalState::default();
        s.ledger
            .charge(&BudgetPolicy::default(), 3, 1.0, 1.8e12)
            .unwrap();
        s.clock = Some(EpochClock::new(7.0, 1000.0).unwrap());
        s.pending = Some(PendingReport {
            epoch: 3,
            question: Question::InterestLevel { category: 2 }.into(),
            send_after_ms: 1.8e12,
            payload: None,
        });
        let text = encode(&s).unwrap();
        assert_eq!(decode::<SignalState>(&text), Some(s));
        assert_eq!(decode::<SignalState>("p1:!!"), None);
        assert_eq!(decode::<SignalState>("garbage"), None);
        assert_eq!(decode::<SignalState>(&text[..text.len() - 3]), None);
        let q = StoredQuestion { kind: 9, param: 0 };
        assert_eq!(q.question(), None);
    }
}
