//! The cells of a length grid: one row per cell done, in the order they
//! ran (input lengths outer, output lengths inner).
//!
//! As CSV it is `length_grid.csv` in the sweep's directory: the cell, its
//! input and output lengths, the load it ran at, its calls and
//! successes, TTFT p50 and p90 and total latency p50 (from each call's
//! start, over the successes), the generation speed's median (tokens per
//! second after the first token, from the analysis of the cell's raw
//! CSV), whether the cell met the SLO (and which objectives it failed),
//! whether it was cut short, its cost and its directory. Times in
//! seconds, 6 decimals; empty when undefined (a p90 of fewer than 10
//! calls is not given).
//!
//! People read the lengths, the calls, the latencies, the speed, the
//! verdict and the directory; a cell that did not meet the SLO is
//! highlighted.

use crate::sweep::grid_result::{CellResult, GridView};
use crate::sweep::result::{LatencyMetric, LevelKind};
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// The file name of the grid's CSV.
pub const LENGTH_GRID_CSV: &str = "length_grid.csv";

fn columns() -> Vec<Column> {
    let seconds =
        |name: &str, header: &str| Column::numbers(name, Format::SECONDS, "s").shown_as(header);
    let text = |name| Column::new(name, Kind::Text).csv_only();
    vec![
        Column::counts("cell"),
        Column::numbers("input_tokens", Format::WHOLE, "tokens").shown_as("input"),
        Column::numbers("output_tokens", Format::WHOLE, "tokens").shown_as("output"),
        Column::numbers("offered_rate_per_s", Format::PER_SECOND, "1/s").csv_only(),
        Column::numbers("concurrency", Format::WHOLE, "calls").csv_only(),
        Column::counts("calls"),
        Column::counts("successes"),
        seconds("ttft_p50_s", "TTFT p50"),
        seconds("ttft_p90_s", "TTFT p90"),
        Column::numbers("generation_otps_p50", Format::TOKENS_PER_SECOND, "tokens/s")
            .shown_as("gen OTPS p50"),
        seconds("total_p50_s", "total p50"),
        text("slo_met"),
        text("slo_failures"),
        Column::new("SLO", Kind::Text).people_only(),
        text("interrupted"),
        Column::dollars("cost_usd").csv_only(),
        Column::new("dir", Kind::Id).shown_as("files"),
    ]
}

fn latency(cell: &CellResult, metric: LatencyMetric, p: u8) -> Cell {
    cell.step
        .stats
        .latency(metric)
        .and_then(|q| Some((q.count, q.get(p)?)))
        .map_or(Cell::Empty, |(n, v)| Cell::tail(f64::from(p), n, v))
}

fn row(kind: LevelKind, cell: &CellResult) -> Row {
    let stats = &cell.step.stats;
    let cells = vec![
        Cell::Count(cell.step.index as u64),
        Cell::Number(f64::from(cell.cell.input_tokens)),
        Cell::Number(f64::from(cell.cell.output_tokens)),
        Cell::number((kind == LevelKind::Rate).then_some(stats.level)),
        Cell::number((kind == LevelKind::Concurrency).then_some(stats.level)),
        Cell::Count(stats.calls),
        Cell::Count(stats.successes),
        latency(cell, LatencyMetric::Ttft, 50),
        latency(cell, LatencyMetric::Ttft, 90),
        Cell::number(cell.generation_otps_p50),
        latency(cell, LatencyMetric::Total, 50),
        Cell::text(cell.step.passed().to_string()),
        Cell::text(cell.step.failures.join("; ")),
        Cell::text(cell.verdict()),
        Cell::text(cell.step.interrupted.to_string()),
        Cell::Money(cell.step.cost),
        Cell::text(cell.step.dir.display().to_string()),
    ];
    Row::new(cells).highlighted(!cell.step.passed())
}

/// The table of the grid's cells, in the order they ran.
pub fn cells(grid: &GridView<'_>) -> Table {
    let mut table = Table::new("length-grid", columns());
    for cell in grid.cells {
        table.push(row(grid.kind, cell));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_and_the_people_columns() {
        let grid = GridView {
            kind: LevelKind::Rate,
            level: 2.0,
            inputs: &[],
            outputs: &[],
            cells: &[],
        };
        let table = cells(&grid);
        assert_eq!(
            table.csv_header(),
            [
                "cell",
                "input_tokens",
                "output_tokens",
                "offered_rate_per_s",
                "concurrency",
                "calls",
                "successes",
                "ttft_p50_s",
                "ttft_p90_s",
                "generation_otps_p50",
                "total_p50_s",
                "slo_met",
                "slo_failures",
                "interrupted",
                "cost_usd",
                "dir",
            ]
        );
        let people: Vec<&str> = table
            .columns
            .iter()
            .filter_map(|c| c.header.as_deref())
            .collect();
        assert_eq!(
            people,
            [
                "cell",
                "input",
                "output",
                "calls",
                "successes",
                "TTFT p50",
                "TTFT p90",
                "gen OTPS p50",
                "total p50",
                "SLO",
                "files",
            ]
        );
    }
}
