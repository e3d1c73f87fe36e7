//! The visitor's rights over their profile: `interests()` in human terms,
//! the ranking effect of blocked / added interests, and `forgetItem(id)`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::stored::InterestEdits;
use super::Taxonomy;
use crate::core::catalog::Catalog;
use crate::core::profile::{decay_factor, Centroid};
use crate::core::ranking::{RankContext, Reason, ScoreComponent};
use crate::core::{Engine, History};

/// One interest as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interest {
    /// The interest category (taxonomy name, or catalogue category without a taxonomy).
    pub category: String,
    /// Strength in `[0, 1]` relative to the strongest interest (before blocking).
    pub strength: f64,
    /// Blocked by the visitor: not used for ranking, never reported.
    pub blocked: bool,
    /// Added by the visitor (its strength includes the added amount).
    pub added: bool,
}

/// The interest category a catalogue category counts towards.
pub fn interest_of(taxonomy: Option<&Taxonomy>, catalogue_category: &str) -> Option<String> {
    match taxonomy {
        Some(t) => t
            .category_of(catalogue_category)
            .and_then(|i| t.name(i))
            .map(str::to_string),
        None => Some(catalogue_category.to_string()),
    }
}

/// Raw positive affinity per interest category at `now_ms`, from the
/// profile's decayed category affinities, before edits.
pub fn raw_affinities(
    engine: &Engine,
    taxonomy: Option<&Taxonomy>,
    now_ms: f64,
) -> BTreeMap<String, f64> {
    let h = engine.options().half_life_ms();
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(t) = taxonomy {
        for name in t.categories() {
            out.insert(name.clone(), 0.0);
        }
    }
    for (name, d) in &engine.profile().categories {
        if let Some(interest) = interest_of(taxonomy, name) {
            *out.entry(interest).or_default() += d.value_at(now_ms, h).max(0.0);
        }
    }
    out
}

/// Affinities after the visitor's edits: blocked categories are 0, added
/// ones gain `strength × max(strongest affinity, 1)`.
pub fn edited_affinities(
    raw: &BTreeMap<String, f64>,
    edits: &InterestEdits,
) -> BTreeMap<String, f64> {
    let scale = raw.values().copied().fold(1.0, f64::max);
    let mut out = raw.clone();
    for (name, s) in &edits.added {
        *out.entry(name.clone()).or_default() += s * scale;
    }
    for name in &edits.blocked {
        out.insert(name.clone(), 0.0);
    }
    out
}

/// `interests()`: every interest category with its strength, strongest first.
pub fn interests(
    engine: &Engine,
    taxonomy: Option<&Taxonomy>,
    edits: &InterestEdits,
    now_ms: f64,
) -> Vec<Interest> {
    let raw = raw_affinities(engine, taxonomy, now_ms);
    let mut with_added = raw.clone();
    let scale = raw.values().copied().fold(1.0, f64::max);
    for (name, s) in &edits.added {
        *with_added.entry(name.clone()).or_default() += s * scale;
    }
    for name in &edits.blocked {
        with_added.entry(name.clone()).or_default();
    }
    let max = with_added.values().copied().fold(0.0, f64::max);
    let mut list: Vec<Interest> = with_added
        .into_iter()
        .map(|(category, a)| Interest {
            strength: if max > 0.0 { a / max } else { 0.0 },
            blocked: edits.blocked.contains(&category),
            added: edits.added.contains_key(&category),
            category,
        })
        .collect();
    list.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then_with(|| a.category.cmp(&b.category))
    });
    list
}

/// Ranking effect of the edits. Blocking is a hard rule: an item with any
/// catalogue category that maps to a blocked interest is never returned
/// (see [`InterestEditsComponent::blocked_ids`], applied as an `exclude` by
/// the controller, even when the page asks for that category through
/// `categories`), and no reason cites a blocked category or an item of one.
/// An added interest stands in for the evidence a liked category brings
/// (category, tag and content-vector affinity): its items gain
/// `strength × (weights.category + weights.tag + weights.vector)`, with the
/// same `1/sqrt(n categories)` scaling as the category component, so
/// strength 1 ranks it level with the strongest learned interest; it shows
/// as a `category` reason.
pub struct InterestEditsComponent {
    /// Adjustment per catalogue category index: `(blocked, added strength)`.
    per_category: Vec<(bool, f64)>,
}

