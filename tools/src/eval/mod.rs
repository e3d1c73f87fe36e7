//! `lighttouch eval`: the evaluation harness on MovieLens 100K.
//!
//! Protocol: each user's interactions sorted by (timestamp, item id); last =
//! test, second-last = validation, rest = train. Hyper-parameters are tuned on
//! validation only (train = all but the last two), then every model is refit
//! on all but the last event and scored on the test event. Ranking is over all
//! items not in the user's training history; HR@10 and NDCG@10 averaged over
//! users, and again against 100 sampled negatives (seeded). A second split of
//! our own (rolling global temporal cuts: train on everything before the cut,
//! predict each user's first event after it; validation cuts at the 65/70/75 %
//! quantiles of time, test cuts at 80/85/90 %) checks that every idea holds
//! beyond the leave-last-out quirks (ties of timestamps within a user).

mod data;
mod device;
mod metrics;
mod sequence;
mod server;
mod sweep;

use data::{Dataset, Split};
use metrics::{Metrics, SplitMix};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory holding `ml-100k.inter` and `ml-100k.item` (see scripts/fetch-movielens.sh).
    #[arg(long, default_value = ".cache/ml-100k")]
    pub data: PathBuf,
    /// Seed of the random baseline and of the 100 sampled negatives.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Skip the model size / quantisation sweep.
    #[arg(long)]
    pub no_sweep: bool,
}

/// One row of the results table: the same method on both test splits.
struct Row {
    name: String,
    loo: Metrics,
    temporal: Metrics,
    note: String,
}

/// Tuned hyper-parameters of one split family.
#[derive(Debug, Clone, Copy)]
pub struct Tuned {
    /// ItemKNN shrinkage.
    pub shrinkage: f64,
    /// ItemKNN neighbours.
    pub knn_k: u16,
    /// EASE λ.
    pub lambda: f64,
}

/// Runs the harness and prints the table.
pub fn run(args: Args) -> Result<(), String> {
    let start = Instant::now();
    let data = data::load(&args.data)?;
    let n = data.item_ids.len();
    eprintln!(
        "loaded {} users, {n} items in {:.1}s",
        data.users.len(),
        start.elapsed().as_secs_f64()
    );
    let loo_val = vec![data::leave_out(&data, 2, "leave-last-out validation")];
    let loo_test = vec![data::leave_out(&data, 1, "leave-last-out test")];
    let cuts = |qs: [f64; 3], name: &str| -> Vec<Split> {
        qs.iter().map(|&q| data::temporal(&data, q, name)).collect()
    };
    let tmp_val = cuts([0.65, 0.70, 0.75], "temporal validation");
    let tmp_test = cuts([0.80, 0.85, 0.90], "temporal test");
    let loo_tuned = tune(&data, &loo_val, args.seed);
    let tmp_tuned = tune(&data, &tmp_val, args.seed);
    eprintln!("tuned on validation: leave-last-out {loo_tuned:?}; temporal {tmp_tuned:?}");

    let mut rows = Vec::new();
    let both = |f: &dyn Fn(&Split, &Tuned) -> Metrics| {
        (
            server::over(&loo_test, |s| f(s, &loo_tuned)),
            server::over(&tmp_test, |s| f(s, &tmp_tuned)),
        )
    };
    let (l, t) = both(&|s, _| {
        let mut rng = SplitMix(args.seed);
        server::evaluate(s, n, args.seed, |_, _| {
            (0..n).map(|_| (rng.next_u64() >> 40) as f32).collect()
        })
    });
    rows.push(Row {
        name: "random".into(),
        loo: l,
        temporal: t,
        note: String::new(),
    });
    let (l, t) = both(&|s, _| {
        let pop = server::popularity(&server::train_counts(s, &data.item_ids));
        server::evaluate(s, n, args.seed, |_, _| pop.clone())
    });
    rows.push(Row {
        name: "popularity".into(),
        loo: l,
        temporal: t,
        note: String::new(),
    });
    let (l, t) = both(&|s, p| {
        let table = server::knn_table_by_candidate(
            &server::train_counts(s, &data.item_ids),
            p.shrinkage,
            p.knn_k,
        );
        server::evaluate(s, n, args.seed, |_, h| server::score_table(&table, n, h))
    });
    rows.push(Row {
        name: "server ItemKNN (full information)".into(),
        loo: l,
        temporal: t,
        note: format!("shrink {}, k {}", loo_tuned.shrinkage, loo_tuned.knn_k),
    });
    let (l, t) = both(&|s, p| {
        let b = server::ease_dense(&server::train_counts(s, &data.item_ids), p.lambda);
        server::evaluate(s, n, args.seed, |_, h| server::score_dense(&b, n, h))
    });
    rows.push(Row {
        name: "server EASE (full information)".into(),
        loo: l,
        temporal: t,
        note: format!("lambda {} (dense)", loo_tuned.lambda),
    });
    let ease_loo = l;

    let (device_rows, params) = sequence::rows(
        &data,
        [&loo_val, &loo_test],
        [&tmp_val, &tmp_test],
        [&loo_tuned, &tmp_tuned],
        args.seed,
    )?;
    for row in device_rows {
        rows.push(Row {
            name: row.0,
            loo: row.1,
            temporal: row.2,
            note: row.3,
        });
    }
    let started = Instant::now();
    let (l, loo_options) = device::run_family(
        &data, &loo_val, &loo_test, &loo_tuned, &params[0], args.seed,
    )?;
    let (t, _) = device::run_family(
        &data, &tmp_val, &tmp_test, &tmp_tuned, &params[1], args.seed,
    )?;
    eprintln!(
        "on-device rows (tuning + test, both families) took {:.1}s",
        started.elapsed().as_secs_f64()
    );
    rows.push(Row {
        name: "on-device: Engine.record + recommend".into(),
        loo: l,
        temporal: t,
        note: format!(
            "neighbours.weight {}, category {}, popularity {}",
            loo_options.neighbours.weight,
            loo_options.weights.category,
            loo_options.weights.popularity
        ),
    });
    print_table(&rows, &loo_test, &tmp_test);
    if let Some(device) = rows.iter().rev().find(|r| r.name.starts_with("on-device")) {
        println!(
            "\non-device vs server EASE (leave-last-out test, full ranking): NDCG@10 x{:.2}, HR@10 {:.4} vs {:.4}",
            device.loo.ndcg / ease_loo.ndcg.max(1e-12),
            device.loo.hr,
            ease_loo.hr
        );
    }
    if !args.no_sweep {
        sweep::print(&data, &loo_test[0], &loo_tuned, args.seed);
    }
    println!("\ntotal time {:.1}s", start.elapsed().as_secs_f64());
    Ok(())
}

