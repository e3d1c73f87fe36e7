//! Decoding and validation of the model body (see `format` for the layout).
//! Every read is bounds-checked; every error names what is wrong and where.

use super::error::ModelError;
use super::format::{
    check_ids, Algorithm, NeighbourModel, NeighbourTable, Quantisation, MAX_ID_BYTES, MAX_ITEMS,
    MAX_TABLES,
};
use super::varint::Reader;

fn truncated(what: &'static str, reader: &Reader<'_>) -> ModelError {
    ModelError::Truncated {
        what,
        offset: reader.offset(),
    }
}

/// Decodes the body (everything before the checksum) of a model whose
/// magic, version and checksum were already checked.
pub(super) fn decode_body(body: &[u8]) -> Result<NeighbourModel, ModelError> {
    let mut reader = Reader::new(body);
    let _ = reader.take(5);
    let quant_code = reader
        .u8()
        .ok_or_else(|| truncated("quantisation", &reader))?;
    let quantisation = Quantisation::from_code(quant_code).ok_or(ModelError::BadField {
        field: "quantisation",
        value: u64::from(quant_code),
        offset: 5,
    })?;
    let table_count = reader
        .u8()
        .ok_or_else(|| truncated("table_count", &reader))? as usize;
    if table_count > MAX_TABLES {
        return Err(ModelError::BadField {
            field: "table_count",
            value: table_count as u64,
            offset: 6,
        });
    }
    let reserved = reader.u8().ok_or_else(|| truncated("reserved", &reader))?;
    if reserved != 0 {
        return Err(ModelError::BadField {
            field: "reserved",
            value: u64::from(reserved),
            offset: 7,
        });
    }
    let item_count = reader
        .u32_le()
        .ok_or_else(|| truncated("item_count", &reader))? as usize;
    // Every id takes at least two bytes, so a count beyond that is a lie.
    if item_count > MAX_ITEMS || item_count > reader.remaining() / 2 {
        return Err(ModelError::BadField {
            field: "item_count",
            value: item_count as u64,
            offset: 8,
        });
    }
    let mut item_ids = Vec::with_capacity(item_count);
    for index in 0..item_count {
        let len = reader
            .varint_u32()
            .ok_or_else(|| truncated("item id length", &reader))? as usize;
        if len == 0 || len > MAX_ID_BYTES {
            return Err(ModelError::BadItemId {
                index,
                reason: "length must be 1..=1024 bytes",
            });
        }
        let raw = reader
            .take(len)
            .ok_or_else(|| truncated("item id", &reader))?;
        let id = std::str::from_utf8(raw).map_err(|_| ModelError::BadItemId {
            index,
            reason: "is not valid UTF-8",
        })?;
        item_ids.push(id.to_string());
    }
    check_ids(&item_ids)?;
    let mut tables = Vec::with_capacity(table_count);
    for table_index in 0..table_count {
        tables.push(decode_table(
            &mut reader,
            table_index,
            &item_ids,
            quantisation,
        )?);
    }
    if reader.remaining() > 0 {
        return Err(ModelError::TrailingBytes {
            count: reader.remaining(),
        });
    }
    Ok(NeighbourModel::from_parts(item_ids, tables))
}

fn decode_table(
    reader: &mut Reader<'_>,
    table: usize,
    item_ids: &[String],
    quantisation: Quantisation,
) -> Result<NeighbourTable, ModelError> {
    let offset = reader.offset();
    let code = reader
        .u8()
        .ok_or_else(|| truncated("table algorithm", reader))?;
    let algorithm = Algorithm::from_code(code).ok_or(ModelError::BadField {
        field: "algorithm",
        value: u64::from(code),
        offset,
    })?;
    let k = reader
        .u16_le()
        .ok_or_else(|| truncated("table k", reader))?;
    let count = item_ids.len();
    let levels = quantisation.levels();
    let mut offsets = Vec::with_capacity(count + 1);
    let mut items = Vec::new();
    let mut weights = Vec::new();
    offsets.push(0u32);
    for (row, id) in item_ids.iter().enumerate() {
        let bad_row = |reason: String| ModelError::BadRow {
            table,
            row,
            id: id.clone(),
            reason,
        };
        let n = reader
            .varint_u32()
            .ok_or_else(|| truncated("row length", reader))? as usize;
        if n > k as usize || n >= count.max(1) {
            return Err(bad_row(format!(
                "{n} neighbours exceeds k = {k} or the item count"
            )));
        }
        if n == 0 {
            offsets.push(items.len() as u32);
            continue;
        }
        let scale = reader
            .f32_le()
            .ok_or_else(|| truncated("row scale", reader))?;
        if !(scale.is_finite() && scale > 0.0) {
            return Err(bad_row(format!(
                "scale must be finite and > 0, got {scale}"
            )));
        }
        let start = items.len();
        let mut previous: Option<u32> = None;
        for _ in 0..n {
            let coded = reader
                .varint_u32()
                .ok_or_else(|| truncated("neighbour index", reader))?;
            let index = match previous {
                None => Some(coded),
                Some(p) => p.checked_add(coded).and_then(|v| v.checked_add(1)),
            };
            let index = match index {
                Some(i) if (i as usize) < count && i as usize != row => i,
                _ => {
                    return Err(bad_row(format!(
                        "neighbour index out of range 0..{count} or the item itself"
                    )))
                }
            };
            items.push(index);
            previous = Some(index);
        }
        for _ in 0..n {
            let q = match quantisation {
                Quantisation::U8 => reader.u8().map(u32::from),
                Quantisation::U16 => reader.u16_le().map(u32::from),
            }
            .ok_or_else(|| truncated("neighbour weight", reader))?;
            if q == 0 || q > levels {
                return Err(bad_row(format!(
                    "quantised weight {q} outside 1..={levels}"
                )));
            }
            weights.push(q as f32 / levels as f32 * scale);
        }
        debug_assert_eq!(items.len() - start, n);
        offsets.push(items.len() as u32);
    }
    Ok(NeighbourTable::from_parts(
        algorithm, k, offsets, items, weights,
    ))
}
