//! Persistence: reload, write-behind, failure modes, namespaces, tabs.

use lighttouch::core::{Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest};
use lighttouch::storage::memory::physical_key;
use lighttouch::storage::persist::CHUNK_EVENTS;
use lighttouch::storage::{MemoryOrigin, MemoryStore};
use proptest::prelude::*;

const NOW: f64 = 1_700_000_000_000.0;

fn catalog() -> Vec<ItemInput> {
    (0..40)
        .map(|i| {
            let mut it = ItemInput::new(&format!("i{i}"), &[["A", "B", "C", "D"][i % 4]]);
            it.tags = vec![format!("t{}", i % 7)];
            it.popularity = Some((i * 3 % 11) as f64);
            it.vector = Some(vec![(i % 5) as f64, (i % 3) as f64, 1.0]);
            it
        })
        .collect()
}

fn open(origin: &MemoryOrigin, ns: &str) -> Engine {
    open_with(origin, ns, Options::default())
}

fn open_with(origin: &MemoryOrigin, ns: &str, options: Options) -> Engine {
    let mut e = Engine::open(Box::new(origin.store(ns)), options, NOW);
    e.set_catalog(catalog()).unwrap();
    e
}

const KINDS: [EventKind; 5] = [
    EventKind::View,
    EventKind::Click,
    EventKind::Like,
    EventKind::Purchase,
    EventKind::Dislike,
];

fn record_n(e: &mut Engine, n: usize, offset: usize) {
    for j in 0..n {
        let i = j + offset;
        let mut ev = EventInput::new(&format!("i{}", (i * 7) % 40), KINDS[i % 5]);
        ev.at = Some(NOW - 1000.0 * (n - j) as f64);
        e.record(ev, NOW).unwrap();
    }
}

fn top(e: &Engine) -> Vec<lighttouch::core::Recommendation> {
    e.recommend(
        &RecommendRequest {
            k: 20,
            ..Default::default()
        },
        NOW,
    )
    .unwrap()
}

#[test]
fn reopen_gives_identical_state_and_recommendations() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 300, 0);
    a.put_extra("privacy.ledger", "abc".into()).unwrap();
    assert!(a.has_pending_writes());
    a.flush();
    assert!(!a.has_pending_writes());
    let status = a.status();
    assert!(status.persistent, "{status:?}");
    assert_eq!(status.last_error, None);
    // storedBytes counts values plus relative keys (the store's prefix
    // `lighttouch:shop:` is not included).
    let prefix = "lighttouch:shop:".len();
    assert_eq!(
        status.stored_bytes,
        origin.used_bytes() - prefix * origin.raw_keys().len()
    );
    let b = open(&origin, "shop");
    assert_eq!(b.history(), a.history());
    assert_eq!(b.profile(), a.profile());
    assert_eq!(top(&b), top(&a));
    assert_eq!(b.get_extra("privacy.ledger"), Some("abc"));
    assert_eq!(b.status().stored_bytes, a.status().stored_bytes);
    assert_eq!(b.status().last_error, None);
}

#[test]
fn record_only_marks_dirty_and_flush_rewrites_only_the_tail() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 300, 0);
    assert!(origin.raw_keys().is_empty(), "nothing written before flush");
    a.flush();
    let chunks = |o: &MemoryOrigin| {
        o.raw_keys()
            .into_iter()
            .filter(|k| k.contains(":events."))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        chunks(&origin).len(),
        300usize.div_ceil(CHUNK_EVENTS as usize)
    );
    let first = origin.raw_get(&physical_key("shop", "events.0")).unwrap();
    // Corrupt chunk 0 behind the engine's back: a tail-only flush leaves it.
    origin.raw_put(&physical_key("shop", "events.0"), "marker");
    record_n(&mut a, 1, 300);
    a.flush();
    assert_eq!(
        origin.raw_get(&physical_key("shop", "events.0")).as_deref(),
        Some("marker"),
        "chunk 0 was not rewritten"
    );
    origin.raw_put(&physical_key("shop", "events.0"), &first);
    let b = open(&origin, "shop");
    assert_eq!(b.history().len(), 301);
    assert_eq!(b.history(), a.history());
}

