//! The prompt cache per group, for people: of the successful calls that
//! used it, how many read it, and TTFT of the hits against the misses
//! (seconds), so that what a cache saves is measured where it applies.
//! Only groups whose calls used the cache have a row.

use crate::analysis::GroupStats;
use crate::table::{Cell, Column, Format, Kind, Row, Table};

fn columns() -> Vec<Column> {
    let seconds = |name| Column::numbers(name, Format::SECONDS, "s");
    vec![
        Column::new("model", Kind::Id),
        Column::new("region", Kind::Key),
        Column::new("performance_config", Kind::Key),
        Column::counts("calls"),
        Column::counts("hits"),
        Column::numbers("hit_rate_pct", Format::PERCENT, "%"),
        seconds("TTFT_p50_hit"),
        seconds("TTFT_p50_miss"),
    ]
}

/// The cache rows of `groups` (none for groups that did not use it).
pub fn cache(groups: &[GroupStats]) -> Table {
    let mut table = Table::new("cache-table", columns());
    for g in groups {
        let Some(c) = g.cache else {
            continue;
        };
        table.push(Row::new(vec![
            Cell::text(&g.model),
            Cell::text(&g.region),
            Cell::text(&g.performance_config),
            Cell::Count(c.calls),
            Cell::Count(c.hits),
            Cell::Number(c.hit_rate() * 100.0),
            Cell::Number(c.ttft_hit_p50),
            Cell::Number(c.ttft_miss_p50),
        ]));
    }
    table
}
