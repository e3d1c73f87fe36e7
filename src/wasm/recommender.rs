//! The `Recommender` JS class: a thin wrapper around the core [`Engine`]
//! (and the privacy controller beside it) that converts values, turns core
//! errors into JS `Error`s, supplies the clock (`Date.now()`) and schedules
//! write-behind flushes. The privacy methods are in `recommender_privacy.rs`.

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{
    from_js, js_error, to_js, to_js_error, to_json_compatible, ErrorFamily, Subject,
};
use super::local_storage::LocalStorageStore;
use super::open_options::{parse_open_options, StorageMode};
use super::privacy_api::PrivacyApi;
use super::types::{
    CatalogSummaryJs, ExportDataJs, InteractionEventJs, ItemListJs, OpenOptionsJs,
    RecommendOptionsJs, RecommendationListJs, StatusJs, StringListJs,
};
use super::write_behind::{SharedEngine, WriteBehind};
use crate::core::catalog::ItemInput;
use crate::core::engine::{Engine, Status};
use crate::core::event::EventInput;
use crate::core::ranking::RecommendRequest;
use crate::storage::{MemoryStore, Store, StoreError, UnavailableStore};

/// On-device recommendations for one namespace of the page's origin.
///
/// The visitor's history stays in `localStorage` (keys
/// `lighttouch:<namespace>:*`); ranking runs locally. Storage problems never
/// throw: they switch the recommender to memory mode and show up in
/// `status()`.
///
/// ```js
/// import init, { Recommender } from "lighttouch";
/// await init();
/// const rec = Recommender.open({ namespace: "shop" });
/// rec.setCatalog([{ id: "sku-1", categories: ["Cycling"] }]);
/// rec.record({ item: "sku-1", kind: "click" });
/// const top = rec.recommend({ k: 10 });
/// ```
#[wasm_bindgen]
pub struct Recommender {
    // Declared first so it is dropped first: its drop flushes the engine,
    // which must still be alive then.
    write_behind: WriteBehind,
    pub(super) privacy: PrivacyApi,
    pub(super) engine: SharedEngine,
}

#[wasm_bindgen]
impl Recommender {
    /// Opens (or creates) the recommender of `options.namespace`, restoring
    /// the history stored for it. Unreadable stored data starts empty and is
    /// reported in `status().lastError`; invalid options throw an
    /// `OptionsError` naming the option.
    ///
    /// ```js
    /// const rec = Recommender.open({ namespace: "shop", halfLifeDays: 7 });
    /// const scratch = Recommender.open({ namespace: "tmp", storage: "memory" });
    /// ```
    pub fn open(options: OpenOptionsJs) -> Result<Recommender, JsValue> {
        let open = parse_open_options(&options)?;
        let store: Box<dyn Store> = match open.storage {
            StorageMode::Memory => Box::new(MemoryStore::new(&open.namespace)),
            StorageMode::Local => match LocalStorageStore::open(&open.namespace) {
                Ok(store) => Box::new(store),
                // The engine starts in memory mode over it and reports why.
                Err(StoreError::Unavailable(why)) => Box::new(UnavailableStore::new(why)),
                Err(error) => Box::new(UnavailableStore::new(error.to_string())),
            },
        };
        let mut engine = Engine::open(store, open.options, now());
        let privacy = PrivacyApi::open(
            &mut engine,
            &open.namespace,
            &open.privacy,
            open.transport,
            now(),
        )?;
        let engine = Rc::new(RefCell::new(engine));
        let on_hidden: Rc<dyn Fn()> = {
            let (privacy, engine) = (privacy.clone(), Rc::downgrade(&engine));
            Rc::new(move || {
                if let Some(engine) = engine.upgrade() {
                    privacy.send_if_due(&engine);
                }
            })
        };
        privacy.send_if_due(&engine);
        Ok(Recommender {
            write_behind: WriteBehind::new(&engine, Some(on_hidden)),
            privacy,
            engine,
        })
    }

