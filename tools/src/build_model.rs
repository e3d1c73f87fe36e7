//! `lighttouch build-model`: interaction logs or pre-aggregated counts in,
//! a compact neighbour model (see `lighttouch::model::format`) out.

use crate::counts::CoCounts;
use crate::interactions::{read_interactions, Interaction};
use crate::transition::{transition_rows, TransitionParams};
use crate::{ease, itemknn};
use clap::ValueEnum;
use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
use std::collections::HashMap;
use std::path::PathBuf;

/// Which similarity to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    /// Cosine similarity with shrinkage.
    Itemknn,
    /// EASE, the regularised closed-form item-item regression.
    Ease,
}

/// Width of the stored weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuantisationArg {
    /// 1 byte per weight (smallest; default).
    U8,
    /// 2 bytes per weight.
    U16,
}

impl From<QuantisationArg> for Quantisation {
    fn from(q: QuantisationArg) -> Self {
        match q {
            QuantisationArg::U8 => Quantisation::U8,
            QuantisationArg::U16 => Quantisation::U16,
        }
    }
}

/// Arguments of `build-model`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Interaction log: CSV with header `user,item,timestamp[,weight]`, or JSON
    /// lines (`.jsonl`) with the same fields.
    #[arg(long, conflicts_with_all = ["counts", "item_counts"], required_unless_present = "counts")]
    pub input: Option<PathBuf>,
    /// Pre-aggregated pair counts: CSV `item_a,item_b,count`, each unordered pair once.
    #[arg(long, requires = "item_counts")]
    pub counts: Option<PathBuf>,
    /// Pre-aggregated item counts: CSV `item,count` (count = number of users).
    #[arg(long, requires = "counts")]
    pub item_counts: Option<PathBuf>,
    /// Similarity to compute.
    #[arg(long, value_enum, default_value = "itemknn")]
    pub algorithm: AlgorithmArg,
    /// Neighbours kept per item (k), 1..=65535.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..))]
    pub neighbours: u16,
    /// ItemKNN shrinkage added to the cosine denominator.
    #[arg(long, default_value_t = 10.0)]
    pub shrinkage: f64,
    /// EASE L2 regularisation λ.
    #[arg(long, default_value_t = 200.0)]
    pub lambda: f64,
    /// Also store a directed transition table (needs --input: order is in the log).
    #[arg(long)]
    pub transitions: bool,
    /// Transition window: how many following events count as "next".
    #[arg(long, default_value_t = 3)]
    pub transition_window: usize,
    /// Transition neighbours kept per item (the transition table's k).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..))]
    pub transition_neighbours: u16,
    /// Weight quantisation of the stored neighbours.
    #[arg(long, value_enum, default_value = "u8")]
    pub quantisation: QuantisationArg,
    /// Where to write the model.
    #[arg(long)]
    pub output: PathBuf,
    /// No progress lines on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs `build-model`.
