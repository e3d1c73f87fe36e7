//! The site's catalogue: items with categories, tags, popularity, publication
//! date and an optional embedding vector. Ids, categories and tags are
//! interned to dense `u32` indices; per-item data is stored in flat arrays.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::{num, CatalogError};

/// Maximum number of items in one catalogue.
pub const MAX_ITEMS: usize = 100_000;
/// Maximum number of categories on one item.
pub const MAX_CATEGORIES_PER_ITEM: usize = 32;
/// Maximum number of tags on one item.
pub const MAX_TAGS_PER_ITEM: usize = 64;
/// Maximum length of an item id, in bytes (UTF-8).
pub const MAX_ID_LEN: usize = 256;
/// Maximum length of a title, category or tag, in bytes (UTF-8).
pub const MAX_TEXT_LEN: usize = 1024;
/// Maximum number of dimensions of an item vector.
pub const MAX_VECTOR_DIMS: usize = 1024;

/// One item as the page supplies it. Unknown fields (a CMS record's `url`,
/// `image`, ...) are ignored, so items can be passed as they come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemInput {
    /// Unique, non-empty id (at most [`MAX_ID_LEN`] bytes).
    pub id: String,
    /// Display title, used by `explain` (at most [`MAX_TEXT_LEN`] bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Categories (at most [`MAX_CATEGORIES_PER_ITEM`]; duplicates are merged).
    pub categories: Vec<String>,
    /// Free tags (at most [`MAX_TAGS_PER_ITEM`]; duplicates are merged).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Publication time, ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<f64>,
    /// Popularity prior, any non-negative scale (views, sales, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub popularity: Option<f64>,
    /// Embedding; every vector in a catalogue has the first vector's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f64>>,
}

impl ItemInput {
    /// An item with just an id and categories (the other fields empty).
    pub fn new(id: &str, categories: &[&str]) -> ItemInput {
        ItemInput {
            id: id.to_string(),
            title: None,
            categories: categories.iter().map(|c| c.to_string()).collect(),
            tags: Vec::new(),
            published: None,
            popularity: None,
            vector: None,
        }
    }
}

/// What a successful catalogue load contains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogSummary {
    /// Number of items.
    pub items: usize,
    /// Number of distinct categories.
    pub categories: usize,
    /// Number of distinct tags.
    pub tags: usize,
    /// Vector dimensions (0 when no item has a vector).
    pub vector_dims: usize,
}

/// A string interner: names to dense `u32` indices and back.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    /// The index of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
    /// The index of `name`, if present.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
    /// The name of index `i`.
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }
    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.names.len()
    }
    /// Whether no name is interned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A validated catalogue with interned ids, categories and tags.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    ids: Interner,
    titles: Vec<Option<String>>,
    categories: Interner,
    tags: Interner,
    /// `item_categories[cat_start[i]..cat_start[i+1]]` are item i's categories.
    item_categories: Vec<u32>,
    cat_start: Vec<u32>,
    item_tags: Vec<u32>,
    tag_start: Vec<u32>,
    published: Vec<Option<f64>>,
    popularity: Vec<f32>,
    /// Flat `len * dims` vectors (zeros where `has_vector` is false).
    vectors: Vec<f32>,
    has_vector: Vec<bool>,
    dims: usize,
    max_popularity: f32,
}

fn invalid(index: usize, id: &str, field: &'static str, reason: String) -> CatalogError {
    CatalogError::InvalidItem {
        index,
        id: id.to_string(),
        field,
        reason,
    }
}

fn check_text(index: usize, id: &str, field: &'static str, text: &str) -> Result<(), CatalogError> {
    if text.is_empty() {
        return Err(invalid(
            index,
            id,
            field,
            "must not contain an empty string".into(),
        ));
    }
    if text.len() > MAX_TEXT_LEN {
        return Err(invalid(
            index,
            id,
            field,
            format!(
                "entries must be at most {MAX_TEXT_LEN} bytes, got {}",
                text.len()
            ),
        ));
    }
    Ok(())
}

