//! The prompt cache: which prefixes each model has cached, until when.
//!
//! A request's `cachePoint` blocks each close a prefix (see
//! `request_content`). A prefix counts only if it has at least the
//! model's minimum cacheable tokens (the catalog's `min_cache_tokens`,
//! template overhead included). The longest counted prefix found in the
//! cache (same model, same content hash, not expired) is *read*: its
//! tokens are `cacheReadInputTokens`, and its lifetime starts again. If
//! the longest counted prefix was not found, the tokens it adds beyond
//! the prefix read are *written* (`cacheWriteInputTokens`), and every
//! counted prefix not found is stored, with its own time to live.
//!
//! Lifetimes are wall-clock (the time scale does not shorten them). The
//! cache holds at most [`DEFAULT_CACHE_ENTRIES`] prefixes over all
//! models; beyond that the least recently used is forgotten.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use super::request_content::{CacheCheckpoint, CacheTtl};

/// The most prefixes the cache holds.
pub const DEFAULT_CACHE_ENTRIES: usize = 10_000;

/// What the cache did for one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUse {
    /// `usage.cacheReadInputTokens`.
    pub read_tokens: u32,
    /// `usage.cacheWriteInputTokens`.
    pub write_tokens: u32,
    /// The time to live of the prefix written, if any.
    pub write_ttl: Option<CacheTtl>,
}

type Key = (String, u64);

#[derive(Debug)]
struct Entry {
    expires: Instant,
    ttl: CacheTtl,
    used: u64,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    by_use: BTreeMap<u64, Key>,
    clock: u64,
}

impl Inner {
    fn touch(&mut self, key: &Key, now: Instant) {
        self.clock += 1;
        let clock = self.clock;
        if let Some(entry) = self.entries.get_mut(key) {
            self.by_use.remove(&entry.used);
            entry.used = clock;
            entry.expires = now + entry.ttl.duration();
            self.by_use.insert(clock, key.clone());
        }
    }

    fn live(&mut self, key: &Key, now: Instant) -> bool {
        match self.entries.get(key) {
            Some(entry) if entry.expires > now => true,
            Some(entry) => {
                let used = entry.used;
                self.by_use.remove(&used);
                self.entries.remove(key);
                false
            }
            None => false,
        }
    }

    fn insert(&mut self, key: Key, ttl: CacheTtl, now: Instant, capacity: usize) {
        while self.entries.len() >= capacity {
            let Some((_, oldest)) = self.by_use.pop_first() else {
                break;
            };
            self.entries.remove(&oldest);
        }
        self.clock += 1;
        self.by_use.insert(self.clock, key.clone());
        self.entries.insert(
            key,
            Entry {
                expires: now + ttl.duration(),
                ttl,
                used: self.clock,
            },
        );
    }
}

/// Every model's cached prefixes, bounded in number.
#[derive(Debug)]
pub struct PromptCache {
    inner: Mutex<Inner>,
    capacity: usize,
}

impl Default for PromptCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CACHE_ENTRIES)
    }
}

