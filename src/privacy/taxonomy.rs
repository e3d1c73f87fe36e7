//! The site-declared coarse interest taxonomy (at most 64 categories,
//! versioned) and the mapping from catalogue categories onto it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PrivacyError;

/// Most categories a taxonomy may declare (also the longest report).
pub const MAX_CATEGORIES: usize = 64;
/// Longest category name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The taxonomy as the site passes it (JSON, camelCase), before validation.
///
/// ```json
/// { "version": 2, "categories": ["news", "sport", "culture"],
///   "map": { "football": "sport", "tennis": "sport", "opera": "culture" } }
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxonomyInput {
    /// Version number (≥ 1), carried in every report; bump it whenever the
    /// category list or its order changes.
    pub version: u32,
    /// Category names, in report-bucket order.
    pub categories: Vec<String>,
    /// Catalogue category → taxonomy category name. Unmapped catalogue
    /// categories contribute to no taxonomy category.
    #[serde(default)]
    pub map: BTreeMap<String, String>,
}

/// A validated taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    version: u32,
    categories: Vec<String>,
    map: BTreeMap<String, usize>,
}

impl Taxonomy {
    /// Validates the site's declaration. Errors name the field, e.g.
    /// `field "categories[2]": duplicate name "sport"` or
    /// `field "map[\"opera\"]": unknown taxonomy category "arts"`.
    pub fn new(input: TaxonomyInput) -> Result<Taxonomy, PrivacyError> {
        if input.version == 0 {
            return Err(PrivacyError::new("version", "must be >= 1, got 0"));
        }
        let n = input.categories.len();
        if n == 0 || n > MAX_CATEGORIES {
            return Err(PrivacyError::new(
                "categories",
                format!("must hold between 1 and {MAX_CATEGORIES} categories, got {n}"),
            ));
        }
        let mut index = BTreeMap::new();
        for (i, name) in input.categories.iter().enumerate() {
            let field = format!("categories[{i}]");
            check_name(&field, name)?;
            if index.insert(name.clone(), i).is_some() {
                return Err(PrivacyError::new(field, format!("duplicate name {name:?}")));
            }
        }
        let mut map = BTreeMap::new();
        for (from, to) in &input.map {
            let field = format!("map[{from:?}]");
            if from.trim().is_empty() {
                return Err(PrivacyError::new(
                    field,
                    "catalogue category must not be empty",
                ));
            }
            let Some(&i) = index.get(to) else {
                return Err(PrivacyError::new(
                    field,
                    format!("unknown taxonomy category {to:?}"),
                ));
            };
            map.insert(from.clone(), i);
        }
        Ok(Taxonomy {
            version: input.version,
            categories: input.categories,
            map,
        })
    }

    /// The version carried in reports.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Number of categories (= buckets of a `topInterest` report).
    pub fn len(&self) -> usize {
        self.categories.len()
    }

    /// Never true for a validated taxonomy; provided for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// Category names in bucket order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// Name of category `i`, if it exists.
    pub fn name(&self, i: usize) -> Option<&str> {
        self.categories.get(i).map(String::as_str)
    }

    /// Index of a taxonomy category by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == name)
    }

    /// The taxonomy category a catalogue category maps to. A catalogue
    /// category equal to a taxonomy name maps to it even without an entry.
    pub fn category_of(&self, catalogue_category: &str) -> Option<usize> {
        self.map
            .get(catalogue_category)
            .copied()
            .or_else(|| self.index_of(catalogue_category))
    }

    /// Back to the input form (for export).
    pub fn to_input(&self) -> TaxonomyInput {
        TaxonomyInput {
            version: self.version,
            categories: self.categories.clone(),
            map: self
                .map
                .iter()
                .map(|(k, &v)| (k.clone(), self.categories[v].clone()))
                .collect(),
        }
    }
}

fn check_name(field: &str, name: &str) -> Result<(), PrivacyError> {
    if name.trim().is_empty() {
        return Err(PrivacyError::new(field, "name must not be empty"));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(PrivacyError::new(
            field,
            format!("name must be at most {MAX_NAME_CHARS} characters, got {chars}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TaxonomyInput {
        TaxonomyInput {
            version: 2,
            categories: vec!["news".into(), "sport".into(), "culture".into()],
            map: [("football", "sport"), ("opera", "culture")]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn maps_catalogue_categories() {
        let t = Taxonomy::new(input()).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t.version(), 2);
        assert_eq!(t.category_of("football"), Some(1));
        assert_eq!(t.category_of("opera"), Some(2));
        assert_eq!(t.category_of("news"), Some(0));
        assert_eq!(t.category_of("cooking"), None);
        assert_eq!(Taxonomy::new(t.to_input()).unwrap(), t);
    }

    #[test]
    fn errors_name_the_field() {
        let mut i = input();
        i.version = 0;
        assert_eq!(Taxonomy::new(i).unwrap_err().field, "version");

        let mut i = input();
        i.categories.push("sport".into());
        let e = Taxonomy::new(i).unwrap_err();
        assert_eq!(e.field, "categories[3]");
        assert!(e.message.contains("duplicate"));

        let mut i = input();
        i.categories[1] = " ".into();
        assert_eq!(Taxonomy::new(i).unwrap_err().field, "categories[1]");

        let mut i = input();
        i.map.insert("ballet".into(), "arts".into());
        let e = Taxonomy::new(i).unwrap_err();
        assert_eq!(e.field, "map[\"ballet\"]");
        assert!(e.to_string().contains("\"arts\""));

        let mut i = input();
        i.categories = (0..65).map(|k| format!("c{k}")).collect();
        assert_eq!(Taxonomy::new(i).unwrap_err().field, "categories");

        let mut i = input();
        i.categories.clear();
        assert_eq!(Taxonomy::new(i).unwrap_err().field, "categories");

        let mut i = input();
        i.categories[0] = "x".repeat(65);
        assert_eq!(Taxonomy::new(i).unwrap_err().field, "categories[0]");
    }

    #[test]
    fn sixty_four_categories_are_allowed() {
        let mut i = input();
        i.categories = (0..64).map(|k| format!("c{k}")).collect();
        i.map.clear();
        assert_eq!(Taxonomy::new(i).unwrap().len(), 64);
    }
}
