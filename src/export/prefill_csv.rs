//! `analysis_prefill_<ts>.csv`: the prefill table
//! ([`crate::tables::prefill`], where its columns are described) as CSV,
//! written when at least one group has a fit.

use std::io::Write;

use crate::analysis::GroupPrefill;
use crate::tables::prefill::prefill;

pub use crate::tables::prefill::FIT_COLUMNS;

/// Every column, in order.
pub fn columns() -> Vec<String> {
    prefill(&[]).csv_header()
}

/// Write the header and one row per group.
pub fn write<W: Write>(writer: W, groups: &[GroupPrefill]) -> std::io::Result<()> {
    super::table_csv::write(writer, &prefill(groups))
}
