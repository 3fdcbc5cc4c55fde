//! The service-level objective a sweep step must meet: latency
//! percentiles under a bound, and throttle and error percentages under a
//! bound.
//!
//! ```text
//! --slo ttft_p90<=2s --slo total_p99<=20s --slo throttle<=1% --slo error<=1%
//! ```
//!
//! Latency metrics: `ttft`, `total` (from the call's start, as `run`
//! reports them) and `ttft_sched`, `total_sched` (from the call's
//! scheduled instant, so a client that fell behind its schedule cannot
//! hide its own queue). Percentiles `p50`, `p90`, `p95`, `p99`; bounds in
//! `s` or `ms`. A call is *good* when it succeeded and every latency bound
//! holds for it; goodput is good calls per second.

use std::fmt;

use thiserror::Error;

use super::result::{LatencyMetric, PERCENTILES};

/// One objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// The `percentile`th percentile of `metric` over the step's
    /// successful calls is at most `max_s` seconds.
    Latency {
        /// Which latency.
        metric: LatencyMetric,
        /// 50, 90, 95 or 99.
        percentile: u8,
        /// The bound, seconds.
        max_s: f64,
    },
    /// Throttled calls are at most this percentage of the step's calls.
    ThrottlePct(f64),
    /// Failed calls other than throttles are at most this percentage.
    ErrorPct(f64),
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Objective::Latency {
                metric,
                percentile,
                max_s,
            } => write!(f, "{}_p{percentile}<={}s", metric.as_str(), trim(*max_s)),
            Objective::ThrottlePct(pct) => write!(f, "throttle<={}%", trim(*pct)),
            Objective::ErrorPct(pct) => write!(f, "error<={}%", trim(*pct)),
        }
    }
}

/// A number without a trailing `.0`.
fn trim(value: f64) -> String {
    let text = format!("{value}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_string)
}

/// A `--slo` value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "--slo {value:?}: {reason}; expected METRIC_pNN<=TIME (metrics ttft, total, ttft_sched, total_sched; pNN p50, p90, p95 or p99; TIME like 2s or 800ms), throttle<=PCT% or error<=PCT%"
)]
pub struct SloParseError {
    /// The value given.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::str::FromStr for Objective {
    type Err = SloParseError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| SloParseError {
            value: value.to_string(),
            reason: reason.to_string(),
        };
        let (name, bound) = value.split_once("<=").ok_or_else(|| fail("no `<=`"))?;
        let (name, bound) = (name.trim(), bound.trim());
        if name == "throttle" || name == "error" {
            let pct = bound
                .strip_suffix('%')
                .ok_or_else(|| fail("a percentage ends with %"))?
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && (0.0..=100.0).contains(p))
                .ok_or_else(|| fail("the percentage must be a number from 0 to 100"))?;
            return Ok(if name == "throttle" {
                Objective::ThrottlePct(pct)
            } else {
                Objective::ErrorPct(pct)
            });
        }
        let (metric, percentile) = name
            .rsplit_once("_p")
            .ok_or_else(|| fail("the metric names no percentile (like ttft_p90)"))?;
        let metric = LatencyMetric::ALL
            .into_iter()
            .find(|m| m.as_str() == metric)
            .ok_or_else(|| fail(&format!("unknown metric {metric:?}")))?;
        let percentile = percentile
            .parse::<u8>()
            .ok()
            .filter(|p| PERCENTILES.contains(p))
            .ok_or_else(|| fail(&format!("unknown percentile p{percentile}")))?;
        let max_s = parse_time(bound).ok_or_else(|| fail("the bound is not a positive time"))?;
        Ok(Objective::Latency {
            metric,
            percentile,
            max_s,
        })
    }
}

/// `2s`, `2.5 s`, `800ms` in seconds; positive and finite.
fn parse_time(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1e-3)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1.0)
    } else {
        return None;
    };
    let value = number.trim().parse::<f64>().ok()? * scale;
    (value.is_finite() && value > 0.0).then_some(value)
}

/// The objectives of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// Every objective; a step meets the SLO when it meets all of them.
    pub objectives: Vec<Objective>,
}

impl Slo {
    /// `objectives`, plus the defaults for what they leave out: no throttle
    /// at all (`throttle<=0%`, so the sweep stops where the service starts
    /// throttling) and `error<=1%`.
    pub fn with_defaults(mut objectives: Vec<Objective>) -> Slo {
        if !objectives
            .iter()
            .any(|o| matches!(o, Objective::ThrottlePct(_)))
        {
            objectives.push(Objective::ThrottlePct(0.0));
        }
        if !objectives
            .iter()
            .any(|o| matches!(o, Objective::ErrorPct(_)))
        {
            objectives.push(Objective::ErrorPct(1.0));
        }
        Slo { objectives }
    }

    /// The latency bounds a call must meet to be good.
    pub fn latency_bounds(&self) -> impl Iterator<Item = (LatencyMetric, f64)> + '_ {
        self.objectives.iter().filter_map(|o| match o {
            Objective::Latency { metric, max_s, .. } => Some((*metric, *max_s)),
            _ => None,
        })
    }
}

impl fmt::Display for Slo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.objectives.iter().map(|o| o.to_string()).collect();
        f.write_str(&parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objectives_parse_and_print_back() {
        for text in [
            "ttft_p90<=2s",
            "total_sched_p99<=20s",
            "ttft_sched_p50<=0.8s",
            "throttle<=1%",
            "error<=0.5%",
        ] {
            let objective: Objective = text.parse().expect(text);
            assert_eq!(objective.to_string(), text);
        }
        assert_eq!(
            "ttft_p95 <= 800ms".parse::<Objective>(),
            Ok(Objective::Latency {
                metric: LatencyMetric::Ttft,
                percentile: 95,
                max_s: 0.8
            })
        );
    }

    #[test]
    fn bad_objectives_say_what_is_wrong() {
        for (text, reason) in [
            ("ttft_p90<2s", "no `<=`"),
            ("ttft_p80<=2s", "unknown percentile p80"),
            ("otps_p90<=2s", "unknown metric \"otps\""),
            ("ttft<=2s", "names no percentile"),
            ("ttft_p90<=2", "not a positive time"),
            ("ttft_p90<=-2s", "not a positive time"),
            ("throttle<=1", "ends with %"),
            ("error<=101%", "from 0 to 100"),
        ] {
            let error = text.parse::<Objective>().expect_err(text).to_string();
            assert!(error.contains(reason), "{text}: {error}");
            assert!(error.contains(text), "{text}: {error}");
        }
    }

    #[test]
    fn defaults_fill_only_what_is_missing() {
        let slo = Slo::with_defaults(vec!["throttle<=5%".parse().unwrap()]);
        assert_eq!(slo.to_string(), "throttle<=5%, error<=1%");
        assert_eq!(
            Slo::with_defaults(Vec::new()).to_string(),
            "throttle<=0%, error<=1%"
        );
    }
}