impl PromptCache {
    /// A cache of at most `capacity` prefixes (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        PromptCache {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
        }
    }

    /// Read and write `checkpoints` of a request to `model` (a base id)
    /// at `now`; `overhead` is the model's template tokens (part of every
    /// prefix) and `min_tokens` the smallest cacheable prefix.
    pub fn use_prefixes(
        &self,
        model: &str,
        checkpoints: &[CacheCheckpoint],
        overhead: u32,
        min_tokens: u32,
        now: Instant,
    ) -> CacheUse {
        let counted: Vec<(Key, u32, CacheTtl)> = checkpoints
            .iter()
            .map(|c| {
                (
                    (model.to_string(), c.hash),
                    c.tokens.saturating_add(overhead),
                    c.ttl,
                )
            })
            .filter(|(_, tokens, _)| *tokens >= min_tokens)
            .collect();
        let Some((_, longest_tokens, longest_ttl)) = counted.last().cloned() else {
            return CacheUse::default();
        };
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut read = 0u32;
        let mut misses = Vec::new();
        for (key, tokens, ttl) in &counted {
            if inner.live(key, now) {
                inner.touch(key, now);
                read = read.max(*tokens);
            } else {
                misses.push((key.clone(), *ttl));
            }
        }
        if read >= longest_tokens {
            return CacheUse {
                read_tokens: read,
                write_tokens: 0,
                write_ttl: None,
            };
        }
        for (key, ttl) in misses {
            inner.insert(key, ttl, now, self.capacity);
        }
        CacheUse {
            read_tokens: read,
            write_tokens: longest_tokens - read,
            write_ttl: Some(longest_ttl),
        }
    }

    /// The tokens [`PromptCache::use_prefixes`] would read now, without
    /// reading or writing anything (a request's quota is claimed before it
    /// uses the cache, and cache reads do not count toward it).
    pub fn peek_read_tokens(
        &self,
        model: &str,
        checkpoints: &[CacheCheckpoint],
        overhead: u32,
        min_tokens: u32,
        now: Instant,
    ) -> u32 {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        checkpoints
            .iter()
            .map(|c| (c.hash, c.tokens.saturating_add(overhead)))
            .filter(|(hash, tokens)| {
                *tokens >= min_tokens
                    && inner
                        .entries
                        .get(&(model.to_string(), *hash))
                        .is_some_and(|entry| entry.expires > now)
            })
            .map(|(_, tokens)| tokens)
            .max()
            .unwrap_or(0)
    }

    #[cfg(test)]
    /// Prefixes held now (expired ones included until looked up).
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entries
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn point(tokens: u32, hash: u64) -> CacheCheckpoint {
        CacheCheckpoint {
            tokens,
            hash,
            ttl: CacheTtl::FiveMinutes,
        }
    }

    #[test]
    fn a_peek_reads_nothing_and_writes_nothing() {
        let cache = PromptCache::default();
        let now = Instant::now();
        let points = [point(2000, 1)];
        assert_eq!(cache.peek_read_tokens("m", &points, 0, 1024, now), 0);
        assert_eq!(cache.len(), 0, "a peek writes nothing");
        cache.use_prefixes("m", &points, 0, 1024, now);
        assert_eq!(cache.peek_read_tokens("m", &points, 0, 1024, now), 2000);
        assert_eq!(cache.peek_read_tokens("other", &points, 0, 1024, now), 0);
        let later = now + Duration::from_secs(301);
        assert_eq!(cache.peek_read_tokens("m", &points, 0, 1024, later), 0);
    }

    #[test]
    fn a_prefix_is_written_then_read() {
        let cache = PromptCache::default();
        let now = Instant::now();
        let first = cache.use_prefixes("m", &[point(2000, 1)], 10, 1024, now);
        assert_eq!((first.read_tokens, first.write_tokens), (0, 2010));
        let second = cache.use_prefixes("m", &[point(2000, 1)], 10, 1024, now);
        assert_eq!((second.read_tokens, second.write_tokens), (2010, 0));
        let other_model = cache.use_prefixes("n", &[point(2000, 1)], 10, 1024, now);
        assert_eq!(other_model.write_tokens, 2010);
    }

    #[test]
    fn a_longer_prefix_writes_only_what_it_adds() {
        let cache = PromptCache::default();
        let now = Instant::now();
        cache.use_prefixes("m", &[point(2000, 1)], 0, 1024, now);
        let longer = cache.use_prefixes("m", &[point(2000, 1), point(3000, 2)], 0, 1024, now);
        assert_eq!((longer.read_tokens, longer.write_tokens), (2000, 1000));
    }

    #[test]
    fn short_prefixes_are_not_cached_and_entries_expire() {
        let cache = PromptCache::default();
        let now = Instant::now();
        assert_eq!(
            cache.use_prefixes("m", &[point(100, 1)], 0, 1024, now),
            CacheUse::default()
        );
        cache.use_prefixes("m", &[point(2000, 1)], 0, 1024, now);
        let later = now + Duration::from_secs(301);
        let expired = cache.use_prefixes("m", &[point(2000, 1)], 0, 1024, later);
        assert_eq!((expired.read_tokens, expired.write_tokens), (0, 2000));
    }

    #[test]
    fn the_least_recently_used_prefix_goes_first() {
        let cache = PromptCache::with_capacity(2);
        let now = Instant::now();
        cache.use_prefixes("m", &[point(2000, 1)], 0, 1024, now);
        cache.use_prefixes("m", &[point(2000, 2)], 0, 1024, now);
        cache.use_prefixes("m", &[point(2000, 1)], 0, 1024, now); // 1 used again
        cache.use_prefixes("m", &[point(2000, 3)], 0, 1024, now); // evicts 2
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache
                .use_prefixes("m", &[point(2000, 1)], 0, 1024, now)
                .read_tokens,
            2000
        );
        assert_eq!(
            cache
                .use_prefixes("m", &[point(2000, 2)], 0, 1024, now)
                .write_tokens,
            2000
        );
    }
}
