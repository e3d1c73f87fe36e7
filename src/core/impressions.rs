//! Impressions: which items were shown, and how often without engagement.
//!
//! Two small tables, kept on the device and persisted through the engine's
//! extras (relative key `x.impressions`, see [`crate::storage::codec`]):
//!
//! * per item: the number of *unengaged* impressions (shown since the last
//!   engagement), with the time of the first and last of them. Frequency
//!   capping reads it: each unengaged impression scales the item's score down
//!   by [`IMPRESSION_FACTOR`] and from `impressionCap` on the item sinks below
//!   every non-capped candidate. An engagement (`click`, `dwell`, `like`,
//!   `addToCart`, `purchase`; [`crate::core::event::EventKind::is_engagement`]) at or after the
//!   first of those impressions resets the item. An item not shown for
//!   `impressionMemoryDays` is forgotten (and so is its penalty).
//! * per category: decayed counts of impressions and click-throughs (an
//!   engagement on an item with unengaged impressions counts once for each of
//!   its categories). Their half-life is `impressionMemoryDays`. Exploration
//!   draws from Beta(clicks + 1, impressions − clicks + 1) per category.
//!
//! Bounds: at most [`MAX_IMPRESSION_ITEMS`] items (the least recently shown
//! are dropped down to 90 % of the cap) and [`MAX_IMPRESSION_CATEGORIES`]
//! categories (the least shown are dropped), so the stored value stays a few
//! tens of KB at most.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, MAX_ID_LEN};
use super::error::EventError;
use super::event::Event;
use super::profile::Decayed;

/// Cap of the per-item table.
pub const MAX_IMPRESSION_ITEMS: usize = 2000;
/// Cap of the per-category table.
pub const MAX_IMPRESSION_CATEGORIES: usize = 1000;
/// Largest number of ids accepted by one `recordImpressions` call.
pub const MAX_IMPRESSIONS_PER_CALL: usize = 1000;
/// Score multiplier per unengaged impression below the cap (0.7: one
/// unengaged impression costs 30 % of a positive score, two 51 %).
pub const IMPRESSION_FACTOR: f64 = 0.7;
/// Category entries whose decayed impression count falls below this are dropped.
const MIN_CATEGORY_SHOWN: f64 = 0.01;

/// Unengaged impressions of one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemImpressions {
    /// Impressions since the last engagement.
    pub unengaged: u32,
    /// Time of the first of them (ms since the epoch).
    pub first_at: f64,
    /// Time of the last of them.
    pub last_at: f64,
}

/// Decayed impression and click-through counts of one category.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryCtr {
    /// Impressions of items of the category.
    pub shown: Decayed,
    /// Impressions followed by an engagement.
    pub clicks: Decayed,
}

/// The impression tables (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impressions {
    /// Item id -> unengaged impressions.
    pub items: BTreeMap<String, ItemImpressions>,
    /// Category name -> decayed click-through counts.
    pub categories: BTreeMap<String, CategoryCtr>,
    /// Impressions ever recorded (not decayed; 0 after `forget`).
    pub total: u64,
}

impl Impressions {
    /// Records that `ids` were shown at `now_ms` (duplicates in one call
    /// count once). Every id is checked first (non-empty, at most 256 bytes);
    /// on error nothing changes. Ids need not be in the catalogue (their
    /// categories are counted only when they are). Returns how many distinct
    /// items were recorded.
    pub fn record(
        &mut self,
        ids: &[String],
        catalog: &Catalog,
        now_ms: f64,
        memory_ms: f64,
    ) -> Result<usize, EventError> {
        if ids.len() > MAX_IMPRESSIONS_PER_CALL {
            return Err(EventError::TooManyImpressions {
                count: ids.len(),
                max: MAX_IMPRESSIONS_PER_CALL,
            });
        }
        for (index, id) in ids.iter().enumerate() {
            let reason = if id.is_empty() {
                "must not be empty".to_string()
            } else if id.len() > MAX_ID_LEN {
                format!("must be at most {MAX_ID_LEN} bytes, got {}", id.len())
            } else {
                continue;
            };
            return Err(EventError::InvalidImpression {
                index,
                id: id.clone(),
                reason,
            });
        }
        let distinct: BTreeSet<&String> = ids.iter().collect();
        for id in &distinct {
            let entry = self.items.entry((*id).clone()).or_insert(ItemImpressions {
                unengaged: 0,
                first_at: now_ms,
                last_at: now_ms,
            });
            if entry.unengaged == 0 || now_ms - entry.last_at > memory_ms {
                *entry = ItemImpressions {
                    unengaged: 0,
                    first_at: now_ms,
                    last_at: now_ms,
                };
            }
            entry.unengaged = entry.unengaged.saturating_add(1);
            entry.last_at = entry.last_at.max(now_ms);
            if let Some(idx) = catalog.index_of(id) {
                for &c in catalog.categories_of(idx) {
                    let name = catalog.categories().name(c);
                    let ctr = self
                        .categories
                        .entry(name.to_string())
                        .or_insert(CategoryCtr {
                            shown: Decayed::new(0.0, now_ms),
                            clicks: Decayed::new(0.0, now_ms),
                        });
                    ctr.shown.add(1.0, now_ms, memory_ms);
                }
            }
        }
        self.total += distinct.len() as u64;
        self.trim(memory_ms);
        Ok(distinct.len())
    }

