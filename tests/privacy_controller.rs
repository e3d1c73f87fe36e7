//! The privacy controller over a real Engine and in-memory storage: the
//! dial's erasures checked against the stored keys, once-per-epoch and the
//! budget across reopen and across two instances, the memoised preview, the
//! payload built from real history, and the visitor's rights.

use lighttouch::core::{Engine, EventInput, EventKind, ItemInput, Options, RecommendRequest};
use lighttouch::privacy::epoch::DAY_MS;
use lighttouch::privacy::random::seeded_rng;
use lighttouch::privacy::{Level, Privacy, PrivacyOptions, TaxonomyInput};
use lighttouch::storage::memory::MemoryOrigin;

const NOW: f64 = 1_800_000_000_000.0;

fn options() -> PrivacyOptions {
    PrivacyOptions {
        default_level: Level::Personal,
        taxonomy: Some(TaxonomyInput {
            version: 3,
            categories: vec!["sport".into(), "culture".into(), "science".into()],
            map: [
                ("football", "sport"),
                ("tennis", "sport"),
                ("opera", "culture"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        }),
        ..PrivacyOptions::default()
    }
}

fn catalogue() -> Vec<ItemInput> {
    let mut items = Vec::new();
    for i in 0..30 {
        let cat = ["football", "tennis", "opera", "science"][i % 4];
        let mut it = ItemInput::new(&format!("item-{i:03}"), &[cat]);
        it.title = Some(format!("Title number {i}"));
        it.popularity = Some((30 - i) as f64);
        items.push(it);
    }
    items
}

fn open(
    origin: &MemoryOrigin,
    seed: u64,
    gpc: bool,
    opts: PrivacyOptions,
    now: f64,
) -> (Engine, Privacy) {
    let mut e = Engine::open(Box::new(origin.store("shop")), Options::default(), now);
    e.set_catalog(catalogue()).unwrap();
    let p = Privacy::open(&mut e, opts, gpc, seeded_rng(seed), now).unwrap();
    (e, p)
}

fn keys(origin: &MemoryOrigin) -> Vec<String> {
    let mut k: Vec<String> = origin
        .raw_keys()
        .into_iter()
        .map(|k| k.trim_start_matches("lighttouch:shop:").to_string())
        .collect();
    k.sort();
    k
}

fn click(p: &mut Privacy, e: &mut Engine, id: &str, at: f64) {
    p.record(e, EventInput::new(id, EventKind::Click), at)
        .unwrap();
}

#[test]
fn gpc_caps_the_default_but_not_an_explicit_choice() {
    let origin = MemoryOrigin::new();
    let opts = PrivacyOptions {
        default_level: Level::Contribute,
        ..options()
    };
    let (mut e, mut p) = open(&origin, 1, true, opts.clone(), NOW);
    assert_eq!(p.level(), Level::Personal);
    assert!(!p.level_chosen());
    let (_, p2) = open(&MemoryOrigin::new(), 1, false, opts.clone(), NOW);
    assert_eq!(p2.level(), Level::Contribute);
    p.set_level(&mut e, Level::Contribute, NOW).unwrap();
    let (_, p3) = open(&origin, 2, true, opts, NOW);
    assert_eq!(
        p3.level(),
        Level::Contribute,
        "explicit choice survives GPC"
    );
}

#[test]
fn lowering_the_level_erases_at_once_what_it_must() {
    let origin = MemoryOrigin::new();
    let (mut e, mut p) = open(&origin, 3, false, options(), NOW);
    p.set_level(&mut e, Level::Contribute, NOW).unwrap();
    for i in 0..20 {
        click(&mut p, &mut e, "item-000", NOW + i as f64);
    }
    p.block_category(&mut e, "science").unwrap();
    let preview = p.preview_signal(&mut e, NOW + 100.0);
    assert!(preview.payload.is_some(), "{}", preview.description);
    e.flush();
    let k = keys(&origin);
    for want in [
        "state",
        "events.0",
        "x.privacy.level",
        "x.privacy.signal",
        "x.privacy.interests",
    ] {
        assert!(k.contains(&want.to_string()), "{k:?} lacks {want}");
    }

    // contribute -> personal: the pending report goes, the ledger stays.
    let plan = p.set_level(&mut e, Level::Personal, NOW + 200.0).unwrap();
    assert!(plan.pending_report && !plan.persisted_history);
    let ex = p.export();
    assert!(ex.pending_report.is_none());
    assert_eq!(ex.ledger.entries.len(), 1);
    assert!(keys(&origin).contains(&"events.0".to_string()));

    // personal -> session: stored history, profile, ledger and edits go at
    // once; the page keeps its history in memory.
    let plan = p.set_level(&mut e, Level::Session, NOW + 300.0).unwrap();
    assert!(plan.persisted_history && plan.signal_state && !plan.memory_history);
    assert_eq!(keys(&origin), vec!["x.privacy.level".to_string()]);
    assert_eq!(e.history().len(), 20, "memory kept at session");
    let (e2, p2) = open(&origin, 4, false, options(), NOW + 400.0);
    assert_eq!(p2.level(), Level::Session);
    assert_eq!(e2.history().len(), 0);
    assert!(
        e2.profile().categories.is_empty(),
        "stored profile is empty"
    );
    assert!(p2.export().ledger.entries.is_empty());

    // Session records stay in memory: a flush stores no event.
    click(&mut p, &mut e, "item-001", NOW + 500.0);
    e.flush();
    assert!(!keys(&origin).iter().any(|k| k.starts_with("events.")));

    // session -> off: nothing but the choice.
    let plan = p.set_level(&mut e, Level::Off, NOW + 600.0).unwrap();
    assert!(plan.memory_history);
    assert_eq!(keys(&origin), vec!["x.privacy.level".to_string()]);
    assert_eq!(e.history().len(), 0);
    click(&mut p, &mut e, "item-002", NOW + 700.0);
    e.flush();
    assert_eq!(keys(&origin), vec!["x.privacy.level".to_string()]);
    assert_eq!(e.history().len(), 0, "off records nothing");
    let mut bad = EventInput::new("item-002", EventKind::Rate);
    bad.value = Some(9.0);
    assert!(
        p.record(&mut e, bad, NOW + 750.0).is_err(),
        "bad input still rejected at off"
    );
    assert!(p.interests(&e, NOW).is_empty());
    assert_eq!(
        origin.raw_get("lighttouch:shop:x.privacy.level").as_deref(),
        Some("off")
    );

    // Raising again: personal stores new history.
    p.set_level(&mut e, Level::Personal, NOW + 800.0).unwrap();
    click(&mut p, &mut e, "item-003", NOW + 900.0);
    e.flush();
    assert!(keys(&origin).contains(&"events.0".to_string()));
}

#[test]
fn personal_to_session_keeps_memory_then_raising_persists_it() {
    let origin = MemoryOrigin::new();
    let (mut e, mut p) = open(&origin, 5, false, options(), NOW);
    p.set_level(&mut e, Level::Session, NOW).unwrap();
    for i in 0..5 {
        click(&mut p, &mut e, "item-002", NOW + i as f64);
    }
    p.set_level(&mut e, Level::Personal, NOW + 10.0).unwrap();
    let (e2, _) = open(&origin, 6, false, options(), NOW + 20.0);
    assert_eq!(e2.history().len(), 5);
}

#[test]
fn one_report_per_epoch_across_reopen_and_two_instances() {
    let origin = MemoryOrigin::new();
    let opts = PrivacyOptions {
        default_level: Level::Contribute,
        ..options()
    };
    let (mut a, mut pa) = open(&origin, 7, false, opts.clone(), NOW);
    for i in 0..10 {
        click(&mut pa, &mut a, "item-002", NOW + i as f64);
    }
    a.flush();
    // A second instance (another tab) on the same namespace.
    let (mut b, mut pb) = open(&origin, 8, false, opts.clone(), NOW + 50.0);
    assert_eq!(pb.level(), Level::Contribute);
    let clock = pa.export().epoch_clock.expect("clock");
    assert_eq!(pb.export().epoch_clock, Some(clock), "shared epoch clock");
    let epoch = clock.index(NOW);
    let end = clock.end_ms(epoch);

    let sent_a = pa
        .take_due_report(&mut a, end - 1.0)
        .expect("A reports once");
    assert_eq!(sent_a.epoch, epoch);
    assert!(pa.take_due_report(&mut a, end - 0.5).is_none(), "not twice");
    // B still had its own pending report in memory: the stored ledger wins.
    assert!(
        pb.take_due_report(&mut b, end - 0.5).is_none(),
        "not from the other tab"
    );
    assert!(pb.preview_signal(&mut b, end - 0.5).payload.is_none());
    // Reopen in the same epoch: still nothing.
    let (mut c, mut pc) = open(&origin, 9, false, opts.clone(), end - 0.2);
    assert!(pc.take_due_report(&mut c, end - 0.1).is_none());
    assert_eq!(pc.export().ledger.entries.len(), 1);

    // Next epochs: one report each until the budget (4.0 per 30 days) is spent.
    let mut sent = 1;
    for k in 1..=5 {
        // The page is visited at the start (scheduling a random send time)
        // and at the end of each epoch.
        let early = pc.take_due_report(&mut c, clock.start_ms(epoch + k) + 1.0);
        let late = pc.take_due_report(&mut c, clock.end_ms(epoch + k) - 1.0);
        assert!(
            early.is_none() || late.is_none(),
            "two reports in epoch {k}"
        );
        sent += usize::from(early.is_some() || late.is_some());
    }
    let spent = pc.preview_signal(&mut c, clock.end_ms(epoch + 5) - 1.0);
    assert!(spent.budget_spent <= 4.0 + 1e-9, "{spent:?}");
    assert_eq!(
        sent, 5,
        "weekly reports: 4 inside any 30 days, the 5th after day 30"
    );
    // Day 28 report was refused only if it fell inside 30 days of the first:
    // with 7-day epochs the reports sit at end-1ms of each epoch, so the
    // fifth (28 days after the first) is refused and the sixth (35) allowed.
    let entries = pc.export().ledger.entries;
    let epochs: Vec<i64> = entries.iter().map(|e| e.epoch - epoch).collect();
    assert!(!epochs.contains(&4), "{epochs:?}");
    assert!(epochs.contains(&5), "{epochs:?}");
}

/// A previews (builds and charges) the payload; B, whose activity comes
/// first when it falls due, adopts and sends it; A must not send it again.
#[test]
fn a_payload_previewed_in_one_instance_and_sent_by_another_is_not_resent() {
    let origin = MemoryOrigin::new();
    let opts = PrivacyOptions {
        default_level: Level::Contribute,
        ..options()
    };
    let (mut a, mut pa) = open(&origin, 11, false, opts.clone(), NOW);
    a.flush();
    let (mut b, mut pb) = open(&origin, 12, false, opts, NOW + 1.0);
    let previewed = pa.preview_signal(&mut a, NOW + 2.0).payload;
    assert!(previewed.is_some(), "A builds the payload");
    let clock = pa.export().epoch_clock.expect("clock");
    let last = clock.end_ms(clock.index(NOW)) - 1.0;
    let sent_b = pb.take_due_report(&mut b, last);
    assert_eq!(sent_b, previewed, "B sends the very payload A built");
    assert!(
        pa.take_due_report(&mut a, last + 0.5).is_none(),
        "A does not send it a second time"
    );
    assert_eq!(pa.export().ledger.entries.len(), 1, "charged once");
    assert!(pa.export().pending_report.is_none());
}

#[test]
fn preview_is_memoised_and_is_exactly_what_is_sent() {
    let origin = MemoryOrigin::new();
    let opts = PrivacyOptions {
        default_level: Level::Contribute,
        ..options()
    };
    let (mut e, mut p) = open(&origin, 10, false, opts, NOW);
    click(&mut p, &mut e, "item-000", NOW);
    let first = p.preview_signal(&mut e, NOW + 1.0);
    let again = p.preview_signal(&mut e, NOW + 2.0);
    assert_eq!(first.payload, again.payload);
    assert!(
        first.description.contains("epsilon = 1"),
        "{}",
        first.description
    );
    assert_eq!(p.export().ledger.entries.len(), 1, "charged once");
    let send_after = first.send_after_ms.unwrap();
    assert_eq!(p.next_send_after_ms(), Some(send_after));
    assert!(
        p.take_due_report(&mut e, send_after - 1.0).is_none(),
        "not early"
    );
    let sent = p.take_due_report(&mut e, send_after).unwrap();
    assert_eq!(Some(sent), first.payload);
}

#[test]
fn payload_from_engine_history_has_fixed_size_and_no_history() {
    let opts = PrivacyOptions {
        default_level: Level::Contribute,
        ..options()
    };
    let mut lengths = Vec::new();
    for (n, seed) in [(0usize, 11u64), (2000, 12)] {
        let origin = MemoryOrigin::new();
        let (mut e, mut p) = open(&origin, seed, false, opts.clone(), NOW);
        for i in 0..n {
            click(
                &mut p,
                &mut e,
                &format!("item-{:03}", i % 30),
                NOW - 1e9 + i as f64 * 1000.0,
            );
        }
        assert_eq!(e.history().len(), n);
        let payload = p.preview_signal(&mut e, NOW).payload.unwrap();
        let json = serde_json::to_string(&payload).unwrap();
        lengths.push(json.len());
        for i in 0..30 {
            assert!(!json.contains(&format!("item-{i:03}")));
            assert!(!json.contains(&format!("Title number {i}")));
        }
        assert!(
            !json.contains("football") && !json.contains("sport"),
            "{json}"
        );
        assert!(!json.contains(&format!("{}", (NOW - 1e9) as u64)));
    }
    assert_eq!(lengths[0], lengths[1]);
}

#[test]
fn interests_block_unblock_add_and_ranking() {
    let origin = MemoryOrigin::new();
    let (mut e, mut p) = open(&origin, 13, false, options(), NOW);
    for i in 0..6 {
        click(&mut p, &mut e, "item-000", NOW + i as f64); // football -> sport
    }
    click(&mut p, &mut e, "item-002", NOW); // opera -> culture
    let list = p.interests(&e, NOW + 10.0);
    assert_eq!(list[0].category, "sport");
    assert!((list[0].strength - 1.0).abs() < 1e-9);
    assert_eq!(list.len(), 3, "every taxonomy category is listed");

    let req = RecommendRequest::default();
    let top = |e: &Engine, p: &Privacy| {
        let comp = p.ranking_component(e);
        let extras: Vec<&dyn lighttouch::core::ScoreComponent> = comp
            .iter()
            .map(|c| c as &dyn lighttouch::core::ScoreComponent)
            .collect();
        e.recommend_with(&req, NOW + 10.0, &extras).unwrap()[0]
            .id
            .clone()
    };
    let before = top(&e, &p);
    assert!(
        before == "item-004" || before == "item-001" || before == "item-008",
        "{before}"
    );
    p.block_category(&mut e, "sport").unwrap();
    assert!(p
        .interests(&e, NOW)
        .iter()
        .any(|i| i.category == "sport" && i.blocked));
    let input = p.report_input(&e, NOW + 10.0).unwrap();
    assert_eq!(input.affinities[0], 0.0, "blocked is never reported");
    let after = top(&e, &p);
    assert_ne!(after, before, "blocking removes the sport boost");
    p.unblock_category(&mut e, "sport").unwrap();
    p.add_interest(&mut e, "science", 1.0).unwrap();
    let list = p.interests(&e, NOW + 10.0);
    let science = list.iter().find(|i| i.category == "science").unwrap();
    assert!(science.added && science.strength > 0.4, "{science:?}");
    e.flush();
    let (_, p2) = open(&origin, 14, false, options(), NOW + 20.0);
    assert_eq!(p2.export().added, vec![("science".to_string(), 1.0)]);
    // Errors name the field.
    assert_eq!(
        p.block_category(&mut e, "cooking").unwrap_err().field,
        "category"
    );
    assert_eq!(
        p.add_interest(&mut e, "science", 2.0).unwrap_err().field,
        "strength"
    );
}

#[test]
fn forget_item_removes_its_events_and_effect() {
    let origin = MemoryOrigin::new();
    let (mut e, mut p) = open(&origin, 15, false, options(), NOW);
    click(&mut p, &mut e, "item-003", NOW); // science only
    click(&mut p, &mut e, "item-000", NOW + 1.0);
    click(&mut p, &mut e, "item-003", NOW + 2.0);
    assert!(e.profile().categories.contains_key("science"));
    let removed = p.forget_item(&mut e, "item-003", NOW + 3.0);
    assert_eq!(removed, 2);
    assert!(e.history().iter().all(|ev| ev.item != "item-003"));
    assert!(
        !e.profile().categories.contains_key("science"),
        "{:?}",
        e.profile().categories
    );
    assert!(!e.profile().items.contains_key("item-003"));
    assert!(!e.profile().seen.contains_key("item-003"));
    assert!(e.profile().categories.contains_key("football"));
    let (e2, _) = open(&origin, 16, false, options(), NOW + 4.0);
    assert_eq!(e2.history().len(), 1);
    assert!(!e2.profile().categories.contains_key("science"));
}

#[test]
fn forget_clears_ledger_and_keeps_the_choice() {
    let origin = MemoryOrigin::new();
    let (mut e, mut p) = open(&origin, 17, false, options(), NOW);
    p.set_level(&mut e, Level::Contribute, NOW).unwrap();
    click(&mut p, &mut e, "item-000", NOW);
    assert!(p.preview_signal(&mut e, NOW).payload.is_some());
    p.forget(&mut e);
    // An empty state record may exist at this level; no history, no ledger.
    let k = keys(&origin);
    assert!(k.contains(&"x.privacy.level".to_string()), "{k:?}");
    assert!(
        k.iter()
            .all(|k| k == "state" || k == "x.privacy.level" || k == "x.privacy.signal"),
        "{k:?}"
    );
    assert!(e.history().is_empty());
    let ex = p.export();
    assert!(ex.ledger.entries.is_empty() && ex.pending_report.is_none());
    assert_eq!(ex.level, Level::Contribute);
    let json = serde_json::to_value(&ex).unwrap();
    for k in [
        "level",
        "levelChosen",
        "ledger",
        "epochClock",
        "pendingReport",
        "blocked",
        "added",
    ] {
        assert!(json.get(k).is_some(), "export lacks {k}");
    }
}

#[test]
fn bad_options_name_the_field() {
    let mut e = Engine::open(
        Box::new(MemoryOrigin::new().store("x")),
        Options::default(),
        NOW,
    );
    let bad = |o: PrivacyOptions| {
        Privacy::open(
            &mut Engine::open(
                Box::new(MemoryOrigin::new().store("x")),
                Options::default(),
                NOW,
            ),
            o,
            false,
            seeded_rng(0),
            NOW,
        )
        .err()
        .unwrap()
        .field
    };
    assert_eq!(
        bad(PrivacyOptions {
            epsilon: 0.0,
            ..options()
        }),
        "privacy.epsilon"
    );
    assert_eq!(
        bad(PrivacyOptions {
            epsilon: 5.0,
            ..options()
        }),
        "privacy.epsilon"
    );
    let mut o = options();
    o.taxonomy.as_mut().unwrap().categories.push("sport".into());
    assert_eq!(bad(o), "privacy.taxonomy.categories[3]");
    assert_eq!(
        bad(PrivacyOptions {
            default_level: Level::Contribute,
            taxonomy: None,
            ..options()
        }),
        "privacy.defaultLevel"
    );
    let mut p =
        Privacy::open(&mut e, PrivacyOptions::default(), false, seeded_rng(0), NOW).unwrap();
    assert_eq!(
        p.set_level(&mut e, Level::Contribute, NOW)
            .unwrap_err()
            .field,
        "level"
    );
    assert_eq!(DAY_MS, 86_400_000.0);
}

#[test]
fn outcome_counts_only_clicks_on_recommendations_and_idle_calls_write_nothing() {
    let origin = MemoryOrigin::new();
    let opts = PrivacyOptions {
        default_level: Level::Contribute,
        questions: vec![lighttouch::privacy::report::QuestionKind::Outcome],
        arms: vec!["control".into(), "personalised".into()],
        ..options()
    };
    let (mut e, mut p) = open(&origin, 18, false, opts, NOW);
    let recs = p.recommend(&e, &RecommendRequest::default(), NOW).unwrap();
    let shown = recs[0].id.clone();
    let not_shown = (0..30)
        .map(|i| format!("item-{i:03}"))
        .find(|id| !recs.iter().any(|r| &r.id == id))
        .unwrap();
    for k in 0..3 {
        click(&mut p, &mut e, &shown, NOW + 1.0 + k as f64);
    }
    click(&mut p, &mut e, &not_shown, NOW + 5.0);
    let input = p.report_input(&e, NOW + 6.0).unwrap();
    assert_eq!(input.recommendation_clicks, 3);
    let payload = p.preview_signal(&mut e, NOW + 7.0).payload.unwrap();
    assert!(matches!(payload.question, lighttouch::privacy::Question::Outcome { arm } if arm < 2));
    assert_eq!(payload.bits.len(), 4);

    e.flush();
    assert!(!e.has_pending_writes());
    let _ = p.preview_signal(&mut e, NOW + 9.0);
    assert!(
        !e.has_pending_writes(),
        "an idle preview must not dirty storage"
    );
}

#[test]
fn damaged_stored_privacy_state_starts_fresh() {
    let origin = MemoryOrigin::new();
    origin.raw_put("lighttouch:shop:x.privacy.level", "maximum");
    origin.raw_put("lighttouch:shop:x.privacy.signal", "p1:%%%garbage");
    origin.raw_put("lighttouch:shop:x.privacy.interests", "{\"blocked\":1}");
    let (mut e, mut p) = open(&origin, 19, false, options(), NOW);
    assert_eq!(p.level(), Level::Personal, "unknown level -> site default");
    assert!(!p.level_chosen());
    let ex = p.export();
    assert!(ex.ledger.entries.is_empty() && ex.blocked.is_empty());
    p.block_category(&mut e, "culture").unwrap();
    e.flush();
    let (_, p2) = open(&origin, 20, false, options(), NOW + 1.0);
    assert_eq!(p2.export().blocked, vec!["culture".to_string()]);
}

#[test]
fn impressions_follow_the_dial_and_forget_item() {
    let origin = MemoryOrigin::new();
    let (mut e, mut p) = open(&origin, 21, false, options(), NOW);
    e.record_impressions(&["item-001".to_string(), "item-002".to_string()], NOW)
        .unwrap();
    e.flush();
    assert!(
        keys(&origin).contains(&"x.impressions".to_string()),
        "{:?}",
        keys(&origin)
    );
    p.forget_item(&mut e, "item-001", NOW + 1.0);
    assert!(e.impressions() != &Default::default());
    p.set_level(&mut e, Level::Session, NOW + 2.0).unwrap();
    assert!(
        !keys(&origin).contains(&"x.impressions".to_string()),
        "{:?}",
        keys(&origin)
    );
    e.record_impressions(&["item-003".to_string()], NOW + 3.0)
        .unwrap();
    e.flush();
    assert_eq!(keys(&origin), vec!["x.privacy.level".to_string()]);
}
