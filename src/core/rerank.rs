//! From scores to the returned list: hard filters, frequency capping,
//! diversity and exploration. Applies to whatever score components are
//! present (the v1 components plus any [`ScoreComponent`], e.g. item-item
//! neighbours).
//!
//! Pipeline for one request:
//!
//! 1. **Pool**: `candidates` (each must be in the catalogue) or the whole
//!    catalogue.
//! 2. **Hard filters** (never relaxed): dismissed and disliked items,
//!    `excludeSeen` (any seen item, none, or items with an event of the given
//!    kinds), `exclude`, `allow`/`only`, `categories`.
//! 3. **Scores**: the sum of the components, then frequency capping: each
//!    unengaged impression multiplies a positive score by 0.7 (a negative one
//!    loses the same share of its magnitude); an item with `impressionCap`
//!    unengaged impressions is *capped*: it is ranked after every non-capped
//!    candidate, whatever its score (see [`super::impressions`]).
//! 4. **Selection** of `n = min(k, pool)` slots, non-capped items first:
//!    * without diversity and exploration: the top `n` by score;
//!    * `diversity.maxPerCategory`: items that would exceed the cap for one of
//!      their categories are skipped (a hard limit: fewer items may return);
//!    * `diversity.lambda`: maximal marginal relevance (Carbonell & Goldstein
//!      1998), computed lazily with an upper-bound cut so only the few items
//!      that can still win are compared;
//!    * `exploration`: `round(n * share)` slots, at seeded random positions
//!      (never the first slot unless all are), are filled by Thompson
//!      sampling: one Beta(clicks + 1, impressions − clicks + 1) draw per
//!      category present in the remaining pool (uniform for categories never
//!      shown), and the best remaining item of the winning category. These
//!      items carry a `{kind: "exploration", category}` reason first.
//!
//! Ties are broken by catalogue index and all randomness comes from the
//! request's `seed` (or a fixed default), so equal inputs give equal outputs.
//!
//! The reported `score` is the relevance after the impression penalty; the
//! returned order is the re-ranked order, which diversity, exploration and
//! capping may make differ from the order of the scores.

use std::cmp::Ordering;

use super::bandit::{Rng, DEFAULT_SEED};
use super::catalog::Catalog;
use super::error::RecommendError;
use super::impressions::{is_capped, penalised, Impressions};
use super::ranking::{RankContext, Reason, Recommendation, ScoreComponent};
use super::request::RecommendRequest;

/// Weight of tag overlap relative to category overlap and vector cosine in
/// the diversity similarity.
const TAG_SIMILARITY_WEIGHT: f64 = 0.5;

/// One scored candidate.
#[derive(Debug, Clone, Copy)]
struct Scored {
    capped: bool,
    score: f64,
    idx: u32,
}

fn order(a: &Scored, b: &Scored) -> Ordering {
    a.capped
        .cmp(&b.capped)
        .then(b.score.total_cmp(&a.score))
        .then(a.idx.cmp(&b.idx))
}

/// Ranks for `request` with the given extra components and, when present,
/// the visitor's impressions (frequency capping and exploration priors).
pub fn rank(
    ctx: &RankContext<'_>,
    request: &RecommendRequest,
    extras: &[&dyn ScoreComponent],
    impressions: Option<&Impressions>,
) -> Result<Vec<Recommendation>, RecommendError> {
    request.validate()?;
    let pool = pool(ctx.catalog, request)?;
    let allowed = hard_filter(ctx, request);
    let unengaged = unengaged_by_index(ctx, impressions);
    let cap = ctx.options.impression_cap;
    let mut scored: Vec<Scored> = pool
        .into_iter()
        .filter(|&i| allowed[i as usize])
        .map(|i| {
            let raw = ctx.base_score(i) + extras.iter().map(|e| e.score(ctx, i)).sum::<f64>();
            let n = unengaged.as_ref().map_or(0, |u| u[i as usize]);
            Scored {
                capped: is_capped(n, cap),
                score: penalised(raw, n, cap),
                idx: i,
            }
        })
        .collect();
    let n_out = request.k.min(scored.len());
    let explored = (n_out as f64 * request.exploration).round() as usize;
    let picks: Vec<(usize, Option<Reason>)> = if explored == 0 && request.diversity.is_none() {
        if scored.len() > n_out && n_out > 0 {
            scored.select_nth_unstable_by(n_out - 1, order);
            scored.truncate(n_out);
        }
        scored.sort_by(order);
        (0..scored.len()).map(|j| (j, None)).collect()
    } else {
        scored.sort_by(order);
        let mut sel = Selector::new(ctx, &scored, request, impressions);
        sel.run(n_out, explored, request.seed.unwrap_or(DEFAULT_SEED))
    };
    Ok(picks
        .into_iter()
        .map(|(j, explore)| {
            let s = scored[j];
            let mut reasons = ctx.reasons(s.idx, extras);
            if let Some(r) = explore {
                reasons.insert(0, r);
            }
            Recommendation {
                id: ctx.catalog.id(s.idx).to_string(),
                score: s.score,
                reasons,
            }
        })
        .collect())
}

