//! The calibration results as one table (see [`crate::table`]), printed
//! on the terminal and written as a CSV. A p99 of fewer than 100 calls is
//! not given (see [`crate::analysis::percentile_rule`]): the terminal
//! shows `n<100`, the CSV an empty cell, and its `thin_percentiles`
//! column says so.

use std::io::Write;
use std::path::Path;

use super::LevelResult;
use crate::analysis::percentile_rule::thin_list;
use crate::stats::Summary;
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// CSV columns, in order (milliseconds unless the name says otherwise).
pub const CSV_COLUMNS: [&str; 23] = [
    "concurrency",
    "calls",
    "errors",
    "new_connections",
    "thin_percentiles",
    "ttft_error_p50_ms",
    "ttft_error_p99_ms",
    "ttft_error_max_ms",
    "request_path_p50_ms",
    "request_path_p99_ms",
    "total_error_p50_ms",
    "total_error_p99_ms",
    "total_error_max_ms",
    "queue_delay_p50_ms",
    "queue_delay_p99_ms",
    "queue_delay_max_ms",
    "events",
    "events_per_s",
    "cpu_us_per_event",
    "peak_rss_mib",
    "emulator_lateness_p99_ms",
    "emulator_lateness_max_ms",
    "wall_s",
];

/// The column named `name` of the levels' table, by the rule of its name.
fn column(name: &'static str) -> Column {
    let ms = || Column::numbers(name, Format::MILLISECONDS, "ms");
    match name {
        "thin_percentiles" => Column::new(name, Kind::Text),
        "events_per_s" => Column::numbers(name, Format::fixed(0), "events/s"),
        "cpu_us_per_event" => Column::numbers(name, Format::fixed(2), "µs"),
        "peak_rss_mib" => Column::numbers(name, Format::fixed(1), "MiB"),
        "emulator_lateness_p99_ms" | "emulator_lateness_max_ms" => {
            Column::numbers(name, Format::fixed(3), "ms")
        }
        "wall_s" => Column::numbers(name, Format::fixed(2), "s"),
        _ if name.ends_with("_ms") => ms(),
        _ => Column::counts(name),
    }
}

/// The p50 of `summary` (seconds), or an empty cell.
fn p50(summary: Option<Summary>) -> Cell {
    Cell::number(summary.map(|s| s.p50))
}

/// The p99 of `summary` (seconds), thin when its values are too few.
fn p99(summary: Option<Summary>) -> Cell {
    summary.map_or(Cell::Empty, |s| Cell::tail(99.0, s.count, s.p99))
}

/// The largest value of `summary` (seconds), or an empty cell.
fn max(summary: Option<Summary>) -> Cell {
    Cell::number(summary.map(|s| s.max))
}

/// The p99s of `r` left out for too few values: `p99 n<100`, or empty.
pub fn thin_percentiles(r: &LevelResult) -> String {
    let a = &r.accuracy;
    let counts: Vec<usize> = [a.ttft_error, a.request_path, a.total_error, a.queue_delay]
        .iter()
        .flatten()
        .map(|s| s.count)
        .collect();
    thin_list(&[99.0], &counts)
}

fn row(r: &LevelResult) -> Row {
    let a = &r.accuracy;
    Row::new(vec![
        Cell::Count(u64::from(r.concurrency)),
        Cell::Count(r.calls),
        Cell::Count(r.errors),
        Cell::Count(r.new_connections),
        Cell::text(thin_percentiles(r)),
        p50(a.ttft_error),
        p99(a.ttft_error),
        max(a.ttft_error),
        p50(a.request_path),
        p99(a.request_path),
        p50(a.total_error),
        p99(a.total_error),
        max(a.total_error),
        p50(a.queue_delay),
        p99(a.queue_delay),
        max(a.queue_delay),
        Cell::Count(a.events),
        Cell::Number(r.events_per_second()),
        Cell::Number(r.cpu_us_per_event()),
        Cell::Number(r.peak_rss as f64 / (1024.0 * 1024.0)),
        Cell::Number(r.emulator.lateness_p99_us as f64 / 1e3),
        Cell::Number(r.emulator.lateness_max_us as f64 / 1e3),
        Cell::Number(r.wall.as_secs_f64()),
    ])
}

/// The levels' table: one row per level, the columns [`CSV_COLUMNS`] (a
/// p99 of too few calls is an empty CSV field and `n<100` on the
/// terminal).
pub fn levels(results: &[LevelResult]) -> Table {
    let mut table = Table::new("calibration", CSV_COLUMNS.map(column).to_vec());
    for result in results {
        table.push(row(result));
    }
    table
}

/// One level's fields, in [`CSV_COLUMNS`] order.
pub fn csv_record(r: &LevelResult) -> Vec<String> {
    let table = levels(std::slice::from_ref(r));
    table.csv_record(&table.rows[0])
}

/// The results as an aligned table (a p99 of too few calls as `n<100`).
pub fn table(results: &[LevelResult]) -> String {
    crate::terminal::table::render(&levels(results))
}

/// Write the results as CSV to `path` (which must not exist yet).
pub fn write_csv(results: &[LevelResult], path: &Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let mut writer = std::io::BufWriter::new(file);
    crate::export::table_csv::write(&mut writer, &levels(results))?;
    writer.flush()
}