    /// Replaces the catalogue of recommendable items. Throws a
    /// `CatalogError` naming the item (index and id) and the field when any
    /// item is invalid; the previous catalogue then stays in place.
    ///
    /// ```js
    /// const summary = rec.setCatalog([
    ///   { id: "sku-1", title: "Road bike", categories: ["Cycling"], popularity: 120 },
    ///   { id: "sku-2", categories: ["Running"], tags: ["shoes"] },
    /// ]);
    /// console.log(summary.items); // 2
    /// ```
    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(&self, items: ItemListJs) -> Result<CatalogSummaryJs, JsValue> {
        let items: Vec<ItemInput> =
            from_js(&items, Subject::List("catalog item"), ErrorFamily::Catalog)?;
        let summary = self
            .engine_mut()?
            .set_catalog(items)
            .map_err(|e| to_js_error(ErrorFamily::Catalog, &e))?;
        Ok(to_js(&summary)?.unchecked_into())
    }

    /// Records one interaction. Throws an `EventError` naming the field when
    /// the event is invalid (nothing is recorded then). The change is
    /// written to storage shortly after (or on `flush()`).
    ///
    /// ```js
    /// rec.record({ item: "sku-1", kind: "click" });
    /// rec.record({ item: "sku-2", kind: "dwell", value: 42000 });
    /// rec.record({ item: "sku-3", kind: "rate", value: 4, at: Date.now() });
    /// ```
    pub fn record(&self, event: InteractionEventJs) -> Result<(), JsValue> {
        let event: EventInput = from_js(&event, Subject::Object("event"), ErrorFamily::Event)?;
        {
            let mut engine = self.engine_mut()?;
            // Through the privacy controller: nothing is recorded at level
            // "off", and clicks on recommendations feed the outcome count.
            self.privacy.record(&mut engine, event, now())?;
            self.write_behind.changed(&engine);
        }
        self.privacy.send_if_due(&self.engine);
        Ok(())
    }

    /// Records which items were actually shown, for frequency capping (an
    /// item shown `impressionCap` times without engagement sinks below every
    /// other) and exploration. Returns how many distinct items were
    /// recorded; throws an `EventError` naming the id's index when an id is
    /// empty or too long (nothing is recorded then).
    ///
    /// ```js
    /// const picks = rec.recommend({ k: 8 });
    /// render(picks);
    /// rec.recordImpressions(picks.map((p) => p.id)); // 8
    /// ```
    #[wasm_bindgen(js_name = recordImpressions)]
    pub fn record_impressions(&self, ids: StringListJs) -> Result<u32, JsValue> {
        let ids: Vec<String> = from_js(&ids, Subject::List("impression"), ErrorFamily::Event)?;
        let mut engine = self.engine_mut()?;
        let recorded = engine
            .record_impressions(&ids, now())
            .map_err(|e| to_js_error(ErrorFamily::Event, &e))?;
        self.write_behind.changed(&engine);
        Ok(u32::try_from(recorded).unwrap_or(u32::MAX))
    }

    /// Ranks the catalogue for this visitor, best first. Without history it
    /// falls back to popularity, then freshness. Options (all optional):
    /// `k`, `candidates`, `categories`, `excludeSeen`, `exclude`, `allow`,
    /// `diversity`, `exploration`, `seed` (see docs/ranking-rules.md); an
    /// invalid one throws a `RecommendError` naming it.
    ///
    /// ```js
    /// const top = rec.recommend({ k: 5, categories: ["Cycling"] });
    /// for (const { id, score, reasons } of top) console.log(id, score, reasons);
    /// rec.recommend({ k: 8, excludeSeen: ["purchase"], diversity: { maxPerCategory: 3 } });
    /// ```
    pub fn recommend(
        &self,
        options: Option<RecommendOptionsJs>,
    ) -> Result<RecommendationListJs, JsValue> {
        let request: RecommendRequest = match options {
            Some(options) => from_js(&options, Subject::Object("request"), ErrorFamily::Recommend)?,
            None => RecommendRequest::default(),
        };
        let engine = self.engine()?;
        // Through the privacy controller: the engine's ranking (with the
        // item-item model when set) plus the visitor's interest edits
        // (blocked categories are never returned, added ones rise).
        let ranked = self.privacy.recommend(&engine, &request, now())?;
        Ok(to_js(&ranked)?.unchecked_into())
    }

