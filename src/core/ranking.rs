//! Ranking v1: an additive score over small, separately computed components.
//!
//! `score = weights.category * category + weights.tag * tag
//!        + weights.vector * vector + weights.popularity * popularity
//!        + weights.freshness * freshness + (extra components)`
//!
//! * `category`: sum over the item's categories of the visitor's decayed
//!   affinity, normalised so the strongest positive category is 1 (negative
//!   for disliked categories, down to -1), divided by `sqrt(#categories)`.
//! * `tag`: the same over tags.
//! * `vector`: cosine between the item's vector and the visitor's centroid.
//! * `popularity`: `ln(1 + p) / ln(1 + max p)` in `[0, 1]`.
//! * `freshness`: `2^(-age / freshnessHalfLifeDays)` of `published`, 1 for
//!   future dates, 0 without `published`.
//!
//! Dismissed items and items whose own net signal is negative (disliked) are
//! never returned. With no history the personal components are 0, so the order falls back to
//! popularity, then freshness (its default weight is smaller). Ties are broken
//! by catalogue index, so equal inputs give equal outputs. Further components
//! (item-item neighbours) plug in through [`ScoreComponent`]; filters,
//! frequency capping, diversity and exploration are applied to the sum of
//! all components by [`super::rerank`].

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::error::RecommendError;
use super::options::{Options, MS_PER_DAY};
use super::profile::Profile;

pub use super::request::{RecommendRequest, MAX_K};
/// How many of the visitor's top items are considered for `similarToItem`.
const LIKED_FOR_REASONS: usize = 5;
/// Cosine above which an item is called similar to a liked item.
const SIMILAR_COSINE: f64 = 0.5;
/// Normalised popularity above which an item is called popular.
const POPULAR_LEVEL: f64 = 0.5;
/// Freshness above which an item is called fresh (younger than one freshness half-life).
const FRESH_LEVEL: f64 = 0.5;
/// Smallest contribution reported as a reason.
const MIN_REASON_WEIGHT: f64 = 0.01;

/// Weights of the ranking components (all `>= 0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ScoreWeights {
    /// Category affinity (default 1.0).
    pub category: f64,
    /// Tag affinity (default 0.5).
    pub tag: f64,
    /// Similarity to the profile's vector centroid (default 1.0).
    pub vector: f64,
    /// Popularity prior (default 0.3).
    pub popularity: f64,
    /// Freshness of `published` (default 0.1).
    pub freshness: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            category: 1.0,
            tag: 0.5,
            vector: 1.0,
            popularity: 0.3,
            freshness: 0.1,
        }
    }
}

impl ScoreWeights {
    /// `(JS name, value)` of every weight, for validation.
    pub fn named(&self) -> [(&'static str, f64); 5] {
        [
            ("category", self.category),
            ("tag", self.tag),
            ("vector", self.vector),
            ("popularity", self.popularity),
            ("freshness", self.freshness),
        ]
    }
}

/// Why an item was recommended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Reason {
    /// The visitor showed interest in this category.
    Category {
        /// Category name.
        name: String,
        /// Contribution to the score.
        weight: f64,
    },
    /// The visitor showed interest in this tag.
    Tag {
        /// Tag name.
        name: String,
        /// Contribution to the score.
        weight: f64,
    },
    /// Similar to an item the visitor liked.
    #[serde(rename_all = "camelCase")]
    SimilarToItem {
        /// The liked item's id.
        id: String,
        /// Contribution to the score.
        weight: f64,
    },
    /// Popular.
    Popular,
    /// Recently published.
    Fresh,
    /// Shown to explore: its category's click-through is still uncertain
    /// (Thompson sampling). `category` is the explored category, absent for
    /// an item without categories.
    Exploration {
        /// The explored category.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
    },
}

impl Reason {
    fn weight(&self) -> f64 {
        match self {
            Reason::Category { weight, .. }
            | Reason::Tag { weight, .. }
            | Reason::SimilarToItem { weight, .. } => *weight,
            Reason::Popular | Reason::Fresh | Reason::Exploration { .. } => 0.0,
        }
    }
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// The item's id.
    pub id: String,
    /// Its score (higher is better).
    pub score: f64,
    /// Why, strongest first.
    pub reasons: Vec<Reason>,
}

