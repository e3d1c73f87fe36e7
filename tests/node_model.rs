//! `rec.setModel(bytes)` in Node (`wasm-pack test --node`): model bytes built
//! in Rust are loaded through the JS API as a `Uint8Array` (scenarios in
//! `model_js/mod.rs`, shared with `browser_model.rs`).
#![cfg(target_arch = "wasm32")]

mod model_js;

model_js::scenario_tests!();
