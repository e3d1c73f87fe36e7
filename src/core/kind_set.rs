//! [`KindSet`]: a compact set of event kinds (one bit per [`EventKind`]).
//!
//! Stored as a `u16` bit mask in the binary state record; shown as a list of
//! kind names (`["view", "purchase"]`) in human-readable formats (the JSON
//! export, the JS boundary).

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::event::EventKind;

/// A set of event kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u16);

fn bit(kind: EventKind) -> u16 {
    1 << (kind as u16)
}

impl KindSet {
    /// The empty set.
    pub const EMPTY: KindSet = KindSet(0);

    /// Every kind (used for seen entries whose kinds were not recorded).
    pub fn all() -> KindSet {
        EventKind::ALL
            .into_iter()
            .fold(KindSet::EMPTY, |s, k| s.with(k))
    }

    /// The set plus `kind`.
    pub fn with(self, kind: EventKind) -> KindSet {
        KindSet(self.0 | bit(kind))
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: EventKind) -> bool {
        self.0 & bit(kind) != 0
    }

    /// Whether the two sets share a kind.
    pub fn intersects(self, other: KindSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in [`EventKind::ALL`] order.
    pub fn kinds(self) -> impl Iterator<Item = EventKind> {
        EventKind::ALL
            .into_iter()
            .filter(move |&k| self.contains(k))
    }
}

impl FromIterator<EventKind> for KindSet {
    fn from_iter<I: IntoIterator<Item = EventKind>>(iter: I) -> Self {
        iter.into_iter().fold(KindSet::EMPTY, KindSet::with)
    }
}

impl Serialize for KindSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_seq(self.kinds().map(EventKind::name))
        } else {
            s.serialize_u16(self.0)
        }
    }
}

struct KindSetVisitor;

impl<'de> Visitor<'de> for KindSetVisitor {
    type Value = KindSet;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of event kind names or a kind bit mask")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<KindSet, E> {
        let all = KindSet::all().0;
        match u16::try_from(v) {
            Ok(m) if m & !all == 0 => Ok(KindSet(m)),
            _ => Err(E::custom(format!("invalid event kind mask {v}"))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KindSet, A::Error> {
        let mut set = KindSet::EMPTY;
        while let Some(name) = seq.next_element::<String>()? {
            let kind = EventKind::from_name(&name)
                .ok_or_else(|| de::Error::custom(format!("unknown event kind {name:?}")))?;
            set = set.with(kind);
        }
        Ok(set)
    }
}

impl<'de> Deserialize<'de> for KindSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KindSet, D::Error> {
        if d.is_human_readable() {
            d.deserialize_seq(KindSetVisitor)
        } else {
            d.deserialize_u16(KindSetVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let s: KindSet = [EventKind::View, EventKind::Purchase].into_iter().collect();
        assert!(s.contains(EventKind::View) && s.contains(EventKind::Purchase));
        assert!(!s.contains(EventKind::Click));
        assert!(s.intersects(KindSet::EMPTY.with(EventKind::Purchase)));
        assert!(!s.intersects(KindSet::EMPTY.with(EventKind::Like)));
        assert_eq!(
            s.kinds().collect::<Vec<_>>(),
            [EventKind::View, EventKind::Purchase]
        );
        assert_eq!(KindSet::all().kinds().count(), EventKind::ALL.len());
        assert!(KindSet::EMPTY.is_empty());
    }

    #[test]
    fn json_is_a_list_of_names_and_binary_is_a_mask() {
        let s: KindSet = [EventKind::AddToCart, EventKind::View]
            .into_iter()
            .collect();
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"["view","addToCart"]"#
        );
        let back: KindSet = serde_json::from_str(r#"["view","addToCart"]"#).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<KindSet>(r#"["buy"]"#)
            .unwrap_err()
            .to_string()
            .contains("unknown event kind \"buy\""));
        let bytes = postcard::to_allocvec(&s).unwrap();
        assert_eq!(postcard::from_bytes::<KindSet>(&bytes).unwrap(), s);
        let bad = postcard::to_allocvec(&0xffffu16).unwrap();
        assert!(postcard::from_bytes::<KindSet>(&bad).is_err());
    }
}
