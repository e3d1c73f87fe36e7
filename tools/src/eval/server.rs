//! Server-side scorers with full information (random, popularity, ItemKNN,
//! EASE) and the loop that evaluates any scorer on a split.

use super::data::{Event, Split};
use super::metrics::{Accumulator, Metrics};
use crate::counts::CoCounts;
use crate::progress::Progress;
use crate::{ease, itemknn};
use lighttouch::model::{Algorithm, NeighbourTable};

/// Evaluates `score(user, training history) -> scores over all items` on every
/// evaluated user of `split`.
pub fn evaluate(
    split: &Split,
    n: usize,
    seed: u64,
    mut score: impl FnMut(usize, &[Event]) -> Vec<f32>,
) -> Metrics {
    let mut acc = Accumulator::default();
    let mut excluded = vec![false; n];
    for (u, (train, target)) in split.train.iter().zip(&split.target).enumerate() {
        let Some(target) = target else { continue };
        for e in train {
            excluded[e.item as usize] = true;
        }
        let scores = score(u, train);
        acc.add(
            &scores,
            target.item,
            &excluded,
            seed ^ (u as u64).wrapping_mul(0x2545_f491),
        );
        for e in train {
            excluded[e.item as usize] = false;
        }
    }
    acc.finish()
}

/// Evaluates `f` on each split and merges the results (weighted by users).
pub fn over(splits: &[Split], f: impl FnMut(&Split) -> Metrics) -> Metrics {
    Metrics::merge(&splits.iter().map(f).collect::<Vec<_>>())
}

/// Binary co-occurrence counts of the split's training data.
pub fn train_counts(split: &Split, ids: &[String]) -> CoCounts {
    let baskets: Vec<Vec<(u32, f64)>> = split
        .train
        .iter()
        .map(|seq| {
            let mut items: Vec<u32> = seq.iter().map(|e| e.item).collect();
            items.sort_unstable();
            items.dedup();
            items.into_iter().map(|i| (i, 1.0)).collect()
        })
        .collect();
    CoCounts::from_baskets(ids.to_vec(), &baskets, &mut Progress::new("", 0, true))
}

/// Item popularity (number of training users) as scores.
pub fn popularity(counts: &CoCounts) -> Vec<f32> {
    counts.item.iter().map(|&c| c as f32).collect()
}

/// ItemKNN table with `k` neighbours per item.
pub fn knn_table(counts: &CoCounts, shrinkage: f64, k: u16) -> NeighbourTable {
    NeighbourTable::from_rows(
        Algorithm::ItemKnn,
        k,
        itemknn::similarity_rows(counts, shrinkage),
    )
    .expect("rows built from valid counts")
}

/// Dense EASE matrix.
pub fn ease_dense(counts: &CoCounts, lambda: f64) -> Vec<f32> {
    ease::fit(counts, lambda).expect("lambda > 0 and a positive definite Gram matrix")
}

/// EASE table with `k` neighbours per item.
pub fn ease_table(b: &[f32], n: usize, k: u16) -> NeighbourTable {
    NeighbourTable::from_rows(Algorithm::Ease, k, ease::rows(b, n))
        .expect("rows built from a valid matrix")
}

/// `x_u · B` for a dense row-major B.
pub fn score_dense(b: &[f32], n: usize, history: &[Event]) -> Vec<f32> {
    let mut s = vec![0.0f32; n];
    for e in history {
        let row = &b[e.item as usize * n..(e.item as usize + 1) * n];
        for (x, w) in s.iter_mut().zip(row) {
            *x += w;
        }
    }
    s
}

/// `x_u · B` for a sparse neighbour table.
pub fn score_table(table: &NeighbourTable, n: usize, history: &[Event]) -> Vec<f32> {
    let mut s = vec![0.0f32; n];
    for e in history {
        let (items, weights) = table.row(e.item as usize);
        for (&j, &w) in items.iter().zip(weights) {
            s[j as usize] += w;
        }
    }
    s
}

/// Classic server ItemKNN: each *candidate* keeps its `k` most similar items
/// (column-wise top-k, as in Sarwar et al. and RecBole); stored transposed so
/// that row `i` lists the candidates for which `i` is among their top k.
pub fn knn_table_by_candidate(counts: &CoCounts, shrinkage: f64, k: u16) -> NeighbourTable {
    let top = knn_table(counts, shrinkage, k);
    let n = top.len();
    let mut rows: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
    for j in 0..n {
        let (items, weights) = top.row(j);
        for (&i, &w) in items.iter().zip(weights) {
            rows[i as usize].push((j as u32, w));
        }
    }
    NeighbourTable::from_rows(Algorithm::ItemKnn, u16::MAX, rows).expect("transposed valid rows")
}
