//! `rec.setModel(bytes)` in headless Chrome and Firefox: model bytes built
//! in Rust are loaded through the JS API as a `Uint8Array` (scenarios in
//! `model_js/mod.rs`, shared with `node_model.rs`).
#![cfg(target_arch = "wasm32")]

mod model_js;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

model_js::scenario_tests!();
