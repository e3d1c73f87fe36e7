//! Privacy mechanisms: the personalisation level, local differential privacy
//! (randomised response, optimised unary encoding), the budget ledger, epochs,
//! the upstream payload and the aggregation estimator.
//!
//! Everything here is pure (no JS, no clock, no global randomness): time is
//! passed in as `now_ms`, and randomness comes from an injected
//! [`rand_core::RngCore`] — a ChaCha20 CSPRNG seeded from the OS / browser in
//! production ([`random::secure_rng`]), a seeded one in tests.

pub mod controller;
pub mod epoch;
pub mod error;
pub mod estimator;
pub mod ledger;
pub mod level;
pub mod options;
pub mod oue;
pub mod outputs;
pub mod payload;
pub mod random;
pub mod report;
pub mod rights;
pub mod rr;
pub mod stored;
pub mod taxonomy;

pub use controller::{Privacy, PrivacyExport, SignalPreview};
pub use epoch::EpochClock;
pub use error::PrivacyError;
pub use estimator::{BucketEstimate, Sums};
pub use ledger::{BudgetPolicy, Ledger, LedgerEntry, Refusal};
pub use level::{ErasePlan, Level, Retention};
pub use options::PrivacyOptions;
pub use oue::Oue;
pub use payload::{Payload, Question, SCHEMA_VERSION};
pub use report::{build_payload, describe, ReportInput};
pub use rights::Interest;
pub use rr::KaryRr;
pub use taxonomy::{Taxonomy, TaxonomyInput};
