//! The `Recommender`'s privacy methods in Node (`wasm-pack test --node`):
//! the dial, validation errors (`PrivacyError` / `OptionsError` naming the
//! field), the signal preview, interest edits and per-item forgetting.
#![cfg(target_arch = "wasm32")]

use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
export function stringify(value) { return JSON.stringify(value); }
export function withCallback(text) { const o = JSON.parse(text); o.onSignal = () => {}; return o; }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn stringify(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = withCallback)]
    fn with_callback(text: &str) -> JsValue;
}

const CATALOG: &str = r#"[
  {"id": "bike-1", "categories": ["Cycling"], "popularity": 10},
  {"id": "bike-2", "categories": ["Cycling"], "popularity": 5},
  {"id": "bike-3", "categories": ["Cycling"], "popularity": 3},
  {"id": "run-1", "categories": ["Running"], "popularity": 500},
  {"id": "run-2", "categories": ["Running"], "popularity": 400},
  {"id": "swim-1", "categories": ["Swimming"], "popularity": 450}
]"#;

const TAXONOMY: &str = r#"{"version": 1, "categories": ["sport", "outdoor", "water"],
  "map": {"Cycling": "outdoor", "Running": "sport", "Swimming": "water"}}"#;

fn open(options: &str) -> Result<Recommender, JsValue> {
    let rec = Recommender::open(parse(options).unchecked_into())?;
    rec.set_catalog(parse(CATALOG).unchecked_into())?;
    Ok(rec)
}

