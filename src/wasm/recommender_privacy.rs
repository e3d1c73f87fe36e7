//! The privacy methods of the `Recommender` JS class: the personalisation
//! dial, the transparency preview and the visitor's rights. They delegate to
//! [`super::privacy_api::PrivacyApi`] (docs/privacy.md).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::recommender::{now, Recommender};
use super::types::{ErasePlanJs, InterestListJs, LevelJs, SignalPreviewJs};

#[wasm_bindgen]
impl Recommender {
    /// The personalisation level in force: `"off"`, `"session"`,
    /// `"personal"` or `"contribute"`.
    ///
    /// ```js
    /// if (rec.level === "contribute") showSignalBadge();
    /// ```
    #[wasm_bindgen(getter)]
    pub fn level(&self) -> LevelJs {
        JsValue::from_str(&self.privacy.level()).unchecked_into()
    }

    /// Sets the level chosen by the visitor and erases at once what the new
    /// level does not keep (`"off"`: every key but the choice). Returns what
    /// was erased. Throws a `PrivacyError` for an unknown level, or for
    /// `"contribute"` when the site declared no taxonomy.
    ///
    /// ```js
    /// const erased = rec.setLevel("session"); // { persistedHistory: true, ... }
    /// ```
    #[wasm_bindgen(js_name = setLevel)]
    pub fn set_level(&self, level: LevelJs) -> Result<ErasePlanJs, JsValue> {
        let level = JsValue::from(level);
        // A non-string is reported by the level parser as an unknown level.
        let name = level.as_string().unwrap_or_else(|| format!("{level:?}"));
        let plan = self
            .privacy
            .set_level(&mut *self.engine_mut()?, &name, now())?;
        Ok(plan.unchecked_into())
    }

    /// The next report exactly as it will be sent (built and charged to the
    /// budget once per epoch), with a plain-language description.
    ///
    /// ```js
    /// const { payload, description, budgetSpent, budgetMax } = rec.previewSignal();
    /// panel.textContent = description;
    /// ```
    #[wasm_bindgen(js_name = previewSignal)]
    pub fn preview_signal(&self) -> Result<SignalPreviewJs, JsValue> {
        let preview = self
            .privacy
            .preview_signal(&mut *self.engine_mut()?, now())?;
        Ok(preview.unchecked_into())
    }

    /// The visitor's interests in human terms, strongest first.
    ///
    /// ```js
    /// for (const { category, strength, blocked } of rec.interests()) render(category, strength, blocked);
    /// ```
    pub fn interests(&self) -> Result<InterestListJs, JsValue> {
        let interests = self.privacy.interests(&*self.engine()?, now())?;
        Ok(interests.unchecked_into())
    }

    /// Stops using (and ever reporting) an interest category.
    ///
    /// ```js
    /// rec.blockCategory("Gambling");
    /// ```
    #[wasm_bindgen(js_name = blockCategory)]
    pub fn block_category(&self, name: &str) -> Result<(), JsValue> {
        self.privacy.block_category(&mut *self.engine_mut()?, name)
    }

    /// Undoes `blockCategory`.
    ///
    /// ```js
    /// rec.unblockCategory("Gambling");
    /// ```
    #[wasm_bindgen(js_name = unblockCategory)]
    pub fn unblock_category(&self, name: &str) -> Result<(), JsValue> {
        self.privacy
            .unblock_category(&mut *self.engine_mut()?, name)
    }

    /// Adds an interest the visitor declared, with a strength (default 1).
    ///
    /// ```js
    /// rec.addInterest("Cycling");
    /// rec.addInterest("Running", 0.5);
    /// ```
    #[wasm_bindgen(js_name = addInterest)]
    pub fn add_interest(&self, name: &str, strength: Option<f64>) -> Result<(), JsValue> {
        self.privacy
            .add_interest(&mut *self.engine_mut()?, name, strength)
    }

    /// Erases everything recorded about one item; returns how many events
    /// were removed.
    ///
    /// ```js
    /// rec.forgetItem("sku-9"); // 3
    /// ```
    #[wasm_bindgen(js_name = forgetItem)]
    pub fn forget_item(&self, id: &str) -> Result<u32, JsValue> {
        Ok(self
            .privacy
            .forget_item(&mut *self.engine_mut()?, id, now()))
    }
}
