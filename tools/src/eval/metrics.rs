//! HR@10 and NDCG@10 over all items not in the user's training history, and
//! over 100 sampled negatives (seeded).

/// Metric averages over evaluated users.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Hit rate at 10, full ranking.
    pub hr: f64,
    /// NDCG at 10, full ranking.
    pub ndcg: f64,
    /// Hit rate at 10 against 100 sampled negatives.
    pub hr_sampled: f64,
    /// NDCG at 10 against 100 sampled negatives.
    pub ndcg_sampled: f64,
    /// Users evaluated.
    pub users: usize,
}

impl Metrics {
    /// Averages several evaluations, weighted by their users.
    pub fn merge(parts: &[Metrics]) -> Metrics {
        let users: usize = parts.iter().map(|m| m.users).sum();
        let w = |f: fn(&Metrics) -> f64| {
            parts.iter().map(|m| f(m) * m.users as f64).sum::<f64>() / users.max(1) as f64
        };
        Metrics {
            hr: w(|m| m.hr),
            ndcg: w(|m| m.ndcg),
            hr_sampled: w(|m| m.hr_sampled),
            ndcg_sampled: w(|m| m.ndcg_sampled),
            users,
        }
    }
}

/// Accumulates per-user results.
#[derive(Debug, Default)]
pub struct Accumulator {
    sum: Metrics,
}

/// A small seeded generator (splitmix64) for sampling and random scores.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// The 100 negatives (seeded) for one user: items not in `excluded` and not
/// the target; all of them when fewer than 100 remain. Every row (server and
/// on-device) uses this same draw.
pub fn sample_negatives(excluded: &[bool], target: u32, seed: u64) -> Vec<u32> {
    let mut rng = SplitMix(seed);
    let pool: Vec<u32> = (0..excluded.len() as u32)
        .filter(|&c| !excluded[c as usize] && c != target)
        .collect();
    if pool.len() <= 100 {
        return pool;
    }
    let mut taken = vec![false; pool.len()];
    let mut out = Vec::with_capacity(100);
    while out.len() < 100 {
        let at = rng.below(pool.len());
        if !taken[at] {
            taken[at] = true;
            out.push(pool[at]);
        }
    }
    out
}

fn gain(rank: usize) -> (f64, f64) {
    if rank < 10 {
        (1.0, 1.0 / ((rank + 2) as f64).log2())
    } else {
        (0.0, 0.0)
    }
}

/// Rank of `target` among `candidates` (ties broken by lower index first).
fn rank_among(scores: &[f32], target: u32, candidates: impl Iterator<Item = u32>) -> usize {
    let s = scores[target as usize];
    candidates
        .filter(|&c| c != target)
        .filter(|&c| {
            let x = scores[c as usize];
            x > s || (x == s && c < target)
        })
        .count()
}

impl Accumulator {
    /// Adds one user: `excluded[i]` marks training-history items (not ranked).
    pub fn add(&mut self, scores: &[f32], target: u32, excluded: &[bool], seed: u64) {
        let n = scores.len() as u32;
        let full = rank_among(scores, target, (0..n).filter(|&c| !excluded[c as usize]));
        let negatives = sample_negatives(excluded, target, seed);
        let sampled = rank_among(scores, target, negatives.into_iter());
        let (h, g) = gain(full);
        let (hs, gs) = gain(sampled);
        self.sum.hr += h;
        self.sum.ndcg += g;
        self.sum.hr_sampled += hs;
        self.sum.ndcg_sampled += gs;
        self.sum.users += 1;
    }

    /// Adds one user from the target's 0-based rank in a top-10 list (full
    /// ranking) and among the sampled negatives; `None` = not in the top 10.
    pub fn add_ranks(&mut self, full: Option<usize>, sampled: Option<usize>) {
        let (h, g) = gain(full.unwrap_or(usize::MAX));
        let (hs, gs) = gain(sampled.unwrap_or(usize::MAX));
        self.sum.hr += h;
        self.sum.ndcg += g;
        self.sum.hr_sampled += hs;
        self.sum.ndcg_sampled += gs;
        self.sum.users += 1;
    }

    /// The averages.
    pub fn finish(&self) -> Metrics {
        let n = self.sum.users.max(1) as f64;
        Metrics {
            hr: self.sum.hr / n,
            ndcg: self.sum.ndcg / n,
            hr_sampled: self.sum.hr_sampled / n,
            ndcg_sampled: self.sum.ndcg_sampled / n,
            users: self.sum.users,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_rank_counts_fully_and_excluded_items_do_not_compete() {
        let mut acc = Accumulator::default();
        acc.add(&[0.9, 0.5, 0.1], 1, &[true, false, false], 1);
        let m = acc.finish();
        assert_eq!((m.hr, m.ndcg), (1.0, 1.0));
        let mut acc = Accumulator::default();
        acc.add(&[0.9, 0.5, 0.1], 1, &[false, false, false], 1);
        assert!((acc.finish().ndcg - 1.0 / 3f64.log2()).abs() < 1e-12);
    }
}
