//! Versioned, compact encoding of the persisted state.
//!
//! A stored value is `lt<kind><version>:<base64>` where `kind` is `s` (the
//! profile/state record) or `e` (a chunk of raw events), `version` is the
//! decimal schema version, and the base64 (standard alphabet, no padding)
//! holds the [postcard] encoding of the record followed by a 4-byte FNV-1a
//! checksum of it. Why this scheme:
//!
//! * postcard is a compact binary serde format (varints, no field names), so a
//!   128-event chunk is a few KB; its code is small, which matters in `.wasm`;
//! * `localStorage` holds UTF-16 strings, so binary must become text: base64 is
//!   the simplest robust choice (every backend accepts it, 4/3 expansion);
//! * the plain-text header lets us recognise our own values, tell a foreign
//!   value (written by another library) from a damaged one, and dispatch on the
//!   version *before* decoding the payload ([`migrate_chunk`], [`migrate_state`]);
//! * the checksum turns truncation and bit rot into a typed error instead of a
//!   silently wrong decode.
//!
//! Decoding never panics: garbage, truncated data, unknown versions and
//! foreign values all come back as [`CodecError`].

use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::event::{Event, EventKind};
use crate::core::impressions::Impressions;
use crate::core::profile::{Centroid, Decayed, Profile};

/// Current schema version of the `state` record (v2 added the per-item seen
/// kinds; v1 is migrated: its seen items count as seen with every kind).
pub const STATE_VERSION: u32 = 2;
/// Current schema version of event chunks.
pub const EVENTS_VERSION: u32 = 1;
const MAGIC: &str = "lt";
const CHECKSUM_LEN: usize = 4;

/// What a stored value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// The state record (profile aggregates, log bounds, generation).
    State,
    /// A chunk of raw events.
    Events,
    /// The impression counters (`x.impressions`).
    Impressions,
}

impl RecordKind {
    fn tag(self) -> char {
        match self {
            RecordKind::State => 's',
            RecordKind::Events => 'e',
            RecordKind::Impressions => 'i',
        }
    }
}

/// Why a stored value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// The value does not start with our header: written by someone else.
    Foreign,
    /// Our header, but for another record kind.
    WrongKind,
    /// Our header with a schema version this build cannot read.
    UnknownVersion(u32),
    /// The payload is shorter than its checksum or ends mid-record.
    Truncated,
    /// The payload is damaged (bad base64, checksum mismatch, bad record).
    Corrupt(String),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Foreign => write!(f, "value was not written by lighttouch"),
            CodecError::WrongKind => write!(f, "value holds another kind of record"),
            CodecError::UnknownVersion(v) => write!(f, "unknown schema version {v}"),
            CodecError::Truncated => write!(f, "value is truncated"),
            CodecError::Corrupt(why) => write!(f, "value is corrupt: {why}"),
        }
    }
}

impl std::error::Error for CodecError {}

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

/// A chunk of consecutive raw events, the first with sequence `start_seq`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventChunk {
    /// Sequence number of `events[0]`.
    pub start_seq: u64,
    /// The events.
    pub events: Vec<Event>,
}

/// Wire form of an event (every field always present: postcard is not
/// self-describing).
#[derive(Serialize, Deserialize)]
struct WireEvent {
    item: String,
    kind: EventKind,
    value: Option<f64>,
    at: f64,
    scored: bool,
}

#[derive(Serialize, Deserialize)]
struct WireChunk {
    start_seq: u64,
    events: Vec<WireEvent>,
}

/// Version 0 of event chunks (a legacy shape kept to exercise the migration
/// path): events were `(item, kind index, at)`, without value or scored flag.
#[derive(Serialize, Deserialize)]
pub struct ChunkV0 {
    /// Sequence number of the first event.
    pub start_seq: u64,
    /// `(item, kind index in EventKind::ALL, at)`.
    pub events: Vec<(String, u8, f64)>,
}

fn fnv1a32(bytes: &[u8]) -> [u8; 4] {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.to_le_bytes()
}

