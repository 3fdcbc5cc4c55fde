//! Output files, one format per file: the analysis's CSVs and the sweep's
//! are tables ([`crate::tables`]) written by [`table_csv`].

mod analysis_files;

/// The raw CSV writer lives with the record it writes; named here too, as
/// every file format is.
pub use crate::record::RawCsvWriter;
pub use analysis_files::{
    CSV_FILES, CsvOutcome, DRIFT_CSV, OutputFiles, PREFILL_CSV, WINDOWS_CSV, write_csvs,
};
pub mod comparison_csv;
pub mod extended_csv;
pub mod prefill_csv;
pub mod summary_csv;
pub mod sweep_csv;
pub mod table_csv;
pub mod windows_csv;
