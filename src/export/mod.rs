//! Output files, one format per file.

pub mod raw_csv;

pub use raw_csv::{RawCsvWriter, RawRow, RowContext};
