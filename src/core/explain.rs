//! `explain(id)`: one human sentence from an item's structured reasons, e.g.
//! "Recommended because you showed interest in Cycling and Outdoor, and it is
//! popular."

use super::event::EventKind;
use super::profile::Profile;
use super::ranking::{RankContext, Reason, ScoreComponent};

/// Event kinds that show positive interest, strongest first, with the verb
/// the sentence uses for each ("…, which you bought").
const INTEREST_VERBS: [(EventKind, &str); 7] = [
    (EventKind::Purchase, "bought"),
    (EventKind::AddToCart, "added to your cart"),
    (EventKind::Like, "liked"),
    (EventKind::Rate, "rated"),
    (EventKind::Click, "clicked"),
    (EventKind::Dwell, "viewed"),
    (EventKind::View, "viewed"),
];

/// The verb for the strongest positive event the visitor recorded on `id`;
/// "interacted with" when its kinds are unknown (state saved before kinds
/// were recorded) or none of them is positive.
fn interest_verb(profile: &Profile, id: &str) -> &'static str {
    let Some(kinds) = profile.seen_kinds.get(id) else {
        return "interacted with";
    };
    INTEREST_VERBS
        .iter()
        .find(|(kind, _)| kinds.contains(*kind))
        .map_or("interacted with", |(_, verb)| verb)
}

/// One human sentence explaining why item `idx` would be recommended.
pub fn explain(ctx: &RankContext<'_>, idx: u32, extras: &[&dyn ScoreComponent]) -> String {
    if ctx.dismissed[idx as usize] {
        return "Not recommended: you dismissed this item.".to_string();
    }
    if ctx.disliked[idx as usize] {
        return "Not recommended: your feedback on this item is negative.".to_string();
    }
    let reasons = ctx.reasons(idx, extras);
    let mut interests: Vec<&str> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut similar: Option<String> = None;
    let (mut popular, mut fresh) = (false, false);
    for r in &reasons {
        match r {
            Reason::Category { name, .. } | Reason::Tag { name, .. } => {
                if interests.len() < 3 {
                    interests.push(name);
                }
            }
            Reason::SimilarToItem { id, .. } => {
                if similar.is_none() {
                    let label = ctx
                        .catalog
                        .index_of(id)
                        .and_then(|i| ctx.catalog.title(i))
                        .unwrap_or(id);
                    let verb = interest_verb(ctx.profile, id);
                    similar = Some(format!("it is similar to \"{label}\", which you {verb}"));
                }
            }
            Reason::Popular => popular = true,
            Reason::Fresh => fresh = true,
            Reason::Exploration { .. } => {}
        }
    }
    if !interests.is_empty() {
        parts.push(format!(
            "you showed interest in {}",
            join_and(&interests, " and ")
        ));
    }
    parts.extend(similar);
    if popular {
        parts.push("it is popular".into());
    }
    if fresh {
        parts.push("it is new".into());
    }
    if parts.is_empty() {
        return "Recommended as a general pick: nothing in your recent activity points to it specifically."
            .to_string();
    }
    format!("Recommended because {}.", join_and(&parts, ", and "))
}

fn join_and<S: AsRef<str>>(parts: &[S], last_sep: &str) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(|s| s.as_ref()).collect();
            format!("{}{last_sep}{}", head.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog::{Catalog, ItemInput};
    use crate::core::event::EventInput;
    use crate::core::kind_set::KindSet;
    use crate::core::options::Options;
    use crate::core::ranking::tests::{catalog, NOW};

    #[test]
    fn sentences_join_naturally() {
        assert_eq!(join_and(&["a"], ", and "), "a");
        assert_eq!(join_and(&["a", "b"], ", and "), "a, and b");
        assert_eq!(join_and(&["a", "b", "c"], " and "), "a, b and c");
        let cat = catalog();
        let o = Options::default();
        let p = Profile::default();
        let ctx = RankContext::new(&cat, &p, &o, NOW);
        assert_eq!(
            explain(&ctx, 0, &[]),
            "Recommended because it is popular, and it is new."
        );
        assert!(explain(&ctx, 2, &[]).starts_with("Recommended as a general pick"));
    }

    /// A profile that recorded `kinds` (in order) on item "a" of a catalogue
    /// where "b" points the same way as "a" (a `similarToItem` reason).
    fn similar_sentence(kinds: &[EventKind]) -> String {
        let mut a = ItemInput::new("a", &[]);
        a.title = Some("Alpha".into());
        a.vector = Some(vec![1.0, 0.0]);
        let mut b = ItemInput::new("b", &[]);
        b.vector = Some(vec![0.9, 0.1]);
        let cat = Catalog::build(&[a, b]).unwrap();
        let o = Options::default();
        let mut p = Profile::default();
        for &kind in kinds {
            let mut input = EventInput::new("a", kind);
            input.value = match kind {
                EventKind::Rate => Some(5.0),
                EventKind::Dwell => Some(60_000.0),
                _ => None,
            };
            let e = input.validate(NOW).unwrap();
            p.observe(&e);
            p.fold(&e, &cat, 0, &o.event_weights, o.half_life_ms());
        }
        let ctx = RankContext::new(&cat, &p, &o, NOW);
        explain(&ctx, 1, &[])
    }

    #[test]
    fn similar_item_sentence_names_the_strongest_event_kind() {
        use EventKind::*;
        let cases: [(&[EventKind], &str); 8] = [
            (&[View], "viewed"),
            (&[Dwell], "viewed"),
            (&[View, Click], "clicked"),
            (&[Click, Rate], "rated"),
            (&[View, Like], "liked"),
            (&[Like, AddToCart], "added to your cart"),
            (&[AddToCart, Purchase, View], "bought"),
            (&[Purchase, Click], "bought"),
        ];
        for (kinds, verb) in cases {
            assert_eq!(
                similar_sentence(kinds),
                format!("Recommended because it is similar to \"Alpha\", which you {verb}."),
                "kinds {kinds:?}"
            );
        }
    }

    #[test]
    fn unknown_kinds_fall_back_to_a_neutral_verb() {
        let mut p = Profile::default();
        p.seen.insert("a".into(), NOW);
        assert_eq!(interest_verb(&p, "a"), "interacted with");
        p.seen_kinds
            .insert("a".into(), KindSet::EMPTY.with(EventKind::Dislike));
        assert_eq!(interest_verb(&p, "a"), "interacted with");
        p.seen_kinds
            .insert("a".into(), KindSet::EMPTY.with(EventKind::Click));
        assert_eq!(interest_verb(&p, "a"), "clicked");
    }
}
