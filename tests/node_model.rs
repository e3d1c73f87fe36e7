//! The `Recommender`'s item-item model methods in Node: `setModel` with a
//! real encoded model changes the ranking, bad bytes are a `ModelError` that
//! keeps the previous model, `clearModel` removes it.
#![cfg(target_arch = "wasm32")]

use lighttouch::model::{Algorithm, NeighbourModel, NeighbourTable, Quantisation};
use lighttouch::wasm::recommender::Recommender;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export function parse(text) { return JSON.parse(text); }
"#)]
extern "C" {
    fn parse(text: &str) -> JsValue;
}

fn shop() -> Recommender {
    let rec =
        Recommender::open(parse(r#"{"namespace": "m", "storage": "memory"}"#).unchecked_into())
            .unwrap();
    rec.set_catalog(
        parse(
            r#"[{"id": "a", "categories": ["x"], "popularity": 1},
                {"id": "b", "categories": ["x"], "popularity": 50},
                {"id": "c", "categories": ["x"], "popularity": 1},
                {"id": "d", "categories": ["x"], "popularity": 1}]"#,
        )
        .unchecked_into(),
    )
    .unwrap();
    rec
}

/// A model where `a`'s strongest neighbour is `c`.
fn model_bytes() -> Vec<u8> {
    let ids = ["a", "b", "c", "d"].map(String::from).to_vec();
    let rows = vec![
        vec![(2, 1.0)],
        vec![(3, 0.1)],
        vec![(0, 1.0)],
        vec![(1, 0.1)],
    ];
    let table = NeighbourTable::from_rows(Algorithm::Ease, 4, rows).unwrap();
    NeighbourModel::new(ids, vec![table])
        .unwrap()
        .encode(Quantisation::U8)
}

fn top(rec: &Recommender) -> String {
    let recs: JsValue = rec
        .recommend(Some(parse(r#"{"k": 1}"#).unchecked_into()))
        .unwrap()
        .into();
    let first = js_sys::Array::from(&recs).get(0);
    js_sys::Reflect::get(&first, &"id".into())
        .unwrap()
        .as_string()
        .unwrap()
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}

#[wasm_bindgen_test]
fn a_model_steers_recommendations_to_neighbours() {
    let rec = shop();
    rec.record(parse(r#"{"item": "a", "kind": "click"}"#).unchecked_into())
        .unwrap();
    assert_eq!(top(&rec), "b", "without a model: popularity");
    assert!(rec.model_summary().unwrap().is_none());

    let summary: JsValue = rec.set_model(&model_bytes()).unwrap().into();
    assert_eq!(field(&summary, "matched").as_f64(), Some(4.0));
    assert_eq!(field(&summary, "unknownIds").as_f64(), Some(0.0));
    assert_eq!(top(&rec), "c", "with the model: a's neighbour");

    let Err(error) = rec.set_model(b"not a model") else {
        panic!("garbage accepted as a model")
    };
    let error: js_sys::Error = error.dyn_into().unwrap();
    assert_eq!(String::from(error.name()), "ModelError");
    assert!(
        rec.model_summary().unwrap().is_some(),
        "previous model kept"
    );
    assert_eq!(top(&rec), "c");

    rec.clear_model().unwrap();
    assert!(rec.model_summary().unwrap().is_none());
    assert_eq!(top(&rec), "b");
}
