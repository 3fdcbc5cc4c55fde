//! The table of the groups: per (model, region, variant), what happened
//! to every attempt, what they cost, and (in the CSV) the variant axis by
//! axis, every metric's statistics and the open loop's schedule.
//!
//! As CSV it is `analysis_extended_<ts>.csv`: the variant axis by axis,
//! what happened to every attempt (with what was asked and not served:
//! fallbacks, tier downgrades, cache points that never hit) and, for
//! every metric over the successful ones, the number of values, mean,
//! std, min, p50, p90, p95, p99 and max (6 decimals; empty when
//! undefined). A tail percentile of too few values is left empty (see
//! [`crate::analysis::percentile_rule`]) and the row's `thin_percentiles`
//! says which. Then what the group's attempts cost ([`COST_COLUMNS`]):
//! exact dollars, empty when unknown (never 0); and how an open-loop group
//! kept its schedule ([`SCHEDULE_COLUMNS`]).
//!
//! People read its counts and costs: "attempts and failures per group",
//! dollars short, a row without a successful call highlighted.

use crate::analysis::percentile_rule::{is_shown, thin_mark};
use crate::analysis::{Counts, GroupStats, Metric, Summary};
use crate::axes::Axis;
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// The CSV's columns before the metrics.
pub const KEY_COLUMNS: [&str; 25] = [
    "model",
    "region",
    "variant",
    "performance_config",
    "service_tier",
    "cache",
    "reasoning_budget_tokens",
    "tools",
    "api",
    "endpoint",
    "guardrail",
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
    "short_answers",
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

/// A count of [`Counts`]: its column and its value.
type CountOf = (&'static str, fn(&Counts) -> u64);

/// The counts before the mismatches, in column order. `other_errors` is
/// for people (the CSV has the rest of the errors); `invocations` for the
/// CSV.
const COUNTS: [(CountOf, Shown); 8] = [
    (("attempts", |c| c.attempts), Shown::Both),
    (("invocations", |c| c.invocations), Shown::Csv),
    (("successes", |c| c.successes), Shown::Both),
    (("errors", |c| c.errors), Shown::Both),
    (("throttles", |c| c.throttles), Shown::Both),
    (("timeouts", |c| c.timeouts), Shown::Both),
    (
        ("other_errors", |c| {
            c.errors.saturating_sub(c.throttles + c.timeouts)
        }),
        Shown::People,
    ),
    (
        ("failed_invocations", |c| c.failed_invocations),
        Shown::Both,
    ),
];

/// The counts after the mismatches: the short answers (a warning tells
/// people about them), the warm-ups.
const LAST_COUNTS: [(CountOf, Shown); 2] = [
    (("short_answers", |c| c.short_answers), Shown::Csv),
    (("warmups", |c| c.warmups), Shown::Both),
];

/// The axes whose mismatches have a column ([`crate::axes::Mismatch`]),
/// in [`Axis::ALL`]'s order, with that column's name.
fn mismatch_columns() -> impl Iterator<Item = (Axis, &'static str)> {
    Axis::ALL
        .into_iter()
        .filter_map(|axis| axis.spec().mismatch.map(|m| (axis, m.column)))
}

/// Who reads a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Both,
    Csv,
    People,
}

fn shown(column: Column, shown: Shown) -> Column {
    match shown {
        Shown::Both => column,
        Shown::Csv => column.csv_only(),
        Shown::People => column.people_only(),
    }
}

fn columns() -> Vec<Column> {
    let mut columns = vec![
        Column::new("model", Kind::Id),
        Column::new("region", Kind::Key),
        Column::new("variant", Kind::Key).shown_as("performance_config"),
    ];
    for name in Axis::ALL.map(Axis::name).into_iter().chain(["targets"]) {
        columns.push(Column::new(name, Kind::Key).csv_only());
    }
    for ((name, _), who) in COUNTS {
        columns.push(shown(Column::counts(name), who));
    }
    for (_, name) in mismatch_columns() {
        columns.push(Column::counts(name));
    }
    for ((name, _), who) in LAST_COUNTS {
        columns.push(shown(Column::counts(name), who));
    }
    columns.push(Column::new("thin_percentiles", Kind::Text).csv_only());
    for metric in Metric::ALL {
        let (format, unit) = super::metric_format(metric);
        for stat in STATISTICS {
            let name = format!("{}_{stat}", metric.name());
            let column = match stat {
                "n" => Column::counts(&name),
                _ => Column::numbers(&name, format, unit),
            };
            columns.push(column.csv_only());
        }
    }
    columns.extend([
        Column::counts(COST_COLUMNS[0]),
        Column::counts(COST_COLUMNS[1]),
        Column::dollars(COST_COLUMNS[2]).shown_as("cost_total"),
        Column::dollars(COST_COLUMNS[3]).shown_as("cost_per_1k_calls"),
    ]);
    let seconds = |name| Column::numbers(name, Format::SECONDS, "s").csv_only();
    columns.extend([
        Column::counts(SCHEDULE_COLUMNS[0]).csv_only(),
        seconds(SCHEDULE_COLUMNS[1]),
        seconds(SCHEDULE_COLUMNS[2]),
        seconds(SCHEDULE_COLUMNS[3]),
        Column::counts(SCHEDULE_COLUMNS[4]).csv_only(),
        seconds(SCHEDULE_COLUMNS[5]),
    ]);
    columns
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

fn metric_cells(s: Option<&Summary>) -> [Cell; 9] {
    let tail = |p: f64, value: fn(&Summary) -> f64| {
        s.map_or(Cell::Empty, |s| Cell::tail(p, s.count, value(s)))
    };
    [
        Cell::Count(s.map_or(0, |s| s.count as u64)),
        Cell::number(s.map(|s| s.mean)),
        Cell::number(s.and_then(|s| s.std)),
        Cell::number(s.map(|s| s.min)),
        Cell::number(s.map(|s| s.p50)),
        tail(90.0, |s| s.p90),
        tail(95.0, |s| s.p95),
        tail(99.0, |s| s.p99),
        Cell::number(s.map(|s| s.max)),
    ]
}

/// The row of one group. Several targets are joined with `;`.
fn row(stats: &GroupStats) -> Row {
    let v = &stats.variant;
    let mut cells = vec![
        Cell::text(&stats.model),
        Cell::text(&stats.region),
        Cell::text(&stats.performance_config),
    ];
    cells.extend(Axis::ALL.map(|axis| Cell::text(v.csv_value(axis))));
    cells.push(Cell::text(stats.targets.join(";")));
    let counts = &stats.counts;
    cells.extend(COUNTS.map(|((_, count), _)| Cell::Count(count(counts))));
    cells.extend(
        mismatch_columns()
            .map(|(axis, _)| Cell::Count(counts.mismatched(axis).map_or(0, |(count, _)| count))),
    );
    cells.extend(LAST_COUNTS.map(|((_, count), _)| Cell::Count(count(counts))));
    cells.push(Cell::text(thin_percentiles(stats)));
    for metric in Metric::ALL {
        cells.extend(metric_cells(stats.metric(metric)));
    }
    let cost = &stats.cost;
    cells.extend([
        Cell::Count(cost.priced),
        Cell::Count(cost.unpriced),
        Cell::money(cost.total()),
        Cell::money(cost.per_1k_calls()),
    ]);
    let schedule = stats.schedule;
    cells.extend([
        Cell::Count(schedule.map_or(0, |s| s.calls)),
        Cell::number(schedule.map(|s| s.dispatch_lag_p50)),
        Cell::number(schedule.map(|s| s.dispatch_lag_p99)),
        Cell::number(schedule.map(|s| s.dispatch_lag_max)),
        Cell::Count(schedule.map_or(0, |s| s.queued_calls)),
        Cell::number(schedule.map(|s| s.queued_max)),
    ]);
    Row::new(cells).highlighted(stats.counts.successes == 0)
}

/// The table of `groups`, in their order.
pub fn groups(groups: &[GroupStats]) -> Table {
    let mut table = Table::new("counts", columns());
    for stats in groups {
        table.push(row(stats));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_columns_are_the_extended_summarys() {
        let header = groups(&[]).csv_header();
        assert_eq!(header[..KEY_COLUMNS.len()], KEY_COLUMNS);
        // The axes' columns, one per axis, in the axes' order.
        assert_eq!(header[3..3 + Axis::ALL.len()], Axis::ALL.map(Axis::name));
        assert_eq!(header.len(), KEY_COLUMNS.len() + 14 * 9 + 4 + 6);
        assert_eq!(header[KEY_COLUMNS.len()], "ttft_n");
        assert_eq!(header[header.len() - 10..header.len() - 6], COST_COLUMNS);
        assert_eq!(header[header.len() - 6..], SCHEDULE_COLUMNS);
    }

    #[test]
    fn people_read_the_counts_and_costs() {
        let table = groups(&[]);
        let headers: Vec<&str> = table
            .columns
            .iter()
            .filter_map(|c| c.header.as_deref())
            .collect();
        assert_eq!(
            headers,
            [
                "model",
                "region",
                "performance_config",
                "attempts",
                "successes",
                "errors",
                "throttles",
                "timeouts",
                "other_errors",
                "failed_invocations",
                "fallbacks",
                "tier_downgrades",
                "cache_unused",
                "warmups",
                "calls_priced",
                "unpriced_calls",
                "cost_total",
                "cost_per_1k_calls",
            ]
        );
    }
}
