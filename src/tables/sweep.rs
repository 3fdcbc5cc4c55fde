//! The steps of a sweep: one row per step done.
//!
//! As CSV it is `sweep.csv`: the step, the offered rate (or concurrency)
//! and the achieved rate, what happened to the calls, goodput, whether the
//! step met the SLO (and which objectives it failed), the 99th percentile
//! of the dispatch lag, which tail percentiles had too few calls to be
//! given (`thin_percentiles`, see [`crate::analysis::percentile_rule`]:
//! their cells are empty), p50/p90/p95/p99 of each latency
//! ([`LatencyMetric`]) over the successes, the cost and the step's
//! directory. Times in seconds, 6 decimals; empty when undefined.
//!
//! People read the offered and achieved load, the failure percentages,
//! goodput, TTFT (p50, p90, p99) and total latency (p90) from the
//! scheduled instant, the verdict and the step's directory; a step that
//! did not meet the SLO is highlighted.

use crate::analysis::percentile_rule::thin_list;
use crate::sweep::result::{LatencyMetric, LevelKind, PERCENTILES, StepStats, SweepStep};
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// The CSV's columns before the latencies.
pub const STEP_COLUMNS: [&str; 16] = [
    "step",
    "offered_rate_per_s",
    "concurrency",
    "achieved_rate_per_s",
    "duration_s",
    "calls",
    "successes",
    "throttles",
    "errors",
    "throttle_pct",
    "error_pct",
    "goodput_per_s",
    "slo_met",
    "slo_failures",
    "dispatch_lag_p99_s",
    "thin_percentiles",
];

/// The CSV's columns after the latencies.
pub const TAIL_COLUMNS: [&str; 3] = ["interrupted", "cost_usd", "dir"];

/// The latency percentiles people read, with their headers.
const SHOWN_LATENCIES: [(LatencyMetric, u8, &str); 4] = [
    (LatencyMetric::TtftFromScheduled, 50, "TTFT p50 (sched)"),
    (LatencyMetric::TtftFromScheduled, 90, "TTFT p90 (sched)"),
    (LatencyMetric::TtftFromScheduled, 99, "TTFT p99 (sched)"),
    (LatencyMetric::TotalFromScheduled, 90, "total p90 (sched)"),
];

/// The tail percentiles of `stats` left empty for too few values: `p90
/// n<10; p95 n<20; p99 n<100` (over every latency and the dispatch lag).
pub fn thin_percentiles(stats: &StepStats) -> String {
    let mut counts: Vec<usize> = stats
        .latencies
        .iter()
        .filter_map(|(_, p)| p.map(|p| p.count))
        .collect();
    if stats.dispatch_lag_p99.is_some() {
        counts.push(stats.dispatch_lags);
    }
    let tails: Vec<f64> = PERCENTILES
        .iter()
        .map(|&p| f64::from(p))
        .filter(|&p| p > 50.0)
        .collect();
    thin_list(&tails, &counts)
}

fn columns(kind: LevelKind) -> Vec<Column> {
    let per_second = |name| Column::numbers(name, Format::PER_SECOND, "1/s");
    let percent = |name| Column::numbers(name, Format::PERCENT, "%");
    let seconds = |name: &str| Column::numbers(name, Format::SECONDS, "s");
    let text = |name| Column::new(name, Kind::Text).csv_only();
    let level = match kind {
        LevelKind::Rate => per_second("offered/s"),
        LevelKind::Concurrency => Column::numbers("concurrency", Format::WHOLE, "calls"),
    };
    let mut columns = vec![
        Column::counts("step"),
        level.people_only(),
        per_second("offered_rate_per_s").csv_only(),
        Column::numbers("concurrency", Format::WHOLE, "calls").csv_only(),
        per_second("achieved_rate_per_s").shown_as("achieved/s"),
        seconds("duration_s").csv_only(),
        Column::counts("calls"),
        Column::counts("successes").csv_only(),
        Column::counts("throttles").csv_only(),
        Column::counts("errors").csv_only(),
        percent("throttle_pct").shown_as("throttled %"),
        percent("error_pct").shown_as("errors %"),
        per_second("goodput_per_s").shown_as("goodput/s"),
        text("slo_met"),
        text("slo_failures"),
        seconds("dispatch_lag_p99_s").csv_only(),
        text("thin_percentiles"),
    ];
    for metric in LatencyMetric::ALL {
        for p in PERCENTILES {
            let column = seconds(&format!("{}_p{p}_s", metric.as_str()));
            columns.push(
                match SHOWN_LATENCIES
                    .iter()
                    .find(|(m, q, _)| *m == metric && *q == p)
                {
                    Some((_, _, header)) => column.shown_as(header),
                    None => column.csv_only(),
                },
            );
        }
    }
    columns.extend([
        Column::new("SLO", Kind::Text).people_only(),
        text("interrupted"),
        Column::dollars("cost_usd").csv_only(),
        Column::new("dir", Kind::Id).shown_as("files"),
    ]);
    columns
}