    /// Applies an event: an engagement at or after the first of the item's
    /// unengaged impressions resets it and counts one click-through for each
    /// of its categories. Returns whether anything changed.
    pub fn observe(&mut self, event: &Event, catalog: &Catalog, memory_ms: f64) -> bool {
        if !event.kind.is_engagement() {
            return false;
        }
        let Some(entry) = self.items.get(&event.item) else {
            return false;
        };
        if entry.unengaged == 0 || event.at < entry.first_at {
            return false;
        }
        self.items.remove(&event.item);
        if let Some(idx) = catalog.index_of(&event.item) {
            for &c in catalog.categories_of(idx) {
                if let Some(ctr) = self.categories.get_mut(catalog.categories().name(c)) {
                    ctr.clicks.add(1.0, event.at, memory_ms);
                }
            }
        }
        true
    }

    /// Unengaged impressions of `id` still remembered at `now_ms`.
    pub fn unengaged(&self, id: &str, now_ms: f64, memory_ms: f64) -> u32 {
        match self.items.get(id) {
            Some(e) if now_ms - e.last_at <= memory_ms => e.unengaged,
            _ => 0,
        }
    }

    /// Beta parameters `(clicks + 1, impressions − clicks + 1)` of a category
    /// at `now_ms` (decayed counts; `(1, 1)`, the uniform prior, when unknown).
    pub fn beta_params(&self, category: &str, now_ms: f64, memory_ms: f64) -> (f64, f64) {
        match self.categories.get(category) {
            None => (1.0, 1.0),
            Some(c) => {
                let shown = c.shown.value_at(now_ms, memory_ms).max(0.0);
                let clicks = c.clicks.value_at(now_ms, memory_ms).clamp(0.0, shown);
                (clicks + 1.0, shown - clicks + 1.0)
            }
        }
    }

    /// Merges another instance's counters into these (another tab wrote
    /// while we had unsaved impressions): the union of the items, keeping for
    /// an item seen by both the larger unengaged count (and the later
    /// times); per category the larger decayed counts. Max-merging is
    /// idempotent and order-independent, and never loses a tab's impressions
    /// of an item it alone showed.
    pub fn merge_from(&mut self, other: &Impressions, memory_ms: f64) {
        for (id, theirs) in &other.items {
            match self.items.get_mut(id) {
                None => {
                    self.items.insert(id.clone(), *theirs);
                }
                Some(ours) => {
                    ours.unengaged = ours.unengaged.max(theirs.unengaged);
                    ours.first_at = ours.first_at.min(theirs.first_at);
                    ours.last_at = ours.last_at.max(theirs.last_at);
                }
            }
        }
        for (name, theirs) in &other.categories {
            match self.categories.get_mut(name) {
                None => {
                    self.categories.insert(name.clone(), *theirs);
                }
                Some(ours) => {
                    ours.shown = max_decayed(ours.shown, theirs.shown, memory_ms);
                    ours.clicks = max_decayed(ours.clicks, theirs.clicks, memory_ms);
                }
            }
        }
        self.total = self.total.max(other.total);
        self.trim(memory_ms);
    }

    /// Forgets the item's impressions (the category counts stay).
    pub fn remove_item(&mut self, id: &str) -> bool {
        self.items.remove(id).is_some()
    }

    /// Drops items not shown within `memory_ms` of `now_ms` and categories
    /// whose decayed impressions are negligible. Returns whether anything
    /// was dropped.
    pub fn retain(&mut self, now_ms: f64, memory_ms: f64) -> bool {
        let before = self.items.len() + self.categories.len();
        self.items.retain(|_, e| now_ms - e.last_at <= memory_ms);
        self.categories
            .retain(|_, c| c.shown.value_at(now_ms, memory_ms) >= MIN_CATEGORY_SHOWN);
        self.items.len() + self.categories.len() != before
    }