/// An extra additive score component (e.g. item-item neighbours). It sees the
/// prepared [`RankContext`] and returns its *weighted* contribution.
pub trait ScoreComponent {
    /// The weighted contribution for item `idx`.
    fn score(&self, ctx: &RankContext<'_>, idx: u32) -> f64;
    /// Reasons for item `idx` (called only for returned items).
    fn reasons(&self, _ctx: &RankContext<'_>, _idx: u32, _out: &mut Vec<Reason>) {}
}

/// Everything scoring needs, prepared once per request in O(items + profile).
pub struct RankContext<'a> {
    /// The catalogue.
    pub catalog: &'a Catalog,
    /// The visitor's profile.
    pub profile: &'a Profile,
    /// Options (weights, half-lives).
    pub options: &'a Options,
    /// Time of the request.
    pub now_ms: f64,
    /// Normalised affinity per catalogue category index.
    pub category_affinity: Vec<f64>,
    /// Normalised affinity per catalogue tag index.
    pub tag_affinity: Vec<f64>,
    /// Unit-length profile centroid, when vectors exist and match the catalogue.
    pub centroid: Option<Vec<f64>>,
    /// Top liked catalogue items (index) for `similarToItem` reasons.
    pub liked: Vec<u32>,
    /// Per item: dismissed.
    pub dismissed: Vec<bool>,
    /// Per item: the visitor's own net signal on it is negative (e.g. a
    /// dislike outweighing a view). Such items are not recommended.
    pub disliked: Vec<bool>,
    /// Per item: seen.
    pub seen: Vec<bool>,
    ln_max_popularity: f64,
}

fn normalise(raw: Vec<f64>) -> Vec<f64> {
    let max_pos = raw.iter().copied().fold(0.0, f64::max);
    let scale = if max_pos > 0.0 {
        max_pos
    } else {
        raw.iter().map(|v| v.abs()).fold(0.0, f64::max)
    };
    if scale <= 0.0 {
        return raw;
    }
    raw.into_iter()
        .map(|v| (v / scale).clamp(-1.0, 1.0))
        .collect()
}

fn unit(v: Vec<f64>) -> Option<Vec<f64>> {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    (norm > 0.0).then(|| v.into_iter().map(|x| x / norm).collect())
}

fn cosine_unit(unit_a: &[f64], b: &[f32]) -> f64 {
    let (mut dot, mut nb) = (0.0, 0.0);
    for (&a, &b) in unit_a.iter().zip(b) {
        let b = f64::from(b);
        dot += a * b;
        nb += b * b;
    }
    if nb > 0.0 {
        dot / nb.sqrt()
    } else {
        0.0
    }
}

fn mark_ids<'s>(catalog: &Catalog, ids: impl Iterator<Item = &'s String>) -> Vec<bool> {
    let mut marks = vec![false; catalog.len()];
    for id in ids {
        if let Some(i) = catalog.index_of(id) {
            marks[i as usize] = true;
        }
    }
    marks
}

impl<'a> RankContext<'a> {
    /// Prepares the per-request tables.
    pub fn new(
        catalog: &'a Catalog,
        profile: &'a Profile,
        options: &'a Options,
        now_ms: f64,
    ) -> Self {
        let h = options.half_life_ms();
        let cats = catalog.categories();
        let category_affinity = normalise(
            (0..cats.len() as u32)
                .map(|c| profile.category_affinity(cats.name(c), now_ms, h))
                .collect(),
        );
        let tags = catalog.tags();
        let tag_affinity = normalise(
            (0..tags.len() as u32)
                .map(|t| profile.tag_affinity(tags.name(t), now_ms, h))
                .collect(),
        );
        let centroid = profile
            .centroid
            .as_ref()
            .filter(|c| c.sum.len() == catalog.dims() && c.weight > 0.0)
            .and_then(|c| unit(c.mean()));
        let liked = profile
            .top_items(LIKED_FOR_REASONS, now_ms, h)
            .into_iter()
            .filter_map(|(id, _)| catalog.index_of(id))
            .filter(|&i| catalog.vector(i).is_some())
            .collect();
        RankContext {
            catalog,
            profile,
            options,
            now_ms,
            category_affinity,
            tag_affinity,
            centroid,
            liked,
            dismissed: mark_ids(catalog, profile.dismissed.keys()),
            disliked: mark_ids(
                catalog,
                profile
                    .items
                    .iter()
                    .filter(|(_, d)| d.value_at(now_ms, h) < 0.0)
                    .map(|(id, _)| id),
            ),
            seen: mark_ids(catalog, profile.seen.keys()),
            ln_max_popularity: f64::from(catalog.max_popularity()).ln_1p(),
        }
    }

    /// Category component of item `idx` (unweighted).
    pub fn category(&self, idx: u32) -> f64 {
        let cats = self.catalog.categories_of(idx);
        if cats.is_empty() {
            return 0.0;
        }
        let sum: f64 = cats
            .iter()
            .map(|&c| self.category_affinity[c as usize])
            .sum();
        sum / (cats.len() as f64).sqrt()
    }

    /// Tag component of item `idx` (unweighted).
    pub fn tag(&self, idx: u32) -> f64 {
        let tags = self.catalog.tags_of(idx);
        if tags.is_empty() {
            return 0.0;
        }
        let sum: f64 = tags.iter().map(|&t| self.tag_affinity[t as usize]).sum();
        sum / (tags.len() as f64).sqrt()
    }