fn row(kind: LevelKind, step: &SweepStep) -> Row {
    let s = &step.stats;
    let verdict = if step.interrupted {
        "interrupted".to_string()
    } else if step.passed() {
        "met".to_string()
    } else {
        format!("failed: {}", step.failures.join("; "))
    };
    let mut cells = vec![
        Cell::Count(step.index as u64),
        Cell::Number(s.level),
        Cell::number((kind == LevelKind::Rate).then_some(s.level)),
        Cell::number((kind == LevelKind::Concurrency).then_some(s.level)),
        Cell::Number(s.achieved_rate()),
        Cell::Number(s.duration_s),
        Cell::Count(s.calls),
        Cell::Count(s.successes),
        Cell::Count(s.throttles),
        Cell::Count(s.errors),
        Cell::Number(s.throttle_pct()),
        Cell::Number(s.error_pct()),
        Cell::Number(s.goodput()),
        Cell::text(step.passed().to_string()),
        Cell::text(step.failures.join("; ")),
        s.dispatch_lag_p99
            .map_or(Cell::Empty, |v| Cell::tail(99.0, s.dispatch_lags, v)),
        Cell::text(thin_percentiles(s)),
    ];
    for metric in LatencyMetric::ALL {
        let percentiles = s.latency(metric);
        for p in PERCENTILES {
            cells.push(
                percentiles
                    .and_then(|q| Some((q.count, q.get(p)?)))
                    .map_or(Cell::Empty, |(n, v)| Cell::tail(f64::from(p), n, v)),
            );
        }
    }
    cells.extend([
        Cell::text(verdict),
        Cell::text(step.interrupted.to_string()),
        Cell::Money(step.cost),
        Cell::text(step.dir.display().to_string()),
    ]);
    Row::new(cells).highlighted(!step.passed())
}

/// The table of `steps`, levels of `kind`, in their order.
pub fn steps(kind: LevelKind, steps: &[SweepStep]) -> Table {
    let mut table = Table::new("sweep-steps", columns(kind));
    for step in steps {
        table.push(row(kind, step));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_columns_and_the_pages_are_one_table() {
        let table = steps(LevelKind::Rate, &[]);
        let header = table.csv_header();
        assert_eq!(header[..16], STEP_COLUMNS);
        assert_eq!(header[16], "ttft_p50_s");
        assert_eq!(header[header.len() - 3..], TAIL_COLUMNS);
        assert_eq!(header.len(), 16 + 4 * 4 + 3);
        let people: Vec<&str> = table
            .columns
            .iter()
            .filter_map(|c| c.header.as_deref())
            .collect();
        assert_eq!(
            people,
            [
                "step",
                "offered/s",
                "achieved/s",
                "calls",
                "throttled %",
                "errors %",
                "goodput/s",
                "TTFT p50 (sched)",
                "TTFT p90 (sched)",
                "TTFT p99 (sched)",
                "total p90 (sched)",
                "SLO",
                "files",
            ]
        );
    }
}
