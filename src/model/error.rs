//! `ModelError`: everything that can be wrong with a neighbour model's bytes
//! or with the tables a builder hands to the encoder.

use std::fmt;

/// Why a neighbour model could not be decoded, encoded or built.
///
/// Every variant names what is wrong and where (byte offset, table, row with
/// its item id when known), so that a site sees at once which file or which
/// item is at fault.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// Fewer bytes than the smallest valid model (header + checksum).
    TooShort { len: usize, min: usize },
    /// The first four bytes are not `LTNM`.
    BadMagic { found: [u8; 4] },
    /// A format version this build cannot read.
    UnsupportedVersion { found: u8, supported: u8 },
    /// The CRC-32 trailer does not match the content (corrupted or truncated download).
    ChecksumMismatch { stored: u32, computed: u32 },
    /// The bytes ended while reading `what`.
    Truncated { what: &'static str, offset: usize },
    /// A header or table field holds a value outside its domain.
    BadField {
        field: &'static str,
        value: u64,
        offset: usize,
    },
    /// Item id `index` is not valid UTF-8, is empty or too long.
    BadItemId { index: usize, reason: &'static str },
    /// Two entries of the item id table are equal.
    DuplicateItemId { index: usize, id: String },
    /// A neighbour row is malformed (index out of range, not increasing,
    /// more neighbours than `k`, bad scale or weight).
    BadRow {
        table: usize,
        row: usize,
        id: String,
        reason: String,
    },
    /// Bytes left over after the last table.
    TrailingBytes { count: usize },
    /// A builder passed more items than the format holds.
    TooManyItems { count: usize },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::TooShort { len, min } => {
                write!(f, "model: {len} bytes is shorter than the minimum {min}")
            }
            ModelError::BadMagic { found } => {
                write!(f, "model: field \"magic\" must be \"LTNM\", got {found:?}")
            }
            ModelError::UnsupportedVersion { found, supported } => write!(
                f,
                "model: field \"version\" is {found}, this build reads version {supported}"
            ),
            ModelError::ChecksumMismatch { stored, computed } => write!(
                f,
                "model: checksum mismatch (stored {stored:#010x}, computed {computed:#010x}): the file is corrupted or truncated"
            ),
            ModelError::Truncated { what, offset } => {
                write!(f, "model: truncated while reading {what} at byte {offset}")
            }
            ModelError::BadField { field, value, offset } => {
                write!(f, "model: field \"{field}\" has invalid value {value} at byte {offset}")
            }
            ModelError::BadItemId { index, reason } => {
                write!(f, "model: item id {index}: {reason}")
            }
            ModelError::DuplicateItemId { index, id } => {
                write!(f, "model: item id {index} (id {id:?}) appears twice")
            }
            ModelError::BadRow { table, row, id, reason } => {
                write!(f, "model: table {table}, row {row} (id {id:?}): {reason}")
            }
            ModelError::TrailingBytes { count } => {
                write!(f, "model: {count} unexpected bytes after the last table")
            }
            ModelError::TooManyItems { count } => {
                write!(f, "model: {count} items is more than the format holds")
            }
        }
    }
}

impl std::error::Error for ModelError {}