/// Encodes `value` as a record of `kind` at `version`.
pub fn encode_raw<T: Serialize>(
    kind: RecordKind,
    version: u32,
    value: &T,
) -> Result<String, CodecError> {
    let mut bytes = postcard::to_allocvec(value).map_err(|e| CodecError::Corrupt(e.to_string()))?;
    let sum = fnv1a32(&bytes);
    bytes.extend_from_slice(&sum);
    Ok(format!(
        "{MAGIC}{}{version}:{}",
        kind.tag(),
        STANDARD_NO_PAD.encode(bytes)
    ))
}

/// Splits and checks a stored value: returns its version and the verified
/// postcard bytes (checksum removed). Versions not in `readable` are
/// rejected before the payload is looked at (a future version may change it).
pub fn open_record(
    kind: RecordKind,
    stored: &str,
    readable: &[u32],
) -> Result<(u32, Vec<u8>), CodecError> {
    let rest = stored.strip_prefix(MAGIC).ok_or(CodecError::Foreign)?;
    let mut chars = rest.chars();
    let tag = chars.next().ok_or(CodecError::Foreign)?;
    if !matches!(tag, 's' | 'e' | 'i') {
        return Err(CodecError::Foreign);
    }
    let rest = chars.as_str();
    let colon = rest.find(':').ok_or(CodecError::Foreign)?;
    let digits = &rest[..colon];
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodecError::Foreign);
    }
    if tag != kind.tag() {
        return Err(CodecError::WrongKind);
    }
    let version: u32 = digits.parse().map_err(|_| CodecError::Foreign)?;
    if !readable.contains(&version) {
        return Err(CodecError::UnknownVersion(version));
    }
    let bytes = STANDARD_NO_PAD
        .decode(&rest[colon + 1..])
        .map_err(|e| CodecError::Corrupt(format!("bad base64: {e}")))?;
    if bytes.len() < CHECKSUM_LEN {
        return Err(CodecError::Truncated);
    }
    let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    if fnv1a32(body) != sum {
        return Err(CodecError::Corrupt(
            "checksum mismatch (truncated or altered)".into(),
        ));
    }
    Ok((version, body.to_vec()))
}

fn from_postcard<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Ok(v),
        Ok((_, rest)) => Err(CodecError::Corrupt(format!(
            "{} trailing bytes",
            rest.len()
        ))),
        Err(postcard::Error::DeserializeUnexpectedEnd) => Err(CodecError::Truncated),
        Err(e) => Err(CodecError::Corrupt(e.to_string())),
    }
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

/// Current schema version of the impression counters.
pub const IMPRESSIONS_VERSION: u32 = 1;

/// Encodes the impression counters (`lti1:…`).
pub fn encode_impressions(imp: &Impressions) -> Result<String, CodecError> {
    encode_raw(RecordKind::Impressions, IMPRESSIONS_VERSION, imp)
}

/// Decodes the impression counters.
pub fn decode_impressions(stored: &str) -> Result<Impressions, CodecError> {
    let (_, bytes) = open_record(RecordKind::Impressions, stored, &[IMPRESSIONS_VERSION])?;
    from_postcard(&bytes)
}

/// Encodes an event chunk at the current version.
pub fn encode_chunk(chunk: &EventChunk) -> Result<String, CodecError> {
    let wire = WireChunk {
        start_seq: chunk.start_seq,
        events: chunk
            .events
            .iter()
            .map(|e| WireEvent {
                item: e.item.clone(),
                kind: e.kind,
                value: e.value,
                at: e.at,
                scored: e.scored,
            })
            .collect(),
    };
    encode_raw(RecordKind::Events, EVENTS_VERSION, &wire)
}

/// Decodes an event chunk of any readable version.
pub fn decode_chunk(stored: &str) -> Result<EventChunk, CodecError> {
    let (version, bytes) = open_record(RecordKind::Events, stored, &[0, EVENTS_VERSION])?;
    migrate_chunk(version, &bytes)
}

