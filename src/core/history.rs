//! The raw event log with retention.
//!
//! Every event gets a sequence number (`seq`), increasing by one per recorded
//! event; the log holds the contiguous range `first_seq..next_seq`. Retention
//! keeps at most `maxEvents` events and none older than `retentionDays`.
//! Dropping raw events loses no personalisation: each event was folded into the
//! profile's decayed aggregates when recorded, and the seen/dismissed sets live
//! in the profile too.

use std::collections::VecDeque;

use super::event::Event;

/// What a retention pass changed, for the persistence layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Trimmed {
    /// Number of events dropped.
    pub dropped: usize,
    /// Lowest sequence number whose event changed because events were removed
    /// from the middle of the log (later events were renumbered), if any.
    pub renumbered_from: Option<u64>,
}

/// The raw event log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    events: VecDeque<Event>,
    first_seq: u64,
}

impl History {
    /// A log holding `events`, the first with sequence number `first_seq`.
    pub fn from_parts(events: Vec<Event>, first_seq: u64) -> History {
        History {
            events: events.into(),
            first_seq,
        }
    }

    /// Appends an event; returns its sequence number. O(1).
    pub fn push(&mut self, event: Event) -> u64 {
        self.events.push_back(event);
        self.next_seq() - 1
    }

    /// Number of raw events held.
    pub fn len(&self) -> usize {
        self.events.len()
    }
    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    /// Sequence number of the oldest event held.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }
    /// Sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.events.len() as u64
    }
    /// The events, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Event> {
        self.events.iter()
    }
    /// The events with their sequence numbers.
    pub fn iter_seq(&self) -> impl Iterator<Item = (u64, &Event)> {
        (self.first_seq..).zip(self.events.iter())
    }
    /// Mutable access to the events (e.g. to mark them scored).
    pub fn iter_mut_seq(&mut self) -> impl Iterator<Item = (u64, &mut Event)> {
        (self.first_seq..).zip(self.events.iter_mut())
    }
    /// The event with sequence number `seq`, if held.
    pub fn get(&self, seq: u64) -> Option<&Event> {
        let i = seq.checked_sub(self.first_seq)?;
        self.events.get(usize::try_from(i).ok()?)
    }
    /// The events with sequence numbers in `from..`, oldest first.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &Event> {
        let skip = from.saturating_sub(self.first_seq) as usize;
        self.events.iter().skip(skip)
    }

    /// Drops the `n` oldest events. O(n).
    pub fn drop_oldest(&mut self, n: usize) -> usize {
        let n = n.min(self.events.len());
        self.events.drain(..n);
        self.first_seq += n as u64;
        n
    }

    /// Cheap retention for the hot path: drops oldest events while there are
    /// more than `max_events` or the oldest is before `cutoff_ms`. Amortised O(1).
    pub fn trim_front(&mut self, max_events: usize, cutoff_ms: f64) -> usize {
        let mut dropped = 0;
        while let Some(front) = self.events.front() {
            if self.events.len() > max_events || front.at < cutoff_ms {
                self.events.pop_front();
                self.first_seq += 1;
                dropped += 1;
            } else {
                break;
            }
        }
        dropped
    }

    /// Full retention: [`History::trim_front`], then also removes events
    /// older than `cutoff_ms` from the middle of the log (events recorded out
    /// of order). O(n).
    pub fn enforce(&mut self, max_events: usize, cutoff_ms: f64) -> Trimmed {
        let mut dropped = self.trim_front(max_events, cutoff_ms);
        let first_old = self.events.iter().position(|e| e.at < cutoff_ms);
        let mut renumbered_from = None;
        if let Some(pos) = first_old {
            let before = self.events.len();
            self.events.retain(|e| e.at >= cutoff_ms);
            dropped += before - self.events.len();
            renumbered_from = Some(self.first_seq + pos as u64);
        }
        Trimmed {
            dropped,
            renumbered_from,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::event::EventKind;

    fn ev(i: usize, at: f64) -> Event {
        Event {
            item: format!("i{i}"),
            kind: EventKind::View,
            value: None,
            at,
            scored: true,
        }
    }

    #[test]
    fn sequence_numbers_are_contiguous() {
        let mut h = History::default();
        for i in 0..5 {
            assert_eq!(h.push(ev(i, i as f64)), i as u64);
        }
        assert_eq!(h.drop_oldest(2), 2);
        assert_eq!((h.first_seq(), h.next_seq(), h.len()), (2, 5, 3));
        assert_eq!(h.get(2).unwrap().item, "i2");
        assert!(h.get(1).is_none());
        assert_eq!(h.since(4).count(), 1);
    }

    #[test]
    fn trim_front_applies_count_and_age() {
        let mut h = History::default();
        for i in 0..10 {
            h.push(ev(i, i as f64 * 10.0));
        }
        assert_eq!(h.trim_front(8, 0.0), 2);
        assert_eq!(h.trim_front(8, 35.0), 2, "events at 20 and 30 are too old");
        assert_eq!(h.first_seq(), 4);
    }

    #[test]
    fn enforce_removes_old_events_from_the_middle() {
        let mut h = History::default();
        h.push(ev(0, 100.0));
        h.push(ev(1, 5.0)); // recorded late, with an old timestamp
        h.push(ev(2, 110.0));
        let t = h.enforce(10, 50.0);
        assert_eq!(t.dropped, 1);
        assert_eq!(t.renumbered_from, Some(1));
        assert_eq!(
            h.iter().map(|e| e.item.as_str()).collect::<Vec<_>>(),
            ["i0", "i2"]
        );
    }
}
