//! Interaction events: kinds, validation and the signal each kind carries.
//!
//! Default signal per kind (overridable with `Options.eventWeights`):
//!
//! | kind        | signal                                                         |
//! |-------------|----------------------------------------------------------------|
//! | `view`      | `view` = 1                                                     |
//! | `click`     | `click` = 2                                                    |
//! | `dwell`     | `dwell` = 3, times `min(value_ms / 30_000, 1)` (30 s = full)   |
//! | `like`      | `like` = 4                                                     |
//! | `addToCart` | `addToCart` = 5                                                |
//! | `purchase`  | `purchase` = 8                                                 |
//! | `rate`      | `rate` = 2, times `(value - 2.5)`: from -5 (0 stars) to +5     |
//! | `dislike`   | `dislike` = -4                                                 |
//! | `dismiss`   | `dismiss` = -6 (and the item is never recommended again)       |

use serde::{Deserialize, Serialize};

use super::catalog::MAX_ID_LEN;
use super::error::{num, EventError};

/// Dwell time (ms) that earns the full `dwell` weight.
pub const DWELL_FULL_MS: f64 = 30_000.0;
/// Largest accepted dwell value: 24 hours in ms.
pub const MAX_DWELL_MS: f64 = 86_400_000.0;
/// How far in the future (ms, relative to now) an event's `at` may be: 1 day
/// (tolerates clock skew between tabs and devices).
pub const MAX_FUTURE_MS: f64 = 86_400_000.0;

/// What the visitor did with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// The item was shown or opened.
    View,
    /// The item was clicked.
    Click,
    /// The visitor stayed on the item; `value` = dwell time in ms.
    Dwell,
    /// Explicit like.
    Like,
    /// Explicit dislike (negative evidence; damps the item's categories).
    Dislike,
    /// Added to cart.
    AddToCart,
    /// Purchased.
    Purchase,
    /// Dismissed: never recommended again.
    Dismiss,
    /// Rated; `value` in `0..=5`.
    Rate,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 9] = [
        EventKind::View,
        EventKind::Click,
        EventKind::Dwell,
        EventKind::Like,
        EventKind::Dislike,
        EventKind::AddToCart,
        EventKind::Purchase,
        EventKind::Dismiss,
        EventKind::Rate,
    ];
    /// The kind's JS name.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Click => "click",
            EventKind::Dwell => "dwell",
            EventKind::Like => "like",
            EventKind::Dislike => "dislike",
            EventKind::AddToCart => "addToCart",
            EventKind::Purchase => "purchase",
            EventKind::Dismiss => "dismiss",
            EventKind::Rate => "rate",
        }
    }

    /// The kind with JS name `name` (`"addToCart"`, ...), if any.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the kind shows engagement with a shown item (`click`,
    /// `dwell`, `like`, `addToCart`, `purchase`): it resets the item's
    /// unengaged impressions and counts as a click-through for its categories.
    pub fn is_engagement(self) -> bool {
        matches!(
            self,
            EventKind::Click
                | EventKind::Dwell
                | EventKind::Like
                | EventKind::AddToCart
                | EventKind::Purchase
        )
    }
}

/// Per-kind signal weights (see the module docs for the defaults). Missing
/// fields take their default, so `{ "like": 6 }` overrides only `like`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KindWeights {
    /// Weight of `view`.
    pub view: f64,
    /// Weight of `click`.
    pub click: f64,
    /// Weight of a full (>= 30 s) `dwell`; shorter dwells scale linearly.
    pub dwell: f64,
    /// Weight of `like`.
    pub like: f64,
    /// Weight of `dislike` (negative).
    pub dislike: f64,
    /// Weight of `addToCart`.
    pub add_to_cart: f64,
    /// Weight of `purchase`.
    pub purchase: f64,
    /// Weight of `dismiss` (negative).
    pub dismiss: f64,
    /// Weight per star above/below 2.5 of `rate`.
    pub rate: f64,
}

impl Default for KindWeights {
    fn default() -> Self {
        KindWeights {
            view: 1.0,
            click: 2.0,
            dwell: 3.0,
            like: 4.0,
            dislike: -4.0,
            add_to_cart: 5.0,
            purchase: 8.0,
            dismiss: -6.0,
            rate: 2.0,
        }
    }
}

