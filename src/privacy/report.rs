//! Building a report: the plain input the engine hands over, the true
//! answer to a question, its OUE randomisation into a [`Payload`], and a
//! plain-language description for the transparency panel.

use rand_core::RngCore;
use serde::{Deserialize, Serialize};

use super::oue::Oue;
use super::payload::{Payload, Question, MAX_ARMS, SCHEMA_VERSION};
use super::random::uniform_below;
use super::{PrivacyError, Taxonomy};

/// Share of the total affinity at which a category reaches level 1, 2, 3.
pub const LEVEL_THRESHOLDS: [f64; 3] = [0.05, 0.15, 0.35];

/// What a report may be computed from: per taxonomy category affinity
/// strengths (blocked categories already zeroed by the caller) and the
/// number of clicks on recommendations in the epoch. Nothing else.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportInput {
    /// Affinity (≥ 0) per taxonomy category, in taxonomy order.
    pub affinities: Vec<f64>,
    /// Clicks on recommendations during the epoch.
    pub recommendation_clicks: u32,
}

/// The kinds of question a site may enable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QuestionKind {
    /// See [`Question::TopInterest`].
    TopInterest,
    /// See [`Question::InterestLevel`].
    InterestLevel,
    /// See [`Question::Outcome`].
    Outcome,
}

/// Picks this epoch's question uniformly among the enabled kinds; the
/// `interestLevel` category is drawn uniformly over the taxonomy and the
/// `outcome` arm is the visitor's assigned arm (`None` disables `outcome`).
pub fn pick_question(
    kinds: &[QuestionKind],
    taxonomy: &Taxonomy,
    arm: Option<u8>,
    rng: &mut dyn RngCore,
) -> Result<Question, PrivacyError> {
    let usable: Vec<QuestionKind> = kinds
        .iter()
        .copied()
        .filter(|k| *k != QuestionKind::Outcome || arm.is_some())
        .collect();
    if usable.is_empty() {
        return Err(PrivacyError::new(
            "questions",
            "no usable question enabled (outcome needs experiment arms)",
        ));
    }
    let kind = usable[uniform_below(rng, usable.len() as u64) as usize];
    Ok(match kind {
        QuestionKind::TopInterest => Question::TopInterest,
        QuestionKind::InterestLevel => Question::InterestLevel {
            category: uniform_below(rng, taxonomy.len() as u64) as u8,
        },
        QuestionKind::Outcome => Question::Outcome {
            arm: arm.unwrap_or(0),
        },
    })
}

/// Assigns an experiment arm uniformly among `arms` (1..=16).
pub fn assign_arm(arms: usize, rng: &mut dyn RngCore) -> Result<u8, PrivacyError> {
    if arms == 0 || arms > MAX_ARMS as usize {
        return Err(PrivacyError::new(
            "arms",
            format!("must hold between 1 and {MAX_ARMS} arms, got {arms}"),
        ));
    }
    Ok(uniform_below(rng, arms as u64) as u8)
}

/// The level 0–3 of `category`: its share of the total affinity against
/// [`LEVEL_THRESHOLDS`]. No history at all is level 0.
pub fn interest_level(affinities: &[f64], category: usize) -> usize {
    let total: f64 = affinities.iter().sum();
    let Some(&a) = affinities.get(category) else {
        return 0;
    };
    if total <= 0.0 {
        return 0;
    }
    let share = a / total;
    LEVEL_THRESHOLDS.iter().filter(|&&t| share >= t).count()
}

/// Bucket of a click count: 0, 1, 2–4, 5+ → 0, 1, 2, 3.
pub fn click_bucket(clicks: u32) -> usize {
    match clicks {
        0 => 0,
        1 => 1,
        2..=4 => 2,
        _ => 3,
    }
}

/// The true (not yet randomised) bucket answering `question`.
///
/// `topInterest` with no affinity at all answers a uniformly random
/// category, so that an empty history is not revealed; ties are broken
/// uniformly at random.
pub fn true_bucket(question: &Question, input: &ReportInput, rng: &mut dyn RngCore) -> usize {
    match *question {
        Question::TopInterest => {
            let max = input.affinities.iter().copied().fold(0.0, f64::max);
            let best: Vec<usize> = if max > 0.0 {
                (0..input.affinities.len())
                    .filter(|&i| input.affinities[i] == max)
                    .collect()
            } else {
                (0..input.affinities.len()).collect()
            };
            best[uniform_below(rng, best.len() as u64) as usize]
        }
        Question::InterestLevel { category } => {
            interest_level(&input.affinities, category as usize)
        }
        Question::Outcome { .. } => click_bucket(input.recommendation_clicks),
    }
}

