//! The pure core: catalogue, events, profile, history retention, ranking
//! and re-ranking (filters, frequency capping, diversity, exploration).
//!
//! Nothing here touches JavaScript or the browser; time is always passed in
//! explicitly (`now_ms`, ms since the Unix epoch) so behaviour is
//! deterministic and testable natively.

pub mod bandit;
pub mod catalog;
pub mod engine;
pub mod error;
pub mod event;
pub mod explain;
pub mod history;
pub mod impressions;
pub mod kind_set;
pub mod options;
pub mod profile;
pub mod ranking;
pub mod request;
pub mod rerank;

pub use catalog::{Catalog, CatalogSummary, ItemInput};
pub use engine::{Engine, ExportData, Status};
pub use error::{CatalogError, EventError, OptionsError, RecommendError};
pub use event::{Event, EventInput, EventKind, KindWeights};
pub use history::History;
pub use impressions::Impressions;
pub use kind_set::KindSet;
pub use options::Options;
pub use profile::Profile;
pub use ranking::{Reason, Recommendation, ScoreComponent, ScoreWeights};
pub use request::{Diversity, ExcludeSeen, RecommendRequest};
