//! criterion measurements for streaming calls: time to first token, total
//! latency, and output tokens per second.
//!
//! criterion assumes that lower is better and that values add up over
//! iterations, so OTPS is measured as its inverse, *time per output token*
//! (total latency / output tokens), and shown as such (`ms/tok`): criterion
//! formats every number of a benchmark with one formatter, spreads
//! (standard deviation, MAD) included, and the inverse of a spread of times
//! is not a spread of rates. A regression in [`Otps`] therefore means more
//! time per token, i.e. fewer tokens per second; 1000 / (ms/tok) is
//! tokens per second.
//!
//! The values come from [`CallRecord`]s, fed to criterion with
//! `Bencher::iter_custom`; the `start`/`end` pair that the trait requires
//! measures wall time and is not how these measurements are meant to be
//! taken. A value is never zero: a call without the value (a failure) has
//! none, and criterion is never handed a made-up one.

use std::time::{Duration, Instant};

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};

use crate::call::CallRecord;

/// A criterion measurement fed from call records.
pub trait CallMetric:
    Measurement<Value = Duration> + Default + Copy + Send + Sync + 'static
{
    /// Short name used in benchmark ids (`ttft`, `total_latency`, `otps`).
    const NAME: &'static str;

    /// This metric's value for one call, if the call has it and it is
    /// positive.
    fn value(record: &CallRecord) -> Option<Duration>;
}

/// Time to first token: first `contentBlockDelta` minus t0.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ttft;

/// Total latency: end of the stream minus t0.
#[derive(Debug, Default, Clone, Copy)]
pub struct TotalLatency;

/// Output tokens per second (`output_tokens / total_latency`, the Python
/// tool's formula), measured as its inverse, time per output token.
#[derive(Debug, Default, Clone, Copy)]
pub struct Otps;

fn positive(seconds: Option<f64>) -> Option<Duration> {
    seconds
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .filter(|d| !d.is_zero())
}

impl CallMetric for Ttft {
    const NAME: &'static str = "ttft";
    fn value(record: &CallRecord) -> Option<Duration> {
        positive(record.ttft())
    }
}

impl CallMetric for TotalLatency {
    const NAME: &'static str = "total_latency";
    fn value(record: &CallRecord) -> Option<Duration> {
        positive(record.total_latency())
    }
}

impl CallMetric for Otps {
    const NAME: &'static str = "otps";
    fn value(record: &CallRecord) -> Option<Duration> {
        positive(record.time_per_output_token())
    }
}

macro_rules! duration_measurement {
    ($type:ty, $formatter:expr) => {
        impl Measurement for $type {
            type Intermediate = Instant;
            type Value = Duration;

            fn start(&self) -> Instant {
                Instant::now()
            }
            fn end(&self, start: Instant) -> Duration {
                start.elapsed()
            }
            fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
                *v1 + *v2
            }
            fn zero(&self) -> Duration {
                Duration::ZERO
            }
            fn to_f64(&self, value: &Duration) -> f64 {
                value.as_nanos() as f64
            }
            fn formatter(&self) -> &dyn ValueFormatter {
                &$formatter
            }
        }
    };
}

duration_measurement!(Ttft, SecondsFormatter);
duration_measurement!(TotalLatency, SecondsFormatter);
duration_measurement!(Otps, TimePerTokenFormatter);

/// Shows nanoseconds as s, ms, µs or ns.
#[derive(Debug, Clone, Copy)]
pub struct SecondsFormatter;

/// The factor from nanoseconds and the unit index (ns, µs, ms, s) that
/// suit `typical_ns`.
fn time_scale(typical_ns: f64) -> (f64, usize) {
    if typical_ns < 1e3 {
        (1.0, 0)
    } else if typical_ns < 1e6 {
        (1e-3, 1)
    } else if typical_ns < 1e9 {
        (1e-6, 2)
    } else {
        (1e-9, 3)
    }
}