impl Catalog {
    /// Validates and builds a catalogue. On error nothing is built and the
    /// error names the item (index and id) and the field.
    pub fn build(items: &[ItemInput]) -> Result<Catalog, CatalogError> {
        if items.len() > MAX_ITEMS {
            return Err(CatalogError::TooManyItems {
                count: items.len(),
                max: MAX_ITEMS,
            });
        }
        let mut cat = Catalog {
            cat_start: vec![0],
            tag_start: vec![0],
            ..Catalog::default()
        };
        let mut dims: Option<usize> = None;
        for (index, item) in items.iter().enumerate() {
            cat.push_item(index, item, &mut dims)?;
        }
        Ok(cat)
    }

    fn push_item(
        &mut self,
        index: usize,
        item: &ItemInput,
        dims: &mut Option<usize>,
    ) -> Result<(), CatalogError> {
        let id = item.id.as_str();
        if id.is_empty() {
            return Err(invalid(index, id, "id", "must not be empty".into()));
        }
        if id.len() > MAX_ID_LEN {
            return Err(invalid(
                index,
                id,
                "id",
                format!("must be at most {MAX_ID_LEN} bytes, got {}", id.len()),
            ));
        }
        if let Some(prev) = self.ids.get(id) {
            return Err(invalid(
                index,
                id,
                "id",
                format!("duplicates the id of item {prev}"),
            ));
        }
        if let Some(title) = &item.title {
            if title.len() > MAX_TEXT_LEN {
                return Err(invalid(
                    index,
                    id,
                    "title",
                    format!("must be at most {MAX_TEXT_LEN} bytes, got {}", title.len()),
                ));
            }
        }
        if item.categories.len() > MAX_CATEGORIES_PER_ITEM {
            return Err(invalid(
                index,
                id,
                "categories",
                format!(
                    "must have at most {MAX_CATEGORIES_PER_ITEM} entries, got {}",
                    item.categories.len()
                ),
            ));
        }
        if item.tags.len() > MAX_TAGS_PER_ITEM {
            return Err(invalid(
                index,
                id,
                "tags",
                format!(
                    "must have at most {MAX_TAGS_PER_ITEM} entries, got {}",
                    item.tags.len()
                ),
            ));
        }
        for c in &item.categories {
            check_text(index, id, "categories", c)?;
        }
        for t in &item.tags {
            check_text(index, id, "tags", t)?;
        }
        if let Some(p) = item.published {
            if !p.is_finite() {
                return Err(invalid(
                    index,
                    id,
                    "published",
                    format!("must be a finite number, got {}", num(p)),
                ));
            }
        }
        let popularity = match item.popularity {
            None => 0.0,
            Some(p) if !p.is_finite() => {
                return Err(invalid(
                    index,
                    id,
                    "popularity",
                    format!("must be a finite number, got {}", num(p)),
                ))
            }
            Some(p) if p < 0.0 => {
                return Err(invalid(
                    index,
                    id,
                    "popularity",
                    format!("must be >= 0, got {}", num(p)),
                ))
            }
            Some(p) => p,
        };
        if let Some(v) = &item.vector {
            self.check_vector(index, id, v, dims)?;
        }
        // All checks passed: intern and store.
        self.ids.intern(id);
        self.titles.push(item.title.clone());
        let before = self.item_categories.len();
        for c in &item.categories {
            let ci = self.categories.intern(c);
            if !self.item_categories[before..].contains(&ci) {
                self.item_categories.push(ci);
            }
        }
        self.cat_start.push(self.item_categories.len() as u32);
        let before = self.item_tags.len();
        for t in &item.tags {
            let ti = self.tags.intern(t);
            if !self.item_tags[before..].contains(&ti) {
                self.item_tags.push(ti);
            }
        }
        self.tag_start.push(self.item_tags.len() as u32);
        self.published.push(item.published);
        self.popularity.push(popularity as f32);
        self.max_popularity = self.max_popularity.max(popularity as f32);
        self.push_vector(item.vector.as_deref(), *dims);
        Ok(())
    }

