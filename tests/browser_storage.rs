//! The `Recommender` over real browser `localStorage`, in headless Chrome and
//! Firefox: persistence across reopen, write-behind, and every failure of
//! issue 2 simulated for real (quota filled, garbage under our key, storage
//! blocked, writes throwing, a second namespace).
#![cfg(target_arch = "wasm32")]

use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod browser_support;
mod js_values;

use browser_support::{
    block_local_storage, break_set_item, fill_to_quota, fresh, keys_with_prefix, restore_set_item,
    storage, unblock_local_storage,
};
use js_values::ids;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
export function stringify(value) { return JSON.stringify(value); }
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function snapshot() {
  const all = {};
  for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); all[k] = localStorage.getItem(k); }
  return all;
}
export function hideDocument(hidden) {
  if (hidden) Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
  else delete document.visibilityState;
  document.dispatchEvent(new Event("visibilitychange"));
}
export function pageHide() { window.dispatchEvent(new Event("pagehide")); }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
    fn stringify(value: &JsValue) -> String;
    fn sleep(ms: u32) -> js_sys::Promise;
    fn snapshot() -> JsValue;
    #[wasm_bindgen(js_name = hideDocument)]
    fn hide_document(hidden: bool);
    #[wasm_bindgen(js_name = pageHide)]
    fn page_hide();
}

const CATALOG: &str = r#"[
  {"id": "bike-1", "categories": ["Cycling"], "tags": ["road"], "popularity": 10},
  {"id": "bike-2", "categories": ["Cycling"], "tags": ["gravel"], "popularity": 5},
  {"id": "bike-3", "categories": ["Cycling"], "tags": ["road"], "popularity": 3},
  {"id": "bike-4", "categories": ["Cycling"], "popularity": 2},
  {"id": "run-1", "categories": ["Running"], "tags": ["trail"], "popularity": 500},
  {"id": "run-2", "categories": ["Running"], "tags": ["road"], "popularity": 400},
  {"id": "run-3", "categories": ["Running"], "popularity": 300},
  {"id": "swim-1", "categories": ["Swimming"], "popularity": 450}
]"#;

