//! LEB128 variable-length unsigned integers (7 bits per byte, low bits first)
//! and a bounds-checked byte reader used by the model decoder.

/// Appends `value` as an unsigned LEB128 varint (1–5 bytes).
pub fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A cursor over a byte slice that never reads past its end: every read
/// returns `None` instead of panicking when the bytes run out or are malformed.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `bytes` at offset 0.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, offset: 0 }
    }

    /// The current byte offset (for error messages).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Bytes left to read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// Reads `n` raw bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.offset.checked_add(n)?;
        let slice = self.bytes.get(self.offset..end)?;
        self.offset = end;
        Some(slice)
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// Reads a little-endian `u16`.
    pub fn u16_le(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    /// Reads a little-endian `u32`.
    pub fn u32_le(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Reads a little-endian `f32`.
    pub fn f32_le(&mut self) -> Option<f32> {
        self.u32_le().map(f32::from_bits)
    }

    /// Reads an unsigned LEB128 varint; `None` if truncated, longer than
    /// 5 bytes or overflowing 32 bits.
    pub fn varint_u32(&mut self) -> Option<u32> {
        let mut value: u32 = 0;
        for i in 0..5u32 {
            let byte = self.u8()?;
            let bits = u32::from(byte & 0x7f);
            if i == 4 && bits > 0x0f {
                return None;
            }
            value |= bits << (7 * i);
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_every_width_boundary() {
        for value in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            u32::MAX,
        ] {
            let mut out = Vec::new();
            write_u32(&mut out, value);
            let mut reader = Reader::new(&out);
            assert_eq!(reader.varint_u32(), Some(value));
            assert_eq!(reader.remaining(), 0);
        }
    }

    #[test]
    fn malformed_varints_are_rejected() {
        assert_eq!(Reader::new(&[0x80]).varint_u32(), None);
        assert_eq!(
            Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x1f]).varint_u32(),
            None
        );
        assert_eq!(Reader::new(&[0xff; 6]).varint_u32(), None);
    }
}
