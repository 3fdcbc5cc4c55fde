//! `analysis_comparison_<ts>.csv`: per model and region, every pair of
//! groups one variant axis apart (see [`crate::analysis::compare`]): the
//! axis, both group labels and their successful calls, then for each
//! compared metric (TTFT, time to first text, generation OTPS, total
//! latency) both medians, their ratio variant / baseline and its bootstrap
//! 95% interval (6 decimals; empty when undefined), then the calls not
//! served what they asked on that axis (empty where not reported), then
//! each side's cost per 1,000 calls (exact dollars, empty when unknown) and
//! their ratio variant / baseline.

use std::io::Write;

use crate::analysis::{COMPARED_METRICS, Comparison, RatioEstimate};

/// The columns before the metrics.
pub const KEY_COLUMNS: [&str; 7] = [
    "model",
    "region",
    "axis",
    "baseline",
    "variant",
    "n_baseline",
    "n_variant",
];

/// The columns of each compared metric, as suffixes of `<metric>_p50_`.
pub const RATIO_COLUMNS: [&str; 5] = [
    "baseline",
    "variant",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
];

/// The cost columns, after `mismatches`.
pub const COST_COLUMNS: [&str; 3] = [
    "cost_per_1k_calls_usd_baseline",
    "cost_per_1k_calls_usd_variant",
    "cost_ratio",
];

/// Every column, in order.
pub fn columns() -> Vec<String> {
    let mut out: Vec<String> = KEY_COLUMNS.iter().map(|c| c.to_string()).collect();
    for metric in COMPARED_METRICS {
        for suffix in RATIO_COLUMNS {
            out.push(format!("{}_p50_{suffix}", metric.name()));
        }
    }
    out.push("mismatches".to_string());
    out.extend(COST_COLUMNS.iter().map(|c| c.to_string()));
    out
}

fn cells(estimate: &RatioEstimate) -> [String; 5] {
    [
        estimate.baseline,
        estimate.variant,
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
        c.axis.name().to_string(),
        c.baseline.clone(),
        c.variant.clone(),
        c.n_baseline.to_string(),
        c.n_variant.to_string(),
    ];
    for estimate in &c.ratios {
        fields.extend(cells(estimate));
    }
    fields.push(c.mismatches.map(|n| n.to_string()).unwrap_or_default());
    let per_1k = |cost: &crate::analysis::CostStats| {
        cost.per_1k_calls()
            .map(|c| c.to_string())
            .unwrap_or_default()
    };
    fields.push(per_1k(&c.cost_baseline));
    fields.push(per_1k(&c.cost_variant));
    fields.push(
        c.cost_ratio()
            .map(|r| format!("{r:.6}"))
            .unwrap_or_default(),
    );
    fields
}

/// Write the header and one row per comparison.
pub fn write<W: Write>(writer: W, comparisons: &[Comparison]) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(columns())?;
    for c in comparisons {
        csv.write_record(record(c))?;
    }
    csv.flush()
}
