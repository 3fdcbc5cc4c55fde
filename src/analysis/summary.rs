//! The Python tool's summary: one row per group, the numbers pandas gives
//! (successful calls only; OTPS per call = output tokens / total latency,
//! then mean/p50/p90/std across calls).

use super::extended::GroupStats;
use super::metrics::Metric;

/// One row of `analysis_summary_<ts>.csv`, unrounded. `None` is what
/// pandas writes as an empty field (no value, or std of fewer than two).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Model or inference profile id.
    pub model: String,
    /// Region.
    pub region: String,
    /// Performance config (`standard` when the raw file left it empty).
    pub performance_config: String,
    /// Successful calls.
    pub sample_size: u64,
    /// Mean TTFT, seconds.
    pub ttft_mean: Option<f64>,
    /// Median TTFT.
    pub ttft_p50: Option<f64>,
    /// 90th percentile TTFT.
    pub ttft_p90: Option<f64>,
    /// TTFT standard deviation (n - 1).
    pub ttft_std: Option<f64>,
    /// Mean input tokens.
    pub avg_input_tokens: Option<f64>,
    /// Mean output tokens.
    pub avg_output_tokens: Option<f64>,
    /// Mean total latency, seconds.
    pub total_time_mean: Option<f64>,
    /// Median total latency.
    pub total_time_p50: Option<f64>,
    /// 90th percentile total latency.
    pub total_time_p90: Option<f64>,
    /// Mean of the per-call OTPS.
    pub otps_mean: Option<f64>,
    /// Median OTPS.
    pub otps_p50: Option<f64>,
    /// 90th percentile OTPS.
    pub otps_p90: Option<f64>,
    /// OTPS standard deviation (n - 1).
    pub otps_std: Option<f64>,
}

impl SummaryRow {
    /// The summary row of a group.
    pub fn from_stats(stats: &GroupStats) -> SummaryRow {
        let m = |metric| stats.metric(metric);
        let ttft = m(Metric::Ttft);
        let total = m(Metric::TotalLatency);
        let otps = m(Metric::Otps);
        SummaryRow {
            model: stats.model.clone(),
            region: stats.region.clone(),
            performance_config: stats.performance_config.clone(),
            sample_size: stats.counts.successes - stats.counts.warmups,
            ttft_mean: ttft.map(|s| s.mean),
            ttft_p50: ttft.map(|s| s.p50),
            ttft_p90: ttft.map(|s| s.p90),
            ttft_std: ttft.and_then(|s| s.std),
            avg_input_tokens: m(Metric::InputTokens).map(|s| s.mean),
            avg_output_tokens: m(Metric::OutputTokens).map(|s| s.mean),
            total_time_mean: total.map(|s| s.mean),
            total_time_p50: total.map(|s| s.p50),
            total_time_p90: total.map(|s| s.p90),
            otps_mean: otps.map(|s| s.mean),
            otps_p50: otps.map(|s| s.p50),
            otps_p90: otps.map(|s| s.p90),
            otps_std: otps.and_then(|s| s.std),
        }
    }

    /// The numbers after `sample_size`, in the file's column order.
    pub fn numbers(&self) -> [Option<f64>; 13] {
        [
            self.ttft_mean,
            self.ttft_p50,
            self.ttft_p90,
            self.ttft_std,
            self.avg_input_tokens,
            self.avg_output_tokens,
            self.total_time_mean,
            self.total_time_p50,
            self.total_time_p90,
            self.otps_mean,
            self.otps_p50,
            self.otps_p90,
            self.otps_std,
        ]
    }
}

/// The summary rows of `stats`, in the same order.
pub fn summary_rows(stats: &[GroupStats]) -> Vec<SummaryRow> {
    stats.iter().map(SummaryRow::from_stats).collect()
}
