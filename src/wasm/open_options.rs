//! The options object of `Recommender.open`: the boundary's own fields
//! (`namespace`, `storage`, `privacy`, `endpoint`, `onSignal`) plus the
//! core's [`Options`], validated with messages naming the option.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{from_js, js_error, to_js_error, ErrorFamily, Subject};
use super::privacy_api::Transport;
use crate::core::error::OptionsError;
use crate::core::options::Options;

/// Longest accepted namespace.
pub const MAX_NAMESPACE_LEN: usize = 64;

/// Where the recommender keeps its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageMode {
    /// `localStorage`, falling back to memory when it is unavailable.
    Local,
    /// Memory only: nothing survives a reload.
    Memory,
}

/// Parsed and validated `Recommender.open` options.
#[derive(Clone)]
pub struct OpenOptions {
    /// The storage namespace (`lighttouch:<namespace>:*` keys).
    pub namespace: String,
    /// Requested storage.
    pub storage: StorageMode,
    /// The core's options.
    pub options: Options,
    /// The `privacy` member as given (`undefined` = defaults); parsed by
    /// [`super::privacy_api::PrivacyApi::open`].
    pub privacy: JsValue,
    /// Where privacy reports go (`endpoint` URL or `onSignal` callback).
    pub transport: Transport,
}

/// The option keys the boundary reads itself; the rest are the core's.
const BOUNDARY_KEYS: [&str; 5] = ["namespace", "storage", "privacy", "endpoint", "onSignal"];

/// Reads and validates the `open` options, or throws an `OptionsError`.
pub fn parse_open_options(value: &JsValue) -> Result<OpenOptions, JsValue> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(js_error(
            ErrorFamily::Options,
            "options must be an object such as { namespace: \"shop\" }",
        ));
    }
    let namespace = parse_namespace(&property(value, "namespace"))
        .map_err(|e| to_js_error(ErrorFamily::Options, &e))?;
    let storage = parse_storage(&property(value, "storage"))
        .map_err(|e| to_js_error(ErrorFamily::Options, &e))?;
    let transport = parse_transport(&property(value, "endpoint"), &property(value, "onSignal"))
        .map_err(|e| to_js_error(ErrorFamily::Options, &e))?;

    // The rest are the core's options, which reject unknown fields.
    let rest = Object::assign(&Object::new(), value.unchecked_ref::<Object>());
    for key in BOUNDARY_KEYS {
        let _ = Reflect::delete_property(&rest, &JsValue::from_str(key));
    }
    let options: Options = from_js(
        &rest.into(),
        Subject::Object("options"),
        ErrorFamily::Options,
    )?;
    options
        .validate()
        .map_err(|e| to_js_error(ErrorFamily::Options, &e))?;
    Ok(OpenOptions {
        namespace,
        storage,
        options,
        privacy: property(value, "privacy"),
        transport,
    })
}

/// A namespace is 1..=64 characters of `A-Z a-z 0-9 _ - .`, so that it
/// can never forge another namespace's key prefix (`:` is excluded).
pub fn parse_namespace(value: &JsValue) -> Result<String, OptionsError> {
    let Some(namespace) = value.as_string() else {
        return Err(invalid(
            "namespace",
            format!("is required and must be a string, got {}", kind_of(value)),
        ));
    };
    if namespace.is_empty() || namespace.len() > MAX_NAMESPACE_LEN {
        return Err(invalid(
            "namespace",
            format!(
                "must be 1..={MAX_NAMESPACE_LEN} characters, got {}",
                namespace.len()
            ),
        ));
    }
    if let Some(bad) = namespace
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(invalid(
            "namespace",
            format!(
                "may only contain A-Z, a-z, 0-9, '_', '-' and '.', got {bad:?} in {namespace:?}"
            ),
        ));
    }
    Ok(namespace)
}

fn parse_storage(value: &JsValue) -> Result<StorageMode, OptionsError> {
    if value.is_undefined() {
        return Ok(StorageMode::Local);
    }
    match value.as_string().as_deref() {
        Some("local") => Ok(StorageMode::Local),
        Some("memory") => Ok(StorageMode::Memory),
        _ => Err(invalid(
            "storage",
            format!("must be \"local\" or \"memory\", got {}", kind_of(value)),
        )),
    }
}

/// `endpoint` (a URL for `navigator.sendBeacon`) or `onSignal` (a function
/// receiving each report), not both; neither means reports are never sent.
fn parse_transport(endpoint: &JsValue, on_signal: &JsValue) -> Result<Transport, OptionsError> {
    match (endpoint.is_undefined(), on_signal.is_undefined()) {
        (true, true) => Ok(Transport::None),
        (false, false) => Err(invalid(
            "endpoint",
            "and \"onSignal\" are alternatives: give one of them".into(),
        )),
        (false, true) => match endpoint.as_string() {
            Some(url) if !url.is_empty() => Ok(Transport::Endpoint(url)),
            _ => Err(invalid(
                "endpoint",
                format!("must be a non-empty URL string, got {}", kind_of(endpoint)),
            )),
        },
        (true, false) => on_signal
            .dyn_ref::<js_sys::Function>()
            .map(|f| Transport::Callback(f.clone()))
            .ok_or_else(|| {
                invalid(
                    "onSignal",
                    format!("must be a function, got {}", kind_of(on_signal)),
                )
            }),
    }
}

fn invalid(field: &str, reason: String) -> OptionsError {
    OptionsError::InvalidField {
        field: field.into(),
        reason,
    }
}

fn property(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `"shop"`, `42`, `null`, `undefined`, `an object` for messages.
fn kind_of(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        format!("{text:?}")
    } else if let Some(number) = value.as_f64() {
        format!("{number}")
    } else if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "nothing".into()
    } else if let Some(flag) = value.as_bool() {
        format!("{flag}")
    } else {
        "an object".into()
    }
}
