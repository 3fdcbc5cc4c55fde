//! Output files, one format per file.

mod analysis_files;
pub(crate) mod raw_csv;

pub use analysis_files::OutputFiles;
pub use raw_csv::RawCsvWriter;
pub mod comparison_csv;
pub mod cost_text;
pub mod extended_csv;
pub mod summary_csv;
pub mod sweep_csv;
