//! The engine: the one object the JS class, the tests and the evaluation
//! harness drive. It ties the catalogue, the event history, the profile and
//! ranking together and persists through a [`Store`] (write-behind).
//!
//! Failure policy (never an error into the page; see `status()`):
//! * unreadable stored state -> start empty for this namespace, `lastError`;
//! * store unavailable on open, or any write failing -> memory mode
//!   (`persistent: false`, `lastError`), everything keeps working;
//! * quota exceeded on flush -> drop the oldest half of the raw events (their
//!   evidence is already in the aggregates), retry once, else memory mode;
//! * another instance (tab) wrote since we loaded -> merge: take its state and
//!   events, append our unflushed events (de-duplicated), then write.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, CatalogSummary, ItemInput};
use super::error::{CatalogError, EventError, RecommendError};
use super::event::{Event, EventInput};
use super::history::History;
use super::options::Options;
use super::profile::Profile;
use super::ranking::{self, RankContext, RecommendRequest, Recommendation, ScoreComponent};
use crate::storage::persist::{Persist, StateFound};
use crate::storage::{Store, StoreError};

/// Storage health, as `status()` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Whether the state survives a reload (persistent store, not in memory mode).
    pub persistent: bool,
    /// Bytes (keys + values) this namespace holds in the store.
    pub stored_bytes: usize,
    /// Raw events currently held.
    pub events: usize,
    /// The last storage problem, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Everything stored for the namespace, as plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportData {
    /// The options in force.
    pub options: Options,
    /// The raw events, oldest first.
    pub events: Vec<Event>,
    /// The decayed aggregates (values with their reference times).
    pub profile: Profile,
    /// Values other modules stored through the engine.
    pub extras: BTreeMap<String, String>,
    /// Storage status.
    pub status: Status,
    /// The namespace's keys in the store (relative).
    pub stored_keys: Vec<String>,
}

/// The recommender engine for one namespace.
pub struct Engine {
    options: Options,
    catalog: Catalog,
    history: History,
    profile: Profile,
    persist: Persist,
}

type EventKey = (String, u8, u64, Option<u64>);

fn event_key(e: &Event) -> EventKey {
    (
        e.item.clone(),
        e.kind as u8,
        e.at.to_bits(),
        e.value.map(f64::to_bits),
    )
}

impl Engine {
    /// Opens the namespace behind `store`. Never fails: unreadable stored
    /// state starts empty and is reported in `status().last_error`; invalid
    /// options fall back to the defaults, also reported there (validate them
    /// first with [`Options::validate`] to reject them instead).
    pub fn open(store: Box<dyn Store>, options: Options, now_ms: f64) -> Engine {
        let (options, options_error) = match options.validate() {
            Ok(()) => (options, None),
            Err(e) => (
                Options::default(),
                Some(format!("{e}; using default options")),
            ),
        };
        let mut persist = Persist::new(store);
        let loaded = persist.load();
        let mut engine = Engine {
            options,
            catalog: Catalog::default(),
            history: History::from_parts(loaded.events, loaded.first_seq),
            profile: loaded.state.profile,
            persist,
        };
        if let Some(e) = options_error {
            engine.persist.note_error(e);
        }
        engine.enforce_retention(now_ms);
        engine
    }

    /// Replaces the catalogue. On error the previous catalogue stays. Events
    /// recorded earlier for items that were unknown are folded in now.
    pub fn set_catalog(&mut self, items: Vec<ItemInput>) -> Result<CatalogSummary, CatalogError> {
        self.catalog = Catalog::build(&items)?;
        self.fold_unscored();
        Ok(self.catalog.summary())
    }

    fn fold_unscored(&mut self) {
        let h = self.options.half_life_ms();
        let mut first_changed = None;
        for (seq, e) in self.history.iter_mut_seq() {
            if e.scored {
                continue;
            }
            if let Some(idx) = self.catalog.index_of(&e.item) {
                self.profile
                    .fold(e, &self.catalog, idx, &self.options.event_weights, h);
                e.scored = true;
                first_changed.get_or_insert(seq);
            }
        }
        if let Some(seq) = first_changed {
            self.persist.mark_events_from(seq);
        }
    }

    /// Records an event (validated; `at` defaults to `now_ms`). O(categories
    /// + tags of the item); only marks storage dirty (see [`Engine::flush`]).
    pub fn record(&mut self, event: EventInput, now_ms: f64) -> Result<(), EventError> {
        let event = event.validate(now_ms)?;
        self.apply(event);
        let cutoff = now_ms - self.options.retention_ms();
        if self
            .history
            .trim_front(self.options.max_events as usize, cutoff)
            > 0
        {
            self.persist.mark_state_dirty();
        }
        Ok(())
    }

    fn apply(&mut self, mut event: Event) {
        self.profile.observe(&event);
        event.scored = false;
        if let Some(idx) = self.catalog.index_of(&event.item) {
            let h = self.options.half_life_ms();
            self.profile
                .fold(&event, &self.catalog, idx, &self.options.event_weights, h);
            event.scored = true;
        }
        let seq = self.history.push(event);
        self.persist.mark_events_from(seq);
    }

    /// The top `request.k` items, best first.
    pub fn recommend(
        &self,
        request: &RecommendRequest,
        now_ms: f64,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        self.recommend_with(request, now_ms, &[])
    }

    /// Like [`Engine::recommend`], adding extra score components.
    pub fn recommend_with(
        &self,
        request: &RecommendRequest,
        now_ms: f64,
        extras: &[&dyn ScoreComponent],
    ) -> Result<Vec<Recommendation>, RecommendError> {
        let ctx = self.rank_context(now_ms);
        ranking::recommend(&ctx, request, extras)
    }

