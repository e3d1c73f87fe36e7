//! Write-behind persistence of one namespace.
//!
//! Relative keys (the store adds the namespace prefix):
//!
//! * `state`: the [`PersistedState`] (profile aggregates, log bounds,
//!   generation), rewritten on each flush that has changes;
//! * `events.<n>`: raw events with sequence numbers in
//!   `n*CHUNK_EVENTS..(n+1)*CHUNK_EVENTS`, as an [`EventChunk`]; only chunks
//!   touched since the last flush are rewritten, so recording an event never
//!   rewrites the whole log;
//! * `x.<name>`: values other modules store through the engine
//!   (`Engine::put_extra`), written verbatim.
//!
//! Recording only marks things dirty; [`Persist::write`] writes them. The
//! `state` key is written last, and readers trust its `first_seq..next_seq`,
//! so an interrupted flush leaves a readable namespace. The engine drives the
//! failure policy (merge with other tabs, quota -> compact -> retry -> memory
//! mode); this module does the I/O and the bookkeeping.

use std::collections::{BTreeMap, BTreeSet};

use super::codec::{self, EventChunk, PersistedState};
use super::{Store, StoreError};
use crate::core::event::Event;
use crate::core::history::History;
use crate::core::profile::Profile;

/// Raw events per chunk key.
pub const CHUNK_EVENTS: u64 = 128;
/// The state record's key.
pub const STATE_KEY: &str = "state";
/// Prefix of event chunk keys.
pub const EVENTS_PREFIX: &str = "events.";
/// Prefix of extra (other modules') keys.
pub const EXTRA_PREFIX: &str = "x.";
/// Longest extra key name.
pub const MAX_EXTRA_KEY_LEN: usize = 64;

/// The key of chunk `n`.
pub fn chunk_key(n: u64) -> String {
    format!("{EVENTS_PREFIX}{n}")
}

fn chunk_of(seq: u64) -> u64 {
    seq / CHUNK_EVENTS
}

fn parse_chunk_key(key: &str) -> Option<u64> {
    key.strip_prefix(EVENTS_PREFIX)?.parse().ok()
}

/// Whether `key` can be one of ours. Ours never contain `:`, so a namespace
/// `a` never claims the keys of a namespace `a:b` sharing its prefix.
fn is_own_key(key: &str) -> bool {
    !key.contains(':')
}

/// Checks an extra key name: 1..=64 chars of `[A-Za-z0-9._-]`.
pub fn check_extra_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_EXTRA_KEY_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Other(format!(
            "extra key {name:?} must be 1..={MAX_EXTRA_KEY_LEN} characters of [A-Za-z0-9._-]"
        )))
    }
}

fn hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (s.len() as u64).rotate_left(32)
}

/// How the stored `state` record was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFound {
    /// No state: a fresh namespace (or one erased by `forget`).
    Absent,
    /// Decoded.
    Readable,
    /// Present but undecodable (garbage, truncated, unknown version, foreign).
    Unreadable,
}

/// What was read from the store.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The state (default when absent or unreadable).
    pub state: PersistedState,
    /// How the state was found.
    pub found: StateFound,
    /// Sequence number of `events[0]`.
    pub first_seq: u64,
    /// The readable raw events, contiguous from `first_seq`.
    pub events: Vec<Event>,
    /// Extra values by name (without the `x.` prefix).
    pub extras: BTreeMap<String, String>,
    /// What was unreadable, if anything.
    pub problem: Option<String>,
    /// Whether the namespace must be rewritten (events were missing or
    /// damaged, so the survivors were renumbered).
    pub needs_rewrite: bool,
    sizes: BTreeMap<String, usize>,
    state_hash: Option<u64>,
}

/// The persistence side of an engine: the store, dirty tracking and status.
pub struct Persist {
    store: Box<dyn Store>,
    memory_mode: bool,
    last_error: Option<String>,
    /// Bytes (key + value) of each of our keys as last read or written.
    sizes: BTreeMap<String, usize>,
    /// Hash of the `state` value as last read or written (`None`: absent).
    state_hash: Option<u64>,
    generation: u64,
    state_dirty: bool,
    /// Lowest sequence number whose chunk must be rewritten.
    dirty_from: Option<u64>,
    extras: BTreeMap<String, String>,
    extras_dirty: BTreeSet<String>,
    /// Events with sequence numbers from here on were recorded since the last
    /// successful write or load (needed to merge with another tab).
    synced_next_seq: u64,
}