    /// Vector component of item `idx` (unweighted cosine to the centroid).
    pub fn vector(&self, idx: u32) -> f64 {
        match (&self.centroid, self.catalog.vector(idx)) {
            (Some(c), Some(v)) => cosine_unit(c, v),
            _ => 0.0,
        }
    }

    /// Popularity component of item `idx` in `[0, 1]`.
    pub fn popularity(&self, idx: u32) -> f64 {
        if self.ln_max_popularity <= 0.0 {
            return 0.0;
        }
        f64::from(self.catalog.popularity(idx)).ln_1p() / self.ln_max_popularity
    }

    /// Freshness component of item `idx` in `[0, 1]`.
    pub fn freshness(&self, idx: u32) -> f64 {
        match self.catalog.published(idx) {
            None => 0.0,
            Some(p) => {
                let half_life = self.options.freshness_half_life_days * MS_PER_DAY;
                super::profile::decay_factor(self.now_ms - p, half_life)
            }
        }
    }

    /// The weighted v1 score of item `idx` (without extra components).
    pub fn base_score(&self, idx: u32) -> f64 {
        let w = &self.options.weights;
        let mut s = w.popularity * self.popularity(idx) + w.freshness * self.freshness(idx);
        if w.category != 0.0 {
            s += w.category * self.category(idx);
        }
        if w.tag != 0.0 {
            s += w.tag * self.tag(idx);
        }
        if w.vector != 0.0 {
            s += w.vector * self.vector(idx);
        }
        s
    }

    /// The structured reasons for item `idx`, strongest first.
    pub fn reasons(&self, idx: u32, extras: &[&dyn ScoreComponent]) -> Vec<Reason> {
        let w = &self.options.weights;
        let mut out = Vec::new();
        let n_cats = (self.catalog.categories_of(idx).len().max(1) as f64).sqrt();
        let mut cats: Vec<Reason> = self
            .catalog
            .categories_of(idx)
            .iter()
            .map(|&c| Reason::Category {
                name: self.catalog.categories().name(c).to_string(),
                weight: round3(w.category * self.category_affinity[c as usize] / n_cats),
            })
            .filter(|r| r.weight() >= MIN_REASON_WEIGHT)
            .collect();
        sort_reasons(&mut cats);
        out.extend(cats.into_iter().take(2));
        let n_tags = (self.catalog.tags_of(idx).len().max(1) as f64).sqrt();
        let mut tags: Vec<Reason> = self
            .catalog
            .tags_of(idx)
            .iter()
            .map(|&t| Reason::Tag {
                name: self.catalog.tags().name(t).to_string(),
                weight: round3(w.tag * self.tag_affinity[t as usize] / n_tags),
            })
            .filter(|r| r.weight() >= MIN_REASON_WEIGHT)
            .collect();
        sort_reasons(&mut tags);
        out.extend(tags.into_iter().take(2));
        if let Some(r) = self.similar_reason(idx) {
            out.push(r);
        }
        for extra in extras {
            extra.reasons(self, idx, &mut out);
        }
        sort_reasons(&mut out);
        if w.popularity > 0.0 && self.popularity(idx) >= POPULAR_LEVEL {
            out.push(Reason::Popular);
        }
        if w.freshness > 0.0 && self.freshness(idx) >= FRESH_LEVEL {
            out.push(Reason::Fresh);
        }
        out
    }

