//! [`LocalStorageStore`]: the [`Store`] trait over the browser's
//! `localStorage`, confined to the keys `lighttouch:<namespace>:*`.
//!
//! Every browser failure is turned into a [`StoreError`], never a panic or a
//! JS exception: a quota error (whatever name the browser gives it) becomes
//! [`StoreError::QuotaExceeded`], a blocked or missing `localStorage` becomes
//! [`StoreError::Unavailable`], anything else [`StoreError::Other`].

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Storage;

use crate::storage::{Store, StoreError};

/// The prefix of every physical key this library writes.
pub const KEY_PREFIX: &str = "lighttouch:";

/// A [`Store`] over `localStorage`, seeing only its namespace's keys.
#[derive(Debug, Clone)]
pub struct LocalStorageStore {
    storage: Storage,
    prefix: String,
}

impl LocalStorageStore {
    /// Opens the page's `localStorage` for `namespace`.
    ///
    /// Fails with [`StoreError::Unavailable`] when there is no
    /// `localStorage` (Node, workers), when reading it throws (a
    /// `SecurityError` with storage disabled) or when it is `null`.
    pub fn open(namespace: &str) -> Result<Self, StoreError> {
        Ok(Self::with_storage(global_local_storage()?, namespace))
    }

    /// Wraps an existing `Storage` object (e.g. `sessionStorage`).
    pub fn with_storage(storage: Storage, namespace: &str) -> Self {
        LocalStorageStore {
            storage,
            prefix: namespace_prefix(namespace),
        }
    }

    /// The physical key prefix of this store, `lighttouch:<namespace>:`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn physical_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

/// `lighttouch:<namespace>:`, the physical prefix of a namespace's keys.
pub fn namespace_prefix(namespace: &str) -> String {
    format!("{KEY_PREFIX}{namespace}:")
}

impl Store for LocalStorageStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage
            .get_item(&self.physical_key(key))
            .map_err(|error| classify(&error))
    }

    fn put(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage
            .set_item(&self.physical_key(key), value)
            .map_err(|error| classify(&error))
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.storage
            .remove_item(&self.physical_key(key))
            .map_err(|error| classify(&error))
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let length = self.storage.length().map_err(|error| classify(&error))?;
        let mut keys = Vec::new();
        for index in 0..length {
            let key = self.storage.key(index).map_err(|error| classify(&error))?;
            if let Some(relative) = key.as_deref().and_then(|k| k.strip_prefix(&self.prefix)) {
                keys.push(relative.to_owned());
            }
        }
        Ok(keys)
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// `globalThis.localStorage` as a `Storage`, or why it cannot be used.
fn global_local_storage() -> Result<Storage, StoreError> {
    // Reading the property (not `window()`) also finds Node's experimental
    // `localStorage`; the getter itself throws when storage is blocked.
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("localStorage"))
        .map_err(|error| StoreError::Unavailable(describe(&error)))?;
    if value.is_null() || value.is_undefined() {
        return Err(StoreError::Unavailable(
            "localStorage is not available".into(),
        ));
    }
    value
        .dyn_into::<Storage>()
        .map_err(|_| StoreError::Unavailable("localStorage is not a Storage object".into()))
}

/// The browser names of a quota failure: Chrome/Safari/modern Firefox use
/// `QuotaExceededError` (legacy constant name `QUOTA_EXCEEDED_ERR`, code 22),
/// old Firefox `NS_ERROR_DOM_QUOTA_REACHED` (code 1014).
const QUOTA_NAMES: [&str; 3] = [
    "QuotaExceededError",
    "QUOTA_EXCEEDED_ERR",
    "NS_ERROR_DOM_QUOTA_REACHED",
];
const QUOTA_CODES: [f64; 2] = [22.0, 1014.0];

/// Names meaning storage as a whole is refused (blocked by settings or
/// policy), rather than this one write failing.
const UNAVAILABLE_NAMES: [&str; 2] = ["SecurityError", "InvalidAccessError"];

/// Maps a thrown JS value to a [`StoreError`].
pub fn classify(error: &JsValue) -> StoreError {
    let name = string_property(error, "name").unwrap_or_default();
    let code = Reflect::get(error, &JsValue::from_str("code"))
        .ok()
        .and_then(|code| code.as_f64());
    if QUOTA_NAMES.contains(&name.as_str()) || code.is_some_and(|c| QUOTA_CODES.contains(&c)) {
        StoreError::QuotaExceeded
    } else if UNAVAILABLE_NAMES.contains(&name.as_str()) {
        StoreError::Unavailable(describe(error))
    } else {
        StoreError::Other(describe(error))
    }
}

/// `"<name>: <message>"` of a thrown value, or its string form.
fn describe(error: &JsValue) -> String {
    let name = string_property(error, "name");
    let message = string_property(error, "message");
    match (name, message) {
        (Some(name), Some(message)) if !message.is_empty() => format!("{name}: {message}"),
        (Some(name), _) => name,
        (None, Some(message)) => message,
        (None, None) => error
            .as_string()
            .unwrap_or_else(|| "unknown JavaScript exception".into()),
    }
}

fn string_property(value: &JsValue, property: &str) -> Option<String> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &JsValue::from_str(property))
        .ok()?
        .as_string()
}
