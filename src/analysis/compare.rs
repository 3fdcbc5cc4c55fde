//! Comparisons along one variant axis: for each model and region, every
//! pair of groups that differ in exactly one axis, one side holding the
//! axis's baseline value (standard, the default tier, a cache write, no
//! reasoning, no tools) and the other a compared value (optimized, a tier
//! sent, a cache read, a budget, tools); see [`VariantKey`]. For each of
//! [`COMPARED_METRICS`], the ratio variant / baseline of the medians, with
//! a percentile-bootstrap confidence interval.
//!
//! Each group is resampled independently, with replacement, as many values
//! as it has; the interval is the (2.5, 97.5) percentiles of the
//! resampled ratios. A fixed seed (mixed with the model, region and
//! metric, and, for any pair but plain `standard` vs `optimized`, the two
//! group labels) makes every run give the same interval, and the standard
//! vs optimized intervals the same as before the other axes existed.
//!
//! Up to [`BootstrapOptions::resample_limit`] values a group is resampled
//! literally. Above it, the resample's two middle order statistics are
//! drawn directly: the k-th smallest of n values drawn with replacement
//! from sorted `x` is `x[floor(n * U)]` with `U ~ Beta(k, n + 1 - k)` (the
//! k-th smallest of n uniforms), and the next one is `U + (1 - U) * M`
//! with `M ~ Beta(1, n - k)`. That is the same distribution as literal
//! resampling, in constant time per resample instead of O(n).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution};

use super::dataset::{Dataset, Group};
use super::extended::{CostStats, GroupStats};
use super::metrics::{Metric, metric_values};
use crate::axes::{Axis, CacheState, VariantKey};
use crate::stats::percentile;

/// How to bootstrap.
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapOptions {
    /// Resamples per interval.
    pub resamples: usize,
    /// Confidence level (0.95: the 2.5th and 97.5th percentiles).
    pub confidence: f64,
    /// Base seed.
    pub seed: u64,
    /// Groups up to this size are resampled literally (see the module
    /// documentation for larger ones).
    pub resample_limit: usize,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            resamples: 2000,
            confidence: 0.95,
            seed: 0x00BE_DB0C_0FFE_E5EE,
            resample_limit: 5000,
        }
    }
}

/// A median of each side, their ratio variant / baseline, and the ratio's
/// confidence interval. `None` where a side has no value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RatioEstimate {
    /// Median of the baseline group.
    pub baseline: Option<f64>,
    /// Median of the variant group.
    pub variant: Option<f64>,
    /// `variant / baseline`.
    pub ratio: Option<f64>,
    /// Lower bound of the interval.
    pub ci_low: Option<f64>,
    /// Upper bound of the interval.
    pub ci_high: Option<f64>,
}

/// The metrics compared, in the comparison CSV's order: TTFT, time to
/// first text, generation OTPS, total latency.
pub const COMPARED_METRICS: [Metric; 4] = [
    Metric::Ttft,
    Metric::TimeToFirstText,
    Metric::GenerationOtps,
    Metric::TotalLatency,
];

/// Two groups of one model and region that differ in one axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Model or inference profile id.
    pub model: String,
    /// Region.
    pub region: String,
    /// The axis on which the two groups differ.
    pub axis: Axis,
    /// The baseline group's label (`standard`, `standard+cache:write`...).
    pub baseline: String,
    /// The variant group's label (`optimized`, `standard+priority`...).
    pub variant: String,
    /// The baseline's value on the axis (`standard`, `default`, `write`,
    /// `none`).
    pub baseline_value: String,
    /// The variant's value on the axis (`optimized`, `priority`, `read`,
    /// `2048`, `tools:any`).
    pub variant_value: String,
    /// Successful calls (warm-ups excluded), baseline.
    pub n_baseline: u64,
    /// Successful calls (warm-ups excluded), variant.
    pub n_variant: u64,
    /// The ratio of medians of each of [`COMPARED_METRICS`], in order.
    pub ratios: [RatioEstimate; 4],
    /// Calls not served what they asked on this axis, in either group:
    /// optimized served as standard (performance config), another tier
    /// served (service tier), a cache point that never hit (cache: the
    /// calls of the same variant grouped as `cache:none`). `None` for
    /// the axes whose service is not reported back (reasoning, tools).
    pub mismatches: Option<u64>,
    /// What the baseline's attempts cost.
    pub cost_baseline: CostStats,
    /// What the variant's attempts cost.
    pub cost_variant: CostStats,
}

impl Comparison {
    /// The ratio variant / baseline of the costs per 1,000 calls (mean
    /// costs), computed from the exact amounts; `None` when a side has no
    /// priced call or the baseline costs nothing.
    pub fn cost_ratio(&self) -> Option<f64> {
        let (base, var) = (&self.cost_baseline, &self.cost_variant);
        base.total()?;
        var.total()?;
        // (var total / var n) / (base total / base n), from the exact sums.
        let numerator = u128::from(var.total.picodollars()) * u128::from(base.priced);
        let denominator = u128::from(base.total.picodollars()) * u128::from(var.priced);
        (denominator > 0).then(|| numerator as f64 / denominator as f64)
    }

