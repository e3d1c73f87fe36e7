//! The `Recommender`'s privacy methods in Node (`wasm-pack test --node`):
//! the dial, validation errors (`PrivacyError` / `OptionsError` naming the
//! field), the signal preview, interest edits and per-item forgetting.
#![cfg(target_arch = "wasm32")]

use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
export function stringify(value) { return JSON.stringify(value); }
export function withCallback(text) { const o = JSON.parse(text); o.onSignal = () => {}; return o; }
// Strict structural equality: same own keys (a key holding `undefined`
// counts), same primitive values. Returns the first differing path or null.
export function difference(a, b, path = "$") {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    return path + ": " + String(a) + " vs " + String(b);
  }
  if (a === null || typeof a !== "object") return Object.is(a, b) ? null : path + ": " + a + " vs " + b;
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  if (ka.join("\u0000") !== kb.join("\u0000")) return path + ": keys " + ka + " vs " + kb;
  for (const k of ka) {
    const d = difference(a[k], b[k], path + "." + k);
    if (d !== null) return d;
  }
  return null;
}
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn stringify(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = withCallback)]
    fn with_callback(text: &str) -> JsValue;
    fn difference(a: &JsValue, b: &JsValue) -> Option<String>;
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

fn recommend_json(rec: &Recommender, request: &str) -> JsValue {
    rec.recommend(Some(parse(request).unchecked_into()))
        .unwrap()
        .into()
}

/// bike-1 is the model's neighbour of bike-3 and of swim-1.
fn model() -> Vec<u8> {
    let ids: Vec<String> = ["bike-1", "bike-2", "bike-3", "run-1", "run-2", "swim-1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut sim = vec![Vec::new(); ids.len()];
    sim[0] = vec![(2, 1.0), (5, 0.8)];
    let tables = vec![NeighbourTable::from_rows(Algorithm::Ease, 10, sim).unwrap()];
    NeighbourModel::new(ids, tables)
        .unwrap()
        .encode(Quantisation::U8)
}

#[wasm_bindgen_test]
fn a_blocked_category_is_never_recommended_even_with_a_model() {
    let rec = open(r#"{"namespace": "shop", "storage": "memory"}"#).unwrap();
    rec.set_model(&js_sys::Uint8Array::from(&model()[..]).into())
        .unwrap();
    for _ in 0..3 {
        click(&rec, "bike-1");
    }
    assert_eq!(top_ids(&rec, 1), vec!["bike-3"]);

    rec.block_category("Cycling").unwrap();
    let all = stringify(&recommend_json(&rec, r#"{"k": 10}"#));
    assert!(
        !all.contains("bike-"),
        "no Cycling item nor liked-item reason: {all}"
    );
    assert!(!all.contains("Cycling"), "no reason cites Cycling: {all}");
    assert!(all.contains("swim-1"), "{all}");
    let asked = stringify(&recommend_json(
        &rec,
        r#"{"k": 5, "categories": ["Cycling"], "exploration": 0.5}"#,
    ));
    assert_eq!(asked, "[]");
    let explained = rec.explain("bike-3").unwrap();
    assert!(explained.contains("blocked"), "{explained}");

    rec.unblock_category("Cycling").unwrap();
    assert_eq!(top_ids(&rec, 1), vec!["bike-3"], "unblocking restores it");

    let before = top_ids(&rec, 6);
    rec.add_interest("Running", None).unwrap();
    let after = top_ids(&rec, 6);
    let rank = |ids: &[String]| ids.iter().position(|id| id == "run-1").unwrap();
    assert!(rank(&after) < rank(&before), "{before:?} -> {after:?}");
    // Level with the strongest learned interest: only the model-backed
    // bike-3 stays ahead.
    assert_eq!(rank(&after), 1, "{after:?}");
    let top = stringify(&recommend_json(&rec, r#"{"k": 2}"#));
    assert!(
        top.contains(r#""kind":"category","name":"Running""#),
        "the added interest is the cited reason: {top}"
    );
}

#[wasm_bindgen_test]
fn export_data_is_plain_json() {
    for level in ["personal", "contribute"] {
        let rec = open(&format!(
            r#"{{"namespace": "shop-{level}", "storage": "memory",
                "privacy": {{"defaultLevel": "{level}", "taxonomy": {TAXONOMY}}}}}"#
        ))
        .unwrap();
        let fresh: JsValue = rec.export_data().unwrap().into();
        assert_eq!(
            difference(&parse(&stringify(&fresh)), &fresh),
            None,
            "{level}, fresh"
        );
        click(&rec, "bike-1");
        rec.block_category("sport").unwrap();
        rec.add_interest("water", Some(0.5)).unwrap();
        if level == "contribute" {
            rec.preview_signal().unwrap();
        }
        let exported: JsValue = rec.export_data().unwrap().into();
        assert_eq!(
            difference(&parse(&stringify(&exported)), &exported),
            None,
            "{level}: {}",
            stringify(&exported)
        );
        let privacy = field(&exported, "privacy");
        for key in ["epochClock", "pendingReport"] {
            let value = field(&privacy, key);
            assert!(!value.is_undefined(), "{level}: privacy.{key} is undefined");
        }
        let pending = field(&privacy, "pendingReport");
        assert_eq!(pending.is_null(), level != "contribute", "{level}");
    }
}
