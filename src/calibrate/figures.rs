//! Calibration results as a results file (`calibrate --figures FILE`), so
//! that the accuracy figures the documents quote come from this command.

use super::LevelResult;
use super::report::{CSV_COLUMNS, csv_record, levels};
use crate::analysis::percentile_rule;
use crate::figures::{Figure, FiguresFile, Table};
use crate::table::format::grouped;

/// `value` unless it is a tail percentile of too few calls (the project's
/// rule: a p99 needs 100 values), then the rule's thin mark.
fn tail(p: f64, n: u64, value: &str) -> String {
    if percentile_rule::is_shown(p, n as usize) {
        value.to_string()
    } else {
        percentile_rule::thin_mark(p)
    }
}

/// The results file of a calibration run by `command`: every CSV column of
/// every level as a figure named `c<concurrency>.<column>` (a p99 of too
/// few calls is left out), and the table the documents show (`levels`).
pub fn figures(results: &[LevelResult], command: &str) -> FiguresFile {
    let mut file = FiguresFile::new(command);
    let units: Vec<&str> = levels(&[]).columns.iter().map(|c| c.unit).collect();
    let mut rows = Vec::new();
    for result in results {
        let record = csv_record(result);
        let n = result.calls;
        for ((column, cell), unit) in CSV_COLUMNS.iter().zip(&record).zip(&units) {
            if column.ends_with("_p99_ms") && !percentile_rule::is_shown(99.0, n as usize) {
                continue;
            }
            if let Ok(value) = cell.parse::<f64>() {
                let mut figure = Figure::new(value, unit, 0);
                figure.shown = grouped(value, cell.split_once('.').map_or(0, |(_, f)| f.len()));
                file.figure(format!("c{}.{column}", result.concurrency), figure);
            }
        }
        let get = |name: &str| {
            CSV_COLUMNS
                .iter()
                .position(|c| *c == name)
                .map(|i| record[i].clone())
                .unwrap_or_default()
        };
        let p50_p99 = |base: &str| {
            format!(
                "{} / {}",
                get(&format!("{base}_p50_ms")),
                tail(99.0, n, &get(&format!("{base}_p99_ms")))
            )
        };
        rows.push(vec![
            result.concurrency.to_string(),
            n.to_string(),
            result.errors.to_string(),
            format!("{} / {}", p50_p99("ttft_error"), get("ttft_error_max_ms")),
            p50_p99("request_path"),
            p50_p99("total_error"),
            p50_p99("queue_delay"),
            grouped(result.events_per_second(), 0),
            format!("{:.1} µs", result.cpu_us_per_event()),
            format!("{:.0} MiB", result.peak_rss as f64 / (1024.0 * 1024.0)),
            format!("{:.1} ms", result.emulator.lateness_p99_us as f64 / 1e3),
        ]);
    }
    file.table(
        "levels",
        Table {
            header: [
                "concurrency",
                "calls",
                "errors",
                "TTFT error p50 / p99 / max (ms)",
                "request path p50 / p99 (ms)",
                "total-latency error p50 / p99 (ms)",
                "queue delay p50 / p99 (ms)",
                "events/s",
                "client CPU per event",
                "peak client memory",
                "emulator frame lateness p99",
            ]
            .map(String::from)
            .to_vec(),
            right: vec![
                true, true, true, false, false, false, false, true, true, true, true,
            ],
            rows,
        },
    );
    file
}
