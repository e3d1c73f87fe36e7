//! The visitor's profile: time-decayed affinities for categories, tags and
//! items, a decayed mean of liked item vectors, and the seen/dismissed sets.
//!
//! Decay is exponential with a half-life `h`: a signal `w` recorded at time
//! `t` is worth `w * 2^(-(now - t) / h)` at `now`. It is applied lazily: each
//! entry stores its value at a reference time ([`Decayed`]) and is decayed
//! only when read or updated, so recording an event costs O(categories + tags
//! of the item), never a recomputation.
//!
//! Bounds: each affinity map keeps at most [`MAX_PROFILE_KEYS`] entries and
//! the seen/dismissed sets at most [`MAX_MARKED_ITEMS`] ids. When a map
//! overflows, it is trimmed to 90 % of its cap, dropping the entries whose
//! decayed magnitude is smallest (affinities) or that are oldest (sets), so the
//! amortised cost per insert stays O(log n).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::event::{Event, EventKind, KindWeights};
use super::kind_set::KindSet;

/// Cap of each affinity map (categories, tags, items).
pub const MAX_PROFILE_KEYS: usize = 10_000;
/// Cap of the seen and of the dismissed set.
pub const MAX_MARKED_ITEMS: usize = 10_000;

/// `2^(-dt / half_life)`, with `dt` clamped at 0 (no growth into the past).
pub fn decay_factor(dt_ms: f64, half_life_ms: f64) -> f64 {
    if dt_ms <= 0.0 {
        1.0
    } else {
        (-dt_ms / half_life_ms).exp2()
    }
}

/// A lazily decayed quantity: `value` as of time `at` (ms).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decayed {
    /// The value at time `at`.
    pub value: f64,
    /// Reference time, ms since the epoch.
    pub at: f64,
}

impl Decayed {
    /// A fresh entry holding `w` at time `t`.
    pub fn new(w: f64, t: f64) -> Decayed {
        Decayed { value: w, at: t }
    }

    /// The value decayed to `now`.
    pub fn value_at(&self, now: f64, half_life_ms: f64) -> f64 {
        self.value * decay_factor(now - self.at, half_life_ms)
    }

    /// Adds a signal `w` observed at time `t`. Out-of-order signals (`t`
    /// before the reference time) are decayed to the reference time, so the
    /// result equals the eager sum whatever the order of updates.
    pub fn add(&mut self, w: f64, t: f64, half_life_ms: f64) {
        if t >= self.at {
            self.value = self.value * decay_factor(t - self.at, half_life_ms) + w;
            self.at = t;
        } else {
            self.value += w * decay_factor(self.at - t, half_life_ms);
        }
    }
}

/// The decayed, signal-weighted sum of liked items' vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Centroid {
    /// Weighted sum of vectors as of `at`.
    pub sum: Vec<f64>,
    /// Sum of the weights as of `at`.
    pub weight: f64,
    /// Reference time.
    pub at: f64,
}

impl Centroid {
    fn add(&mut self, v: &[f32], w: f64, t: f64, half_life_ms: f64) {
        let (scale_old, scale_new) = if t >= self.at {
            let f = decay_factor(t - self.at, half_life_ms);
            self.at = t;
            (f, 1.0)
        } else {
            (1.0, decay_factor(self.at - t, half_life_ms))
        };
        for (s, &x) in self.sum.iter_mut().zip(v) {
            *s = *s * scale_old + w * scale_new * f64::from(x);
        }
        self.weight = self.weight * scale_old + w * scale_new;
    }

    /// The mean vector (the decay cancels out in the ratio).
    pub fn mean(&self) -> Vec<f64> {
        if self.weight <= 0.0 {
            return vec![0.0; self.sum.len()];
        }
        self.sum.iter().map(|s| s / self.weight).collect()
    }
}

/// The visitor's decayed aggregates. Keys are names/ids (not catalogue
/// indices) so the profile survives catalogue changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Category name -> affinity.
    pub categories: BTreeMap<String, Decayed>,
    /// Tag name -> affinity.
    pub tags: BTreeMap<String, Decayed>,
    /// Item id -> affinity.
    pub items: BTreeMap<String, Decayed>,
    /// Decayed mean of positively-signalled item vectors.
    pub centroid: Option<Centroid>,
    /// Item id -> last time any event was recorded for it.
    pub seen: BTreeMap<String, f64>,
    /// Item id -> time it was dismissed; never recommended again.
    pub dismissed: BTreeMap<String, f64>,
    /// Number of events folded into the affinities.
    pub folded_events: u64,
    /// Item id -> the kinds of events recorded for it (same keys as `seen`;
    /// drives `excludeSeen` per kind). JSON: `{id: ["view", "purchase"]}`.
    #[serde(default)]
    pub seen_kinds: BTreeMap<String, KindSet>,
}

