//! Output files, one format per file.

pub mod raw_csv;

pub use raw_csv::{RawCsvWriter, RawRow, RowContext};
pub mod comparison_csv;
pub mod extended_csv;
pub mod summary_csv;
