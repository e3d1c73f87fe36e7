//! The upstream payload's shape: exact field set, constant size whatever
//! the history, and none of the history's identifiers, titles or times.

use std::collections::BTreeSet;

use lighttouch::privacy::random::seeded_rng;
use lighttouch::privacy::report::{pick_question, QuestionKind};
use lighttouch::privacy::{
    build_payload, describe, Payload, Question, ReportInput, Taxonomy, TaxonomyInput,
};
use serde_json::Value;

struct Event {
    item_id: String,
    title: String,
    category: String,
    at_ms: u64,
}

fn taxonomy() -> Taxonomy {
    let categories: Vec<String> = ["news", "sport", "culture", "science", "travel", "food"]
        .map(String::from)
        .to_vec();
    let map = [
        ("football", "sport"),
        ("tennis", "sport"),
        ("opera", "culture"),
        ("cinema", "culture"),
        ("space", "science"),
        ("recipes", "food"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    Taxonomy::new(TaxonomyInput {
        version: 4,
        categories,
        map,
    })
    .unwrap()
}

/// A synthetic history of `n` events with distinctive ids, titles and times.
fn history(n: usize) -> Vec<Event> {
    let cats = [
        "football",
        "tennis",
        "opera",
        "cinema",
        "space",
        "recipes",
        "gardening",
    ];
    (0..n)
        .map(|i| Event {
            item_id: format!("sku-{:05}", 10_000 + i * 7),
            title: format!("Story number {i} about {}", cats[i % cats.len()]),
            category: cats[(i * i) % cats.len()].to_string(),
            at_ms: 1_790_000_000_000 + i as u64 * 3_600_123,
        })
        .collect()
}

/// The report input: per taxonomy category counts, clicks on recommendations.
fn input_of(events: &[Event], t: &Taxonomy) -> ReportInput {
    let mut affinities = vec![0.0; t.len()];
    for e in events {
        if let Some(c) = t.category_of(&e.category) {
            affinities[c] += 1.0;
        }
    }
    ReportInput {
        affinities,
        recommendation_clicks: (events.len() / 3) as u32,
    }
}

const QUESTIONS: [Question; 3] = [
    Question::TopInterest,
    Question::InterestLevel { category: 2 },
    Question::Outcome { arm: 1 },
];

#[test]
fn payload_has_exactly_the_documented_fields() {
    let t = taxonomy();
    let mut rng = seeded_rng(21);
    let want: BTreeSet<&str> = [
        "schemaVersion",
        "epoch",
        "question",
        "taxonomyVersion",
        "bits",
        "epsilon",
    ]
    .into();
    let input = input_of(&history(50), &t);
    for q in QUESTIONS {
        let p = build_payload(q, &input, &t, 2931, 1.0, &mut rng).unwrap();
        let v = serde_json::to_value(&p).unwrap();
        let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, want);
        let qkeys: BTreeSet<&str> = v["question"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let expected_q: BTreeSet<&str> = match q {
            Question::TopInterest => ["kind"].into(),
            Question::InterestLevel { .. } => ["kind", "category"].into(),
            Question::Outcome { .. } => ["kind", "arm"].into(),
        };
        assert_eq!(qkeys, expected_q);
        assert_eq!(v["schemaVersion"], Value::from(1));
        assert_eq!(v["taxonomyVersion"], Value::from(4));
        // Round trip, and unknown fields are refused by the schema.
        let back: Payload = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back, p);
        let mut extra = v.clone();
        extra["userId"] = Value::from("abc");
        assert!(serde_json::from_value::<Payload>(extra).is_err());
    }
    let json = serde_json::to_string(
        &build_payload(Question::TopInterest, &input, &t, 2931, 1.0, &mut rng).unwrap(),
    )
    .unwrap();
    assert!(
        json.starts_with(r#"{"schemaVersion":1,"epoch":2931,"question":{"kind":"topInterest"},"taxonomyVersion":4,"bits":""#),
        "{json}"
    );
}

#[test]
fn size_does_not_depend_on_history_and_history_does_not_leak() {
    let t = taxonomy();
    let mut rng = seeded_rng(22);
    let empty = history(0);
    let full = history(2_000);
    for q in QUESTIONS {
        let mut lengths = BTreeSet::new();
        for events in [&empty, &full] {
            let input = input_of(events, &t);
            for round in 0..200 {
                let p = build_payload(q, &input, &t, 2931, 1.0, &mut rng).unwrap();
                assert_eq!(p.bits.len(), q.buckets(t.len()));
                let json = serde_json::to_string(&p).unwrap();
                lengths.insert(json.len());
                if round >= 5 {
                    continue;
                }
                for e in full.iter() {
                    assert!(!json.contains(&e.item_id), "{json} leaks {}", e.item_id);
                    assert!(!json.contains(&e.title), "{json} leaks a title");
                    assert!(!json.contains(&e.at_ms.to_string()), "{json} leaks a time");
                    assert!(!json.contains(&e.category), "{json} leaks a category name");
                }
                assert!(!json.contains("2000") && !json.contains("666"), "{json}");
            }
        }
        assert_eq!(lengths.len(), 1, "{q:?}: lengths {lengths:?}");
    }
}

#[test]
fn picked_questions_build_valid_payloads_and_descriptions() {
    let t = taxonomy();
    let mut rng = seeded_rng(23);
    let input = input_of(&history(300), &t);
    let kinds = [
        QuestionKind::TopInterest,
        QuestionKind::InterestLevel,
        QuestionKind::Outcome,
    ];
    for _ in 0..100 {
        let q = pick_question(&kinds, &t, Some(2), &mut rng).unwrap();
        let p = build_payload(q, &input, &t, 7, 1.0, &mut rng).unwrap();
        p.validate().unwrap();
        let text = describe(&p, Some(&t));
        assert!(text.contains("epsilon = 1"), "{text}");
        assert!(!text.contains("sku-"), "{text}");
    }
}

#[test]
fn validate_names_the_bad_field() {
    let good = Payload {
        schema_version: 1,
        epoch: 5,
        question: Question::Outcome { arm: 0 },
        taxonomy_version: 1,
        bits: "0100".into(),
        epsilon: 1.0,
    };
    good.validate().unwrap();
    let cases = [
        (
            Payload {
                schema_version: 2,
                ..good.clone()
            },
            "schemaVersion",
        ),
        (
            Payload {
                taxonomy_version: 0,
                ..good.clone()
            },
            "taxonomyVersion",
        ),
        (
            Payload {
                bits: "01x0".into(),
                ..good.clone()
            },
            "bits",
        ),
        (
            Payload {
                bits: "010".into(),
                ..good.clone()
            },
            "bits",
        ),
        (
            Payload {
                epsilon: -1.0,
                ..good.clone()
            },
            "epsilon",
        ),
        (
            Payload {
                question: Question::Outcome { arm: 16 },
                ..good.clone()
            },
            "question.arm",
        ),
        (
            Payload {
                question: Question::TopInterest,
                bits: "0".repeat(65),
                ..good.clone()
            },
            "bits",
        ),
    ];
    for (p, field) in cases {
        assert_eq!(p.validate().unwrap_err().field, field, "{p:?}");
    }
}
