//! Rows seen twice: each row gets a key (its `request_id` when it has one,
//! else the whole record), and a row whose key was seen before, in this
//! file or an earlier one, is a repeat: counted once.
//!
//! Keys are byte strings with a tag first, so that the kinds never meet:
//! `U` and the 16 bytes of a canonical lowercase UUID (AWS's and the
//! emulator's request ids), `R` and any other request id, `W` and every
//! field of the record, each after its length. The table holds the 64-bit
//! hash of each key (computed by the parsers) and confirms every hash hit
//! by comparing the bytes, so a hash collision never drops a row.

use csv::ByteRecord;

const UUID_TAG: u8 = b'U';
const REQUEST_ID_TAG: u8 = b'R';
const WHOLE_ROW_TAG: u8 = b'W';

/// How two rows were found to be the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum KeyKind {
    /// The same non-empty `request_id`.
    RequestId,
    /// Identical in every field (rows without a request id).
    WholeRow,
}

impl KeyKind {
    /// Why rows are the same, in words.
    pub fn reason(self) -> &'static str {
        match self {
            KeyKind::RequestId => "same request_id",
            KeyKind::WholeRow => "identical in every field",
        }
    }

    /// The kind of a key made by [`push_key`].
    pub fn of(key: &[u8]) -> KeyKind {
        match key.first() {
            Some(&WHOLE_ROW_TAG) => KeyKind::WholeRow,
            _ => KeyKind::RequestId,
        }
    }
}

/// Append the key of a row to `out`: its request id when non-empty,
/// else every field of `record`.
pub(crate) fn push_key(out: &mut Vec<u8>, request_id: &[u8], record: &ByteRecord) {
    if !request_id.is_empty() {
        match compact_uuid(request_id) {
            Some(bytes) => {
                out.push(UUID_TAG);
                out.extend_from_slice(&bytes);
            }
            None => {
                out.push(REQUEST_ID_TAG);
                out.extend_from_slice(request_id);
            }
        }
        return;
    }
    out.push(WHOLE_ROW_TAG);
    for field in record {
        let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(field);
    }
}

/// The 16 bytes of a UUID written as 8-4-4-4-12 lowercase hex digits;
/// `None` for any other text (which is then kept as it is: the mapping
/// must be one to one).
fn compact_uuid(text: &[u8]) -> Option<[u8; 16]> {
    /// Where the 32 digits sit in the 36 characters.
    const DIGITS: [u8; 32] = [
        0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28,
        29, 30, 31, 32, 33, 34, 35,
    ];
    /// A byte's value as a lowercase hex digit, 0xFF for anything else.
    const HEX: [u8; 256] = {
        let mut table = [0xFFu8; 256];
        let mut i = 0;
        while i < 10 {
            table[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            table[b'a' as usize + i] = 10 + i as u8;
            i += 1;
        }
        table
    };
    let text: &[u8; 36] = text.try_into().ok()?;
    if text[8] != b'-' || text[13] != b'-' || text[18] != b'-' || text[23] != b'-' {
        return None;
    }
    let mut out = [0u8; 16];
    let mut bad = 0u8;
    for (i, byte) in out.iter_mut().enumerate() {
        let high = HEX[usize::from(text[usize::from(DIGITS[2 * i])])];
        let low = HEX[usize::from(text[usize::from(DIGITS[2 * i + 1])])];
        bad |= high | low;
        *byte = (high << 4) | (low & 0x0F);
    }
    // Digits are 0..=15; any 0xFF leaves its high bits set.
    (bad & 0xF0 == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(request_id: &str, fields: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        push_key(
            &mut out,
            request_id.as_bytes(),
            &ByteRecord::from(fields.to_vec()),
        );
        out
    }

    #[test]
    fn uuids_are_compacted_one_to_one_and_other_ids_kept() {
        let id = "0f1e2d3c-4b5a-4697-8877-665544332211";
        let k = key(id, &["ignored"]);
        assert_eq!(k.len(), 17);
        assert_eq!(k[0], UUID_TAG);
        assert_eq!(k[1..3], [0x0f, 0x1e]);
        assert_eq!(k[16], 0x11);
        // Upper case is another string: kept as it is, so it stays apart.
        let upper = key(&id.to_uppercase(), &[]);
        assert_eq!(upper[0], REQUEST_ID_TAG);
        assert_ne!(upper, k);
        assert_eq!(key("abc", &[])[..], *b"Rabc");
        for not_quite in [
            "0f1e2d3c-4b5a-4697-8877-66554433221g",
            "0f1e2d3c-4b5a-4697-8877_665544332211",
            "0f1e2d3c4-b5a-4697-8877-665544332211",
            "0f1e2d3c-4b5a-4697-8877-6655443322111",
        ] {
            assert_eq!(compact_uuid(not_quite.as_bytes()), None, "{not_quite}");
        }
        let bytes = compact_uuid(id.as_bytes()).expect("uuid");
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, id.replace('-', ""));
    }

    #[test]
    fn whole_rows_keep_field_boundaries() {
        assert_ne!(key("", &["a,b", ""]), key("", &["a", "b"]));
        assert_ne!(key("", &["ab", ""]), key("", &["a", "b"]));
        assert_eq!(key("", &["a", "b"]), key("", &["a", "b"]));
        assert_eq!(KeyKind::of(&key("", &["a"])), KeyKind::WholeRow);
        assert_eq!(KeyKind::of(&key("x", &["a"])), KeyKind::RequestId);
    }
}
