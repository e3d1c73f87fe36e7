//! A decoded model bound to the site's catalogue: what `Engine::set_model`
//! keeps. Model ids are matched to catalogue ids; unknown ids are skipped and
//! counted; binding is redone when the catalogue changes.

use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::format::{NeighbourModel, NeighbourTable};
use crate::core::catalog::Catalog;

/// What `setModel` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelSummary {
    /// Items in the model.
    pub items: usize,
    /// Model items found in the current catalogue.
    pub matched: usize,
    /// Model items not in the catalogue (skipped).
    pub unknown_ids: usize,
    /// Table algorithms (`itemknn`, `ease`, `transition`).
    pub tables: Vec<String>,
    /// Stored neighbours (all tables).
    pub neighbours: usize,
    /// Size of the model in bytes.
    pub bytes: usize,
}

/// A validated model with its tables re-indexed to catalogue order.
#[derive(Debug, Clone)]
pub struct LoadedModel {
    model: NeighbourModel,
    bound: Vec<NeighbourTable>,
    summary: ModelSummary,
}

impl LoadedModel {
    /// Decodes and validates `bytes`, then binds them to `catalog`.
    pub fn load(bytes: &[u8], catalog: &Catalog) -> Result<LoadedModel, ModelError> {
        let model = NeighbourModel::decode(bytes)?;
        let summary = ModelSummary {
            items: model.item_ids().len(),
            matched: 0,
            unknown_ids: 0,
            tables: model
                .tables()
                .iter()
                .map(|t| t.algorithm().name().to_string())
                .collect(),
            neighbours: model.tables().iter().map(NeighbourTable::nnz).sum(),
            bytes: bytes.len(),
        };
        let mut loaded = LoadedModel {
            model,
            bound: Vec::new(),
            summary,
        };
        loaded.bind(catalog);
        Ok(loaded)
    }

    /// Re-indexes the tables to `catalog` (after the catalogue changed).
    pub fn bind(&mut self, catalog: &Catalog) {
        let map: Vec<Option<u32>> = self
            .model
            .item_ids()
            .iter()
            .map(|id| catalog.index_of(id))
            .collect();
        let matched = map.iter().filter(|m| m.is_some()).count();
        self.summary.matched = matched;
        self.summary.unknown_ids = map.len() - matched;
        self.bound = self
            .model
            .tables()
            .iter()
            .map(|t| t.remap(&map, catalog.len()))
            .collect();
    }

    /// The tables in catalogue index space.
    pub fn tables(&self) -> &[NeighbourTable] {
        &self.bound
    }

    /// The summary of the last load/bind.
    pub fn summary(&self) -> &ModelSummary {
        &self.summary
    }
}
