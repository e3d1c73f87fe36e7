//! Item-item neighbour models: the compact binary format shared by the native
//! builder and the client, and neighbour scoring.

pub mod error;
pub mod format;
pub mod score;
pub mod varint;

pub use error::ModelError;
pub use format::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
