//! Conversions across the JS boundary.
//!
//! * JS input -> Rust: [`from_js`] deserialises with `serde-wasm-bindgen` and,
//!   on failure, throws a JS `Error` naming *where* the value was wrong
//!   (`catalog item 3 (id "sku-9"): field "popularity": invalid type ...`).
//! * Rust output -> JS: [`to_js`] serialises to plain objects (maps become
//!   objects, not `Map`s), so results can be `JSON.stringify`-ed as they are.
//! * Rust errors -> JS: [`js_error`] builds a `js_sys::Error` whose `name` is
//!   the failure family (`CatalogError`, `EventError`, ...) and whose
//!   `message` is the core's `Display` text.

use std::fmt::{self, Write as _};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_path_to_error::{Path, Segment};
use wasm_bindgen::{JsCast, JsValue};

/// The failure families of the JS API. Each becomes the `name` of the thrown
/// JS `Error`, so page code can branch on `err.name === "CatalogError"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFamily {
    /// Invalid catalogue (`setCatalog`).
    Catalog,
    /// Invalid interaction event (`record`).
    Event,
    /// Invalid options (`Recommender.open`, `recommend`).
    Options,
    /// Invalid or failed recommendation request (`recommend`, `explain`).
    Recommend,
    /// Invalid or unusable item-item model.
    Model,
    /// Invalid privacy settings or payloads.
    Privacy,
    /// A storage failure that has to be reported to the caller.
    Storage,
}

impl ErrorFamily {
    /// The JS `Error.name` used for this family.
    pub fn js_name(self) -> &'static str {
        match self {
            ErrorFamily::Catalog => "CatalogError",
            ErrorFamily::Event => "EventError",
            ErrorFamily::Options => "OptionsError",
            ErrorFamily::Recommend => "RecommendError",
            ErrorFamily::Model => "ModelError",
            ErrorFamily::Privacy => "PrivacyError",
            ErrorFamily::Storage => "StorageError",
        }
    }
}

/// Builds a JS `Error` with the given family as `name` and `message`.
pub fn js_error(family: ErrorFamily, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(family.js_name());
    error.into()
}

/// Turns any core error into a JS `Error` of `family`, using its `Display`.
pub fn to_js_error(family: ErrorFamily, error: &impl fmt::Display) -> JsValue {
    js_error(family, &error.to_string())
}

/// What a JS input value is, for error messages.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    /// A single object, e.g. `"options"` or `"event"`.
    Object(&'static str),
    /// An array whose elements are named `"<label> <index>"`, e.g.
    /// `"catalog item"`; the element's `id` is quoted when it has one.
    List(&'static str),
}

/// Deserialises a JS value into `T`, or throws an `Error` of `family` whose
/// message names the element (index and id) and the field that was wrong.
pub fn from_js<T: DeserializeOwned>(
    value: &JsValue,
    subject: Subject,
    family: ErrorFamily,
) -> Result<T, JsValue> {
    let deserializer = serde_wasm_bindgen::Deserializer::from(value.clone());
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let place = describe_place(value, subject, error.path());
        let message = format!("{place}: {}", error.inner());
        js_error(family, &message)
    })
}

/// Serialises `value` into plain JS objects and arrays.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(|error| {
        js_error(
            ErrorFamily::Storage,
            &format!("cannot convert output: {error}"),
        )
    })
}

/// `catalog item 3 (id "sku-9"), field "tags[1]"` from a deserialisation path.
fn describe_place(root: &JsValue, subject: Subject, path: &Path) -> String {
    let mut segments = path.iter().peekable();
    let mut place = String::new();
    match subject {
        Subject::Object(label) => place.push_str(label),
        Subject::List(label) => match segments.peek() {
            Some(Segment::Seq { index }) => {
                let index = *index;
                segments.next();
                let _ = write!(place, "{label} {index}");
                if let Some(id) = element_id(root, index) {
                    let _ = write!(place, " (id {id:?})");
                }
            }
            _ => place.push_str(label.split(' ').next().unwrap_or(label)),
        },
    }
    let field = field_path(segments);
    if !field.is_empty() {
        let _ = write!(place, ", field {field:?}");
    }
    place
}

/// The `id` property of `root[index]` when it is a string.
fn element_id(root: &JsValue, index: usize) -> Option<String> {
    let array = root.dyn_ref::<js_sys::Array>()?;
    let element = array.get(u32::try_from(index).ok()?);
    if !element.is_object() {
        return None;
    }
    js_sys::Reflect::get(&element, &JsValue::from_str("id"))
        .ok()?
        .as_string()
}

/// `weights.category` / `tags[1]` from the remaining path segments.
fn field_path<'a>(segments: impl Iterator<Item = &'a Segment>) -> String {
    let mut field = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(field, "[{index}]");
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Unknown => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push('?');
            }
        }
    }
    field
}