impl KindWeights {
    /// The configured weight of `kind`.
    pub fn of(&self, kind: EventKind) -> f64 {
        match kind {
            EventKind::View => self.view,
            EventKind::Click => self.click,
            EventKind::Dwell => self.dwell,
            EventKind::Like => self.like,
            EventKind::Dislike => self.dislike,
            EventKind::AddToCart => self.add_to_cart,
            EventKind::Purchase => self.purchase,
            EventKind::Dismiss => self.dismiss,
            EventKind::Rate => self.rate,
        }
    }
}

/// An event as the page supplies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventInput {
    /// The item's id (need not be in the current catalogue).
    pub item: String,
    /// What happened.
    pub kind: EventKind,
    /// Dwell ms for `dwell`, stars `0..=5` for `rate`; ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// When it happened, ms since the epoch (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<f64>,
}

impl EventInput {
    /// An event of `kind` on `item`, now, without value.
    pub fn new(item: &str, kind: EventKind) -> EventInput {
        EventInput {
            item: item.to_string(),
            kind,
            value: None,
            at: None,
        }
    }

    /// Validates the event and stamps it (`at` defaults to `now_ms`).
    pub fn validate(self, now_ms: f64) -> Result<Event, EventError> {
        let bad = |field: &'static str, reason: String| EventError::InvalidField {
            item: self.item.clone(),
            field,
            reason,
        };
        if self.item.is_empty() {
            return Err(bad("item", "must not be empty".into()));
        }
        if self.item.len() > MAX_ID_LEN {
            return Err(bad(
                "item",
                format!(
                    "must be at most {MAX_ID_LEN} bytes, got {}",
                    self.item.len()
                ),
            ));
        }
        let value = match (self.kind, self.value) {
            (_, Some(v)) if !v.is_finite() => {
                return Err(bad(
                    "value",
                    format!("must be a finite number, got {}", num(v)),
                ))
            }
            (EventKind::Dwell, None) => {
                return Err(bad("value", "is required for kind \"dwell\" (ms)".into()))
            }
            (EventKind::Rate, None) => {
                return Err(bad("value", "is required for kind \"rate\" (0..5)".into()))
            }
            (EventKind::Dwell, Some(v)) if !(0.0..=MAX_DWELL_MS).contains(&v) => {
                return Err(bad(
                    "value",
                    format!(
                        "must be a dwell time in 0..={MAX_DWELL_MS} ms, got {}",
                        num(v)
                    ),
                ))
            }
            (EventKind::Rate, Some(v)) if !(0.0..=5.0).contains(&v) => {
                return Err(bad(
                    "value",
                    format!("must be a rating in 0..=5, got {}", num(v)),
                ))
            }
            (EventKind::Dwell | EventKind::Rate, v) => v,
            (_, _) => None,
        };
        let at = match self.at {
            None => now_ms,
            Some(at) if !at.is_finite() => {
                return Err(bad(
                    "at",
                    format!("must be a finite number, got {}", num(at)),
                ))
            }
            Some(at) if at < 0.0 => {
                return Err(bad(
                    "at",
                    format!("must be >= 0 (ms since epoch), got {}", num(at)),
                ))
            }
            Some(at) if at > now_ms + MAX_FUTURE_MS => {
                return Err(bad(
                    "at",
                    format!(
                        "is more than one day in the future: {} > now {}",
                        num(at),
                        num(now_ms)
                    ),
                ))
            }
            Some(at) => at,
        };
        Ok(Event {
            item: self.item,
            kind: self.kind,
            value,
            at,
            scored: false,
        })
    }
}

/// A validated, time-stamped event as kept in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The item's id.
    pub item: String,
    /// What happened.
    pub kind: EventKind,
    /// Dwell ms or rating (only for `dwell`/`rate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// When, ms since the epoch.
    pub at: f64,
    /// Whether the event has been folded into the profile's affinities (false
    /// while its item is not in the catalogue; folded when it appears).
    pub scored: bool,
}

