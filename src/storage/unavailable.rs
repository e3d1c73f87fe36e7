//! A [`Store`] standing for storage that cannot be used at all (reading
//! `window.localStorage` threw, storage disabled by the browser). Every call
//! fails with [`StoreError::Unavailable`], so an engine opened over it starts
//! in memory mode and reports the reason in `status().lastError`:
//!
//! ```
//! use lighttouch::core::{Engine, Options};
//! use lighttouch::storage::UnavailableStore;
//!
//! let store = UnavailableStore::new("SecurityError: access denied");
//! let engine = Engine::open(Box::new(store), Options::default(), 0.0);
//! let status = engine.status();
//! assert!(!status.persistent);
//! assert!(status.last_error.unwrap().contains("SecurityError"));
//! ```

use super::{Store, StoreError};

/// A store whose every operation fails with `Unavailable(reason)`.
#[derive(Debug, Clone)]
pub struct UnavailableStore {
    reason: String,
}

impl UnavailableStore {
    /// A store failing with `reason` (e.g. the browser's exception message).
    pub fn new(reason: impl Into<String>) -> UnavailableStore {
        UnavailableStore {
            reason: reason.into(),
        }
    }

    fn fail<T>(&self) -> Result<T, StoreError> {
        Err(StoreError::Unavailable(self.reason.clone()))
    }
}

impl Store for UnavailableStore {
    fn get(&self, _key: &str) -> Result<Option<String>, StoreError> {
        self.fail()
    }
    fn put(&mut self, _key: &str, _value: &str) -> Result<(), StoreError> {
        self.fail()
    }
    fn remove(&mut self, _key: &str) -> Result<(), StoreError> {
        self.fail()
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.fail()
    }
    fn is_persistent(&self) -> bool {
        false
    }
}
