//! Writing the analysis files under `<dir>/results-analysis/`, never
//! overwriting anything.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::Analysis;
use crate::export::{comparison_csv, extended_csv, summary_csv};

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

/// Local time as `YYYYmmdd_HHMMSS`, the stamp of output file names.
pub fn local_timestamp() -> String {
    chrono::Local::now().format("%Y%m%d_%H%M%S").to_string()
}

/// Create `dir/<stem>_<timestamp>.csv` for every stem, all new. When any
/// of them exists, all get the same suffix `_2`, `_3`... instead: nothing
/// is ever overwritten.
pub fn create_numbered(
    dir: &Path,
    stems: &[&str],
    timestamp: &str,
) -> std::io::Result<Vec<(PathBuf, File)>> {
    std::fs::create_dir_all(dir)?;
    'attempt: for n in 1u32.. {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("_{n}")
        };
        let paths: Vec<PathBuf> = stems
            .iter()
            .map(|stem| dir.join(format!("{stem}_{timestamp}{suffix}.csv")))
            .collect();
        if paths.iter().any(|p| p.exists()) {
            continue;
        }
        let mut created = Vec::new();
        for path in paths {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => created.push((path, file)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // Another process took this name meanwhile: give back
                    // the (empty) files just made and try the next suffix.
                    for (made, _) in created {
                        let _ = std::fs::remove_file(made);
                    }
                    continue 'attempt;
                }
                Err(e) => return Err(e),
            }
        }
        return Ok(created);
    }
    Err(std::io::Error::other("no free file name"))
}

impl Analysis {
    /// Write the summary, the extended summary and the comparison into
    /// `dir/results-analysis/`, stamped `timestamp` (see
    /// [`local_timestamp`]).
    pub fn write_files(&self, dir: &Path, timestamp: &str) -> std::io::Result<OutputFiles> {
        let out_dir = dir.join("results-analysis");
        let stems = [
            "analysis_summary",
            "analysis_extended",
            "analysis_comparison",
        ];
        let mut files = create_numbered(&out_dir, &stems, timestamp)?.into_iter();
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