    /// The ratio of medians of `metric` (`None` for a metric not compared).
    pub fn ratio(&self, metric: Metric) -> Option<&RatioEstimate> {
        COMPARED_METRICS
            .iter()
            .position(|&m| m == metric)
            .map(|i| &self.ratios[i])
    }

    /// The TTFT ratio.
    pub fn ttft(&self) -> &RatioEstimate {
        &self.ratios[0]
    }

    /// The generation-OTPS ratio.
    pub fn generation_otps(&self) -> &RatioEstimate {
        &self.ratios[2]
    }
}

/// Every comparison of the dataset: per model and region (pandas' group
/// order), per axis (as [`Axis::ALL`]), then by baseline and variant
/// label. `stats` must be [`super::group_stats`] of `dataset`.
pub fn compare(
    dataset: &Dataset,
    stats: &[GroupStats],
    options: &BootstrapOptions,
) -> Vec<Comparison> {
    let groups = dataset.groups();
    let mut out = Vec::new();
    let mut start = 0;
    while start < groups.len() {
        let (model, region) = (groups[start].model, groups[start].region);
        let end = start
            + groups[start..]
                .iter()
                .take_while(|g| g.model == model && g.region == region)
                .count();
        let mut pairs = Vec::new();
        for b in start..end {
            for v in start..end {
                let (base, var) = (&stats[b].variant, &stats[v].variant);
                if let Some(axis) = base.compared_with(var) {
                    pairs.push((axis, b, v));
                }
            }
        }
        pairs.sort_by_key(|&(axis, b, v)| (axis, b, v));
        for (axis, b, v) in pairs {
            out.push(comparison(
                dataset,
                (&groups[b], &stats[b]),
                (&groups[v], &stats[v]),
                &stats[start..end],
                axis,
                options,
            ));
        }
        start = end;
    }
    out
}

