//! Once-per-epoch and the privacy-budget ledger in a real browser: two
//! `Recommender`s on one namespace (as two tabs of an origin would be) send
//! exactly one report per epoch, through `navigator.locks` and through the
//! fallback without it, and a reopened recommender neither reports twice nor
//! forgets the spent budget. The page's clock is faked (`Date.now`) to make a
//! report due without waiting for it.
#![cfg(target_arch = "wasm32")]

use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod browser_support;
mod js_values;

use js_values::field;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const realNow = Date.now;
let received = [];
export function parse(text) { return JSON.parse(text); }
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function withSignalCallback(text) {
  const o = JSON.parse(text);
  o.onSignal = (payload) => received.push(JSON.stringify(payload));
  return o;
}
export function receivedReports() { return received.slice(); }
export function clearReceived() { received = []; }
export function realTime() { return realNow(); }
export function setNow(ms) { Date.now = () => ms; }
export function restoreNow() { Date.now = realNow; }
export function hasLocks() {
  return typeof navigator.locks === "object" && navigator.locks !== null
    && typeof navigator.locks.request === "function";
}
export function hideLocks() {
  Object.defineProperty(navigator, "locks", { value: undefined, configurable: true });
}
export function restoreLocks() { delete navigator.locks; }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn sleep(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = withSignalCallback)]
    fn with_signal_callback(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = receivedReports)]
    fn received_reports() -> Vec<String>;
    #[wasm_bindgen(js_name = clearReceived)]
    fn clear_received();
    #[wasm_bindgen(js_name = realTime)]
    fn real_time() -> f64;
    #[wasm_bindgen(js_name = setNow)]
    fn set_now(ms: f64);
    #[wasm_bindgen(js_name = restoreNow)]
    fn restore_now();
    #[wasm_bindgen(js_name = hasLocks)]
    fn has_locks() -> bool;
    #[wasm_bindgen(js_name = hideLocks)]
    fn hide_locks();
    #[wasm_bindgen(js_name = restoreLocks)]
    fn restore_locks();
}

const CATALOG: &str = r#"[
  {"id": "bike-1", "categories": ["Cycling"], "popularity": 10},
  {"id": "run-1", "categories": ["Running"], "popularity": 500}
]"#;

/// `contribute` by default, one-day epochs, reports to `onSignal`,
/// `localStorage` shared by every instance of the namespace.
const OPTIONS: &str = r#"{"namespace": "shop", "storage": "local",
    "privacy": {"defaultLevel": "contribute", "epochDays": 1,
        "taxonomy": {"version": 2, "categories": ["outdoor", "sport"],
                     "map": {"Cycling": "outdoor", "Running": "sport"}}}}"#;

/// Starts from an empty origin, real clock, real `navigator.locks`, no
/// report received; then freezes the page's clock at the real time.
fn fresh() -> f64 {
    restore_now();
    restore_locks();
    clear_received();
    browser_support::fresh();
    let start = real_time();
    set_now(start);
    start
}

fn open() -> Recommender {
    let rec = Recommender::open(with_signal_callback(OPTIONS).unchecked_into()).expect("open");
    rec.set_catalog(parse(CATALOG).unchecked_into()).unwrap();
    rec
}

