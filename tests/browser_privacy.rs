//! The `Recommender`'s privacy wiring in headless Chrome and Firefox: the
//! dial erases real `localStorage` keys at once, and a due report reaches the
//! page's `onSignal` callback (through `navigator.locks` where present).
#![cfg(target_arch = "wasm32")]

use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod browser_support;
mod js_values;

use browser_support::keys_with_prefix;
use js_values::field;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const realNow = Date.now;
export const received = [];
export function parse(text) { return JSON.parse(text); }
export function stringify(value) { return JSON.stringify(value); }
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function withSignalCallback(text) {
  const o = JSON.parse(text);
  o.onSignal = (payload) => received.push(JSON.stringify(payload));
  return o;
}
export function receivedReports() { return received.slice(); }
export function undefinedPath(value, path = "") {
  if (value === undefined) return path;
  if (value === null || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    const found = undefinedPath(v, path + "." + k);
    if (found !== null) return found;
  }
  return null;
}
export function setNow(ms) { Date.now = () => ms; }
export function restoreNow() { Date.now = realNow; }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn stringify(value: &JsValue) -> String;
    fn sleep(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = withSignalCallback)]
    fn with_signal_callback(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = receivedReports)]
    fn received_reports() -> Vec<String>;
    #[wasm_bindgen(js_name = undefinedPath)]
    fn undefined_path(value: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = setNow)]
    fn set_now(ms: f64);
    #[wasm_bindgen(js_name = restoreNow)]
    fn restore_now();
}

const CATALOG: &str = r#"[
  {"id": "bike-1", "categories": ["Cycling"], "popularity": 10},
  {"id": "run-1", "categories": ["Running"], "popularity": 500}
]"#;

fn fresh() {
    restore_now();
    browser_support::fresh();
}

fn open(options: JsValue) -> Recommender {
    let rec = Recommender::open(options.unchecked_into()).expect("open");
    rec.set_catalog(parse(CATALOG).unchecked_into()).unwrap();
    rec
}

fn click(rec: &Recommender, item: &str) {
    rec.record(parse(&format!(r#"{{"item": "{item}", "kind": "click"}}"#)).unchecked_into())
        .unwrap();
}

fn events(rec: &Recommender) -> f64 {
    field(&rec.status().unwrap().into(), "events")
        .as_f64()
        .unwrap()
}

fn level(rec: &Recommender) -> String {
    JsValue::from(rec.level()).as_string().unwrap()
}

#[wasm_bindgen_test]
fn lowering_the_dial_erases_stored_keys_at_once() {
    fresh();
    let blog = open(parse(r#"{"namespace": "blog"}"#));
    click(&blog, "run-1");
    blog.flush().unwrap();
    let blog_keys = keys_with_prefix("lighttouch:blog:");

    let rec = open(parse(r#"{"namespace": "shop"}"#));
    click(&rec, "bike-1");
    rec.flush().unwrap();
    assert!(keys_with_prefix("lighttouch:shop:").contains(&"lighttouch:shop:state".to_string()));

    rec.set_level(JsValue::from_str("session").unchecked_into())
        .unwrap();
    assert_eq!(
        keys_with_prefix("lighttouch:shop:"),
        vec!["lighttouch:shop:x.privacy.level".to_string()],
        "session keeps only the choice in storage"
    );
    assert_eq!(
        events(&rec),
        1.0,
        "session keeps this page's history in memory"
    );
    click(&rec, "bike-1");
    rec.flush().unwrap();
    assert_eq!(
        keys_with_prefix("lighttouch:shop:").len(),
        1,
        "nothing persisted at session"
    );

    let reopened = open(parse(r#"{"namespace": "shop"}"#));
    assert_eq!(level(&reopened), "session");
    assert_eq!(events(&reopened), 0.0);

    rec.set_level(JsValue::from_str("off").unchecked_into())
        .unwrap();
    assert_eq!(events(&rec), 0.0, "off clears memory too");
    assert_eq!(
        keys_with_prefix("lighttouch:shop:"),
        vec!["lighttouch:shop:x.privacy.level".to_string()]
    );
    assert_eq!(
        keys_with_prefix("lighttouch:blog:"),
        blog_keys,
        "other namespace untouched"
    );
    assert_eq!(level(&open(parse(r#"{"namespace": "shop"}"#))), "off");
}

#[wasm_bindgen_test]
async fn a_due_report_reaches_the_on_signal_callback_once() {
    fresh();
    let options = r#"{"namespace": "shop", "privacy": {"defaultLevel": "contribute", "epochDays": 1,
        "taxonomy": {"version": 2, "categories": ["outdoor", "sport"],
                     "map": {"Cycling": "outdoor", "Running": "sport"}}}}"#;
    let rec = open(with_signal_callback(options));
    click(&rec, "bike-1");
    let preview: JsValue = rec.preview_signal().unwrap().into();
    let send_after = field(&preview, "sendAfterMs")
        .as_f64()
        .expect("a pending report");
    let expected = stringify(&field(&preview, "payload"));
    JsFuture::from(sleep(50)).await.unwrap();
    assert!(received_reports().is_empty(), "not due yet");

    // Jump the page's clock past the send time; the next record sends it.
    set_now(send_after + 1.0);
    click(&rec, "bike-1");
    JsFuture::from(sleep(200)).await.unwrap();
    click(&rec, "bike-1");
    JsFuture::from(sleep(200)).await.unwrap();
    restore_now();
    let reports = received_reports();
    assert_eq!(
        reports,
        vec![expected],
        "the previewed payload, sent exactly once"
    );
    let exported: JsValue = rec.export_data().unwrap().into();
    let ledger = field(&field(&field(&exported, "privacy"), "ledger"), "entries");
    assert_eq!(js_sys::Array::from(&ledger).length(), 1);
    // The export is plain JSON: a JSON round trip changes nothing.
    assert_eq!(
        stringify(&parse(&stringify(&exported))),
        stringify(&exported)
    );
    assert!(field(&field(&exported, "privacy"), "pendingReport").is_null());
}

fn recommended_ids(rec: &Recommender, request: &str) -> Vec<String> {
    let recs: JsValue = rec
        .recommend(Some(parse(request).unchecked_into()))
        .unwrap()
        .into();
    js_sys::Array::from(&recs)
        .iter()
        .map(|r| field(&r, "id").as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
fn a_block_persists_in_local_storage_and_excludes_the_category() {
    fresh();
    let rec = open(parse(r#"{"namespace": "shop"}"#));
    for _ in 0..3 {
        click(&rec, "bike-1");
    }
    let request = r#"{"k": 5, "excludeSeen": false}"#;
    assert_eq!(recommended_ids(&rec, request)[0], "bike-1");
    rec.block_category("Cycling").unwrap();
    rec.flush().unwrap();
    assert_eq!(recommended_ids(&rec, request), vec!["run-1"]);
    drop(rec);

    let reopened = open(parse(r#"{"namespace": "shop"}"#));
    assert_eq!(
        recommended_ids(&reopened, request),
        vec!["run-1"],
        "the block survives a reload"
    );
    let reasons = stringify(
        &reopened
            .recommend(Some(parse(request).unchecked_into()))
            .unwrap()
            .into(),
    );
    assert!(!reasons.contains("Cycling"), "{reasons}");
    assert_eq!(
        recommended_ids(&reopened, r#"{"k": 5, "categories": ["Cycling"]}"#),
        Vec::<String>::new()
    );
    reopened.unblock_category("Cycling").unwrap();
    assert_eq!(recommended_ids(&reopened, request)[0], "bike-1");
    fresh();
}
