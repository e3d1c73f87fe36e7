//! Reading plain JS values returned by the exported API, shared by the
//! browser and Node test binaries. Each binary uses a subset.
#![allow(dead_code)]

use wasm_bindgen::prelude::*;

/// The `id` of every recommendation in a `recommend()` result, in order.
pub fn ids(recommendations: &JsValue) -> Vec<String> {
    js_sys::Array::from(recommendations)
        .iter()
        .map(|r| {
            js_sys::Reflect::get(&r, &"id".into())
                .unwrap()
                .as_string()
                .unwrap()
        })
        .collect()
}

/// The property `name` of a JS object.
pub fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}
