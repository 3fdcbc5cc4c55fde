//! The open loop's schedule per group, for people: how late calls started
//! (dispatch lag, ms), how many the concurrency cap held back, and TTFT
//! and total latency from the scheduled instant beside TTFT from the
//! call's start (seconds; a p90 of fewer than 10 calls shows `n<10`). Only
//! open-loop groups have a row.

use crate::analysis::{GroupStats, Metric};
use crate::table::{Cell, Column, Format, Kind, Row, Table};

fn columns() -> Vec<Column> {
    let ms = |name| Column::numbers(name, Format::MILLISECONDS, "ms");
    let seconds = |name| Column::numbers(name, Format::SECONDS, "s");
    vec![
        Column::new("model", Kind::Id),
        Column::new("region", Kind::Key),
        Column::new("performance_config", Kind::Key),
        Column::counts("scheduled_calls"),
        ms("lag_p50_ms"),
        ms("lag_p99_ms"),
        ms("lag_max_ms"),
        Column::new("held_by_cap", Kind::Number),
        seconds("TTFT_p90"),
        seconds("TTFT_p90_from_schedule"),
        seconds("total_p90_from_schedule"),
    ]
}

/// A p90, or the calls it needs (`n<10`) when there are too few (none
/// included).
fn p90(group: &GroupStats, metric: Metric) -> Cell {
    group.metric(metric).map_or_else(
        || Cell::tail(90.0, 0, f64::NAN),
        |s| Cell::tail(90.0, s.count, s.p90),
    )
}

/// The schedule of the open-loop groups among `groups` (no row for
/// closed-loop data).
pub fn schedule(groups: &[GroupStats]) -> Table {
    let mut table = Table::new("schedule-table", columns());
    for g in groups {
        let Some(s) = g.schedule else {
            continue;
        };
        let held = match s.queued_calls {
            0 => "0".to_string(),
            n => format!("{n} (max wait {} s)", Format::SECONDS.human(s.queued_max)),
        };
        table.push(Row::new(vec![
            Cell::text(&g.model),
            Cell::text(&g.region),
            Cell::text(&g.performance_config),
            Cell::Count(s.calls),
            Cell::Number(s.dispatch_lag_p50),
            Cell::tail(99.0, s.calls as usize, s.dispatch_lag_p99),
            Cell::Number(s.dispatch_lag_max),
            Cell::text(held),
            p90(g, Metric::Ttft),
            p90(g, Metric::TtftFromScheduled),
            p90(g, Metric::TotalFromScheduled),
        ]));
    }
    table
}