impl InterestEditsComponent {
    /// Prepares the adjustments for the engine's catalogue.
    pub fn new(engine: &Engine, taxonomy: Option<&Taxonomy>, edits: &InterestEdits) -> Self {
        let cats = engine.catalog().categories();
        let per_category = (0..cats.len() as u32)
            .map(|c| match interest_of(taxonomy, cats.name(c)) {
                Some(i) => (
                    edits.blocked.contains(&i),
                    edits.added.get(&i).copied().unwrap_or(0.0),
                ),
                None => (false, 0.0),
            })
            .collect();
        InterestEditsComponent { per_category }
    }

    /// Whether the component changes anything.
    pub fn is_noop(&self) -> bool {
        self.per_category.iter().all(|&(b, a)| !b && a == 0.0)
    }

    /// Whether the catalogue category index `c` maps to a blocked interest.
    fn category_blocked(&self, c: u32) -> bool {
        self.per_category.get(c as usize).is_some_and(|&(b, _)| b)
    }

    /// Whether catalogue item `idx` has a category mapping to a blocked interest.
    pub fn item_blocked(&self, catalog: &Catalog, idx: u32) -> bool {
        catalog
            .categories_of(idx)
            .iter()
            .any(|&c| self.category_blocked(c))
    }

    /// Ids of every catalogue item of a blocked interest (to exclude).
    pub fn blocked_ids(&self, catalog: &Catalog) -> Vec<String> {
        if !self.per_category.iter().any(|&(b, _)| b) {
            return Vec::new();
        }
        (0..catalog.len() as u32)
            .filter(|&i| self.item_blocked(catalog, i))
            .map(|i| catalog.id(i).to_string())
            .collect()
    }

    /// Removes every reason citing a blocked category, or an item (liked
    /// item of `similarToItem`, explored category) of one.
    pub fn strip_blocked_reasons(&self, catalog: &Catalog, reasons: &mut Vec<Reason>) {
        let cats = catalog.categories();
        reasons.retain(|r| match r {
            Reason::Category { name, .. } => {
                !cats.get(name).is_some_and(|c| self.category_blocked(c))
            }
            Reason::SimilarToItem { id, .. } => !catalog
                .index_of(id)
                .is_some_and(|i| self.item_blocked(catalog, i)),
            Reason::Exploration {
                category: Some(name),
            } => !cats.get(name).is_some_and(|c| self.category_blocked(c)),
            _ => true,
        });
    }
}

impl ScoreComponent for InterestEditsComponent {
    fn score(&self, ctx: &RankContext<'_>, idx: u32) -> f64 {
        let cats = ctx.catalog.categories_of(idx);
        if cats.is_empty() {
            return 0.0;
        }
        let mut sum = 0.0;
        for &c in cats {
            let (blocked, added) = self
                .per_category
                .get(c as usize)
                .copied()
                .unwrap_or_default();
            if blocked {
                // Blocked items are excluded from `recommend`; for `explain`
                // the category's learned part is cancelled too.
                sum -= ctx.options.weights.category * ctx.category_affinity[c as usize];
            } else {
                sum += added * added_weight(ctx);
            }
        }
        sum / (cats.len() as f64).sqrt()
    }

