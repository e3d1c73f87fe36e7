//! The engine's persistence: write-behind flushing, quota compaction, merging
//! another tab's writes, age retention, the extras other modules store, and
//! the impression counters' storage.

use std::collections::HashSet;

use super::Engine;
use super::IMPRESSIONS_EXTRA;
use crate::core::event::Event;
use crate::core::history::History;
use crate::core::impressions::Impressions;
use crate::core::profile::Profile;
use crate::storage::codec;
use crate::storage::persist::StateFound;
use crate::storage::StoreError;

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
    pub(super) fn store_impressions(&mut self) {
        // Not stored at privacy levels without stored history (hook below).
        let stored = if self.impressions == Impressions::default() || !self.store_history {
            self.persist.set_extra(IMPRESSIONS_EXTRA, None)
        } else {
            match codec::encode_impressions(&self.impressions) {
                Ok(v) => self.persist.set_extra(IMPRESSIONS_EXTRA, Some(v)),
                Err(e) => Err(StoreError::Other(e.to_string())),
            }
        };
        if let Err(e) = stored {
            self.persist
                .note_error(format!("could not store impressions ({e})"));
        }
    }

    /// Reads the impression counters from the extras (on open).
    pub(super) fn load_impressions(&mut self) {
        let stored = self.persist.extra(IMPRESSIONS_EXTRA).map(str::to_string);
        self.impressions = self.decode_impressions(stored.as_deref());
    }

    /// Decodes stored impression counters; unreadable ones are reported in
    /// `status().lastError` and start empty.
    pub(super) fn decode_impressions(&mut self, stored: Option<&str>) -> Impressions {
        match stored {
            None => Impressions::default(),
            Some(v) => match codec::decode_impressions(v) {
                Ok(mut imp) => {
                    if imp.sanitize() > 0 {
                        self.persist
                            .note_error("stored impressions held invalid numbers".into());
                    }
                    imp
                }
                Err(e) => {
                    self.persist.note_error(format!(
                        "stored impressions unreadable ({e}); starting empty"
                    ));
                    Impressions::default()
                }
            },
        }
    }

    /// Erases every key of the namespace and resets history, profile,
    /// impressions and extras (the catalogue and options stay).
    pub fn forget(&mut self) {
        self.persist.forget();
        self.history = History::default();
        self.profile = Profile::default();
        self.impressions = Impressions::default();
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
        if !self.store_history {
            // Privacy level without persisted history: erase any stored
            // history and profile, write only the extras.
            if let Err(e) = self.persist.write_extras_only() {
                self.persist
                    .enter_memory_mode(format!("could not write ({e}); working in memory"));
            }
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

    pub(super) fn compact_and_retry(&mut self) {
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
    pub(super) fn merge_remote(&mut self) {
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
        let ours_impressions = dirty_extras
            .contains(IMPRESSIONS_EXTRA)
            .then(|| self.impressions.clone());
        let theirs_impressions = remote.extras.get(IMPRESSIONS_EXTRA).cloned();
        let extras = self.persist.merge_extras(&remote.extras);
        let theirs: HashSet<EventKey> = remote.events.iter().map(event_key).collect();
        self.persist.adopt(&remote);
        self.persist.set_extras(extras, dirty_extras);
        if remote.needs_rewrite {
            // Their stored log had holes: rewrite it as we renumbered it.
            self.persist.mark_all_events(remote.first_seq);
        }
        self.history = History::from_parts(remote.events, remote.first_seq);
        self.profile = remote.state.profile;
        self.persist.mark_state_dirty();
        for e in pending {
            if !theirs.contains(&event_key(&e)) {
                self.apply(e, f64::MIN);
            }
        }
        self.fold_unscored();
        self.history
            .trim_front(self.options.max_events as usize, f64::MIN);
        // Impressions: take theirs, then max-merge ours in if we had changes.
        self.impressions = self.decode_impressions(theirs_impressions.as_deref());
        if let Some(ours) = ours_impressions {
            self.impressions
                .merge_from(&ours, self.options.impression_memory_ms());
            self.store_impressions();
        }
    }

    /// Full retention pass (count and age) as of `now_ms`.
    pub(super) fn enforce_retention(&mut self, now_ms: f64) {
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
}