fn comparison(
    dataset: &Dataset,
    (base_group, base): (&Group<'_>, &GroupStats),
    (var_group, var): (&Group<'_>, &GroupStats),
    siblings: &[GroupStats],
    axis: Axis,
    options: &BootstrapOptions,
) -> Comparison {
    let plain = base.performance_config == "standard" && var.performance_config == "optimized";
    let ratios = COMPARED_METRICS.map(|metric| {
        let mut parts = vec![base.model.as_str(), base.region.as_str(), metric.name()];
        if !plain {
            parts.extend([
                base.performance_config.as_str(),
                var.performance_config.as_str(),
            ]);
        }
        p50_ratio(
            &values(dataset, base_group, metric),
            &values(dataset, var_group, metric),
            options,
            stream_id(&parts),
        )
    });
    let mismatches = match axis {
        Axis::Cache => {
            // The calls of the same variant whose cache point never hit.
            let unused = VariantKey {
                cache: Some(CacheState::Unused),
                ..base.variant.clone()
            };
            Some(
                siblings
                    .iter()
                    .filter(|g| g.variant == unused)
                    .map(|g| g.counts.cache_unused)
                    .sum(),
            )
        }
        _ => base
            .counts
            .mismatched(axis)
            .zip(var.counts.mismatched(axis))
            .map(|((a, _), (b, _))| a + b),
    };
    Comparison {
        model: base.model.clone(),
        region: base.region.clone(),
        axis,
        baseline: base.performance_config.clone(),
        variant: var.performance_config.clone(),
        baseline_value: base.variant.value(axis),
        variant_value: var.variant.value(axis),
        n_baseline: base.counts.successes - base.counts.warmups,
        n_variant: var.counts.successes - var.counts.warmups,
        ratios,
        mismatches,
        cost_baseline: base.cost,
        cost_variant: var.cost,
    }
}

fn values(dataset: &Dataset, group: &Group<'_>, metric: Metric) -> Vec<f64> {
    let mut v = metric_values(dataset, group, metric);
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// FNV-1a of the parts, so that each interval has its own random stream
/// whatever else is in the dataset.
fn stream_id(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The ratio of medians `variant / baseline` (`optimized / standard`...)
/// with its percentile bootstrap interval. Both slices must be sorted
/// ascending (no NaN); `stream` selects the random stream (with
/// `options.seed`).
pub fn p50_ratio(
    standard: &[f64],
    optimized: &[f64],
    options: &BootstrapOptions,
    stream: u64,
) -> RatioEstimate {
    let std_p50 = percentile(standard, 50.0);
    let opt_p50 = percentile(optimized, 50.0);
    let mut estimate = RatioEstimate {
        baseline: std_p50,
        variant: opt_p50,
        ..RatioEstimate::default()
    };
    let (Some(s), Some(o)) = (std_p50, opt_p50) else {
        return estimate;
    };
    estimate.ratio = Some(o / s);
    if options.resamples == 0 {
        return estimate;
    }
    let mut rng = StdRng::seed_from_u64(options.seed ^ stream);
    let mut std_sampler = MedianSampler::new(standard, options.resample_limit);
    let mut opt_sampler = MedianSampler::new(optimized, options.resample_limit);
    let mut ratios: Vec<f64> = (0..options.resamples)
        .map(|_| opt_sampler.draw(&mut rng) / std_sampler.draw(&mut rng))
        .filter(|r| !r.is_nan())
        .collect();
    ratios.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - options.confidence.clamp(0.0, 1.0)) / 2.0 * 100.0;
    estimate.ci_low = percentile(&ratios, tail);
    estimate.ci_high = percentile(&ratios, 100.0 - tail);
    estimate
}

/// Draws the median of a resample (with replacement, same size) of sorted
/// values.
struct MedianSampler<'a> {
    sorted: &'a [f64],
    literal: bool,
    scratch: Vec<f64>,
    /// 1-based ranks of the two order statistics the median interpolates,
    /// and the interpolation fraction.
    k: usize,
    fraction: f64,
    first: Option<Beta<f64>>,
    next: Option<Beta<f64>>,
}

impl<'a> MedianSampler<'a> {
    fn new(sorted: &'a [f64], limit: usize) -> MedianSampler<'a> {
        let n = sorted.len();
        let rank = (n - 1) as f64 * 0.5;
        let k = rank.floor() as usize + 1;
        let literal = n <= limit.max(1);
        let (first, next) = if literal {
            (None, None)
        } else {
            (
                Beta::new(k as f64, (n + 1 - k) as f64).ok(),
                Beta::new(1.0, (n - k) as f64).ok(),
            )
        };
        MedianSampler {
            sorted,
            literal,
            scratch: Vec::new(),
            k,
            fraction: rank - rank.floor(),
            first,
            next,
        }
    }

    fn draw(&mut self, rng: &mut StdRng) -> f64 {
        let n = self.sorted.len();
        if self.literal || self.first.is_none() || self.next.is_none() {
            self.scratch.clear();
            self.scratch
                .extend((0..n).map(|_| self.sorted[rng.random_range(0..n)]));
            let low = self.k - 1;
            let (_, &mut a, right) = self.scratch.select_nth_unstable_by(low, f64::total_cmp);
            if self.fraction == 0.0 {
                return a;
            }
            let b = right.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
            return a + (b - a) * self.fraction;
        }
        let at = |u: f64| self.sorted[((n as f64 * u) as usize).min(n - 1)];
        let u = self.first.as_ref().map_or(0.5, |d| d.sample(rng));
        let a = at(u);
        if self.fraction == 0.0 {
            return a;
        }
        let m = self.next.as_ref().map_or(0.0, |d| d.sample(rng));
        let b = at(u + (1.0 - u) * m);
        a + (b - a) * self.fraction
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(n: usize, scale: f64) -> Vec<f64> {
        let mut v: Vec<f64> = (0..n)
            .map(|i| scale * (0.5 + ((i * 7919) % n) as f64 / n as f64))
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }

    #[test]
    fn half_the_ttft_gives_a_ratio_of_one_half_inside_its_interval() {
        let standard = spread(101, 1.0);
        let optimized: Vec<f64> = standard.iter().map(|v| v / 2.0).collect();
        let options = BootstrapOptions::default();
        let a = p50_ratio(&standard, &optimized, &options, 7);
        let b = p50_ratio(&standard, &optimized, &options, 7);
        assert_eq!(a, b, "repeatable");
        assert_eq!(a.ratio, Some(0.5));
        let (low, high) = (a.ci_low.unwrap(), a.ci_high.unwrap());
        assert!(low < 0.5 && 0.5 < high, "{low} .. {high}");
    }

    #[test]
    fn order_statistic_draws_match_literal_resampling() {
        // Same data, both methods: the intervals agree to Monte Carlo error.
        let standard = spread(2000, 1.0);
        let optimized = spread(2000, 0.8);
        let literal = BootstrapOptions {
            resample_limit: usize::MAX,
            ..BootstrapOptions::default()
        };
        let direct = BootstrapOptions {
            resample_limit: 0,
            ..BootstrapOptions::default()
        };
        let a = p50_ratio(&standard, &optimized, &literal, 1);
        let b = p50_ratio(&standard, &optimized, &direct, 2);
        assert_eq!(a.ratio, b.ratio);
        let width = a.ci_high.unwrap() - a.ci_low.unwrap();
        for (x, y) in [(a.ci_low, b.ci_low), (a.ci_high, b.ci_high)] {
            let (x, y) = (x.unwrap(), y.unwrap());
            assert!((x - y).abs() < 0.15 * width, "{x} vs {y} (width {width})");
        }
    }

    #[test]
    fn an_empty_side_gives_no_ratio() {
        let e = p50_ratio(&[], &[1.0], &BootstrapOptions::default(), 0);
        assert_eq!((e.baseline, e.variant, e.ratio), (None, Some(1.0), None));
    }
}
