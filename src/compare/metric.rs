//! The metrics `compare` reports and gates on, each with its name (as
//! `--fail-if` spells it), what it is computed from, and which way is
//! better.

use crate::analysis::Metric;

/// How a compared metric is estimated, and so how its change and its
/// interval are computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A percentile of a per-call metric over the successful calls: the
    /// change is the ratio NEW / BASE - 1, its interval a bootstrap of
    /// the ratio of percentiles.
    Quantile {
        /// The per-call metric.
        metric: Metric,
        /// Which percentile (50, 90, 99).
        percentile: f64,
    },
    /// A share of the attempts, in percent (errors, throttles): the
    /// change is the difference NEW - BASE in percentage points, its
    /// interval Newcombe's (from each side's Wilson interval).
    Percentage,
    /// The cost per 1,000 calls: the change is the ratio NEW / BASE - 1,
    /// with no interval (a sum of prices, not a sample).
    Cost,
}

/// Which way a change is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// A smaller value is better, and the verdicts are `faster`/`slower`
    /// (latencies).
    LowerTime,
    /// A smaller value is better, and the verdicts are `better`/`worse`
    /// (errors, throttles, cost).
    Lower,
    /// A larger value is better (`better`/`worse`: tokens per second).
    Higher,
}

/// A metric compared between BASE and NEW.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareMetric {
    /// TTFT p50.
    TtftP50,
    /// TTFT p90.
    TtftP90,
    /// TTFT p99.
    TtftP99,
    /// Total latency p50.
    TotalP50,
    /// Total latency p90.
    TotalP90,
    /// Total latency p99.
    TotalP99,
    /// Time to first text p50.
    TtftTextP50,
    /// Generation OTPS p50.
    OtpsP50,
    /// Failed attempts, percent of attempts.
    ErrorPct,
    /// Throttled attempts, percent of attempts.
    ThrottlePct,
    /// Cost per 1,000 calls.
    CostPer1k,
}

impl CompareMetric {
    /// Every metric, in the order of the tables.
    pub const ALL: [CompareMetric; 11] = [
        CompareMetric::TtftP50,
        CompareMetric::TtftP90,
        CompareMetric::TtftP99,
        CompareMetric::TotalP50,
        CompareMetric::TotalP90,
        CompareMetric::TotalP99,
        CompareMetric::TtftTextP50,
        CompareMetric::OtpsP50,
        CompareMetric::ErrorPct,
        CompareMetric::ThrottlePct,
        CompareMetric::CostPer1k,
    ];

    /// Its name, as `--fail-if` and the JSON spell it.
    pub fn name(self) -> &'static str {
        match self {
            CompareMetric::TtftP50 => "ttft_p50",
            CompareMetric::TtftP90 => "ttft_p90",
            CompareMetric::TtftP99 => "ttft_p99",
            CompareMetric::TotalP50 => "total_p50",
            CompareMetric::TotalP90 => "total_p90",
            CompareMetric::TotalP99 => "total_p99",
            CompareMetric::TtftTextP50 => "ttft_text_p50",
            CompareMetric::OtpsP50 => "otps_p50",
            CompareMetric::ErrorPct => "error_pct",
            CompareMetric::ThrottlePct => "throttle_pct",
            CompareMetric::CostPer1k => "cost_per_1k",
        }
    }

    /// The metric named `name`, if any.
    pub fn from_name(name: &str) -> Option<CompareMetric> {
        CompareMetric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Every name, joined by spaces (for error messages).
    pub fn names() -> String {
        CompareMetric::ALL.map(CompareMetric::name).join(" ")
    }

    /// How it is estimated.
    pub fn kind(self) -> Kind {
        let quantile = |metric, percentile| Kind::Quantile { metric, percentile };
        match self {
            CompareMetric::TtftP50 => quantile(Metric::Ttft, 50.0),
            CompareMetric::TtftP90 => quantile(Metric::Ttft, 90.0),
            CompareMetric::TtftP99 => quantile(Metric::Ttft, 99.0),
            CompareMetric::TotalP50 => quantile(Metric::TotalLatency, 50.0),
            CompareMetric::TotalP90 => quantile(Metric::TotalLatency, 90.0),
            CompareMetric::TotalP99 => quantile(Metric::TotalLatency, 99.0),
            CompareMetric::TtftTextP50 => quantile(Metric::TimeToFirstText, 50.0),
            CompareMetric::OtpsP50 => quantile(Metric::GenerationOtps, 50.0),
            CompareMetric::ErrorPct | CompareMetric::ThrottlePct => Kind::Percentage,
            CompareMetric::CostPer1k => Kind::Cost,
        }
    }

    /// Which way is better.
    pub fn better(self) -> Better {
        match self {
            CompareMetric::OtpsP50 => Better::Higher,
            CompareMetric::ErrorPct | CompareMetric::ThrottlePct | CompareMetric::CostPer1k => {
                Better::Lower
            }
            _ => Better::LowerTime,
        }
    }

    /// Whether its change is a difference in percentage points (else a
    /// relative change).
    pub fn is_percentage(self) -> bool {
        self.kind() == Kind::Percentage
    }

    /// Its unit for people (`s`, `tokens/s`, `%`, `$`).
    pub fn unit(self) -> &'static str {
        match self {
            CompareMetric::OtpsP50 => "tokens/s",
            CompareMetric::ErrorPct | CompareMetric::ThrottlePct => "%",
            CompareMetric::CostPer1k => "$",
            _ => "s",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back() {
        for metric in CompareMetric::ALL {
            assert_eq!(CompareMetric::from_name(metric.name()), Some(metric));
        }
        assert_eq!(CompareMetric::from_name("ttft_p95"), None);
        assert!(CompareMetric::names().starts_with("ttft_p50 ttft_p90"));
        assert_eq!(CompareMetric::OtpsP50.better(), Better::Higher);
        assert!(CompareMetric::ErrorPct.is_percentage());
        assert_eq!(CompareMetric::TotalP99.unit(), "s");
    }
}
