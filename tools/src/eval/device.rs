//! The on-device row: for each user a fresh `Engine` over a `MemoryStore`,
//! the catalogue (genres become categories, popularity = training counts), the
//! model built from every user's training data passed as bytes through
//! `set_model`, the user's training events replayed through `record` with
//! their timestamps, then `recommend` — the same code the browser runs.

use super::data::{Dataset, Split};
use super::metrics::{sample_negatives, Accumulator, Metrics};
use super::sequence::{prepare, shipped_model};
use super::Tuned;
use lighttouch::core::{
    Catalog, Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest,
};
use lighttouch::storage::memory::MemoryStore;
use std::rc::Rc;

/// Everything shared by the engines of one split.
pub struct DeviceSetup {
    items: Vec<ItemInput>,
    model: Vec<u8>,
}

/// Worker threads of the on-device evaluation (the machine's 2 cores).
const THREADS: usize = 2;

/// Builds the catalogue and the shipped model bytes for `split`.
pub fn setup(
    data: &Dataset,
    split: &Split,
    tuned: &Tuned,
    window: usize,
) -> Result<DeviceSetup, String> {
    let prepared = prepare(data, split, tuned);
    let (model, _) = shipped_model(data, &prepared, window);
    let mut counts = vec![0u32; data.item_ids.len()];
    for seq in &split.train {
        for e in seq {
            counts[e.item as usize] += 1;
        }
    }
    let items: Vec<ItemInput> = data
        .item_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let genres: Vec<&str> = data.genres[i].iter().map(String::as_str).collect();
            let mut item = ItemInput::new(id, &genres);
            item.title = Some(data.titles[i].clone());
            item.popularity = Some(f64::from(counts[i]));
            item
        })
        .collect();
    Catalog::build(&items).map_err(|e| e.to_string())?;
    Ok(DeviceSetup { items, model })
}

/// Evaluates the engine path on `split` with `options` (users split over
/// [`THREADS`] threads; each thread builds its own catalogue `Rc`).
pub fn evaluate(
    data: &Dataset,
    split: &Split,
    setup: &DeviceSetup,
    options: &Options,
    seed: u64,
) -> Result<Metrics, String> {
    let parts: Vec<Result<Metrics, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| scope.spawn(move || evaluate_users(data, split, setup, options, seed, t)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("worker panicked".into())))
            .collect()
    });
    Ok(Metrics::merge(
        &parts.into_iter().collect::<Result<Vec<_>, _>>()?,
    ))
}

fn evaluate_users(
    data: &Dataset,
    split: &Split,
    setup: &DeviceSetup,
    options: &Options,
    seed: u64,
    thread: usize,
) -> Result<Metrics, String> {
    let catalog = Rc::new(Catalog::build(&setup.items).map_err(|e| e.to_string())?);
    let mut acc = Accumulator::default();
    let n = data.item_ids.len();
    for (u, (train, target)) in split.train.iter().zip(&split.target).enumerate() {
        if u % THREADS != thread {
            continue;
        }
        let Some(target) = target else { continue };
        let Some(last) = train.last() else { continue };
        let now = last.ts * 1000.0;
        let first = train.first().map_or(now, |e| e.ts * 1000.0);
        let mut engine = Engine::open(Box::new(MemoryStore::new("eval")), options.clone(), first);
        engine.set_shared_catalog(catalog.clone());
        engine.set_model(&setup.model).map_err(|e| e.to_string())?;
        for e in train {
            let mut event = EventInput::new(&data.item_ids[e.item as usize], EventKind::View);
            event.at = Some(e.ts * 1000.0);
            engine
                .record(event, e.ts * 1000.0)
                .map_err(|e| e.to_string())?;
        }
        let full = engine
            .recommend(
                &RecommendRequest {
                    k: 10,
                    ..RecommendRequest::default()
                },
                now,
            )
            .map_err(|e| e.to_string())?;
        // Sampled negatives: the same seeded draw as the server rows.
        let mut excluded = vec![false; n];
        for e in train {
            excluded[e.item as usize] = true;
        }
        let user_seed = seed ^ (u as u64).wrapping_mul(0x2545_f491);
        let negatives = sample_negatives(&excluded, target.item, user_seed);
        let mut candidates: Vec<String> = negatives
            .iter()
            .map(|&i| data.item_ids[i as usize].clone())
            .collect();
        candidates.push(data.item_ids[target.item as usize].clone());
        let sampled = engine
            .recommend(
                &RecommendRequest {
                    k: 10,
                    candidates: Some(candidates),
                    ..RecommendRequest::default()
                },
                now,
            )
            .map_err(|e| e.to_string())?;
        let target_id = &data.item_ids[target.item as usize];
        let rank = |list: &[lighttouch::core::Recommendation]| {
            list.iter().position(|r| &r.id == target_id)
        };
        acc.add_ranks(rank(&full), rank(&sampled));
    }
    Ok(acc.finish())
}

