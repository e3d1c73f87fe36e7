//! Re-ranking and rules: diversity (MMR, per-category cap), exploration
//! (Thompson sampling), frequency capping, hard filters, excludeSeen per
//! kind, and persistence of the impression counters.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use lighttouch::core::ranking::{RankContext, Reason, ScoreComponent};
use lighttouch::core::request::{Diversity, ExcludeSeen};
use lighttouch::core::{
    Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest, Recommendation,
};
use lighttouch::storage::{MemoryOrigin, MemoryStore};
use proptest::prelude::*;

const NOW: f64 = 1_700_000_000_000.0;
const DAY: f64 = 86_400_000.0;

fn item(id: &str, cats: &[&str], popularity: f64) -> ItemInput {
    let mut i = ItemInput::new(id, cats);
    i.popularity = Some(popularity);
    i
}

fn engine_with(items: Vec<ItemInput>, options: Options) -> Engine {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), options, NOW);
    e.set_catalog(items).unwrap();
    e
}

/// Category A holds the 6 most popular items, then B (4), then C (3).
fn shelves() -> Vec<ItemInput> {
    let mut v = Vec::new();
    for i in 0..6 {
        v.push(item(&format!("a{i}"), &["A"], 1000.0 - i as f64));
    }
    for i in 0..4 {
        v.push(item(&format!("b{i}"), &["B"], 500.0 - i as f64));
    }
    for i in 0..3 {
        v.push(item(&format!("c{i}"), &["C"], 100.0 - i as f64));
    }
    v
}

fn ids(r: &[Recommendation]) -> Vec<&str> {
    r.iter().map(|x| x.id.as_str()).collect()
}

fn cat_of(id: &str) -> char {
    id.chars().next().unwrap()
}

fn same_category_neighbours(r: &[Recommendation]) -> usize {
    r.windows(2)
        .filter(|w| cat_of(&w[0].id) == cat_of(&w[1].id))
        .count()
}

fn req(k: usize) -> RecommendRequest {
    RecommendRequest {
        k,
        ..Default::default()
    }
}

