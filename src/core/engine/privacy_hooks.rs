//! The engine's hooks for the privacy controller
//! (`crate::privacy::controller`).

use super::Engine;
use crate::core::catalog::Catalog;
use crate::core::history::History;
use crate::core::impressions::Impressions;
use crate::core::options::Options;
use crate::core::profile::Profile;

// ---- Hooks for the privacy controller (`crate::privacy::controller`) ----
// Kept apart from the engine proper: the level dial decides whether history
// is stored at all, and the visitor's rights need to edit history/profile.
impl Engine {
    /// Whether history and profile are written to storage. Turning it off
    /// erases the stored history and profile at the next flush (extras stay);
    /// turning it on again writes the in-memory history at the next flush.
    pub fn set_history_storage(&mut self, store: bool) {
        if store == self.store_history {
            return;
        }
        self.store_history = store;
        self.persist.mark_all_events(self.history.first_seq());
        self.store_impressions();
    }

    /// Whether history and profile are written to storage.
    pub fn history_storage(&self) -> bool {
        self.store_history
    }

    /// Drops the in-memory history, profile and impressions without touching storage
    /// (the next flush writes whatever the storage mode says).
    pub fn clear_memory(&mut self) {
        self.history = History::default();
        self.profile = Profile::default();
        self.impressions = Impressions::default();
        self.store_impressions();
        self.persist.mark_all_events(0);
    }

    /// Mutable access to the profile and history for the visitor's rights
    /// (`forgetItem`); call [`Engine::history_rewritten`] afterwards.
    pub fn privacy_parts_mut(&mut self) -> (&Catalog, &Options, &mut History, &mut Profile) {
        (
            &self.catalog,
            &self.options,
            &mut self.history,
            &mut self.profile,
        )
    }

    /// Marks the stored history from sequence `from_seq` on (and the profile)
    /// for rewriting after an edit through [`Engine::privacy_parts_mut`].
    pub fn history_rewritten(&mut self, from_seq: u64) {
        self.persist.mark_events_from(from_seq);
    }

    /// Reads one extra value straight from the store, bypassing this
    /// instance's cache: another tab may have written it (the budget ledger
    /// is re-read this way before a report is charged). `None` when absent
    /// or unreadable.
    pub fn read_stored_extra(&self, name: &str) -> Option<String> {
        self.persist.read().ok()?.extras.get(name).cloned()
    }
}