    /// One human sentence saying why `id` would be recommended. Throws a
    /// `RecommendError` when `id` is not in the catalogue.
    ///
    /// ```js
    /// rec.explain("sku-9"); // "Recommended because you showed interest in Cycling."
    /// ```
    pub fn explain(&self, id: &str) -> Result<String, JsValue> {
        self.privacy.explain(&*self.engine()?, id, now())
    }

    /// Storage health: whether history persists, bytes stored, raw events
    /// held and the last storage problem.
    ///
    /// ```js
    /// const { persistent, storedBytes, events, lastError } = rec.status();
    /// ```
    pub fn status(&self) -> Result<StatusJs, JsValue> {
        Ok(to_js(&self.current_status()?)?.unchecked_into())
    }

    /// Everything stored for this namespace, as plain JSON-compatible data.
    ///
    /// ```js
    /// const blob = new Blob([JSON.stringify(rec.exportData())], { type: "application/json" });
    /// ```
    #[wasm_bindgen(js_name = exportData)]
    pub fn export_data(&self) -> Result<ExportDataJs, JsValue> {
        let mut data = self.engine()?.export_data();
        data.status = self.current_status()?;
        let exported = to_json_compatible(&data)?;
        js_sys::Reflect::set(&exported, &"privacy".into(), &self.privacy.export()?)?;
        Ok(exported.unchecked_into())
    }

    /// Erases every stored key of this namespace (history, profile, privacy
    /// ledger, pending report, interest edits) and resets memory; the
    /// catalogue and the visitor's privacy level choice stay.
    ///
    /// ```js
    /// rec.forget();
    /// rec.status().events; // 0
    /// ```
    pub fn forget(&self) -> Result<(), JsValue> {
        self.write_behind.cancel();
        self.privacy.forget(&mut *self.engine_mut()?);
        Ok(())
    }

    /// Writes pending changes now instead of waiting for the write-behind
    /// timer. Never throws: failures are reported by `status()`.
    ///
    /// ```js
    /// rec.record({ item: "sku-1", kind: "purchase" });
    /// rec.flush();
    /// ```
    pub fn flush(&self) -> Result<(), JsValue> {
        self.write_behind.cancel();
        self.engine_mut()?.flush_at(Some(now()));
        Ok(())
    }

    /// Whether changes are waiting to be written.
    ///
    /// ```js
    /// rec.record({ item: "sku-1", kind: "view" });
    /// rec.hasPendingWrites; // true until the write-behind flush
    /// ```
    #[wasm_bindgen(getter, js_name = hasPendingWrites)]
    pub fn has_pending_writes(&self) -> Result<bool, JsValue> {
        Ok(self.engine()?.has_pending_writes())
    }
}

impl Recommender {
    /// The engine's status, with the reason for a memory fallback at open.
    fn current_status(&self) -> Result<Status, JsValue> {
        Ok(self.engine()?.status())
    }

    /// The engine, or an `Error` when a call is already running: only
    /// possible if page code re-enters the recommender from a patched
    /// `Storage` method, and never a reason to panic.
    pub(super) fn engine(&self) -> Result<Ref<'_, Engine>, JsValue> {
        self.engine.try_borrow().map_err(|_| reentrant())
    }

    /// [`Recommender::engine`], mutably.
    pub(super) fn engine_mut(&self) -> Result<RefMut<'_, Engine>, JsValue> {
        self.engine.try_borrow_mut().map_err(|_| reentrant())
    }

    /// How many flushes the write-behind timer has done (for tests).
    pub fn timer_flushes(&self) -> u32 {
        self.write_behind.timer_flushes()
    }

    /// Whether a write-behind flush is scheduled (for tests).
    pub fn flush_scheduled(&self) -> bool {
        self.write_behind.is_scheduled()
    }
}

fn reentrant() -> JsValue {
    js_error(
        ErrorFamily::Storage,
        "the recommender was called again while a call was running (from a storage callback?)",
    )
}

/// Milliseconds since the Unix epoch, from the JS clock.
pub(super) fn now() -> f64 {
    js_sys::Date::now()
}