/// Builds the payload for `question` in `epoch` at budget `epsilon`.
///
/// Errors (naming the field) when the input does not fit the taxonomy or
/// the question: `affinities` length, a negative / non-finite affinity
/// (`affinities[i]`), an out-of-range `question.category`, a bad `epsilon`.
pub fn build_payload(
    question: Question,
    input: &ReportInput,
    taxonomy: &Taxonomy,
    epoch: i64,
    epsilon: f64,
    rng: &mut dyn RngCore,
) -> Result<Payload, PrivacyError> {
    if input.affinities.len() != taxonomy.len() {
        return Err(PrivacyError::new(
            "affinities",
            format!(
                "must hold one value per taxonomy category ({}), got {}",
                taxonomy.len(),
                input.affinities.len()
            ),
        ));
    }
    if let Some((i, a)) = input
        .affinities
        .iter()
        .enumerate()
        .find(|(_, a)| !(a.is_finite() && **a >= 0.0))
    {
        return Err(PrivacyError::new(
            format!("affinities[{i}]"),
            format!("must be a finite number >= 0, got {a}"),
        ));
    }
    if let Question::InterestLevel { category } = question {
        if category as usize >= taxonomy.len() {
            return Err(PrivacyError::new(
                "question.category",
                format!(
                    "must be < {} (taxonomy size), got {category}",
                    taxonomy.len()
                ),
            ));
        }
    }
    if let Question::Outcome { arm } = question {
        if arm >= MAX_ARMS {
            return Err(PrivacyError::new(
                "question.arm",
                format!("must be < {MAX_ARMS}, got {arm}"),
            ));
        }
    }
    let oue = Oue::new(question.buckets(taxonomy.len()), epsilon)?;
    let value = true_bucket(&question, input, rng);
    let bits = oue.randomize(value, rng)?;
    Ok(Payload {
        schema_version: SCHEMA_VERSION,
        epoch,
        question,
        taxonomy_version: taxonomy.version(),
        bits: Payload::encode_bits(&bits),
        epsilon,
    })
}