/// The candidate pool: `candidates` (de-duplicated) or the whole catalogue.
fn pool(catalog: &Catalog, request: &RecommendRequest) -> Result<Vec<u32>, RecommendError> {
    match &request.candidates {
        Some(ids) => {
            let mut pool = Vec::with_capacity(ids.len());
            for (index, id) in ids.iter().enumerate() {
                let i = catalog
                    .index_of(id)
                    .ok_or_else(|| RecommendError::UnknownCandidate {
                        index,
                        id: id.clone(),
                    })?;
                pool.push(i);
            }
            pool.sort_unstable();
            pool.dedup();
            Ok(pool)
        }
        None => Ok((0..catalog.len() as u32).collect()),
    }
}

/// Per catalogue item: whether every hard filter lets it through.
fn hard_filter(ctx: &RankContext<'_>, request: &RecommendRequest) -> Vec<bool> {
    let catalog = ctx.catalog;
    let mut ok: Vec<bool> = (0..catalog.len())
        .map(|i| !ctx.dismissed[i] && !ctx.disliked[i])
        .collect();
    let seen = request.exclude_seen;
    if seen.is_all() {
        for (o, &s) in ok.iter_mut().zip(&ctx.seen) {
            *o &= !s;
        }
    } else if !seen.is_none() {
        for id in ctx.profile.seen.keys() {
            if ctx.profile.seen_kinds_of(id).intersects(seen.0) {
                if let Some(i) = catalog.index_of(id) {
                    ok[i as usize] = false;
                }
            }
        }
    }
    for id in request.exclude.iter().flatten() {
        if let Some(i) = catalog.index_of(id) {
            ok[i as usize] = false;
        }
    }
    if let Some(allow) = &request.allow {
        let mut listed = vec![false; catalog.len()];
        for id in allow {
            if let Some(i) = catalog.index_of(id) {
                listed[i as usize] = true;
            }
        }
        for (o, l) in ok.iter_mut().zip(listed) {
            *o &= l;
        }
    }
    if let Some(names) = &request.categories {
        let mut wanted = vec![false; catalog.categories().len()];
        for n in names {
            if let Some(c) = catalog.categories().get(n) {
                wanted[c as usize] = true;
            }
        }
        for (i, o) in ok.iter_mut().enumerate() {
            *o &= catalog
                .categories_of(i as u32)
                .iter()
                .any(|&c| wanted[c as usize]);
        }
    }
    ok
}

/// Unengaged impressions per catalogue index (`None` when there are none).
fn unengaged_by_index(ctx: &RankContext<'_>, imp: Option<&Impressions>) -> Option<Vec<u32>> {
    let imp = imp.filter(|i| !i.items.is_empty() && ctx.options.impression_cap > 0)?;
    let mem = ctx.options.impression_memory_ms();
    let mut out = vec![0u32; ctx.catalog.len()];
    for id in imp.items.keys() {
        if let Some(i) = ctx.catalog.index_of(id) {
            out[i as usize] = imp.unengaged(id, ctx.now_ms, mem);
        }
    }
    Some(out)
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.contains(x)).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na > 0.0 && nb > 0.0 {
        dot / (na.sqrt() * nb.sqrt())
    } else {
        0.0
    }
}

