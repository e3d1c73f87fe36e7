//! What `recommend` is asked: [`RecommendRequest`] and its options, with
//! validation that names the offending field.
//!
//! JSON shape (every field optional; defaults in brackets):
//!
//! ```text
//! {
//!   k: 10,                       // 1..=1000 items
//!   candidates: ["id", ...],     // restrict to these ids; each must be in the catalogue
//!   categories: ["Cycling"],     // items with at least one of these categories
//!   excludeSeen: true,           // true | false | ["purchase", "dismiss", ...]
//!   exclude: ["id", ...],        // never returned (unknown ids ignored)
//!   allow: ["id", ...],          // alias "only": only these (unknown ids ignored)
//!   diversity: { lambda: 0.7, maxPerCategory: 2 },  // [off]
//!   exploration: 0.2,            // share of slots explored, 0..=0.5 [0]
//!   seed: 42                     // exploration seed, integer [fixed default]
//! }
//! ```

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::{num, RecommendError};
use super::event::EventKind;
use super::kind_set::KindSet;

/// Largest accepted `k`.
pub const MAX_K: usize = 1000;
/// Largest accepted `exploration` share.
pub const MAX_EXPLORATION: f64 = 0.5;
/// Largest accepted `seed` (JavaScript's `Number.MAX_SAFE_INTEGER`).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Which already-seen items to leave out: `true` (any event recorded for the
/// item, the default; also `null`), `false` (none), or a list of event kinds (e.g.
/// `["purchase", "dismiss"]`: purchased items never again, viewed ones allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExcludeSeen(pub KindSet);

impl ExcludeSeen {
    /// Leave out items with an event of any of `kinds`.
    pub fn kinds(kinds: &[EventKind]) -> ExcludeSeen {
        ExcludeSeen(kinds.iter().copied().collect())
    }

    /// Whether every seen item is left out (`true`).
    pub fn is_all(self) -> bool {
        self.0 == KindSet::all()
    }

    /// Whether nothing is left out for being seen (`false`).
    pub fn is_none(self) -> bool {
        self.0.is_empty()
    }
}

impl From<bool> for ExcludeSeen {
    fn from(all: bool) -> Self {
        ExcludeSeen(if all { KindSet::all() } else { KindSet::EMPTY })
    }
}

impl Default for ExcludeSeen {
    fn default() -> Self {
        ExcludeSeen::from(true)
    }
}

impl Serialize for ExcludeSeen {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_all() {
            s.serialize_bool(true)
        } else if self.is_none() {
            s.serialize_bool(false)
        } else {
            s.collect_seq(self.0.kinds().map(EventKind::name))
        }
    }
}

struct ExcludeSeenVisitor;

