//! Impressions recorded with `record_impressions`: per item how often it was
//! shown and since when. Kept through the engine's extras (persisted, merged
//! like every extra), at most [`MAX_ITEMS`] items (the oldest are dropped).
//!
//! An item is *engaged* when the visitor interacted with it (any event other
//! than `view`, `dislike`, `dismiss`) at or after its first impression; the
//! count of an engaged item does not cap it.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::event::{Event, EventKind};

/// Extra name under which impressions are stored.
pub const EXTRA_NAME: &str = "impressions";
/// Most items remembered.
pub const MAX_ITEMS: usize = 1000;

/// One item's impressions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    /// The item id.
    pub id: String,
    /// Times shown.
    pub count: u32,
    /// First time shown (ms since the epoch).
    pub first_ms: f64,
    /// Last time shown.
    pub last_ms: f64,
}

/// Impressions per item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Impressions {
    /// Entries, one per item.
    pub items: Vec<Shown>,
}

impl Impressions {
    /// Decodes the stored value; unreadable values start empty.
    pub fn decode(stored: Option<&str>) -> Impressions {
        stored
            .and_then(|s| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(s)
                    .ok()
            })
            .and_then(|bytes| postcard::from_bytes(&bytes).ok())
            .unwrap_or_default()
    }

    /// Encodes for storage.
    pub fn encode(&self) -> String {
        let bytes = postcard::to_allocvec(self).unwrap_or_default();
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
    }

    /// Counts one impression of each id at `now_ms`.
    pub fn record<'a>(&mut self, ids: impl Iterator<Item = &'a str>, now_ms: f64) {
        for id in ids {
            match self.items.iter_mut().find(|s| s.id == id) {
                Some(s) => {
                    s.count = s.count.saturating_add(1);
                    s.last_ms = now_ms;
                }
                None => self.items.push(Shown {
                    id: id.to_string(),
                    count: 1,
                    first_ms: now_ms,
                    last_ms: now_ms,
                }),
            }
        }
        if self.items.len() > MAX_ITEMS {
            self.items.sort_by(|a, b| b.last_ms.total_cmp(&a.last_ms));
            self.items.truncate(MAX_ITEMS);
        }
    }

    /// Whether `event` is engagement (beyond a mere view).
    pub fn is_engagement(event: &Event) -> bool {
        !matches!(
            event.kind,
            EventKind::View | EventKind::Dislike | EventKind::Dismiss
        )
    }
}
