//! Byte-string keys to dense ids (0, 1, 2... in order of first sight),
//! for the merging thread, which looks up every row's invocation id and
//! duplicate key: an open-addressing table of 8-byte slots (the high half
//! of the key's hash, which also places it, and the id), linear probing,
//! at most half full, so that a new key costs one cache miss, and growing
//! is one pass in order (a slot's place in the bigger table is known from
//! the slot alone, near its old place). The keys live in one arena; a
//! matching hash is confirmed by comparing the bytes, so a hash collision
//! never makes two keys one.

/// A slot: (high 32 bits of the hash, id + 1); id + 1 == 0 means empty.
type Slot = (u32, u32);

/// Keys seen so far, each with its id.
#[derive(Debug, Default)]
pub(crate) struct KeyTable {
    slots: Vec<Slot>,
    arena: Vec<u8>,
    ends: Vec<usize>,
}

impl KeyTable {
    /// The id of `key` (with hash `hash`, the same for the same bytes,
    /// well mixed in its high half: that of `hash_bytes`), and whether it
    /// is new (added now). `None` when the table holds `u32::MAX - 1`
    /// keys already and `key` is not one of them.
    pub fn id(&mut self, key: &[u8], hash: u64) -> Option<(u32, bool)> {
        if (self.ends.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let tag = (hash >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut at = tag as usize & mask;
        loop {
            let (slot_tag, slot_id) = self.slots[at];
            if slot_id == 0 {
                let id = u32::try_from(self.ends.len())
                    .ok()
                    .filter(|&id| id < u32::MAX - 1)?;
                self.slots[at] = (tag, id + 1);
                self.arena.extend_from_slice(key);
                self.ends.push(self.arena.len());
                return Some((id, true));
            }
            let id = slot_id - 1;
            if slot_tag == tag && self.key(id) == key {
                return Some((id, false));
            }
            at = (at + 1) & mask;
        }
    }

    /// The bytes of key `id`.
    pub fn key(&self, id: u32) -> &[u8] {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.arena[start..self.ends[id]]
    }

    /// Double the table (at least 1024 slots), placing every key again:
    /// a key at `i` goes to `i` or `i` + the old size, about.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let mask = size - 1;
        let mut slots = vec![(0u32, 0u32); size];
        for &(tag, id) in self.slots.iter().filter(|slot| slot.1 != 0) {
            let mut at = tag as usize & mask;
            while slots[at].1 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (tag, id);
        }
        self.slots = slots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hash::hash_bytes;

    #[test]
    fn a_hash_hit_is_confirmed_by_the_bytes() {
        let mut keys = KeyTable::default();
        // Fake hashes: the same one for different keys (a collision).
        assert_eq!(keys.id(b"a", 7 << 32), Some((0, true)));
        assert_eq!(keys.id(b"b", 7 << 32), Some((1, true)));
        assert_eq!(keys.id(b"b", 7 << 32), Some((1, false)));
        assert_eq!(keys.id(b"a", 7 << 32), Some((0, false)));
        assert_eq!(keys.key(1), b"b");
    }

    #[test]
    fn keys_are_found_again_after_the_table_grows() {
        let mut keys = KeyTable::default();
        let key = |i: u32| format!("r1-s{}-i{}", i % 7, i / 7).into_bytes();
        for i in 0..5000u32 {
            let k = key(i);
            assert_eq!(keys.id(&k, hash_bytes(&k)), Some((i, true)));
        }
        assert!(keys.slots.len() >= 10_000);
        for i in (0..5000u32).rev() {
            let k = key(i);
            assert_eq!(keys.id(&k, hash_bytes(&k)), Some((i, false)), "{i}");
        }
    }
}