    /// A `category` reason for each added interest of the item (merged with
    /// the learned one of the same category, if any).
    fn reasons(&self, ctx: &RankContext<'_>, idx: u32, out: &mut Vec<Reason>) {
        let cats = ctx.catalog.categories_of(idx);
        let n = (cats.len().max(1) as f64).sqrt();
        for &c in cats {
            let added = match self.per_category.get(c as usize) {
                Some(&(false, a)) if a > 0.0 => a,
                _ => continue,
            };
            let extra = added * added_weight(ctx) / n;
            let name = ctx.catalog.categories().name(c);
            let existing = out.iter_mut().find_map(|r| match r {
                Reason::Category {
                    name: cited,
                    weight,
                } if cited == name => Some(weight),
                _ => None,
            });
            match existing {
                Some(w) => *w = ((*w + extra) * 1000.0).round() / 1000.0,
                None => out.push(Reason::Category {
                    name: name.to_string(),
                    weight: (extra * 1000.0).round() / 1000.0,
                }),
            }
        }
    }
}

/// Score weight of an added interest at strength 1: what a liked category
/// can bring through the category, tag and vector components together.
fn added_weight(ctx: &RankContext<'_>) -> f64 {
    let w = &ctx.options.weights;
    w.category + w.tag + w.vector
}

/// `forgetItem(id)`: removes every raw event of `id`, subtracts their
/// signal from the decayed category/tag/item affinities and the vector
/// centroid, and drops the item from the seen/dismissed sets, the item
/// affinities and the impression counters. Returns how many events were removed.
///
/// Limits: evidence of events already compacted out of the raw log (by
/// `maxEvents` / `retentionDays`) cannot be told apart in the category and
/// tag aggregates; the item's own affinity and marks are removed in full.
pub fn forget_item(engine: &mut Engine, id: &str) -> usize {
    let (catalog, options, history, profile) = engine.privacy_parts_mut();
    let h = options.half_life_ms();
    let first = history.first_seq();
    let mut kept = Vec::with_capacity(history.len());
    let mut first_removed = None;
    let mut removed = 0;
    for (seq, e) in history.iter_seq() {
        if e.item != id {
            kept.push(e.clone());
            continue;
        }
        removed += 1;
        first_removed.get_or_insert(seq);
        let Some(idx) = catalog.index_of(id) else {
            continue;
        };
        if !e.scored {
            continue;
        }
        profile.folded_events = profile.folded_events.saturating_sub(1);
        let w = e.signal(&options.event_weights);
        if w == 0.0 {
            continue;
        }
        for &c in catalog.categories_of(idx) {
            if let Some(d) = profile.categories.get_mut(catalog.categories().name(c)) {
                d.add(-w, e.at, h);
            }
        }
        for &g in catalog.tags_of(idx) {
            if let Some(d) = profile.tags.get_mut(catalog.tags().name(g)) {
                d.add(-w, e.at, h);
            }
        }
        if w > 0.0 {
            if let (Some(v), Some(centroid)) = (catalog.vector(idx), profile.centroid.as_mut()) {
                if centroid.sum.len() == v.len() {
                    subtract_from_centroid(centroid, v, w, e.at, h);
                }
            }
        }
    }
    // Rounding leftovers of a full subtraction are removed outright.
    profile.categories.retain(|_, d| d.value.abs() > 1e-9);
    profile.tags.retain(|_, d| d.value.abs() > 1e-9);
    if profile.centroid.as_ref().is_some_and(|c| c.weight <= 1e-9) {
        profile.centroid = None;
    }
    profile.items.remove(id);
    profile.seen.remove(id);
    profile.dismissed.remove(id);
    *history = History::from_parts(kept, first);
    let from = first_removed.unwrap_or(first);
    engine.history_rewritten(from);
    engine.forget_item_impressions(id);
    removed
}

/// Removes a signal `w` on vector `v` observed at `t` from a decayed
/// centroid (the inverse of the profile's own update, same decay rules).
fn subtract_from_centroid(c: &mut Centroid, v: &[f32], w: f64, t: f64, h: f64) {
    let scale = if t >= c.at {
        1.0
    } else {
        decay_factor(c.at - t, h)
    };
    // An event newer than the reference time cannot exist once folded, so
    // the signal is simply decayed to the reference time.
    for (s, &x) in c.sum.iter_mut().zip(v) {
        *s -= w * scale * f64::from(x);
    }
    c.weight -= w * scale;
}