impl Event {
    /// The signed signal this event contributes to affinities.
    pub fn signal(&self, weights: &KindWeights) -> f64 {
        let w = weights.of(self.kind);
        match self.kind {
            EventKind::Dwell => w * (self.value.unwrap_or(0.0) / DWELL_FULL_MS).clamp(0.0, 1.0),
            EventKind::Rate => w * (self.value.unwrap_or(2.5) - 2.5),
            _ => w,
        }
    }
}

/// A test event: `kind` on `item` at `at`, without value, not yet folded.
#[cfg(test)]
pub(crate) fn test_event(item: &str, kind: EventKind, at: f64) -> Event {
    Event {
        item: item.into(),
        kind,
        value: None,
        at,
        scored: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_000_000_000.0;

    fn ev(kind: EventKind, value: Option<f64>, at: Option<f64>) -> EventInput {
        EventInput {
            item: "sku-1".into(),
            kind,
            value,
            at,
        }
    }

    fn err(e: EventInput) -> String {
        e.validate(NOW).unwrap_err().to_string()
    }

    #[test]
    fn stamps_now_and_keeps_value_only_where_meaningful() {
        let e = ev(EventKind::Click, Some(3.0), None).validate(NOW).unwrap();
        assert_eq!(e.at, NOW);
        assert_eq!(e.value, None);
        let e = ev(EventKind::Dwell, Some(15_000.0), Some(NOW - 5.0))
            .validate(NOW)
            .unwrap();
        assert_eq!((e.value, e.at), (Some(15_000.0), NOW - 5.0));
    }

    #[test]
    fn default_signals_follow_the_table() {
        let w = KindWeights::default();
        let s = |k, v| ev(k, v, None).validate(NOW).unwrap().signal(&w);
        assert_eq!(s(EventKind::View, None), 1.0);
        assert_eq!(s(EventKind::Purchase, None), 8.0);
        assert_eq!(s(EventKind::Dwell, Some(15_000.0)), 1.5);
        assert_eq!(s(EventKind::Dwell, Some(600_000.0)), 3.0);
        assert_eq!(s(EventKind::Rate, Some(5.0)), 5.0);
        assert_eq!(s(EventKind::Rate, Some(0.0)), -5.0);
        assert_eq!(s(EventKind::Dismiss, None), -6.0);
    }

    #[test]
    fn rejects_empty_item() {
        let mut e = ev(EventKind::View, None, None);
        e.item.clear();
        assert_eq!(
            err(e),
            "event for item \"\": field \"item\" must not be empty"
        );
        let mut e = ev(EventKind::View, None, None);
        e.item = "x".repeat(MAX_ID_LEN + 1);
        assert!(err(e).contains("field \"item\" must be at most 256 bytes"));
    }

    #[test]
    fn rejects_bad_values() {
        assert_eq!(
            err(ev(EventKind::Click, Some(f64::NAN), None)),
            "event for item \"sku-1\": field \"value\" must be a finite number, got NaN"
        );
        assert!(err(ev(EventKind::Dwell, None, None)).contains("field \"value\" is required"));
        assert!(err(ev(EventKind::Rate, None, None)).contains("field \"value\" is required"));
        assert!(err(ev(EventKind::Rate, Some(5.5), None))
            .contains("field \"value\" must be a rating in 0..=5, got 5.5"));
        assert!(err(ev(EventKind::Dwell, Some(-1.0), None))
            .contains("field \"value\" must be a dwell time"));
    }

    #[test]
    fn rejects_bad_times() {
        assert!(err(ev(EventKind::View, None, Some(f64::INFINITY)))
            .contains("field \"at\" must be a finite number, got inf"));
        assert!(err(ev(EventKind::View, None, Some(-1.0))).contains("field \"at\" must be >= 0"));
        assert!(
            err(ev(EventKind::View, None, Some(NOW + 2.0 * MAX_FUTURE_MS)))
                .contains("field \"at\" is more than one day in the future")
        );
    }

    #[test]
    fn kind_names_match_serde() {
        for k in EventKind::ALL {
            // The JS name is the variant name in camelCase, as serde renames it.
            let debug = format!("{k:?}");
            assert_eq!(debug.to_lowercase(), k.name().to_lowercase());
            assert_eq!(debug[..1].to_lowercase(), k.name()[..1]);
            assert_eq!(EventKind::from_name(k.name()), Some(k));
        }
        assert_eq!(EventKind::from_name("buy"), None);
    }
}
