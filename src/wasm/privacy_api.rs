//! The privacy half of the `Recommender` JS class: level dial, transparency
//! preview, the visitor's rights and the report transport (Web Locks +
//! `navigator.sendBeacon` or a callback). The `Recommender` holds a
//! [`PrivacyApi`] and delegates to it (see docs/privacy.md, "Wiring").
//!
//! Browser APIs are reached through `Reflect` so that no extra `web-sys`
//! features are needed; where one is missing (no `navigator.locks`, no
//! `sendBeacon`) the documented fallback applies.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{from_js, to_js, to_js_error, to_json_compatible, ErrorFamily, Subject};
use super::write_behind::SharedEngine;
use crate::core::{Engine, EventInput, RecommendRequest, Recommendation};
use crate::privacy::random::secure_rng;
use crate::privacy::{Level, Payload, Privacy, PrivacyOptions};

/// Where reports go: an endpoint URL (`sendBeacon`) or a JS callback.
#[derive(Clone)]
pub enum Transport {
    /// No transport configured: reports are built and charged only when the
    /// page previews them; nothing is sent.
    None,
    /// `navigator.sendBeacon(url, JSON)`.
    Endpoint(String),
    /// `callback(payload)`.
    Callback(Function),
}

/// Privacy state shared by the `Recommender`'s methods (cloning shares it).
#[derive(Clone)]
pub struct PrivacyApi {
    privacy: Rc<RefCell<Privacy>>,
    transport: Transport,
    namespace: String,
}

fn navigator() -> Option<JsValue> {
    let nav = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    (!nav.is_undefined() && !nav.is_null()).then_some(nav)
}