/// A plain-language account of a payload, for the page's transparency
/// panel. Category names come from `taxonomy` when given.
pub fn describe(payload: &Payload, taxonomy: Option<&Taxonomy>) -> String {
    let n = payload.bits.len();
    let what = match payload.question {
        Question::TopInterest => {
            format!("which one of {n} broad interest categories was your strongest this period")
        }
        Question::InterestLevel { category } => {
            let name = taxonomy
                .and_then(|t| t.name(category as usize))
                .map_or_else(|| format!("category {category}"), |s| format!("\"{s}\""));
            format!(
                "how strong (level 0 to 3) your interest in {name} was this period; \
                 the category was picked at random and is not secret"
            )
        }
        Question::Outcome { arm } => format!(
            "how many recommendations you clicked this period (0, 1, 2-4 or 5 and more), \
             for the site's experiment group {arm}, which was assigned to you at random"
        ),
    };
    let q = 1.0 / (payload.epsilon.exp() + 1.0);
    let ones: Vec<String> = payload
        .bit_vec()
        .iter()
        .enumerate()
        .filter(|(_, &b)| b)
        .map(|(i, _)| match (payload.question, taxonomy) {
            (Question::TopInterest, Some(t)) => t.name(i).unwrap_or("?").to_string(),
            _ => payload.question.bucket_label(i),
        })
        .collect();
    format!(
        "This report answers one question: {what}. The answer is a row of {n} yes/no marks, \
         one per possible answer, and every mark was randomised on your device before \
         sending: the mark of your true answer is kept with probability 50%, every other \
         mark is switched on with probability {:.0}%. So the marks switched on here ({}) \
         do not say which answer is true; only totals over many visitors mean something. \
         Privacy cost: epsilon = {}, counted against your budget. The report holds no \
         identifier, no item you viewed, no title, no time finer than the period \
         (number {}), and it is the same size however much history you have.",
        q * 100.0,
        if ones.is_empty() {
            "none".to_string()
        } else {
            ones.join(", ")
        },
        payload.epsilon,
        payload.epoch,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::random::seeded_rng;
    use crate::privacy::TaxonomyInput;

    fn taxonomy(n: usize) -> Taxonomy {
        Taxonomy::new(TaxonomyInput {
            version: 3,
            categories: (0..n).map(|i| format!("c{i}")).collect(),
            map: Default::default(),
        })
        .unwrap()
    }

    #[test]
    fn levels_and_click_buckets() {
        let a = [0.0, 1.0, 2.0, 7.0];
        assert_eq!(interest_level(&a, 0), 0);
        assert_eq!(interest_level(&a, 1), 1); // 0.1
        assert_eq!(interest_level(&a, 2), 2); // 0.2
        assert_eq!(interest_level(&a, 3), 3); // 0.7
        assert_eq!(interest_level(&[0.0; 4], 2), 0);
        assert_eq!([0, 1, 2, 4, 5, 99].map(click_bucket), [0, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn top_interest_is_the_argmax_and_random_when_empty() {
        let mut rng = seeded_rng(9);
        let input = ReportInput {
            affinities: vec![0.1, 3.0, 0.5],
            recommendation_clicks: 0,
        };
        for _ in 0..50 {
            assert_eq!(true_bucket(&Question::TopInterest, &input, &mut rng), 1);
        }
        let empty = ReportInput {
            affinities: vec![0.0; 3],
            recommendation_clicks: 0,
        };
        let mut seen = [0; 3];
        for _ in 0..3000 {
            seen[true_bucket(&Question::TopInterest, &empty, &mut rng)] += 1;
        }
        assert!(seen.iter().all(|&c| c > 850), "{seen:?}");
    }

    #[test]
    fn build_checks_input_against_the_taxonomy() {
        let t = taxonomy(3);
        let mut rng = seeded_rng(1);
        let bad_len = ReportInput {
            affinities: vec![1.0; 2],
            recommendation_clicks: 0,
        };
        let e = build_payload(Question::TopInterest, &bad_len, &t, 1, 1.0, &mut rng).unwrap_err();
        assert_eq!(e.field, "affinities");
        let neg = ReportInput {
            affinities: vec![1.0, -2.0, 0.0],
            recommendation_clicks: 0,
        };
        let e = build_payload(Question::TopInterest, &neg, &t, 1, 1.0, &mut rng).unwrap_err();
        assert_eq!(e.field, "affinities[1]");
        let ok = ReportInput {
            affinities: vec![1.0, 2.0, 0.0],
            recommendation_clicks: 3,
        };
        let q = Question::InterestLevel { category: 3 };
        assert_eq!(
            build_payload(q, &ok, &t, 1, 1.0, &mut rng)
                .unwrap_err()
                .field,
            "question.category"
        );
        assert_eq!(
            build_payload(Question::TopInterest, &ok, &t, 1, 0.0, &mut rng)
                .unwrap_err()
                .field,
            "epsilon"
        );
        let p = build_payload(Question::Outcome { arm: 1 }, &ok, &t, 7, 1.0, &mut rng).unwrap();
        assert_eq!(p.bits.len(), 4);
        assert_eq!(p.taxonomy_version, 3);
        p.validate().unwrap();
    }

    #[test]
    fn pick_question_respects_the_menu() {
        let t = taxonomy(5);
        let mut rng = seeded_rng(2);
        for _ in 0..200 {
            let q = pick_question(
                &[QuestionKind::InterestLevel, QuestionKind::Outcome],
                &t,
                None,
                &mut rng,
            )
            .unwrap();
            assert!(matches!(q, Question::InterestLevel { category } if category < 5));
        }
        assert_eq!(
            pick_question(&[QuestionKind::Outcome], &t, None, &mut rng)
                .unwrap_err()
                .field,
            "questions"
        );
        assert_eq!(assign_arm(0, &mut rng).unwrap_err().field, "arms");
        assert!(assign_arm(3, &mut rng).unwrap() < 3);
    }

    #[test]
    fn describe_speaks_plainly_and_names_categories() {
        let t = taxonomy(3);
        let p = Payload {
            schema_version: 1,
            epoch: 2900,
            question: Question::TopInterest,
            taxonomy_version: 3,
            bits: "101".into(),
            epsilon: 1.0,
        };
        let d = describe(&p, Some(&t));
        assert!(d.contains("c0, c2"), "{d}");
        assert!(d.contains("epsilon = 1"), "{d}");
        assert!(d.contains("27%"), "{d}");
        assert!(d.contains("no identifier"), "{d}");
        let d = describe(
            &Payload {
                question: Question::InterestLevel { category: 1 },
                bits: "0000".into(),
                ..p
            },
            Some(&t),
        );
        assert!(d.contains("\"c1\"") && d.contains("(none)"), "{d}");
    }
}