    /// The prepared ranking tables at `now_ms` (for extra components).
    pub fn rank_context(&self, now_ms: f64) -> RankContext<'_> {
        RankContext::new(&self.catalog, &self.profile, &self.options, now_ms)
    }

    /// One sentence explaining why `id` would be recommended.
    pub fn explain(&self, id: &str, now_ms: f64) -> Result<String, RecommendError> {
        self.explain_with(id, now_ms, &[])
    }

    /// Like [`Engine::explain`], with extra score components' reasons.
    pub fn explain_with(
        &self,
        id: &str,
        now_ms: f64,
        extras: &[&dyn ScoreComponent],
    ) -> Result<String, RecommendError> {
        let idx = self
            .catalog
            .index_of(id)
            .ok_or_else(|| RecommendError::UnknownItem { id: id.to_string() })?;
        Ok(ranking::explain(&self.rank_context(now_ms), idx, extras))
    }

    /// Storage health.
    pub fn status(&self) -> Status {
        Status {
            persistent: self.persist.is_persistent(),
            stored_bytes: self.persist.stored_bytes(),
            events: self.history.len(),
            last_error: self.persist.last_error().map(str::to_string),
        }
    }

    /// Everything stored for the namespace, as plain data.
    pub fn export_data(&self) -> ExportData {
        ExportData {
            options: self.options.clone(),
            events: self.history.iter().cloned().collect(),
            profile: self.profile.clone(),
            extras: self.persist.extras().clone(),
            status: self.status(),
            stored_keys: self.persist.stored_keys(),
        }
    }

    /// Erases every key of the namespace and resets history, profile and
    /// extras (the catalogue and options stay).
    pub fn forget(&mut self) {
        self.persist.forget();
        self.history = History::default();
        self.profile = Profile::default();
    }

    /// Whether a flush has something to write.
    pub fn has_pending_writes(&self) -> bool {
        self.persist.is_dirty()
    }

    /// Writes pending changes. Failures never surface as errors: they end in
    /// compaction or memory mode and are reported by `status()`.
    pub fn flush(&mut self) {
        self.flush_at(None);
    }

    /// [`Engine::flush`] that also applies age retention as of `now_ms`.
    pub fn flush_at(&mut self, now_ms: Option<f64>) {
        if let Some(now) = now_ms {
            self.enforce_retention(now);
        }
        if !self.persist.is_dirty() {
            return;
        }
        if self.persist.remote_changed() {
            self.merge_remote();
        }
        match self.persist.write(&self.history, &self.profile) {
            Ok(()) => {}
            Err(StoreError::QuotaExceeded) => self.compact_and_retry(),
            Err(e) => self
                .persist
                .enter_memory_mode(format!("could not write ({e}); working in memory")),
        }
    }

    fn compact_and_retry(&mut self) {
        let drop = self.history.len().div_ceil(2);
        self.history.drop_oldest(drop);
        self.persist.mark_all_events(self.history.first_seq());
        match self.persist.write(&self.history, &self.profile) {
            Ok(()) => self.persist.note_error(format!(
                "storage quota exceeded: dropped the {drop} oldest raw events (kept in the profile)"
            )),
            Err(e) => self.persist.enter_memory_mode(format!(
                "could not write after compaction ({e}); working in memory"
            )),
        }
    }

    /// Another instance wrote: adopt its state and append our unflushed events.
    fn merge_remote(&mut self) {
        let remote = match self.persist.read() {
            Ok(r) => r,
            Err(_) => return, // the write will surface the failure
        };
        if remote.found == StateFound::Unreadable {
            return; // ours is the best copy: overwrite the damaged value
        }
        let pending: Vec<Event> = self
            .history
            .since(self.persist.synced_next_seq())
            .cloned()
            .collect();
        let dirty_extras = self.persist.dirty_extras();
        let extras = self.persist.merge_extras(&remote.extras);
        let theirs: HashSet<EventKey> = remote.events.iter().map(event_key).collect();
        self.persist.adopt(&remote);
        self.persist.set_extras(extras, dirty_extras);
        self.history = History::from_parts(remote.events, remote.first_seq);
        self.profile = remote.state.profile;
        self.persist.mark_state_dirty();
        for e in pending {
            if !theirs.contains(&event_key(&e)) {
                self.apply(e);
            }
        }
        self.fold_unscored();
        self.history
            .trim_front(self.options.max_events as usize, f64::MIN);
    }

    /// Full retention pass (count and age) as of `now_ms`.
    fn enforce_retention(&mut self, now_ms: f64) {
        let cutoff = now_ms - self.options.retention_ms();
        let t = self
            .history
            .enforce(self.options.max_events as usize, cutoff);
        if let Some(seq) = t.renumbered_from {
            self.persist.mark_events_from(seq);
        } else if t.dropped > 0 {
            self.persist.mark_state_dirty();
        }
    }

    /// Stores a value for another module under its own relative key
    /// (`name`: 1..=64 chars of `[A-Za-z0-9._-]`); written on flush.
    pub fn put_extra(&mut self, name: &str, value: String) -> Result<(), StoreError> {
        self.persist.set_extra(name, Some(value))
    }

    /// A value stored with [`Engine::put_extra`] (also after reopening).
    pub fn get_extra(&self, name: &str) -> Option<&str> {
        self.persist.extra(name)
    }

    /// Removes a value stored with [`Engine::put_extra`].
    pub fn remove_extra(&mut self, name: &str) -> Result<(), StoreError> {
        self.persist.set_extra(name, None)
    }

    /// The current catalogue.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
    /// The raw event history.
    pub fn history(&self) -> &History {
        &self.history
    }
    /// The decayed profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }
    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }
}
