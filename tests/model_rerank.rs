//! Re-ranking and rules of `recommend`: filters, excludeSeenKinds, frequency
//! capping with `record_impressions`, diversity and exploration.

use lighttouch::core::rerank::{Diversity, Exploration};
use lighttouch::core::{
    Engine, EventInput, EventKind, ItemInput, Options, RecommendError, RecommendRequest,
};
use lighttouch::storage::{MemoryOrigin, MemoryStore};

const NOW: f64 = 1_700_000_000_000.0;

/// 12 items: 4 categories × 3; popularity decreasing with the index.
fn catalog() -> Vec<ItemInput> {
    (0..12)
        .map(|i| {
            let cat = ["A", "B", "C", "D"][i / 3];
            let mut item = ItemInput::new(&format!("i{i}"), &[cat]);
            item.popularity = Some(100.0 - i as f64);
            item
        })
        .collect()
}

fn engine() -> Engine {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.set_catalog(catalog()).unwrap();
    e
}

fn ids(e: &Engine, request: RecommendRequest) -> Vec<String> {
    e.recommend(&request, NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn req(k: usize) -> RecommendRequest {
    RecommendRequest {
        k,
        ..Default::default()
    }
}

fn event(e: &mut Engine, id: &str, kind: EventKind, at: f64) {
    let mut ev = EventInput::new(id, kind);
    ev.at = Some(at);
    e.record(ev, at).unwrap();
}

#[test]
fn exclude_drops_ids_and_still_fills_k() {
    let e = engine();
    let got = ids(
        &e,
        RecommendRequest {
            exclude: Some(vec!["i0".into(), "i1".into(), "nope".into()]),
            ..req(3)
        },
    );
    assert_eq!(got, ["i2", "i3", "i4"]);
}

#[test]
fn exclude_seen_kinds_keeps_viewed_and_drops_purchased() {
    let mut e = engine();
    event(&mut e, "i0", EventKind::View, NOW - 10.0);
    event(&mut e, "i1", EventKind::Purchase, NOW - 5.0);
    assert!(
        !ids(&e, req(3)).contains(&"i0".to_string()),
        "excludeSeen default drops everything seen"
    );
    let got = ids(
        &e,
        RecommendRequest {
            exclude_seen_kinds: Some(vec![EventKind::Purchase]),
            ..req(12)
        },
    );
    assert!(got.contains(&"i0".to_string()), "{got:?}");
    assert!(!got.contains(&"i1".to_string()), "{got:?}");
}

#[test]
fn items_shown_too_often_without_engagement_sink_and_come_back_after_a_click() {
    let origin = MemoryOrigin::new();
    let mut e = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    e.set_catalog(catalog()).unwrap();
    let shown: Vec<String> = ids(&e, req(2));
    assert_eq!(shown, ["i0", "i1"]);
    for t in 0..2 {
        e.record_impressions(&shown, NOW + f64::from(t)).unwrap();
    }
    assert_eq!(ids(&e, req(2)), ["i0", "i1"], "2 impressions < cap 3");
    e.record_impressions(&shown, NOW + 2.0).unwrap();
    assert_eq!(ids(&e, req(2)), ["i2", "i3"], "capped items sink");
    // The cap survives a reload (stored through the engine's extras).
    e.flush();
    let mut e = Engine::open(Box::new(origin.store("shop")), Options::default(), NOW);
    e.set_catalog(catalog()).unwrap();
    assert_eq!(ids(&e, req(2)), ["i2", "i3"]);
    // They still fill the list when nothing else is left.
    assert_eq!(ids(&e, req(12)).last().unwrap(), "i1");
    // Engagement lifts the cap for that item.
    event(&mut e, "i0", EventKind::Click, NOW + 3.0);
    let got = ids(
        &e,
        RecommendRequest {
            exclude_seen: false,
            ..req(2)
        },
    );
    assert_eq!(got, ["i0", "i2"]);
    // maxImpressions 0 switches capping off.
    let mut off = req(2);
    off.frequency_cap.max_impressions = 0;
    assert_eq!(ids(&e, off), ["i1", "i2"]);
}

#[test]
fn per_category_cap_and_mmr_diversify() {
    let e = engine();
    assert_eq!(ids(&e, req(4)), ["i0", "i1", "i2", "i3"]);
    let capped = ids(
        &e,
        RecommendRequest {
            diversity: Some(Diversity {
                max_per_category: 1,
                lambda: 1.0,
            }),
            ..req(4)
        },
    );
    assert_eq!(capped, ["i0", "i3", "i6", "i9"]);
    let mmr = ids(
        &e,
        RecommendRequest {
            diversity: Some(Diversity {
                max_per_category: 0,
                lambda: 0.3,
            }),
            ..req(4)
        },
    );
    assert_eq!(mmr, ["i0", "i3", "i6", "i9"]);
    // Cap larger than available categories: the rest fills in score order.
    let filled = ids(
        &e,
        RecommendRequest {
            diversity: Some(Diversity {
                max_per_category: 1,
                lambda: 1.0,
            }),
            ..req(6)
        },
    );
    assert_eq!(filled, ["i0", "i3", "i6", "i9", "i1", "i2"]);
}

#[test]
fn exploration_is_seeded_and_favours_categories_the_visitor_engages_with() {
    let mut e = engine();
    // The visitor was shown D items and clicked them; shown C items and ignored them.
    let d: Vec<String> = vec!["i9".into(), "i10".into()];
    let c: Vec<String> = vec!["i6".into(), "i7".into()];
    for t in 0..2 {
        e.record_impressions(&d, NOW - 100.0 + f64::from(t))
            .unwrap();
        e.record_impressions(&c, NOW - 100.0 + f64::from(t))
            .unwrap();
    }
    event(&mut e, "i9", EventKind::Click, NOW - 50.0);
    event(&mut e, "i10", EventKind::Click, NOW - 50.0);
    let explore = |seed| RecommendRequest {
        exploration: Some(Exploration {
            share: 0.5,
            seed: Some(seed),
        }),
        exclude_seen: false,
        ..req(2)
    };
    assert_eq!(
        ids(&e, explore(1)),
        ids(&e, explore(1)),
        "same seed, same list"
    );
    let best = ids(
        &e,
        RecommendRequest {
            exclude_seen: false,
            ..req(1)
        },
    );
    let mut d_picks = 0;
    let mut c_picks = 0;
    for seed in 0..200 {
        let got = ids(&e, explore(seed));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], best[0], "the exploit slot keeps the best item");
        let n: usize = got[1][1..].parse().unwrap();
        match n / 3 {
            3 => d_picks += 1,
            2 => c_picks += 1,
            _ => {}
        }
    }
    assert!(d_picks > 2 * c_picks, "D {d_picks} vs C {c_picks}");
    assert!(d_picks < 200, "other categories still get explored");
}

#[test]
fn bad_rerank_options_name_the_field() {
    let e = engine();
    let err = e
        .recommend(
            &RecommendRequest {
                exploration: Some(Exploration {
                    share: 0.9,
                    seed: None,
                }),
                ..req(3)
            },
            NOW,
        )
        .unwrap_err();
    assert!(matches!(err, RecommendError::InvalidField { .. }));
    assert_eq!(
        err.to_string(),
        "request field \"exploration.share\" must be in 0..=0.5, got 0.9"
    );
    let err = e
        .recommend(
            &RecommendRequest {
                diversity: Some(Diversity {
                    max_per_category: 0,
                    lambda: -1.0,
                }),
                ..req(3)
            },
            NOW,
        )
        .unwrap_err();
    assert!(err.to_string().contains("diversity.lambda"));
}
