//! `rec.setModel(bytes)` in headless Chrome and Firefox: model bytes built
//! in Rust are loaded through the JS API as a `Uint8Array` (scenarios in
//! `model_js/mod.rs`, shared with `node_model.rs`).
#![cfg(target_arch = "wasm32")]

mod model_js;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn recommendations_follow_the_model() {
    model_js::recommendations_follow_the_model();
}

#[wasm_bindgen_test]
fn a_corrupted_model_throws_and_the_previous_one_stays() {
    model_js::a_corrupted_model_throws_and_the_previous_one_stays();
}

#[wasm_bindgen_test]
fn unknown_ids_are_skipped_and_counted() {
    model_js::unknown_ids_are_skipped_and_counted();
}

#[wasm_bindgen_test]
fn open_accepts_neighbour_options() {
    model_js::open_accepts_neighbour_options();
}
