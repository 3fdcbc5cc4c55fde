//! `analysis_extended_<ts>.csv`: the groups' table
//! ([`crate::tables::groups`], where its columns are described) as CSV.

use std::io::Write;

use crate::analysis::GroupStats;
use crate::tables::groups::groups;

pub use crate::tables::groups::{
    COST_COLUMNS, KEY_COLUMNS, SCHEDULE_COLUMNS, STATISTICS, thin_percentiles,
};

/// Every column, in order.
pub fn columns() -> Vec<String> {
    groups(&[]).csv_header()
}

/// The fields of one group, as written.
pub fn record(stats: &GroupStats) -> Vec<String> {
    let table = groups(std::slice::from_ref(stats));
    table.csv_record(&table.rows[0])
}

/// Write the header and one row per group.
pub fn write<W: Write>(writer: W, stats: &[GroupStats]) -> std::io::Result<()> {
    super::table_csv::write(writer, &groups(stats))
}