/// `navigator.globalPrivacyControl === true`.
pub fn global_privacy_control() -> bool {
    navigator()
        .and_then(|n| Reflect::get(&n, &JsValue::from_str("globalPrivacyControl")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn privacy_error(e: &impl std::fmt::Display) -> JsValue {
    to_js_error(ErrorFamily::Privacy, e)
}

impl PrivacyApi {
    /// Opens the privacy state. `options`: the `privacy` member of the
    /// `open()` options (`undefined` = defaults); `transport`: from the
    /// `endpoint` / `onSignal` open options.
    pub fn open(
        engine: &mut Engine,
        namespace: &str,
        options: &JsValue,
        transport: Transport,
        now_ms: f64,
    ) -> Result<PrivacyApi, JsValue> {
        let options: PrivacyOptions = if options.is_undefined() || options.is_null() {
            PrivacyOptions::default()
        } else {
            from_js(options, Subject::Object("privacy"), ErrorFamily::Privacy)?
        };
        let rng = secure_rng().map_err(|e| privacy_error(&e))?;
        let privacy = Privacy::open(engine, options, global_privacy_control(), rng, now_ms)
            .map_err(|e| privacy_error(&e))?;
        Ok(PrivacyApi {
            privacy: Rc::new(RefCell::new(privacy)),
            transport,
            namespace: namespace.to_string(),
        })
    }

    /// `rec.level`.
    pub fn level(&self) -> String {
        self.privacy.borrow().level().as_str().to_string()
    }

    /// `rec.setLevel(level)`: returns the erase plan as a JS object.
    pub fn set_level(
        &self,
        engine: &mut Engine,
        level: &str,
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let level = Level::parse(level).map_err(|e| privacy_error(&e))?;
        let plan = self
            .privacy
            .borrow_mut()
            .set_level(engine, level, now_ms)
            .map_err(|e| privacy_error(&e))?;
        to_js(&plan)
    }

    /// `rec.record(event)` (after the event was converted).
    pub fn record(
        &self,
        engine: &mut Engine,
        event: EventInput,
        now_ms: f64,
    ) -> Result<(), JsValue> {
        self.privacy
            .borrow_mut()
            .record(engine, event, now_ms)
            .map_err(|e| to_js_error(ErrorFamily::Event, &e))
    }

    /// `rec.recommend(request)` with the interest edits applied.
    pub fn recommend(
        &self,
        engine: &Engine,
        request: &RecommendRequest,
        now_ms: f64,
    ) -> Result<Vec<Recommendation>, JsValue> {
        self.privacy
            .borrow_mut()
            .recommend(engine, request, now_ms)
            .map_err(|e| to_js_error(ErrorFamily::Recommend, &e))
    }

    /// `rec.explain(id)` with the interest edits applied.
    pub fn explain(&self, engine: &Engine, id: &str, now_ms: f64) -> Result<String, JsValue> {
        self.privacy
            .borrow()
            .explain(engine, id, now_ms)
            .map_err(|e| to_js_error(ErrorFamily::Recommend, &e))
    }

    /// `rec.previewSignal()`.
    pub fn preview_signal(&self, engine: &mut Engine, now_ms: f64) -> Result<JsValue, JsValue> {
        to_js(&self.privacy.borrow_mut().preview_signal(engine, now_ms))
    }

    /// `rec.interests()`.
    pub fn interests(&self, engine: &Engine, now_ms: f64) -> Result<JsValue, JsValue> {
        to_js(&self.privacy.borrow().interests(engine, now_ms))
    }

    /// `rec.blockCategory(name)`.
    pub fn block_category(&self, engine: &mut Engine, name: &str) -> Result<(), JsValue> {
        self.privacy
            .borrow_mut()
            .block_category(engine, name)
            .map_err(|e| privacy_error(&e))
    }

    /// `rec.unblockCategory(name)`.
    pub fn unblock_category(&self, engine: &mut Engine, name: &str) -> Result<(), JsValue> {
        self.privacy
            .borrow_mut()
            .unblock_category(engine, name)
            .map_err(|e| privacy_error(&e))
    }

    /// `rec.addInterest(name, strength = 1)`.
    pub fn add_interest(
        &self,
        engine: &mut Engine,
        name: &str,
        strength: Option<f64>,
    ) -> Result<(), JsValue> {
        self.privacy
            .borrow_mut()
            .add_interest(engine, name, strength.unwrap_or(1.0))
            .map_err(|e| privacy_error(&e))
    }

    /// `rec.forgetItem(id)`: the number of events removed.
    pub fn forget_item(&self, engine: &mut Engine, id: &str, now_ms: f64) -> u32 {
        self.privacy.borrow_mut().forget_item(engine, id, now_ms) as u32
    }

    /// The `privacy` member of `rec.exportData()`.
    /// JSON-compatible (`null` for absent values) like the rest of
    /// `exportData()`, so the export survives `JSON.stringify` unchanged.
    pub fn export(&self) -> Result<JsValue, JsValue> {
        to_json_compatible(&self.privacy.borrow().export())
    }

    /// `rec.forget()`.
    pub fn forget(&self, engine: &mut Engine) {
        self.privacy.borrow_mut().forget(engine);
    }

    /// Sends this epoch's report if it is due: inside the Web Lock
    /// `lighttouch:<namespace>:report` when `navigator.locks` exists,
    /// directly otherwise (the stored ledger, re-read before charging, is
    /// then the guard). Call on open, on `record` and on `visibilitychange`.
    pub fn send_if_due(&self, engine: &SharedEngine) {
        if matches!(self.transport, Transport::None) {
            return;
        }
        let privacy = Rc::clone(&self.privacy);
        let engine = Rc::clone(engine);
        let transport = self.transport.clone();
        let run = move || {
            let payload = match engine.try_borrow_mut() {
                Ok(mut e) => privacy
                    .try_borrow_mut()
                    .ok()
                    .and_then(|mut p| p.take_due_report(&mut e, js_sys::Date::now())),
                Err(_) => None,
            };
            if let Some(p) = payload {
                deliver(&transport, &p);
            }
        };
        let locks = navigator()
            .and_then(|n| Reflect::get(&n, &JsValue::from_str("locks")).ok())
            .filter(|l| !l.is_undefined() && !l.is_null());
        let request = locks.as_ref().and_then(|l| {
            Reflect::get(l, &JsValue::from_str("request"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
        });
        match (locks, request) {
            (Some(locks), Some(request)) => {
                let name = JsValue::from_str(&format!("lighttouch:{}:report", self.namespace));
                let callback = Closure::once_into_js(move |_lock: JsValue| {
                    run();
                    JsValue::UNDEFINED
                });
                let _ = request.call2(&locks, &name, &callback);
            }
            _ => run(),
        }
    }
}

/// Hands a payload to the transport; failures are dropped silently (the
/// report was charged; a lost report only loses the site a sample).
fn deliver(transport: &Transport, payload: &Payload) {
    match transport {
        Transport::None => {}
        Transport::Callback(f) => {
            if let Ok(v) = to_js(payload) {
                let _ = f.call1(&JsValue::UNDEFINED, &v);
            }
        }
        Transport::Endpoint(url) => {
            let Some(nav) = navigator() else { return };
            let Some(beacon) = Reflect::get(&nav, &JsValue::from_str("sendBeacon"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
            else {
                return;
            };
            // The wire format the aggregator reads: the payload's JSON.
            let Some(body) = to_js(payload)
                .ok()
                .and_then(|v| js_sys::JSON::stringify(&v).ok())
            else {
                return;
            };
            let _ = beacon.call2(&nav, &JsValue::from_str(url), &body);
        }
    }
}