fn assert_starts_empty(bad_value: &str, expect: &str) {
    let origin = MemoryOrigin::new();
    let mut other = open(&origin, "other");
    record_n(&mut other, 5, 0);
    other.flush();
    let other_before: Vec<(String, Option<String>)> = origin
        .raw_keys()
        .into_iter()
        .map(|k| (k.clone(), origin.raw_get(&k)))
        .collect();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 10, 0);
    a.flush();
    origin.raw_put(&physical_key("shop", "state"), bad_value);
    let mut b = open(&origin, "shop");
    let st = b.status();
    assert_eq!(st.events, 0);
    assert!(st.persistent);
    let err = st.last_error.expect("reported");
    assert!(err.contains(expect), "{err}");
    assert!(b.profile().categories.is_empty());
    assert_eq!(top(&b).len(), 20, "still recommends (cold start)");
    // It keeps working and rewrites a good state.
    record_n(&mut b, 3, 0);
    b.flush();
    let c = open(&origin, "shop");
    assert_eq!(c.history().len(), 3);
    assert_eq!(c.status().last_error, None);
    // The other namespace was never touched.
    for (k, v) in other_before {
        assert_eq!(origin.raw_get(&k), v, "{k}");
    }
    assert_eq!(open(&origin, "other").history().len(), 5);
}

#[test]
fn garbage_state_starts_empty_for_this_namespace_only() {
    assert_starts_empty("\u{0}\u{1}garbage", "not written by lighttouch");
}

#[test]
fn foreign_json_starts_empty() {
    assert_starts_empty(r#"{"theme":"dark","v":2}"#, "not written by lighttouch");
}

#[test]
fn unknown_version_starts_empty() {
    assert_starts_empty("lts42:AAAAAAAA", "unknown schema version 42");
}

#[test]
fn truncated_state_starts_empty() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 10, 0);
    a.flush();
    let good = origin.raw_get(&physical_key("shop", "state")).unwrap();
    assert_starts_empty(&good[..good.len() / 2], "unreadable");
}

#[test]
fn a_damaged_event_chunk_loses_only_its_events() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 300, 0);
    a.flush();
    origin.raw_put(&physical_key("shop", "events.1"), "lte1:broken");
    let mut b = open(&origin, "shop");
    assert_eq!(b.history().len(), 300 - CHUNK_EVENTS as usize);
    assert_eq!(b.profile(), a.profile(), "aggregates survive");
    assert!(b.status().last_error.unwrap().contains("chunk 1"));
    b.flush();
    let c = open(&origin, "shop");
    assert_eq!(c.history(), b.history());
    assert_eq!(c.status().last_error, None);
}

#[test]
fn quota_exceeded_compacts_and_retries() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 600, 0);
    a.flush();
    let full = origin.used_bytes();
    let profile = a.profile().clone();
    // Room for a bit more than half of the events.
    origin.set_quota(Some(full * 3 / 4));
    record_n(&mut a, 200, 600);
    a.flush();
    let st = a.status();
    assert!(st.persistent, "{st:?}");
    assert!(
        st.last_error.as_deref().unwrap().contains("quota"),
        "{st:?}"
    );
    assert_eq!(st.events, 400);
    assert!(origin.used_bytes() <= full * 3 / 4);
    assert_ne!(a.profile(), &profile, "new events are in the profile");
    let b = open(&origin, "shop");
    assert_eq!(b.history(), a.history());
    assert_eq!(b.profile(), a.profile());
}

