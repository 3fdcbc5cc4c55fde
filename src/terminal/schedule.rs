//! The open loop's schedule per group, for the terminal and the report:
//! how late calls started (dispatch lag), how many the concurrency cap
//! held back, and TTFT and total latency from the scheduled instant
//! beside the same from the call's start.

use crate::analysis::percentile_rule::cell;
use crate::analysis::{GroupStats, Metric};

/// The columns of the schedule table.
pub const HEADER: [&str; 11] = [
    "model",
    "region",
    "performance_config",
    "scheduled_calls",
    "lag_p50_ms",
    "lag_p99_ms",
    "lag_max_ms",
    "held_by_cap",
    "TTFT_p90",
    "TTFT_p90_from_schedule",
    "total_p90_from_schedule",
];

fn ms(seconds: f64) -> String {
    format!("{:.3}", seconds * 1000.0)
}

/// A p90, or the calls it needs (`n<10`; see `analysis::percentile_rule`).
fn p90(group: &GroupStats, metric: Metric) -> String {
    group.metric(metric).map_or_else(
        || cell(90.0, 0, f64::NAN, |_| String::new()),
        |s| cell(90.0, s.count, s.p90, |v| format!("{v:.3}")),
    )
}

/// One row per open-loop group (none for closed-loop data).
pub fn rows(groups: &[GroupStats]) -> Vec<Vec<String>> {
    groups
        .iter()
        .filter_map(|g| {
            let s = g.schedule?;
            let held = match s.queued_calls {
                0 => "0".to_string(),
                n => format!("{n} (max wait {:.3} s)", s.queued_max),
            };
            Some(vec![
                g.model.clone(),
                g.region.clone(),
                g.performance_config.clone(),
                s.calls.to_string(),
                ms(s.dispatch_lag_p50),
                cell(99.0, s.calls as usize, s.dispatch_lag_p99, ms),
                ms(s.dispatch_lag_max),
                held,
                p90(g, Metric::Ttft),
                p90(g, Metric::TtftFromScheduled),
                p90(g, Metric::TotalFromScheduled),
            ])
        })
        .collect()
}
