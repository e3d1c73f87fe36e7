//! The privacy controller: the level dial, the interest edits and the
//! upstream signal (epoch clock, ledger, the epoch's pending report), kept
//! beside an [`Engine`] and persisted through its extra keys
//! ([`stored`](super::stored)). The JS class drives both.
//!
//! Protocol for the boundary:
//! * `record` / `recommend` go through [`Privacy::record`] and
//!   [`Privacy::ranking_component`] (level `off` records nothing);
//! * call [`Privacy::take_due_report`] on activity (under a Web Lock when
//!   available); it returns the payload to send, at most once per epoch, and
//!   has already persisted the ledger (flushed) before returning.

use std::collections::HashSet;

use rand_chacha::ChaCha20Rng;

use super::ledger::Refusal;
use super::level::{ErasePlan, Level};
use super::options::PrivacyOptions;
pub use super::outputs::{PrivacyExport, SignalPreview};
use super::report::{assign_arm, build_payload, describe, pick_question, ReportInput};
use super::rights::{self, Interest, InterestEditsComponent};
use super::stored::{self, InterestEdits, PendingReport, SignalState, StoredPayload};
use super::{EpochClock, Payload, PrivacyError, Taxonomy};
use crate::core::{
    Engine, EventError, EventInput, EventKind, RecommendError, RecommendRequest, Recommendation,
    ScoreComponent,
};

/// Most recommended ids remembered (in memory) to count clicks on them.
const MAX_RECOMMENDED: usize = 1000;

/// Privacy state of one namespace.
pub struct Privacy {
    options: PrivacyOptions,
    taxonomy: Option<Taxonomy>,
    level: Level,
    level_chosen: bool,
    default_level: Level,
    signal: SignalState,
    edits: InterestEdits,
    recommended: HashSet<String>,
    rng: ChaCha20Rng,
}

impl Privacy {
    /// Opens the privacy state for `engine`'s namespace: reads the stored
    /// level (else the site default, capped by Global Privacy Control), and
    /// enforces at once what that level keeps. `rng`: [`super::random::secure_rng`]
    /// in production.
    pub fn open(
        engine: &mut Engine,
        options: PrivacyOptions,
        global_privacy_control: bool,
        rng: ChaCha20Rng,
        now_ms: f64,
    ) -> Result<Privacy, PrivacyError> {
        let taxonomy = options.validate()?;
        let default_level = Level::default_for(options.default_level, global_privacy_control);
        let stored_level = engine
            .get_extra(stored::LEVEL_KEY)
            .and_then(|s| Level::parse(s).ok());
        let mut level = stored_level.unwrap_or(default_level);
        if level == Level::Contribute && taxonomy.is_none() {
            level = Level::Personal;
        }
        let mut p = Privacy {
            signal: engine
                .get_extra(stored::SIGNAL_KEY)
                .and_then(stored::decode)
                .unwrap_or_default(),
            edits: engine
                .get_extra(stored::INTERESTS_KEY)
                .and_then(stored::decode)
                .unwrap_or_default(),
            options,
            taxonomy,
            level,
            level_chosen: stored_level.is_some(),
            default_level,
            recommended: HashSet::new(),
            rng,
        };
        if p.signal.ledger.validate().is_err()
            || p.signal.clock.is_some_and(|c| c.validate().is_err())
        {
            p.signal = SignalState::default();
        }
        p.enforce(engine, true);
        p.schedule(engine, now_ms);
        Ok(p)
    }

    /// Applies the level's retention to engine and storage. `opening`: a
    /// new page, where `session` starts with an empty history.
    fn enforce(&mut self, engine: &mut Engine, opening: bool) {
        let keep = self.level.retention();
        engine.set_history_storage(keep.persists_history);
        if !keep.persists_history {
            if opening || !keep.keeps_history_in_memory {
                engine.clear_memory();
            }
            self.remove_extra(engine, stored::SIGNAL_KEY);
            self.remove_extra(engine, stored::INTERESTS_KEY);
            self.signal = SignalState::default();
        }
        if !keep.keeps_history_in_memory {
            self.edits = InterestEdits::default();
            self.recommended.clear();
        }
        if !keep.keeps_pending_report && self.signal.pending.is_some() {
            self.signal.pending = None;
            self.save_signal(engine);
        }
    }

    fn remove_extra(&self, engine: &mut Engine, key: &str) {
        if engine.get_extra(key).is_some() {
            let _ = engine.remove_extra(key);
        }
    }

