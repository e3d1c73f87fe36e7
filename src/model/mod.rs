//! Item-item neighbour models: the compact binary format shared by the native
//! builder and the client, the model bound to the catalogue, neighbour
//! scoring, and the ranking component built on it.

pub mod component;
mod decode;
pub mod error;
pub mod format;
pub mod loaded;
pub mod options;
pub mod score;
pub mod varint;

pub use error::ModelError;
pub use format::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
pub use loaded::{LoadedModel, ModelSummary};
pub use options::NeighbourOptions;
