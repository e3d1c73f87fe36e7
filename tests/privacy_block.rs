//! `blockCategory` is a hard rule and `addInterest` a visible boost, over a
//! real Engine with tags, vectors and an item-item model: a blocked
//! category's items are never returned (even when strongly liked, similar
//! by vector/tag/model, or asked for through `categories`), no reason cites
//! it, and unblocking restores the ranking.

use lighttouch::core::{
    Engine, EventInput, EventKind, ItemInput, Options, Reason, RecommendRequest, Recommendation,
};
use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
use lighttouch::privacy::random::seeded_rng;
use lighttouch::privacy::{Level, Privacy, PrivacyOptions, TaxonomyInput};
use lighttouch::storage::MemoryStore;

const NOW: f64 = 1_800_000_000_000.0;

fn item(id: &str, cats: &[&str], tag: &str, vector: [f64; 2], popularity: f64) -> ItemInput {
    let mut it = ItemInput::new(id, cats);
    it.tags = vec![tag.to_string()];
    it.vector = Some(vector.to_vec());
    it.popularity = Some(popularity);
    it
}

/// Gambling items share a tag and a vector direction; Cooking items are
/// the most popular; `mixed` is in both categories.
fn catalogue() -> Vec<ItemInput> {
    let mut items = Vec::new();
    for i in 0..5 {
        items.push(item(
            &format!("g-{i}"),
            &["Gambling"],
            "cards",
            [1.0, 0.05 * i as f64],
            1.0,
        ));
        items.push(item(
            &format!("c-{i}"),
            &["Cooking"],
            "food",
            [0.0, 1.0],
            50.0 + i as f64,
        ));
        items.push(item(
            &format!("t-{i}"),
            &["Travel"],
            "trips",
            [0.3, 0.7],
            20.0,
        ));
    }
    items.push(item(
        "mixed",
        &["Gambling", "Cooking"],
        "cards",
        [1.0, 0.0],
        5.0,
    ));
    items
}

/// Model: g-0 is similar to g-1, g-2 and to c-4 (a cross-category neighbour).
fn model(ids: &[String]) -> Vec<u8> {
    let index = |id: &str| ids.iter().position(|x| x == id).unwrap() as u32;
    let mut sim = vec![Vec::new(); ids.len()];
    sim[index("g-0") as usize] = vec![
        (index("g-1"), 1.0),
        (index("g-2"), 0.9),
        (index("c-4"), 0.8),
    ];
    let tables = vec![NeighbourTable::from_rows(Algorithm::Ease, 10, sim).unwrap()];
    NeighbourModel::new(ids.to_vec(), tables)
        .unwrap()
        .encode(Quantisation::U8)
}

fn open(taxonomy: Option<TaxonomyInput>) -> (Engine, Privacy) {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    let items = catalogue();
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    e.set_catalog(items).unwrap();
    e.set_model(&model(&ids)).unwrap();
    let opts = PrivacyOptions {
        default_level: Level::Personal,
        taxonomy,
        ..PrivacyOptions::default()
    };
    let p = Privacy::open(&mut e, opts, false, seeded_rng(7), NOW).unwrap();
    (e, p)
}

fn like_gambling(p: &mut Privacy, e: &mut Engine) {
    for (n, kind) in [EventKind::Click, EventKind::Purchase, EventKind::Click]
        .into_iter()
        .enumerate()
    {
        let mut ev = EventInput::new("g-0", kind);
        ev.at = Some(NOW - 1000.0 + n as f64);
        p.record(e, ev, NOW).unwrap();
    }
}

fn rank(p: &mut Privacy, e: &Engine, request: RecommendRequest) -> Vec<Recommendation> {
    p.recommend(e, &request, NOW + 1.0).unwrap()
}

fn all(p: &mut Privacy, e: &Engine) -> Vec<Recommendation> {
    rank(
        p,
        e,
        RecommendRequest {
            k: 100,
            ..Default::default()
        },
    )
}

fn ids(recs: &[Recommendation]) -> Vec<&str> {
    recs.iter().map(|r| r.id.as_str()).collect()
}

