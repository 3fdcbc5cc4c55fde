//! The prefill cost of a group: how TTFT grows with the input length.
//!
//! When a group's calls sent inputs of varied lengths
//! (`model_input_tokens`), ordinary least squares of TTFT (seconds)
//! against input tokens over its successful, non-warm-up calls gives
//!
//! ```text
//! TTFT = intercept + slope * input_tokens
//! slope     = Sxy / Sxx
//! intercept = mean(TTFT) - slope * mean(input_tokens)
//! s^2       = sum of squared residuals / (n - 2)
//! se(slope)     = sqrt(s^2 / Sxx)
//! se(intercept) = sqrt(s^2 * (1/n + mean(input_tokens)^2 / Sxx))
//! 95% CI    = estimate +- t(0.975, n - 2) * se
//! R^2       = 1 - sum of squared residuals / Syy
//! ```
//!
//! The intercept is what a call costs before its first input token is
//! read (the network, the queue, the first output token); the slope, given
//! per 1,000 input tokens, is the prefill time. A fit needs at least
//! [`MIN_CALLS`] calls and [`MIN_LENGTHS`] distinct input lengths; over a
//! narrow range (the longest input under [`NARROW_RANGE_RATIO`] times the
//! shortest) its slope is said to be uncertain.

use std::fmt;

use super::dataset::{Dataset, Group};

/// A fit needs at least this many successful, non-warm-up calls with a
/// TTFT and input tokens.
pub const MIN_CALLS: usize = 8;

/// A fit needs at least this many distinct input lengths.
pub const MIN_LENGTHS: usize = 3;

/// A fit whose longest input is less than this many times its shortest
/// covers a narrow range: its slope is uncertain, and its note says so.
pub const NARROW_RANGE_RATIO: f64 = 2.0;

/// One call of a fit: its input length and its TTFT.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrefillPoint {
    /// `model_input_tokens`.
    pub input_tokens: f64,
    /// `time_to_first_byte`, seconds.
    pub ttft: f64,
}

/// An estimate with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub value: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies within the interval, ends included.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// The least-squares line of TTFT against input tokens of one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrefillFit {
    /// The calls fitted.
    pub calls: usize,
    /// TTFT at zero input tokens, seconds, with its 95% CI.
    pub intercept: Interval,
    /// The slope in seconds per 1,000 input tokens, with its 95% CI.
    pub slope_per_1k: Interval,
    /// The share of TTFT's variance the line explains; NaN when TTFT did
    /// not vary.
    pub r_squared: f64,
    /// The shortest input fitted, tokens.
    pub min_input_tokens: f64,
    /// The longest input fitted, tokens.
    pub max_input_tokens: f64,
}

impl PrefillFit {
    /// The fitted TTFT of an input of `input_tokens` tokens, seconds.
    pub fn ttft_at(&self, input_tokens: f64) -> f64 {
        self.intercept.value + self.slope_per_1k.value * input_tokens / 1000.0
    }

    /// Whether the inputs cover a narrow range: the longest less than
    /// [`NARROW_RANGE_RATIO`] times the shortest.
    pub fn is_narrow(&self) -> bool {
        self.max_input_tokens < NARROW_RANGE_RATIO * self.min_input_tokens
    }

    /// What a reader should know about the fit (a narrow range), if
    /// anything.
    pub fn note(&self) -> Option<String> {
        self.is_narrow().then(|| {
            format!(
                "narrow range: the longest input is {:.2}x the shortest (under {NARROW_RANGE_RATIO}x), the slope is uncertain",
                self.max_input_tokens / self.min_input_tokens
            )
        })
    }
}

/// Why a group has no fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoFit {
    /// Fewer than [`MIN_CALLS`] successful, non-warm-up calls with a TTFT
    /// and input tokens.
    TooFewCalls {
        /// The calls there were.
        calls: usize,
    },
    /// Fewer than [`MIN_LENGTHS`] distinct input lengths.
    TooFewLengths {
        /// The calls there were.
        calls: usize,
        /// The distinct lengths there were.
        lengths: usize,
    },
}

impl NoFit {
    /// The calls there were.
    pub fn calls(&self) -> usize {
        match *self {
            NoFit::TooFewCalls { calls } | NoFit::TooFewLengths { calls, .. } => calls,
        }
    }
}

impl fmt::Display for NoFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoFit::TooFewCalls { calls } => write!(
                f,
                "no fit: {calls} successful call(s) with a TTFT and input tokens, {MIN_CALLS} needed"
            ),
            NoFit::TooFewLengths { calls, lengths } => write!(
                f,
                "no fit: {lengths} distinct input length(s) among {calls} calls, {MIN_LENGTHS} needed"
            ),
        }
    }
}

/// The prefill cost of one (model, region, variant).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupPrefill {
    /// Model or inference profile id.
    pub model: String,
    /// Region.
    pub region: String,
    /// The variant label (as [`super::GroupStats::performance_config`]).
    pub performance_config: String,
    /// The fit, or why there is none.
    pub fit: Result<PrefillFit, NoFit>,
}

impl GroupPrefill {
    /// The calls fitted, or that were too few to fit.
    pub fn calls(&self) -> usize {
        match &self.fit {
            Ok(fit) => fit.calls,
            Err(no_fit) => no_fit.calls(),
        }
    }

