//! The metrics of the extended summary, their values per group
//! (successful attempts only), and a [`Summary`] that stays fast on
//! millions of values.

use super::dataset::{Dataset, Group};
use crate::stats::{Summary, percentile, std_dev};

/// A per-call metric of the extended summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// `time_to_first_byte`, seconds.
    Ttft,
    /// `time_to_last_byte`, seconds.
    TotalLatency,
    /// `time_to_response`, seconds.
    TimeToResponse,
    /// `model_output_tokens / time_to_last_byte` (the Python tool's OTPS).
    Otps,
    /// `(out - 1) / (total - ttft)`.
    GenerationOtps,
    /// `(total - ttft) / (out - 1)`, seconds.
    Tpot,
    /// Every gap between consecutive deltas, pooled, seconds.
    InterChunkGap,
    /// `metadata.metrics.latencyMs`, in seconds.
    ServerLatency,
    /// `model_input_tokens`.
    InputTokens,
    /// `model_output_tokens`.
    OutputTokens,
    /// `time_to_first_text`: the first text delta, seconds (what a chat
    /// user sees; later than TTFT when the model reasons or calls a tool
    /// first).
    TimeToFirstText,
    /// `reasoning_time`: first reasoning delta to first text delta, seconds.
    ReasoningTime,
    /// `ttft_from_scheduled`: an open-loop call's TTFT counted from its
    /// scheduled instant (`dispatch_lag_s + time_to_first_byte`), seconds;
    /// what a caller arriving on that schedule waits, the client's own
    /// queue included.
    TtftFromScheduled,
    /// `total_from_scheduled`: total latency from the scheduled instant
    /// (`dispatch_lag_s + time_to_last_byte`), seconds.
    TotalFromScheduled,
}

impl Metric {
    /// Every metric, in the extended summary's column order.
    pub const ALL: [Metric; 14] = [
        Metric::Ttft,
        Metric::TotalLatency,
        Metric::TimeToResponse,
        Metric::Otps,
        Metric::GenerationOtps,
        Metric::Tpot,
        Metric::InterChunkGap,
        Metric::ServerLatency,
        Metric::InputTokens,
        Metric::OutputTokens,
        Metric::TimeToFirstText,
        Metric::ReasoningTime,
        Metric::TtftFromScheduled,
        Metric::TotalFromScheduled,
    ];

    /// The column prefix in the extended summary.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Ttft => "ttft",
            Metric::TotalLatency => "total_latency",
            Metric::TimeToResponse => "time_to_response",
            Metric::Otps => "otps",
            Metric::GenerationOtps => "generation_otps",
            Metric::Tpot => "tpot",
            Metric::InterChunkGap => "inter_chunk_gap",
            Metric::ServerLatency => "server_latency",
            Metric::InputTokens => "input_tokens",
            Metric::OutputTokens => "output_tokens",
            Metric::TimeToFirstText => "time_to_first_text",
            Metric::ReasoningTime => "reasoning_time",
            Metric::TtftFromScheduled => "ttft_from_scheduled",
            Metric::TotalFromScheduled => "total_from_scheduled",
        }
    }

    /// Position in [`Metric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The values of `metric` over the successful attempts of `group`, in
/// file and row order, absent (NaN) values left out.
pub fn metric_values(dataset: &Dataset, group: &Group<'_>, metric: Metric) -> Vec<f64> {
    let attempts = dataset.attempts();
    let successes = group
        .attempts
        .iter()
        .map(|&i| &attempts[i as usize])
        .filter(|a| a.in_statistics());
    let mut values: Vec<f64> = Vec::with_capacity(group.attempts.len());
    match metric {
        Metric::InterChunkGap => {
            for attempt in successes {
                values.extend_from_slice(dataset.gaps(attempt));
            }
        }
        _ => {
            let get: fn(&super::Attempt) -> f64 = match metric {
                Metric::Ttft => |a| a.ttft,
                Metric::TotalLatency => |a| a.total_latency,
                Metric::TimeToResponse => |a| a.time_to_response,
                Metric::Otps => |a| a.otps(),
                Metric::GenerationOtps => |a| a.generation_otps,
                Metric::Tpot => |a| a.tpot,
                Metric::ServerLatency => |a| a.server_latency,
                Metric::InputTokens => |a| a.input_tokens,
                Metric::TimeToFirstText => |a| a.time_to_first_text,
                Metric::ReasoningTime => |a| a.reasoning_time,
                Metric::TtftFromScheduled => |a| a.dispatch_lag + a.ttft,
                Metric::TotalFromScheduled => |a| a.dispatch_lag + a.total_latency,
                Metric::OutputTokens | Metric::InterChunkGap => |a| a.output_tokens,
            };
            values.extend(successes.map(get));
        }
    }
    values.retain(|v| !v.is_nan());
    values
}

