//! `explain(id)`: one human sentence from an item's structured reasons, e.g.
//! "Recommended because you showed interest in Cycling and Outdoor, and it is
//! popular."

use super::ranking::{RankContext, Reason, ScoreComponent};

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
                    similar = Some(format!("it is similar to \"{label}\", which you liked"));
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
    use crate::core::options::{Options, MS_PER_DAY};
    use crate::core::profile::Profile;

    const NOW: f64 = 1_700_000_000_000.0;

    fn catalog() -> Catalog {
        let mut a = ItemInput::new("a", &["X", "Y"]);
        a.popularity = Some(99.0);
        a.published = Some(NOW);
        let mut b = ItemInput::new("b", &["X"]);
        b.published = Some(NOW - 300.0 * MS_PER_DAY);
        let c = ItemInput::new("c", &[]);
        Catalog::build(&[a, b, c]).unwrap()
    }

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
}
