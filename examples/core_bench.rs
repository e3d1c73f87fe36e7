//! Prints the core's speed on the evaluation harness's workload: 1000 engines
//! over `MemoryStore`, 100 events each replayed with historical timestamps,
//! then one `recommend` over a 1700-item catalogue per engine; plus the cost
//! of a flush and of a reopen of a 2000-event namespace.
//!
//! Run: `cargo run --release --example core_bench`

use std::rc::Rc;
use std::time::Instant;

use lighttouch::core::{
    Catalog, Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest,
};
use lighttouch::storage::{MemoryOrigin, MemoryStore};

const T0: f64 = 880_000_000_000.0; // 1997, like MovieLens 100K
const ITEMS: usize = 1700;

/// A tiny deterministic generator (no randomness dependency in the core).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn catalog() -> Vec<ItemInput> {
    let genres = [
        "Action",
        "Adventure",
        "Animation",
        "Children",
        "Comedy",
        "Crime",
        "Documentary",
        "Drama",
        "Fantasy",
        "Film-Noir",
        "Horror",
        "Musical",
        "Mystery",
        "Romance",
        "Sci-Fi",
        "Thriller",
        "War",
        "Western",
    ];
    let mut rng = Lcg(7);
    (0..ITEMS)
        .map(|i| {
            let n = 1 + (rng.next() % 3) as usize;
            let cats: Vec<&str> = (0..n).map(|_| genres[(rng.next() % 18) as usize]).collect();
            let mut it = ItemInput::new(&format!("m{i}"), &cats);
            it.popularity = Some((rng.next() % 500) as f64);
            it.published = Some(T0 - (rng.next() % 3000) as f64 * 86_400_000.0);
            it
        })
        .collect()
}

fn main() {
    let items = catalog();
    let start = Instant::now();
    let shared = Rc::new(Catalog::build(&items).expect("valid catalogue"));
    println!(
        "Catalog::build of {ITEMS} items: {:.3} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let kinds = [
        EventKind::View,
        EventKind::Click,
        EventKind::Like,
        EventKind::Purchase,
    ];
    let mut rng = Lcg(42);
    let (mut t_open, mut t_record, mut t_rec) = (0.0, 0.0, 0.0);
    let mut checksum = 0usize;
    let engines = 1000;
    for u in 0..engines {
        let start = Instant::now();
        let mut e = Engine::open(
            Box::new(MemoryStore::new(&format!("u{u}"))),
            Options::default(),
            T0,
        );
        e.set_shared_catalog(Rc::clone(&shared));
        t_open += start.elapsed().as_secs_f64();
        let start = Instant::now();
        let mut at = T0;
        for _ in 0..100 {
            at += (rng.next() % 3_600_000) as f64;
            let mut ev = EventInput::new(
                &format!("m{}", rng.next() % ITEMS as u64),
                kinds[(rng.next() % 4) as usize],
            );
            ev.at = Some(at);
            e.record(ev, at).expect("valid event");
        }
        t_record += start.elapsed().as_secs_f64();
        let start = Instant::now();
        let r = e
            .recommend(
                &RecommendRequest {
                    k: 10,
                    ..Default::default()
                },
                at,
            )
            .expect("valid request");
        t_rec += start.elapsed().as_secs_f64();
        checksum += r.len();
    }
    println!("engines: {engines}, items: {ITEMS}, events/engine: 100 (checksum {checksum})");
    println!(
        "open + set_shared_catalog: {:.3} ms/engine",
        t_open * 1e3 / engines as f64
    );
    println!(
        "record: {:.2} us/event",
        t_record * 1e6 / (engines * 100) as f64
    );
    println!(
        "recommend (k=10 over {ITEMS}): {:.3} ms/call",
        t_rec * 1e3 / engines as f64
    );
    println!("total: {:.2} s", t_open + t_record + t_rec);

    // Persistence: 2000 events, full flush, one-event flush, reopen.
    let origin = MemoryOrigin::new();
    let mut e = Engine::open(Box::new(origin.store("p")), Options::default(), T0);
    e.set_catalog(items.clone()).expect("valid catalogue");
    let mut at = T0;
    for _ in 0..2000 {
        at += 60_000.0;
        let ev = EventInput {
            item: format!("m{}", rng.next() % ITEMS as u64),
            kind: EventKind::Click,
            value: None,
            at: Some(at),
        };
        e.record(ev, at).expect("valid event");
    }
    let start = Instant::now();
    e.flush();
    let full = start.elapsed().as_secs_f64();
    e.record(EventInput::new("m1", EventKind::View), at)
        .expect("valid event");
    let start = Instant::now();
    e.flush();
    let one = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let r = Engine::open(Box::new(origin.store("p")), Options::default(), at);
    let reopen = start.elapsed().as_secs_f64();
    println!("flush 2000 events: {:.2} ms; flush after 1 event: {:.3} ms; reopen: {:.2} ms; stored bytes: {} ({} events)",
        full * 1e3, one * 1e3, reopen * 1e3, r.status().stored_bytes, r.status().events);
    rerank_bench(e, at, &mut rng);
}

/// Re-ranking cost on the 2000-event engine: impressions at the table's cap,
/// then `recommend` plain vs with every re-ranking option.
fn rerank_bench(mut e: Engine, mut at: f64, rng: &mut Lcg) {
    let start = Instant::now();
    let calls = 300;
    for _ in 0..calls {
        at += 1000.0;
        let ids: Vec<String> = (0..10)
            .map(|_| format!("m{}", rng.next() % ITEMS as u64))
            .collect();
        e.record_impressions(&ids, at).expect("valid ids");
    }
    let t_imp = start.elapsed().as_secs_f64() / f64::from(calls);
    e.flush();
    let stored = e.get_extra("impressions").map_or(0, str::len);
    let time = |e: &Engine, r: &RecommendRequest| {
        let start = Instant::now();
        let mut n = 0;
        for _ in 0..100 {
            n += e.recommend(r, at).expect("valid request").len();
        }
        (start.elapsed().as_secs_f64() * 1e3 / 100.0, n)
    };
    let plain = RecommendRequest::default();
    let full: RecommendRequest = RecommendRequest {
        diversity: Some(lighttouch::core::Diversity {
            lambda: Some(0.7),
            max_per_category: Some(3),
        }),
        exploration: 0.2,
        seed: Some(5),
        ..Default::default()
    };
    let (t_plain, _) = time(&e, &plain);
    let (t_full, n) = time(&e, &full);
    println!(
        "recordImpressions (10 ids, {} items tracked): {:.3} ms/call; stored impressions: {stored} bytes",
        e.impressions().items.len(),
        t_imp * 1e3
    );
    println!(
        "recommend k=10 over {ITEMS}: plain {t_plain:.3} ms, with MMR + cap + 20 % exploration {t_full:.3} ms (checksum {n})"
    );
}
