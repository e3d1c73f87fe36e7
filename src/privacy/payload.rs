//! The upstream payload: exactly `{schemaVersion, epoch, question,
//! taxonomyVersion, bits, epsilon}`. Nothing else ever leaves the device.

use serde::{Deserialize, Serialize};

use super::error::check_epsilon;
use super::oue::MAX_BUCKETS;
use super::PrivacyError;

/// Version of the payload schema.
pub const SCHEMA_VERSION: u32 = 1;
/// Buckets of an `interestLevel` report (levels 0–3).
pub const LEVEL_BUCKETS: usize = 4;
/// Buckets of an `outcome` report (0, 1, 2–4, 5+ clicks).
pub const OUTCOME_BUCKETS: usize = 4;
/// Most experiment arms an `outcome` question may name.
pub const MAX_ARMS: u8 = 16;

/// The question a report answers. Its parameters are public (chosen at
/// random by the client, not derived from the history).
///
/// JSON: `{"kind":"topInterest"}`, `{"kind":"interestLevel","category":5}`,
/// `{"kind":"outcome","arm":1}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Question {
    /// Which taxonomy category is the visitor's strongest this epoch.
    TopInterest,
    /// The level 0–3 of one taxonomy category, picked uniformly by the client.
    InterestLevel {
        /// The (public) taxonomy category index.
        category: u8,
    },
    /// Clicks on recommendations this epoch, bucketed 0 / 1 / 2–4 / 5+, for
    /// the visitor's (public, randomly assigned) experiment arm.
    Outcome {
        /// The experiment arm index.
        arm: u8,
    },
}

impl Question {
    /// The bit-vector length for this question under a taxonomy of
    /// `taxonomy_len` categories.
    pub fn buckets(&self, taxonomy_len: usize) -> usize {
        match self {
            Question::TopInterest => taxonomy_len,
            Question::InterestLevel { .. } => LEVEL_BUCKETS,
            Question::Outcome { .. } => OUTCOME_BUCKETS,
        }
    }

    /// Short label of bucket `i` (for tables): `category 3`, `level 2`, `2-4 clicks`.
    pub fn bucket_label(&self, i: usize) -> String {
        match self {
            Question::TopInterest => format!("category {i}"),
            Question::InterestLevel { .. } => format!("level {i}"),
            Question::Outcome { .. } => ["0 clicks", "1 click", "2-4 clicks", "5+ clicks"]
                .get(i)
                .map_or_else(|| format!("bucket {i}"), |s| s.to_string()),
        }
    }

    /// Compact text form, e.g. `topInterest`, `interestLevel:5`, `outcome:1`.
    pub fn label(&self) -> String {
        match self {
            Question::TopInterest => "topInterest".into(),
            Question::InterestLevel { category } => format!("interestLevel:{category}"),
            Question::Outcome { arm } => format!("outcome:{arm}"),
        }
    }
}

/// One report, exactly as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Payload {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The epoch index (the only time information).
    pub epoch: i64,
    /// The question answered.
    pub question: Question,
    /// The taxonomy version the buckets refer to.
    pub taxonomy_version: u32,
    /// The OUE-randomised one-hot vector, as `'0'`/`'1'` characters.
    pub bits: String,
    /// The ε spent by this report.
    pub epsilon: f64,
}

impl Payload {
    /// The bits as booleans.
    pub fn bit_vec(&self) -> Vec<bool> {
        self.bits.bytes().map(|b| b == b'1').collect()
    }

    /// Encodes booleans as a `'0'`/`'1'` string.
    pub fn encode_bits(bits: &[bool]) -> String {
        bits.iter().map(|&b| if b { '1' } else { '0' }).collect()
    }

    /// Checks the payload's self-consistency (what an aggregator can check
    /// without the taxonomy); errors name the field.
    pub fn validate(&self) -> Result<(), PrivacyError> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(PrivacyError::new(
                "schemaVersion",
                format!("must be {SCHEMA_VERSION}, got {}", self.schema_version),
            ));
        }
        if self.taxonomy_version == 0 {
            return Err(PrivacyError::new("taxonomyVersion", "must be >= 1, got 0"));
        }
        check_epsilon(self.epsilon)?;
        if let Some(bad) = self.bits.chars().find(|&c| c != '0' && c != '1') {
            return Err(PrivacyError::new(
                "bits",
                format!("must contain only '0' and '1', found {bad:?}"),
            ));
        }
        let n = self.bits.len();
        match self.question {
            Question::TopInterest if !(1..=MAX_BUCKETS).contains(&n) => Err(PrivacyError::new(
                "bits",
                format!("topInterest needs 1 to {MAX_BUCKETS} bits, got {n}"),
            )),
            Question::InterestLevel { category } if category as usize >= MAX_BUCKETS => {
                Err(PrivacyError::new(
                    "question.category",
                    format!("must be < {MAX_BUCKETS}, got {category}"),
                ))
            }
            Question::Outcome { arm } if arm >= MAX_ARMS => Err(PrivacyError::new(
                "question.arm",
                format!("must be < {MAX_ARMS}, got {arm}"),
            )),
            Question::InterestLevel { .. } | Question::Outcome { .. } if n != 4 => {
                Err(PrivacyError::new(
                    "bits",
                    format!("{} needs 4 bits, got {n}", self.question.label()),
                ))
            }
            _ => Ok(()),
        }
    }
}