    fn save_signal(&self, engine: &mut Engine) {
        if self.level.retention().keeps_signal_state {
            if let Some(v) = stored::encode(&self.signal) {
                let _ = engine.put_extra(stored::SIGNAL_KEY, v);
            }
        }
    }

    fn save_edits(&self, engine: &mut Engine) {
        if self.level.retention().persists_history {
            if let Some(v) = stored::encode(&self.edits) {
                let _ = engine.put_extra(stored::INTERESTS_KEY, v);
            }
        }
    }

    /// The level in force.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Whether the visitor chose the level (else it is the site default).
    pub fn level_chosen(&self) -> bool {
        self.level_chosen
    }

    /// The validated taxonomy, if the site declared one.
    pub fn taxonomy(&self) -> Option<&Taxonomy> {
        self.taxonomy.as_ref()
    }

    /// `setLevel`: stores the choice and erases at once (flushing) what the
    /// new level does not keep. `off` erases everything but the choice.
    /// Returns what was erased.
    pub fn set_level(
        &mut self,
        engine: &mut Engine,
        to: Level,
        now_ms: f64,
    ) -> Result<ErasePlan, PrivacyError> {
        if to == Level::Contribute && self.taxonomy.is_none() {
            return Err(PrivacyError::new(
                "level",
                "contribute needs the site to declare a taxonomy (privacy.taxonomy)",
            ));
        }
        let plan = self.level.erase_plan(to);
        if plan.memory_history {
            // Down to off: erase every key of the namespace and all memory.
            engine.forget();
            self.signal = SignalState::default();
        }
        self.level = to;
        self.level_chosen = true;
        self.enforce(engine, false);
        let _ = engine.put_extra(stored::LEVEL_KEY, to.as_str().to_string());
        if to.retention().keeps_signal_state {
            self.save_signal(engine);
            self.save_edits(engine);
        }
        if to == Level::Contribute {
            self.schedule(engine, now_ms);
        }
        engine.flush_at(Some(now_ms));
        Ok(plan)
    }

    /// `record`: nothing at all at level `off`; otherwise the engine records
    /// it, and a click on a recommended item counts towards this epoch's
    /// `outcome` bucket (as a number only).
    pub fn record(
        &mut self,
        engine: &mut Engine,
        event: EventInput,
        now_ms: f64,
    ) -> Result<(), EventError> {
        if self.level == Level::Off {
            // Still validated, so bad input is reported the same at every level.
            event.validate(now_ms)?;
            return Ok(());
        }
        let clicked = event.kind == EventKind::Click && self.recommended.contains(&event.item);
        engine.record(event, now_ms)?;
        if clicked && self.level == Level::Contribute {
            if let Some(clock) = self.signal.clock {
                let epoch = clock.index(now_ms);
                let count = match self.signal.clicks {
                    Some((e, c)) if e == epoch => c.saturating_add(1),
                    _ => 1,
                };
                self.signal.clicks = Some((epoch, count));
                self.save_signal(engine);
            }
        }
        Ok(())
    }

    /// Remembers (in memory only) which items were recommended, so that
    /// clicks on them can be counted for the `outcome` question.
    pub fn note_recommended(&mut self, recs: &[Recommendation]) {
        if self.level != Level::Contribute {
            return;
        }
        if self.recommended.len() + recs.len() > MAX_RECOMMENDED {
            self.recommended.clear();
        }
        self.recommended.extend(recs.iter().map(|r| r.id.clone()));
    }

    /// `recommend` with the visitor's interest edits applied, and the
    /// engine's item-item model when one is set; remembers the returned ids
    /// (in memory) for the `outcome` click count. The boundary calls this
    /// instead of `Engine::recommend`.
    ///
    /// Blocked interests are a hard rule: items of a blocked category are
    /// added to the request's `exclude` (so they are left out even when the
    /// page asks for that category through `categories`), and reasons citing
    /// a blocked category or an item of one are removed.
    pub fn recommend(
        &mut self,
        engine: &Engine,
        request: &RecommendRequest,
        now_ms: f64,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        let edits = self.ranking_component(engine);
        // `Engine::recommend_with` adds the model's component itself.
        let extras: Vec<&dyn ScoreComponent> =
            edits.iter().map(|e| e as &dyn ScoreComponent).collect();
        let blocked = edits
            .as_ref()
            .map(|e| e.blocked_ids(engine.catalog()))
            .unwrap_or_default();
        let mut recs = if blocked.is_empty() {
            engine.recommend_with(request, now_ms, &extras)?
        } else {
            let mut request = request.clone();
            request.exclude.get_or_insert_with(Vec::new).extend(blocked);
            engine.recommend_with(&request, now_ms, &extras)?
        };
        if let Some(e) = &edits {
            for r in &mut recs {
                e.strip_blocked_reasons(engine.catalog(), &mut r.reasons);
            }
        }
        self.note_recommended(&recs);
        Ok(recs)
    }

