//! `analysis_summary_<ts>.csv`: the Python tool's summary, byte for byte
//! its header, one row per (model, region, performance_config), numbers
//! rounded to 3 places and printed in their shortest form (`10`, `0.64`,
//! `1.074`), empty where pandas writes NaN: the summary table
//! ([`crate::tables::summary`]) as CSV.

use std::io::Write;

use crate::analysis::SummaryRow;
use crate::tables::summary::summary;

pub use crate::tables::summary::SUMMARY_COLUMNS;

/// The fields of one row, as written.
pub fn record(row: &SummaryRow) -> Vec<String> {
    let table = summary(std::slice::from_ref(row), &[]);
    table.csv_record(&table.rows[0])
}

/// Write the header and `rows` as CSV.
pub fn write<W: Write>(writer: W, rows: &[SummaryRow]) -> std::io::Result<()> {
    super::table_csv::write(writer, &summary(rows, &[]))
}