fn explored(r: &[Recommendation]) -> Vec<&Recommendation> {
    r.iter()
        .filter(|x| matches!(x.reasons.first(), Some(Reason::Exploration { .. })))
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn mmr_breaks_same_category_runs_and_keeps_the_top_item() {
    let e = engine_with(shelves(), Options::default());
    let plain = e.recommend(&req(6), NOW).unwrap();
    assert_eq!(ids(&plain), ["a0", "a1", "a2", "a3", "a4", "a5"]);
    let mut r = req(6);
    r.diversity = Some(Diversity {
        lambda: Some(0.5),
        max_per_category: None,
    });
    let diverse = e.recommend(&r, NOW).unwrap();
    assert_eq!(diverse[0].id, "a0", "the top item is kept");
    assert!(
        same_category_neighbours(&diverse) < same_category_neighbours(&plain),
        "{:?}",
        ids(&diverse)
    );
    let cats: BTreeSet<char> = diverse.iter().map(|x| cat_of(&x.id)).collect();
    assert_eq!(cats.len(), 3, "{:?}", ids(&diverse));
    // lambda = 1 is plain ranking.
    r.diversity = Some(Diversity {
        lambda: Some(1.0),
        max_per_category: None,
    });
    assert_eq!(ids(&e.recommend(&r, NOW).unwrap()), ids(&plain));
}

#[test]
fn per_category_cap_holds_exactly() {
    let e = engine_with(shelves(), Options::default());
    let mut r = req(6);
    r.diversity = Some(Diversity {
        lambda: None,
        max_per_category: Some(2),
    });
    let got = e.recommend(&r, NOW).unwrap();
    assert_eq!(ids(&got), ["a0", "a1", "b0", "b1", "c0", "c1"]);
    // The cap is hard: with 1 per category only 3 items can come back.
    r.k = 10;
    r.diversity.as_mut().unwrap().max_per_category = Some(1);
    assert_eq!(ids(&e.recommend(&r, NOW).unwrap()), ["a0", "b0", "c0"]);
    // An item counts for each of its categories.
    let mut items = shelves();
    items.push(item("ab", &["A", "B"], 5000.0));
    let e = engine_with(items, Options::default());
    let got = e.recommend(&r, NOW).unwrap();
    assert_eq!(ids(&got), ["ab", "c0"]);
}

#[test]
fn exploration_fills_exactly_the_share_deterministically_per_seed() {
    let e = engine_with(shelves(), Options::default());
    for (k, share, want) in [
        (10, 0.2, 2),
        (10, 0.25, 3),
        (4, 0.5, 2),
        (1, 0.5, 1),
        (10, 0.0, 0),
    ] {
        let mut r = req(k);
        r.exploration = share;
        r.seed = Some(11);
        let got = e.recommend(&r, NOW).unwrap();
        assert_eq!(got.len(), k);
        assert_eq!(explored(&got).len(), want, "k {k} share {share}");
        let unique: HashSet<&str> = ids(&got).into_iter().collect();
        assert_eq!(unique.len(), k, "no duplicates");
        if want < k {
            assert_eq!(got[0].id, "a0", "the first slot is not explored");
        }
        assert_eq!(e.recommend(&r, NOW).unwrap(), got, "same seed, same result");
        for x in explored(&got) {
            let json = serde_json::to_string(&x.reasons[0]).unwrap();
            assert!(
                json.starts_with(r#"{"kind":"exploration","category":""#),
                "{json}"
            );
        }
    }
    // Without a seed the default seed keeps recommend deterministic.
    let mut r = req(10);
    r.exploration = 0.3;
    assert_eq!(e.recommend(&r, NOW).unwrap(), e.recommend(&r, NOW).unwrap());
    // Different seeds explore different items and positions.
    let distinct: HashSet<Vec<String>> = (0..20)
        .map(|seed| {
            r.seed = Some(seed);
            e.recommend(&r, NOW)
                .unwrap()
                .into_iter()
                .map(|x| x.id)
                .collect()
        })
        .collect();
    assert!(distinct.len() > 3, "{distinct:?}");
    // The explored item names its category.
    r.seed = Some(1);
    let got = e.recommend(&r, NOW).unwrap();
    for x in explored(&got) {
        let Reason::Exploration { category: Some(c) } = &x.reasons[0] else {
            panic!("{:?}", x.reasons);
        };
        assert_eq!(
            c.chars().next().unwrap().to_ascii_lowercase(),
            cat_of(&x.id)
        );
    }
}

#[test]
fn thompson_sampling_favours_the_category_with_higher_click_through() {
    let mut items = Vec::new();
    for i in 0..20 {
        items.push(item(&format!("g{i}"), &["Good"], 1.0));
        items.push(item(&format!("b{i}"), &["Bad"], 1.0));
    }
    items.push(item("g-new", &["Good"], 1.0));
    items.push(item("b-new", &["Bad"], 1.0));
    items.push(item("n-new", &["New"], 1.0));
    let mut e = engine_with(items, Options::default());
    for i in 0..20 {
        let shown = strings(&[&format!("g{i}"), &format!("b{i}")]);
        e.record_impressions(&shown, NOW).unwrap();
        if i % 2 == 0 {
            let click = EventInput::new(&format!("g{i}"), EventKind::Click);
            e.record(click, NOW + 1.0).unwrap();
        }
    }
    let imp = e.impressions();
    assert!((imp.categories["Good"].clicks.value - 10.0).abs() < 1e-6);
    assert!((imp.categories["Bad"].shown.value - 20.0).abs() < 1e-6);
    assert_eq!(imp.categories["Bad"].clicks.value, 0.0);
    let pick = |e: &Engine, candidates: &[&str], seed: u64| -> String {
        let r = RecommendRequest {
            k: 1,
            candidates: Some(strings(candidates)),
            exploration: 0.5,
            seed: Some(seed),
            ..Default::default()
        };
        let got = e.recommend(&r, NOW + 2.0).unwrap();
        assert_eq!(explored(&got).len(), 1);
        got[0].id.clone()
    };
    let good = (0..200)
        .filter(|&s| pick(&e, &["g-new", "b-new"], s) == "g-new")
        .count();
    assert!(
        good >= 190,
        "Good (CTR 0.5) explored {good}/200 times vs Bad (CTR 0)"
    );
    // A never-shown category (uniform prior) is explored over a bad one.
    let new = (0..200)
        .filter(|&s| pick(&e, &["n-new", "b-new"], s) == "n-new")
        .count();
    assert!(new >= 170, "New explored {new}/200 times");
}

#[test]
fn frequency_capping_sinks_unengaged_items_and_engagement_resets_them() {
    let items = vec![
        item("star", &["A"], 1_000_000.0),
        item("b", &["B"], 10.0),
        item("c", &["C"], 1.0),
    ];
    let mut e = engine_with(items, Options::default());
    let score = |e: &Engine, id: &str| {
        e.recommend(&req(3), NOW)
            .unwrap()
            .into_iter()
            .find(|x| x.id == id)
            .unwrap()
            .score
    };
    let mut last = score(&e, "star");
    for shown in 1..=2 {
        e.record_impressions(&strings(&["star"]), NOW).unwrap();
        let s = score(&e, "star");
        assert!(s < last, "impression {shown}: the penalty grows");
        assert!((s - last * 0.7).abs() < 1e-9);
        last = s;
        assert_eq!(ids(&e.recommend(&req(3), NOW).unwrap())[0], "star");
    }
    e.record_impressions(&strings(&["star"]), NOW).unwrap();
    let got = e.recommend(&req(3), NOW).unwrap();
    assert_eq!(
        ids(&got),
        ["b", "c", "star"],
        "capped: below every non-capped item"
    );
    assert!(got[2].score > got[0].score, "even with a far higher score");
    assert!(e.explain("star", NOW).unwrap().ends_with(
        "It was shown 3 times without engagement, so it ranks below other items for now."
    ));
    // Capped items also stay below the rest under diversity and exploration.
    let mut r = req(3);
    r.exploration = 0.5;
    r.diversity = Some(Diversity {
        lambda: Some(0.3),
        max_per_category: None,
    });
    for seed in 0..10 {
        r.seed = Some(seed);
        assert_eq!(ids(&e.recommend(&r, NOW).unwrap())[2], "star");
    }
    // A view is not engagement; a click is, and resets the item.
    e.record(EventInput::new("star", EventKind::View), NOW + 1.0)
        .unwrap();
    assert_eq!(e.impressions().unengaged("star", NOW, DAY), 3);
    e.record(EventInput::new("star", EventKind::Click), NOW + 2.0)
        .unwrap();
    assert_eq!(e.impressions().unengaged("star", NOW, DAY), 0);
    let mut r = req(3);
    r.exclude_seen = ExcludeSeen::kinds(&[EventKind::Purchase]);
    assert_eq!(ids(&e.recommend(&r, NOW + 3.0).unwrap())[0], "star");
}

#[test]
fn capping_follows_the_options_and_the_memory_window() {
    let items = vec![item("star", &["A"], 1000.0), item("b", &["B"], 1.0)];
    let off = Options {
        impression_cap: 0,
        ..Options::default()
    };
    let mut e = engine_with(items.clone(), off);
    for _ in 0..10 {
        e.record_impressions(&strings(&["star"]), NOW).unwrap();
    }
    assert_eq!(
        ids(&e.recommend(&req(2), NOW).unwrap())[0],
        "star",
        "cap 0 = off"
    );
    let one = Options {
        impression_cap: 1,
        ..Options::default()
    };
    let mut e = engine_with(items, one);
    e.record_impressions(&strings(&["star"]), NOW).unwrap();
    assert_eq!(ids(&e.recommend(&req(2), NOW).unwrap())[0], "b");
    // Not shown for longer than impressionMemoryDays (30): forgiven.
    let later = NOW + 31.0 * DAY;
    assert_eq!(ids(&e.recommend(&req(2), later).unwrap())[0], "star");
}

#[test]
fn extra_components_are_re_ranked_too() {
    struct Boost;
    impl ScoreComponent for Boost {
        fn score(&self, ctx: &RankContext<'_>, idx: u32) -> f64 {
            if ctx.catalog.id(idx) == "c0" {
                100.0
            } else {
                0.0
            }
        }
    }
    let mut e = engine_with(shelves(), Options::default());
    let top = e.recommend_with(&req(3), NOW, &[&Boost]).unwrap();
    assert_eq!(top[0].id, "c0");
    for _ in 0..3 {
        e.record_impressions(&strings(&["c0"]), NOW).unwrap();
    }
    let all = e.recommend_with(&req(13), NOW, &[&Boost]).unwrap();
    assert_eq!(all.last().unwrap().id, "c0", "capped despite the boost");
}

#[test]
fn exclude_seen_per_kind() {
    let mut e = engine_with(shelves(), Options::default());
    e.record(EventInput::new("a0", EventKind::View), NOW)
        .unwrap();
    e.record(EventInput::new("a1", EventKind::Purchase), NOW)
        .unwrap();
    e.record(EventInput::new("a2", EventKind::AddToCart), NOW)
        .unwrap();
    let with = |x: ExcludeSeen| {
        let r = RecommendRequest {
            k: 13,
            exclude_seen: x,
            ..Default::default()
        };
        let got = e.recommend(&r, NOW).unwrap();
        ["a0", "a1", "a2"].map(|id| got.iter().any(|g| g.id == id))
    };
    assert_eq!(with(true.into()), [false, false, false]);
    assert_eq!(with(false.into()), [true, true, true]);
    assert_eq!(
        with(ExcludeSeen::kinds(&[EventKind::Purchase])),
        [true, false, true]
    );
    assert_eq!(
        with(ExcludeSeen::kinds(&[
            EventKind::Purchase,
            EventKind::AddToCart
        ])),
        [true, false, false]
    );
    // The same through JSON.
    let r: RecommendRequest =
        serde_json::from_str(r#"{"k":13,"excludeSeen":["purchase","dismiss"]}"#).unwrap();
    let got = e.recommend(&r, NOW).unwrap();
    assert!(ids(&got).contains(&"a0") && !ids(&got).contains(&"a1"));
    let json = serde_json::to_value(e.export_data()).unwrap();
    assert_eq!(
        json["profile"]["seenKinds"]["a1"],
        serde_json::json!(["purchase"])
    );
    // The kinds survive a reopen (state record v2).
    let origin = MemoryOrigin::new();
    let mut p = Engine::open(Box::new(origin.store("k")), Options::default(), NOW);
    p.record(EventInput::new("a0", EventKind::View), NOW)
        .unwrap();
    p.record(EventInput::new("a0", EventKind::Purchase), NOW)
        .unwrap();
    p.flush();
    let q = Engine::open(Box::new(origin.store("k")), Options::default(), NOW);
    let kinds: Vec<EventKind> = q.profile().seen_kinds_of("a0").kinds().collect();
    assert_eq!(kinds, [EventKind::View, EventKind::Purchase]);
}

#[test]
fn exclude_and_allow_filter_and_ignore_unknown_ids() {
    let e = engine_with(shelves(), Options::default());
    let r: RecommendRequest = serde_json::from_str(r#"{"k":13,"exclude":["a0","nope"]}"#).unwrap();
    let got = e.recommend(&r, NOW).unwrap();
    assert_eq!(got.len(), 12);
    assert!(!ids(&got).contains(&"a0"));
    let r: RecommendRequest =
        serde_json::from_str(r#"{"k":13,"only":["b1","c2","ghost"],"exclude":["c2"]}"#).unwrap();
    assert_eq!(ids(&e.recommend(&r, NOW).unwrap()), ["b1"]);
    let r: RecommendRequest = serde_json::from_str(r#"{"allow":[],"k":3}"#).unwrap();
    assert!(
        e.recommend(&r, NOW).unwrap().is_empty(),
        "an empty allow-list allows nothing"
    );
    let r: RecommendRequest =
        serde_json::from_str(r#"{"k":13,"allow":["a0","b0","c0"],"categories":["B","C"]}"#)
            .unwrap();
    assert_eq!(ids(&e.recommend(&r, NOW).unwrap()), ["b0", "c0"]);
    // Invalid types are errors, bad values name the field.
    assert!(serde_json::from_str::<RecommendRequest>(r#"{"exclude":[3]}"#).is_err());
    assert!(serde_json::from_str::<RecommendRequest>(r#"{"allow":"a0"}"#).is_err());
    let r: RecommendRequest = serde_json::from_str(r#"{"exploration":0.9}"#).unwrap();
    assert_eq!(
        e.recommend(&r, NOW).unwrap_err().to_string(),
        "request field \"exploration\" must be a share in 0..=0.5, got 0.9"
    );
}

#[test]
fn impressions_persist_across_reopen_and_forget_erases_them() {
    let origin = MemoryOrigin::new();
    let mut e = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    e.set_catalog(shelves()).unwrap();
    e.record_impressions(&strings(&["a0", "a1"]), NOW).unwrap();
    e.record_impressions(&strings(&["a0"]), NOW).unwrap();
    assert!(e.has_pending_writes());
    e.flush();
    assert!(e
        .export_data()
        .stored_keys
        .contains(&"x.impressions".to_string()));
    let before = e.recommend(&req(5), NOW).unwrap();

    let mut again = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    again.set_catalog(shelves()).unwrap();
    assert_eq!(again.impressions(), e.impressions());
    assert_eq!(again.impressions().unengaged("a0", NOW, DAY), 2);
    assert_eq!(again.recommend(&req(5), NOW).unwrap(), before);
    assert_eq!(again.status().last_error, None);

    // Exported as plain data.
    let json = serde_json::to_value(again.export_data()).unwrap();
    assert_eq!(json["impressions"]["items"]["a0"]["unengaged"], 2);
    assert_eq!(json["impressions"]["total"], 3);
    assert!(json["impressions"]["categories"]["A"]["shown"]["value"].is_number());

    again.forget();
    assert_eq!(again.impressions().total, 0);
    assert!(again.impressions().items.is_empty());
    assert!(origin.raw_keys().is_empty(), "{:?}", origin.raw_keys());
    let fresh = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    assert_eq!(fresh.impressions().total, 0);
}

#[test]
fn damaged_impressions_start_empty_and_bad_ids_change_nothing() {
    let origin = MemoryOrigin::new();
    origin.raw_put("lighttouch:shop:x.impressions", "lti1:garbage");
    let mut e = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    assert!(e
        .status()
        .last_error
        .unwrap()
        .contains("stored impressions unreadable"));
    assert_eq!(e.impressions().total, 0);
    let err = e
        .record_impressions(&strings(&["ok", ""]), NOW)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "impression 1 (id \"\"): field \"id\" must not be empty"
    );
    assert_eq!(e.impressions().total, 0);
    assert_eq!(
        e.record_impressions(&strings(&["ok", "ok", "zz"]), NOW),
        Ok(2)
    );
}

#[test]
fn another_tab_sees_the_impressions_after_a_merge() {
    let origin = MemoryOrigin::new();
    let mut a = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    let mut b = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    a.set_catalog(shelves()).unwrap();
    b.set_catalog(shelves()).unwrap();
    a.record_impressions(&strings(&["a0"]), NOW).unwrap();
    a.flush();
    b.record(EventInput::new("c0", EventKind::View), NOW)
        .unwrap();
    b.flush(); // merges a's write
    assert_eq!(b.impressions().unengaged("a0", NOW, DAY), 1);
    assert_eq!(b.history().len(), 1);
    // Both tabs record impressions before flushing: neither loses its own.
    a.record_impressions(&strings(&["b0"]), NOW).unwrap();
    b.record_impressions(&strings(&["c0"]), NOW).unwrap();
    a.flush();
    b.flush();
    assert_eq!(b.impressions().unengaged("b0", NOW, DAY), 1);
    assert_eq!(b.impressions().unengaged("c0", NOW, DAY), 1);
    let reopened = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    assert_eq!(reopened.impressions(), b.impressions());
    assert_eq!(reopened.impressions().items.len(), 3);
}

type Case = (Vec<Vec<u8>>, Vec<(usize, usize)>, Vec<usize>, RequestSpec);

fn arb_case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(prop::collection::vec(0u8..4, 0..3), 1..30),
        prop::collection::vec((0usize..40, 0usize..9), 0..20),
        prop::collection::vec(0usize..40, 0..30),
        arb_request(),
    )
}

#[derive(Debug, Clone)]
struct RequestSpec {
    k: usize,
    candidates: Option<Vec<usize>>,
    exclude: Option<Vec<usize>>,
    allow: Option<Vec<usize>>,
    categories: Option<Vec<u8>>,
    seen: Option<Vec<usize>>,
    lambda: Option<f64>,
    max_per_category: Option<u32>,
    exploration: f64,
    seed: u64,
}

fn arb_request() -> impl Strategy<Value = RequestSpec> {
    (
        (
            1usize..40,
            prop::option::of(prop::collection::vec(0usize..40, 0..30)),
        ),
        prop::option::of(prop::collection::vec(0usize..45, 0..10)),
        prop::option::of(prop::collection::vec(0usize..45, 0..25)),
        prop::option::of(prop::collection::vec(0u8..5, 0..3)),
        prop::option::of(prop::collection::vec(0usize..9, 0..4)),
        prop::option::of(0.0f64..=1.0),
        prop::option::of(1u32..4),
        0.0f64..=0.5,
        any::<u64>(),
    )
        .prop_map(
            |(
                (k, candidates),
                exclude,
                allow,
                categories,
                seen,
                lambda,
                max_per_category,
                exploration,
                seed,
            )| {
                RequestSpec {
                    k,
                    candidates,
                    exclude,
                    allow,
                    categories,
                    seen,
                    lambda,
                    max_per_category,
                    exploration,
                    seed: seed % (1 << 53),
                }
            },
        )
}

const CATS: [&str; 5] = ["W", "X", "Y", "Z", "Q"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn reranking_returns_a_duplicate_free_subset_respecting_every_hard_filter(
        (item_cats, events, shown, spec) in arb_case()
    ) {
        let n = item_cats.len();
        let items: Vec<ItemInput> = item_cats
            .iter()
            .enumerate()
            .map(|(i, cs)| {
                let names: Vec<&str> = cs.iter().map(|&c| CATS[c as usize]).collect();
                item(&format!("i{i}"), &names, (i * 7 % 11) as f64)
            })
            .collect();
        let id = |i: usize| format!("i{i}");
        let mut e = engine_with(items.clone(), Options::default());
        for &(i, kind) in &events {
            let kind = EventKind::ALL[kind];
            let value = match kind {
                EventKind::Dwell => Some(5000.0),
                EventKind::Rate => Some(4.0),
                _ => None,
            };
            let ev = EventInput { item: id(i % n), kind, value, at: None };
            e.record(ev, NOW).unwrap();
        }
        for chunk in shown.chunks(3) {
            let ids: Vec<String> = chunk.iter().map(|&i| id(i % n)).collect();
            e.record_impressions(&ids, NOW).unwrap();
        }
        let kinds: Option<Vec<EventKind>> =
            spec.seen.as_ref().map(|v| v.iter().map(|&k| EventKind::ALL[k]).collect());
        let r = RecommendRequest {
            k: spec.k,
            candidates: spec.candidates.as_ref().map(|v| v.iter().map(|&i| id(i % n)).collect()),
            categories: spec.categories.as_ref().map(|v| v.iter().map(|&c| CATS[c as usize].to_string()).collect()),
            exclude_seen: kinds.as_ref().map_or(ExcludeSeen::from(true), |k| ExcludeSeen::kinds(k)),
            exclude: spec.exclude.as_ref().map(|v| v.iter().map(|&i| id(i)).collect()),
            allow: spec.allow.as_ref().map(|v| v.iter().map(|&i| id(i)).collect()),
            diversity: (spec.lambda.is_some() || spec.max_per_category.is_some()).then_some(Diversity {
                lambda: spec.lambda,
                max_per_category: spec.max_per_category,
            }),
            exploration: spec.exploration,
            seed: Some(spec.seed),
        };
        let got = e.recommend(&r, NOW).unwrap();
        prop_assert_eq!(&e.recommend(&r, NOW).unwrap(), &got, "deterministic");

        // Expected eligible set, from first principles.
        let profile = e.profile();
        let mut kinds_of: BTreeMap<String, Vec<EventKind>> = BTreeMap::new();
        for &(i, k) in &events {
            kinds_of.entry(id(i % n)).or_default().push(EventKind::ALL[k]);
        }
        let eligible: BTreeSet<String> = (0..n)
            .filter(|&i| {
                let s = id(i);
                if profile.is_dismissed(&s) || profile.item_affinity(&s, NOW, Options::default().half_life_ms()) < 0.0 {
                    return false;
                }
                let seen_kinds = kinds_of.get(&s).cloned().unwrap_or_default();
                let seen_blocked = match &kinds {
                    None => !seen_kinds.is_empty(),
                    Some(ks) => seen_kinds.iter().any(|k| ks.contains(k)),
                };
                if seen_blocked { return false; }
                if r.candidates.as_ref().is_some_and(|x| !x.contains(&s)) { return false; }
                if r.exclude.as_ref().is_some_and(|x| x.contains(&s)) { return false; }
                if r.allow.as_ref().is_some_and(|x| !x.contains(&s)) { return false; }
                if let Some(cs) = &r.categories {
                    if !items[i].categories.iter().any(|c| cs.contains(c)) { return false; }
                }
                true
            })
            .map(id)
            .collect();
        let returned: Vec<String> = got.iter().map(|x| x.id.clone()).collect();
        let unique: BTreeSet<String> = returned.iter().cloned().collect();
        prop_assert_eq!(unique.len(), returned.len(), "no duplicates: {:?}", returned);
        for x in &returned {
            prop_assert!(eligible.contains(x), "{} violates a hard filter", x);
        }
        let n_out = r.k.min(eligible.len());
        match spec.max_per_category {
            None => {
                prop_assert_eq!(returned.len(), n_out);
                let want = (n_out as f64 * r.exploration).round() as usize;
                prop_assert_eq!(explored(&got).len(), want);
            }
            Some(cap) => {
                prop_assert!(returned.len() <= n_out);
                let mut per: BTreeMap<&str, u32> = BTreeMap::new();
                for x in &returned {
                    let i: usize = x[1..].parse().unwrap();
                    let distinct: BTreeSet<&String> = items[i].categories.iter().collect();
                    for c in distinct {
                        *per.entry(c.as_str()).or_default() += 1;
                    }
                }
                prop_assert!(per.values().all(|&v| v <= cap), "{:?}", per);
            }
        }
        // Capped items never precede non-capped ones.
        let capped: Vec<bool> = returned
            .iter()
            .map(|x| e.impressions().unengaged(x, NOW, DAY) >= Options::default().impression_cap)
            .collect();
        prop_assert!(capped.windows(2).all(|w| !w[0] || w[1]), "{:?}", capped);
    }
}