    /// `explain(id)` with the interest edits (and the model when set): an
    /// item of a blocked category is explained as blocked, never by its
    /// category.
    pub fn explain(
        &self,
        engine: &Engine,
        id: &str,
        now_ms: f64,
    ) -> Result<String, RecommendError> {
        let Some(edits) = self.ranking_component(engine) else {
            return engine.explain(id, now_ms);
        };
        let catalog = engine.catalog();
        if let Some(idx) = catalog.index_of(id) {
            if edits.item_blocked(catalog, idx) {
                return Ok("Not recommended: it belongs to a category you blocked.".to_string());
            }
        }
        engine.explain_with(id, now_ms, &[&edits])
    }

    /// The ranking adjustment for blocked / added interests, to pass to
    /// `Engine::recommend_with` (`None` when there are no edits).
    pub fn ranking_component(&self, engine: &Engine) -> Option<InterestEditsComponent> {
        let c = InterestEditsComponent::new(engine, self.taxonomy.as_ref(), &self.edits);
        (!c.is_noop()).then_some(c)
    }

    /// `interests()`: the profile in human terms.
    pub fn interests(&self, engine: &Engine, now_ms: f64) -> Vec<Interest> {
        if self.level == Level::Off {
            return Vec::new();
        }
        rights::interests(engine, self.taxonomy.as_ref(), &self.edits, now_ms)
    }

    fn check_category(&self, engine: &Engine, name: &str) -> Result<(), PrivacyError> {
        if self.level == Level::Off {
            return Err(PrivacyError::new(
                "level",
                "level off keeps no profile to edit",
            ));
        }
        let known = match &self.taxonomy {
            Some(t) => t.index_of(name).is_some(),
            None => engine.catalog().categories().get(name).is_some(),
        };
        if known {
            Ok(())
        } else {
            Err(PrivacyError::new(
                "category",
                format!("unknown interest category {name:?}"),
            ))
        }
    }

    /// `blockCategory`: never used for ranking, never reported.
    pub fn block_category(&mut self, engine: &mut Engine, name: &str) -> Result<(), PrivacyError> {
        self.check_category(engine, name)?;
        self.edits.added.remove(name);
        self.edits.blocked.insert(name.to_string());
        self.save_edits(engine);
        Ok(())
    }

    /// `unblockCategory`.
    pub fn unblock_category(
        &mut self,
        engine: &mut Engine,
        name: &str,
    ) -> Result<(), PrivacyError> {
        self.check_category(engine, name)?;
        self.edits.blocked.remove(name);
        self.save_edits(engine);
        Ok(())
    }

    /// `addInterest(name, strength)`: strength in (0, 1] relative to the
    /// strongest interest; unblocks the category.
    pub fn add_interest(
        &mut self,
        engine: &mut Engine,
        name: &str,
        strength: f64,
    ) -> Result<(), PrivacyError> {
        self.check_category(engine, name)?;
        if !(strength.is_finite() && strength > 0.0 && strength <= 1.0) {
            return Err(PrivacyError::new(
                "strength",
                format!("must be in (0, 1], got {strength}"),
            ));
        }
        self.edits.blocked.remove(name);
        self.edits.added.insert(name.to_string(), strength);
        self.save_edits(engine);
        Ok(())
    }

    /// `forgetItem(id)`: see [`rights::forget_item`]. Returns events removed.
    pub fn forget_item(&mut self, engine: &mut Engine, id: &str, now_ms: f64) -> usize {
        let n = rights::forget_item(engine, id);
        self.recommended.remove(id);
        engine.flush_at(Some(now_ms));
        n
    }

    /// `forget()`: erases every key (history, ledger, epoch clock, pending
    /// report, edits); the visitor's level choice, if any, is kept.
    pub fn forget(&mut self, engine: &mut Engine) {
        engine.forget();
        self.signal = SignalState::default();
        self.edits = InterestEdits::default();
        self.recommended.clear();
        if self.level_chosen {
            let _ = engine.put_extra(stored::LEVEL_KEY, self.level.as_str().to_string());
            engine.flush();
        }
    }

