//! An in-memory [`Store`], also used to simulate an origin's `localStorage`
//! natively: several stores (namespaces, or two "tabs" of one namespace) can
//! share one [`MemoryOrigin`], which can enforce a byte quota, make every
//! write or read fail, and lets tests read and corrupt raw values.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{Store, StoreError};

/// The physical key of relative key `key` in namespace `ns` (the same scheme
/// as the browser store: `lighttouch:<ns>:<key>`).
pub fn physical_key(ns: &str, key: &str) -> String {
    format!("lighttouch:{ns}:{key}")
}

#[derive(Debug, Default)]
struct OriginState {
    values: BTreeMap<String, String>,
    quota_bytes: Option<usize>,
    fail_writes: bool,
    fail_reads: bool,
}

impl OriginState {
    /// Bytes used, counted like browsers do: key plus value lengths.
    fn used(&self) -> usize {
        self.values.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

/// A shared backing map standing for one origin's storage. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct MemoryOrigin {
    state: Rc<RefCell<OriginState>>,
}

impl MemoryOrigin {
    /// An empty origin without quota.
    pub fn new() -> MemoryOrigin {
        MemoryOrigin::default()
    }
    /// A store for namespace `ns` on this origin. It reports itself as
    /// persistent: the origin outlives the engines opened on it, like
    /// `localStorage` outlives a page.
    pub fn store(&self, ns: &str) -> MemoryStore {
        MemoryStore {
            origin: self.clone(),
            namespace: ns.to_string(),
            persistent: true,
        }
    }
    /// Limits the total bytes (keys + values) of the origin; `None` removes the limit.
    pub fn set_quota(&self, bytes: Option<usize>) {
        self.state.borrow_mut().quota_bytes = bytes;
    }
    /// Makes every write (`put`, `remove`) fail with `Unavailable`.
    pub fn set_fail_writes(&self, fail: bool) {
        self.state.borrow_mut().fail_writes = fail;
    }
    /// Makes every read (`get`, `keys`) fail with `Unavailable`.
    pub fn set_fail_reads(&self, fail: bool) {
        self.state.borrow_mut().fail_reads = fail;
    }
    /// Bytes used by all keys and values.
    pub fn used_bytes(&self) -> usize {
        self.state.borrow().used()
    }
    /// The raw value of a physical key.
    pub fn raw_get(&self, physical: &str) -> Option<String> {
        self.state.borrow().values.get(physical).cloned()
    }
    /// Writes a raw value under a physical key, bypassing quota and failures.
    pub fn raw_put(&self, physical: &str, value: &str) {
        self.state
            .borrow_mut()
            .values
            .insert(physical.to_string(), value.to_string());
    }
    /// Every physical key, sorted.
    pub fn raw_keys(&self) -> Vec<String> {
        self.state.borrow().values.keys().cloned().collect()
    }
}

/// A namespaced store over a [`MemoryOrigin`].
#[derive(Debug, Clone)]
pub struct MemoryStore {
    origin: MemoryOrigin,
    namespace: String,
    persistent: bool,
}

impl MemoryStore {
    /// A store for `ns` on a private origin; reports itself not persistent
    /// (this is `storage: "memory"`).
    pub fn new(ns: &str) -> MemoryStore {
        MemoryStore {
            origin: MemoryOrigin::new(),
            namespace: ns.to_string(),
            persistent: false,
        }
    }
    /// The origin this store writes to.
    pub fn origin(&self) -> &MemoryOrigin {
        &self.origin
    }
    fn key(&self, key: &str) -> String {
        physical_key(&self.namespace, key)
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let st = self.origin.state.borrow();
        if st.fail_reads {
            return Err(StoreError::Unavailable("reads disabled".into()));
        }
        Ok(st.values.get(&self.key(key)).cloned())
    }

    fn put(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let physical = self.key(key);
        let mut st = self.origin.state.borrow_mut();
        if st.fail_writes {
            return Err(StoreError::Unavailable("writes disabled".into()));
        }
        if let Some(quota) = st.quota_bytes {
            let old = st
                .values
                .get(&physical)
                .map_or(0, |v| physical.len() + v.len());
            if st.used() - old + physical.len() + value.len() > quota {
                return Err(StoreError::QuotaExceeded);
            }
        }
        st.values.insert(physical, value.to_string());
        Ok(())
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        let physical = self.key(key);
        let mut st = self.origin.state.borrow_mut();
        if st.fail_writes {
            return Err(StoreError::Unavailable("writes disabled".into()));
        }
        st.values.remove(&physical);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let st = self.origin.state.borrow();
        if st.fail_reads {
            return Err(StoreError::Unavailable("reads disabled".into()));
        }
        let prefix = physical_key(&self.namespace, "");
        Ok(st
            .values
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix).map(str::to_string))
            .collect())
    }

    fn is_persistent(&self) -> bool {
        self.persistent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_isolated() {
        let origin = MemoryOrigin::new();
        let mut a = origin.store("a");
        let mut b = origin.store("ab");
        a.put("k", "1").unwrap();
        b.put("k", "2").unwrap();
        assert_eq!(a.get("k").unwrap().as_deref(), Some("1"));
        assert_eq!(a.keys().unwrap(), vec!["k".to_string()]);
        a.remove("k").unwrap();
        assert_eq!(b.get("k").unwrap().as_deref(), Some("2"));
        assert_eq!(origin.raw_keys(), vec!["lighttouch:ab:k".to_string()]);
    }

    #[test]
    fn quota_and_failure_switches() {
        let origin = MemoryOrigin::new();
        let mut s = origin.store("n");
        origin.set_quota(Some(30));
        s.put("k", "0123456789").unwrap(); // 14 + 10 = 24 bytes
        assert_eq!(s.put("k2", "0123456789"), Err(StoreError::QuotaExceeded));
        s.put("k", "01234567").unwrap(); // replacing counts the old value out
        origin.set_fail_writes(true);
        assert!(matches!(s.put("k", "x"), Err(StoreError::Unavailable(_))));
        assert!(matches!(s.remove("k"), Err(StoreError::Unavailable(_))));
        origin.set_fail_reads(true);
        assert!(s.get("k").is_err() && s.keys().is_err());
        assert!(s.is_persistent());
        assert!(!MemoryStore::new("x").is_persistent());
    }
}
