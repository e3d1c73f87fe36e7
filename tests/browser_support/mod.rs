//! `localStorage` helpers shared by the browser test binaries
//! (`browser_local_storage.rs`, `browser_storage.rs`, `browser_privacy.rs`):
//! a clean origin per test, and real failures simulated from JS (writes that
//! throw, storage blocked, quota filled). Each binary uses a subset.
#![allow(dead_code)]

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let savedSetItem = null;
let savedDescriptor = null;
export function breakSetItem(name) {
  if (savedSetItem === null) savedSetItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function () { throw new DOMException("simulated", name); };
}
export function restoreSetItem() {
  if (savedSetItem !== null) { Storage.prototype.setItem = savedSetItem; savedSetItem = null; }
}
export function blockLocalStorage() {
  let owner = globalThis;
  while (owner && !Object.getOwnPropertyDescriptor(owner, "localStorage")) owner = Object.getPrototypeOf(owner);
  savedDescriptor = { owner, descriptor: Object.getOwnPropertyDescriptor(owner, "localStorage") };
  Object.defineProperty(globalThis, "localStorage", {
    configurable: true,
    get() { throw new DOMException("The operation is insecure.", "SecurityError"); },
  });
}
export function unblockLocalStorage() {
  if (savedDescriptor === null) return;
  delete globalThis.localStorage;
  if (savedDescriptor.owner === globalThis) Object.defineProperty(globalThis, "localStorage", savedDescriptor.descriptor);
  savedDescriptor = null;
}
export function fillToQuota(prefix) {
  let chunk = 1 << 20, written = 0, n = 0;
  while (chunk >= 1) {
    try { localStorage.setItem(prefix + n, "x".repeat(chunk)); n += 1; written += chunk; }
    catch (e) { chunk = Math.floor(chunk / 2); }
  }
  return written;
}
"#)]
extern "C" {
    /// Makes every `localStorage.setItem` throw a `DOMException` named `name`.
    #[wasm_bindgen(js_name = breakSetItem)]
    pub fn break_set_item(name: &str);
    /// Undoes `break_set_item` (no-op when nothing is broken).
    #[wasm_bindgen(js_name = restoreSetItem)]
    pub fn restore_set_item();
    /// Makes reading `globalThis.localStorage` throw a `SecurityError`.
    #[wasm_bindgen(js_name = blockLocalStorage)]
    pub fn block_local_storage();
    /// Undoes `block_local_storage` (no-op when nothing is blocked).
    #[wasm_bindgen(js_name = unblockLocalStorage)]
    pub fn unblock_local_storage();
    /// Writes keys `prefix0`, `prefix1`, ... until the quota refuses even one
    /// more byte; returns the bytes written.
    #[wasm_bindgen(js_name = fillToQuota)]
    pub fn fill_to_quota(prefix: &str) -> f64;
}

/// The page's `localStorage`.
pub fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Starts each test from an empty origin, whatever an earlier test left.
pub fn fresh() -> web_sys::Storage {
    restore_set_item();
    unblock_local_storage();
    let storage = storage();
    storage.clear().expect("clear localStorage");
    storage
}

/// The `localStorage` keys starting with `prefix`, sorted.
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let storage = storage();
    let mut keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(prefix))
        .collect();
    keys.sort();
    keys
}
