//! A fast, non-cryptographic hash (the Fx hash of rustc) for interning
//! the short strings of raw CSVs. The files are the user's own, so hash
//! flooding is not a concern; SipHash was a tenth of the reading time.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The Fx hasher.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FxHasher`]s, for `HashMap`s.
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// The hash of a byte string (its length included), for keys that must
/// rarely collide (invocation ids, the duplicate keys of rows): each
/// 8-byte word goes through a folded 64x64->128-bit multiplication (as in
/// wyhash and foldhash), which carries every bit both up and down. (Fx
/// alone only carries bits upwards: ids that differ in their last bytes,
/// like request ids numbered at the end, collided by the thousand.) The
/// result is mixed once more, since the maps keyed by these hashes take
/// their bucket from the low bits.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = SEED ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = folded_multiply(h ^ u64::from_le_bytes(word), K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = folded_multiply(h ^ u64::from_le_bytes(word), K);
    }
    mix(h)
}

/// The two halves of the 128-bit product, xored.
#[inline]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

/// MurmurHash3's 64-bit finalizer: every input bit affects every output
/// bit.
#[inline]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_that_differ_at_the_end_neither_collide_nor_crowd_buckets() {
        let mut hashes = HashSet::new();
        let mut buckets = HashSet::new();
        let mut keys = 0;
        let mut add = |key: &[u8]| {
            let h = hash_bytes(key);
            hashes.insert(h);
            // The bucket of a 2^20-slot table, as a map keyed by these
            // hashes picks it (Fx again: one multiplication).
            let mut fx = FxHasher::default();
            fx.write_u64(h);
            buckets.insert(fx.finish() & 0xf_ffff);
            keys += 1;
        };
        for i in 0..100_000u32 {
            // A compacted UUID numbered at the end (tag + 16 bytes).
            let mut uuid = [0u8; 17];
            uuid[0] = b'U';
            uuid[13..].copy_from_slice(&i.to_be_bytes());
            add(&uuid);
            add(format!("r1-s{}-i{}", i % 7, i / 7).as_bytes());
        }
        assert_eq!(hashes.len(), keys, "no 64-bit collision");
        // 200,000 keys in 2^20 buckets: about 181,000 distinct if random.
        assert!(buckets.len() > 175_000, "{} buckets", buckets.len());
    }
}
