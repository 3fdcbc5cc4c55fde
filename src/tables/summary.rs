//! The Python tool's summary: its columns and its rounding, one row per
//! (model, region, performance_config). Its CSV is byte for byte that
//! tool's file (a p90 of too few calls keeps its number there); people
//! read `n<10` instead of a p90 of fewer than 10 calls (see
//! [`crate::analysis::percentile_rule`]).

use crate::analysis::{GroupStats, Metric, SummaryRow};
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// The header of the Python tool's summary file, in order.
pub const SUMMARY_COLUMNS: [&str; 17] = [
    "model",
    "region",
    "performance_config",
    "sample_size",
    "TTFT_mean",
    "TTFT_p50",
    "TTFT_p90",
    "TTFT_std",
    "avg_input_tokens",
    "avg_output_tokens",
    "total_time_mean",
    "total_time_p50",
    "total_time_p90",
    "OTPS_mean",
    "OTPS_p50",
    "OTPS_p90",
    "OTPS_std",
];

/// The numbers' columns (after `sample_size`): the metric each is of, and
/// whether it is a p90.
const NUMBERS: [(Metric, bool); 13] = [
    (Metric::Ttft, false),
    (Metric::Ttft, false),
    (Metric::Ttft, true),
    (Metric::Ttft, false),
    (Metric::InputTokens, false),
    (Metric::OutputTokens, false),
    (Metric::TotalLatency, false),
    (Metric::TotalLatency, false),
    (Metric::TotalLatency, true),
    (Metric::Otps, false),
    (Metric::Otps, false),
    (Metric::Otps, true),
    (Metric::Otps, false),
];

fn columns() -> Vec<Column> {
    let mut columns = vec![
        Column::new(SUMMARY_COLUMNS[0], Kind::Id),
        Column::new(SUMMARY_COLUMNS[1], Kind::Key),
        Column::new(SUMMARY_COLUMNS[2], Kind::Key),
        Column::counts(SUMMARY_COLUMNS[3]),
    ];
    for (name, (metric, _)) in SUMMARY_COLUMNS[4..].iter().zip(NUMBERS) {
        let (_, unit) = super::metric_format(metric);
        columns.push(Column::numbers(name, Format::PYTHON, unit));
    }
    columns
}

/// The summary of `rows`; `groups` are the statistics of the same groups
/// in the same order (a row without them has no thin p90 marked).
pub fn summary(rows: &[SummaryRow], groups: &[GroupStats]) -> Table {
    let mut table = Table::new("summary", columns());
    table.csv_keeps_thin = true;
    for (i, row) in rows.iter().enumerate() {
        let stats = groups.get(i);
        let mut cells = vec![
            Cell::text(&row.model),
            Cell::text(&row.region),
            Cell::text(&row.performance_config),
            Cell::Count(row.sample_size),
        ];
        for (value, (metric, p90)) in row.numbers().into_iter().zip(NUMBERS) {
            let count = stats.and_then(|s| s.metric(metric)).map(|s| s.count);
            cells.push(match (value, count) {
                (Some(value), Some(n)) if p90 => Cell::tail(90.0, n, value),
                (value, _) => Cell::number(value),
            });
        }
        table.push(Row::new(cells).highlighted(row.sample_size == 0));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_p90s_are_the_p90_columns() {
        let p90s: Vec<&str> = SUMMARY_COLUMNS[4..]
            .iter()
            .zip(NUMBERS)
            .filter(|(_, (_, p90))| *p90)
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(p90s, ["TTFT_p90", "total_time_p90", "OTPS_p90"]);
        assert_eq!(summary(&[], &[]).csv_header(), SUMMARY_COLUMNS);
    }
}
