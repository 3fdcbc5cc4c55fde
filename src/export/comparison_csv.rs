//! `analysis_comparison_<ts>.csv`: standard vs optimized per model and
//! region, the ratios optimized / standard of the TTFT and generation-OTPS
//! medians with their bootstrap 95% intervals (6 decimals; empty when
//! undefined).

use std::io::Write;

use crate::analysis::{Comparison, RatioEstimate};

/// Every column, in order.
pub const COMPARISON_COLUMNS: [&str; 15] = [
    "model",
    "region",
    "n_standard",
    "n_optimized",
    "ttft_p50_standard",
    "ttft_p50_optimized",
    "ttft_p50_ratio",
    "ttft_p50_ratio_ci_low",
    "ttft_p50_ratio_ci_high",
    "generation_otps_p50_standard",
    "generation_otps_p50_optimized",
    "generation_otps_p50_ratio",
    "generation_otps_p50_ratio_ci_low",
    "generation_otps_p50_ratio_ci_high",
    "fallbacks",
];

fn cells(estimate: &RatioEstimate) -> [String; 5] {
    [
        estimate.standard,
        estimate.optimized,
        estimate.ratio,
        estimate.ci_low,
        estimate.ci_high,
    ]
    .map(|v| v.map(|v| format!("{:.6}", v + 0.0)).unwrap_or_default())
}

/// The fields of one comparison, as written.
pub fn record(c: &Comparison) -> Vec<String> {
    let mut fields = vec![
        c.model.clone(),
        c.region.clone(),
        c.n_standard.to_string(),
        c.n_optimized.to_string(),
    ];
    fields.extend(cells(&c.ttft_p50));
    fields.extend(cells(&c.generation_otps_p50));
    fields.push(c.fallbacks.to_string());
    fields
}

/// Write the header and one row per comparison.
pub fn write<W: Write>(writer: W, comparisons: &[Comparison]) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(COMPARISON_COLUMNS)?;
    for c in comparisons {
        csv.write_record(record(c))?;
    }
    csv.flush()
}