impl Persist {
    /// Wraps a store; nothing is read until [`Persist::load`].
    pub fn new(store: Box<dyn Store>) -> Persist {
        Persist {
            store,
            memory_mode: false,
            last_error: None,
            sizes: BTreeMap::new(),
            state_hash: None,
            generation: 0,
            state_dirty: false,
            dirty_from: None,
            extras: BTreeMap::new(),
            extras_dirty: BTreeSet::new(),
            synced_next_seq: 0,
        }
    }

    /// Reads the namespace. Never fails: an unavailable store switches to
    /// memory mode, unreadable data starts empty; both set `last_error`.
    pub fn load(&mut self) -> Loaded {
        match self.read() {
            Ok(loaded) => {
                self.adopt(&loaded);
                if let Some(p) = &loaded.problem {
                    self.last_error = Some(p.clone());
                }
                if loaded.found == StateFound::Unreadable || loaded.needs_rewrite {
                    // Rewrite everything from what we could read.
                    self.state_dirty = true;
                    self.dirty_from = Some(loaded.first_seq);
                }
                loaded
            }
            Err(e) => {
                self.enter_memory_mode(format!(
                    "could not read stored state ({e}); working in memory"
                ));
                empty_loaded(None)
            }
        }
    }

    /// Reads the namespace without changing any bookkeeping.
    pub fn read(&self) -> Result<Loaded, StoreError> {
        let mut sizes = BTreeMap::new();
        let mut problems = Vec::new();
        let keys: Vec<String> = self
            .store
            .keys()?
            .into_iter()
            .filter(|k| is_own_key(k))
            .collect();
        let raw_state = self.store.get(STATE_KEY)?;
        let state_hash = raw_state.as_deref().map(hash);
        let (state, found) = match raw_state.as_deref() {
            None => (PersistedState::default(), StateFound::Absent),
            Some(s) => {
                sizes.insert(STATE_KEY.to_string(), STATE_KEY.len() + s.len());
                match codec::decode_state(s) {
                    Ok(mut st) => {
                        let dropped = st.profile.sanitize();
                        if dropped > 0 {
                            problems.push(format!(
                                "{dropped} stored profile entries held invalid numbers and were dropped"
                            ));
                        }
                        (st, StateFound::Readable)
                    }
                    Err(e) => {
                        problems.push(format!("stored state unreadable ({e}); starting empty"));
                        (PersistedState::default(), StateFound::Unreadable)
                    }
                }
            }
        };
        let mut extras = BTreeMap::new();
        let mut chunk_values = BTreeMap::new();
        for key in &keys {
            if key == STATE_KEY {
                continue;
            }
            let Some(value) = self.store.get(key)? else {
                continue;
            };
            sizes.insert(key.clone(), key.len() + value.len());
            if let Some(name) = key.strip_prefix(EXTRA_PREFIX) {
                extras.insert(name.to_string(), value);
            } else if let Some(n) = parse_chunk_key(key) {
                chunk_values.insert(n, value);
            }
        }
        let mut loaded = empty_loaded(state_hash);
        loaded.sizes = sizes;
        loaded.extras = extras;
        loaded.found = found;
        if found == StateFound::Readable {
            self.read_events(&state, &chunk_values, &mut loaded, &mut problems);
        }
        loaded.state = state;
        if !problems.is_empty() {
            loaded.problem = Some(problems.join("; "));
        }
        Ok(loaded)
    }

