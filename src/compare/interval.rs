//! The confidence intervals of a change between BASE and NEW: a
//! percentile bootstrap of the ratio of two percentiles (each side's
//! successful calls resampled with replacement, as many as it has,
//! seeded), and Newcombe's interval of the difference of two
//! proportions (from each side's Wilson score interval).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::stats::percentile;

/// The z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// An interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// How a bootstrap is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resampling {
    /// Resamples per interval.
    pub resamples: usize,
    /// Confidence level (0.95).
    pub confidence: f64,
    /// Base seed, mixed with each interval's own stream.
    pub seed: u64,
}

impl Default for Resampling {
    fn default() -> Self {
        Resampling {
            resamples: 2000,
            confidence: 0.95,
            seed: 0x00C0_4FA2_E5EE_D000,
        }
    }
}

/// The percentile bootstrap interval of `p(new) / p(base)`, the
/// `percentile`-th percentiles of the two samples (any order; no NaN).
/// `None` when a side is empty, a resampled base percentile is 0, or no
/// resample is asked for. Repeatable: the same samples and `stream`
/// give the same interval.
pub fn quantile_ratio_interval(
    base: &[f64],
    new: &[f64],
    percentile_p: f64,
    options: &Resampling,
    stream: u64,
) -> Option<Interval> {
    if base.is_empty() || new.is_empty() || options.resamples == 0 {
        return None;
    }
    let mut rng = StdRng::seed_from_u64(options.seed ^ stream);
    let mut scratch = Vec::with_capacity(base.len().max(new.len()));
    let mut ratios = Vec::with_capacity(options.resamples);
    for _ in 0..options.resamples {
        let b = resampled_percentile(base, percentile_p, &mut scratch, &mut rng)?;
        let n = resampled_percentile(new, percentile_p, &mut scratch, &mut rng)?;
        let ratio = n / b;
        if ratio.is_finite() {
            ratios.push(ratio);
        }
    }
    if ratios.len() < options.resamples / 2 {
        return None;
    }
    ratios.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - options.confidence.clamp(0.0, 1.0)) / 2.0 * 100.0;
    Some(Interval {
        low: percentile(&ratios, tail)?,
        high: percentile(&ratios, 100.0 - tail)?,
    })
}

/// The `p`-th percentile (linear interpolation, as [`percentile`]) of a
/// resample with replacement of `values`, as many as it has.
fn resampled_percentile(
    values: &[f64],
    p: f64,
    scratch: &mut Vec<f64>,
    rng: &mut StdRng,
) -> Option<f64> {
    let n = values.len();
    scratch.clear();
    scratch.extend((0..n).map(|_| values[rng.random_range(0..n)]));
    let rank = (n - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
    let low = rank.floor() as usize;
    let fraction = rank - rank.floor();
    let (_, &mut a, right) = scratch.select_nth_unstable_by(low, f64::total_cmp);
    if fraction == 0.0 {
        return Some(a);
    }
    let b = right.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    Some(a + (b - a) * fraction)
}

/// Wilson's score interval of the proportion `hits / n` (0 to 1);
/// `None` when `n` is 0.
pub fn wilson(hits: u64, n: u64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let p = hits as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// Newcombe's hybrid score interval (his method 10) of the difference
/// of proportions `new_hits / new_n - base_hits / base_n` (as a
/// proportion, -1 to 1); `None` when a side has no attempt.
pub fn difference_interval(
    base_hits: u64,
    base_n: u64,
    new_hits: u64,
    new_n: u64,
) -> Option<Interval> {
    let (b, n) = (wilson(base_hits, base_n)?, wilson(new_hits, new_n)?);
    let pb = base_hits as f64 / base_n as f64;
    let pn = new_hits as f64 / new_n as f64;
    let d = pn - pb;
    Some(Interval {
        low: d - ((pn - n.low).powi(2) + (b.high - pb).powi(2)).sqrt(),
        high: d + ((n.high - pn).powi(2) + (pb - b.low).powi(2)).sqrt(),
    })
}

/// FNV-1a of the parts, so that each interval has its own random stream
/// whatever else the files hold.
pub fn stream_id(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(n: usize, scale: f64) -> Vec<f64> {
        (0..n)
            .map(|i| scale * (0.5 + ((i * 7919) % n) as f64 / n as f64))
            .collect()
    }

    #[test]
    fn a_slower_side_gives_an_interval_above_one_and_a_copy_one_around_one() {
        let options = Resampling::default();
        let base = spread(200, 1.0);
        let slower = spread(200, 1.3);
        let same = quantile_ratio_interval(&base, &base, 50.0, &options, 1).unwrap();
        assert!(same.low < 1.0 && 1.0 < same.high, "{same:?}");
        let up = quantile_ratio_interval(&base, &slower, 90.0, &options, 1).unwrap();
        assert!(up.low > 1.1 && up.high < 1.5, "{up:?}");
        let again = quantile_ratio_interval(&base, &slower, 90.0, &options, 1).unwrap();
        assert_eq!(up, again, "repeatable");
        assert_eq!(quantile_ratio_interval(&[], &base, 50.0, &options, 1), None);
    }

    #[test]
    fn wilson_and_newcombe_match_published_values() {
        // Newcombe (1998), example (a): 56/70 vs 48/80, difference
        // 0.2000 with interval 0.0524 to 0.3339.
        let d = difference_interval(48, 80, 56, 70).unwrap();
        assert!((d.low - 0.0524).abs() < 5e-4, "{d:?}");
        assert!((d.high - 0.3339).abs() < 5e-4, "{d:?}");
        // Wilson of 0/10: [0, 0.2775].
        let w = wilson(0, 10).unwrap();
        assert!(w.low == 0.0 && (w.high - 0.2775).abs() < 5e-4, "{w:?}");
        assert_eq!(wilson(1, 0), None);
    }
}
