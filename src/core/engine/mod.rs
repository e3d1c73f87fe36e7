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
//!
//! ```
//! use lighttouch::core::{Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest};
//! use lighttouch::storage::MemoryOrigin;
//!
//! let now = 1_700_000_000_000.0;
//! let origin = MemoryOrigin::new(); // stands for the browser's localStorage
//! let mut rec = Engine::open(Box::new(origin.store("shop")), Options::default(), now);
//! rec.set_catalog(vec![
//!     ItemInput::new("sku-1", &["Cycling"]),
//!     ItemInput::new("sku-2", &["Cycling"]),
//!     ItemInput::new("sku-3", &["Books"]),
//! ])?;
//! rec.record(EventInput::new("sku-1", EventKind::Click), now)?;
//! let top = rec.recommend(&RecommendRequest::default(), now)?;
//! assert_eq!(top[0].id, "sku-2");
//! assert_eq!(
//!     rec.explain("sku-2", now)?,
//!     "Recommended because you showed interest in Cycling."
//! );
//! rec.flush();
//! let again = Engine::open(Box::new(origin.store("shop")), Options::default(), now);
//! assert_eq!(again.history().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, CatalogSummary, ItemInput};
use super::error::{CatalogError, EventError, RecommendError};
use super::event::{Event, EventInput};
use super::explain;
use super::history::History;
use super::impressions::{is_capped, Impressions};
use super::options::Options;
use super::profile::Profile;
use super::ranking::{RankContext, RecommendRequest, Recommendation, ScoreComponent};
use super::rerank;
use crate::model::component::NeighbourComponent;
use crate::model::{LoadedModel, ModelError, ModelSummary};
use crate::storage::persist::Persist;
use crate::storage::Store;

mod persistence;
mod privacy_hooks;

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
    /// Impression counters (frequency capping, exploration).
    pub impressions: Impressions,
    /// Values other modules stored through the engine (verbatim; the
    /// impression counters are stored encoded under `impressions`).
    pub extras: BTreeMap<String, String>,
    /// Storage status.
    pub status: Status,
    /// The namespace's keys in the store (relative).
    pub stored_keys: Vec<String>,
}

/// The recommender engine for one namespace.
pub struct Engine {
    options: Options,
    catalog: Rc<Catalog>,
    history: History,
    profile: Profile,
    persist: Persist,
    impressions: Impressions,
    /// Whether history and profile are written to storage (`false` at the
    /// privacy levels `session` and `off`; see `privacy::controller`).
    store_history: bool,
    /// The item-item model set with `set_model` (its logic lives in `crate::model`).
    model: Option<LoadedModel>,
}

/// The model's neighbour component (if any) followed by `extras`.
fn with_model<'a>(
    neighbours: Option<&'a NeighbourComponent>,
    extras: &[&'a dyn ScoreComponent],
) -> Vec<&'a dyn ScoreComponent> {
    let mut components: Vec<&dyn ScoreComponent> = Vec::with_capacity(extras.len() + 1);
    if let Some(component) = neighbours {
        components.push(component);
    }
    components.extend_from_slice(extras);
    components
}