pub fn run(args: Args) -> Result<(), String> {
    let (counts, raw) = match (&args.input, &args.counts, &args.item_counts) {
        (Some(input), _, _) => {
            let rows = read_interactions(input)?;
            if !args.quiet {
                eprintln!("read {} interactions from {}", rows.len(), input.display());
            }
            (CoCounts::from_interactions(&rows, args.quiet), Some(rows))
        }
        (None, Some(pairs), Some(items)) => (CoCounts::read(pairs, items)?, None),
        _ => return Err("give --input, or --counts with --item-counts".into()),
    };
    if args.transitions && raw.is_none() {
        return Err("--transitions needs --input (the order of events is only in the log)".into());
    }
    let model = build(&counts, raw.as_deref(), &args)?;
    let bytes = model.encode(args.quantisation.into());
    std::fs::write(&args.output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    let n = model.item_ids().len().max(1);
    eprintln!(
        "wrote {}: {} items, {} bytes ({:.1} bytes/item)",
        args.output.display(),
        model.item_ids().len(),
        bytes.len(),
        bytes.len() as f64 / n as f64
    );
    Ok(())
}

/// Builds the model in memory (shared by `run` and the tests).
pub fn build(
    counts: &CoCounts,
    raw: Option<&[Interaction]>,
    args: &Args,
) -> Result<NeighbourModel, String> {
    let n = counts.ids.len();
    if !args.quiet {
        eprintln!(
            "{}: {n} items, k = {}",
            args.algorithm_name(),
            args.neighbours
        );
    }
    let (algorithm, rows) = match args.algorithm {
        AlgorithmArg::Itemknn => (
            Algorithm::ItemKnn,
            itemknn::similarity_rows(counts, args.shrinkage),
        ),
        AlgorithmArg::Ease => {
            if !args.quiet {
                eprintln!("ease: inverting the {n}×{n} Gram matrix");
            }
            let b = ease::fit(counts, args.lambda)?;
            (Algorithm::Ease, ease::rows(&b, n))
        }
    };
    let mut tables =
        vec![NeighbourTable::from_rows(algorithm, args.neighbours, rows)
            .map_err(|e| e.to_string())?];
    if let (true, Some(raw)) = (args.transitions, raw) {
        let index: HashMap<&str, u32> = counts
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        let mut by_user: HashMap<&str, Vec<(u32, f64)>> = HashMap::new();
        for r in raw {
            by_user
                .entry(r.user.as_str())
                .or_default()
                .push((index[r.item.as_str()], r.timestamp));
        }
        let mut users: Vec<_> = by_user.into_iter().collect();
        users.sort_by(|a, b| a.0.cmp(b.0));
        let sequences: Vec<Vec<(u32, f64)>> = users.into_iter().map(|(_, s)| s).collect();
        let params = TransitionParams {
            window: args.transition_window,
            decay: 0.8,
            shrinkage: args.shrinkage,
        };
        let rows = transition_rows(n, &sequences, params);
        tables.push(
            NeighbourTable::from_rows(Algorithm::Transition, args.transition_neighbours, rows)
                .map_err(|e| e.to_string())?,
        );
    }
    NeighbourModel::new(counts.ids.clone(), tables).map_err(|e| e.to_string())
}

impl Args {
    fn algorithm_name(&self) -> &'static str {
        match self.algorithm {
            AlgorithmArg::Itemknn => "itemknn",
            AlgorithmArg::Ease => "ease",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactions::parse_csv;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn args(extra: &[&str]) -> Args {
        let mut argv = vec![
            "x",
            "--input",
            "unused.csv",
            "--output",
            "unused.bin",
            "--quiet",
        ];
        argv.extend_from_slice(extra);
        Cli::try_parse_from(argv).unwrap().args
    }

    /// A synthetic log: 40 users, 30 items, with repeats.
    fn log() -> String {
        let mut text = String::from("user,item,timestamp\n");
        let mut state = 7u64;
        for u in 0..40 {
            for t in 0..12 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let item = (state >> 33) % (5 + u % 25) + (u % 3);
                text.push_str(&format!("u{u},item-{item},{t}\n"));
            }
        }
        text
    }

    /// What `SELECT a.item, b.item, COUNT(*) ... a.item < b.item` returns,
    /// computed independently of `CoCounts`.
    fn sql_like_counts(rows: &[Interaction]) -> (String, String) {
        use std::collections::{BTreeMap, BTreeSet};
        let mut baskets: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in rows {
            baskets.entry(&r.user).or_default().insert(&r.item);
        }
        let mut items: BTreeMap<&str, u64> = BTreeMap::new();
        let mut pairs: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for basket in baskets.values() {
            for a in basket {
                *items.entry(a).or_default() += 1;
                for b in basket.iter().filter(|b| a < *b) {
                    *pairs.entry((a, b)).or_default() += 1;
                }
            }
        }
        let mut p = String::from("item_a,item_b,count\n");
        // Reverse orientation on some lines: the builder accepts either.
        for (n, ((a, b), c)) in pairs.iter().enumerate() {
            if n % 2 == 0 {
                p.push_str(&format!("{a},{b},{c}\n"));
            } else {
                p.push_str(&format!("{b},{a},{c}\n"));
            }
        }
        let mut i = String::from("item,count\n");
        for (item, c) in items.iter().rev() {
            i.push_str(&format!("{item},{c}\n"));
        }
        (p, i)
    }

    #[test]
    fn itemknn_from_raw_logs_and_from_counts_is_byte_identical() {
        let rows = parse_csv(&log()).unwrap();
        let (pairs, items) = sql_like_counts(&rows);
        let from_files = CoCounts::parse(&pairs, &items).unwrap();
        for algorithm in ["itemknn", "ease"] {
            for k in ["5", "50"] {
                let a = args(&["--algorithm", algorithm, "--neighbours", k]);
                let raw =
                    build(&CoCounts::from_interactions(&rows, true), Some(&rows), &a).unwrap();
                let agg = build(&from_files, None, &a).unwrap();
                assert_eq!(raw.item_ids(), &from_files.ids[..]);
                for q in [Quantisation::U8, Quantisation::U16] {
                    assert_eq!(raw.encode(q), agg.encode(q), "{algorithm} k={k} {q:?}");
                }
                assert!(raw.tables()[0].nnz() > 0);
            }
        }
    }

    #[test]
    fn transitions_need_the_raw_log() {
        let rows = parse_csv(&log()).unwrap();
        let a = args(&["--transitions", "--neighbours", "10"]);
        let model = build(&CoCounts::from_interactions(&rows, true), Some(&rows), &a).unwrap();
        assert_eq!(model.tables().len(), 2);
        assert_eq!(model.tables()[1].algorithm(), Algorithm::Transition);
        assert!(model.tables()[1].nnz() > 0);
    }
}
