//! `analysis_summary_<ts>.csv`: the Python tool's summary, byte for byte
//! its header, one row per (model, region, performance_config), numbers
//! rounded to 3 places and printed in their shortest form (`10`, `0.64`,
//! `1.074`), empty where pandas writes NaN.

use std::io::Write;

use crate::analysis::percentile_rule::{is_shown, thin_mark};
use crate::analysis::{GroupStats, Metric, SummaryRow};

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

/// Round to 3 decimals as pandas' `round(3)` does (numpy: scale, round
/// half to even, unscale) and print the shortest text that reads back as
/// the rounded number. `-0` prints as `0`.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 1000.0).round_ties_even() / 1000.0 + 0.0;
    format!("{rounded}")
}

fn cell(value: Option<f64>) -> String {
    value.map(format_number).unwrap_or_default()
}

/// The fields of one row, as written.
pub fn record(row: &SummaryRow) -> Vec<String> {
    let mut fields = vec![
        row.model.clone(),
        row.region.clone(),
        row.performance_config.clone(),
        row.sample_size.to_string(),
    ];
    fields.extend(row.numbers().into_iter().map(cell));
    fields
}

/// The fields of one row as presented on the terminal and the report
/// page: as written, but a p90 of fewer than 10 values (see
/// [`crate::analysis::percentile_rule`]) shows `n<10` instead of a
/// number. The file itself keeps the Python tool's numbers.
pub fn presented_record(row: &SummaryRow, stats: &GroupStats) -> Vec<String> {
    let mut fields = record(row);
    // (column of the p90, the metric it is of)
    let p90s = [
        (6, Metric::Ttft),
        (12, Metric::TotalLatency),
        (15, Metric::Otps),
    ];
    for (column, metric) in p90s {
        let thin = stats
            .metric(metric)
            .is_some_and(|s| !is_shown(90.0, s.count));
        if let Some(field) = fields.get_mut(column).filter(|_| thin) {
            *field = thin_mark(90.0);
        }
    }
    fields
}

/// Write the header and `rows` as CSV.
pub fn write<W: Write>(writer: W, rows: &[SummaryRow]) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(SUMMARY_COLUMNS)?;
    for row in rows {
        csv.write_record(record(row))?;
    }
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_presented_p90s_are_the_p90_columns() {
        assert_eq!(
            [SUMMARY_COLUMNS[6], SUMMARY_COLUMNS[12], SUMMARY_COLUMNS[15]],
            ["TTFT_p90", "total_time_p90", "OTPS_p90"]
        );
    }

    #[test]
    fn numbers_are_rounded_then_printed_short() {
        assert_eq!(format_number(10.0), "10");
        assert_eq!(format_number(0.64), "0.64");
        assert_eq!(format_number(1.0744999), "1.074");
        assert_eq!(format_number(46.68049), "46.68");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-0.0001), "0");
        assert_eq!(format_number(2.0625), "2.062", "half to even");
        assert_eq!(format_number(f64::INFINITY), "inf");
    }
}
