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
//!
//! Submodules: [`state`] (the profile/state record and its migrations) and
//! [`chunk`] (event chunks and theirs); this module holds the record framing
//! shared by every kind, and the impression counters.

mod chunk;
mod state;

use std::fmt;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::core::impressions::Impressions;

pub use chunk::{decode_chunk, encode_chunk, migrate_chunk, ChunkV0, EventChunk, EVENTS_VERSION};
pub use state::{
    decode_state, encode_state, encode_state_parts, migrate_state, PersistedState, ProfileV1,
    StateV1, STATE_VERSION,
};

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

pub(crate) fn fnv1a32(bytes: &[u8]) -> [u8; 4] {
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

pub(crate) fn from_postcard<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::impressions::{CategoryCtr, ItemImpressions};
    use proptest::prelude::*;
    use state::tests::arb_decayed;

    #[test]
    fn typed_errors_for_bad_values() {
        let good = encode_chunk(&chunk::tests::chunk()).unwrap();
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

    proptest! {
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

    }
}
