//! The `Recommender` API end to end in Node (`wasm-pack test --node`):
//! validation errors are JS `Error`s with the family as `name` and a message
//! naming the field; recommendations follow what the visitor clicked; Node
//! has no `localStorage`, so the default storage falls back to memory.
#![cfg(target_arch = "wasm32")]

use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod js_values;

use js_values::{field, ids};

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
export function stringify(value) { return JSON.stringify(value); }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn stringify(value: &JsValue) -> String;
}

const CATALOG: &str = r#"[
  {"id": "bike-1", "title": "Road bike", "categories": ["Cycling"], "tags": ["road"], "popularity": 10},
  {"id": "bike-2", "title": "Gravel bike", "categories": ["Cycling"], "tags": ["gravel"], "popularity": 5},
  {"id": "bike-3", "title": "Bike lights", "categories": ["Cycling"], "tags": ["road"], "popularity": 3},
  {"id": "bike-4", "title": "Saddle", "categories": ["Cycling"], "popularity": 2},
  {"id": "run-1", "title": "Trail shoes", "categories": ["Running"], "tags": ["trail"], "popularity": 500},
  {"id": "run-2", "title": "Road shoes", "categories": ["Running"], "tags": ["road"], "popularity": 400},
  {"id": "run-3", "title": "Running vest", "categories": ["Running"], "popularity": 300},
  {"id": "swim-1", "title": "Goggles", "categories": ["Swimming"], "popularity": 450}
]"#;

fn open(options: &str) -> Result<Recommender, JsValue> {
    Recommender::open(parse(options).unchecked_into())
}