    /// The report input: affinities per taxonomy category (blocked = 0,
    /// added interests included) and this epoch's clicks on recommendations.
    pub fn report_input(&self, engine: &Engine, now_ms: f64) -> Option<ReportInput> {
        let t = self.taxonomy.as_ref()?;
        let raw = rights::raw_affinities(engine, Some(t), now_ms);
        let edited = rights::edited_affinities(&raw, &self.edits);
        let epoch = self.signal.clock.map(|c| c.index(now_ms));
        Some(ReportInput {
            affinities: t
                .categories()
                .iter()
                .map(|c| edited.get(c).copied().unwrap_or(0.0))
                .collect(),
            recommendation_clicks: match (self.signal.clicks, epoch) {
                (Some((e, c)), Some(now)) if e == now => c,
                _ => 0,
            },
        })
    }

    /// Makes sure the current epoch has a pending report (question and send
    /// time fixed), unless one was already made for it or the budget is out.
    fn schedule(&mut self, engine: &mut Engine, now_ms: f64) {
        if self.level != Level::Contribute {
            return;
        }
        let Some(taxonomy) = self.taxonomy.as_ref() else {
            return;
        };
        let before = self.signal.clone();
        let clock = match self.signal.clock {
            Some(c) => c,
            None => match EpochClock::random(self.options.epoch_days, &mut self.rng) {
                Ok(c) => {
                    self.signal.clock = Some(c);
                    c
                }
                Err(_) => return,
            },
        };
        if self.signal.arm.is_none() && !self.options.arms.is_empty() {
            self.signal.arm = assign_arm(self.options.arms.len(), &mut self.rng).ok();
        }
        let epoch = clock.index(now_ms);
        let scheduled = self
            .signal
            .pending
            .as_ref()
            .is_some_and(|p| p.epoch == epoch);
        let reported = self.signal.ledger.entries.iter().any(|e| e.epoch >= epoch);
        let built = scheduled
            && self
                .signal
                .pending
                .as_ref()
                .is_some_and(|p| p.payload.is_some());
        if reported && !built {
            // Sent already (or charged elsewhere): nothing pending this epoch.
            self.signal.pending = None;
        } else if !scheduled && !reported {
            self.signal.pending = pick_question(
                &self.options.questions,
                taxonomy,
                self.signal.arm,
                &mut self.rng,
            )
            .ok()
            .map(|q| PendingReport {
                epoch,
                question: q.into(),
                send_after_ms: clock.random_send_time(epoch, now_ms, &mut self.rng),
                payload: None,
            });
        }
        if self.signal != before {
            self.save_signal(engine);
        }
    }

    /// Merges the ledger another tab may have stored into ours (union of
    /// entries), so that a charge here sees every charge made anywhere.
    fn refresh_ledger(&mut self, engine: &Engine) {
        let Some(theirs) = engine
            .read_stored_extra(stored::SIGNAL_KEY)
            .and_then(|s| stored::decode::<SignalState>(&s))
        else {
            return;
        };
        if let Some(clock) = theirs.clock {
            if self.signal.clock != Some(clock) {
                // Two tabs started at once: the stored clock wins.
                self.signal.clock = Some(clock);
                self.signal.pending = None;
            }
        }
        let stored_built = |epoch: i64| {
            theirs
                .pending
                .as_ref()
                .is_some_and(|q| q.epoch == epoch && q.payload.is_some())
        };
        if let Some(p) = &self.signal.pending {
            let charged = theirs.ledger.entries.iter().any(|e| e.epoch == p.epoch);
            if p.payload.is_some() && charged && !stored_built(p.epoch) {
                // We built this epoch's payload, but the stored state shows
                // it charged and no longer pending: another tab sent it.
                self.signal.pending = None;
            }
        }
        for e in &theirs.ledger.entries {
            if !self.signal.ledger.entries.contains(e) {
                self.signal.ledger.entries.push(*e);
            }
        }
        if let (Some(p), Some(q)) = (&self.signal.pending, &theirs.pending) {
            if p.epoch == q.epoch && q.payload.is_some() {
                // Another tab built this epoch's payload: adopt it (one randomisation).
                self.signal.pending = theirs.pending.clone();
            }
        }
    }

