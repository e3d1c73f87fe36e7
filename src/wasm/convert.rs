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
use wasm_bindgen::{JsCast, JsValue};

use super::js_input::{self, Input, PathSegment};

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
    if let Subject::List(label) = subject {
        if !js_sys::Array::is_array(value) {
            let message = format!(
                "{}: invalid type: {}, expected an array",
                list_name(label),
                describe_value(value)
            );
            return Err(js_error(family, &message));
        }
    }
    // Copy into a tree first (see `js_input` for why not serde-wasm-bindgen).
    Input::read(value)
        .and_then(js_input::deserialize)
        .map_err(|error| {
            let place = describe_place(value, subject, &error.path);
            js_error(family, &format!("{place}: {}", error.message))
        })
}

/// `string "abc"`, `number 3`, `null`, `object`, ... for error messages.
fn describe_value(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "undefined".into()
    } else if let Some(text) = value.as_string() {
        format!("string {text:?}")
    } else if let Some(number) = value.as_f64() {
        format!("number {number}")
    } else if let Some(flag) = value.as_bool() {
        format!("boolean {flag}")
    } else if js_sys::Array::is_array(value) {
        "array".into()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "value".into())
    }
}

/// `"catalog"` from `"catalog item"`: the name of the list as a whole.
fn list_name(label: &str) -> &str {
    label.split(' ').next().unwrap_or(label)
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

/// Serialises `value` as JSON would see it: maps as objects and `None` as
/// `null` (so `JSON.stringify` keeps every field), for `exportData()`.
pub fn to_json_compatible<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|error| {
        js_error(
            ErrorFamily::Storage,
            &format!("cannot convert output: {error}"),
        )
    })
}

/// `catalog item 3 (id "sku-9"): field "tags[1]"` from a deserialisation path.
fn describe_place(root: &JsValue, subject: Subject, path: &[PathSegment]) -> String {
    let mut segments = path.iter().peekable();
    let mut place = String::new();
    match subject {
        Subject::Object(label) => place.push_str(label),
        Subject::List(label) => match segments.peek() {
            Some(PathSegment::Index(index)) => {
                let index = *index;
                segments.next();
                let _ = write!(place, "{label} {index}");
                if let Some(id) = element_id(root, index) {
                    let _ = write!(place, " (id {id:?})");
                }
            }
            _ => place.push_str(list_name(label)),
        },
    }
    let field = field_path(segments);
    if !field.is_empty() {
        let _ = write!(place, ": field {field:?}");
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
fn field_path<'a>(segments: impl Iterator<Item = &'a PathSegment>) -> String {
    let mut field = String::new();
    for segment in segments {
        match segment {
            PathSegment::Index(index) => {
                let _ = write!(field, "[{index}]");
            }
            PathSegment::Key(key) => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
        }
    }
    field
}