#[test]
fn hopeless_quota_switches_to_memory_mode_and_keeps_working() {
    let origin = MemoryOrigin::new();
    origin.set_quota(Some(50));
    let mut a = open(&origin, "shop");
    record_n(&mut a, 20, 0);
    a.flush();
    let st = a.status();
    assert!(!st.persistent);
    assert!(st.last_error.unwrap().contains("working in memory"));
    record_n(&mut a, 5, 20);
    assert!(!a.has_pending_writes());
    a.flush();
    assert_eq!(
        a.history().len(),
        20 - 10 + 5,
        "compaction dropped half, then more recorded"
    );
    assert_eq!(
        top(&a).len(),
        40 - 25,
        "25 distinct items seen, the rest recommended"
    );
}

#[test]
fn failing_writes_switch_to_memory_mode() {
    let origin = MemoryOrigin::new();
    origin.set_fail_writes(true);
    let mut a = open(&origin, "shop");
    record_n(&mut a, 20, 0);
    a.flush();
    let st = a.status();
    assert!(!st.persistent);
    assert!(st.last_error.unwrap().contains("writes disabled"));
    assert_eq!(st.events, 20);
    assert!(!top(&a).is_empty());
}

#[test]
fn unreadable_store_on_open_means_memory_mode() {
    let origin = MemoryOrigin::new();
    origin.set_fail_reads(true);
    let mut a = open(&origin, "shop");
    assert!(!a.status().persistent);
    assert!(a.status().last_error.unwrap().contains("could not read"));
    record_n(&mut a, 5, 0);
    a.flush();
    assert!(origin.raw_keys().is_empty());
    assert_eq!(a.history().len(), 5);
}

#[test]
fn namespaces_never_touch_each_other_and_forget_erases_all_keys() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "a");
    let mut ab = open(&origin, "a:b");
    let mut c = open(&origin, "c");
    for e in [&mut a, &mut ab, &mut c] {
        record_n(e, 200, 0);
        e.put_extra("k", "v".into()).unwrap();
        e.flush();
    }
    origin.raw_put(&physical_key("a", "stray"), "x");
    let before_c: Vec<_> = origin
        .raw_keys()
        .into_iter()
        .filter(|k| !k.starts_with("lighttouch:a:"))
        .map(|k| (k.clone(), origin.raw_get(&k)))
        .collect();
    a.forget();
    assert_eq!(a.history().len(), 0);
    assert!(a.profile().items.is_empty());
    assert_eq!(a.get_extra("k"), None);
    assert_eq!(a.status().stored_bytes, 0);
    let left: Vec<String> = origin
        .raw_keys()
        .into_iter()
        .filter(|k| k.starts_with("lighttouch:a:") && !k.starts_with("lighttouch:a:b:"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let after: Vec<_> = origin
        .raw_keys()
        .into_iter()
        .filter(|k| !k.starts_with("lighttouch:a:"))
        .map(|k| (k.clone(), origin.raw_get(&k)))
        .collect();
    assert_eq!(after, before_c);
    assert_eq!(open(&origin, "a:b").history().len(), 200);
    assert_eq!(open(&origin, "a").history().len(), 0);
}

#[test]
fn two_tabs_merge_instead_of_clobbering() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    let mut b = open(&origin, "shop");
    let ev = |item: &str, at: f64| {
        let mut e = EventInput::new(item, EventKind::Click);
        e.at = Some(at);
        e
    };
    a.record(ev("i1", NOW - 10.0), NOW).unwrap();
    a.record(ev("i2", NOW - 9.0), NOW).unwrap();
    b.record(ev("i3", NOW - 8.0), NOW).unwrap();
    b.record(ev("i1", NOW - 10.0), NOW).unwrap(); // the same event in both tabs
    a.put_extra("from-a", "1".into()).unwrap();
    b.put_extra("from-b", "2".into()).unwrap();
    a.flush();
    b.flush();
    let c = open(&origin, "shop");
    let items: Vec<&str> = c.history().iter().map(|e| e.item.as_str()).collect();
    assert_eq!(items, ["i1", "i2", "i3"]);
    assert_eq!(c.profile().folded_events, 3);
    assert!(c.profile().items.contains_key("i2") && c.profile().items.contains_key("i3"));
    assert_eq!(c.get_extra("from-a"), Some("1"));
    assert_eq!(c.get_extra("from-b"), Some("2"));
    // Tab A writes again after B: it merges B's events in turn.
    a.record(ev("i4", NOW - 7.0), NOW).unwrap();
    a.flush();
    let d = open(&origin, "shop");
    let items: Vec<&str> = d.history().iter().map(|e| e.item.as_str()).collect();
    assert_eq!(items, ["i1", "i2", "i3", "i4"]);
    assert_eq!(d.profile(), a.profile());
}

