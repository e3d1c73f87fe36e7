//! Reading JS input into the core's serde types, strictly and with paths.
//!
//! A JS value is first copied into an [`Input`] tree, then deserialised by
//! the [`serde::Deserializer`] below. Why not `serde-wasm-bindgen` directly:
//!
//! * it reads only the fields a struct declares, so a misspelt option
//!   (`halfLifeDay`) would be ignored silently; here every key reaches the
//!   struct, so the core's `deny_unknown_fields` rejects it;
//! * errors here carry the path where they happened (`[3].tags[1]`), which
//!   the boundary turns into `catalog item 3 (id "x"): field "tags[1]"`;
//! * reading is depth-limited, so a cyclic object is an error, not a stack
//!   overflow;
//! * it is much smaller in the `.wasm` than `serde_path_to_error` wrapped
//!   around a generic value type.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting accepted (the API's inputs need at most 4 levels).
pub const MAX_DEPTH: usize = 32;

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS value copied into Rust.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// `null` or `undefined`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Input>),
    /// An object's own enumerable string-keyed properties, in order.
    Object(Vec<(String, Input)>),
}

/// One step of the path to a failing value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An array index.
    Index(usize),
    /// An object key.
    Key(String),
}

/// A failure to read or convert input, with where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// From the root to the failing value.
    pub path: Vec<PathSegment>,
    /// What was wrong, in serde's wording (``missing field `id` ``).
    pub message: String,
}

impl InputError {
    fn within(mut self, segment: PathSegment) -> Self {
        self.path.insert(0, segment);
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InputError {}

impl de::Error for InputError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        InputError {
            path: Vec::new(),
            message: message.to_string(),
        }
    }
}

impl Input {
    /// Copies a JS value. Functions, symbols and bigints are rejected, as is
    /// nesting deeper than [`MAX_DEPTH`] (e.g. a cyclic object).
    pub fn read(value: &JsValue) -> Result<Input, InputError> {
        Self::read_at(value, 0)
    }

    fn read_at(value: &JsValue, depth: usize) -> Result<Input, InputError> {
        if value.is_null() || value.is_undefined() {
            return Ok(Input::Null);
        }
        if let Some(flag) = value.as_bool() {
            return Ok(Input::Bool(flag));
        }
        if let Some(number) = value.as_f64() {
            return Ok(Input::Number(number));
        }
        if let Some(text) = value.as_string() {
            return Ok(Input::String(text));
        }
        if !value.is_object() {
            let kind = value.js_typeof().as_string().unwrap_or_default();
            return Err(de::Error::custom(format!(
                "unsupported value of type {kind}"
            )));
        }
        if depth >= MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "nested more than {MAX_DEPTH} levels deep (a cyclic object?)"
            )));
        }
        if let Some(array) = value.dyn_ref::<js_sys::Array>() {
            let mut items = Vec::with_capacity(array.length() as usize);
            for (index, item) in array.iter().enumerate() {
                items.push(
                    Self::read_at(&item, depth + 1)
                        .map_err(|e| e.within(PathSegment::Index(index)))?,
                );
            }
            return Ok(Input::Array(items));
        }
        let object: &js_sys::Object = value.unchecked_ref();
        let entries = js_sys::Object::entries(object);
        let mut fields = Vec::with_capacity(entries.length() as usize);
        for entry in entries.iter() {
            let entry: js_sys::Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            let field = Self::read_at(&entry.get(1), depth + 1)
                .map_err(|e| e.within(PathSegment::Key(key.clone())))?;
            fields.push((key, field));
        }
        Ok(Input::Object(fields))
    }

    fn unexpected(&self) -> de::Unexpected<'_> {
        match self {
            Input::Null => de::Unexpected::Unit,
            Input::Bool(flag) => de::Unexpected::Bool(*flag),
            Input::Number(number) => de::Unexpected::Float(*number),
            Input::String(text) => de::Unexpected::Str(text),
            Input::Array(_) => de::Unexpected::Seq,
            Input::Object(_) => de::Unexpected::Map,
        }
    }
}

/// Deserialises a `T` from an [`Input`] tree.
pub fn deserialize<T: de::DeserializeOwned>(input: Input) -> Result<T, InputError> {
    T::deserialize(input)
}

impl<'de> de::Deserializer<'de> for Input {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match self {
            Input::Null => visitor.visit_unit(),
            Input::Bool(flag) => visitor.visit_bool(flag),
            Input::Number(number) => {
                let integral = number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER;
                if integral && number >= 0.0 {
                    visitor.visit_u64(number as u64)
                } else if integral {
                    visitor.visit_i64(number as i64)
                } else {
                    visitor.visit_f64(number)
                }
            }
            Input::String(text) => visitor.visit_string(text),
            Input::Array(items) => visitor.visit_seq(Items {
                items: items.into_iter().enumerate(),
            }),
            Input::Object(fields) => visitor.visit_map(Fields {
                fields: fields.into_iter(),
                pending: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match self {
            Input::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, InputError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, InputError> {
        // Only unit variants ("click") are read from JS.
        match self {
            Input::String(text) => visitor.visit_enum(text.into_deserializer()),
            other => Err(de::Error::invalid_type(other.unexpected(), &visitor)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// The elements of an array, each error tagged with its index.
struct Items {
    items: std::iter::Enumerate<std::vec::IntoIter<Input>>,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = InputError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, InputError> {
        match self.items.next() {
            None => Ok(None),
            Some((index, item)) => seed
                .deserialize(item)
                .map(Some)
                .map_err(|e| e.within(PathSegment::Index(index))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The properties of an object, each value's error tagged with its key.
struct Fields {
    fields: std::vec::IntoIter<(String, Input)>,
    pending: Option<(String, Input)>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = InputError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, InputError> {
        let Some((key, value)) = self.fields.next() else {
            return Ok(None);
        };
        let parsed = seed
            .deserialize(Input::String(key.clone()))
            .map_err(|e| e.within(PathSegment::Key(key.clone())))?;
        self.pending = Some((key, value));
        Ok(Some(parsed))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, InputError> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| <InputError as de::Error>::custom("value requested before its key"))?;
        seed.deserialize(value)
            .map_err(|e| e.within(PathSegment::Key(key)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}
