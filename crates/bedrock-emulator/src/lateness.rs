//! A lock-free histogram of frame lateness (actual minus scheduled write
//! time), to check that the emulator keeps its schedule under load.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Bucket width.
const BUCKET_US: u64 = 10;
/// Buckets cover 0 to 100 ms; later frames land in the last bucket.
const BUCKETS: usize = 10_000;

/// Counts of frames by lateness, in 10 microsecond buckets up to 100 ms.
#[derive(Debug)]
pub struct LatenessHistogram {
    buckets: Box<[AtomicU64]>,
    max_us: AtomicU64,
}

impl Default for LatenessHistogram {
    fn default() -> Self {
        LatenessHistogram {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max_us: AtomicU64::new(0),
        }
    }
}

/// A summary of the histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatenessSummary {
    /// Frames counted.
    pub frames: u64,
    /// Median lateness (upper edge of its bucket).
    pub p50: Duration,
    /// 99th percentile (upper edge of its bucket).
    pub p99: Duration,
    /// 99.9th percentile (upper edge of its bucket).
    pub p999: Duration,
    /// Largest lateness seen.
    pub max: Duration,
}

impl LatenessHistogram {
    /// Count one frame.
    pub fn record(&self, lateness: Duration) {
        let us = lateness.as_micros().min(u128::from(u64::MAX)) as u64;
        let index = ((us / BUCKET_US) as usize).min(BUCKETS - 1);
        self.buckets[index].fetch_add(1, Ordering::Relaxed);
        self.max_us.fetch_max(us, Ordering::Relaxed);
    }

    /// Forget everything counted so far.
    pub fn reset(&self) {
        for bucket in self.buckets.iter() {
            bucket.store(0, Ordering::Relaxed);
        }
        self.max_us.store(0, Ordering::Relaxed);
    }

    /// Quantiles of what was counted.
    pub fn summary(&self) -> LatenessSummary {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let frames: u64 = counts.iter().sum();
        let quantile = |q: f64| -> Duration {
            if frames == 0 {
                return Duration::ZERO;
            }
            let rank = ((q * frames as f64).ceil() as u64).max(1);
            let mut seen = 0;
            for (i, count) in counts.iter().enumerate() {
                seen += count;
                if seen >= rank {
                    return Duration::from_micros((i as u64 + 1) * BUCKET_US);
                }
            }
            Duration::from_micros(BUCKETS as u64 * BUCKET_US)
        };
        LatenessSummary {
            frames,
            p50: quantile(0.50),
            p99: quantile(0.99),
            p999: quantile(0.999),
            max: Duration::from_micros(self.max_us.load(Ordering::Relaxed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_buckets() {
        let h = LatenessHistogram::default();
        for _ in 0..98 {
            h.record(Duration::from_micros(5));
        }
        h.record(Duration::from_micros(1_234));
        h.record(Duration::from_secs(1));
        let s = h.summary();
        assert_eq!(s.frames, 100);
        assert_eq!(s.p50, Duration::from_micros(10));
        assert_eq!(s.p99, Duration::from_micros(1_240));
        assert_eq!(s.max, Duration::from_secs(1));
        h.reset();
        assert_eq!(h.summary().frames, 0);
    }
}
