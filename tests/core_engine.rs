//! Engine behaviour: catalogue and event handling, ranking, explain, export.

use lighttouch::core::ranking::Reason;
use lighttouch::core::{Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest};
use lighttouch::storage::MemoryStore;

const NOW: f64 = 1_700_000_000_000.0;
const DAY: f64 = 86_400_000.0;

fn item(id: &str, cats: &[&str], popularity: f64) -> ItemInput {
    let mut i = ItemInput::new(id, cats);
    i.popularity = Some(popularity);
    i
}

fn shop() -> Vec<ItemInput> {
    vec![
        item("bike-1", &["Cycling", "Outdoor"], 10.0),
        item("bike-2", &["Cycling"], 5.0),
        item("helmet", &["Cycling", "Safety"], 1.0),
        item("tent", &["Outdoor", "Camping"], 50.0),
        item("stove", &["Camping"], 20.0),
        item("novel", &["Books"], 1000.0),
        item("cookbook", &["Books", "Food"], 200.0),
    ]
}

fn engine() -> Engine {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.set_catalog(shop()).unwrap();
    e
}

fn ids(recs: &[lighttouch::core::Recommendation]) -> Vec<&str> {
    recs.iter().map(|r| r.id.as_str()).collect()
}

fn rec(e: &mut Engine, id: &str, kind: EventKind) {
    e.record(EventInput::new(id, kind), NOW).unwrap();
}

#[test]
fn cold_start_orders_by_popularity_then_freshness() {
    let mut items = vec![
        item("old", &["A"], 10.0),
        item("new", &["A"], 10.0),
        item("top", &["A"], 100.0),
        item("none", &["A"], 0.0),
    ];
    items[0].published = Some(NOW - 400.0 * DAY);
    items[1].published = Some(NOW - DAY);
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.set_catalog(items).unwrap();
    let r = e.recommend(&RecommendRequest::default(), NOW).unwrap();
    assert_eq!(ids(&r), ["top", "new", "old", "none"]);
    assert!(r[0].reasons.contains(&Reason::Popular));
    assert!(r[1].reasons.contains(&Reason::Fresh));
}

