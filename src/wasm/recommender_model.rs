//! The item-item model methods of the `Recommender` JS class: `setModel`
//! loads the neighbour model the site built with `lighttouch build-model`
//! (format and scoring in `crate::model`, docs/ranking.md), plus the
//! TypeScript shapes of the model's summary and of `Options.neighbours`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{js_error, to_js, to_js_error, ErrorFamily};
use super::recommender::Recommender;

#[wasm_bindgen(typescript_custom_section)]
const TS_MODEL_TYPES: &'static str = r#"
/** A table of a neighbour model: similarity (ItemKNN or EASE) or sequence transitions. */
export type ModelTable = "itemknn" | "ease" | "transition";

/** What `setModel` reports about the model it installed. */
export interface ModelSummary {
  /** Items in the model. */
  items: number;
  /** Model items found in the current catalogue. */
  matched: number;
  /** Model items not in the catalogue (skipped). */
  unknownIds: number;
  /** The model's tables, in file order. */
  tables: ModelTable[];
  /** Stored neighbours, all tables together. */
  neighbours: number;
  /** Size of the model in bytes. */
  bytes: number;
}

/** Weights of the item-item neighbour component (used once a model is set). */
export interface NeighbourOptions {
  /** Weight of the neighbour component in the final score (default 2). */
  weight?: number;
  /** Multiplier of the similarity table, ItemKNN or EASE (default 1). */
  similarityWeight?: number;
  /** Multiplier of the transition table (default 1). */
  transitionWeight?: number;
  /** Factor per step back in the visitor's sequence, 0..1; 1 ignores order (default 0.8). */
  positionDecay?: number;
  /** Floor of the position factor, 0..1 (default 0.05). */
  positionFloor?: number;
  /** Half-life of a history item's influence by age, in days; 0 = none (default 30). */
  halfLifeDays?: number;
  /** How many of the latest positions feed the transition table (default 5). */
  transitionWindow?: number;
  /** Extra strength of a long dwell (default 0.5). */
  dwellBoost?: number;
  /** Dwell at which the boost saturates, in ms (default 60000). */
  dwellCapMs?: number;
}

export interface OpenOptions {
  /** Weights of the item-item neighbour component (docs/ranking.md). */
  neighbours?: NeighbourOptions;
}

export interface ResolvedOptions {
  neighbours: Required<NeighbourOptions>;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `ModelSummary` in TypeScript.
    #[wasm_bindgen(typescript_type = "ModelSummary")]
    pub type ModelSummaryJs;
}

#[wasm_bindgen]
impl Recommender {
    /// Installs the site's item-item model (the bytes `lighttouch
    /// build-model` wrote). The header, version, checksum and every row are
    /// validated; model ids are matched to the catalogue, unknown ids are
    /// skipped and counted (`unknownIds`), and the model is re-matched when
    /// `setCatalog` is called again. Throws a `ModelError` naming what is
    /// wrong (field, byte offset, row and item id) on a bad model; the
    /// previous model then stays in use. The model is held in memory only:
    /// load it on every page, like the catalogue.
    ///
    /// ```js
    /// const bytes = new Uint8Array(await (await fetch("/model.bin")).arrayBuffer());
    /// try {
    ///   const { matched, unknownIds } = rec.setModel(bytes);
    ///   console.log(`model covers ${matched} items, ${unknownIds} unknown ids skipped`);
    /// } catch (err) {
    ///   if (err.name === "ModelError") console.warn(err.message); // previous model kept
    ///   else throw err;
    /// }
    /// ```
    #[wasm_bindgen(js_name = setModel)]
    pub fn set_model(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: &JsValue,
    ) -> Result<ModelSummaryJs, JsValue> {
        let Some(bytes) = bytes.dyn_ref::<js_sys::Uint8Array>() else {
            let message = format!("model: bytes must be a Uint8Array, got {}", describe(bytes));
            return Err(js_error(ErrorFamily::Model, &message));
        };
        // One copy into wasm memory; the engine validates before replacing.
        // The model is not part of the stored state, so no write is scheduled.
        let summary = self
            .engine_mut()?
            .set_model(&bytes.to_vec())
            .map_err(|e| to_js_error(ErrorFamily::Model, &e))?;
        Ok(to_js(&summary)?.unchecked_into())
    }

    /// The summary of the model in use, or `undefined` without one.
    ///
    /// ```js
    /// rec.modelSummary?.matched; // model items found in the catalogue
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

/// `null`, `undefined`, `a string`, `an ArrayBuffer`, ... for the error
/// message of a `setModel` argument that is not a `Uint8Array`.
fn describe(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "undefined".into()
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        "an ArrayBuffer (wrap it: new Uint8Array(buffer))".into()
    } else if js_sys::Array::is_array(value) {
        "an array".into()
    } else {
        let kind = value.js_typeof().as_string().unwrap_or_default();
        format!("a value of type {kind}")
    }
}
