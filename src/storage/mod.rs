//! Key-value storage behind a trait, so that the core runs the same over
//! memory (tests, the evaluation harness, `storage: "memory"`) and over the
//! browser's `localStorage` (see `wasm::local_storage`).

use std::fmt;

pub mod codec;
pub mod memory;
pub mod persist;
pub mod unavailable;

pub use memory::{MemoryOrigin, MemoryStore};
pub use unavailable::UnavailableStore;

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The backend refused the write because its quota is exhausted
    /// (`QuotaExceededError`, `NS_ERROR_DOM_QUOTA_REACHED`, ...).
    QuotaExceeded,
    /// The backend cannot be used at all (storage disabled, `SecurityError`).
    Unavailable(String),
    /// Any other failure, with the backend's message.
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::QuotaExceeded => write!(f, "storage quota exceeded"),
            StoreError::Unavailable(why) => write!(f, "storage unavailable: {why}"),
            StoreError::Other(why) => write!(f, "storage error: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A namespaced string key-value store.
///
/// Keys passed to a `Store` are *relative* to its namespace: a store opened
/// for namespace `shop` maps key `meta` to its own physical key (for
/// `localStorage`: `lighttouch:shop:meta`) and never sees, lists or removes
/// another namespace's keys.
pub trait Store {
    /// Reads a value; `Ok(None)` when the key is absent.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a value, replacing any previous one.
    fn put(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes a key; removing an absent key is not an error.
    fn remove(&mut self, key: &str) -> Result<(), StoreError>;
    /// Lists this namespace's keys (relative), in no particular order.
    fn keys(&self) -> Result<Vec<String>, StoreError>;
    /// Whether values survive a page reload (`false` for memory).
    fn is_persistent(&self) -> bool;
}
