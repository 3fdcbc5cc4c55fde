//! The duplicate keys of every row read so far (see `dedup.rs`), for the
//! merging thread: an open-addressing table of 8-byte slots (the high half
//! of the key's hash, and the key's id), linear probing, at most half full,
//! so that a new key costs one cache miss. A matching hash is confirmed by
//! comparing the key's bytes: a collision never makes two rows one.

use super::dedup::KeyKind;
use super::hash::hash_bytes;

/// A slot: (high 32 bits of the hash, id + 1); id + 1 == 0 means empty.
type Slot = (u32, u32);

/// Every key seen so far, and the file it was first seen in.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    slots: Vec<Slot>,
    arena: Vec<u8>,
    ends: Vec<usize>,
    sources: Vec<u32>,
}

impl Seen {
    /// When `key` (with hash `hash`, which must be `hash_bytes(key)`) was
    /// seen before: how the rows are the same and the file it was first
    /// seen in. Else remember it as first seen in `source` and return
    /// `None`. (Past 4 billion keys, new keys are no longer remembered.)
    pub fn repeat_of(&mut self, key: &[u8], hash: u64, source: u32) -> Option<(KeyKind, u32)> {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let tag = (hash >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let (slot_tag, slot_id) = self.slots[at];
            if slot_id == 0 {
                let Ok(id) = u32::try_from(self.ends.len() + 1) else {
                    return None;
                };
                self.slots[at] = (tag, id);
                self.arena.extend_from_slice(key);
                self.ends.push(self.arena.len());
                self.sources.push(source);
                return None;
            }
            let first = slot_id as usize - 1;
            if slot_tag == tag && self.key(first) == key {
                return Some((KeyKind::of(key), self.sources[first]));
            }
            at = (at + 1) & mask;
        }
    }

    /// Double the table (at least 1024 slots), placing every key again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let mask = size - 1;
        let mut slots = vec![(0u32, 0u32); size];
        for id in 0..self.ends.len() {
            let hash = hash_bytes(self.key(id));
            let mut at = hash as usize & mask;
            while slots[at].1 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = ((hash >> 32) as u32, id as u32 + 1);
        }
        self.slots = slots;
    }

    fn key(&self, id: usize) -> &[u8] {
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.arena[start..self.ends[id]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_hit_is_confirmed_by_the_bytes() {
        let mut seen = Seen::default();
        // Fake hashes: the same one for different keys (a collision).
        assert_eq!(seen.repeat_of(b"Ra", 7, 0), None);
        assert_eq!(seen.repeat_of(b"Rb", 7, 1), None);
        assert_eq!(seen.repeat_of(b"Rb", 7, 2), Some((KeyKind::RequestId, 1)));
        assert_eq!(seen.repeat_of(b"Ra", 7, 3), Some((KeyKind::RequestId, 0)));
        assert_eq!(seen.repeat_of(b"Wa", 8, 3), None);
        assert_eq!(seen.repeat_of(b"Wa", 8, 4), Some((KeyKind::WholeRow, 3)));
    }

    #[test]
    fn keys_are_found_again_after_the_table_grows() {
        let mut seen = Seen::default();
        let key = |i: u32| format!("R{i}").into_bytes();
        for i in 0..5000u32 {
            let k = key(i);
            assert_eq!(seen.repeat_of(&k, hash_bytes(&k), i), None);
        }
        assert!(seen.slots.len() >= 10_000);
        for i in (0..5000u32).rev() {
            let k = key(i);
            assert_eq!(
                seen.repeat_of(&k, hash_bytes(&k), 9),
                Some((KeyKind::RequestId, i)),
                "{i}"
            );
        }
    }
}
