//! The pure core: catalogue, events, profile, history retention and ranking.
//!
//! Nothing here touches JavaScript or the browser; time is always passed in
//! explicitly (`now_ms`, ms since the Unix epoch) so behaviour is
//! deterministic and testable natively.

pub mod catalog;
pub mod engine;
pub mod error;
pub mod event;
pub mod history;
pub mod options;
pub mod profile;
pub mod ranking;

pub use catalog::{Catalog, CatalogSummary, ItemInput};
pub use engine::{Engine, ExportData, Status};
pub use error::{CatalogError, EventError, OptionsError, RecommendError};
pub use event::{Event, EventInput, EventKind, KindWeights};
pub use history::History;
pub use options::Options;
pub use profile::Profile;
pub use ranking::{Reason, RecommendRequest, Recommendation, ScoreComponent, ScoreWeights};
