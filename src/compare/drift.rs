//! The drift of every group of a windowed analysis (`analyze --window`):
//! its first windows against its last, TTFT p50 and total latency p50,
//! each change with its 95% interval and verdict computed exactly as
//! `compare` computes BASE against NEW ([`metric_change`]: the bootstrap
//! of the ratio of medians and the verdict of its interval). The rule of
//! which windows and how many calls is [`crate::analysis::drift`]'s.

use super::change::{MetricChange, SideSample, Verdict, metric_change};
use super::interval::{Resampling, stream_id};
use super::metric::CompareMetric;
use crate::analysis::Dataset;
use crate::analysis::drift::{Drift, Measured, Pool, Shift, Trend, sides};
use crate::analysis::windows::Windows;

/// Fill in the drift of every group of `windows` (cut from `dataset`),
/// each interval drawn as `resampling` says, from a stream of its own.
pub fn measure_drift(dataset: &Dataset, windows: &mut Windows, resampling: &Resampling) {
    for group in &mut windows.groups {
        group.drift = match sides(dataset, &group.members) {
            Err(too_few) => Drift::TooFew(too_few),
            Ok((first, last)) => {
                let stream = |metric: &str| {
                    stream_id(&[
                        "drift",
                        &group.model,
                        &group.region,
                        &group.performance_config,
                        metric,
                    ])
                };
                let (base, new) = (sample(&first), sample(&last));
                let change = |metric: CompareMetric| {
                    shift(&metric_change(
                        metric,
                        &base,
                        &new,
                        resampling,
                        stream(metric.name()),
                    ))
                };
                Drift::Measured(Measured {
                    first_windows: first.windows.clone(),
                    last_windows: last.windows.clone(),
                    first_calls: first.calls(),
                    last_calls: last.calls(),
                    ttft: change(CompareMetric::TtftP50),
                    total: change(CompareMetric::TotalP50),
                })
            }
        };
    }
}

/// `compare`'s sample of a pool of calls.
fn sample(pool: &Pool) -> SideSample {
    SideSample {
        ttft: pool.ttft.clone(),
        total: pool.total.clone(),
        attempts: pool.calls() as u64,
        ..SideSample::default()
    }
}

/// A change as a [`Shift`]; `None` without a change (a first median of 0,
/// a side without values).
fn shift(change: &MetricChange) -> Option<Shift> {
    let trend = match change.verdict {
        Verdict::Slower => Trend::Slower,
        Verdict::Faster => Trend::Faster,
        Verdict::NoChange => Trend::Steady,
        _ => return None,
    };
    Some(Shift {
        first: change.base?,
        last: change.new?,
        change: change.change?,
        interval: change.interval.map(|i| (i.low, i.high)),
        trend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(n: usize, scale: f64) -> Vec<f64> {
        (0..n)
            .map(|i| scale * (0.5 + ((i * 7919) % n) as f64 / n as f64))
            .collect()
    }

    fn pool(windows: std::ops::Range<usize>, scale: f64) -> Pool {
        Pool {
            windows,
            ttft: spread(40, scale),
            total: spread(40, 2.0 * scale),
        }
    }

    #[test]
    fn a_slower_last_quarter_drifts_and_the_same_one_does_not() {
        let r = Resampling::default();
        let (base, slower) = (sample(&pool(0..2, 1.0)), sample(&pool(6..8, 1.5)));
        let up = shift(&metric_change(
            CompareMetric::TtftP50,
            &base,
            &slower,
            &r,
            1,
        ))
        .expect("a change");
        assert_eq!(up.trend, Trend::Slower);
        assert!((up.change - 0.5).abs() < 0.05, "{up:?}");
        let (low, high) = up.interval.expect("an interval");
        assert!(low > 0.0 && high > low, "{up:?}");
        let same =
            shift(&metric_change(CompareMetric::TotalP50, &base, &base, &r, 1)).expect("a change");
        assert_eq!((same.trend, same.change), (Trend::Steady, 0.0));
    }
}
