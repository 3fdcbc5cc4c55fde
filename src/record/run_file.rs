//! A raw CSV a run wrote, as the run's summary and a sweep's steps name it.

use std::path::PathBuf;

/// A raw CSV written by a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFile {
    /// The file.
    pub path: PathBuf,
    /// Rows written to it.
    pub rows: u64,
}