fn open(namespace: &str) -> Recommender {
    let options = parse(&format!(r#"{{"namespace": "{namespace}"}}"#));
    let rec = Recommender::open(options.unchecked_into()).expect("open never fails on storage");
    rec.set_catalog(parse(CATALOG).unchecked_into())
        .expect("catalog");
    rec
}

fn click(rec: &Recommender, item: &str) {
    rec.record(parse(&format!(r#"{{"item": "{item}", "kind": "click"}}"#)).unchecked_into())
        .expect("record");
}

fn recommendations(rec: &Recommender) -> JsValue {
    rec.recommend(Some(parse(r#"{"k": 5}"#).unchecked_into()))
        .expect("recommend")
        .into()
}

fn status(rec: &Recommender) -> (bool, f64, f64, Option<String>) {
    let status: JsValue = rec.status().unwrap().into();
    let get = |name: &str| js_sys::Reflect::get(&status, &name.into()).unwrap();
    (
        get("persistent").as_bool().unwrap(),
        get("storedBytes").as_f64().unwrap(),
        get("events").as_f64().unwrap(),
        get("lastError").as_string(),
    )
}

/// Same ids, reasons and (up to the decay of the few ms between the calls)
/// scores.
fn assert_same_recommendations(a: &JsValue, b: &JsValue) {
    let (a, b) = (js_sys::Array::from(a), js_sys::Array::from(b));
    assert_eq!(a.length(), b.length());
    for (x, y) in a.iter().zip(b.iter()) {
        let get = |v: &JsValue, f: &str| js_sys::Reflect::get(v, &f.into()).unwrap();
        assert_eq!(get(&x, "id").as_string(), get(&y, "id").as_string());
        let (sx, sy) = (
            get(&x, "score").as_f64().unwrap(),
            get(&y, "score").as_f64().unwrap(),
        );
        assert!((sx - sy).abs() <= 1e-6 * sx.abs().max(1.0), "{sx} vs {sy}");
        assert_eq!(
            stringify(&get(&x, "reasons")).replace(|c: char| c.is_ascii_digit(), ""),
            stringify(&get(&y, "reasons")).replace(|c: char| c.is_ascii_digit(), "")
        );
    }
}

#[wasm_bindgen_test]
fn persists_and_reopens_with_identical_recommendations() {
    fresh();
    let rec = open("shop");
    click(&rec, "bike-1");
    click(&rec, "bike-2");
    rec.record(parse(r#"{"item": "run-3", "kind": "dismiss"}"#).unchecked_into())
        .unwrap();
    rec.flush().unwrap();
    let (persistent, stored, events, last_error) = status(&rec);
    assert!(persistent);
    assert!(stored > 0.0);
    assert_eq!(events, 3.0);
    assert_eq!(last_error, None);
    let before = recommendations(&rec);
    let exported_before: JsValue = rec.export_data().unwrap().into();
    drop(rec);

    let reopened = open("shop");
    let after = recommendations(&reopened);
    assert_eq!(ids(&before)[..2], ["bike-3", "bike-4"]);
    assert!(
        !ids(&after).contains(&"run-3".to_string()),
        "dismissed stays dismissed"
    );
    assert_same_recommendations(&before, &after);
    let exported_after: JsValue = reopened.export_data().unwrap().into();
    let events = |v: &JsValue| stringify(&js_sys::Reflect::get(v, &"events".into()).unwrap());
    assert_eq!(events(&exported_before), events(&exported_after));
    assert_eq!(status(&reopened).2, 3.0);
}

#[wasm_bindgen_test]
async fn write_behind_flushes_after_a_delay_and_on_page_hide() {
    fresh();
    let rec = open("shop");
    click(&rec, "bike-1");
    assert!(rec.has_pending_writes().unwrap());
    assert!(rec.flush_scheduled());
    assert!(
        keys_with_prefix("lighttouch:shop:").is_empty(),
        "not written synchronously"
    );
    JsFuture::from(sleep(800)).await.unwrap();
    assert!(!rec.has_pending_writes().unwrap());
    assert_eq!(rec.timer_flushes(), 1);
    assert!(!keys_with_prefix("lighttouch:shop:").is_empty());

    click(&rec, "bike-2");
    assert!(rec.has_pending_writes().unwrap());
    page_hide();
    assert!(
        !rec.has_pending_writes().unwrap(),
        "pagehide flushes at once"
    );

    click(&rec, "bike-3");
    hide_document(true);
    assert!(
        !rec.has_pending_writes().unwrap(),
        "visibilitychange to hidden flushes at once"
    );
    hide_document(false);

    // The cancelled-or-fired timer never flushes twice, and a burst of
    // events costs one scheduled flush.
    for _ in 0..50 {
        click(&rec, "bike-4");
    }
    JsFuture::from(sleep(800)).await.unwrap();
    assert!(!rec.has_pending_writes().unwrap());
    assert!(rec.timer_flushes() <= 3, "{}", rec.timer_flushes());
    assert_eq!(status(&open("shop")).2, 53.0);
}

#[wasm_bindgen_test]
fn full_quota_switches_to_memory_without_throwing() {
    fresh();
    let junk = fill_to_quota("junk-");
    assert!(junk > 100_000.0, "filled only {junk}");
    let foreign_before = stringify(&snapshot());
    let rec = open("shop");
    for _ in 0..20 {
        click(&rec, "bike-1");
    }
    click(&rec, "bike-2");
    rec.flush().unwrap();
    let (persistent, _, events, last_error) = status(&rec);
    let foreign_after = stringify(&snapshot());
    storage().clear().unwrap();
    assert!(!persistent, "memory mode after quota");
    let last_error = last_error.expect("lastError reports the quota");
    assert!(
        last_error.contains("quota") || last_error.contains("memory"),
        "{last_error}"
    );
    // Compaction folded the oldest half into the profile before giving up.
    assert_eq!(events, 10.0);
    assert_eq!(ids(&recommendations(&rec))[..2], ["bike-3", "bike-4"]);
    click(&rec, "bike-3");
    rec.flush().unwrap();
    assert_eq!(foreign_before, foreign_after, "junk untouched");
}

#[wasm_bindgen_test]
fn quota_compacts_and_retries_before_giving_up() {
    fresh();
    // Measure what 600 events take, then leave room for about 3/4 of it.
    let rec = open("shop");
    for i in 0..600 {
        click(&rec, ["bike-1", "bike-2", "run-1"][i % 3]);
    }
    rec.flush().unwrap();
    let full = status(&rec).1;
    rec.forget().unwrap();
    drop(rec);
    assert!(keys_with_prefix("lighttouch:").is_empty());
    let room = (full * 0.75) as usize;
    storage().set_item("reserve", &"r".repeat(room)).unwrap();
    fill_to_quota("junk-");
    storage().remove_item("reserve").unwrap();

    let rec = open("shop");
    for i in 0..600 {
        click(&rec, ["bike-1", "bike-2", "run-1"][i % 3]);
    }
    rec.flush().unwrap();
    let (persistent, _, events, last_error) = status(&rec);
    let last_error = last_error.unwrap_or_default();
    let recommended = ids(&recommendations(&rec));
    let reopened_rec = open("shop");
    let reopened = status(&reopened_rec).2;
    let recommended_after_reopen = ids(&recommendations(&reopened_rec));
    storage().clear().unwrap();
    assert!(persistent, "compaction made it fit: {last_error}");
    assert!(last_error.contains("quota"), "{last_error}");
    assert!(events < 600.0 && events > 0.0, "{events}");
    assert_eq!(reopened, events, "the compacted history is what was stored");
    assert_eq!(recommended, recommended_after_reopen);
}

#[wasm_bindgen_test]
fn unreadable_values_under_our_key_start_empty_and_touch_nothing_else() {
    for corruption in [
        "garbage",
        "truncated",
        "unknown-version",
        "foreign-json",
        "bad-chunk",
    ] {
        fresh();
        let other = open("blog");
        click(&other, "run-1");
        other.flush().unwrap();
        let rec = open("shop");
        click(&rec, "bike-1");
        rec.flush().unwrap();
        drop(rec);
        drop(other);
        storage().set_item("cart", r#"{"items":[1,2]}"#).unwrap();
        storage()
            .set_item("lighttouch-shop", "not ours either")
            .unwrap();

        let storage = storage();
        let state = storage
            .get_item("lighttouch:shop:state")
            .unwrap()
            .expect("state written");
        let (key, value) = match corruption {
            "garbage" => ("state", "\u{0}\u{1}%%% garbage".to_string()),
            "truncated" => ("state", state[..state.len() / 2].to_string()),
            "unknown-version" => {
                let body = &state[state.find(':').expect("header")..];
                ("state", format!("lts999{body}"))
            }
            "foreign-json" => ("state", r#"{"version":1,"user":"someone"}"#.to_string()),
            _ => ("events.0", "garbage in a chunk".to_string()),
        };
        storage
            .set_item(&format!("lighttouch:shop:{key}"), &value)
            .unwrap();
        let others_before: Vec<(String, Option<String>)> = keys_with_prefix("")
            .into_iter()
            .filter(|k| !k.starts_with("lighttouch:shop:"))
            .map(|k| (k.clone(), storage.get_item(&k).unwrap()))
            .collect();

        let rec = open("shop");
        let (_, _, events, last_error) = status(&rec);
        assert!(last_error.is_some(), "{corruption}: lastError reported");
        if corruption != "bad-chunk" {
            assert_eq!(events, 0.0, "{corruption}: starts empty");
        }
        click(&rec, "bike-2");
        rec.flush().unwrap();
        drop(rec);
        let others_after: Vec<(String, Option<String>)> = keys_with_prefix("")
            .into_iter()
            .filter(|k| !k.starts_with("lighttouch:shop:"))
            .map(|k| (k.clone(), storage.get_item(&k).unwrap()))
            .collect();
        assert_eq!(
            others_before, others_after,
            "{corruption}: other keys untouched"
        );
        // Our namespace is readable again after the next write.
        let reopened = open("shop");
        assert!(status(&reopened).2 >= 1.0, "{corruption}");
        assert_eq!(status(&open("blog")).2, 1.0, "{corruption}: blog intact");
    }
}

#[wasm_bindgen_test]
fn namespaces_never_touch_each_other_and_forget_is_exact() {
    fresh();
    storage().set_item("theirs", "keep me").unwrap();
    let shop = open("shop");
    let shop2 = open("shop2");
    let blog = open("blog");
    click(&shop, "bike-1");
    click(&shop2, "run-1");
    click(&shop2, "run-2");
    click(&blog, "swim-1");
    shop.flush().unwrap();
    shop2.flush().unwrap();
    blog.flush().unwrap();
    let shop2_keys = keys_with_prefix("lighttouch:shop2:");
    let blog_keys = keys_with_prefix("lighttouch:blog:");
    assert!(!keys_with_prefix("lighttouch:shop:").is_empty());
    let before = |prefix: &str| -> Vec<Option<String>> {
        keys_with_prefix(prefix)
            .iter()
            .map(|k| storage().get_item(k).unwrap())
            .collect()
    };
    let (shop2_values, blog_values) = (before("lighttouch:shop2:"), before("lighttouch:blog:"));

    shop.forget().unwrap();
    shop.flush().unwrap();
    assert!(
        keys_with_prefix("lighttouch:shop:").is_empty(),
        "forget removes our keys"
    );
    assert_eq!(keys_with_prefix("lighttouch:shop2:"), shop2_keys);
    assert_eq!(keys_with_prefix("lighttouch:blog:"), blog_keys);
    assert_eq!(before("lighttouch:shop2:"), shop2_values);
    assert_eq!(before("lighttouch:blog:"), blog_values);
    assert_eq!(
        storage().get_item("theirs").unwrap().as_deref(),
        Some("keep me")
    );
    assert_eq!(status(&shop).2, 0.0);
    assert_eq!(status(&open("shop2")).2, 2.0);
    assert_eq!(status(&open("blog")).2, 1.0);
}

#[wasm_bindgen_test]
fn blocked_local_storage_means_memory_mode() {
    fresh();
    block_local_storage();
    let rec = open("shop");
    click(&rec, "bike-1");
    rec.flush().unwrap();
    let recommended = ids(&recommendations(&rec));
    let (persistent, _, events, last_error) = status(&rec);
    unblock_local_storage();
    assert!(!persistent);
    let last_error = last_error.expect("reported");
    assert!(last_error.contains("SecurityError"), "{last_error}");
    assert_eq!(events, 1.0);
    assert_eq!(recommended[0], "bike-3");
    assert!(keys_with_prefix("lighttouch:").is_empty());
}

#[wasm_bindgen_test]
fn throwing_writes_mean_memory_mode() {
    fresh();
    let rec = open("shop");
    break_set_item("InvalidStateError");
    click(&rec, "bike-1");
    rec.flush().unwrap();
    click(&rec, "bike-2");
    rec.flush().unwrap();
    let recommended = ids(&recommendations(&rec));
    let (persistent, _, events, last_error) = status(&rec);
    restore_set_item();
    assert!(!persistent);
    assert!(last_error.expect("reported").contains("memory"));
    assert_eq!(events, 2.0);
    assert_eq!(recommended[..2], ["bike-3", "bike-4"]);
    assert!(keys_with_prefix("lighttouch:").is_empty());
}
