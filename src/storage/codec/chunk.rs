//! Event chunks (consecutive raw events) and the migration of their older
//! versions.

use serde::{Deserialize, Serialize};

use super::{encode_raw, from_postcard, open_record, CodecError, RecordKind};
use crate::core::event::{Event, EventKind};

/// Current schema version of event chunks.
pub const EVENTS_VERSION: u32 = 1;
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
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Two events of different shapes (with and without value).
    pub(crate) fn chunk() -> EventChunk {
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

    proptest! {
        #[test]
        fn any_chunk_round_trips(start in any::<u64>(), events in prop::collection::vec(arb_event(), 0..40)) {
            let c = EventChunk { start_seq: start, events };
            let s = encode_chunk(&c).unwrap();
            prop_assert_eq!(decode_chunk(&s).unwrap(), c);
        }

    }
}