    fn check_vector(
        &self,
        index: usize,
        id: &str,
        v: &[f64],
        dims: &mut Option<usize>,
    ) -> Result<(), CatalogError> {
        if v.is_empty() {
            return Err(invalid(index, id, "vector", "must not be empty".into()));
        }
        if v.len() > MAX_VECTOR_DIMS {
            return Err(invalid(
                index,
                id,
                "vector",
                format!(
                    "must have at most {MAX_VECTOR_DIMS} dimensions, got {}",
                    v.len()
                ),
            ));
        }
        match *dims {
            Some(d) if d != v.len() => {
                return Err(invalid(
                    index,
                    id,
                    "vector",
                    format!("must have the first vector's length {d}, got {}", v.len()),
                ))
            }
            _ => {}
        }
        if let Some((pos, x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(invalid(
                index,
                id,
                "vector",
                format!("entry {pos} must be a finite number, got {}", num(*x)),
            ));
        }
        if dims.is_none() {
            *dims = Some(v.len());
        }
        Ok(())
    }

    fn push_vector(&mut self, v: Option<&[f64]>, dims: Option<usize>) {
        let Some(d) = dims else {
            self.has_vector.push(false);
            return;
        };
        if self.dims != d {
            // First vector seen: back-fill zeros for the items before it.
            self.dims = d;
            self.vectors = vec![0.0; self.has_vector.len() * d];
        }
        match v {
            Some(v) => {
                self.vectors.extend(v.iter().map(|&x| x as f32));
                self.has_vector.push(true);
            }
            None => {
                self.vectors.extend(std::iter::repeat_n(0.0, d));
                self.has_vector.push(false);
            }
        }
    }

    /// A summary of the catalogue's size.
    pub fn summary(&self) -> CatalogSummary {
        CatalogSummary {
            items: self.len(),
            categories: self.categories.len(),
            tags: self.tags.len(),
            vector_dims: self.dims,
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.titles.len()
    }
    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.titles.is_empty()
    }
    /// The dense index of an item id (O(1)).
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.ids.get(id)
    }
    /// The id of item `i`.
    pub fn id(&self, i: u32) -> &str {
        self.ids.name(i)
    }
    /// The title of item `i`, if any.
    pub fn title(&self, i: u32) -> Option<&str> {
        self.titles[i as usize].as_deref()
    }
    /// The interned category indices of item `i`.
    pub fn categories_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.item_categories[self.cat_start[i] as usize..self.cat_start[i + 1] as usize]
    }
    /// The interned tag indices of item `i`.
    pub fn tags_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.item_tags[self.tag_start[i] as usize..self.tag_start[i + 1] as usize]
    }
    /// The category interner (index <-> name).
    pub fn categories(&self) -> &Interner {
        &self.categories
    }
    /// The tag interner (index <-> name).
    pub fn tags(&self) -> &Interner {
        &self.tags
    }
    /// The publication time of item `i`, ms since the epoch.
    pub fn published(&self, i: u32) -> Option<f64> {
        self.published[i as usize]
    }
    /// The popularity prior of item `i` (0 when not given).
    pub fn popularity(&self, i: u32) -> f32 {
        self.popularity[i as usize]
    }
    /// The largest popularity in the catalogue (0 when none is given).
    pub fn max_popularity(&self) -> f32 {
        self.max_popularity
    }
    /// The vector of item `i`, if it has one.
    pub fn vector(&self, i: u32) -> Option<&[f32]> {
        let i = i as usize;
        if self.has_vector.get(i).copied().unwrap_or(false) {
            Some(&self.vectors[i * self.dims..(i + 1) * self.dims])
        } else {
            None
        }
    }
    /// Vector dimensions (0 when no item has a vector).
    pub fn dims(&self) -> usize {
        self.dims
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str) -> ItemInput {
        ItemInput::new(id, &["c"])
    }

    fn err_of(items: Vec<ItemInput>) -> String {
        Catalog::build(&items).unwrap_err().to_string()
    }

    #[test]
    fn interns_ids_categories_and_tags() {
        let mut a = ItemInput::new("a", &["Cycling", "Outdoor", "Cycling"]);
        a.tags = vec!["x".into()];
        let b = ItemInput::new("b", &["Outdoor"]);
        let c = Catalog::build(&[a, b]).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c.index_of("b"), Some(1));
        assert_eq!(c.id(0), "a");
        assert_eq!(c.categories_of(0).len(), 2, "duplicates merged");
        assert_eq!(
            c.categories_of(1),
            &[c.categories().get("Outdoor").unwrap()]
        );
        assert_eq!(c.tags_of(0).len(), 1);
        assert_eq!(c.tags_of(1).len(), 0);
        assert_eq!(c.summary().categories, 2);
    }

    #[test]
    fn vectors_are_flat_and_optional() {
        let a = item("a");
        let mut b = item("b");
        b.vector = Some(vec![1.0, 2.0]);
        let mut c = item("c");
        c.vector = Some(vec![3.0, 4.0]);
        let cat = Catalog::build(&[a, b, c]).unwrap();
        assert_eq!(cat.dims(), 2);
        assert_eq!(cat.vector(0), None);
        assert_eq!(cat.vector(1), Some(&[1.0f32, 2.0][..]));
        assert_eq!(cat.vector(2), Some(&[3.0f32, 4.0][..]));
    }

    #[test]
    fn rejects_duplicate_id_naming_index_and_first() {
        let e = err_of(vec![item("a"), item("b"), item("a")]);
        assert_eq!(
            e,
            "catalog item 2 (id \"a\"): field \"id\" duplicates the id of item 0"
        );
    }

    #[test]
    fn rejects_empty_and_long_id() {
        assert!(err_of(vec![item("a"), item("")])
            .contains("catalog item 1 (id \"\"): field \"id\" must not be empty"));
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert!(err_of(vec![item(&long)]).contains("field \"id\" must be at most 256 bytes"));
    }

    #[test]
    fn rejects_bad_numbers() {
        let mut a = item("sku-9");
        a.popularity = Some(-1.0);
        assert_eq!(
            err_of(vec![item("x"), item("y"), item("z"), a]),
            "catalog item 3 (id \"sku-9\"): field \"popularity\" must be >= 0, got -1"
        );
        let mut a = item("p");
        a.popularity = Some(f64::NAN);
        assert!(err_of(vec![a]).contains("field \"popularity\" must be a finite number, got NaN"));
        let mut a = item("q");
        a.published = Some(f64::INFINITY);
        assert!(err_of(vec![a]).contains("(id \"q\"): field \"published\" must be a finite"));
        let mut a = item("r");
        a.vector = Some(vec![0.0, f64::NEG_INFINITY]);
        assert!(err_of(vec![a]).contains("(id \"r\"): field \"vector\" entry 1 must be a finite"));
    }

    #[test]
    fn rejects_vector_length_mismatch_and_caps() {
        let mut a = item("a");
        a.vector = Some(vec![1.0, 2.0]);
        let b = item("b");
        let mut c = item("c");
        c.vector = Some(vec![1.0]);
        assert_eq!(
            err_of(vec![a, b, c]),
            "catalog item 2 (id \"c\"): field \"vector\" must have the first vector's length 2, got 1"
        );
        let mut d = item("d");
        d.vector = Some(vec![]);
        assert!(err_of(vec![d]).contains("field \"vector\" must not be empty"));
        let mut d = item("d");
        d.vector = Some(vec![0.0; MAX_VECTOR_DIMS + 1]);
        assert!(err_of(vec![d]).contains("field \"vector\" must have at most 1024 dimensions"));
    }

    #[test]
    fn rejects_text_and_list_caps() {
        let mut a = item("a");
        a.categories = (0..=MAX_CATEGORIES_PER_ITEM)
            .map(|i| i.to_string())
            .collect();
        assert!(err_of(vec![a]).contains("(id \"a\"): field \"categories\" must have at most 32"));
        let mut a = item("a");
        a.tags = (0..=MAX_TAGS_PER_ITEM).map(|i| i.to_string()).collect();
        assert!(err_of(vec![a]).contains("field \"tags\" must have at most 64"));
        let mut a = item("a");
        a.title = Some("t".repeat(MAX_TEXT_LEN + 1));
        assert!(err_of(vec![a]).contains("field \"title\" must be at most 1024 bytes"));
        let mut a = item("a");
        a.categories = vec!["".into()];
        assert!(err_of(vec![a]).contains("field \"categories\" must not contain an empty string"));
        let mut a = item("a");
        a.tags = vec!["t".repeat(MAX_TEXT_LEN + 1)];
        assert!(err_of(vec![a]).contains("field \"tags\" entries must be at most 1024 bytes"));
    }

    #[test]
    fn rejects_too_many_items() {
        let items: Vec<ItemInput> = (0..=MAX_ITEMS).map(|i| item(&i.to_string())).collect();
        assert_eq!(
            err_of(items),
            "catalog has 100001 items, more than the maximum of 100000"
        );
    }
}
