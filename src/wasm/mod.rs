//! The JavaScript boundary, compiled only for `wasm32`. It stays thin: every
//! decision is the core's; this layer converts values, supplies the clock and
//! the browser's storage, and schedules writes.
//!
//! * [`recommender`]: the exported `Recommender` class (one file per class;
//!   its privacy methods in [`recommender_privacy`], delegating to
//!   [`privacy_api`]; `setModel` in [`recommender_model`]).
//! * [`open_options`]: `Recommender.open`'s options (namespace, storage mode,
//!   then the core's `Options`).
//! * [`js_input`]: JS values -> the core's serde types, strict (unknown fields
//!   are rejected) and with the path of a failure.
//! * [`convert`]: error families -> JS `Error`s (`name` = family), messages
//!   naming item index, id and field; outputs -> plain JS objects.
//! * [`types`]: the exact TypeScript declarations of every shape.
//! * [`local_storage`]: `LocalStorageStore`, the `Store` over `localStorage`
//!   (keys `lighttouch:<namespace>:*`; quota and blocked storage mapped to
//!   `StoreError`).
//! * [`write_behind`]: the debounced flush timer and the `pagehide` /
//!   `visibilitychange` flush.
//!
//! ```js
//! import init, { Recommender } from "lighttouch";
//! await init();
//! const rec = Recommender.open({ namespace: "shop" });
//! rec.setCatalog([{ id: "sku-1", categories: ["Cycling"] }]);
//! rec.record({ item: "sku-1", kind: "click" });
//! rec.recommend({ k: 10 });
//! ```

pub mod convert;
pub mod js_input;
pub mod local_storage;
pub mod open_options;
pub mod privacy_api;
pub mod recommender;
pub mod recommender_model;
pub mod recommender_privacy;
pub mod types;
pub mod write_behind;