#[test]
fn retention_bounds_hold_across_reopen() {
    let origin = MemoryOrigin::new();
    let opts = Options {
        max_events: 50,
        ..Options::default()
    };
    let mut a = open_with(&origin, "shop", opts.clone());
    record_n(&mut a, 500, 0);
    assert_eq!(a.history().len(), 50);
    a.flush();
    let chunk_keys = origin
        .raw_keys()
        .into_iter()
        .filter(|k| k.contains(":events."))
        .count();
    assert!(chunk_keys <= 2, "{chunk_keys} chunk keys for 50 events");
    let b = open_with(&origin, "shop", opts);
    assert_eq!(b.history(), a.history());
    // Age retention on open: everything older than retentionDays goes.
    let short = Options {
        retention_days: 1.0,
        ..Options::default()
    };
    let later = Engine::open(
        Box::new(origin.store("shop")),
        short,
        NOW + 2.0 * 86_400_000.0,
    );
    assert_eq!(later.history().len(), 0);
    assert_eq!(later.profile(), a.profile(), "aggregates survive retention");
}

#[test]
fn memory_store_is_not_persistent_but_works() {
    let mut e = Engine::open(Box::new(MemoryStore::new("x")), Options::default(), NOW);
    e.set_catalog(catalog()).unwrap();
    record_n(&mut e, 10, 0);
    e.flush();
    let st = e.status();
    assert!(!st.persistent);
    assert_eq!(st.last_error, None);
    assert!(st.stored_bytes > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn compaction_keeps_aggregates_and_bounds(n in 1usize..400, max in 1u32..120, flush_every in 1usize..200) {
        let origin = MemoryOrigin::new();
        let small = Options { max_events: max, ..Options::default() };
        let mut a = open_with(&origin, "a", small.clone());
        let mut b = open_with(&origin, "b", Options::default());
        for j in 0..n {
            record_n(&mut a, 1, j);
            record_n(&mut b, 1, j);
            prop_assert!(a.history().len() <= max as usize);
            if j % flush_every == 0 {
                a.flush();
            }
        }
        a.flush();
        prop_assert_eq!(a.profile(), b.profile());
        prop_assert_eq!(a.history().len(), n.min(max as usize));
        let tail: Vec<_> = b.history().iter().skip(n - n.min(max as usize)).cloned().collect();
        let kept: Vec<_> = a.history().iter().cloned().collect();
        prop_assert_eq!(kept, tail);
        let reopened = open_with(&origin, "a", small);
        prop_assert_eq!(reopened.history(), a.history());
        prop_assert_eq!(reopened.profile(), a.profile());
    }
}

#[test]
fn crafted_state_with_invalid_numbers_is_sanitised() {
    use lighttouch::core::profile::Decayed;
    use lighttouch::storage::codec::{encode_state, PersistedState};
    let origin = MemoryOrigin::new();
    let mut state = PersistedState::default();
    state.profile.categories.insert(
        "A".into(),
        Decayed {
            value: f64::NAN,
            at: NOW,
        },
    );
    state.profile.categories.insert(
        "B".into(),
        Decayed {
            value: 3.0,
            at: NOW,
        },
    );
    origin.raw_put(
        &physical_key("shop", "state"),
        &encode_state(&state).unwrap(),
    );
    let e = open(&origin, "shop");
    assert!(e.status().last_error.unwrap().contains("invalid numbers"));
    assert_eq!(e.profile().categories.len(), 1);
    let r = top(&e);
    assert!(r.iter().all(|x| x.score.is_finite()));
    assert!(r[0].id.starts_with('i'));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn reopening_at_any_point_changes_nothing(n in 1usize..300, reopen_every in 1usize..150) {
        let origin = MemoryOrigin::new();
        let mut a = open(&origin, "a");
        let mut b = open(&origin, "b");
        for j in 0..n {
            record_n(&mut a, 1, j);
            record_n(&mut b, 1, j);
            if j % reopen_every == 0 {
                a.flush();
                a = open(&origin, "a");
            }
        }
        a.flush();
        let a = open(&origin, "a");
        prop_assert_eq!(a.history(), b.history());
        prop_assert_eq!(a.profile(), b.profile());
        prop_assert_eq!(top(&a), top(&b));
    }
}

#[test]
fn forget_in_another_tab_is_respected_by_the_next_flush() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    record_n(&mut a, 10, 0);
    a.flush();
    let mut b = open(&origin, "shop");
    assert_eq!(b.history().len(), 10);
    b.forget();
    assert!(origin.raw_keys().is_empty());
    let mut last = EventInput::new("i3", EventKind::Like);
    last.at = Some(NOW);
    a.record(last, NOW).unwrap();
    a.flush();
    let c = open(&origin, "shop");
    let items: Vec<&str> = c.history().iter().map(|e| e.item.as_str()).collect();
    assert_eq!(items, ["i3"], "only the event recorded after the forget");
    assert_eq!(c.profile().folded_events, 1);
}