/// Whether any recommendation is a Gambling item or any reason cites
/// Gambling (category, or the liked Gambling item g-0).
fn gambling_anywhere(recs: &[Recommendation]) -> Option<String> {
    for r in recs {
        if r.id.starts_with("g-") || r.id == "mixed" {
            return Some(format!("item {}", r.id));
        }
        for reason in &r.reasons {
            let cites = match reason {
                Reason::Category { name, .. } => name == "Gambling",
                Reason::SimilarToItem { id, .. } => id.starts_with("g-") || id == "mixed",
                Reason::Exploration { category } => category.as_deref() == Some("Gambling"),
                _ => false,
            };
            if cites {
                return Some(format!("reason {reason:?} of {}", r.id));
            }
        }
    }
    None
}

#[test]
fn a_blocked_category_is_never_returned_nor_cited() {
    let (mut e, mut p) = open(None);
    like_gambling(&mut p, &mut e);
    let before = all(&mut p, &e);
    assert!(
        before[0].id.starts_with("g-") || before[0].id == "mixed",
        "strongly liked Gambling leads before blocking: {:?}",
        ids(&before)
    );
    assert!(gambling_anywhere(&before).is_some());

    p.block_category(&mut e, "Gambling").unwrap();
    let after = all(&mut p, &e);
    assert_eq!(gambling_anywhere(&after), None, "{after:?}");
    assert_eq!(
        after.len(),
        10,
        "every Cooking and Travel item is still offered"
    );
    // c-4 is still boosted by the model, but its reason may not name g-0.
    assert!(ids(&after).contains(&"c-4"));

    // Asking for the category explicitly, with diversity and exploration.
    let asked = rank(
        &mut p,
        &e,
        RecommendRequest {
            k: 10,
            categories: Some(vec!["Gambling".into(), "Cooking".into()]),
            exploration: 0.5,
            diversity: Some(lighttouch::core::Diversity {
                lambda: Some(0.5),
                max_per_category: Some(3),
            }),
            ..Default::default()
        },
    );
    assert_eq!(gambling_anywhere(&asked), None, "{asked:?}");
    assert!(!asked.is_empty());
    let only = rank(
        &mut p,
        &e,
        RecommendRequest {
            k: 10,
            categories: Some(vec!["Gambling".into()]),
            ..Default::default()
        },
    );
    assert!(only.is_empty(), "{only:?}");
    let explained = p.explain(&e, "g-1", NOW).unwrap();
    assert!(explained.contains("blocked"), "{explained}");
    assert!(!explained.contains("Gambling"), "{explained}");

    p.unblock_category(&mut e, "Gambling").unwrap();
    let restored = all(&mut p, &e);
    assert_eq!(
        ids(&restored),
        ids(&before),
        "unblocking restores the ranking"
    );
}

#[test]
fn blocking_a_taxonomy_category_excludes_every_mapped_catalogue_category() {
    let taxonomy = TaxonomyInput {
        version: 1,
        categories: vec!["leisure".into(), "home".into()],
        map: [
            ("Gambling", "leisure"),
            ("Travel", "leisure"),
            ("Cooking", "home"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
    };
    let (mut e, mut p) = open(Some(taxonomy));
    like_gambling(&mut p, &mut e);
    p.block_category(&mut e, "leisure").unwrap();
    let recs = all(&mut p, &e);
    assert_eq!(gambling_anywhere(&recs), None, "{recs:?}");
    assert!(
        recs.iter().all(|r| r.id.starts_with("c-")),
        "{:?}",
        ids(&recs)
    );
    assert_eq!(recs.len(), 5);
}

#[test]
fn an_added_interest_visibly_rises_with_a_category_reason() {
    let (mut e, mut p) = open(None);
    // A light interest in Cooking; Travel has never been touched.
    p.record(&mut e, EventInput::new("c-0", EventKind::View), NOW)
        .unwrap();
    let before = all(&mut p, &e);
    let pos = |recs: &[Recommendation]| recs.iter().position(|r| r.id.starts_with("t-")).unwrap();
    p.add_interest(&mut e, "Travel", 1.0).unwrap();
    let after = all(&mut p, &e);
    assert!(pos(&after) < pos(&before), "{before:?} -> {after:?}");
    assert_eq!(
        pos(&after),
        0,
        "the declared interest leads: {:?}",
        ids(&after)
    );
    let travel = after.iter().find(|r| r.id.starts_with("t-")).unwrap();
    assert!(
        travel.reasons.iter().any(
            |r| matches!(r, Reason::Category { name, weight } if name == "Travel" && *weight > 0.0)
        ),
        "{travel:?}"
    );
    let interests = p.interests(&e, NOW);
    let t = interests.iter().find(|i| i.category == "Travel").unwrap();
    assert!(t.added && t.strength > 0.0, "{interests:?}");
}