fn add_to(map: &mut BTreeMap<String, Decayed>, key: &str, w: f64, t: f64, h: f64) {
    match map.get_mut(key) {
        Some(d) => d.add(w, t, h),
        None => {
            map.insert(key.to_string(), Decayed::new(w, t));
            if map.len() > MAX_PROFILE_KEYS {
                trim_affinities(map, h);
            }
        }
    }
}

/// Drops the entries of smallest decayed magnitude down to 90 % of the cap.
fn trim_affinities(map: &mut BTreeMap<String, Decayed>, h: f64) {
    let latest = map.values().map(|d| d.at).fold(f64::MIN, f64::max);
    let mut ranked: Vec<(f64, String)> = map
        .iter()
        .map(|(k, d)| (d.value_at(latest, h).abs(), k.clone()))
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let excess = map.len() - MAX_PROFILE_KEYS * 9 / 10;
    for (_, k) in ranked.into_iter().take(excess) {
        map.remove(&k);
    }
}

fn mark(set: &mut BTreeMap<String, f64>, id: &str, t: f64) {
    match set.get_mut(id) {
        Some(last) => *last = last.max(t),
        None => {
            set.insert(id.to_string(), t);
            if set.len() > MAX_MARKED_ITEMS {
                let mut ranked: Vec<(f64, String)> =
                    set.iter().map(|(k, &t)| (t, k.clone())).collect();
                ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                let excess = set.len() - MAX_MARKED_ITEMS * 9 / 10;
                for (_, k) in ranked.into_iter().take(excess) {
                    set.remove(&k);
                }
            }
        }
    }
}

impl Profile {
    /// Records that the event's item was seen (and dismissed, for `dismiss`).
    /// Applies to every event, including events for unknown items.
    pub fn observe(&mut self, event: &Event) {
        mark(&mut self.seen, &event.item, event.at);
        let kinds = self.seen_kinds.entry(event.item.clone()).or_default();
        *kinds = kinds.with(event.kind);
        if self.seen_kinds.len() > self.seen.len() {
            // `seen` was trimmed: keep the kinds of the survivors only.
            let seen = &self.seen;
            self.seen_kinds.retain(|id, _| seen.contains_key(id));
        }
        if event.kind == EventKind::Dismiss {
            mark(&mut self.dismissed, &event.item, event.at);
        }
    }

    /// Folds the event's signal into the affinities of item `idx` of
    /// `catalog` (its categories, tags, id and, for positive signals, its
    /// vector). Cost: O(categories + tags + dims of the item).
    pub fn fold(
        &mut self,
        event: &Event,
        catalog: &Catalog,
        idx: u32,
        weights: &KindWeights,
        half_life_ms: f64,
    ) {
        let w = event.signal(weights);
        let (t, h) = (event.at, half_life_ms);
        self.folded_events += 1;
        if w == 0.0 {
            return;
        }
        for &c in catalog.categories_of(idx) {
            add_to(&mut self.categories, catalog.categories().name(c), w, t, h);
        }
        for &g in catalog.tags_of(idx) {
            add_to(&mut self.tags, catalog.tags().name(g), w, t, h);
        }
        add_to(&mut self.items, &event.item, w, t, h);
        if w > 0.0 {
            if let Some(v) = catalog.vector(idx) {
                let centroid = self.centroid.get_or_insert_with(|| Centroid {
                    sum: vec![0.0; v.len()],
                    weight: 0.0,
                    at: t,
                });
                if centroid.sum.len() != v.len() {
                    // The catalogue's embedding changed: start a new centroid.
                    *centroid = Centroid {
                        sum: vec![0.0; v.len()],
                        weight: 0.0,
                        at: t,
                    };
                }
                centroid.add(v, w, t, h);
            }
        }
    }

    /// Drops entries holding non-finite numbers (possible only in a crafted
    /// stored value) so ranking never sees NaN. Returns how many were dropped.
    pub fn sanitize(&mut self) -> usize {
        let before = self.len_all();
        let ok = |d: &Decayed| d.value.is_finite() && d.at.is_finite();
        self.categories.retain(|_, d| ok(d));
        self.tags.retain(|_, d| ok(d));
        self.items.retain(|_, d| ok(d));
        self.seen.retain(|_, t| t.is_finite());
        let seen = &self.seen;
        self.seen_kinds.retain(|id, _| seen.contains_key(id));
        self.dismissed.retain(|_, t| t.is_finite());
        let mut dropped = before - self.len_all();
        let centroid_ok = self.centroid.as_ref().is_none_or(|c| {
            c.weight.is_finite() && c.at.is_finite() && c.sum.iter().all(|x| x.is_finite())
        });
        if !centroid_ok {
            self.centroid = None;
            dropped += 1;
        }
        dropped
    }

