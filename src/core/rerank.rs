//! Re-ranking and rules on top of the scored list (`recommend` options):
//! hard filters (`exclude`, `excludeSeenKinds`), frequency capping (items
//! shown `maxImpressions` times without engagement sink below the rest),
//! diversity (maximal marginal relevance over categories, or a per-category
//! cap) and exploration (a share of slots given to categories drawn by
//! Thompson sampling on the visitor's own per-category engagement rate).
//!
//! Order of application: filters, frequency cap, diversity, exploration.
//! Without any of these options (and no recorded impressions) the scored
//! list is returned untouched.

use serde::{Deserialize, Serialize};

use super::error::RecommendError;
use super::event::Event;
use super::impressions::Impressions;
use super::ranking::{self, RankContext, RecommendRequest, Recommendation, ScoreComponent, MAX_K};

/// Diversity options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Diversity {
    /// At most this many results sharing a category (0 = no cap; default 0).
    pub max_per_category: u32,
    /// Maximal marginal relevance trade-off in `0..=1`: 1 = relevance only
    /// (default), lower values penalise category overlap with items already chosen.
    pub lambda: f64,
}

impl Default for Diversity {
    fn default() -> Self {
        Diversity {
            max_per_category: 0,
            lambda: 1.0,
        }
    }
}

/// Exploration options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Exploration {
    /// Share of the `k` slots (rounded) given to exploration, `0..=0.5` (default 0).
    pub share: f64,
    /// Seed of the sampling (default: derived from the request time). Fix it for reproducible tests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// Frequency capping options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FrequencyCap {
    /// Impressions without engagement after which an item sinks below every
    /// other candidate (default 3; 0 = off).
    pub max_impressions: u32,
}

impl Default for FrequencyCap {
    fn default() -> Self {
        FrequencyCap { max_impressions: 3 }
    }
}

fn invalid(field: &str, reason: String) -> RecommendError {
    RecommendError::InvalidField {
        field: field.to_string(),
        reason,
    }
}

/// Checks the re-ranking fields of `request`.
pub fn validate(request: &RecommendRequest) -> Result<(), RecommendError> {
    if let Some(d) = &request.diversity {
        if !(d.lambda.is_finite() && (0.0..=1.0).contains(&d.lambda)) {
            return Err(invalid(
                "diversity.lambda",
                format!("must be in 0..=1, got {}", d.lambda),
            ));
        }
    }
    if let Some(e) = &request.exploration {
        if !(e.share.is_finite() && (0.0..=0.5).contains(&e.share)) {
            return Err(invalid(
                "exploration.share",
                format!("must be in 0..=0.5, got {}", e.share),
            ));
        }
    }
    Ok(())
}

/// What re-ranking needs besides the ranking context.
pub struct RerankInput<'a> {
    /// The raw history, oldest first.
    pub history: &'a [&'a Event],
    /// Recorded impressions.
    pub impressions: &'a Impressions,
}