    fn similar_reason(&self, idx: u32) -> Option<Reason> {
        let contribution = self.options.weights.vector * self.vector(idx);
        if contribution < MIN_REASON_WEIGHT {
            return None;
        }
        let v = self.catalog.vector(idx)?;
        let mut best: Option<(f64, u32)> = None;
        for &l in self.liked.iter().filter(|&&l| l != idx) {
            let lv = self.catalog.vector(l)?;
            let cos = unit(lv.iter().map(|&x| f64::from(x)).collect())
                .map_or(0.0, |u| cosine_unit(&u, v));
            if cos >= SIMILAR_COSINE && best.is_none_or(|(b, _)| cos > b) {
                best = Some((cos, l));
            }
        }
        best.map(|(_, l)| Reason::SimilarToItem {
            id: self.catalog.id(l).to_string(),
            weight: round3(contribution),
        })
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn sort_reasons(r: &mut [Reason]) {
    r.sort_by(|a, b| b.weight().total_cmp(&a.weight()));
}

/// Ranks the catalogue for `request`, without impression data (frequency
/// capping off; exploration uses uniform priors). See [`super::rerank`].
pub fn recommend(
    ctx: &RankContext<'_>,
    request: &RecommendRequest,
    extras: &[&dyn ScoreComponent],
) -> Result<Vec<Recommendation>, RecommendError> {
    super::rerank::rank(ctx, request, extras, None)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::catalog::ItemInput;
    use crate::core::event::{Event, EventKind};

    /// The test clock.
    pub(crate) const NOW: f64 = 1_700_000_000_000.0;

    /// Three items: "a" popular and new in X and Y, "b" older in X, "c"
    /// without categories, tagged "t".
    pub(crate) fn catalog() -> Catalog {
        let mut a = ItemInput::new("a", &["X", "Y"]);
        a.popularity = Some(99.0);
        a.published = Some(NOW);
        let mut b = ItemInput::new("b", &["X"]);
        b.popularity = Some(9.0);
        b.published = Some(NOW - 30.0 * MS_PER_DAY);
        let mut c = ItemInput::new("c", &[]);
        c.tags = vec!["t".into()];
        Catalog::build(&[a, b, c]).unwrap()
    }

    fn liked(p: &mut Profile, cat: &Catalog, id: &str, kind: EventKind) {
        let e = Event {
            item: id.into(),
            kind,
            value: None,
            at: NOW,
            scored: false,
        };
        let o = Options::default();
        p.fold(
            &e,
            cat,
            cat.index_of(id).unwrap(),
            &o.event_weights,
            o.half_life_ms(),
        );
    }

    #[test]
    fn components_are_normalised() {
        let cat = catalog();
        let o = Options::default();
        let p = Profile::default();
        let ctx = RankContext::new(&cat, &p, &o, NOW);
        assert_eq!(ctx.popularity(0), 1.0);
        assert!((ctx.popularity(1) - 10f64.ln() / 100f64.ln()).abs() < 1e-6);
        assert_eq!(ctx.popularity(2), 0.0);
        assert_eq!(ctx.freshness(0), 1.0);
        assert!(
            (ctx.freshness(1) - 0.5).abs() < 1e-12,
            "one freshness half-life"
        );
        assert_eq!(ctx.freshness(2), 0.0);
        assert_eq!(
            (ctx.category(0), ctx.tag(2), ctx.vector(0)),
            (0.0, 0.0, 0.0)
        );
    }

    #[test]
    fn strongest_category_is_one_and_dislikes_are_negative() {
        let cat = catalog();
        let o = Options::default();
        let mut p = Profile::default();
        liked(&mut p, &cat, "b", EventKind::Purchase); // X +8
        liked(&mut p, &cat, "a", EventKind::Dislike); // X -4, Y -4
        let ctx = RankContext::new(&cat, &p, &o, NOW);
        let x = cat.categories().get("X").unwrap() as usize;
        let y = cat.categories().get("Y").unwrap() as usize;
        assert_eq!(ctx.category_affinity[x], 1.0);
        assert_eq!(ctx.category_affinity[y], -1.0);
        assert_eq!(ctx.category(1), 1.0);
        assert_eq!(ctx.category(0), 0.0, "(1 - 1) / sqrt 2");
    }

    #[test]
    fn reasons_order_and_thresholds() {
        let cat = catalog();
        let o = Options::default();
        let mut p = Profile::default();
        liked(&mut p, &cat, "b", EventKind::Like);
        let ctx = RankContext::new(&cat, &p, &o, NOW);
        let r = ctx.reasons(0, &[]);
        assert_eq!(
            r,
            vec![
                Reason::Category {
                    name: "X".into(),
                    weight: 0.707
                },
                Reason::Popular,
                Reason::Fresh
            ]
        );
        assert!(ctx.reasons(2, &[]).is_empty());
    }

    struct Boost(u32);
    impl ScoreComponent for Boost {
        fn score(&self, _: &RankContext<'_>, idx: u32) -> f64 {
            if idx == self.0 {
                10.0
            } else {
                0.0
            }
        }
        fn reasons(&self, ctx: &RankContext<'_>, idx: u32, out: &mut Vec<Reason>) {
            if idx == self.0 {
                out.push(Reason::SimilarToItem {
                    id: ctx.catalog.id(0).into(),
                    weight: 10.0,
                });
            }
        }
    }

    #[test]
    fn extra_components_add_scores_and_reasons() {
        let cat = catalog();
        let o = Options::default();
        let p = Profile::default();
        let ctx = RankContext::new(&cat, &p, &o, NOW);
        let req = RecommendRequest::default();
        let plain = recommend(&ctx, &req, &[]).unwrap();
        assert_eq!(plain[0].id, "a");
        let boosted = recommend(&ctx, &req, &[&Boost(2)]).unwrap();
        assert_eq!(boosted[0].id, "c");
        assert!(matches!(
            boosted[0].reasons[0],
            Reason::SimilarToItem { .. }
        ));
        let s = crate::core::explain::explain(&ctx, 2, &[&Boost(2)]);
        assert_eq!(
            s, "Recommended because it is similar to \"a\", which you interacted with.",
            "\"a\" has no recorded events, so the verb is neutral"
        );
    }
}
