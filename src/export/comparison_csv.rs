//! `analysis_comparison_<ts>.csv`: the comparisons' table
//! ([`crate::tables::comparisons`], where its columns are described) as
//! CSV.

use std::io::Write;

use crate::analysis::Comparison;
use crate::tables::comparisons::comparisons;

pub use crate::tables::comparisons::{COST_COLUMNS, KEY_COLUMNS, RATIO_COLUMNS};

/// Every column, in order.
pub fn columns() -> Vec<String> {
    comparisons(&[]).csv_header()
}

/// The fields of one comparison, as written.
pub fn record(c: &Comparison) -> Vec<String> {
    let table = comparisons(std::slice::from_ref(c));
    table.csv_record(&table.rows[0])
}

/// Write the header and one row per comparison.
pub fn write<W: Write>(writer: W, all: &[Comparison]) -> std::io::Result<()> {
    super::table_csv::write(writer, &comparisons(all))
}
