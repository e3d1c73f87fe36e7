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
            (CoCounts::from_interactions(&rows), Some(rows))
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
            NeighbourTable::from_rows(Algorithm::Transition, args.neighbours, rows)
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
