//! Directed transitions: item `a` → the items that follow it within a window
//! of each user's time-ordered sequence. Events with the same timestamp have
//! no known order, so they count in both directions (half weight each).
//!
//! `t(a → b) = Σ decay^(gap−1) / (sqrt(n_a · n_b) + shrinkage)` where `gap` is
//! how many events later `b` came and `n_x` how many events involve `x`.

/// Settings of the transition table.
#[derive(Debug, Clone, Copy)]
pub struct TransitionParams {
    /// How many following events count as "next".
    pub window: usize,
    /// Weight factor per extra step of distance.
    pub decay: f64,
    /// Added to the normaliser, damping rare items.
    pub shrinkage: f64,
}

/// One row of transition weights per item, from per-user sequences of
/// `(item index, timestamp)` (any order; sorted here by time then index).
pub fn transition_rows(
    n: usize,
    sequences: &[Vec<(u32, f64)>],
    params: TransitionParams,
) -> Vec<Vec<(u32, f32)>> {
    let mut counts: Vec<std::collections::HashMap<u32, f64>> = vec![Default::default(); n];
    let mut occurrences = vec![0.0f64; n];
    for seq in sequences {
        let mut seq = seq.clone();
        seq.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        for (p, &(a, ts_a)) in seq.iter().enumerate() {
            occurrences[a as usize] += 1.0;
            for (gap, &(b, ts_b)) in seq.iter().skip(p + 1).take(params.window).enumerate() {
                if a == b {
                    continue;
                }
                let w = params.decay.powi(gap as i32);
                if ts_a == ts_b {
                    *counts[a as usize].entry(b).or_insert(0.0) += w / 2.0;
                    *counts[b as usize].entry(a).or_insert(0.0) += w / 2.0;
                } else {
                    *counts[a as usize].entry(b).or_insert(0.0) += w;
                }
            }
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(a, row)| {
            let mut row: Vec<(u32, f32)> = row
                .into_iter()
                .map(|(b, c)| {
                    (
                        b,
                        (c / ((occurrences[a] * occurrences[b as usize]).sqrt() + params.shrinkage))
                            as f32,
                    )
                })
                .collect();
            row.sort_by_key(|&(b, _)| b);
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_directed_except_for_ties() {
        let params = TransitionParams {
            window: 1,
            decay: 1.0,
            shrinkage: 0.0,
        };
        let rows = transition_rows(3, &[vec![(0, 1.0), (1, 2.0), (2, 2.0)]], params);
        assert_eq!(rows[0], vec![(1, 1.0)]);
        assert_eq!(rows[1], vec![(2, 0.5)]);
        assert_eq!(rows[2], vec![(1, 0.5)]);
    }
}
