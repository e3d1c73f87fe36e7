//! Privacy mechanisms: the personalisation level, local differential privacy
//! (randomised response, optimised unary encoding), the budget ledger, epochs,
//! the upstream payload and the aggregation estimator.
//!
//! Everything here is pure (no JS, no clock, no global randomness): time is
//! passed in as `now_ms`, and randomness comes from an injected
//! [`rand_core::RngCore`] — a ChaCha20 CSPRNG seeded from the OS / browser in
//! production ([`random::secure_rng`]), a seeded one in tests.

pub mod epoch;
pub mod error;
pub mod estimator;
pub mod ledger;
pub mod level;
pub mod oue;
pub mod payload;
pub mod random;
pub mod report;
pub mod rr;
pub mod taxonomy;

pub use epoch::EpochClock;
pub use error::PrivacyError;
pub use estimator::{BucketEstimate, Sums};
pub use ledger::{BudgetPolicy, Ledger, LedgerEntry, Refusal};
pub use level::{ErasePlan, Level, Retention};
pub use oue::Oue;
pub use payload::{Payload, Question, SCHEMA_VERSION};
pub use report::{build_payload, describe, ReportInput};
pub use rr::KaryRr;
pub use taxonomy::{Taxonomy, TaxonomyInput};
