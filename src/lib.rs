//! lighttouch — on-device recommendations for websites.
//!
//! The crate is split in two layers:
//!
//! * a **pure Rust core** ([`core`], [`storage`], [`model`], [`privacy`]) that
//!   knows nothing about JavaScript or the browser and is tested natively with
//!   `cargo test`;
//! * a **thin boundary** (`wasm`, compiled only for `wasm32`) holding the
//!   `#[wasm_bindgen]` classes, the `localStorage` store and the JS conversions.

pub mod core;
pub mod model;
pub mod privacy;
pub mod storage;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
