//! Error families of the core, one enum per family. Every message names what
//! was wrong: the item (index and id) and the field, and the offending value.

use std::fmt;

/// Why a catalogue load was rejected. A rejected load leaves the previous
/// catalogue in place.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogError {
    /// More items than [`crate::core::catalog::MAX_ITEMS`].
    TooManyItems {
        /// Number of items offered.
        count: usize,
        /// The cap.
        max: usize,
    },
    /// One item has an invalid field.
    InvalidItem {
        /// Position of the item in the offered list (0-based).
        index: usize,
        /// The item's id as given (possibly empty).
        id: String,
        /// The offending field, in its JS spelling (`popularity`, `vector`, ...).
        field: &'static str,
        /// What is wrong, including the offending value.
        reason: String,
    },
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::TooManyItems { count, max } => write!(
                f,
                "catalog has {count} items, more than the maximum of {max}"
            ),
            CatalogError::InvalidItem {
                index,
                id,
                field,
                reason,
            } => write!(
                f,
                "catalog item {index} (id {id:?}): field \"{field}\" {reason}"
            ),
        }
    }
}

impl std::error::Error for CatalogError {}

/// Why an event was rejected. A rejected event changes nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum EventError {
    /// One field of the event is invalid.
    InvalidField {
        /// The event's item id as given (possibly empty).
        item: String,
        /// The offending field (`item`, `value`, `at`).
        field: &'static str,
        /// What is wrong, including the offending value.
        reason: String,
    },
    /// One id given to `recordImpressions` is invalid.
    InvalidImpression {
        /// Position of the id in the list.
        index: usize,
        /// The id as given.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// More ids than one `recordImpressions` call accepts.
    TooManyImpressions {
        /// Number of ids offered.
        count: usize,
        /// The cap.
        max: usize,
    },
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::InvalidField {
                item,
                field,
                reason,
            } => write!(f, "event for item {item:?}: field \"{field}\" {reason}"),
            EventError::InvalidImpression { index, id, reason } => {
                write!(f, "impression {index} (id {id:?}): field \"id\" {reason}")
            }
            EventError::TooManyImpressions { count, max } => write!(
                f,
                "recordImpressions got {count} ids, more than the maximum of {max} per call"
            ),
        }
    }
}

impl std::error::Error for EventError {}

/// Why a set of options was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionsError {
    /// One option is out of range.
    InvalidField {
        /// The option's path in JS spelling (`halfLifeDays`, `weights.category`, ...).
        field: String,
        /// What is wrong, including the offending value.
        reason: String,
    },
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionsError::InvalidField { field, reason } => {
                write!(f, "option \"{field}\" {reason}")
            }
        }
    }
}

impl std::error::Error for OptionsError {}

/// Why a recommendation or explanation request was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum RecommendError {
    /// `k` outside `1..=MAX_K`.
    InvalidK {
        /// The requested k.
        k: usize,
        /// The cap.
        max: usize,
    },
    /// An id in the request's `candidates` is not in the catalogue.
    UnknownCandidate {
        /// Position in `candidates`.
        index: usize,
        /// The unknown id.
        id: String,
    },
    /// `explain` was asked about an id that is not in the catalogue.
    UnknownItem {
        /// The unknown id.
        id: String,
    },
    /// A request field is out of range or malformed.
    InvalidField {
        /// The field's path in JS spelling (`exploration`, `diversity.lambda`, `exclude`...).
        field: String,
        /// What is wrong, including the offending value.
        reason: String,
    },
}

impl fmt::Display for RecommendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecommendError::InvalidK { k, max } => {
                write!(f, "request field \"k\" must be in 1..={max}, got {k}")
            }
            RecommendError::UnknownCandidate { index, id } => write!(
                f,
                "request field \"candidates\" item {index} (id {id:?}) is not in the catalog"
            ),
            RecommendError::UnknownItem { id } => {
                write!(f, "item id {id:?} is not in the catalog")
            }
            RecommendError::InvalidField { field, reason } => {
                write!(f, "request field \"{field}\" {reason}")
            }
        }
    }
}

impl std::error::Error for RecommendError {}

/// Formats a number for error messages (keeps `NaN`/`inf` readable).
pub(crate) fn num(v: f64) -> String {
    format!("{v}")
}
