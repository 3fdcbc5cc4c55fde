//! `analysis_extended_<ts>.csv`: per (model, region, performance_config),
//! what happened to every attempt and, for every metric over the
//! successful ones, mean, std, min, p50, p90, p95, p99 and max (6
//! decimals; empty when undefined).

use std::io::Write;

use crate::analysis::{GroupStats, Metric};

/// The columns before the metrics.
pub const KEY_COLUMNS: [&str; 13] = [
    "model",
    "region",
    "performance_config",
    "targets",
    "attempts",
    "invocations",
    "successes",
    "errors",
    "throttles",
    "timeouts",
    "failed_invocations",
    "fallbacks",
    "warmups",
];

/// The statistics of each metric, as column suffixes.
pub const STATISTICS: [&str; 8] = ["mean", "std", "min", "p50", "p90", "p95", "p99", "max"];

/// Every column, in order.
pub fn columns() -> Vec<String> {
    let mut out: Vec<String> = KEY_COLUMNS.iter().map(|c| c.to_string()).collect();
    for metric in Metric::ALL {
        for stat in STATISTICS {
            out.push(format!("{}_{stat}", metric.name()));
        }
    }
    out
}

fn cell(value: Option<f64>) -> String {
    value.map(|v| format!("{:.6}", v + 0.0)).unwrap_or_default()
}

/// The fields of one group, as written. Several targets are joined with `;`.
pub fn record(stats: &GroupStats) -> Vec<String> {
    let c = &stats.counts;
    let mut fields = vec![
        stats.model.clone(),
        stats.region.clone(),
        stats.performance_config.clone(),
        stats.targets.join(";"),
    ];
    fields.extend(
        [
            c.attempts,
            c.invocations,
            c.successes,
            c.errors,
            c.throttles,
            c.timeouts,
            c.failed_invocations,
            c.fallbacks,
            c.warmups,
        ]
        .map(|n| n.to_string()),
    );
    for metric in Metric::ALL {
        let s = stats.metric(metric);
        fields.extend(
            [
                s.map(|s| s.mean),
                s.and_then(|s| s.std),
                s.map(|s| s.min),
                s.map(|s| s.p50),
                s.map(|s| s.p90),
                s.map(|s| s.p95),
                s.map(|s| s.p99),
                s.map(|s| s.max),
            ]
            .map(cell),
        );
    }
    fields
}

/// Write the header and one row per group.
pub fn write<W: Write>(writer: W, stats: &[GroupStats]) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(columns())?;
    for group in stats {
        csv.write_record(record(group))?;
    }
    csv.flush()
}