/// The values of every metric (indexed like [`Metric::ALL`]) over the
/// successful attempts of `group`, in one pass; as [`metric_values`].
pub fn all_metric_values(dataset: &Dataset, group: &Group<'_>) -> Vec<Vec<f64>> {
    let attempts = dataset.attempts();
    let mut out: Vec<Vec<f64>> = Metric::ALL
        .iter()
        .map(|_| Vec::with_capacity(group.attempts.len()))
        .collect();
    let gaps: usize = group
        .attempts
        .iter()
        .map(|&i| attempts[i as usize].gaps_len as usize)
        .sum();
    out[Metric::InterChunkGap.index()].reserve(gaps);
    for &i in &group.attempts {
        let a = &attempts[i as usize];
        if !a.in_statistics() {
            continue;
        }
        let row = [
            a.ttft,
            a.total_latency,
            a.time_to_response,
            a.otps(),
            a.generation_otps,
            a.tpot,
            f64::NAN,
            a.server_latency,
            a.input_tokens,
            a.output_tokens,
            a.time_to_first_text,
            a.reasoning_time,
            a.dispatch_lag + a.ttft,
            a.dispatch_lag + a.total_latency,
        ];
        for (values, v) in out.iter_mut().zip(row) {
            if !v.is_nan() {
                values.push(v);
            }
        }
        out[Metric::InterChunkGap.index()].extend_from_slice(dataset.gaps(a));
    }
    out
}

/// Below this many values, [`summarize`] simply sorts.
const SORT_BELOW: usize = 4096;

/// The numbers of [`Summary::of`] (percentiles by linear interpolation,
/// std with n - 1, NaN ignored), computed by selection instead of a full
/// sort so that millions of values stay cheap, and with the mean summed
/// as pandas does ([`kahan_mean`], in the order given: give the values in
/// file order to get pandas' rounding). `values` is reordered.
pub fn summarize(values: &mut Vec<f64>) -> Option<Summary> {
    values.retain(|v| !v.is_nan());
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = kahan_mean(values);
    let std = std_dev(values);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values.iter() {
        min = min.min(v);
        max = max.max(v);
    }
    let [p50, p90, p95, p99] = if n < SORT_BELOW {
        values.sort_by(f64::total_cmp);
        [50.0, 90.0, 95.0, 99.0].map(|p| percentile(values, p).unwrap_or(f64::NAN))
    } else {
        selected_percentiles(values, [50.0, 90.0, 95.0, 99.0])
    };
    Some(Summary {
        count: n,
        mean,
        std,
        min,
        p50,
        p90,
        p95,
        p99,
        max,
    })
}

/// The mean as pandas' `groupby(...).mean()` computes it: Kahan
/// compensated summation in the order given, then one division. Ties at
/// the third decimal (`x.xxx5`) round the same way as in pandas only when
/// the sum is computed the same way.
pub fn kahan_mean(values: &[f64]) -> f64 {
    let mut sum = 0.0f64;
    let mut compensation = 0.0f64;
    for &value in values {
        let y = value - compensation;
        let t = sum + y;
        compensation = t - sum - y;
        if compensation.is_nan() {
            // An infinite value: keep the sum infinite rather than NaN.
            compensation = 0.0;
        }
        sum = t;
    }
    sum / values.len() as f64
}

/// Percentiles (ascending `ps`) by selection, with the interpolation of
/// [`percentile`]: the value of rank `low` and the smallest value above it.
pub(crate) fn selected_percentiles<const N: usize>(values: &mut [f64], ps: [f64; N]) -> [f64; N] {
    let n = values.len();
    let mut out = [f64::NAN; N];
    // Everything before `done` is known to be <= everything after it.
    let mut done = 0;
    for (slot, p) in out.iter_mut().zip(ps) {
        let rank = (n - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
        let low = rank.floor() as usize;
        let fraction = rank - low as f64;
        let low_value = if low >= done {
            let (_, nth, _) = values[done..].select_nth_unstable_by(low - done, f64::total_cmp);
            *nth
        } else {
            values[low]
        };
        done = done.max(low);
        let high_value = if low + 1 < n && fraction > 0.0 {
            values[low + 1..]
                .iter()
                .copied()
                .min_by(f64::total_cmp)
                .unwrap_or(low_value)
        } else {
            low_value
        };
        *slot = low_value + (high_value - low_value) * fraction;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(n: usize) -> Vec<f64> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 100_000) as f64 / 1000.0
            })
            .collect()
    }

    #[test]
    fn selection_gives_the_same_percentiles_as_sorting() {
        for n in [1, 2, 5, 4095, 4096, 10_001, 50_000] {
            let values = pseudo_random(n);
            let reference = Summary::of(&values).unwrap();
            let mut work = values.clone();
            let fast = summarize(&mut work).unwrap();
            assert_eq!(fast.count, reference.count);
            assert_eq!((fast.min, fast.max), (reference.min, reference.max));
            assert_eq!(fast.p50, reference.p50, "n = {n}");
            assert_eq!(fast.p90, reference.p90, "n = {n}");
            assert_eq!(fast.p95, reference.p95, "n = {n}");
            assert_eq!(fast.p99, reference.p99, "n = {n}");
            assert!((fast.mean - reference.mean).abs() < 1e-9);
            match (fast.std, reference.std) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9),
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    #[test]
    fn nan_is_ignored_and_nothing_left_is_none() {
        assert!(summarize(&mut vec![f64::NAN]).is_none());
        let s = summarize(&mut vec![2.0, f64::NAN, 1.0]).unwrap();
        assert_eq!(
            (s.count, s.p50, s.std),
            (2, 1.5, Some(std::f64::consts::FRAC_1_SQRT_2))
        );
    }
}
