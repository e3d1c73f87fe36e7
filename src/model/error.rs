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
    TooShort {
        /// Bytes given.
        len: usize,
        /// Smallest valid size.
        min: usize,
    },
    /// The first four bytes are not `LTNM`.
    BadMagic {
        /// The first four bytes.
        found: [u8; 4],
    },
    /// A format version this build cannot read.
    UnsupportedVersion {
        /// Version in the file.
        found: u8,
        /// Version this build reads.
        supported: u8,
    },
    /// The CRC-32 trailer does not match the content (corrupted or truncated download).
    ChecksumMismatch {
        /// CRC-32 stored in the trailer.
        stored: u32,
        /// CRC-32 of the content.
        computed: u32,
    },
    /// The bytes ended while reading `what`.
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Byte offset.
        offset: usize,
    },
    /// A header or table field holds a value outside its domain.
    BadField {
        /// The field's name.
        field: &'static str,
        /// Its value.
        value: u64,
        /// Byte offset.
        offset: usize,
    },
    /// Item id `index` is not valid UTF-8, is empty or too long.
    BadItemId {
        /// Position in the id table.
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two entries of the item id table are equal.
    DuplicateItemId {
        /// Position of the second occurrence.
        index: usize,
        /// The id.
        id: String,
    },
    /// A neighbour row is malformed (index out of range, not increasing,
    /// more neighbours than `k`, bad scale or weight).
    BadRow {
        /// Table index.
        table: usize,
        /// Row (item) index.
        row: usize,
        /// The row's item id (empty while building).
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// Bytes left over after the last table.
    TrailingBytes {
        /// How many bytes are left over.
        count: usize,
    },
    /// A builder passed more items than the format holds.
    TooManyItems {
        /// Items given.
        count: usize,
    },
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