/// Reads a chunk payload of `version` into the current shape: v1 directly,
/// v0 (legacy `(item, kind, at)` triples) by conversion.
pub fn migrate_chunk(version: u32, bytes: &[u8]) -> Result<EventChunk, CodecError> {
    match version {
        0 => {
            let old: ChunkV0 = from_postcard(bytes)?;
            let mut events = Vec::with_capacity(old.events.len());
            for (item, kind, at) in old.events {
                let kind = *EventKind::ALL
                    .get(usize::from(kind))
                    .ok_or_else(|| CodecError::Corrupt(format!("v0 event kind {kind}")))?;
                if matches!(kind, EventKind::Dwell | EventKind::Rate) {
                    // v0 could not store the value these kinds need.
                    return Err(CodecError::Corrupt(format!(
                        "v0 event of kind {} has no value",
                        kind.name()
                    )));
                }
                events.push(Event {
                    item,
                    kind,
                    value: None,
                    at,
                    scored: true,
                });
            }
            Ok(EventChunk {
                start_seq: old.start_seq,
                events,
            })
        }
        1 => {
            let wire: WireChunk = from_postcard(bytes)?;
            Ok(EventChunk {
                start_seq: wire.start_seq,
                events: wire
                    .events
                    .into_iter()
                    .map(|w| Event {
                        item: w.item,
                        kind: w.kind,
                        value: w.value,
                        at: w.at,
                        scored: w.scored,
                    })
                    .collect(),
            })
        }
        v => Err(CodecError::UnknownVersion(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::kind_set::KindSet;
    use proptest::prelude::*;

    fn chunk() -> EventChunk {
        EventChunk {
            start_seq: 7,
            events: vec![
                Event {
                    item: "a".into(),
                    kind: EventKind::Dwell,
                    value: Some(1200.0),
                    at: 1.7e12,
                    scored: true,
                },
                Event {
                    item: "ü-b".into(),
                    kind: EventKind::Dismiss,
                    value: None,
                    at: 1.7e12 + 0.5,
                    scored: false,
                },
            ],
        }
    }

    #[test]
    fn chunk_round_trips_and_has_header() {
        let s = encode_chunk(&chunk()).unwrap();
        assert!(s.starts_with("lte1:"), "{s}");
        assert_eq!(decode_chunk(&s).unwrap(), chunk());
    }

    #[test]
    fn typed_errors_for_bad_values() {
        let good = encode_chunk(&chunk()).unwrap();
        assert_eq!(decode_chunk("{\"events\":[1,2]}"), Err(CodecError::Foreign));
        assert_eq!(decode_chunk(""), Err(CodecError::Foreign));
        assert_eq!(decode_chunk("lte:abc"), Err(CodecError::Foreign));
        assert_eq!(decode_state(&good), Err(CodecError::WrongKind));
        assert_eq!(
            decode_chunk("lte99:AAAA"),
            Err(CodecError::UnknownVersion(99))
        );
        assert!(matches!(
            decode_chunk("lte1:!!!"),
            Err(CodecError::Corrupt(_))
        ));
        assert_eq!(decode_chunk("lte1:AA"), Err(CodecError::Truncated));
        let truncated = &good[..good.len() - 3];
        assert!(matches!(
            decode_chunk(truncated),
            Err(CodecError::Corrupt(_) | CodecError::Truncated)
        ));
        // Valid checksum over a payload that is not a chunk.
        let not_chunk = encode_raw(RecordKind::Events, 1, &(1u8, 2u8)).unwrap();
        assert!(decode_chunk(&not_chunk).is_err());
    }

    #[test]
    fn v0_chunk_is_migrated() {
        let old = ChunkV0 {
            start_seq: 3,
            events: vec![("x".into(), 1, 10.0), ("y".into(), 7, 20.0)],
        };
        let s = encode_raw(RecordKind::Events, 0, &old).unwrap();
        assert!(s.starts_with("lte0:"));
        let c = decode_chunk(&s).unwrap();
        assert_eq!(c.start_seq, 3);
        assert_eq!(c.events[0].kind, EventKind::Click);
        assert_eq!(c.events[1].kind, EventKind::Dismiss);
        assert_eq!(c.events[1].value, None);
        assert!(c.events.iter().all(|e| e.scored));
    }

    #[test]
    fn v0_chunk_with_impossible_content_is_rejected() {
        let bad_kind = ChunkV0 {
            start_seq: 0,
            events: vec![("x".into(), 200, 1.0)],
        };
        let s = encode_raw(RecordKind::Events, 0, &bad_kind).unwrap();
        assert!(matches!(decode_chunk(&s), Err(CodecError::Corrupt(_))));
        let dwell = ChunkV0 {
            start_seq: 0,
            events: vec![("x".into(), 2, 1.0)],
        };
        let s = encode_raw(RecordKind::Events, 0, &dwell).unwrap();
        assert!(matches!(decode_chunk(&s), Err(CodecError::Corrupt(_))));
    }

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

    fn arb_kind() -> impl Strategy<Value = EventKind> {
        (0usize..9).prop_map(|i| EventKind::ALL[i])
    }

    fn arb_event() -> impl Strategy<Value = Event> {
        (
            "[a-zé0-9-]{1,12}",
            arb_kind(),
            prop::option::of(-1e9f64..1e9),
            0.0f64..2e12,
            any::<bool>(),
        )
            .prop_map(|(item, kind, value, at, scored)| Event {
                item,
                kind,
                value,
                at,
                scored,
            })
    }

    fn arb_decayed() -> impl Strategy<Value = Decayed> {
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
        fn any_chunk_round_trips(start in any::<u64>(), events in prop::collection::vec(arb_event(), 0..40)) {
            let c = EventChunk { start_seq: start, events };
            let s = encode_chunk(&c).unwrap();
            prop_assert_eq!(decode_chunk(&s).unwrap(), c);
        }

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,200}") {
            let _ = decode_state(&s);
            let _ = decode_chunk(&s);
            let _ = decode_impressions(&s);
        }

        #[test]
        fn impressions_round_trip_and_damage_is_an_error(
            items in prop::collection::btree_map("[a-z0-9-]{1,12}", (0u32..10, 0.0f64..2e12, 0.0f64..1e6), 0..20),
            cats in prop::collection::btree_map("[A-Za-z]{1,8}", (arb_decayed(), arb_decayed()), 0..6),
            total in any::<u64>(),
            cut in 0usize..200,
        ) {
            use crate::core::impressions::{CategoryCtr, ItemImpressions};
            let imp = Impressions {
                items: items
                    .into_iter()
                    .map(|(k, (n, first, dt))| (k, ItemImpressions { unengaged: n, first_at: first, last_at: first + dt }))
                    .collect(),
                categories: cats
                    .into_iter()
                    .map(|(k, (shown, clicks))| (k, CategoryCtr { shown, clicks }))
                    .collect(),
                total,
            };
            let s = encode_impressions(&imp).unwrap();
            prop_assert!(s.starts_with("lti1:"));
            prop_assert_eq!(decode_impressions(&s).unwrap(), imp);
            prop_assert_eq!(decode_state(&s), Err(CodecError::WrongKind));
            let cut = cut.min(s.len());
            prop_assert!(cut == s.len() || decode_impressions(&s[..cut]).is_err());
        }

        #[test]
        fn arbitrary_payloads_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300),
                                          version in 0u32..3) {
            let b64 = STANDARD_NO_PAD.encode(&bytes);
            let _ = decode_state(&format!("lts{version}:{b64}"));
            let _ = decode_chunk(&format!("lte{version}:{b64}"));
            // With a valid checksum the postcard decoder itself is exercised.
            let mut with_sum = bytes.clone();
            with_sum.extend_from_slice(&fnv1a32(&bytes));
            let b64 = STANDARD_NO_PAD.encode(&with_sum);
            let _ = decode_state(&format!("lts{version}:{b64}"));
            let _ = decode_chunk(&format!("lte{version}:{b64}"));
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