    /// Builds (once: randomise, charge the ledger, persist and flush) the
    /// pending payload of the current epoch. `Err` says why there is none.
    fn ensure_payload(&mut self, engine: &mut Engine, now_ms: f64) -> Result<Payload, String> {
        if self.level != Level::Contribute {
            return Err(format!(
                "no signal is sent at level {}",
                self.level.as_str()
            ));
        }
        self.refresh_ledger(engine);
        self.schedule(engine, now_ms);
        let epoch = self.signal.clock.map(|c| c.index(now_ms));
        let pending = match &self.signal.pending {
            Some(p) if Some(p.epoch) == epoch => p.clone(),
            _ => return Err("a report was already made this period".into()),
        };
        if let Some(p) = pending.payload.as_ref().and_then(StoredPayload::payload) {
            return Ok(p);
        }
        let question = pending
            .question
            .question()
            .ok_or_else(|| "stored question unreadable".to_string())?;
        let (Some(taxonomy), Some(input)) =
            (self.taxonomy.as_ref(), self.report_input(engine, now_ms))
        else {
            return Err("no taxonomy declared".into());
        };
        let eps = self.options.epsilon;
        if let Err(r) = self
            .signal
            .ledger
            .charge(&self.options.budget, pending.epoch, eps, now_ms)
        {
            if matches!(r, Refusal::AlreadyReported { .. }) {
                self.signal.pending = None;
                self.save_signal(engine);
            }
            return Err(r.to_string());
        }
        let payload = build_payload(
            question,
            &input,
            taxonomy,
            pending.epoch,
            eps,
            &mut self.rng,
        )
        .map_err(|e| e.to_string())?;
        if let Some(p) = self.signal.pending.as_mut() {
            p.payload = Some(StoredPayload::from(&payload));
        }
        self.save_signal(engine);
        engine.flush_at(Some(now_ms));
        Ok(payload)
    }

    /// `previewSignal()`: the next payload exactly as it will be sent. The
    /// first preview builds it, which spends its ε (the page could read it),
    /// and later previews and the send return the very same payload.
    pub fn preview_signal(&mut self, engine: &mut Engine, now_ms: f64) -> SignalPreview {
        let result = self.ensure_payload(engine, now_ms);
        let spent = self.signal.ledger.spent(&self.options.budget, now_ms);
        let send_after_ms = self.signal.pending.as_ref().map(|p| p.send_after_ms);
        let (payload, description) = match result {
            Ok(p) => {
                let d = describe(&p, self.taxonomy.as_ref());
                (Some(p), d)
            }
            Err(why) => (None, format!("Nothing will be sent now: {why}.")),
        };
        SignalPreview {
            payload,
            description,
            send_after_ms,
            budget_spent: spent,
            budget_max: self.options.budget.max_epsilon,
        }
    }

    /// The payload to send now, if this epoch's send time has come; removes
    /// the pending report (the ledger keeps the epoch, so no second report).
    /// The state is flushed before returning.
    pub fn take_due_report(&mut self, engine: &mut Engine, now_ms: f64) -> Option<Payload> {
        if self.level != Level::Contribute {
            return None;
        }
        self.schedule(engine, now_ms);
        let due = self
            .signal
            .pending
            .as_ref()
            .is_some_and(|p| p.send_after_ms <= now_ms);
        if !due {
            return None;
        }
        let payload = self.ensure_payload(engine, now_ms).ok()?;
        self.signal.pending = None;
        self.save_signal(engine);
        engine.flush_at(Some(now_ms));
        Some(payload)
    }

    /// When the pending report becomes due (ms since the Unix epoch), for
    /// the boundary's timer; `None` when nothing is pending.
    pub fn next_send_after_ms(&self) -> Option<f64> {
        if self.level != Level::Contribute {
            return None;
        }
        self.signal.pending.as_ref().map(|p| p.send_after_ms)
    }

    /// The privacy part of `exportData()`.
    pub fn export(&self) -> PrivacyExport {
        PrivacyExport {
            level: self.level,
            level_chosen: self.level_chosen,
            ledger: self.signal.ledger.clone(),
            epoch_clock: self.signal.clock,
            pending_report: self
                .signal
                .pending
                .as_ref()
                .and_then(|p| p.payload.as_ref())
                .and_then(StoredPayload::payload),
            blocked: self.edits.blocked.iter().cloned().collect(),
            added: self
                .edits
                .added
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        }
    }

    /// The default level before any choice (after the GPC cap).
    pub fn default_level(&self) -> Level {
        self.default_level
    }
}