fn click(rec: &Recommender, item: &str) {
    rec.record(parse(&format!(r#"{{"item": "{item}", "kind": "click"}}"#)).unchecked_into())
        .unwrap();
}

fn thrown(result: Result<impl Sized, JsValue>) -> (String, String) {
    let Err(error) = result else {
        panic!("expected an error")
    };
    let error = error.dyn_into::<js_sys::Error>().expect("a JS Error");
    (error.name().into(), error.message().into())
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}

fn top_ids(rec: &Recommender, k: u32) -> Vec<String> {
    let recs: JsValue = rec
        .recommend(Some(parse(&format!(r#"{{"k": {k}}}"#)).unchecked_into()))
        .unwrap()
        .into();
    js_sys::Array::from(&recs)
        .iter()
        .map(|r| field(&r, "id").as_string().unwrap())
        .collect()
}

fn events(rec: &Recommender) -> f64 {
    field(&rec.status().unwrap().into(), "events")
        .as_f64()
        .unwrap()
}

#[wasm_bindgen_test]
fn level_off_records_nothing_and_the_dial_moves() {
    let rec =
        open(r#"{"namespace": "shop", "storage": "memory", "privacy": {"defaultLevel": "off"}}"#)
            .unwrap();
    assert_eq!(
        JsValue::from(rec.level()).as_string().as_deref(),
        Some("off")
    );
    click(&rec, "bike-1");
    assert_eq!(events(&rec), 0.0, "off: nothing recorded");
    rec.set_level(JsValue::from_str("personal").unchecked_into())
        .unwrap();
    assert_eq!(
        JsValue::from(rec.level()).as_string().as_deref(),
        Some("personal")
    );
    click(&rec, "bike-1");
    assert_eq!(events(&rec), 1.0);
    let plan: JsValue = rec
        .set_level(JsValue::from_str("session").unchecked_into())
        .unwrap()
        .into();
    assert_eq!(field(&plan, "persistedHistory").as_bool(), Some(true));
    let exported: JsValue = rec.export_data().unwrap().into();
    assert_eq!(
        field(&field(&exported, "privacy"), "level")
            .as_string()
            .as_deref(),
        Some("session")
    );
}

#[wasm_bindgen_test]
fn privacy_errors_name_the_field() {
    let rec = open(r#"{"namespace": "shop", "storage": "memory"}"#).unwrap();
    let (name, message) = thrown(rec.set_level(JsValue::from_str("everything").unchecked_into()));
    assert_eq!(name, "PrivacyError");
    assert!(message.contains("everything"), "{message}");
    let (name, message) = thrown(rec.set_level(JsValue::from_str("contribute").unchecked_into()));
    assert_eq!(name, "PrivacyError");
    assert!(message.contains("taxonomy"), "{message}");
    let (name, _) = thrown(rec.set_level(JsValue::from_f64(5.0).unchecked_into()));
    assert_eq!(name, "PrivacyError");

    let (name, message) = thrown(open(r#"{"namespace": "s", "privacy": {"epsilon": -1}}"#));
    assert_eq!(name, "PrivacyError");
    assert!(message.contains("epsilon"), "{message}");
    let (name, message) = thrown(open(r#"{"namespace": "s", "privacy": {"epsilonn": 1}}"#));
    assert_eq!(name, "PrivacyError");
    assert!(message.contains("unknown field `epsilonn`"), "{message}");
    let (name, message) = thrown(open(r#"{"namespace": "s", "endpoint": 5}"#));
    assert_eq!(name, "OptionsError");
    assert!(message.contains("\"endpoint\""), "{message}");
    let (name, message) = thrown(Recommender::open(
        with_callback(r#"{"namespace": "s", "endpoint": "https://example.invalid/r"}"#)
            .unchecked_into(),
    ));
    assert_eq!(name, "OptionsError");
    assert!(message.contains("onSignal"), "{message}");
    assert!(Recommender::open(with_callback(r#"{"namespace": "s"}"#).unchecked_into()).is_ok());
}

#[wasm_bindgen_test]
fn preview_shows_the_payload_that_will_be_sent() {
    let rec = open(&format!(
        r#"{{"namespace": "shop", "storage": "memory",
            "privacy": {{"defaultLevel": "contribute", "taxonomy": {TAXONOMY}}}}}"#
    ))
    .unwrap();
    click(&rec, "bike-1");
    let preview: JsValue = rec.preview_signal().unwrap().into();
    let payload = field(&preview, "payload");
    assert_eq!(
        field(&payload, "bits").as_string().map(|b| b.len()),
        Some(3)
    );
    assert_eq!(field(&payload, "epsilon").as_f64(), Some(1.0));
    assert!(!field(&preview, "description")
        .as_string()
        .unwrap()
        .is_empty());
    assert_eq!(field(&preview, "budgetSpent").as_f64(), Some(1.0));
    // Previewing again gives the very same randomised answer.
    let again: JsValue = rec.preview_signal().unwrap().into();
    assert_eq!(stringify(&field(&again, "payload")), stringify(&payload));
}

#[wasm_bindgen_test]
fn interest_edits_change_ranking_and_forget_item_erases() {
    let rec = open(r#"{"namespace": "shop", "storage": "memory"}"#).unwrap();
    click(&rec, "bike-1");
    click(&rec, "bike-1");
    click(&rec, "bike-2");
    assert_eq!(top_ids(&rec, 1), vec!["bike-3"]);
    let interests = stringify(&rec.interests().unwrap().into());
    assert!(interests.contains(r#""category":"Cycling""#), "{interests}");

    rec.block_category("Cycling").unwrap();
    assert_ne!(
        top_ids(&rec, 1),
        vec!["bike-3"],
        "blocked interest no longer boosts"
    );
    let interests = stringify(&rec.interests().unwrap().into());
    assert!(interests.contains(r#""blocked":true"#), "{interests}");
    rec.unblock_category("Cycling").unwrap();
    assert_eq!(top_ids(&rec, 1), vec!["bike-3"]);
    let before = top_ids(&rec, 6);
    rec.add_interest("Swimming", None).unwrap();
    let after = top_ids(&rec, 6);
    let rank = |ids: &[String]| ids.iter().position(|id| id == "swim-1").unwrap();
    assert!(rank(&after) < rank(&before), "{before:?} -> {after:?}");
    let interests = stringify(&rec.interests().unwrap().into());
    assert!(
        interests.contains(r#""category":"Swimming","strength":1,"blocked":false,"added":true"#)
            || interests.contains(r#""category":"Swimming""#)
                && interests.contains(r#""added":true"#),
        "{interests}"
    );
    let (name, message) = thrown(rec.add_interest("Swimming", Some(5.0)));
    assert_eq!(name, "PrivacyError");
    assert!(message.contains("strength"), "{message}");

    assert_eq!(rec.forget_item("bike-1").unwrap(), 2);
    assert_eq!(events(&rec), 1.0);
    let (name, _) = thrown(rec.add_interest("Swimming", Some(f64::NAN)));
    assert_eq!(name, "PrivacyError");
}