/// Extra name under which the impression counters are stored.
pub const IMPRESSIONS_EXTRA: &str = "impressions";

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
            catalog: Rc::new(Catalog::default()),
            history: History::from_parts(loaded.events, loaded.first_seq),
            profile: loaded.state.profile,
            persist,
            impressions: Impressions::default(),
            store_history: true,
            model: None,
        };
        if let Some(e) = options_error {
            engine.persist.note_error(e);
        }
        engine.load_impressions();
        engine.enforce_retention(now_ms);
        engine
    }

    /// Replaces the catalogue. On error the previous catalogue stays. Events
    /// recorded earlier for items that were unknown are folded in now.
    pub fn set_catalog(&mut self, items: Vec<ItemInput>) -> Result<CatalogSummary, CatalogError> {
        let catalog = Catalog::build(&items)?;
        Ok(self.set_shared_catalog(Rc::new(catalog)))
    }

    /// Installs an already validated catalogue, shared between engines (the
    /// evaluation harness builds it once with [`Catalog::build`] for all its
    /// engines). Same effect as [`Engine::set_catalog`].
    pub fn set_shared_catalog(&mut self, catalog: Rc<Catalog>) -> CatalogSummary {
        self.catalog = catalog;
        if let Some(model) = &mut self.model {
            model.bind(&self.catalog);
        }
        self.fold_unscored();
        self.catalog.summary()
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

    /// Records an event (validated; `at` defaults to `now_ms`) in time
    /// O(categories and tags of the item); only marks storage dirty (see
    /// [`Engine::flush`]).
    /// Events older than `retentionDays` are folded into the profile but
    /// not kept raw.
    pub fn record(&mut self, event: EventInput, now_ms: f64) -> Result<(), EventError> {
        let event = event.validate(now_ms)?;
        if self
            .impressions
            .observe(&event, &self.catalog, self.options.impression_memory_ms())
        {
            self.store_impressions();
        }
        let cutoff = now_ms - self.options.retention_ms();
        self.apply(event, cutoff);
        if self
            .history
            .trim_front(self.options.max_events as usize, cutoff)
            > 0
        {
            self.persist.mark_state_dirty();
        }
        Ok(())
    }

    /// Folds an event into the profile and keeps it raw unless it is older
    /// than `cutoff_ms` or no raw events are kept (`maxEvents` 0).
    fn apply(&mut self, mut event: Event, cutoff_ms: f64) {
        self.profile.observe(&event);
        event.scored = false;
        if let Some(idx) = self.catalog.index_of(&event.item) {
            let h = self.options.half_life_ms();
            self.profile
                .fold(&event, &self.catalog, idx, &self.options.event_weights, h);
            event.scored = true;
        }
        if event.at < cutoff_ms || self.options.max_events == 0 {
            self.persist.mark_state_dirty();
            return;
        }
        let seq = self.history.push(event);
        self.persist.mark_events_from(seq);
    }

    /// The top `request.k` items, best first, after the request's filters,
    /// frequency capping, diversity and exploration (`docs/ranking-rules.md`).
    pub fn recommend(
        &self,
        request: &RecommendRequest,
        now_ms: f64,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        self.recommend_with(request, now_ms, &[])
    }

    /// Installs an item-item model (see `model::format`). The bytes are
    /// validated (header, version, checksum, every row); ids are matched to
    /// the catalogue, unknown ids skipped and counted in the summary. On
    /// error the previous model stays.
    pub fn set_model(&mut self, bytes: &[u8]) -> Result<ModelSummary, ModelError> {
        let loaded = LoadedModel::load(bytes, &self.catalog)?;
        let summary = loaded.summary().clone();
        self.model = Some(loaded);
        Ok(summary)
    }

    /// The summary of the model in use (matched against the current catalogue).
    pub fn model_summary(&self) -> Option<&ModelSummary> {
        self.model.as_ref().map(LoadedModel::summary)
    }

    /// Removes the item-item model (ranking falls back to content and popularity).
    pub fn clear_model(&mut self) {
        self.model = None;
    }

    /// The neighbour component for a request at `now_ms`, when a model is set.
    fn neighbour_component(&self, now_ms: f64) -> Option<NeighbourComponent> {
        let model = self.model.as_ref()?;
        Some(NeighbourComponent::new(
            model,
            &self.catalog,
            self.history.iter(),
            &self.options.event_weights,
            &self.options.neighbours,
            now_ms,
        ))
    }

    /// Like [`Engine::recommend`], adding extra score components (the
    /// model's neighbour component, when a model is set, is always included).
    pub fn recommend_with(
        &self,
        request: &RecommendRequest,
        now_ms: f64,
        extras: &[&dyn ScoreComponent],
    ) -> Result<Vec<Recommendation>, RecommendError> {
        let ctx = self.rank_context(now_ms);
        let neighbours = self.neighbour_component(now_ms);
        let components = with_model(neighbours.as_ref(), extras);
        rerank::rank(&ctx, request, &components, Some(&self.impressions))
    }

    /// Records that `ids` were shown to the visitor at `now_ms` (call it with
    /// the ids actually rendered). Feeds frequency capping (an item shown
    /// `impressionCap` times without engagement sinks) and the per-category
    /// click-through that exploration samples from. Duplicates in one call
    /// count once; ids need not be in the catalogue. On error (an empty or
    /// over-long id, more than 1000 ids) nothing is recorded. Returns how many
    /// distinct items were recorded. Persisted on the next flush.
    pub fn record_impressions(&mut self, ids: &[String], now_ms: f64) -> Result<usize, EventError> {
        let memory = self.options.impression_memory_ms();
        let n = self
            .impressions
            .record(ids, &self.catalog, now_ms, memory)?;
        self.impressions.retain(now_ms, memory);
        self.store_impressions();
        Ok(n)
    }

    /// The impression counters.
    pub fn impressions(&self) -> &Impressions {
        &self.impressions
    }

    /// Forgets the impressions of one item (for a visitor's "forget this
    /// item"); the per-category counts stay.
    pub fn forget_item_impressions(&mut self, id: &str) {
        if self.impressions.remove_item(id) {
            self.store_impressions();
        }
    }

    /// The prepared ranking tables at `now_ms` (for extra components).
    pub fn rank_context(&self, now_ms: f64) -> RankContext<'_> {
        RankContext::new(&self.catalog, &self.profile, &self.options, now_ms)
    }

    /// One sentence explaining why `id` would be recommended.
    pub fn explain(&self, id: &str, now_ms: f64) -> Result<String, RecommendError> {
        self.explain_with(id, now_ms, &[])
    }

    /// Like [`Engine::explain`], with extra score components' reasons (the
    /// model's neighbour component, when a model is set, is always included).
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
        let neighbours = self.neighbour_component(now_ms);
        let components = with_model(neighbours.as_ref(), extras);
        let text = explain::explain(&self.rank_context(now_ms), idx, &components);
        let (cap, memory) = (
            self.options.impression_cap,
            self.options.impression_memory_ms(),
        );
        let shown = self.impressions.unengaged(id, now_ms, memory);
        if is_capped(shown, cap) && !text.starts_with("Not recommended") {
            return Ok(format!(
                "{text} It was shown {shown} times without engagement, so it ranks below other items for now."
            ));
        }
        Ok(text)
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
            impressions: self.impressions.clone(),
            extras: self.persist.extras().clone(),
            status: self.status(),
            stored_keys: self.persist.stored_keys(),
        }
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