impl<'de> Visitor<'de> for ExcludeSeenVisitor {
    type Value = ExcludeSeen;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"excludeSeen\" to be true, false or an array of event kind names")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<ExcludeSeen, E> {
        Ok(ExcludeSeen::from(v))
    }

    /// `null` / `undefined` (e.g. `{excludeSeen: opts.excludeSeen}` with the
    /// option unset) mean the default, as for every other optional field.
    fn visit_unit<E: de::Error>(self) -> Result<ExcludeSeen, E> {
        Ok(ExcludeSeen::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<ExcludeSeen, E> {
        Ok(ExcludeSeen::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ExcludeSeen, A::Error> {
        let mut set = KindSet::EMPTY;
        let mut index = 0usize;
        while let Some(name) = seq.next_element::<String>()? {
            let kind = EventKind::from_name(&name).ok_or_else(|| {
                let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
                de::Error::custom(format!(
                    "request field \"excludeSeen\" item {index}: unknown event kind {name:?} (expected one of {})",
                    names.join(", ")
                ))
            })?;
            set = set.with(kind);
            index += 1;
        }
        Ok(ExcludeSeen(set))
    }
}

impl<'de> Deserialize<'de> for ExcludeSeen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ExcludeSeen, D::Error> {
        d.deserialize_any(ExcludeSeenVisitor)
    }
}

/// Diversity re-ranking. Either or both of:
/// * `lambda` in `0..=1`: maximal marginal relevance. Each next slot takes
///   the item maximising `lambda * relevance - (1 - lambda) * max similarity
///   to the items already chosen` (relevance: the score rescaled to `0..=1`;
///   similarity: the mean of shared categories (Jaccard), shared tags
///   (Jaccard, half weight) and vector cosine, over those the items have).
///   `1` is plain ranking; `0.7` is a mild mix; the top item is always kept.
/// * `maxPerCategory` >= 1: at most this many returned items per category (an
///   item counts for each of its categories). A hard limit: fewer than `k`
///   items come back if the pool cannot fill `k` within it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Diversity {
    /// MMR trade-off between relevance (1) and diversity (0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    /// Cap of returned items per category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_per_category: Option<u32>,
}

/// What to recommend (see the module docs for the JSON shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RecommendRequest {
    /// How many items (1..=1000, default 10).
    pub k: usize,
    /// Restrict to these ids (all must be in the catalogue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<String>>,
    /// Restrict to items having at least one of these categories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Leave out items the visitor already interacted with (default `true`;
    /// `false`, or a list of event kinds).
    pub exclude_seen: ExcludeSeen,
    /// Ids never returned (ids not in the catalogue are ignored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
    /// Allow-list from the page (JSON `allow`, alias `only`): only these ids
    /// may be returned; ids not in the catalogue are ignored.
    #[serde(alias = "only", skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<String>>,
    /// Diversity re-ranking (default off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diversity: Option<Diversity>,
    /// Share of the slots, `0..=0.5`, filled by Thompson sampling on the
    /// visitor's per-category click-through (default 0). Exactly
    /// `round(n * exploration)` of the `n` returned slots are explored (never
    /// the first slot unless every slot is) and carry an `exploration` reason.
    pub exploration: f64,
    /// Seed of the exploration draws (integer `0..=2^53-1`). Equal inputs
    /// with an equal seed give equal results; without a seed a fixed default
    /// is used, so `recommend` stays deterministic (pass e.g. a page-view
    /// counter to vary the explored items between views).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Default for RecommendRequest {
    fn default() -> Self {
        RecommendRequest {
            k: 10,
            candidates: None,
            categories: None,
            exclude_seen: ExcludeSeen::default(),
            exclude: None,
            allow: None,
            diversity: None,
            exploration: 0.0,
            seed: None,
        }
    }
}

fn bad(field: &str, reason: String) -> RecommendError {
    RecommendError::InvalidField {
        field: field.to_string(),
        reason,
    }
}

