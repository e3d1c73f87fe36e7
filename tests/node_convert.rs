//! The boundary's conversions in Node (`wasm-pack test --node`): input
//! errors become JS `Error`s naming the element and field; outputs become
//! plain objects.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use lighttouch::wasm::convert::{from_js, js_error, to_js, ErrorFamily, Subject};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Thing {
    id: String,
    #[serde(default)]
    tags: Vec<String>,
    popularity: Option<f64>,
}

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
export function stringify(value) { return JSON.stringify(value); }
export function isPlainObject(value) { return Object.getPrototypeOf(value) === Object.prototype; }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn stringify(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = isPlainObject)]
    fn is_plain_object(value: &JsValue) -> bool;
}

fn error_parts(error: &JsValue) -> (String, String) {
    let error = error.dyn_ref::<js_sys::Error>().expect("a JS Error");
    (error.name().into(), error.message().into())
}

#[wasm_bindgen_test]
fn list_input_converts() {
    let items: Vec<Thing> = from_js(
        &parse(r#"[{"id":"a","tags":["x"]},{"id":"b","popularity":3}]"#),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].popularity, Some(3.0));
    assert_eq!(items[0].tags, vec!["x".to_string()]);
}

#[wasm_bindgen_test]
fn missing_field_names_the_element_index() {
    let error = from_js::<Vec<Thing>>(
        &parse(r#"[{"id":"a"},{"id":"b"},{"id":"c"},{"tags":[]}]"#),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (name, message) = error_parts(&error);
    assert_eq!(name, "CatalogError");
    assert_eq!(message, "catalog item 3: missing field `id`");
}

#[wasm_bindgen_test]
fn wrong_type_names_index_id_and_field() {
    let error = from_js::<Vec<Thing>>(
        &parse(r#"[{"id":"a"},{"id":"sku-9","tags":["ok", 7]}]"#),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert!(
        message.starts_with(r#"catalog item 1 (id "sku-9"): field "tags[1]": invalid type"#),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn object_input_names_the_field() {
    let error = from_js::<Thing>(
        &parse(r#"{"id":"a","popularity":"high"}"#),
        Subject::Object("options"),
        ErrorFamily::Options,
    )
    .unwrap_err();
    let (name, message) = error_parts(&error);
    assert_eq!(name, "OptionsError");
    assert!(
        message.starts_with(r#"options: field "popularity": invalid type"#),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn non_array_list_is_reported_without_index() {
    let error = from_js::<Vec<Thing>>(
        &JsValue::from_str("nope"),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert!(message.starts_with("catalog: invalid type"), "{message}");
}

#[wasm_bindgen_test]
fn errors_are_instances_of_error_with_family_name() {
    let error = js_error(ErrorFamily::Event, "event: field \"kind\" is unknown");
    assert!(error.is_instance_of::<js_sys::Error>());
    let (name, message) = error_parts(&error);
    assert_eq!(name, "EventError");
    assert_eq!(message, "event: field \"kind\" is unknown");
}

#[wasm_bindgen_test]
fn outputs_are_plain_objects() {
    let mut map = BTreeMap::new();
    map.insert("Cycling".to_string(), 0.5);
    let value = to_js(&map).unwrap();
    assert!(is_plain_object(&value));
    assert_eq!(stringify(&value), r#"{"Cycling":0.5}"#);
    let thing = Thing {
        id: "a".into(),
        tags: vec![],
        popularity: None,
    };
    assert_eq!(
        stringify(&to_js(&thing).unwrap()),
        r#"{"id":"a","tags":[]}"#
    );
}

#[wasm_bindgen_test]
fn string_where_an_array_is_expected_is_named() {
    let error = from_js::<Vec<Thing>>(
        &parse(r#"[{"id":"a","tags":"x"}]"#),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert_eq!(
        message,
        r#"catalog item 0 (id "a"): field "tags": invalid type: string "x", expected a sequence"#
    );
}

#[wasm_bindgen_test]
fn non_object_element_is_named() {
    let error = from_js::<Vec<Thing>>(
        &parse(r#"[{"id":"a"}, 5]"#),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert!(
        message.starts_with("catalog item 1: invalid type: integer `5`"),
        "{message}"
    );
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
struct Strict {
    half_life_days: Option<f64>,
    inner: Option<StrictInner>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct StrictInner {
    category: f64,
}

#[wasm_bindgen_test]
fn unknown_fields_reach_deny_unknown_fields() {
    let error = from_js::<Strict>(
        &parse(r#"{"halfLifeDay": 3}"#),
        Subject::Object("options"),
        ErrorFamily::Options,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert!(
        message
            .starts_with(r#"options: field "halfLifeDay": unknown field `halfLifeDay`, expected"#),
        "{message}"
    );
    let error = from_js::<Strict>(
        &parse(r#"{"inner": {"category": 1, "categroy": 2}}"#),
        Subject::Object("options"),
        ErrorFamily::Options,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert!(
        message.starts_with(r#"options: field "inner.categroy": unknown field `categroy`"#),
        "{message}"
    );
    let ok: Strict = from_js(
        &parse(r#"{"halfLifeDays": 3, "inner": {"category": 1}}"#),
        Subject::Object("options"),
        ErrorFamily::Options,
    )
    .unwrap();
    assert_eq!(ok.half_life_days, Some(3.0));
}

#[wasm_bindgen(inline_js = r#"
export function cyclic() { const a = { id: "a" }; a.self = a; return [a]; }
export function withFunction() { return [{ id: "a", tags: [() => 1] }]; }
"#)]
extern "C" {
    fn cyclic() -> JsValue;
    #[wasm_bindgen(js_name = withFunction)]
    fn with_function() -> JsValue;
}

#[wasm_bindgen_test]
fn cyclic_input_is_an_error_not_a_stack_overflow() {
    let error = from_js::<Vec<Thing>>(
        &cyclic(),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert!(
        message.starts_with(r#"catalog item 0 (id "a"): field "self.self"#)
            && message.contains("nested more than 32 levels"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn functions_are_rejected_with_their_place() {
    let error = from_js::<Vec<Thing>>(
        &with_function(),
        Subject::List("catalog item"),
        ErrorFamily::Catalog,
    )
    .unwrap_err();
    let (_, message) = error_parts(&error);
    assert_eq!(
        message,
        r#"catalog item 0 (id "a"): field "tags[0]": unsupported value of type function"#
    );
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
enum Kind {
    View,
    AddToCart,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Numbers {
    count: u32,
    ratio: f64,
    kind: Kind,
    maybe: Option<i32>,
}

#[wasm_bindgen_test]
fn numbers_and_enums_convert_like_serde_json() {
    let ok: Numbers = from_js(
        &parse(r#"{"count": 3, "ratio": 2, "kind": "addToCart", "maybe": null}"#),
        Subject::Object("event"),
        ErrorFamily::Event,
    )
    .unwrap();
    assert_eq!(
        ok,
        Numbers {
            count: 3,
            ratio: 2.0,
            kind: Kind::AddToCart,
            maybe: None
        }
    );
    for (json, expected) in [
        (
            r#"{"count": 2.5, "ratio": 1, "kind": "view"}"#,
            r#"event: field "count": invalid type: floating point `2.5`, expected u32"#,
        ),
        (
            r#"{"count": -1, "ratio": 1, "kind": "view"}"#,
            r#"event: field "count": invalid value: integer `-1`, expected u32"#,
        ),
        (
            r#"{"count": 1, "ratio": 1, "kind": "clik"}"#,
            r#"event: field "kind": unknown variant `clik`, expected `view` or `addToCart`"#,
        ),
        (
            r#"{"count": 1, "ratio": "1", "kind": "view"}"#,
            r#"event: field "ratio": invalid type: string "1", expected f64"#,
        ),
    ] {
        let error = from_js::<Numbers>(&parse(json), Subject::Object("event"), ErrorFamily::Event)
            .unwrap_err();
        assert_eq!(error_parts(&error).1, expected, "{json}");
    }
}