/// Scores, filters and re-ranks.
pub fn recommend(
    ctx: &RankContext<'_>,
    request: &RecommendRequest,
    extras: &[&dyn ScoreComponent],
    input: &RerankInput<'_>,
) -> Result<Vec<Recommendation>, RecommendError> {
    validate(request)?;
    let k = request.k;
    if k == 0 || k > MAX_K {
        return Err(RecommendError::InvalidK { k, max: MAX_K });
    }
    let capped = capped_items(input, request.frequency_cap.max_impressions);
    let diversify = request
        .diversity
        .as_ref()
        .is_some_and(|d| d.max_per_category > 0 || d.lambda < 1.0);
    let explore = request
        .exploration
        .as_ref()
        .is_some_and(|e| (e.share * k as f64).round() >= 1.0);
    let plain =
        request.exclude.is_none() && request.exclude_seen_kinds.is_none() && capped.is_empty();
    if plain && !diversify && !explore {
        return ranking::recommend(ctx, request, extras);
    }
    let mut inner = request.clone();
    let excluded = request.exclude.as_ref().map_or(0, Vec::len);
    inner.k = (k * 5)
        .max(k + 50)
        .saturating_add(excluded + capped.len())
        .min(MAX_K.max(k));
    if request.exclude_seen_kinds.is_some() {
        inner.exclude_seen = false;
    }
    let mut pool = ranking::recommend(ctx, &inner, extras)?;
    if let Some(ids) = &request.exclude {
        pool.retain(|r| !ids.contains(&r.id));
    }
    if let Some(kinds) = &request.exclude_seen_kinds {
        pool.retain(|r| {
            !input
                .history
                .iter()
                .any(|e| e.item == r.id && kinds.contains(&e.kind))
        });
    }
    if !capped.is_empty() {
        let (fresh, sunk): (Vec<_>, Vec<_>) = pool
            .into_iter()
            .partition(|r| !capped.contains(&r.id.as_str()));
        pool = fresh.into_iter().chain(sunk).collect();
    }
    let categories = |r: &Recommendation| -> Vec<u32> {
        ctx.catalog
            .index_of(&r.id)
            .map(|i| ctx.catalog.categories_of(i).to_vec())
            .unwrap_or_default()
    };
    let cats: Vec<Vec<u32>> = pool.iter().map(categories).collect();
    let order = match &request.diversity {
        Some(d) if diversify => diversify_order(&pool, &cats, d, k),
        _ => (0..pool.len().min(k)).collect(),
    };
    let mut chosen: Vec<usize> = order;
    if let (Some(e), true) = (&request.exploration, explore) {
        let slots = ((e.share * k as f64).round() as usize).min(chosen.len());
        let seed = e.seed.unwrap_or_else(|| ctx.now_ms.to_bits());
        let stats = category_stats(ctx, input);
        explore_slots(&mut chosen, &cats, &stats, slots, k, seed);
    }
    let mut taken: Vec<Option<Recommendation>> = pool.into_iter().map(Some).collect();
    Ok(chosen.into_iter().filter_map(|i| taken[i].take()).collect())
}

/// Ids shown `max` times or more without engagement since their first impression.
fn capped_items<'a>(input: &'a RerankInput<'_>, max: u32) -> Vec<&'a str> {
    if max == 0 {
        return Vec::new();
    }
    input
        .impressions
        .items
        .iter()
        .filter(|s| s.count >= max)
        .filter(|s| {
            !input
                .history
                .iter()
                .any(|e| e.item == s.id && e.at >= s.first_ms && Impressions::is_engagement(e))
        })
        .map(|s| s.id.as_str())
        .collect()
}

/// Greedy selection of `k` pool positions: per-category cap, then MMR with
/// Jaccard overlap of categories. Positions that break the cap fill the end
/// only if nothing else is left.
fn diversify_order(
    pool: &[Recommendation],
    cats: &[Vec<u32>],
    d: &Diversity,
    k: usize,
) -> Vec<usize> {
    let max_score = pool.iter().map(|r| r.score).fold(f64::MIN, f64::max);
    let min_score = pool.iter().map(|r| r.score).fold(f64::MAX, f64::min);
    let span = (max_score - min_score).max(1e-12);
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    let mut used = vec![false; pool.len()];
    let mut per_category: std::collections::HashMap<u32, u32> = Default::default();
    while chosen.len() < k.min(pool.len()) {
        let mut best: Option<(f64, usize)> = None;
        for i in (0..pool.len()).filter(|&i| !used[i]) {
            let over_cap = d.max_per_category > 0
                && cats[i]
                    .iter()
                    .any(|c| per_category.get(c).copied().unwrap_or(0) >= d.max_per_category);
            if over_cap {
                continue;
            }
            let relevance = (pool[i].score - min_score) / span;
            let overlap = chosen
                .iter()
                .map(|&j| jaccard(&cats[i], &cats[j]))
                .fold(0.0, f64::max);
            let value = d.lambda * relevance - (1.0 - d.lambda) * overlap;
            if best.is_none_or(|(b, _)| value > b) {
                best = Some((value, i));
            }
        }
        let Some((_, i)) = best else { break };
        used[i] = true;
        for &c in &cats[i] {
            *per_category.entry(c).or_insert(0) += 1;
        }
        chosen.push(i);
    }
    // Not enough items within the cap: fill in score order.
    let rest: Vec<usize> = (0..pool.len()).filter(|&i| !used[i]).collect();
    chosen.extend(rest.into_iter().take(k.saturating_sub(chosen.len())));
    chosen
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|c| b.contains(c)).count() as f64;
    common / (a.len() as f64 + b.len() as f64 - common)
}