impl RecommendRequest {
    /// Checks the numeric options; the error names the field.
    pub fn validate(&self) -> Result<(), RecommendError> {
        if self.k == 0 || self.k > MAX_K {
            return Err(RecommendError::InvalidK {
                k: self.k,
                max: MAX_K,
            });
        }
        if !(0.0..=MAX_EXPLORATION).contains(&self.exploration) {
            return Err(bad(
                "exploration",
                format!(
                    "must be a share in 0..={MAX_EXPLORATION}, got {}",
                    num(self.exploration)
                ),
            ));
        }
        if let Some(seed) = self.seed.filter(|&s| s > MAX_SEED) {
            return Err(bad(
                "seed",
                format!("must be an integer in 0..={MAX_SEED}, got {seed}"),
            ));
        }
        if let Some(d) = &self.diversity {
            if d.lambda.is_none() && d.max_per_category.is_none() {
                return Err(bad(
                    "diversity",
                    "needs \"lambda\" and/or \"maxPerCategory\"".into(),
                ));
            }
            if let Some(l) = d.lambda.filter(|l| !(0.0..=1.0).contains(l)) {
                return Err(bad(
                    "diversity.lambda",
                    format!("must be in 0..=1, got {}", num(l)),
                ));
            }
            if d.max_per_category == Some(0) {
                return Err(bad(
                    "diversity.maxPerCategory",
                    "must be at least 1, got 0".into(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<RecommendRequest, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_round_trip() {
        let r = parse("{}").unwrap();
        assert_eq!(r, RecommendRequest::default());
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"k":10,"excludeSeen":true,"exploration":0.0}"#
        );
        let full = r#"{"k":5,"excludeSeen":["purchase","dismiss"],"exclude":["a"],"allow":["b"],"diversity":{"lambda":0.7,"maxPerCategory":2},"exploration":0.2,"seed":7}"#;
        let r = parse(full).unwrap();
        assert_eq!(
            r.exclude_seen,
            ExcludeSeen::kinds(&[EventKind::Purchase, EventKind::Dismiss])
        );
        assert_eq!(serde_json::to_string(&r).unwrap(), full);
        r.validate().unwrap();
    }

    #[test]
    fn exclude_seen_accepts_bools_and_kinds() {
        assert!(parse(r#"{"excludeSeen":false}"#)
            .unwrap()
            .exclude_seen
            .is_none());
        assert!(parse(r#"{"excludeSeen":true}"#)
            .unwrap()
            .exclude_seen
            .is_all());
        assert!(parse(r#"{"excludeSeen":[]}"#)
            .unwrap()
            .exclude_seen
            .is_none());
        let e = parse(r#"{"excludeSeen":["view","buy"]}"#).unwrap_err();
        assert!(
            e.contains("request field \"excludeSeen\" item 1: unknown event kind \"buy\""),
            "{e}"
        );
        let e = parse(r#"{"excludeSeen":"yes"}"#).unwrap_err();
        assert!(
            e.contains("\"excludeSeen\" to be true, false or an array"),
            "{e}"
        );
        assert!(
            parse(r#"{"excludeSeen":null}"#)
                .unwrap()
                .exclude_seen
                .is_all(),
            "null means the default"
        );
        assert!(parse(r#"{"excludeSeen":1}"#).is_err());
    }

    #[test]
    fn only_is_an_alias_of_allow_and_types_are_checked() {
        let r = parse(r#"{"only":["x"]}"#).unwrap();
        assert_eq!(r.allow, Some(vec!["x".to_string()]));
        assert!(parse(r#"{"exclude":[1]}"#).is_err());
        assert!(parse(r#"{"exclude":"x"}"#).is_err());
        assert!(parse(r#"{"diversity":{"lambda":"hi"}}"#).is_err());
        assert!(parse(r#"{"diversity":{"mmr":1}}"#).is_err());
        assert!(parse(r#"{"seed":-1}"#).is_err());
        assert!(parse(r#"{"bogus":1}"#).is_err());
    }

    #[test]
    fn validation_names_the_field() {
        let err = |r: RecommendRequest| r.validate().unwrap_err().to_string();
        let with = |f: &dyn Fn(&mut RecommendRequest)| {
            let mut r = RecommendRequest::default();
            f(&mut r);
            r
        };
        assert_eq!(
            err(with(&|r| r.exploration = 0.6)),
            "request field \"exploration\" must be a share in 0..=0.5, got 0.6"
        );
        assert!(err(with(&|r| r.exploration = f64::NAN)).contains("got NaN"));
        assert_eq!(
            err(with(&|r| r.diversity = Some(Diversity::default()))),
            "request field \"diversity\" needs \"lambda\" and/or \"maxPerCategory\""
        );
        assert_eq!(
            err(with(&|r| r.diversity = Some(Diversity {
                lambda: Some(1.5),
                max_per_category: None
            }))),
            "request field \"diversity.lambda\" must be in 0..=1, got 1.5"
        );
        assert!(err(with(&|r| r.diversity = Some(Diversity {
            lambda: None,
            max_per_category: Some(0)
        })))
        .contains("\"diversity.maxPerCategory\" must be at least 1"));
        assert!(err(with(&|r| r.seed = Some(MAX_SEED + 1))).contains("\"seed\""));
        assert!(err(with(&|r| r.k = 0)).contains("\"k\""));
    }
}
