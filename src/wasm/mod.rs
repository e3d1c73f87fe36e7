//! The JavaScript boundary: `#[wasm_bindgen]` classes (one file per class),
//! the `localStorage` store and conversions. Compiled only for `wasm32`.
