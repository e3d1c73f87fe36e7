//! The `state` record (profile aggregates, log bounds, write generation) and
//! the migration of its older versions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{encode_raw, from_postcard, open_record, CodecError, RecordKind};
use crate::core::profile::{Centroid, Decayed, Profile};

/// Current schema version of the `state` record (v2 added the per-item seen
/// kinds; v1 is migrated: its seen items count as seen with every kind).
pub const STATE_VERSION: u32 = 2;
/// The `state` record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersistedState {
    /// Incremented on every write; lets tabs detect each other's writes.
    pub generation: u64,
    /// Sequence number of the oldest raw event kept.
    pub first_seq: u64,
    /// Sequence number of the next event (events are `first_seq..next_seq`).
    pub next_seq: u64,
    /// The decayed aggregates.
    pub profile: Profile,
}

/// Encodes the state record at the current version.
pub fn encode_state(state: &PersistedState) -> Result<String, CodecError> {
    encode_state_parts(
        state.generation,
        state.first_seq,
        state.next_seq,
        &state.profile,
    )
}

/// Borrowed twin of [`PersistedState`] (same field order, so the same bytes):
/// lets a flush encode the profile without cloning it.
#[derive(Serialize)]
struct StateRef<'a> {
    generation: u64,
    first_seq: u64,
    next_seq: u64,
    profile: &'a Profile,
}

/// Encodes a state record from its parts at the current version.
pub fn encode_state_parts(
    generation: u64,
    first_seq: u64,
    next_seq: u64,
    profile: &Profile,
) -> Result<String, CodecError> {
    let state = StateRef {
        generation,
        first_seq,
        next_seq,
        profile,
    };
    encode_raw(RecordKind::State, STATE_VERSION, &state)
}

/// Decodes a state record of any readable version.
pub fn decode_state(stored: &str) -> Result<PersistedState, CodecError> {
    let (version, bytes) = open_record(RecordKind::State, stored, &[1, STATE_VERSION])?;
    migrate_state(version, &bytes)
}

/// Version 1 of the profile (before `seen_kinds`), field for field.
#[derive(Serialize, Deserialize)]
pub struct ProfileV1 {
    /// Category affinities.
    pub categories: BTreeMap<String, Decayed>,
    /// Tag affinities.
    pub tags: BTreeMap<String, Decayed>,
    /// Item affinities.
    pub items: BTreeMap<String, Decayed>,
    /// Vector centroid.
    pub centroid: Option<Centroid>,
    /// Seen items.
    pub seen: BTreeMap<String, f64>,
    /// Dismissed items.
    pub dismissed: BTreeMap<String, f64>,
    /// Folded event count.
    pub folded_events: u64,
}

/// Version 1 of the state record.
#[derive(Serialize, Deserialize)]
pub struct StateV1 {
    /// Write generation.
    pub generation: u64,
    /// First raw event sequence number.
    pub first_seq: u64,
    /// Next raw event sequence number.
    pub next_seq: u64,
    /// The v1 profile.
    pub profile: ProfileV1,
}

/// Reads a state payload of `version` into the current shape: v2 directly,
/// v1 by conversion (no kinds were recorded, so every seen item counts as
/// seen with every kind: `excludeSeen` by kind stays conservative).
pub fn migrate_state(version: u32, bytes: &[u8]) -> Result<PersistedState, CodecError> {
    match version {
        1 => {
            let old: StateV1 = from_postcard(bytes)?;
            let p = old.profile;
            Ok(PersistedState {
                generation: old.generation,
                first_seq: old.first_seq,
                next_seq: old.next_seq,
                profile: Profile {
                    categories: p.categories,
                    tags: p.tags,
                    items: p.items,
                    centroid: p.centroid,
                    seen: p.seen,
                    dismissed: p.dismissed,
                    folded_events: p.folded_events,
                    seen_kinds: BTreeMap::new(),
                },
            })
        }
        2 => from_postcard(bytes),
        v => Err(CodecError::UnknownVersion(v)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::event::EventKind;
    use crate::core::kind_set::KindSet;
    use proptest::prelude::*;

    #[test]
    fn state_v1_is_migrated_with_every_kind_seen() {
        let mut seen = BTreeMap::new();
        seen.insert("a".to_string(), 5.0);
        let old = StateV1 {
            generation: 4,
            first_seq: 1,
            next_seq: 3,
            profile: ProfileV1 {
                categories: BTreeMap::new(),
                tags: BTreeMap::new(),
                items: BTreeMap::new(),
                centroid: None,
                seen: seen.clone(),
                dismissed: BTreeMap::new(),
                folded_events: 2,
            },
        };
        let s = encode_raw(RecordKind::State, 1, &old).unwrap();
        assert!(s.starts_with("lts1:"));
        let st = decode_state(&s).unwrap();
        assert_eq!((st.generation, st.first_seq, st.next_seq), (4, 1, 3));
        assert_eq!(st.profile.seen, seen);
        assert_eq!(st.profile.seen_kinds_of("a"), KindSet::all());
        let now = encode_state(&st).unwrap();
        assert!(now.starts_with("lts2:"), "{now}");
    }

    #[test]
    fn state_v0_is_rejected_cleanly() {
        let s = encode_raw(RecordKind::State, 0, &(1u64, 2u64)).unwrap();
        assert_eq!(decode_state(&s), Err(CodecError::UnknownVersion(0)));
    }

    /// Any decayed value.
    pub(crate) fn arb_decayed() -> impl Strategy<Value = Decayed> {
        (-1e6f64..1e6, 0.0f64..2e12).prop_map(|(value, at)| Decayed { value, at })
    }

    fn arb_state() -> impl Strategy<Value = PersistedState> {
        (
            any::<u64>(),
            0u64..1_000_000,
            0u64..1000,
            prop::collection::btree_map("[a-z]{1,8}", arb_decayed(), 0..8),
            prop::collection::btree_map("[a-z]{1,8}", arb_decayed(), 0..8),
            prop::collection::btree_map("[a-z0-9]{1,8}", 0.0f64..2e12, 0..8),
            prop::option::of(prop::collection::vec(-10.0f64..10.0, 1..6)),
        )
            .prop_map(|(generation, first, len, cats, items, seen, centroid)| {
                PersistedState {
                    generation,
                    first_seq: first,
                    next_seq: first + len,
                    profile: Profile {
                        categories: cats.clone(),
                        tags: cats,
                        items,
                        centroid: centroid.map(|sum| Centroid {
                            sum,
                            weight: 2.5,
                            at: 9.0,
                        }),
                        seen_kinds: seen
                            .keys()
                            .map(|k| (k.clone(), KindSet::EMPTY.with(EventKind::ALL[k.len() % 9])))
                            .collect(),
                        seen: seen.clone(),
                        dismissed: seen,
                        folded_events: len * 3,
                    },
                }
            })
    }

    proptest! {
        #[test]
        fn any_state_round_trips(state in arb_state()) {
            let s = encode_state(&state).unwrap();
            prop_assert_eq!(decode_state(&s).unwrap(), state);
        }

        #[test]
        fn damaged_values_are_errors_not_panics(state in arb_state(), cut in 0usize..400, flip in 0usize..400) {
            let s = encode_state(&state).unwrap();
            let cut = cut.min(s.len());
            prop_assert!(cut == s.len() || decode_state(&s[..cut]).is_err());
            let mut bytes = s.into_bytes();
            let i = flip % bytes.len();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            if let Ok(t) = String::from_utf8(bytes) {
                let _ = decode_state(&t);
            }
        }
    }
}
