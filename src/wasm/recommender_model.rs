//! The item-item model methods of the `Recommender` JS class: install the
//! neighbour model the site built with `lighttouch build-model`
//! (docs/ranking.md), inspect it, remove it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{to_js, to_js_error, ErrorFamily};
use super::recommender::Recommender;
use super::types::ModelSummaryJs;

#[wasm_bindgen]
impl Recommender {
    /// Installs an item-item model (the bytes of a `build-model` file). The
    /// bytes are validated and the model's ids matched to the catalogue
    /// (unknown ids are skipped and counted); on any error a `ModelError` is
    /// thrown and the previous model stays.
    ///
    /// ```js
    /// const bytes = new Uint8Array(await (await fetch("/model.ltm")).arrayBuffer());
    /// const { matched, unknownIds } = rec.setModel(bytes);
    /// ```
    #[wasm_bindgen(js_name = setModel)]
    pub fn set_model(&self, bytes: &[u8]) -> Result<ModelSummaryJs, JsValue> {
        let summary = self
            .engine_mut()?
            .set_model(bytes)
            .map_err(|e| to_js_error(ErrorFamily::Model, &e))?;
        Ok(to_js(&summary)?.unchecked_into())
    }

    /// The summary of the model in use, or `undefined` without one.
    ///
    /// ```js
    /// rec.modelSummary?.neighbours; // 50
    /// ```
    #[wasm_bindgen(getter, js_name = modelSummary)]
    pub fn model_summary(&self) -> Result<Option<ModelSummaryJs>, JsValue> {
        match self.engine()?.model_summary() {
            Some(summary) => Ok(Some(to_js(summary)?.unchecked_into())),
            None => Ok(None),
        }
    }

    /// Removes the model: ranking falls back to content and popularity.
    ///
    /// ```js
    /// rec.clearModel();
    /// ```
    #[wasm_bindgen(js_name = clearModel)]
    pub fn clear_model(&self) -> Result<(), JsValue> {
        self.engine_mut()?.clear_model();
        Ok(())
    }
}