/// Engine options from the tuned device scorer parameters plus blend weights.
pub fn options_for(
    p: &super::sequence::DeviceParams,
    neighbour_weight: f64,
    category: f64,
    popularity: f64,
) -> Options {
    let mut o = Options {
        retention_days: 3650.0,
        ..Options::default()
    };
    o.weights.category = category;
    o.weights.tag = 0.0;
    o.weights.popularity = popularity;
    o.weights.freshness = 0.0;
    o.neighbours.weight = neighbour_weight;
    o.neighbours.position_decay = f64::from(p.neighbour.position_decay);
    o.neighbours.position_floor = f64::from(p.neighbour.position_floor);
    o.neighbours.transition_weight = f64::from(p.neighbour.transition_weight);
    o.neighbours.transition_window = p.neighbour.transition_window as u32;
    o.neighbours.half_life_days = f64::from(p.neighbour.half_life_days);
    o
}

/// Tunes the blend on the validation splits, then evaluates the test splits.
pub fn run_family(
    data: &Dataset,
    vals: &[Split],
    tests: &[Split],
    tuned: &Tuned,
    p: &super::sequence::DeviceParams,
    seed: u64,
) -> Result<(Metrics, Options), String> {
    let val_setups: Vec<DeviceSetup> = vals
        .iter()
        .map(|s| setup(data, s, tuned, p.window))
        .collect::<Result<_, _>>()?;
    let score = |o: &Options| -> Result<f64, String> {
        let parts: Vec<Metrics> = vals
            .iter()
            .zip(&val_setups)
            .map(|(s, st)| evaluate(data, s, st, o, seed))
            .collect::<Result<_, _>>()?;
        Ok(Metrics::merge(&parts).ndcg)
    };
    let mut best = options_for(p, 2.0, 0.0, 0.0);
    let mut best_ndcg = score(&best)?;
    // A small grid: neighbour weight fixed at 2 (the component is normalised
    // to 1), content affinity (genres) and popularity on or off.
    for (w, c, pop) in [(2.0, 0.5, 0.0), (2.0, 0.0, 0.1), (2.0, 0.5, 0.1)] {
        let o = options_for(p, w, c, pop);
        let m = score(&o)?;
        if m > best_ndcg {
            (best_ndcg, best) = (m, o);
        }
    }
    eprintln!(
        "on-device blend tuned on {}: NDCG@10 {best_ndcg:.4} with neighbours.weight {}, weights.category {}, weights.popularity {}",
        vals[0].name, best.neighbours.weight, best.weights.category, best.weights.popularity
    );
    let parts: Vec<Metrics> = tests
        .iter()
        .map(|s| evaluate(data, s, &setup(data, s, tuned, p.window)?, &best, seed))
        .collect::<Result<_, _>>()?;
    Ok((Metrics::merge(&parts), best))
}
