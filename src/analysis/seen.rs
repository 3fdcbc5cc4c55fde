//! The duplicate keys of every row read so far (see `dedup.rs`), and the
//! file each was first seen in: a [`KeyTable`] (one cache miss per new
//! row; a hash hit is confirmed by the bytes, so a collision never makes
//! two rows one).

use super::dedup::KeyKind;
use super::keys::KeyTable;

/// Every key seen so far, and the file it was first seen in.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    keys: KeyTable,
    sources: Vec<u32>,
}

impl Seen {
    /// When `key` (with hash `hash`, that of `hash_bytes`) was seen
    /// before: how the rows are the same and the file it was first seen
    /// in. Else remember it as first seen in `source` and return `None`.
    /// (Past 4 billion keys, new keys are no longer remembered.)
    pub fn repeat_of(&mut self, key: &[u8], hash: u64, source: u32) -> Option<(KeyKind, u32)> {
        match self.keys.id(key, hash)? {
            (_, true) => {
                self.sources.push(source);
                None
            }
            (id, false) => Some((KeyKind::of(key), self.sources[id as usize])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_names_the_file_of_the_first() {
        let mut seen = Seen::default();
        assert_eq!(seen.repeat_of(b"Ra", 7 << 32, 0), None);
        // Same hash, other bytes: a collision, not a repeat.
        assert_eq!(seen.repeat_of(b"Rb", 7 << 32, 1), None);
        assert_eq!(
            seen.repeat_of(b"Rb", 7 << 32, 2),
            Some((KeyKind::RequestId, 1))
        );
        assert_eq!(
            seen.repeat_of(b"Ra", 7 << 32, 3),
            Some((KeyKind::RequestId, 0))
        );
        assert_eq!(seen.repeat_of(b"Wa", 8 << 32, 3), None);
        assert_eq!(
            seen.repeat_of(b"Wa", 8 << 32, 4),
            Some((KeyKind::WholeRow, 3))
        );
    }
}