    /// The fit's note (a narrow range), or why there is no fit; empty
    /// when there is nothing to say.
    pub fn note(&self) -> String {
        match &self.fit {
            Ok(fit) => fit.note().unwrap_or_default(),
            Err(no_fit) => no_fit.to_string(),
        }
    }
}

/// The calls of `group` a fit uses: successful, not warm-up calls, with
/// a TTFT and input tokens, in row order.
pub fn points(dataset: &Dataset, group: &Group<'_>) -> Vec<PrefillPoint> {
    let attempts = dataset.attempts();
    group
        .attempts
        .iter()
        .filter_map(|&i| attempts.get(i as usize))
        .filter(|a| a.in_statistics() && a.ttft.is_finite() && a.input_tokens.is_finite())
        .map(|a| PrefillPoint {
            input_tokens: a.input_tokens,
            ttft: a.ttft,
        })
        .collect()
}

/// The prefill cost of every group of `dataset`, in the order of
/// [`Dataset::groups`] (that of [`super::Analysis::groups`]).
pub fn prefill_fits(dataset: &Dataset) -> Vec<GroupPrefill> {
    dataset
        .groups()
        .iter()
        .map(|group| GroupPrefill {
            model: group.model.to_string(),
            region: group.region.to_string(),
            performance_config: group.performance_config.to_string(),
            fit: fit(&points(dataset, group)),
        })
        .collect()
}

/// Ordinary least squares of TTFT against input tokens over `points`,
/// with 95% confidence intervals from the t distribution with n - 2
/// degrees of freedom; [`NoFit`] with fewer than [`MIN_CALLS`] points or
/// [`MIN_LENGTHS`] distinct input lengths.
pub fn fit(points: &[PrefillPoint]) -> Result<PrefillFit, NoFit> {
    let n = points.len();
    if n < MIN_CALLS {
        return Err(NoFit::TooFewCalls { calls: n });
    }
    let lengths = distinct_lengths(points);
    if lengths < MIN_LENGTHS {
        return Err(NoFit::TooFewLengths { calls: n, lengths });
    }
    let count = n as f64;
    // Means shifted by the first point: exact for constant values, and
    // less rounding where the values are large and close together.
    let first = points[0];
    let mean_x = first.input_tokens
        + points
            .iter()
            .map(|p| p.input_tokens - first.input_tokens)
            .sum::<f64>()
            / count;
    let mean_y = first.ttft + points.iter().map(|p| p.ttft - first.ttft).sum::<f64>() / count;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for p in points {
        let (dx, dy) = (p.input_tokens - mean_x, p.ttft - mean_y);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_x;
    let residuals: f64 = points
        .iter()
        .map(|p| {
            let r = p.ttft - intercept - slope * p.input_tokens;
            r * r
        })
        .sum();
    let variance = residuals / (count - 2.0);
    let t = t_quantile_975((n - 2) as u64);
    let slope_margin = t * (variance / sxx).sqrt();
    let intercept_margin = t * (variance * (1.0 / count + mean_x * mean_x / sxx)).sqrt();
    let interval = |value: f64, margin: f64| Interval {
        value,
        low: value - margin,
        high: value + margin,
    };
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.input_tokens), hi.max(p.input_tokens))
        });
    Ok(PrefillFit {
        calls: n,
        intercept: interval(intercept, intercept_margin),
        slope_per_1k: interval(slope * 1000.0, slope_margin * 1000.0),
        r_squared: if syy > 0.0 {
            1.0 - residuals / syy
        } else {
            f64::NAN
        },
        min_input_tokens: min,
        max_input_tokens: max,
    })
}

/// How many distinct input lengths `points` hold (counting stops at
/// [`MIN_LENGTHS`]: that is all a fit needs to know).
fn distinct_lengths(points: &[PrefillPoint]) -> usize {
    let mut seen: Vec<f64> = Vec::with_capacity(MIN_LENGTHS);
    for p in points {
        if !seen.contains(&p.input_tokens) {
            seen.push(p.input_tokens);
            if seen.len() == MIN_LENGTHS {
                break;
            }
        }
    }
    seen.len()
}

/// The 97.5th percentile of Student's t distribution with `df` degrees of
/// freedom: the multiplier of a standard error for a two-sided 95%
/// confidence interval. Exact to 6 decimals from a table up to 30 degrees
/// of freedom; above, the Cornish-Fisher expansion around the normal
/// quantile (Abramowitz and Stegun 26.7.5), within 1e-6. NaN for 0.
pub fn t_quantile_975(df: u64) -> f64 {
    /// t(0.975, df) for df = 1..=30.
    const TABLE: [f64; 30] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
        2.048407, 2.045230, 2.042272,
    ];
    /// The normal distribution's 97.5th percentile.
    const Z: f64 = 1.959_963_984_540_054;
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[(df - 1) as usize],
        _ => {
            let v = df as f64;
            let z2 = Z * Z;
            let g1 = Z * (z2 + 1.0) / 4.0;
            let g2 = Z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
            let g3 = Z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
            let g4 =
                Z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
            Z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
        }
    }
}

#[cfg(test)]
mod tests;