impl ValueFormatter for SecondsFormatter {
    fn scale_values(&self, typical_ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = time_scale(typical_ns);
        values.iter_mut().for_each(|v| *v *= factor);
        ["ns", "µs", "ms", "s"][unit]
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        per_second(throughput, values)
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// Shows nanoseconds per output token as time per token (`ms/tok`...):
/// the unit of every number criterion prints for [`Otps`], estimates and
/// spreads alike.
#[derive(Debug, Clone, Copy)]
pub struct TimePerTokenFormatter;

impl ValueFormatter for TimePerTokenFormatter {
    fn scale_values(&self, typical_ns_per_token: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = time_scale(typical_ns_per_token);
        values.iter_mut().for_each(|v| *v *= factor);
        ["ns/tok", "µs/tok", "ms/tok", "s/tok"][unit]
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        per_second(throughput, values)
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns/token"
    }
}

/// Elements (or bytes) per second from nanoseconds per iteration.
fn per_second(throughput: &Throughput, values: &mut [f64]) -> &'static str {
    let (per_iteration, unit) = match throughput {
        Throughput::Bytes(n) | Throughput::BytesDecimal(n) => (*n as f64, "B/s"),
        Throughput::Elements(n) => (*n as f64, "elem/s"),
        Throughput::Bits(n) => (*n as f64, "bit/s"),
        _ => (1.0, "/s"),
    };
    values.iter_mut().for_each(|v| {
        *v = if *v > 0.0 {
            per_iteration * 1e9 / *v
        } else {
            0.0
        }
    });
    unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::Usage;

    fn record(ttft_ms: u64, total_ms: u64, tokens: u32) -> CallRecord {
        let mut r = CallRecord::start(2);
        r.deltas.push(r.t0 + Duration::from_millis(ttft_ms));
        r.end_at = Some(r.t0 + Duration::from_millis(total_ms));
        r.usage = Some(Usage {
            input_tokens: 1,
            output_tokens: tokens,
            total_tokens: tokens + 1,
            ..Usage::default()
        });
        r
    }

    #[test]
    fn values_come_from_the_record() {
        let r = record(400, 1000, 50);
        assert_eq!(Ttft::value(&r), Some(Duration::from_millis(400)));
        assert_eq!(TotalLatency::value(&r), Some(Duration::from_secs(1)));
        assert_eq!(Otps::value(&r), Some(Duration::from_millis(20)));
        // 50 tokens per second is 20 ms per token; a spread of 5 ms/tok
        // around it is shown as 5 ms/tok, never as a rate.
        let mut shown = [Otps.to_f64(&Duration::from_millis(20)), 5e6];
        assert_eq!(
            Otps.formatter().scale_values(shown[0], &mut shown),
            "ms/tok"
        );
        assert!(
            (shown[0] - 20.0).abs() < 1e-9,
            "20 ms per token, got {}",
            shown[0]
        );
        assert!(
            (shown[1] - 5.0).abs() < 1e-9,
            "a 5 ms spread, got {}",
            shown[1]
        );
    }

    #[test]
    fn failed_calls_have_no_value_and_zero_is_never_a_value() {
        let mut failed = CallRecord::start(0);
        failed.end_at = Some(failed.t0);
        assert_eq!(Ttft::value(&failed), None);
        assert_eq!(
            TotalLatency::value(&failed),
            None,
            "a zero total is not a value"
        );
        assert_eq!(Otps::value(&failed), None);
        assert_eq!(Otps::value(&record(10, 20, 0)), None);
    }

    #[test]
    fn seconds_scale_with_the_typical_value() {
        let mut v = [1.5e9];
        assert_eq!(SecondsFormatter.scale_values(1.5e9, &mut v), "s");
        assert!((v[0] - 1.5).abs() < 1e-12);
        let mut v = [2.5e6];
        assert_eq!(SecondsFormatter.scale_values(2.5e6, &mut v), "ms");
        assert!((v[0] - 2.5).abs() < 1e-12);
    }
}