    /// Drops entries holding non-finite numbers (possible only in a crafted
    /// stored value). Returns how many were dropped.
    pub fn sanitize(&mut self) -> usize {
        let before = self.items.len() + self.categories.len();
        self.items
            .retain(|_, e| e.first_at.is_finite() && e.last_at.is_finite());
        let ok = |d: &Decayed| d.value.is_finite() && d.at.is_finite();
        self.categories.retain(|_, c| ok(&c.shown) && ok(&c.clicks));
        before - self.items.len() - self.categories.len()
    }

    fn trim(&mut self, memory_ms: f64) {
        if self.items.len() > MAX_IMPRESSION_ITEMS {
            let mut ranked: Vec<(f64, String)> = self
                .items
                .iter()
                .map(|(k, e)| (e.last_at, k.clone()))
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let excess = self.items.len() - MAX_IMPRESSION_ITEMS * 9 / 10;
            for (_, k) in ranked.into_iter().take(excess) {
                self.items.remove(&k);
            }
        }
        if self.categories.len() > MAX_IMPRESSION_CATEGORIES {
            let latest = self
                .categories
                .values()
                .map(|c| c.shown.at)
                .fold(f64::MIN, f64::max);
            let mut ranked: Vec<(f64, String)> = self
                .categories
                .iter()
                .map(|(k, c)| (c.shown.value_at(latest, memory_ms), k.clone()))
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let excess = self.categories.len() - MAX_IMPRESSION_CATEGORIES * 9 / 10;
            for (_, k) in ranked.into_iter().take(excess) {
                self.categories.remove(&k);
            }
        }
    }
}

/// The larger of two decayed values, compared at the later reference time.
fn max_decayed(a: Decayed, b: Decayed, half_life_ms: f64) -> Decayed {
    let at = a.at.max(b.at);
    let value = a
        .value_at(at, half_life_ms)
        .max(b.value_at(at, half_life_ms));
    Decayed { value, at }
}

/// The multiplicative penalty applied to a score after `unengaged`
/// impressions: `IMPRESSION_FACTOR^unengaged` (1 when capping is off, i.e.
/// `cap == 0`). For a negative score the same fraction of its magnitude is
/// subtracted, so the penalty always lowers the score.
pub fn penalised(score: f64, unengaged: u32, cap: u32) -> f64 {
    if cap == 0 || unengaged == 0 {
        return score;
    }
    let factor = IMPRESSION_FACTOR.powi(unengaged.min(cap) as i32);
    score - (1.0 - factor) * score.abs()
}