fn shop() -> Recommender {
    let rec = open(r#"{"namespace": "shop", "storage": "memory"}"#).expect("open");
    rec.set_catalog(parse(CATALOG).unchecked_into())
        .expect("catalog");
    rec
}

fn record(rec: &Recommender, event: &str) -> Result<(), JsValue> {
    rec.record(parse(event).unchecked_into())
}

fn recommend(rec: &Recommender, options: &str) -> Result<JsValue, JsValue> {
    rec.recommend(Some(parse(options).unchecked_into()))
        .map(Into::into)
}

/// `(name, message)` of a thrown JS `Error`.
fn thrown(result: Result<impl Sized, JsValue>) -> (String, String) {
    let Err(error) = result else {
        panic!("expected an error")
    };
    let error = error
        .dyn_into::<js_sys::Error>()
        .expect("a JS Error instance");
    (error.name().into(), error.message().into())
}

#[wasm_bindgen_test]
fn open_requires_a_valid_namespace() {
    let (name, message) = thrown(open(r#"{}"#));
    assert_eq!(name, "OptionsError");
    assert!(message.contains("\"namespace\""), "{message}");
    let (name, message) = thrown(open(r#"{"namespace": "a:b"}"#));
    assert_eq!(name, "OptionsError");
    assert!(
        message.contains("\"namespace\"") && message.contains("':'"),
        "{message}"
    );
    let (_, message) = thrown(open(r#"{"namespace": ""}"#));
    assert!(message.contains("1..=64"), "{message}");
    let (_, message) = thrown(open(r#"[]"#));
    assert!(message.contains("must be an object"), "{message}");
}

#[wasm_bindgen_test]
fn open_rejects_bad_options_naming_them() {
    let (name, message) = thrown(open(r#"{"namespace": "shop", "halfLifeDays": -1}"#));
    assert_eq!(name, "OptionsError");
    assert!(message.contains("halfLifeDays"), "{message}");
    let (_, message) = thrown(open(r#"{"namespace": "shop", "halfLifeDay": 3}"#));
    assert!(message.contains("halfLifeDay"), "{message}");
    let (_, message) = thrown(open(r#"{"namespace": "shop", "storage": "disk"}"#));
    assert!(
        message.contains("\"storage\"") && message.contains("disk"),
        "{message}"
    );
    let (_, message) = thrown(open(
        r#"{"namespace": "shop", "weights": {"category": "x"}}"#,
    ));
    assert!(message.contains("weights.category"), "{message}");
}

#[wasm_bindgen_test]
fn default_storage_in_node_falls_back_to_memory() {
    let rec = open(r#"{"namespace": "shop"}"#).unwrap();
    let status: JsValue = rec.status().unwrap().into();
    assert_eq!(field(&status, "persistent").as_bool(), Some(false));
    let last_error = field(&status, "lastError").as_string().unwrap_or_default();
    assert!(last_error.contains("memory"), "{last_error}");
    // Nothing to persist, so no write-behind timer holds the process open.
    rec.record(parse(r#"{"item": "x", "kind": "view"}"#).unchecked_into())
        .unwrap();
    assert!(!rec.flush_scheduled());
}

#[wasm_bindgen_test]
fn recommendations_follow_the_clicked_category() {
    let rec = shop();
    // Cold start: popularity first, so Running/Swimming lead.
    let cold = ids(&recommend(&rec, r#"{"k": 3}"#).unwrap());
    assert_eq!(cold, vec!["run-1", "swim-1", "run-2"]);

    record(&rec, r#"{"item": "bike-1", "kind": "click"}"#).unwrap();
    record(&rec, r#"{"item": "bike-2", "kind": "click"}"#).unwrap();
    let top = recommend(&rec, r#"{"k": 2}"#).unwrap();
    assert_eq!(ids(&top), vec!["bike-3", "bike-4"], "{}", stringify(&top));
    let reasons = stringify(&field(&js_sys::Array::from(&top).get(0), "reasons"));
    assert!(
        reasons.contains(r#""kind":"category","name":"Cycling""#),
        "{reasons}"
    );
    let sentence = rec.explain("bike-3").unwrap();
    assert!(sentence.contains("Cycling"), "{sentence}");
}

#[wasm_bindgen_test]
fn invalid_catalog_names_item_and_field_and_keeps_the_old_one() {
    let rec = shop();
    let (name, message) = thrown(rec.set_catalog(
        parse(r#"[{"id": "a", "categories": []}, {"id": "b", "categories": [], "popularity": -1}]"#)
            .unchecked_into(),
    ));
    assert_eq!(name, "CatalogError");
    assert!(
        message.contains("item 1") && message.contains("\"b\"") && message.contains("popularity"),
        "{message}"
    );
    let (name, message) = thrown(rec.set_catalog(
        parse(r#"[{"id": "a", "categories": []}, {"id": "a", "categories": []}]"#).unchecked_into(),
    ));
    assert_eq!(name, "CatalogError");
    assert!(
        message.contains("item 1") && message.contains("\"a\""),
        "{message}"
    );
    let (_, message) = thrown(
        rec.set_catalog(parse(r#"[{"id": "a", "categories": []}, {"id": "c"}]"#).unchecked_into()),
    );
    assert_eq!(
        message,
        r#"catalog item 1 (id "c"): missing field `categories`"#
    );
    // The previous catalogue is still in place.
    assert_eq!(ids(&recommend(&rec, r#"{"k": 1}"#).unwrap()), vec!["run-1"]);
}

#[wasm_bindgen_test]
fn invalid_events_name_the_field_and_change_nothing() {
    let rec = shop();
    let (name, message) = thrown(record(&rec, r#"{"item": "bike-1", "kind": "clik"}"#));
    assert_eq!(name, "EventError");
    assert!(
        message.contains("\"kind\"") && message.contains("clik"),
        "{message}"
    );
    let (name, message) = thrown(record(
        &rec,
        r#"{"item": "bike-1", "kind": "rate", "value": 9}"#,
    ));
    assert_eq!(name, "EventError");
    assert!(message.contains("value"), "{message}");
    let (_, message) = thrown(record(&rec, r#"{"kind": "click"}"#));
    assert!(message.contains("item"), "{message}");
    let status: JsValue = rec.status().unwrap().into();
    assert_eq!(field(&status, "events").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn bad_requests_throw_recommend_errors() {
    let rec = shop();
    let (name, message) = thrown(recommend(&rec, r#"{"k": 0}"#));
    assert_eq!(name, "RecommendError");
    assert!(message.contains("\"k\""), "{message}");
    let (name, message) = thrown(recommend(&rec, r#"{"k": "ten"}"#));
    assert_eq!(name, "RecommendError");
    assert!(message.contains("\"k\""), "{message}");
    let (name, _) = thrown(rec.explain("nope"));
    assert_eq!(name, "RecommendError");
    let all = rec.recommend(None).unwrap();
    assert_eq!(js_sys::Array::from(&all).length(), 8);
}

#[wasm_bindgen_test]
fn export_is_plain_json_and_forget_resets() {
    let rec = shop();
    record(&rec, r#"{"item": "bike-1", "kind": "click"}"#).unwrap();
    record(&rec, r#"{"item": "gone", "kind": "view"}"#).unwrap();
    rec.flush().unwrap();
    let exported: JsValue = rec.export_data().unwrap().into();
    let round_trip = parse(&stringify(&exported));
    assert_eq!(stringify(&round_trip), stringify(&exported));
    assert_eq!(js_sys::Array::from(&field(&exported, "events")).length(), 2);
    assert!(field(&exported, "profile").is_object());

    rec.forget().unwrap();
    let status: JsValue = rec.status().unwrap().into();
    assert_eq!(field(&status, "events").as_f64(), Some(0.0));
    let exported: JsValue = rec.export_data().unwrap().into();
    assert_eq!(js_sys::Array::from(&field(&exported, "events")).length(), 0);
    assert_eq!(
        ids(&recommend(&rec, r#"{"k": 3}"#).unwrap()),
        vec!["run-1", "swim-1", "run-2"]
    );
}

#[wasm_bindgen_test]
fn impressions_cap_unengaged_items_and_bad_ids_are_named() {
    let rec = open(r#"{"namespace": "shop", "storage": "memory", "impressionCap": 2}"#).unwrap();
    rec.set_catalog(parse(CATALOG).unchecked_into()).unwrap();
    assert_eq!(ids(&recommend(&rec, r#"{"k": 1}"#).unwrap()), vec!["run-1"]);
    let shown = parse(r#"["run-1", "run-1", "swim-1"]"#);
    assert_eq!(
        rec.record_impressions(shown.clone().unchecked_into())
            .unwrap(),
        2
    );
    assert_eq!(rec.record_impressions(shown.unchecked_into()).unwrap(), 2);
    // Shown twice without engagement: capped below every other item.
    let top = ids(&recommend(&rec, r#"{"k": 8}"#).unwrap());
    assert_eq!(&top[top.len() - 2..], ["run-1", "swim-1"], "{top:?}");

    let (name, message) =
        thrown(rec.record_impressions(parse(r#"["bike-1", ""]"#).unchecked_into()));
    assert_eq!(name, "EventError");
    assert!(message.contains("impression 1"), "{message}");
    let (name, message) =
        thrown(rec.record_impressions(parse(r#"["bike-1", 7]"#).unchecked_into()));
    assert_eq!(name, "EventError");
    assert_eq!(
        message,
        "impression 1: invalid type: integer `7`, expected a string"
    );
    let (_, message) = thrown(rec.record_impressions(parse(r#""bike-1""#).unchecked_into()));
    assert!(
        message.starts_with("impression: invalid type: string"),
        "{message}"
    );

    let exported: JsValue = rec.export_data().unwrap().into();
    let impressions = field(&exported, "impressions");
    assert_eq!(
        field(&impressions, "total").as_f64(),
        Some(4.0),
        "distinct ids per call"
    );
    assert!(field(&field(&exported, "profile"), "centroid").is_null());
}

#[wasm_bindgen_test]
fn request_rules_are_applied_and_validated() {
    let rec = shop();
    record(&rec, r#"{"item": "bike-1", "kind": "purchase"}"#).unwrap();
    record(&rec, r#"{"item": "bike-2", "kind": "view"}"#).unwrap();
    let top = ids(
        &recommend(
            &rec,
            r#"{"k": 3, "excludeSeen": ["purchase"], "exclude": ["bike-3"], "categories": ["Cycling"]}"#,
        )
        .unwrap(),
    );
    assert_eq!(top, vec!["bike-2", "bike-4"]);
    let capped = ids(&recommend(&rec, r#"{"k": 4, "diversity": {"maxPerCategory": 1}}"#).unwrap());
    assert_eq!(capped.len(), 3, "one per category: {capped:?}");
    let (name, message) = thrown(recommend(&rec, r#"{"diversity": {"lambda": 1.5}}"#));
    assert_eq!(name, "RecommendError");
    assert!(message.contains("diversity.lambda"), "{message}");
    let (_, message) = thrown(recommend(&rec, r#"{"excludeSeen": ["bought"]}"#));
    assert!(
        message.contains("excludeSeen") && message.contains("bought"),
        "{message}"
    );
    let (_, message) = thrown(recommend(&rec, r#"{"kk": 3}"#));
    assert!(message.contains("unknown field `kk`"), "{message}");
    let explored = recommend(&rec, r#"{"k": 4, "exploration": 0.5, "seed": 7}"#).unwrap();
    assert!(
        stringify(&explored).contains(r#""kind":"exploration""#),
        "{}",
        stringify(&explored)
    );
}
