//! `analysis_extended_<ts>.csv`: per (model, region, variant), the
//! variant axis by axis, what happened to every attempt (with what was
//! asked and not served: fallbacks, tier downgrades, cache points that
//! never hit) and, for every metric over the successful ones, the number
//! of values, mean, std, min, p50, p90, p95, p99 and max (6 decimals;
//! empty when undefined). A tail percentile of too few values is left
//! empty (see [`crate::analysis::percentile_rule`]) and the row's
//! `thin_percentiles` says which. Last, what the group's attempts cost
//! ([`COST_COLUMNS`]): exact dollars, empty when unknown (never 0); and
//! how an open-loop group kept its schedule ([`SCHEDULE_COLUMNS`]).

use std::io::Write;

use crate::analysis::percentile_rule::{is_shown, thin_mark};
use crate::analysis::{GroupStats, Metric, Summary};

/// The columns before the metrics.
pub const KEY_COLUMNS: [&str; 21] = [
    "model",
    "region",
    "variant",
    "performance_config",
    "service_tier",
    "cache",
    "reasoning_budget_tokens",
    "tools",
    "targets",
    "attempts",
    "invocations",
    "successes",
    "errors",
    "throttles",
    "timeouts",
    "failed_invocations",
    "fallbacks",
    "tier_downgrades",
    "cache_unused",
    "warmups",
    "thin_percentiles",
];

/// The cost columns, after the metrics: attempts with a known cost,
/// successful attempts without one, the exact total of the known costs and
/// the mean cost of the priced attempts times 1,000 (rounded to the
/// picodollar); the amounts empty when no attempt was priced.
pub const COST_COLUMNS: [&str; 4] = [
    "calls_priced",
    "unpriced_calls",
    "cost_usd_total",
    "cost_per_1k_calls_usd",
];

/// The open loop's schedule columns, last: calls with a dispatch lag,
/// the dispatch lag's p50, p99 and maximum (seconds), the calls the
/// concurrency cap held back and the longest wait for a slot (seconds);
/// empty (and `0` calls) for a closed-loop group.
pub const SCHEDULE_COLUMNS: [&str; 6] = [
    "scheduled_calls",
    "dispatch_lag_p50_s",
    "dispatch_lag_p99_s",
    "dispatch_lag_max_s",
    "queued_calls",
    "queued_max_s",
];

/// The statistics of each metric, as column suffixes.
pub const STATISTICS: [&str; 9] = ["n", "mean", "std", "min", "p50", "p90", "p95", "p99", "max"];

/// The tail percentiles the rule applies to, as in [`STATISTICS`].
const TAILS: [f64; 3] = [90.0, 95.0, 99.0];

/// Every column, in order.
pub fn columns() -> Vec<String> {
    let mut out: Vec<String> = KEY_COLUMNS.iter().map(|c| c.to_string()).collect();
    for metric in Metric::ALL {
        for stat in STATISTICS {
            out.push(format!("{}_{stat}", metric.name()));
        }
    }
    out.extend(COST_COLUMNS.iter().map(|c| c.to_string()));
    out.extend(SCHEDULE_COLUMNS.iter().map(|c| c.to_string()));
    out
}

fn cell(value: Option<f64>) -> String {
    value.map(|v| format!("{:.6}", v + 0.0)).unwrap_or_default()
}

/// The tail percentiles left empty in some metric of `stats`, with the
/// count each needs: `p95 n<20; p99 n<100` (empty when none).
pub fn thin_percentiles(stats: &GroupStats) -> String {
    let counts: Vec<usize> = Metric::ALL
        .iter()
        .filter_map(|&m| stats.metric(m).map(|s| s.count))
        .collect();
    TAILS
        .into_iter()
        .filter(|&p| counts.iter().any(|&n| !is_shown(p, n)))
        .map(|p| format!("p{p} {}", thin_mark(p)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn metric_cells(s: Option<&Summary>) -> [String; 9] {
    let tail = |p: f64, value: fn(&Summary) -> f64| s.filter(|s| is_shown(p, s.count)).map(value);
    [
        s.map_or_else(|| "0".to_string(), |s| s.count.to_string()),
        cell(s.map(|s| s.mean)),
        cell(s.and_then(|s| s.std)),
        cell(s.map(|s| s.min)),
        cell(s.map(|s| s.p50)),
        cell(tail(90.0, |s| s.p90)),
        cell(tail(95.0, |s| s.p95)),
        cell(tail(99.0, |s| s.p99)),
        cell(s.map(|s| s.max)),
    ]
}

/// The fields of one group, as written. Several targets are joined with `;`.
pub fn record(stats: &GroupStats) -> Vec<String> {
    let c = &stats.counts;
    let v = &stats.variant;
    let mut fields = vec![
        stats.model.clone(),
        stats.region.clone(),
        stats.performance_config.clone(),
        v.performance_config.clone(),
        v.reported_tier().to_string(),
        v.cache
            .map(|state| state.as_str())
            .unwrap_or_default()
            .to_string(),
        v.reasoning_budget_tokens
            .map(|b| b.to_string())
            .unwrap_or_default(),
        v.tools.clone().unwrap_or_default(),
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
            c.tier_downgrades,
            c.cache_unused,
            c.warmups,
        ]
        .map(|n| n.to_string()),
    );
    fields.push(thin_percentiles(stats));
    for metric in Metric::ALL {
        fields.extend(metric_cells(stats.metric(metric)));
    }
    let cost = &stats.cost;
    fields.extend([
        cost.priced.to_string(),
        cost.unpriced.to_string(),
        cost.total().map(|c| c.to_string()).unwrap_or_default(),
        cost.per_1k_calls()
            .map(|c| c.to_string())
            .unwrap_or_default(),
    ]);
    let schedule = stats.schedule;
    fields.extend([
        schedule.map_or(0, |s| s.calls).to_string(),
        cell(schedule.map(|s| s.dispatch_lag_p50)),
        cell(schedule.map(|s| s.dispatch_lag_p99)),
        cell(schedule.map(|s| s.dispatch_lag_max)),
        schedule.map_or(0, |s| s.queued_calls).to_string(),
        cell(schedule.map(|s| s.queued_max)),
    ]);
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
