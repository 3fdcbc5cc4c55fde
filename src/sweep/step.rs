//! One step of a sweep: the calls of one offered rate, collected as they
//! end (a sink of the run's events), and their statistics computed (the
//! statistics themselves are results: `result.rs`).

use std::sync::{Arc, Mutex};

use super::result::{LatencyMetric, Percentiles, StepStats};
use super::slo::{Objective, Slo};
use crate::record::Phase;
use crate::runner::{RunEvent, RunSink, SinkError};
use crate::stats::percentile;

/// What a step keeps of one call (the raw CSV has the rest).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// The call succeeded.
    pub success: bool,
    /// Bedrock throttled it.
    pub throttled: bool,
    /// Time to first token from the call's start, seconds.
    pub ttft: Option<f64>,
    /// Total latency from the call's start, seconds.
    pub total: Option<f64>,
    /// Time to first token from the scheduled instant, seconds.
    pub ttft_sched: Option<f64>,
    /// Total latency from the scheduled instant, seconds.
    pub total_sched: Option<f64>,
    /// How late the call started after its scheduled instant, seconds.
    pub dispatch_lag: Option<f64>,
}

impl Sample {
    /// The value of `metric` for this call.
    pub fn latency(&self, metric: LatencyMetric) -> Option<f64> {
        match metric {
            LatencyMetric::Ttft => self.ttft,
            LatencyMetric::Total => self.total,
            LatencyMetric::TtftFromScheduled => self.ttft_sched,
            LatencyMetric::TotalFromScheduled => self.total_sched,
        }
    }
}

/// Collects a step's samples from the run's events.
#[derive(Debug, Clone, Default)]
pub struct SampleSink {
    samples: Arc<Mutex<Vec<Sample>>>,
}

impl SampleSink {
    /// The samples collected so far.
    pub fn take(&self) -> Vec<Sample> {
        std::mem::take(&mut *self.samples.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl RunSink for SampleSink {
    fn event(&mut self, event: &RunEvent) -> Result<(), SinkError> {
        if let RunEvent::CallFinished(record) = event
            && record.phase != Phase::Warmup
        {
            let call = &record.call;
            let success = call.status.is_success();
            let sample = Sample {
                success,
                throttled: call.status.is_throttle(),
                ttft: call.ttft().filter(|_| success),
                total: call.total_latency().filter(|_| success),
                ttft_sched: record.ttft_from_scheduled().filter(|_| success),
                total_sched: record.total_from_scheduled().filter(|_| success),
                dispatch_lag: record.dispatch_lag(),
            };
            self.samples
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(sample);
        }
        Ok(())
    }
}

impl StepStats {
    /// The statistics of `samples`, offered at `level` for
    /// `duration_s` seconds, with good calls judged by `slo`.
    pub fn of(samples: &[Sample], level: f64, duration_s: f64, slo: &Slo) -> StepStats {
        let count =
            |keep: &dyn Fn(&Sample) -> bool| samples.iter().filter(|s| keep(s)).count() as u64;
        let bounds: Vec<(LatencyMetric, f64)> = slo.latency_bounds().collect();
        let good = |s: &Sample| {
            s.success
                && bounds
                    .iter()
                    .all(|(metric, max)| s.latency(*metric).is_some_and(|v| v <= *max))
        };
        let mut lags: Vec<f64> = samples.iter().filter_map(|s| s.dispatch_lag).collect();
        lags.sort_by(f64::total_cmp);
        StepStats {
            level,
            duration_s,
            calls: samples.len() as u64,
            successes: count(&|s| s.success),
            throttles: count(&|s| s.throttled),
            errors: count(&|s| !s.success && !s.throttled),
            good_calls: count(&good),
            latencies: LatencyMetric::ALL
                .into_iter()
                .map(|m| {
                    let values = samples.iter().filter_map(|s| s.latency(m)).collect();
                    (m, Percentiles::of(values))
                })
                .collect(),
            dispatch_lag_p99: percentile(&lags, 99.0),
            dispatch_lags: lags.len(),
        }
    }

    /// The objectives of `slo` this step fails, each with what was
    /// measured; empty when it meets the SLO. A step without calls fails.
    pub fn failures(&self, slo: &Slo) -> Vec<String> {
        if self.calls == 0 {
            return vec!["no call was made".into()];
        }
        slo.objectives
            .iter()
            .filter_map(|objective| match *objective {
                Objective::Latency {
                    metric,
                    percentile,
                    max_s,
                } => match self.latency(metric).and_then(|p| p.get(percentile)) {
                    Some(value) if value <= max_s => None,
                    Some(value) => Some(format!("{objective} (was {value:.3}s)")),
                    None => Some(format!("{objective} (no successful call)")),
                },
                Objective::ThrottlePct(max) => (self.throttle_pct() > max)
                    .then(|| format!("{objective} (was {:.1}%)", self.throttle_pct())),
                Objective::ErrorPct(max) => (self.error_pct() > max)
                    .then(|| format!("{objective} (was {:.1}%)", self.error_pct())),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(ttft: f64) -> Sample {
        Sample {
            success: true,
            throttled: false,
            ttft: Some(ttft),
            total: Some(ttft * 2.0),
            ttft_sched: Some(ttft + 0.001),
            total_sched: Some(ttft * 2.0 + 0.001),
            dispatch_lag: Some(0.001),
        }
    }

    fn throttled() -> Sample {
        Sample {
            success: false,
            throttled: true,
            ttft: None,
            total: None,
            ttft_sched: None,
            total_sched: None,
            dispatch_lag: Some(0.0),
        }
    }

    #[test]
    fn goodput_counts_successes_within_every_bound() {
        let slo = Slo::with_defaults(vec!["ttft_p90<=1s".parse().unwrap()]);
        let mut samples: Vec<Sample> = (1..=8).map(|i| ok(f64::from(i) * 0.2)).collect();
        samples.push(throttled());
        samples.push(throttled());
        let stats = StepStats::of(&samples, 5.0, 2.0, &slo);
        assert_eq!(
            (stats.calls, stats.successes, stats.throttles, stats.errors),
            (10, 8, 2, 0)
        );
        assert_eq!(stats.good_calls, 5, "0.2 .. 1.0 s meet ttft <= 1 s");
        assert_eq!(stats.goodput(), 2.5);
        assert_eq!(stats.achieved_rate(), 5.0);
        assert_eq!(stats.throttle_pct(), 20.0);
        let failures = stats.failures(&slo);
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(
            failures[0].starts_with("ttft_p90<=1s (was 1.4"),
            "{failures:?}"
        );
        assert!(
            failures[1].contains("throttle<=0% (was 20.0%)"),
            "{failures:?}"
        );
    }

    #[test]
    fn a_step_without_calls_fails() {
        let slo = Slo::with_defaults(Vec::new());
        let stats = StepStats::of(&[], 5.0, 2.0, &slo);
        assert_eq!(stats.failures(&slo), vec!["no call was made".to_string()]);
    }
}
