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

use std::collections::HashMap;

use csv::ByteRecord;

use super::hash::FxBuild;

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

    fn of(key: &[u8]) -> KeyKind {
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
    if text.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = 0usize;
    for (i, &b) in text.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return None;
            }
            continue;
        }
        let value = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        out[nibbles / 2] |= value << if nibbles % 2 == 0 { 4 } else { 0 };
        nibbles += 1;
    }
    Some(out)
}

/// Every key seen so far, and the file it was first seen in.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Hash -> the first key with that hash.
    first: HashMap<u64, u32, FxBuild>,
    /// Hash -> further keys with that hash (64-bit collisions: in practice
    /// empty).
    collided: HashMap<u64, Vec<u32>, FxBuild>,
    arena: Vec<u8>,
    ends: Vec<usize>,
    sources: Vec<u32>,
}

impl Seen {
    /// When `key` (with hash `hash`) was seen before: how rows are the same
    /// and the file it was first seen in. Else remember it as first seen
    /// in `source` and return `None`.
    pub fn repeat_of(&mut self, key: &[u8], hash: u64, source: u32) -> Option<(KeyKind, u32)> {
        let Some(&first) = self.first.get(&hash) else {
            let id = self.add(key, source);
            self.first.insert(hash, id);
            return None;
        };
        if self.key(first) == key {
            return Some((KeyKind::of(key), self.sources[first as usize]));
        }
        let others = self.collided.get(&hash).map_or(&[][..], Vec::as_slice);
        if let Some(&other) = others.iter().find(|&&id| self.key(id) == key) {
            return Some((KeyKind::of(key), self.sources[other as usize]));
        }
        let id = self.add(key, source);
        self.collided.entry(hash).or_default().push(id);
        None
    }

    fn add(&mut self, key: &[u8], source: u32) -> u32 {
        let id = self.ends.len() as u32;
        self.arena.extend_from_slice(key);
        self.ends.push(self.arena.len());
        self.sources.push(source);
        id
    }

    fn key(&self, id: u32) -> &[u8] {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.arena[start..self.ends[id]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(request_id: &str, fields: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        push_key(&mut out, request_id.as_bytes(), &ByteRecord::from(fields.to_vec()));
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
    }

    #[test]
    fn whole_rows_keep_field_boundaries() {
        assert_ne!(key("", &["a,b", ""]), key("", &["a", "b"]));
        assert_ne!(key("", &["ab", ""]), key("", &["a", "b"]));
        assert_eq!(key("", &["a", "b"]), key("", &["a", "b"]));
        assert_eq!(KeyKind::of(&key("", &["a"])), KeyKind::WholeRow);
        assert_eq!(KeyKind::of(&key("x", &["a"])), KeyKind::RequestId);
    }

    #[test]
    fn a_hash_hit_is_confirmed_by_the_bytes() {
        let mut seen = Seen::default();
        assert_eq!(seen.repeat_of(b"Ra", 7, 0), None);
        // Same hash, other bytes: a collision, not a repeat.
        assert_eq!(seen.repeat_of(b"Rb", 7, 1), None);
        assert_eq!(seen.repeat_of(b"Rb", 7, 2), Some((KeyKind::RequestId, 1)));
        assert_eq!(seen.repeat_of(b"Ra", 7, 3), Some((KeyKind::RequestId, 0)));
        assert_eq!(seen.repeat_of(b"Wa", 8, 3), None);
        assert_eq!(seen.repeat_of(b"Wa", 8, 4), Some((KeyKind::WholeRow, 3)));
    }
}
