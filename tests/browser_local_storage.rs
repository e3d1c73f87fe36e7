//! `LocalStorageStore` against a real browser `localStorage` (headless Chrome
//! and Firefox via `wasm-pack test --headless --chrome|--firefox`).
#![cfg(target_arch = "wasm32")]

use lighttouch::storage::{Store, StoreError};
use lighttouch::wasm::local_storage::{classify, LocalStorageStore};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod browser_support;

use browser_support::{
    block_local_storage, break_set_item, fill_to_quota, fresh, restore_set_item,
    unblock_local_storage,
};

#[wasm_bindgen(inline_js = r#"
export function domException(name) { return new DOMException("simulated", name); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = domException)]
    fn dom_exception(name: &str) -> JsValue;
}

fn all_keys(storage: &web_sys::Storage) -> Vec<String> {
    let mut keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .collect();
    keys.sort();
    keys
}

#[wasm_bindgen_test]
fn writes_under_the_namespace_prefix_only() {
    let storage = fresh();
    storage.set_item("foreign", "theirs").unwrap();
    let mut store = LocalStorageStore::open("shop").unwrap();
    assert_eq!(store.prefix(), "lighttouch:shop:");
    store.put("state", "v1").unwrap();
    assert_eq!(
        storage
            .get_item("lighttouch:shop:state")
            .unwrap()
            .as_deref(),
        Some("v1")
    );
    assert_eq!(store.get("state").unwrap().as_deref(), Some("v1"));
    assert_eq!(store.get("absent").unwrap(), None);
    assert_eq!(
        all_keys(&storage),
        vec!["foreign".to_string(), "lighttouch:shop:state".to_string()]
    );
}

#[wasm_bindgen_test]
fn keys_lists_only_this_namespace_relative() {
    let storage = fresh();
    storage.set_item("lighttouch:blog:state", "b").unwrap();
    storage.set_item("lighttouch:shopping:state", "c").unwrap();
    storage.set_item("other-lib:shop:state", "d").unwrap();
    let mut store = LocalStorageStore::open("shop").unwrap();
    store.put("state", "a").unwrap();
    store.put("ledger", "l").unwrap();
    let mut keys = store.keys().unwrap();
    keys.sort();
    assert_eq!(keys, vec!["ledger".to_string(), "state".to_string()]);
}

#[wasm_bindgen_test]
fn remove_touches_only_our_key() {
    let storage = fresh();
    storage.set_item("lighttouch:blog:state", "b").unwrap();
    storage.set_item("state", "foreign").unwrap();
    let mut store = LocalStorageStore::open("shop").unwrap();
    store.put("state", "a").unwrap();
    store.remove("state").unwrap();
    store.remove("never-written").unwrap();
    assert_eq!(
        all_keys(&storage),
        vec!["lighttouch:blog:state".to_string(), "state".to_string()]
    );
}

#[wasm_bindgen_test]
fn real_quota_is_reported_as_quota_exceeded() {
    let storage = fresh();
    let written = fill_to_quota("junk-");
    assert!(
        written > 100_000.0,
        "filled only {written} chars before quota"
    );
    let mut store = LocalStorageStore::open("shop").unwrap();
    let result = store.put("state", &"y".repeat(1_000));
    storage.clear().unwrap();
    assert_eq!(result, Err(StoreError::QuotaExceeded));
}

#[wasm_bindgen_test]
fn every_quota_spelling_is_classified_as_quota() {
    for name in [
        "QuotaExceededError",
        "NS_ERROR_DOM_QUOTA_REACHED",
        "QUOTA_EXCEEDED_ERR",
    ] {
        let mut error = js_sys::Object::new();
        js_sys::Reflect::set(&error, &"name".into(), &name.into()).unwrap();
        assert_eq!(
            classify(&error.clone().into()),
            StoreError::QuotaExceeded,
            "{name}"
        );
        error = js_sys::Object::new();
        js_sys::Reflect::set(&error, &"code".into(), &22.into()).unwrap();
        assert_eq!(classify(&error.into()), StoreError::QuotaExceeded);
    }
    assert_eq!(
        classify(&dom_exception("QuotaExceededError")),
        StoreError::QuotaExceeded
    );
    assert!(matches!(
        classify(&dom_exception("SecurityError")),
        StoreError::Unavailable(_)
    ));
    assert!(matches!(
        classify(&js_sys::Error::new("boom").into()),
        StoreError::Other(m) if m == "Error: boom"
    ));
    assert!(
        matches!(classify(&JsValue::from_str("thrown string")), StoreError::Other(m) if m == "thrown string")
    );
}

#[wasm_bindgen_test]
fn throwing_writes_map_to_store_errors() {
    fresh();
    let mut store = LocalStorageStore::open("shop").unwrap();
    break_set_item("QuotaExceededError");
    let quota = store.put("state", "a");
    break_set_item("SecurityError");
    let blocked = store.put("state", "a");
    break_set_item("InvalidStateError");
    let other = store.put("state", "a");
    restore_set_item();
    assert_eq!(quota, Err(StoreError::QuotaExceeded));
    assert!(
        matches!(blocked, Err(StoreError::Unavailable(_))),
        "{blocked:?}"
    );
    assert!(matches!(other, Err(StoreError::Other(_))), "{other:?}");
    store.put("state", "a").unwrap();
    assert_eq!(store.get("state").unwrap().as_deref(), Some("a"));
}

#[wasm_bindgen_test]
fn blocked_local_storage_is_unavailable() {
    fresh();
    block_local_storage();
    let result = LocalStorageStore::open("shop");
    unblock_local_storage();
    match result {
        Err(StoreError::Unavailable(why)) => assert!(why.contains("SecurityError"), "{why}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(LocalStorageStore::open("shop").is_ok());
}