    fn read_events(
        &self,
        state: &PersistedState,
        chunks: &BTreeMap<u64, String>,
        loaded: &mut Loaded,
        problems: &mut Vec<String>,
    ) {
        loaded.first_seq = state.first_seq;
        if state.next_seq <= state.first_seq {
            return;
        }
        let mut expected = state.first_seq;
        let mut lost = 0u64;
        for n in chunk_of(state.first_seq)..=chunk_of(state.next_seq - 1) {
            let chunk = match chunks.get(&n).map(|v| codec::decode_chunk(v)) {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    problems.push(format!("stored events chunk {n} unreadable ({e}); dropped"));
                    loaded.needs_rewrite = true;
                    continue;
                }
                None => continue,
            };
            for (seq, event) in (chunk.start_seq..).zip(chunk.events) {
                if seq < expected {
                    continue;
                }
                if seq >= state.next_seq {
                    break;
                }
                if seq > expected {
                    if loaded.events.is_empty() {
                        // Older events were compacted away: start later.
                        loaded.first_seq = seq;
                    } else {
                        lost += seq - expected;
                    }
                }
                expected = seq + 1;
                if !event.at.is_finite() || event.value.is_some_and(|v| !v.is_finite()) {
                    lost += 1;
                    continue;
                }
                loaded.events.push(event);
            }
        }
        if loaded.events.is_empty() {
            // Every live event is missing.
            lost = state.next_seq - state.first_seq;
            loaded.first_seq = state.next_seq;
        } else if expected < state.next_seq {
            lost += state.next_seq - expected;
        }
        if lost > 0 {
            loaded.needs_rewrite = true;
            problems.push(format!(
                "{lost} stored events were missing or unreadable and were dropped"
            ));
        }
    }

    /// Takes over the bookkeeping of a fresh read (after load or a merge).
    pub fn adopt(&mut self, loaded: &Loaded) {
        self.sizes = loaded.sizes.clone();
        self.state_hash = loaded.state_hash;
        self.generation = loaded.state.generation;
        self.extras = loaded.extras.clone();
        self.extras_dirty.clear();
        self.state_dirty = false;
        self.dirty_from = None;
        self.synced_next_seq = loaded.first_seq + loaded.events.len() as u64;
    }

    /// Whether another instance wrote `state` since we last read or wrote it.
    /// A read failure counts as "no change" (the write will surface it).
    pub fn remote_changed(&self) -> bool {
        match self.store.get(STATE_KEY) {
            Ok(v) => v.as_deref().map(hash) != self.state_hash,
            Err(_) => false,
        }
    }

    /// Events with sequence numbers from here on are not yet written.
    pub fn synced_next_seq(&self) -> u64 {
        self.synced_next_seq
    }

    /// The state record must be rewritten.
    pub fn mark_state_dirty(&mut self) {
        self.state_dirty = true;
    }

    /// The chunks holding `seq` and later must be rewritten (and the state).
    pub fn mark_events_from(&mut self, seq: u64) {
        self.dirty_from = Some(self.dirty_from.map_or(seq, |d| d.min(seq)));
        self.state_dirty = true;
    }

    /// Whether a flush has anything to write (always false in memory mode).
    pub fn is_dirty(&self) -> bool {
        !self.memory_mode
            && (self.state_dirty || self.dirty_from.is_some() || !self.extras_dirty.is_empty())
    }

    /// An extra value by name.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extras.get(name).map(String::as_str)
    }

    /// Every extra value by name.
    pub fn extras(&self) -> &BTreeMap<String, String> {
        &self.extras
    }

    /// Sets (`Some`) or removes (`None`) an extra value; written on flush.
    pub fn set_extra(&mut self, name: &str, value: Option<String>) -> Result<(), StoreError> {
        check_extra_name(name)?;
        match value {
            Some(v) => self.extras.insert(name.to_string(), v),
            None => self.extras.remove(name),
        };
        self.extras_dirty.insert(name.to_string());
        Ok(())
    }

    /// Keeps locally changed extras and takes the others from `remote`.
    pub fn merge_extras(&mut self, remote: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut merged = remote.clone();
        for name in &self.extras_dirty {
            match self.extras.get(name) {
                Some(v) => merged.insert(name.clone(), v.clone()),
                None => merged.remove(name),
            };
        }
        merged
    }

    /// Replaces the extras and marks every name in `dirty` for writing.
    pub fn set_extras(&mut self, extras: BTreeMap<String, String>, dirty: BTreeSet<String>) {
        self.extras = extras;
        self.extras_dirty = dirty;
    }

    /// Names of extras changed since the last write.
    pub fn dirty_extras(&self) -> BTreeSet<String> {
        self.extras_dirty.clone()
    }

    /// One write attempt of everything dirty: obsolete chunk keys are removed
    /// first (freeing space), then dirty chunks, extras, and the state last.
    pub fn write(&mut self, history: &History, profile: &Profile) -> Result<(), StoreError> {
        if self.memory_mode {
            return Ok(());
        }
        let (first_seq, next_seq) = (history.first_seq(), history.next_seq());
        let first_chunk = chunk_of(first_seq);
        let end_chunk = if next_seq > first_seq {
            chunk_of(next_seq - 1) + 1
        } else {
            first_chunk
        };
        // 1. Remove chunk keys outside the live range.
        let obsolete: Vec<String> = self
            .sizes
            .keys()
            .filter(|k| parse_chunk_key(k).is_some_and(|n| n < first_chunk || n >= end_chunk))
            .cloned()
            .collect();
        for key in obsolete {
            self.store.remove(&key)?;
            self.sizes.remove(&key);
        }
        // 2. Rewrite dirty chunks.
        if let Some(from) = self.dirty_from {
            let from = from.max(first_seq);
            for n in chunk_of(from).max(first_chunk)..end_chunk {
                let start = (n * CHUNK_EVENTS).max(first_seq);
                let end = ((n + 1) * CHUNK_EVENTS).min(next_seq);
                let chunk = EventChunk {
                    start_seq: start,
                    events: (start..end)
                        .filter_map(|seq| history.get(seq).cloned())
                        .collect(),
                };
                let value =
                    codec::encode_chunk(&chunk).map_err(|e| StoreError::Other(e.to_string()))?;
                self.put(&chunk_key(n), &value)?;
            }
            self.dirty_from = None;
        }
        // 3. Extras.
        self.write_dirty_extras()?;
        // 4. State, last.
        let value = codec::encode_state_parts(self.generation + 1, first_seq, next_seq, profile)
            .map_err(|e| StoreError::Other(e.to_string()))?;
        self.put(STATE_KEY, &value)?;
        self.generation += 1;
        self.state_hash = Some(hash(&value));
        self.state_dirty = false;
        self.synced_next_seq = next_seq;
        Ok(())
    }

    /// Privacy levels without stored history (`session`, `off`): removes the
    /// `state` record and every event chunk, then writes the dirty extras.
    /// Afterwards the namespace holds nothing but extras.
    pub fn write_extras_only(&mut self) -> Result<(), StoreError> {
        if self.memory_mode {
            return Ok(());
        }
        let history_keys: Vec<String> = self
            .sizes
            .keys()
            .filter(|k| k.as_str() == STATE_KEY || parse_chunk_key(k).is_some())
            .cloned()
            .collect();
        for key in history_keys {
            self.store.remove(&key)?;
            self.sizes.remove(&key);
        }
        self.state_hash = None;
        self.state_dirty = false;
        self.dirty_from = None;
        self.write_dirty_extras()
    }

    /// Writes (or removes) every dirty extra; on a failure the failed extra
    /// and the ones not reached stay dirty.
    fn write_dirty_extras(&mut self) -> Result<(), StoreError> {
        let mut pending = std::mem::take(&mut self.extras_dirty).into_iter();
        while let Some(name) = pending.next() {
            let key = format!("{EXTRA_PREFIX}{name}");
            let result = match self.extras.get(&name).cloned() {
                Some(v) => self.put(&key, &v),
                None => self.store.remove(&key).map(|()| {
                    self.sizes.remove(&key);
                }),
            };
            if let Err(e) = result {
                self.extras_dirty.insert(name);
                self.extras_dirty.extend(pending);
                return Err(e);
            }
        }
        Ok(())
    }

    fn put(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.store.put(key, value)?;
        self.sizes.insert(key.to_string(), key.len() + value.len());
        Ok(())
    }

    /// Marks every live chunk for rewriting (after compaction on quota).
    pub fn mark_all_events(&mut self, first_seq: u64) {
        self.dirty_from = Some(first_seq);
        self.state_dirty = true;
    }

    /// Stops writing: everything stays in memory from now on.
    pub fn enter_memory_mode(&mut self, reason: String) {
        self.memory_mode = true;
        self.last_error = Some(reason);
    }

    /// Records a problem for `status().lastError`.
    pub fn note_error(&mut self, message: String) {
        self.last_error = Some(message);
    }

    /// Erases every key of the namespace and resets the bookkeeping.
    pub fn forget(&mut self) {
        let result = self.store.keys().and_then(|keys| {
            for key in keys.iter().filter(|k| is_own_key(k)) {
                self.store.remove(key)?;
            }
            Ok(())
        });
        let memory_mode = self.memory_mode;
        let last_error = self.last_error.take();
        self.sizes.clear();
        self.state_hash = None;
        self.generation = 0;
        self.state_dirty = false;
        self.dirty_from = None;
        self.extras.clear();
        self.extras_dirty.clear();
        self.synced_next_seq = 0;
        self.memory_mode = memory_mode;
        self.last_error = if memory_mode { last_error } else { None };
        if let Err(e) = result {
            self.enter_memory_mode(format!(
                "could not erase stored data ({e}); working in memory"
            ));
        }
    }

    /// Whether data survives a reload: the store is persistent and we did
    /// not fall back to memory.
    pub fn is_persistent(&self) -> bool {
        !self.memory_mode && self.store.is_persistent()
    }
    /// Whether we fell back to memory mode.
    pub fn in_memory_mode(&self) -> bool {
        self.memory_mode
    }
    /// Bytes (keys + values) of our keys as last read or written.
    pub fn stored_bytes(&self) -> usize {
        self.sizes.values().sum()
    }
    /// Our keys as last read or written.
    pub fn stored_keys(&self) -> Vec<String> {
        self.sizes.keys().cloned().collect()
    }
    /// The last problem, if any.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }
}

fn empty_loaded(state_hash: Option<u64>) -> Loaded {
    Loaded {
        state: PersistedState::default(),
        found: StateFound::Absent,
        first_seq: 0,
        events: Vec::new(),
        extras: BTreeMap::new(),
        problem: None,
        needs_rewrite: false,
        sizes: BTreeMap::new(),
        state_hash,
    }
}