/// Similarity of two items in `0..=1`: the mean of category Jaccard, tag
/// Jaccard (half weight) and vector cosine (clamped at 0), over the signals
/// at least one of the items has (vectors: both).
pub fn similarity(catalog: &Catalog, a: u32, b: u32) -> f64 {
    let (mut sum, mut weight) = (0.0, 0.0);
    let (ca, cb) = (catalog.categories_of(a), catalog.categories_of(b));
    if !ca.is_empty() || !cb.is_empty() {
        sum += jaccard(ca, cb);
        weight += 1.0;
    }
    let (ta, tb) = (catalog.tags_of(a), catalog.tags_of(b));
    if !ta.is_empty() || !tb.is_empty() {
        sum += TAG_SIMILARITY_WEIGHT * jaccard(ta, tb);
        weight += TAG_SIMILARITY_WEIGHT;
    }
    if let (Some(va), Some(vb)) = (catalog.vector(a), catalog.vector(b)) {
        sum += cosine(va, vb).max(0.0);
        weight += 1.0;
    }
    if weight > 0.0 {
        sum / weight
    } else {
        0.0
    }
}

/// Greedy slot-by-slot selection over the sorted candidates.
struct Selector<'c, 'a> {
    ctx: &'c RankContext<'a>,
    scored: &'c [Scored],
    impressions: Option<&'c Impressions>,
    lambda: Option<f64>,
    max_per_category: Option<u32>,
    taken: Vec<bool>,
    per_category: Vec<u32>,
    chosen: Vec<u32>,
    /// Per sorted position: (max similarity to `chosen[..checked]`, checked).
    sim_cache: Vec<(f64, usize)>,
    /// Per tier (non-capped, capped): (max score, min score).
    tier_range: [(f64, f64); 2],
}

impl<'c, 'a> Selector<'c, 'a> {
    fn new(
        ctx: &'c RankContext<'a>,
        scored: &'c [Scored],
        request: &RecommendRequest,
        impressions: Option<&'c Impressions>,
    ) -> Self {
        let mut tier_range = [(f64::MIN, f64::MAX); 2];
        for s in scored {
            let r = &mut tier_range[usize::from(s.capped)];
            r.0 = r.0.max(s.score);
            r.1 = r.1.min(s.score);
        }
        let d = request.diversity.as_ref();
        Selector {
            ctx,
            scored,
            impressions,
            lambda: d.and_then(|d| d.lambda),
            max_per_category: d.and_then(|d| d.max_per_category),
            taken: vec![false; scored.len()],
            per_category: vec![0; ctx.catalog.categories().len()],
            chosen: Vec::new(),
            sim_cache: vec![(0.0, 0); scored.len()],
            tier_range,
        }
    }

    /// Fills `n` slots, `explored` of them by exploration. Returns sorted
    /// positions with an optional exploration reason.
    fn run(&mut self, n: usize, explored: usize, seed: u64) -> Vec<(usize, Option<Reason>)> {
        let mut rng = Rng::new(seed);
        let explore_at: Vec<usize> = if explored >= n {
            (0..n).collect()
        } else {
            rng.choose_positions(n - 1, explored)
                .into_iter()
                .map(|p| p + 1)
                .collect()
        };
        let mut out = Vec::with_capacity(n);
        for slot in 0..n {
            let pick = if explore_at.binary_search(&slot).is_ok() {
                self.explore(&mut rng)
            } else {
                self.exploit().map(|j| (j, None))
            };
            let Some((j, reason)) = pick else {
                break; // the per-category cap leaves nothing eligible
            };
            self.take(j);
            out.push((j, reason));
        }
        out
    }

    fn eligible(&self, j: usize) -> bool {
        if self.taken[j] {
            return false;
        }
        match self.max_per_category {
            None => true,
            Some(cap) => self
                .ctx
                .catalog
                .categories_of(self.scored[j].idx)
                .iter()
                .all(|&c| self.per_category[c as usize] < cap),
        }
    }

    fn take(&mut self, j: usize) {
        self.taken[j] = true;
        let idx = self.scored[j].idx;
        for &c in self.ctx.catalog.categories_of(idx) {
            self.per_category[c as usize] += 1;
        }
        self.chosen.push(idx);
    }

    fn first_eligible(&self) -> Option<usize> {
        (0..self.scored.len()).find(|&j| self.eligible(j))
    }

