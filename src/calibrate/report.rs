//! The calibration results as a terminal table and a CSV. A p99 of fewer
//! than 100 calls is not given (see [`crate::analysis::percentile_rule`]):
//! the table shows `n<100`, the CSV an empty cell, and its
//! `thin_percentiles` column says so.

use std::io::Write;
use std::path::Path;

use super::LevelResult;
use crate::analysis::percentile_rule::{is_shown, thin_list, thin_mark};
use crate::stats::Summary;
use crate::terminal::table;

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

fn ms(seconds: Option<f64>) -> String {
    seconds
        .map(|s| format!("{:.3}", s * 1e3))
        .unwrap_or_default()
}

/// What a p99 of too few values becomes: an empty cell (CSV) or the thin
/// mark (table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Thin {
    Empty,
    Mark,
}

/// A p99 in milliseconds, or what `thin` says when its values are too few.
fn p99(summary: Option<Summary>, thin: Thin) -> String {
    let Some(s) = summary else {
        return String::new();
    };
    match (is_shown(99.0, s.count), thin) {
        (true, _) => ms(Some(s.p99)),
        (false, Thin::Mark) => thin_mark(99.0),
        (false, Thin::Empty) => String::new(),
    }
}

/// One level's fields, in [`CSV_COLUMNS`] order.
pub fn csv_record(r: &LevelResult) -> Vec<String> {
    record(r, Thin::Empty)
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

fn record(r: &LevelResult, thin: Thin) -> Vec<String> {
    let a = &r.accuracy;
    vec![
        r.concurrency.to_string(),
        r.calls.to_string(),
        r.errors.to_string(),
        r.new_connections.to_string(),
        thin_percentiles(r),
        ms(a.ttft_error.map(|s| s.p50)),
        p99(a.ttft_error, thin),
        ms(a.ttft_error.map(|s| s.max)),
        ms(a.request_path.map(|s| s.p50)),
        p99(a.request_path, thin),
        ms(a.total_error.map(|s| s.p50)),
        p99(a.total_error, thin),
        ms(a.total_error.map(|s| s.max)),
        ms(a.queue_delay.map(|s| s.p50)),
        p99(a.queue_delay, thin),
        ms(a.queue_delay.map(|s| s.max)),
        a.events.to_string(),
        format!("{:.0}", r.events_per_second()),
        format!("{:.2}", r.cpu_us_per_event()),
        format!("{:.1}", r.peak_rss as f64 / (1024.0 * 1024.0)),
        format!("{:.3}", r.emulator.lateness_p99_us as f64 / 1e3),
        format!("{:.3}", r.emulator.lateness_max_us as f64 / 1e3),
        format!("{:.2}", r.wall.as_secs_f64()),
    ]
}

/// The results as an aligned table (a p99 of too few calls as `n<100`).
pub fn table(results: &[LevelResult]) -> String {
    let rows: Vec<Vec<String>> = results.iter().map(|r| record(r, Thin::Mark)).collect();
    table::render(&CSV_COLUMNS, &rows)
}

/// Write the results as CSV to `path` (which must not exist yet).
pub fn write_csv(results: &[LevelResult], path: &Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let mut writer = csv::Writer::from_writer(file);
    writer.write_record(CSV_COLUMNS)?;
    for result in results {
        writer.write_record(csv_record(result))?;
    }
    writer.flush()?;
    writer.into_inner().map_err(|e| e.into_error())?.flush()
}
