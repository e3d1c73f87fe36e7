//! The JavaScript boundary: `#[wasm_bindgen]` classes (one file per class),
//! the `localStorage` store and conversions. Compiled only for `wasm32`.

pub mod convert;
pub mod js_input;
pub mod local_storage;
pub mod open_options;
pub mod recommender;
pub mod types;
pub mod write_behind;
