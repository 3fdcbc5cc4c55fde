//! `analysis_windows_<ts>.csv` and `analysis_drift_<ts>.csv`: the time
//! windows' tables ([`crate::tables::windows`], where their columns are
//! described) as CSV, written with `analyze --window`.

use std::io::Write;

use crate::analysis::Windows;
use crate::tables::windows::{drift, windows};

pub use crate::tables::windows::{DRIFT_COLUMNS, WINDOW_COLUMNS};

/// Write the header and one row per group and window.
pub fn write<W: Write>(writer: W, of: &Windows) -> std::io::Result<()> {
    super::table_csv::write(writer, &windows(of))
}

/// Write the header and one row per group: its drift.
pub fn write_drift<W: Write>(writer: W, of: &Windows) -> std::io::Result<()> {
    super::table_csv::write(writer, &drift(of))
}