fn click(rec: &Recommender, item: &str) {
    rec.record(parse(&format!(r#"{{"item": "{item}", "kind": "click"}}"#)).unchecked_into())
        .unwrap();
}

fn privacy_export(rec: &Recommender) -> JsValue {
    field(&rec.export_data().unwrap().into(), "privacy")
}

/// The ledger's entries as `(epoch, epsilon)`.
fn ledger_entries(rec: &Recommender) -> Vec<(f64, f64)> {
    let entries = field(&field(&privacy_export(rec), "ledger"), "entries");
    js_sys::Array::from(&entries)
        .iter()
        .map(|e| {
            (
                field(&e, "epoch").as_f64().unwrap(),
                field(&e, "epsilon").as_f64().unwrap(),
            )
        })
        .collect()
}

/// The current epoch of `rec`'s clock at `now_ms` and the last millisecond
/// of it: every send time of that epoch is at or before it.
fn epoch_and_last_ms(rec: &Recommender, now_ms: f64) -> (f64, f64) {
    let clock = field(&privacy_export(rec), "epochClock");
    let length = field(&clock, "lengthMs").as_f64().expect("an epoch clock");
    let offset = field(&clock, "offsetMs").as_f64().unwrap();
    let epoch = ((now_ms - offset) / length).floor();
    (epoch, (epoch + 1.0) * length + offset - 1.0)
}

async fn settle() {
    JsFuture::from(sleep(200)).await.unwrap();
}

/// Two instances on one namespace; the report falls due and both see
/// activity at once: exactly one report, charged once.
async fn two_instances_send_one_report() {
    let start = fresh();
    let first = open();
    first.flush().unwrap();
    let second = open();
    let (epoch, last_ms) = epoch_and_last_ms(&first, start);
    assert_eq!(
        epoch_and_last_ms(&second, start),
        (epoch, last_ms),
        "both instances share the stored epoch clock"
    );
    click(&first, "bike-1");
    click(&second, "run-1");
    settle().await;
    assert!(received_reports().is_empty(), "not due yet");

    set_now(last_ms);
    // Activity in both, before either lock callback had a chance to run.
    click(&second, "bike-1");
    click(&first, "bike-1");
    settle().await;
    click(&first, "run-1");
    click(&second, "run-1");
    settle().await;

    let reports = received_reports();
    assert_eq!(reports.len(), 1, "one report per epoch: {reports:?}");
    let report = parse(&reports[0]);
    assert_eq!(field(&report, "epoch").as_f64(), Some(epoch));
    assert_eq!(field(&report, "epsilon").as_f64(), Some(1.0));
    for rec in [&first, &second] {
        assert_eq!(
            ledger_entries(rec),
            vec![(epoch, 1.0)],
            "the ε is spent once, and each instance knows it"
        );
        assert!(field(&privacy_export(rec), "pendingReport").is_null());
    }
    restore_now();
}

#[wasm_bindgen_test]
async fn two_instances_send_one_report_under_web_locks() {
    assert!(has_locks(), "this browser has navigator.locks");
    two_instances_send_one_report().await;
}

#[wasm_bindgen_test]
async fn two_instances_send_one_report_without_web_locks() {
    fresh();
    hide_locks();
    assert!(!has_locks(), "navigator.locks hidden for the fallback");
    two_instances_send_one_report().await;
    hide_locks();
    assert!(!has_locks(), "still the fallback at the end");
    restore_locks();
    assert!(has_locks(), "navigator.locks restored");
}

#[wasm_bindgen_test]
async fn a_reopened_instance_neither_reports_again_nor_forgets_the_budget() {
    let start = fresh();
    let rec = open();
    let (epoch, last_ms) = epoch_and_last_ms(&rec, start);
    set_now(last_ms);
    click(&rec, "bike-1");
    settle().await;
    assert_eq!(received_reports().len(), 1, "the due report was sent");
    assert_eq!(ledger_entries(&rec), vec![(epoch, 1.0)]);
    drop(rec);

    // Same page clock, same epoch: a new instance on the namespace.
    let reopened = open();
    settle().await;
    click(&reopened, "run-1");
    settle().await;
    assert_eq!(
        received_reports().len(),
        1,
        "no second report in the epoch after a reopen"
    );
    assert_eq!(
        ledger_entries(&reopened),
        vec![(epoch, 1.0)],
        "the spent budget survives"
    );
    let preview: JsValue = reopened.preview_signal().unwrap().into();
    let payload = field(&preview, "payload");
    assert!(
        payload.is_null() || payload.is_undefined(),
        "nothing left to send"
    );
    assert_eq!(field(&preview, "budgetSpent").as_f64(), Some(1.0));
    restore_now();
}

/// One instance previews (builds and charges) the payload; the other sees
/// activity first when it falls due, then the previewing one: one report in
/// all, and the ε is charged once.
#[wasm_bindgen_test]
async fn a_payload_previewed_in_one_instance_is_sent_once_by_either() {
    let start = fresh();
    let first = open();
    first.flush().unwrap();
    let second = open();
    let (epoch, last_ms) = epoch_and_last_ms(&first, start);
    let preview: JsValue = first.preview_signal().unwrap().into();
    assert!(
        field(&preview, "payload").is_object(),
        "first builds the payload"
    );
    // Let the lock callbacks of both opens run while nothing is due yet.
    settle().await;
    assert!(received_reports().is_empty(), "not due yet");
    set_now(last_ms);
    click(&second, "bike-1");
    settle().await;
    assert_eq!(received_reports().len(), 1, "the due report went out");
    click(&first, "bike-1");
    settle().await;
    let reports = received_reports();
    assert_eq!(reports.len(), 1, "one report per epoch: {reports:?}");
    for rec in [&first, &second] {
        assert_eq!(ledger_entries(rec), vec![(epoch, 1.0)]);
    }
    restore_now();
}