    fn len_all(&self) -> usize {
        self.categories.len()
            + self.tags.len()
            + self.items.len()
            + self.seen.len()
            + self.dismissed.len()
    }

    /// The decayed affinity of a category at `now` (0 when unknown).
    pub fn category_affinity(&self, name: &str, now: f64, half_life_ms: f64) -> f64 {
        self.categories
            .get(name)
            .map_or(0.0, |d| d.value_at(now, half_life_ms))
    }

    /// The decayed affinity of a tag at `now` (0 when unknown).
    pub fn tag_affinity(&self, name: &str, now: f64, half_life_ms: f64) -> f64 {
        self.tags
            .get(name)
            .map_or(0.0, |d| d.value_at(now, half_life_ms))
    }

    /// The decayed affinity of an item at `now` (0 when unknown).
    pub fn item_affinity(&self, id: &str, now: f64, half_life_ms: f64) -> f64 {
        self.items
            .get(id)
            .map_or(0.0, |d| d.value_at(now, half_life_ms))
    }

    /// Whether the item was dismissed.
    pub fn is_dismissed(&self, id: &str) -> bool {
        self.dismissed.contains_key(id)
    }

    /// Whether any event was recorded for the item (within the set's cap).
    pub fn is_seen(&self, id: &str) -> bool {
        self.seen.contains_key(id)
    }

    /// The kinds of events recorded for the item (empty when never seen;
    /// every kind for an item seen before kinds were recorded).
    pub fn seen_kinds_of(&self, id: &str) -> KindSet {
        if !self.seen.contains_key(id) {
            return KindSet::EMPTY;
        }
        self.seen_kinds
            .get(id)
            .copied()
            .unwrap_or_else(KindSet::all)
    }

