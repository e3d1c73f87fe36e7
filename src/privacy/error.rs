//! [`PrivacyError`]: the one error family of the privacy module.

use std::fmt;

/// Bad privacy input (taxonomy, ε, report input, level name, payload).
///
/// The message names the offending field (and the index or id when there is
/// one), e.g. `taxonomy: field "categories[3]": duplicate name "sport"`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrivacyError {
    /// The field at fault, as the caller spelled it (`"epsilon"`, `"categories[3]"`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl PrivacyError {
    /// Builds an error for `field` with a message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        PrivacyError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PrivacyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field \"{}\": {}", self.field, self.message)
    }
}

impl std::error::Error for PrivacyError {}

/// Checks that ε is finite and strictly positive.
pub(crate) fn check_epsilon(epsilon: f64) -> Result<(), PrivacyError> {
    if epsilon.is_finite() && epsilon > 0.0 {
        Ok(())
    } else {
        Err(PrivacyError::new(
            "epsilon",
            format!("must be a finite number > 0, got {epsilon}"),
        ))
    }
}
