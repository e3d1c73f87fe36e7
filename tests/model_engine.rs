//! `Engine::set_model` and the neighbour component, through the same API the
//! browser uses.

use lighttouch::core::{
    Engine, EventInput, EventKind, ItemInput, Options, Reason, RecommendRequest,
};
use lighttouch::model::{Algorithm, ModelError, NeighbourModel, NeighbourTable, Quantisation};
use lighttouch::storage::MemoryStore;

const NOW: f64 = 1_700_000_000_000.0;

fn catalog() -> Vec<ItemInput> {
    ["a", "b", "c", "d", "e"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut item = ItemInput::new(id, &["Film"]);
            item.title = Some(format!("Title {}", id.to_uppercase()));
            // e is the most popular, then d, ...
            item.popularity = Some(i as f64);
            item
        })
        .collect()
}

/// Similarity a<->c, b<->d; transition a -> e.
fn model_bytes(ids: &[&str]) -> Vec<u8> {
    let index = |id: &str| ids.iter().position(|x| *x == id).unwrap() as u32;
    let mut sim = vec![Vec::new(); ids.len()];
    sim[index("a") as usize] = vec![(index("c"), 1.0)];
    sim[index("c") as usize] = vec![(index("a"), 1.0)];
    sim[index("b") as usize] = vec![(index("d"), 1.0)];
    sim[index("d") as usize] = vec![(index("b"), 1.0)];
    let mut trans = vec![Vec::new(); ids.len()];
    trans[index("a") as usize] = vec![(index("e"), 0.5)];
    let tables = vec![
        NeighbourTable::from_rows(Algorithm::Ease, 10, sim).unwrap(),
        NeighbourTable::from_rows(Algorithm::Transition, 10, trans).unwrap(),
    ];
    NeighbourModel::new(ids.iter().map(|s| s.to_string()).collect(), tables)
        .unwrap()
        .encode(Quantisation::U8)
}

fn engine() -> Engine {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    e.set_catalog(catalog()).unwrap();
    e
}

fn view(e: &mut Engine, id: &str, at: f64) {
    let mut ev = EventInput::new(id, EventKind::View);
    ev.at = Some(at);
    e.record(ev, at).unwrap();
}

fn top(e: &Engine, k: usize) -> Vec<String> {
    e.recommend(
        &RecommendRequest {
            k,
            ..Default::default()
        },
        NOW,
    )
    .unwrap()
    .into_iter()
    .map(|r| r.id)
    .collect()
}

#[test]
fn neighbours_drive_the_ranking_and_name_the_history_item() {
    let mut e = engine();
    view(&mut e, "a", NOW - 1000.0);
    assert_eq!(top(&e, 1), ["e"], "without a model: popularity");
    let summary = e
        .set_model(&model_bytes(&["a", "b", "c", "d", "e"]))
        .unwrap();
    assert_eq!(
        (summary.items, summary.matched, summary.unknown_ids),
        (5, 5, 0)
    );
    assert_eq!(summary.tables, ["ease", "transition"]);
    let recs = e
        .recommend(
            &RecommendRequest {
                k: 2,
                ..Default::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(recs[0].id, "c");
    assert!(
        recs[0]
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::SimilarToItem { id, .. } if id == "a")),
        "{:?}",
        recs[0].reasons
    );
    assert!(
        e.explain("c", NOW).unwrap().contains("Title A"),
        "{}",
        e.explain("c", NOW).unwrap()
    );
}

#[test]
fn the_latest_item_counts_more_than_an_older_one() {
    let mut e = engine();
    e.set_model(&model_bytes(&["a", "b", "c", "d", "e"]))
        .unwrap();
    view(&mut e, "b", NOW - 5000.0);
    view(&mut e, "a", NOW - 1000.0);
    let order = top(&e, 3);
    let pos = |id: &str| order.iter().position(|x| x == id).unwrap();
    assert!(pos("c") < pos("d"), "{order:?}");
    // Reversed order of the same two views: d first.
    let mut e = engine();
    e.set_model(&model_bytes(&["a", "b", "c", "d", "e"]))
        .unwrap();
    view(&mut e, "a", NOW - 5000.0);
    view(&mut e, "b", NOW - 1000.0);
    let order = top(&e, 3);
    assert_eq!(order[0], "d", "{order:?}");
}

#[test]
fn a_bad_model_is_rejected_and_the_previous_one_stays() {
    let mut e = engine();
    view(&mut e, "a", NOW - 1000.0);
    let good = model_bytes(&["a", "b", "c", "d", "e"]);
    e.set_model(&good).unwrap();
    let before = top(&e, 3);
    let mut corrupt = good.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0x40;
    assert!(matches!(
        e.set_model(&corrupt),
        Err(ModelError::ChecksumMismatch { .. })
    ));
    assert!(matches!(
        e.set_model(b"not a model at all"),
        Err(ModelError::BadMagic { .. })
    ));
    assert!(matches!(
        e.set_model(&good[..good.len() - 1]),
        Err(ModelError::ChecksumMismatch { .. })
    ));
    assert_eq!(top(&e, 3), before);
    assert_eq!(e.model_summary().unwrap().matched, 5);
}

#[test]
fn unknown_ids_are_skipped_and_counted_and_rebinding_follows_the_catalogue() {
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), Options::default(), NOW);
    // Model before catalogue: nothing matches yet.
    let s = e
        .set_model(&model_bytes(&["a", "b", "c", "d", "e", "zz-1", "zz-2"]))
        .unwrap();
    assert_eq!((s.matched, s.unknown_ids), (0, 7));
    e.set_catalog(catalog()).unwrap();
    let s = e.model_summary().unwrap();
    assert_eq!((s.matched, s.unknown_ids), (5, 2));
    view(&mut e, "a", NOW - 1000.0);
    assert_eq!(top(&e, 1), ["c"]);
}

#[test]
fn cold_start_falls_back_to_popularity() {
    let mut e = engine();
    e.set_model(&model_bytes(&["a", "b", "c", "d", "e"]))
        .unwrap();
    assert_eq!(top(&e, 3), ["e", "d", "c"]);
}

#[test]
fn neighbour_options_are_validated_and_can_switch_the_component_off() {
    let mut o = Options::default();
    o.neighbours.position_decay = 2.0;
    assert!(o
        .validate()
        .unwrap_err()
        .to_string()
        .contains("neighbours.positionDecay"));
    let mut o = Options::default();
    o.neighbours.weight = 0.0;
    let mut e = Engine::open(Box::new(MemoryStore::new("t")), o, NOW);
    e.set_catalog(catalog()).unwrap();
    e.set_model(&model_bytes(&["a", "b", "c", "d", "e"]))
        .unwrap();
    view(&mut e, "a", NOW - 1000.0);
    assert_eq!(top(&e, 1), ["e"]);
}

#[test]
fn recommend_with_extra_components_still_uses_the_model() {
    // The JS boundary ranks through `recommend_with` (the privacy
    // controller adds the visitor's interest edits): the model must count there too.
    let mut e = engine();
    view(&mut e, "a", NOW - 1000.0);
    e.set_model(&model_bytes(&["a", "b", "c", "d", "e"]))
        .unwrap();
    let request = RecommendRequest {
        k: 1,
        ..Default::default()
    };
    let recs = e.recommend_with(&request, NOW, &[]).unwrap();
    assert_eq!(recs[0].id, "c");
    assert!(e.explain_with("c", NOW, &[]).unwrap().contains("Title A"));
}
