//! The `setModel` scenarios shared by `browser_model.rs` (headless Chrome and
//! Firefox) and `node_model.rs` (Node). Model bytes are built in Rust with
//! the model format's encoder; everything after `open` goes through the
//! exported JS class (`rec.setModel(uint8Array)`, `rec.record`, ...), so the
//! generated bindings, the `Uint8Array` copy and the thrown `Error`s are the
//! ones page code sees.

use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
use lighttouch::wasm::recommender::Recommender;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
export function setModel(rec, bytes) { return JSON.stringify(rec.setModel(bytes)); }
export function record(rec, text) { rec.record(JSON.parse(text)); }
export function recommend(rec, text) { return JSON.stringify(rec.recommend(JSON.parse(text))); }
export function explain(rec, id) { return rec.explain(id); }
export function isUint8Array(value) { return value instanceof Uint8Array; }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    #[wasm_bindgen(catch, js_name = setModel)]
    fn js_set_model(rec: &JsValue, bytes: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = record)]
    fn js_record(rec: &JsValue, event: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = recommend)]
    fn js_recommend(rec: &JsValue, options: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = explain)]
    fn js_explain(rec: &JsValue, id: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = isUint8Array)]
    fn is_uint8_array(value: &JsValue) -> bool;
}

/// Five films; without a model "e" (most popular) ranks first.
const CATALOG: &str = r#"[
  {"id": "a", "title": "Alien", "categories": ["Film"], "popularity": 1},
  {"id": "b", "title": "Brazil", "categories": ["Film"], "popularity": 2},
  {"id": "c", "title": "Contact", "categories": ["Film"], "popularity": 3},
  {"id": "d", "title": "Dune", "categories": ["Film"], "popularity": 4},
  {"id": "e", "title": "Equus", "categories": ["Film"], "popularity": 5}
]"#;

/// A model over `ids` whose similarity table links each `(from, to)` pair
/// both ways with weight 1.
fn model_bytes(ids: &[&str], pairs: &[(&str, &str)]) -> Vec<u8> {
    let index = |id: &str| ids.iter().position(|x| *x == id).expect("id in model") as u32;
    let mut rows = vec![Vec::new(); ids.len()];
    for (from, to) in pairs {
        rows[index(from) as usize].push((index(to), 1.0));
        rows[index(to) as usize].push((index(from), 1.0));
    }
    for row in &mut rows {
        row.sort_by_key(|(neighbour, _)| *neighbour);
    }
    let table = NeighbourTable::from_rows(Algorithm::Ease, 10, rows).expect("table");
    NeighbourModel::new(ids.iter().map(|s| s.to_string()).collect(), vec![table])
        .expect("model")
        .encode(Quantisation::U8)
}

/// `rec` opened with `options` (memory storage added) and the catalogue set,
/// handed over to JS: the returned value is the JS `Recommender` object.
fn open_js(options: &str) -> Result<JsValue, JsValue> {
    let mut options: Value = serde_json::from_str(options).expect("options JSON");
    options["storage"] = "memory".into();
    let rec = Recommender::open(parse(&options.to_string()).unchecked_into())?;
    rec.set_catalog(parse(CATALOG).unchecked_into())?;
    Ok(rec.into())
}

fn set_model(rec: &JsValue, bytes: &[u8]) -> Result<Value, JsValue> {
    let array = js_sys::Uint8Array::from(bytes);
    assert!(is_uint8_array(&array));
    js_set_model(rec, &array.into()).map(|text| serde_json::from_str(&text).expect("summary JSON"))
}

