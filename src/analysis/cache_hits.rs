//! How a group's calls used the prompt cache: of its successful calls
//! that used it (sent a cache point, read or wrote), how many read it
//! (hits), and TTFT of the hits against the misses, so that a cache's
//! effect is measured on the same group rather than assumed.

use super::dataset::{Dataset, Group};

/// The prompt cache of one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheStats {
    /// Successful, non-warm-up calls that used the cache.
    pub calls: u64,
    /// Those that read it (`cache_read_input_tokens` > 0).
    pub hits: u64,
    /// TTFT p50 of the hits, seconds (NaN without hits).
    pub ttft_hit_p50: f64,
    /// TTFT p50 of the misses, seconds (NaN without misses).
    pub ttft_miss_p50: f64,
}

impl CacheStats {
    /// Hits over calls, from 0 to 1.
    pub fn hit_rate(&self) -> f64 {
        self.hits as f64 / self.calls.max(1) as f64
    }
}

/// The cache statistics of `group`; `None` when none of its calls used
/// the cache.
pub fn cache_stats(dataset: &Dataset, group: &Group<'_>) -> Option<CacheStats> {
    let attempts = dataset.attempts();
    let (mut hits, mut misses) = (Vec::new(), Vec::new());
    for &index in &group.attempts {
        let a = &attempts[index as usize];
        if !a.in_statistics() || !a.used_cache() || a.ttft.is_nan() {
            continue;
        }
        if a.is_cache_hit() {
            hits.push(a.ttft);
        } else {
            misses.push(a.ttft);
        }
    }
    if hits.is_empty() && misses.is_empty() {
        return None;
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        crate::stats::percentile(values, 50.0).unwrap_or(f64::NAN)
    };
    Some(CacheStats {
        calls: (hits.len() + misses.len()) as u64,
        hits: hits.len() as u64,
        ttft_hit_p50: median(&mut hits),
        ttft_miss_p50: median(&mut misses),
    })
}