/// Per catalogue category: (impressions, engagements) from the visitor's own data.
fn category_stats(ctx: &RankContext<'_>, input: &RerankInput<'_>) -> Vec<(f64, f64)> {
    let mut stats = vec![(0.0, 0.0); ctx.catalog.categories().len()];
    for shown in &input.impressions.items {
        let Some(i) = ctx.catalog.index_of(&shown.id) else {
            continue;
        };
        let engaged = input
            .history
            .iter()
            .any(|e| e.item == shown.id && e.at >= shown.first_ms && Impressions::is_engagement(e));
        for &c in ctx.catalog.categories_of(i) {
            stats[c as usize].0 += f64::from(shown.count);
            stats[c as usize].1 += if engaged { 1.0 } else { 0.0 };
        }
    }
    stats
}

/// Replaces the last `slots` of `chosen` with the best unchosen pool item of
/// a category drawn by Thompson sampling (Beta(1 + engaged, 1 + shown − engaged)).
fn explore_slots(
    chosen: &mut Vec<usize>,
    cats: &[Vec<u32>],
    stats: &[(f64, f64)],
    slots: usize,
    k: usize,
    seed: u64,
) {
    let mut rng = SplitMix(seed);
    let keep = chosen.len().saturating_sub(slots).min(k);
    let mut exploit: Vec<usize> = chosen[..keep].to_vec();
    let mut picked = Vec::new();
    for _ in 0..slots {
        let mut available: Vec<u32> = (0..cats.len())
            .filter(|i| !exploit.contains(i) && !picked.contains(i))
            .flat_map(|i| cats[i].iter().copied())
            .collect();
        available.sort_unstable();
        available.dedup();
        let category = available
            .iter()
            .map(|&c| {
                let (shown, engaged) = stats.get(c as usize).copied().unwrap_or((0.0, 0.0));
                let theta = rng.beta(1.0 + engaged, 1.0 + (shown - engaged).max(0.0));
                (theta, c)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, c)| c);
        let next = (0..cats.len()).find(|i| {
            !exploit.contains(i)
                && !picked.contains(i)
                && category.is_none_or(|c| cats[*i].contains(&c))
        });
        match next {
            Some(i) => picked.push(i),
            None => break,
        }
    }
    // Fill back with the next best exploit items if exploration found too few.
    for &i in chosen.iter().skip(keep) {
        if exploit.len() + picked.len() >= chosen.len() {
            break;
        }
        if !picked.contains(&i) {
            exploit.push(i);
        }
    }
    exploit.extend(picked);
    *chosen = exploit;
}

/// splitmix64 with Beta sampling through Marsaglia–Tsang gamma variates.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            if self.uniform().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beta_samples_follow_their_mean() {
        let mut rng = SplitMix(7);
        let n = 20_000;
        let mean: f64 = (0..n).map(|_| rng.beta(9.0, 3.0)).sum::<f64>() / n as f64;
        assert!((mean - 0.75).abs() < 0.01, "{mean}");
        let mean: f64 = (0..n).map(|_| rng.beta(1.0, 1.0)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
    }

    #[test]
    fn jaccard_of_categories() {
        assert_eq!(jaccard(&[1, 2], &[2, 3]), 1.0 / 3.0);
        assert_eq!(jaccard(&[1], &[1]), 1.0);
        assert_eq!(jaccard(&[], &[1]), 0.0);
    }
}