    fn relevance(&self, j: usize) -> f64 {
        let s = self.scored[j];
        let (max, min) = self.tier_range[usize::from(s.capped)];
        if max > min {
            (s.score - min) / (max - min)
        } else {
            1.0
        }
    }

    fn max_similarity(&mut self, j: usize) -> f64 {
        let (mut best, checked) = self.sim_cache[j];
        let idx = self.scored[j].idx;
        for &c in &self.chosen[checked..] {
            best = best.max(similarity(self.ctx.catalog, idx, c));
        }
        self.sim_cache[j] = (best, self.chosen.len());
        best
    }

    /// The next item by relevance (and MMR when `lambda` is set), within the
    /// best remaining tier.
    fn exploit(&mut self) -> Option<usize> {
        let first = self.first_eligible()?;
        let Some(lambda) = self.lambda else {
            return Some(first);
        };
        let tier = self.scored[first].capped;
        let mut best: Option<(f64, usize)> = None;
        for j in first..self.scored.len() {
            if self.scored[j].capped != tier {
                break;
            }
            if !self.eligible(j) {
                continue;
            }
            let upper = lambda * self.relevance(j);
            if best.is_some_and(|(b, _)| upper <= b) {
                break; // relevance only falls from here on
            }
            let value = upper - (1.0 - lambda) * self.max_similarity(j);
            if best.is_none_or(|(b, _)| value > b) {
                best = Some((value, j));
            }
        }
        best.map(|(_, j)| j)
    }

    /// Thompson sampling over the categories of the best remaining tier.
    fn explore(&mut self, rng: &mut Rng) -> Option<(usize, Option<Reason>)> {
        let first = self.first_eligible()?;
        let tier = self.scored[first].capped;
        let catalog = self.ctx.catalog;
        let n_cats = catalog.categories().len();
        // Best (first) eligible position per category; slot n_cats = no category.
        let mut best_of: Vec<Option<usize>> = vec![None; n_cats + 1];
        for j in first..self.scored.len() {
            if self.scored[j].capped != tier {
                break; // sorted: the worse tier follows
            }
            if !self.eligible(j) {
                continue;
            }
            let cats = catalog.categories_of(self.scored[j].idx);
            if cats.is_empty() {
                best_of[n_cats].get_or_insert(j);
            }
            for &c in cats {
                best_of[c as usize].get_or_insert(j);
            }
        }
        let mem = self.ctx.options.impression_memory_ms();
        let mut winner: Option<(f64, usize)> = None;
        for (c, _) in best_of.iter().enumerate().filter(|(_, b)| b.is_some()) {
            let (a, b) = match (self.impressions, c < n_cats) {
                (Some(imp), true) => {
                    imp.beta_params(catalog.categories().name(c as u32), self.ctx.now_ms, mem)
                }
                _ => (1.0, 1.0),
            };
            let draw = rng.beta(a, b);
            if winner.is_none_or(|(w, _)| draw > w) {
                winner = Some((draw, c));
            }
        }
        let (_, c) = winner?;
        let j = best_of[c]?;
        let category = (c < n_cats).then(|| catalog.categories().name(c as u32).to_string());
        Some((j, Some(Reason::Exploration { category })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ItemInput;

    #[test]
    fn similarity_mixes_categories_tags_and_vectors() {
        let mut a = ItemInput::new("a", &["X", "Y"]);
        a.tags = vec!["t".into()];
        a.vector = Some(vec![1.0, 0.0]);
        let mut b = ItemInput::new("b", &["X"]);
        b.tags = vec!["t".into()];
        b.vector = Some(vec![1.0, 0.0]);
        let mut c = ItemInput::new("c", &["Z"]);
        c.vector = Some(vec![-1.0, 0.0]);
        let d = ItemInput::new("d", &[]);
        let cat = Catalog::build(&[a, b, c, d]).unwrap();
        // categories 1/2, tags 1 (half weight), vectors 1: (0.5 + 0.5 + 1) / 2.5
        assert!((similarity(&cat, 0, 1) - 0.8).abs() < 1e-9);
        assert_eq!(similarity(&cat, 0, 2), 0.0, "opposite vectors clamp to 0");
        assert_eq!(similarity(&cat, 3, 3), 0.0, "nothing to compare");
        assert!((similarity(&cat, 1, 1) - 1.0).abs() < 1e-9);
    }
}