#[test]
fn merging_with_a_damaged_remote_log_rewrites_it_consistently() {
    let origin = MemoryOrigin::new();
    let mut a = open(&origin, "shop");
    let mut b = open(&origin, "shop");
    record_n(&mut b, 400, 0);
    b.flush();
    origin.raw_put(&physical_key("shop", "events.0"), "lte1:zz");
    record_n(&mut a, 3, 1000);
    a.flush();
    let c = open(&origin, "shop");
    assert_eq!(
        c.status().last_error,
        None,
        "a consistent namespace was written"
    );
    assert_eq!(c.history().len(), 400 - CHUNK_EVENTS as usize + 3);
    assert_eq!(c.history(), a.history());
    assert_eq!(c.profile(), a.profile());
}

#[test]
fn unavailable_storage_works_in_memory_and_forget_does_not_throw() {
    use lighttouch::storage::UnavailableStore;
    let mut e = Engine::open(
        Box::new(UnavailableStore::new(
            "SecurityError: The operation is insecure.",
        )),
        Options::default(),
        NOW,
    );
    e.set_catalog(catalog()).unwrap();
    record_n(&mut e, 30, 0);
    e.flush();
    e.put_extra("k", "v".into()).unwrap();
    assert_eq!(e.get_extra("k"), Some("v"));
    let st = e.status();
    assert!(!st.persistent);
    assert_eq!(st.events, 30);
    assert!(st.last_error.unwrap().contains("The operation is insecure"));
    assert!(!top(&e).is_empty());
    e.forget();
    assert_eq!(e.status().events, 0);
    assert!(!e.status().persistent);
}

#[test]
fn a_failed_extras_write_keeps_every_unwritten_extra_dirty() {
    use lighttouch::storage::persist::Persist;
    let origin = MemoryOrigin::new();
    let mut p = Persist::new(Box::new(origin.store("ns")));
    p.load();
    p.set_extra("a", Some("1".into())).unwrap();
    p.set_extra("b", Some("2".into())).unwrap();
    origin.set_fail_writes(true);
    assert!(p.write_extras_only().is_err());
    origin.set_fail_writes(false);
    p.write_extras_only().unwrap();
    let stored = Persist::new(Box::new(origin.store("ns"))).read().unwrap();
    assert_eq!(stored.extras.get("a").map(String::as_str), Some("1"));
    assert_eq!(
        stored.extras.get("b").map(String::as_str),
        Some("2"),
        "the extra not reached by the failed write is written by the next one"
    );
}