    /// The `n` items with the highest positive affinity at `now`, best first
    /// (ties by id).
    pub fn top_items(&self, n: usize, now: f64, half_life_ms: f64) -> Vec<(&str, f64)> {
        let mut all: Vec<(&str, f64)> = self
            .items
            .iter()
            .map(|(k, d)| (k.as_str(), d.value_at(now, half_life_ms)))
            .filter(|(_, v)| *v > 0.0)
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        all.truncate(n);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ItemInput;
    use crate::core::event::test_event as ev;
    use proptest::prelude::*;

    const H: f64 = 1000.0;

    #[test]
    fn half_life_is_exact() {
        let d = Decayed::new(8.0, 0.0);
        assert_eq!(d.value_at(H, H), 4.0);
        assert_eq!(d.value_at(3.0 * H, H), 1.0);
        assert_eq!(d.value_at(-5.0, H), 8.0, "no growth into the past");
    }

    #[test]
    fn fold_updates_categories_tags_items_and_centroid() {
        let mut a = ItemInput::new("a", &["Cycling", "Outdoor"]);
        a.tags = vec!["bike".into()];
        a.vector = Some(vec![1.0, 0.0]);
        let cat = Catalog::build(&[a]).unwrap();
        let w = KindWeights::default();
        let mut p = Profile::default();
        p.fold(&ev("a", EventKind::Like, 0.0), &cat, 0, &w, H);
        p.fold(&ev("a", EventKind::Dislike, H), &cat, 0, &w, H);
        // like 4 decayed one half-life = 2, plus dislike -4 = -2.
        assert_eq!(p.category_affinity("Cycling", H, H), -2.0);
        assert_eq!(p.tag_affinity("bike", H, H), -2.0);
        assert_eq!(p.item_affinity("a", H, H), -2.0);
        let c = p.centroid.as_ref().unwrap();
        assert_eq!(
            c.mean(),
            vec![1.0, 0.0],
            "negative signals do not move the centroid"
        );
        assert_eq!(p.folded_events, 2);
    }

    #[test]
    fn sanitize_drops_non_finite_entries() {
        let mut p = Profile::default();
        p.categories.insert("a".into(), Decayed::new(f64::NAN, 0.0));
        p.categories.insert("b".into(), Decayed::new(1.0, 0.0));
        p.seen.insert("x".into(), f64::INFINITY);
        p.centroid = Some(Centroid {
            sum: vec![f64::NAN],
            weight: 1.0,
            at: 0.0,
        });
        assert_eq!(p.sanitize(), 3);
        assert_eq!(p.categories.len(), 1);
        assert!(p.seen.is_empty() && p.centroid.is_none());
    }

    #[test]
    fn observe_marks_seen_and_dismissed() {
        let mut p = Profile::default();
        p.observe(&ev("x", EventKind::View, 5.0));
        p.observe(&ev("y", EventKind::Dismiss, 6.0));
        p.observe(&ev("x", EventKind::Purchase, 7.0));
        assert!(p.is_seen("x") && p.is_seen("y"));
        assert!(!p.is_dismissed("x") && p.is_dismissed("y"));
        let x = p.seen_kinds_of("x");
        assert!(x.contains(EventKind::View) && x.contains(EventKind::Purchase));
        assert!(!x.contains(EventKind::Click));
        assert_eq!(p.seen_kinds_of("nope"), KindSet::EMPTY);
    }

    #[test]
    fn sets_and_maps_stay_bounded() {
        let mut p = Profile::default();
        for i in 0..(MAX_MARKED_ITEMS + 10) {
            p.observe(&ev(&format!("i{i}"), EventKind::Dismiss, i as f64));
        }
        assert!(p.dismissed.len() <= MAX_MARKED_ITEMS);
        assert!(p.seen.len() <= MAX_MARKED_ITEMS);
        assert_eq!(p.seen_kinds.len(), p.seen.len(), "kinds follow seen");
        // The newest dismissals survive trimming.
        assert!(p.is_dismissed(&format!("i{}", MAX_MARKED_ITEMS + 9)));
        let mut m = BTreeMap::new();
        for i in 0..(MAX_PROFILE_KEYS + 10) {
            add_to(&mut m, &format!("k{i}"), 1.0 + i as f64, 0.0, H);
        }
        assert!(m.len() <= MAX_PROFILE_KEYS);
        assert!(
            m.contains_key(&format!("k{}", MAX_PROFILE_KEYS + 9)),
            "largest kept"
        );
        assert!(!m.contains_key("k0"), "smallest dropped");
    }

    proptest! {
        #[test]
        fn profile_affinities_equal_the_eager_sum(
            events in prop::collection::vec((0usize..4, 0usize..9, 0.0f64..1e5), 1..60),
            extra in 0.0f64..1e5,
        ) {
            let items = [
                ItemInput::new("a", &["X"]),
                ItemInput::new("b", &["X", "Y"]),
                ItemInput::new("c", &["Y"]),
                ItemInput::new("d", &["Z", "X"]),
            ];
            let cat = Catalog::build(&items).unwrap();
            let w = KindWeights::default();
            let mut p = Profile::default();
            let evs: Vec<Event> = events
                .iter()
                .map(|&(i, k, at)| Event {
                    item: items[i].id.clone(),
                    kind: EventKind::ALL[k],
                    value: Some(3.0).filter(|_| matches!(EventKind::ALL[k], EventKind::Dwell | EventKind::Rate)),
                    at,
                    scored: false,
                })
                .collect();
            for (e, &(i, _, _)) in evs.iter().zip(&events) {
                p.fold(e, &cat, i as u32, &w, H);
            }
            let now = events.iter().map(|e| e.2).fold(0.0, f64::max) + extra;
            for name in ["X", "Y", "Z"] {
                let eager: f64 = evs
                    .iter()
                    .zip(&events)
                    .filter(|(_, &(i, _, _))| items[i].categories.iter().any(|c| c == name))
                    .map(|(e, _)| e.signal(&w) * decay_factor(now - e.at, H))
                    .sum();
                let lazy = p.category_affinity(name, now, H);
                prop_assert!((lazy - eager).abs() <= 1e-9 * (1.0 + eager.abs()), "{name}: {lazy} vs {eager}");
            }
        }

        #[test]
        fn decay_is_monotone_non_increasing(v in 0.0f64..1e6, t1 in 0.0f64..1e6, dt in 0.0f64..1e6) {
            let d = Decayed::new(v, 0.0);
            prop_assert!(d.value_at(t1 + dt, H) <= d.value_at(t1, H));
            prop_assert!(d.value_at(t1, H) >= 0.0);
        }

        #[test]
        fn half_life_halves(v in -1e6f64..1e6, t in 0.0f64..1e7, h in 1.0f64..1e9) {
            let d = Decayed::new(v, t);
            let half = d.value_at(t + h, h);
            prop_assert!((half - v / 2.0).abs() <= 1e-9 * v.abs().max(1.0));
        }

        #[test]
        fn lazy_equals_eager(signals in prop::collection::vec((-10.0f64..10.0, 0.0f64..1e5), 1..40),
                             extra in 0.0f64..1e5) {
            let mut lazy = Decayed::new(0.0, signals[0].1);
            for &(w, t) in &signals {
                lazy.add(w, t, H);
            }
            let now = signals.iter().map(|s| s.1).fold(0.0, f64::max) + extra;
            let eager: f64 = signals.iter().map(|&(w, t)| w * decay_factor(now - t, H)).sum();
            let got = lazy.value_at(now, H);
            prop_assert!((got - eager).abs() <= 1e-9 * (1.0 + eager.abs()), "{got} vs {eager}");
        }
    }
}
