//! The site's privacy settings (`open()` options, `privacy` part).

use serde::{Deserialize, Serialize};

use super::level::Level;
use super::report::QuestionKind;
use super::{BudgetPolicy, EpochClock, PrivacyError, Taxonomy, TaxonomyInput};

/// The site's privacy settings (the `privacy` part of `open()` options).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PrivacyOptions {
    /// The level before the visitor chooses (default `personal`); capped at
    /// `personal` under Global Privacy Control.
    pub default_level: Level,
    /// The coarse interest taxonomy; required for `contribute`.
    pub taxonomy: Option<TaxonomyInput>,
    /// ε of each report (default 1.0).
    pub epsilon: f64,
    /// Budget cap over a rolling window (default 4.0 per 30 days).
    pub budget: BudgetPolicy,
    /// Epoch length in days (default 7).
    pub epoch_days: f64,
    /// Questions the site asks, one picked per epoch (default `[topInterest]`).
    pub questions: Vec<QuestionKind>,
    /// Public names of experiment arms for `outcome` (empty: no experiment).
    pub arms: Vec<String>,
}

impl Default for PrivacyOptions {
    fn default() -> Self {
        PrivacyOptions {
            default_level: Level::Personal,
            taxonomy: None,
            epsilon: 1.0,
            budget: BudgetPolicy::default(),
            epoch_days: super::epoch::DEFAULT_EPOCH_DAYS,
            questions: vec![QuestionKind::TopInterest],
            arms: Vec::new(),
        }
    }
}

impl PrivacyOptions {
    /// Validates and returns the taxonomy; errors name `privacy.<field>`.
    pub fn validate(&self) -> Result<Option<Taxonomy>, PrivacyError> {
        let prefixed = |e: PrivacyError, base: &str| {
            PrivacyError::new(format!("privacy.{base}{}", e.field), e.message)
        };
        let taxonomy = match &self.taxonomy {
            Some(t) => Some(Taxonomy::new(t.clone()).map_err(|e| prefixed(e, "taxonomy."))?),
            None => None,
        };
        if !(self.epsilon.is_finite() && self.epsilon > 0.0 && self.epsilon <= 10.0) {
            return Err(PrivacyError::new(
                "privacy.epsilon",
                format!("must be in (0, 10], got {}", self.epsilon),
            ));
        }
        self.budget.validate().map_err(|e| prefixed(e, ""))?;
        if self.epsilon > self.budget.max_epsilon {
            return Err(PrivacyError::new(
                "privacy.epsilon",
                format!(
                    "{} exceeds the budget cap budget.maxEpsilon = {}",
                    self.epsilon, self.budget.max_epsilon
                ),
            ));
        }
        EpochClock::new(self.epoch_days, 0.0).map_err(|e| prefixed(e, ""))?;
        if self.questions.is_empty() {
            return Err(PrivacyError::new("privacy.questions", "must not be empty"));
        }
        if self.questions.contains(&QuestionKind::Outcome) && self.arms.is_empty() {
            return Err(PrivacyError::new(
                "privacy.arms",
                "the outcome question needs at least one experiment arm",
            ));
        }
        if self.arms.len() > super::payload::MAX_ARMS as usize {
            return Err(PrivacyError::new(
                "privacy.arms",
                format!(
                    "at most {} arms, got {}",
                    super::payload::MAX_ARMS,
                    self.arms.len()
                ),
            ));
        }
        if self.default_level == Level::Contribute && taxonomy.is_none() {
            return Err(PrivacyError::new(
                "privacy.defaultLevel",
                "contribute needs a taxonomy (privacy.taxonomy)",
            ));
        }
        Ok(taxonomy)
    }
}