fn tune(data: &Dataset, vals: &[Split], seed: u64) -> Tuned {
    let n = data.item_ids.len();
    let counts: Vec<_> = vals
        .iter()
        .map(|v| server::train_counts(v, &data.item_ids))
        .collect();
    let mut best_knn = (f64::MIN, 0.0, 0u16);
    for shrinkage in [0.0, 10.0, 50.0, 100.0] {
        for k in [20u16, 50, 100, 200] {
            let parts: Vec<Metrics> = vals
                .iter()
                .zip(&counts)
                .map(|(val, c)| {
                    let table = server::knn_table_by_candidate(c, shrinkage, k);
                    server::evaluate(val, n, seed, |_, h| server::score_table(&table, n, h))
                })
                .collect();
            let m = Metrics::merge(&parts);
            if m.ndcg > best_knn.0 {
                best_knn = (m.ndcg, shrinkage, k);
            }
        }
    }
    let mut best_ease = (f64::MIN, 0.0);
    for lambda in [50.0, 100.0, 200.0, 400.0, 800.0] {
        let parts: Vec<Metrics> = vals
            .iter()
            .zip(&counts)
            .map(|(val, c)| {
                let b = server::ease_dense(c, lambda);
                server::evaluate(val, n, seed, |_, h| server::score_dense(&b, n, h))
            })
            .collect();
        let m = Metrics::merge(&parts);
        if m.ndcg > best_ease.0 {
            best_ease = (m.ndcg, lambda);
        }
    }
    Tuned {
        shrinkage: best_knn.1,
        knn_k: best_knn.2,
        lambda: best_ease.1,
    }
}

fn print_table(rows: &[Row], loo: &[Split], tmp: &[Split]) {
    let users = |s: &[Split]| s.iter().map(Split::evaluated).sum::<usize>();
    println!(
        "\nMovieLens 100K — test splits: leave-last-out ({} users), rolling temporal cuts ({} user-cuts)",
        users(loo),
        users(tmp)
    );
    println!(
        "{:<44} | {:>7} {:>8} | {:>7} {:>8} | {:>7} {:>8} | {:>7} {:>8} | notes",
        "method",
        "HR@10",
        "NDCG@10",
        "HR@10s",
        "NDCG@10s",
        "tHR@10",
        "tNDCG@10",
        "tHR@10s",
        "tNDCG@10s"
    );
    println!("{}", "-".repeat(150));
    for r in rows {
        println!(
            "{:<44} | {:>7.4} {:>8.4} | {:>7.4} {:>8.4} | {:>7.4} {:>8.4} | {:>7.4} {:>9.4} | {}",
            r.name,
            r.loo.hr,
            r.loo.ndcg,
            r.loo.hr_sampled,
            r.loo.ndcg_sampled,
            r.temporal.hr,
            r.temporal.ndcg,
            r.temporal.hr_sampled,
            r.temporal.ndcg_sampled,
            r.note
        );
    }
    println!("(columns: leave-last-out full ranking, leave-last-out 100 sampled negatives (s), temporal (t) full, temporal sampled)");
}