#[test]
fn clicks_on_a_category_bring_it_to_the_top() {
    let mut e = engine();
    rec(&mut e, "bike-1", EventKind::Click);
    rec(&mut e, "bike-1", EventKind::AddToCart);
    let r = e.recommend(&RecommendRequest::default(), NOW).unwrap();
    // bike-1 is seen (excluded); the items sharing its categories lead, and
    // the most popular item of the catalogue (a book) comes after them.
    assert_eq!(ids(&r)[0], "bike-2");
    assert_eq!(ids(&r).len(), 6);
    let pos = |id| ids(&r).iter().position(|x| *x == id).unwrap();
    assert!(pos("helmet") < pos("novel") && pos("tent") < pos("novel"));
    assert!(!ids(&r).contains(&"bike-1"));
    assert!(matches!(&r[0].reasons[0], Reason::Category { name, .. } if name == "Cycling"));
    let s = e.explain("helmet", NOW).unwrap();
    assert!(
        s.starts_with("Recommended because you showed interest in Cycling"),
        "{s}"
    );
    // With excludeSeen = false the clicked item comes back.
    let all = e
        .recommend(
            &RecommendRequest {
                exclude_seen: false.into(),
                ..Default::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(ids(&all)[0], "bike-1");
}

#[test]
fn explain_sentence_joins_interests_and_popularity() {
    let mut e = engine();
    rec(&mut e, "bike-2", EventKind::Purchase); // Cycling
    rec(&mut e, "stove", EventKind::Purchase); // Camping
    rec(&mut e, "tent", EventKind::Like); // Outdoor, Camping
    let s = e.explain("bike-1", NOW).unwrap();
    assert!(s.contains("you showed interest in"), "{s}");
    assert!(s.contains("Cycling") && s.contains("Outdoor"), "{s}");
    assert!(s.ends_with('.'));
    let s = e.explain("novel", NOW).unwrap();
    assert_eq!(s, "Recommended because it is popular.");
    assert_eq!(
        e.explain("nope", NOW).unwrap_err().to_string(),
        "item id \"nope\" is not in the catalog"
    );
}

#[test]
fn dismissed_items_never_come_back_and_dislikes_damp_categories() {
    let mut e = engine();
    rec(&mut e, "helmet", EventKind::Click);
    rec(&mut e, "novel", EventKind::Dismiss);
    let all = RecommendRequest {
        k: 100,
        exclude_seen: false.into(),
        ..Default::default()
    };
    let r = e.recommend(&all, NOW).unwrap();
    assert!(!ids(&r).contains(&"novel"));
    let with_candidate = RecommendRequest {
        candidates: Some(vec!["novel".into(), "tent".into()]),
        exclude_seen: false.into(),
        ..Default::default()
    };
    assert_eq!(ids(&e.recommend(&with_candidate, NOW).unwrap()), ["tent"]);
    assert!(e.explain("novel", NOW).unwrap().contains("dismissed"));

    // A dislike pushes a category below the unrelated ones.
    let mut d = engine();
    rec(&mut d, "bike-2", EventKind::Dislike);
    let r = d.recommend(&all, NOW).unwrap();
    let pos = |id| ids(&r).iter().position(|x| *x == id).unwrap();
    assert!(pos("helmet") > pos("stove"), "{:?}", ids(&r));
    assert!(
        !ids(&r).contains(&"bike-2"),
        "the disliked item itself is left out"
    );
    let s = d.score_of("helmet");
    assert!(s < 0.1, "damped score {s}");
}

trait ScoreOf {
    fn score_of(&self, id: &str) -> f64;
}
impl ScoreOf for Engine {
    fn score_of(&self, id: &str) -> f64 {
        let r = self
            .recommend(
                &RecommendRequest {
                    candidates: Some(vec![id.into()]),
                    exclude_seen: false.into(),
                    ..Default::default()
                },
                NOW,
            )
            .unwrap();
        r[0].score
    }
}

#[test]
fn request_filters_and_validation() {
    let e = engine();
    let r = e
        .recommend(
            &RecommendRequest {
                categories: Some(vec!["Camping".into()]),
                ..Default::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(ids(&r), ["tent", "stove"]);
    let r = e
        .recommend(
            &RecommendRequest {
                k: 2,
                ..Default::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(r.len(), 2);
    for k in [0, 1001] {
        let err = e
            .recommend(
                &RecommendRequest {
                    k,
                    ..Default::default()
                },
                NOW,
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("request field \"k\" must be in 1..=1000, got {k}")
        );
    }
    let err = e
        .recommend(
            &RecommendRequest {
                candidates: Some(vec!["tent".into(), "ghost".into()]),
                ..Default::default()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "request field \"candidates\" item 1 (id \"ghost\") is not in the catalog"
    );
}

#[test]
fn recommendations_are_deterministic_with_index_tie_break() {
    let items: Vec<ItemInput> = (0..50)
        .map(|i| item(&format!("i{i}"), &["A"], 1.0))
        .collect();
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.set_catalog(items).unwrap();
    let r = e
        .recommend(
            &RecommendRequest {
                k: 5,
                ..Default::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(ids(&r), ["i0", "i1", "i2", "i3", "i4"]);
    assert_eq!(
        r,
        e.recommend(
            &RecommendRequest {
                k: 5,
                ..Default::default()
            },
            NOW
        )
        .unwrap()
    );
}

#[test]
fn failed_catalog_load_keeps_the_previous_one() {
    let mut e = engine();
    let mut bad = shop();
    bad[4].popularity = Some(-3.0);
    let err = e.set_catalog(bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "catalog item 4 (id \"stove\"): field \"popularity\" must be >= 0, got -3"
    );
    assert_eq!(e.catalog().len(), 7);
    assert!(e.catalog().index_of("novel").is_some());
}

#[test]
fn bad_events_change_nothing() {
    let mut e = engine();
    let before = e.export_data();
    let mut ev = EventInput::new("tent", EventKind::Rate);
    ev.value = Some(9.0);
    let err = e.record(ev, NOW).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event for item \"tent\": field \"value\" must be a rating in 0..=5, got 9"
    );
    assert_eq!(e.export_data(), before);
    assert!(!e.has_pending_writes());
}

#[test]
fn unknown_item_events_are_kept_and_scored_once_the_catalogue_has_them() {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.record(EventInput::new("tent", EventKind::Purchase), NOW)
        .unwrap();
    assert_eq!(e.history().len(), 1);
    assert!(
        e.profile().categories.is_empty(),
        "unknown item does not score"
    );
    assert!(!e.history().iter().next().unwrap().scored);
    e.set_catalog(shop()).unwrap();
    assert!(e.history().iter().next().unwrap().scored);
    assert!(e.profile().categories.contains_key("Camping"));
    let r = e.recommend(&RecommendRequest::default(), NOW).unwrap();
    assert_eq!(ids(&r)[0], "stove");
}

#[test]
fn vectors_give_similar_to_item_reasons() {
    let mut items = vec![
        item("a", &["X"], 1.0),
        item("b", &["Y"], 1.0),
        item("c", &["Z"], 1.0),
    ];
    items[0].vector = Some(vec![1.0, 0.0]);
    items[1].vector = Some(vec![0.9, 0.1]);
    items[2].vector = Some(vec![0.0, 1.0]);
    items[0].title = Some("Alpha".into());
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.set_catalog(items).unwrap();
    rec(&mut e, "a", EventKind::Like);
    let r = e.recommend(&RecommendRequest::default(), NOW).unwrap();
    assert_eq!(ids(&r), ["b", "c"]);
    assert!(r[0]
        .reasons
        .iter()
        .any(|x| matches!(x, Reason::SimilarToItem { id, .. } if id == "a")));
    let s = e.explain("b", NOW).unwrap();
    assert!(s.contains("similar to \"Alpha\""), "{s}");
}

#[test]
fn json_shapes_match_the_js_contract() {
    let r = Reason::Category {
        name: "Cycling".into(),
        weight: 0.42,
    };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"kind":"category","name":"Cycling","weight":0.42}"#
    );
    let r = Reason::SimilarToItem {
        id: "a".into(),
        weight: 1.0,
    };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"kind":"similarToItem","id":"a","weight":1.0}"#
    );
    assert_eq!(
        serde_json::to_string(&Reason::Popular).unwrap(),
        r#"{"kind":"popular"}"#
    );
    let req: RecommendRequest =
        serde_json::from_str(r#"{"k":3,"excludeSeen":false,"categories":["A"]}"#).unwrap();
    assert_eq!((req.k, req.exclude_seen), (3, false.into()));
    assert!(serde_json::from_str::<RecommendRequest>(r#"{"kk":3}"#).is_err());
    let ev: EventInput =
        serde_json::from_str(r#"{"item":"sku-1","kind":"addToCart","at":5}"#).unwrap();
    assert_eq!(ev.kind, EventKind::AddToCart);
    let o: Options =
        serde_json::from_str(r#"{"halfLifeDays":7,"eventWeights":{"like":6},"weights":{"tag":0}}"#)
            .unwrap();
    assert_eq!(o.half_life_days, 7.0);
    assert_eq!(o.event_weights.like, 6.0);
    assert_eq!(o.event_weights.view, 1.0);
    assert!(serde_json::from_str::<Options>(r#"{"halfLife":7}"#).is_err());
    let item: ItemInput =
        serde_json::from_str(r#"{"id":"x","categories":["A"],"popularity":3,"vector":[1,2]}"#)
            .unwrap();
    assert_eq!(item.vector, Some(vec![1.0, 2.0]));
    let with_cms_fields: ItemInput =
        serde_json::from_str(r#"{"id":"x","categories":[],"url":"/x","image":"x.png"}"#).unwrap();
    assert_eq!(with_cms_fields.id, "x");
    let e = engine();
    let status = serde_json::to_value(e.status()).unwrap();
    assert_eq!(
        status,
        serde_json::json!({"persistent": false, "storedBytes": 0, "events": 0})
    );
    let export = serde_json::to_value(e.export_data()).unwrap();
    assert!(export["options"]["halfLifeDays"].is_number());
    assert!(export["storedKeys"].is_array());
}

#[test]
fn half_life_decays_old_interest() {
    let mut e = engine();
    let mut old = EventInput::new("novel", EventKind::Purchase);
    old.at = Some(NOW - 60.0 * DAY);
    e.record(old, NOW).unwrap();
    rec(&mut e, "tent", EventKind::Click);
    let r = e.recommend(&RecommendRequest::default(), NOW).unwrap();
    // A click today beats a purchase four half-lives ago (8/16 = 0.5 < 2).
    assert_eq!(ids(&r)[0], "stove");
}

#[test]
fn export_contains_events_profile_and_options() {
    let mut e = engine();
    rec(&mut e, "tent", EventKind::Click);
    e.put_extra("privacy.level", "2".into()).unwrap();
    let x = e.export_data();
    assert_eq!(x.events.len(), 1);
    assert_eq!(x.events[0].item, "tent");
    assert!(x.profile.categories.contains_key("Outdoor"));
    assert_eq!(x.options, Options::default());
    assert_eq!(x.extras.get("privacy.level").map(String::as_str), Some("2"));
    assert_eq!(x.status.events, 1);
}

#[test]
fn invalid_options_fall_back_to_defaults_and_report() {
    let o = Options {
        half_life_days: -1.0,
        ..Options::default()
    };
    let e = Engine::open(Box::new(MemoryStore::new("t")), o, NOW);
    assert_eq!(e.options(), &Options::default());
    assert!(e.status().last_error.unwrap().contains("halfLifeDays"));
}

#[test]
fn events_older_than_retention_are_folded_but_not_kept() {
    let mut e = engine();
    let mut old = EventInput::new("tent", EventKind::Purchase);
    old.at = Some(NOW - 200.0 * DAY);
    e.record(old, NOW).unwrap();
    assert_eq!(e.history().len(), 0);
    assert!(e.profile().categories["Camping"].value > 0.0);
    assert!(e.profile().is_seen("tent"));
}

#[test]
fn a_shared_catalogue_behaves_like_an_own_one() {
    use lighttouch::core::Catalog;
    use std::rc::Rc;
    let shared = Rc::new(Catalog::build(&shop()).unwrap());
    let mut a = Engine::open(Box::new(MemoryStore::new("a")), Options::default(), NOW);
    let summary = a.set_shared_catalog(Rc::clone(&shared));
    assert_eq!(summary.items, 7);
    let mut b = engine();
    for e in [&mut a, &mut b] {
        rec(e, "stove", EventKind::Like);
    }
    let req = RecommendRequest::default();
    assert_eq!(
        a.recommend(&req, NOW).unwrap(),
        b.recommend(&req, NOW).unwrap()
    );
}
