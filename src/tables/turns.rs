//! Latency by turn, for people: per group and turn of its conversations,
//! the calls, TTFT p50 and p90, total p50 (seconds) and
//! `model_input_tokens` (the uncached input). Only groups of
//! conversations have rows.

use crate::analysis::GroupStats;
use crate::table::{Cell, Column, Format, Kind, Row, Table};

fn columns() -> Vec<Column> {
    let seconds = |name| Column::numbers(name, Format::SECONDS, "s");
    vec![
        Column::new("model", Kind::Id),
        Column::new("region", Kind::Key),
        Column::new("performance_config", Kind::Key),
        Column::counts("turn"),
        Column::counts("calls"),
        seconds("TTFT_p50"),
        Column::new("TTFT_p90", Kind::Number),
        seconds("total_p50"),
        Column::numbers("input_tokens_p50", Format::TOKENS, "tokens"),
    ]
}

/// The turns of the conversation groups among `groups`.
pub fn turns(groups: &[GroupStats]) -> Table {
    let mut table = Table::new("turns-table", columns());
    for g in groups {
        for t in &g.turns {
            table.push(Row::new(vec![
                Cell::text(&g.model),
                Cell::text(&g.region),
                Cell::text(&g.performance_config),
                Cell::Count(u64::from(t.turn)),
                Cell::Count(t.calls),
                Cell::Number(t.ttft_p50),
                Cell::tail(90.0, t.calls as usize, t.ttft_p90),
                Cell::Number(t.total_p50),
                Cell::Number(t.input_tokens_p50),
            ]));
        }
    }
    table
}
