//! Writing the analysis files under `<dir>/results-analysis/`, never
//! overwriting anything.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{comparison_csv, extended_csv, summary_csv};
use crate::analysis::Analysis;

/// The files one analysis wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFiles {
    /// `analysis_summary_<ts>.csv` (the Python tool's format).
    pub summary: PathBuf,
    /// `analysis_extended_<ts>.csv`.
    pub extended: PathBuf,
    /// `analysis_comparison_<ts>.csv`.
    pub comparison: PathBuf,
}

impl Analysis {
    /// Write the summary, the extended summary and the comparison into
    /// `dir/results-analysis/`, stamped `timestamp` (see
    /// [`crate::timestamps::local_stamp`]).
    pub fn write_files(&self, dir: &Path, timestamp: &str) -> std::io::Result<OutputFiles> {
        let out_dir = dir.join("results-analysis");
        let stems = [
            "analysis_summary",
            "analysis_extended",
            "analysis_comparison",
        ];
        let mut files =
            crate::files::create_new_files(&out_dir, &stems, timestamp, "csv")?.into_iter();
        let mut next = || {
            files
                .next()
                .ok_or_else(|| std::io::Error::other("output file missing"))
        };
        let (summary, file) = next()?;
        finish(file, |w| summary_csv::write(w, &self.summary))?;
        let (extended, file) = next()?;
        finish(file, |w| extended_csv::write(w, &self.groups))?;
        let (comparison, file) = next()?;
        finish(file, |w| comparison_csv::write(w, &self.comparisons))?;
        Ok(OutputFiles {
            summary,
            extended,
            comparison,
        })
    }
}

fn finish(
    file: File,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut writer = BufWriter::new(file);
    write(&mut writer)?;
    writer.flush()?;
    writer.get_ref().sync_all()
}