/// Whether an item with `unengaged` impressions is capped (sinks below every
/// non-capped candidate).
pub fn is_capped(unengaged: u32, cap: u32) -> bool {
    cap > 0 && unengaged >= cap
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::ItemInput;
    use crate::core::event::test_event as ev;
    use crate::core::event::EventKind;

    const DAY: f64 = 86_400_000.0;
    const MEM: f64 = 30.0 * DAY;
    const NOW: f64 = 1_700_000_000_000.0;

    fn cat() -> Catalog {
        Catalog::build(&[
            ItemInput::new("a", &["X", "Y"]),
            ItemInput::new("b", &["X"]),
        ])
        .unwrap()
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counts_distinct_impressions_and_categories() {
        let c = cat();
        let mut imp = Impressions::default();
        assert_eq!(
            imp.record(&ids(&["a", "a", "b", "zz"]), &c, NOW, MEM),
            Ok(3)
        );
        imp.record(&ids(&["a"]), &c, NOW + 1.0, MEM).unwrap();
        assert_eq!(imp.unengaged("a", NOW + 1.0, MEM), 2);
        assert_eq!(imp.unengaged("zz", NOW + 1.0, MEM), 1);
        assert_eq!(imp.total, 4);
        let (a, b) = imp.beta_params("X", NOW + 1.0, MEM);
        assert!((a - 1.0).abs() < 1e-9 && (b - 4.0).abs() < 1e-6, "{a} {b}");
        assert_eq!(imp.beta_params("nope", NOW, MEM), (1.0, 1.0));
    }

    #[test]
    fn engagement_resets_and_counts_a_click_through() {
        let c = cat();
        let mut imp = Impressions::default();
        imp.record(&ids(&["a"]), &c, NOW, MEM).unwrap();
        assert!(!imp.observe(&ev("a", EventKind::View, NOW + 1.0), &c, MEM));
        assert!(
            !imp.observe(&ev("a", EventKind::Click, NOW - 1.0), &c, MEM),
            "an engagement before the impression does not count"
        );
        assert!(imp.observe(&ev("a", EventKind::Click, NOW + 1.0), &c, MEM));
        assert_eq!(imp.unengaged("a", NOW + 2.0, MEM), 0);
        let (a, b) = imp.beta_params("Y", NOW + 1.0, MEM);
        assert!((a - 2.0).abs() < 1e-6 && (b - 1.0).abs() < 1e-6, "{a} {b}");
        assert!(
            !imp.observe(&ev("a", EventKind::Purchase, NOW + 2.0), &c, MEM),
            "one click-through per run of impressions"
        );
    }

    #[test]
    fn old_impressions_are_forgotten() {
        let c = cat();
        let mut imp = Impressions::default();
        imp.record(&ids(&["a"]), &c, NOW, MEM).unwrap();
        imp.record(&ids(&["a"]), &c, NOW, MEM).unwrap();
        assert_eq!(imp.unengaged("a", NOW + MEM + 1.0, MEM), 0);
        imp.record(&ids(&["a"]), &c, NOW + MEM + 1.0, MEM).unwrap();
        assert_eq!(
            imp.unengaged("a", NOW + MEM + 1.0, MEM),
            1,
            "restarts after the memory window"
        );
        assert!(imp.retain(NOW + 3.0 * MEM, MEM));
        assert!(imp.items.is_empty());
    }

    #[test]
    fn rejects_bad_ids_without_changing_anything() {
        let c = cat();
        let mut imp = Impressions::default();
        let e = imp.record(&ids(&["a", ""]), &c, NOW, MEM).unwrap_err();
        assert_eq!(
            e.to_string(),
            "impression 1 (id \"\"): field \"id\" must not be empty"
        );
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert!(imp
            .record(&[long], &c, NOW, MEM)
            .unwrap_err()
            .to_string()
            .contains("must be at most 256 bytes"));
        let many = vec!["a".to_string(); MAX_IMPRESSIONS_PER_CALL + 1];
        assert!(imp.record(&many, &c, NOW, MEM).is_err());
        assert_eq!(imp, Impressions::default());
    }

    #[test]
    fn stays_bounded() {
        let c = cat();
        let mut imp = Impressions::default();
        for i in 0..(MAX_IMPRESSION_ITEMS + 5) {
            imp.record(&[format!("i{i}")], &c, NOW + i as f64, MEM)
                .unwrap();
        }
        assert!(imp.items.len() <= MAX_IMPRESSION_ITEMS);
        assert!(imp
            .items
            .contains_key(&format!("i{}", MAX_IMPRESSION_ITEMS + 4)));
        assert!(
            !imp.items.contains_key("i0"),
            "least recently shown dropped"
        );
    }

    #[test]
    fn merge_is_a_union_with_maxima() {
        let c = cat();
        let (mut a, mut b) = (Impressions::default(), Impressions::default());
        a.record(&ids(&["a"]), &c, NOW, MEM).unwrap();
        a.record(&ids(&["a"]), &c, NOW, MEM).unwrap();
        b.record(&ids(&["a", "b"]), &c, NOW + 5.0, MEM).unwrap();
        let mut ab = a.clone();
        ab.merge_from(&b, MEM);
        let mut ba = b.clone();
        ba.merge_from(&a, MEM);
        assert_eq!(ab, ba, "order-independent");
        assert_eq!(ab.unengaged("a", NOW + 5.0, MEM), 2);
        assert_eq!(ab.items["a"].last_at, NOW + 5.0);
        assert_eq!(ab.unengaged("b", NOW + 5.0, MEM), 1);
        let mut again = ab.clone();
        again.merge_from(&b, MEM);
        assert_eq!(again, ab, "idempotent");
    }

    #[test]
    fn penalty_grows_and_always_lowers() {
        assert_eq!(penalised(1.0, 0, 3), 1.0);
        assert!((penalised(1.0, 1, 3) - 0.7).abs() < 1e-12);
        assert!(penalised(1.0, 2, 3) < penalised(1.0, 1, 3));
        assert!(penalised(-1.0, 1, 3) < -1.0);
        assert_eq!(penalised(1.0, 5, 0), 1.0, "cap 0 turns capping off");
        assert!(is_capped(3, 3) && !is_capped(2, 3) && !is_capped(9, 0));
    }

    #[test]
    fn sanitize_drops_bad_numbers() {
        let mut imp = Impressions::default();
        imp.items.insert(
            "a".into(),
            ItemImpressions {
                unengaged: 1,
                first_at: f64::NAN,
                last_at: 0.0,
            },
        );
        assert_eq!(imp.sanitize(), 1);
        assert!(imp.items.is_empty());
    }
}