fn view(rec: &JsValue, id: &str) {
    js_record(rec, &format!(r#"{{"item": "{id}", "kind": "view"}}"#)).expect("record");
}

fn recommend(rec: &JsValue, k: usize) -> Vec<Value> {
    let text = js_recommend(rec, &format!(r#"{{"k": {k}}}"#)).expect("recommend");
    match serde_json::from_str(&text).expect("recommendations JSON") {
        Value::Array(items) => items,
        other => panic!("expected an array, got {other}"),
    }
}

fn ids(recs: &[Value]) -> Vec<&str> {
    recs.iter().map(|r| r["id"].as_str().expect("id")).collect()
}

/// Whether `rec` has a `similarToItem` reason naming `driver`.
fn similar_to(rec: &Value, driver: &str) -> bool {
    rec["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .any(|r| r["kind"] == "similarToItem" && r["id"] == driver)
}

/// `(name, message)` of a thrown JS `Error`.
fn thrown<T: std::fmt::Debug>(result: Result<T, JsValue>) -> (String, String) {
    let error = result
        .expect_err("expected a thrown Error")
        .dyn_into::<js_sys::Error>()
        .expect("a JS Error instance");
    (error.name().into(), error.message().into())
}

const IDS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// The model's neighbours drive the ranking, named in `reasons` and `explain`.
pub fn recommendations_follow_the_model() {
    let rec = open_js(r#"{"namespace": "model"}"#).expect("open");
    view(&rec, "a");
    assert_eq!(
        ids(&recommend(&rec, 1)),
        ["e"],
        "without a model: popularity"
    );

    let summary = set_model(&rec, &model_bytes(&IDS, &[("a", "c"), ("b", "d")])).expect("model");
    assert_eq!(summary["items"], 5);
    assert_eq!(summary["matched"], 5);
    assert_eq!(summary["unknownIds"], 0);
    assert_eq!(summary["tables"], serde_json::json!(["ease"]));
    assert_eq!(summary["neighbours"], 4);
    assert!(summary["bytes"].as_u64().expect("bytes") > 0);

    let top = recommend(&rec, 3);
    assert_eq!(top[0]["id"], "c", "{top:?}");
    assert!(similar_to(&top[0], "a"), "{:?}", top[0]);
    assert!(
        !similar_to(&top[1], "a"),
        "only c is a's neighbour: {top:?}"
    );
    let sentence = js_explain(&rec, "c").expect("explain");
    assert!(sentence.contains("Alien"), "{sentence}");

    // The most recent view drives the ranking: after b, d (b's neighbour) leads.
    view(&rec, "b");
    let top = recommend(&rec, 2);
    assert_eq!(top[0]["id"], "d", "{top:?}");
    assert!(similar_to(&top[0], "b"), "{:?}", top[0]);
}

/// A corrupted model throws a `ModelError` and the previous model keeps scoring.
pub fn a_corrupted_model_throws_and_the_previous_one_stays() {
    let rec = open_js(r#"{"namespace": "model"}"#).expect("open");
    view(&rec, "a");
    set_model(&rec, &model_bytes(&IDS, &[("a", "c")])).expect("first model");
    let before = recommend(&rec, 5);
    assert_eq!(before[0]["id"], "c");

    // A different model (a <-> d) with one byte flipped.
    let mut corrupt = model_bytes(&IDS, &[("a", "d")]);
    let middle = corrupt.len() / 2;
    corrupt[middle] ^= 0x01;
    let (name, message) = thrown(set_model(&rec, &corrupt));
    assert_eq!(name, "ModelError");
    assert!(message.contains("checksum"), "{message}");

    // Not a model at all.
    let (name, message) = thrown(set_model(&rec, b"not a model, just some text bytes"));
    assert_eq!(name, "ModelError");
    assert!(message.contains("magic"), "{message}");
    let (name, _) = thrown(set_model(&rec, &[]));
    assert_eq!(name, "ModelError");
    // Not a Uint8Array: the message says what was given and what to pass.
    let buffer = js_sys::Uint8Array::from(&model_bytes(&IDS, &[("a", "d")])[..]).buffer();
    let (name, message) = thrown(js_set_model(&rec, &buffer.into()));
    assert_eq!(name, "ModelError");
    assert!(
        message.contains("Uint8Array") && message.contains("ArrayBuffer"),
        "{message}"
    );
    let (name, message) = thrown(js_set_model(&rec, &"LTNM".into()));
    assert_eq!(name, "ModelError");
    assert!(message.contains("string"), "{message}");

    let after = recommend(&rec, 5);
    assert_eq!(after, before, "the first model is still in use");
    assert!(similar_to(&after[0], "a"), "{:?}", after[0]);
}

/// Model ids missing from the catalogue are skipped and counted; catalogue
/// items that the model links still score.
pub fn unknown_ids_are_skipped_and_counted() {
    let rec = open_js(r#"{"namespace": "model"}"#).expect("open");
    view(&rec, "a");
    let ids_with_unknown = ["gone-1", "a", "b", "gone-2", "c", "d", "e", "gone-3"];
    let bytes = model_bytes(
        &ids_with_unknown,
        &[("a", "gone-1"), ("a", "b"), ("gone-2", "c")],
    );
    let summary = set_model(&rec, &bytes).expect("model");
    assert_eq!(summary["items"], 8);
    assert_eq!(summary["matched"], 5);
    assert_eq!(summary["unknownIds"], 3);

    let top = recommend(&rec, 5);
    assert_eq!(top[0]["id"], "b", "{top:?}");
    assert!(similar_to(&top[0], "a"), "{:?}", top[0]);
    assert!(
        top.iter()
            .all(|r| !r["id"].as_str().unwrap_or("").starts_with("gone")),
        "{top:?}"
    );
}

/// `Recommender.open` accepts `neighbours` (weight 0 switches the model's
/// component off) and rejects an invalid one with an `OptionsError` naming it.
pub fn open_accepts_neighbour_options() {
    let rec = open_js(r#"{"namespace": "model", "neighbours": {"weight": 0}}"#).expect("open");
    view(&rec, "a");
    set_model(&rec, &model_bytes(&IDS, &[("a", "c")])).expect("model");
    let top = recommend(&rec, 1);
    assert_eq!(ids(&top), ["e"], "weight 0: popularity again");

    let (name, message) = thrown(open_js(
        r#"{"namespace": "model", "neighbours": {"positionDecay": 2}}"#,
    ));
    assert_eq!(name, "OptionsError");
    assert!(message.contains("neighbours.positionDecay"), "{message}");
    let (name, message) = thrown(open_js(
        r#"{"namespace": "model", "neighbours": {"decay": 1}}"#,
    ));
    assert_eq!(name, "OptionsError");
    assert!(message.contains("decay"), "{message}");
}

/// Declares one `#[wasm_bindgen_test]` per scenario above, so the browser
/// and Node binaries run the same list under the same names.
macro_rules! scenario_tests {
    () => {
        $crate::model_js::scenario_tests!(
            recommendations_follow_the_model,
            a_corrupted_model_throws_and_the_previous_one_stays,
            unknown_ids_are_skipped_and_counted,
            open_accepts_neighbour_options,
        );
    };
    ($($scenario:ident),* $(,)?) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            fn $scenario() {
                $crate::model_js::$scenario();
            }
        )*
    };
}
pub(crate) use scenario_tests;
