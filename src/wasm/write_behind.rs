//! Write-behind for the `Recommender`: pending writes are flushed once,
//! [`FLUSH_DELAY_MS`] after the first unflushed change (so a burst of events
//! costs one storage write), and at once when the page is hidden or left
//! (`visibilitychange` to hidden, `pagehide`), the last moments a page is
//! guaranteed to run.
//!
//! One timer closure and one lifecycle closure are created per recommender
//! and reused for every event; both hold only a weak reference to the engine,
//! and dropping the [`WriteBehind`] cancels the timer and removes the
//! listeners. In Node (no `window`) only the timer exists.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::engine::Engine;

/// Delay between the first unflushed change and the automatic flush.
pub const FLUSH_DELAY_MS: i32 = 500;

#[wasm_bindgen]
extern "C" {
    /// `globalThis.setTimeout`: a number in browsers, a `Timeout` in Node.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, delay_ms: i32) -> JsValue;
    /// `globalThis.clearTimeout`.
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// The shared engine, as the exported class and the callbacks see it.
pub type SharedEngine = Rc<RefCell<Engine>>;

/// Schedules flushes of one engine.
pub struct WriteBehind {
    engine: Weak<RefCell<Engine>>,
    timer: Rc<Timer>,
    on_timer: Closure<dyn FnMut()>,
    lifecycle: Option<Lifecycle>,
}

/// The handle of the pending timeout, if one is scheduled.
#[derive(Default)]
struct Timer {
    handle: RefCell<Option<JsValue>>,
    fired: Cell<u32>,
}

/// Page lifecycle listeners (browsers only).
struct Lifecycle {
    window: web_sys::Window,
    document: Option<web_sys::Document>,
    listener: Closure<dyn FnMut(web_sys::Event)>,
}

impl WriteBehind {
    /// Sets up flushing for `engine`; registers the lifecycle listeners
    /// when running in a page. `on_hidden` runs after the flush when the
    /// page is hidden or left (the privacy report transport uses it).
    pub fn new(engine: &SharedEngine, on_hidden: Option<Rc<dyn Fn()>>) -> WriteBehind {
        let timer = Rc::new(Timer::default());
        let on_timer = {
            let engine = Rc::downgrade(engine);
            let timer = Rc::clone(&timer);
            Closure::<dyn FnMut()>::new(move || {
                timer.handle.replace(None);
                timer.fired.set(timer.fired.get().saturating_add(1));
                flush_now(&engine);
            })
        };
        WriteBehind {
            engine: Rc::downgrade(engine),
            timer,
            on_timer,
            lifecycle: Lifecycle::register(engine, on_hidden),
        }
    }

    /// Call after every change: schedules one flush [`FLUSH_DELAY_MS`] from
    /// now unless one is already scheduled, there is nothing to write, or
    /// nothing written would outlive the page anyway (memory storage; in
    /// Node this also keeps a timer from holding the process open).
    pub fn changed(&self, engine: &Engine) {
        if self.timer.handle.borrow().is_some()
            || !engine.has_pending_writes()
            || !engine.status().persistent
        {
            return;
        }
        let handle = set_timeout(self.on_timer.as_ref().unchecked_ref(), FLUSH_DELAY_MS);
        self.timer.handle.replace(Some(handle));
    }

    /// Cancels a scheduled flush (after an explicit `flush()` or `forget()`).
    pub fn cancel(&self) {
        if let Some(handle) = self.timer.handle.take() {
            clear_timeout(&handle);
        }
    }

    /// Whether a flush is scheduled.
    pub fn is_scheduled(&self) -> bool {
        self.timer.handle.borrow().is_some()
    }

    /// How many times the timer has fired so far.
    pub fn timer_flushes(&self) -> u32 {
        self.timer.fired.get()
    }
}

impl Drop for WriteBehind {
    fn drop(&mut self) {
        self.cancel();
        if let Some(lifecycle) = self.lifecycle.take() {
            lifecycle.unregister();
        }
        flush_now(&self.engine);
    }
}

impl Lifecycle {
    fn register(engine: &SharedEngine, on_hidden: Option<Rc<dyn Fn()>>) -> Option<Lifecycle> {
        let window = web_sys::window()?;
        let document = window.document();
        let listener = {
            let engine = Rc::downgrade(engine);
            let document = document.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let hidden = document
                    .as_ref()
                    .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
                if event.type_() == "pagehide" || hidden {
                    flush_now(&engine);
                    if let Some(on_hidden) = &on_hidden {
                        on_hidden();
                    }
                }
            })
        };
        let callback = listener.as_ref().unchecked_ref();
        // Registration only fails on a non-callable listener; without the
        // listeners the timer still flushes.
        let _ = window.add_event_listener_with_callback("pagehide", callback);
        if let Some(document) = &document {
            let _ = document.add_event_listener_with_callback("visibilitychange", callback);
        }
        Some(Lifecycle {
            window,
            document,
            listener,
        })
    }

    fn unregister(self) {
        let callback = self.listener.as_ref().unchecked_ref();
        let _ = self
            .window
            .remove_event_listener_with_callback("pagehide", callback);
        if let Some(document) = &self.document {
            let _ = document.remove_event_listener_with_callback("visibilitychange", callback);
        }
    }
}

/// Flushes the engine if it still exists and is not borrowed right now.
/// Storage failures are recorded by the engine in its status, never thrown.
fn flush_now(engine: &Weak<RefCell<Engine>>) {
    if let Some(engine) = engine.upgrade() {
        if let Ok(mut engine) = engine.try_borrow_mut() {
            if engine.has_pending_writes() {
                engine.flush();
            }
        }
    }
}
