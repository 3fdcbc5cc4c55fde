//! Writing the analysis files under `<dir>/results-analysis/`, never
//! overwriting anything: the summary, the extended summary and the
//! comparison, the prefill cost when a group has a fit, and the time
//! windows and their drift with `analyze --window`, each a table
//! ([`crate::tables`]) written whole as CSV.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::analysis::Analysis;
use crate::table::Table;
use crate::tables;

/// The files one analysis wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFiles {
    /// `analysis_summary_<ts>.csv` (the Python tool's format).
    pub summary: PathBuf,
    /// `analysis_extended_<ts>.csv`.
    pub extended: PathBuf,
    /// `analysis_comparison_<ts>.csv`.
    pub comparison: PathBuf,
    /// `analysis_prefill_<ts>.csv`, written when a group has a prefill
    /// fit ([`Analysis::has_prefill_fit`]).
    pub prefill: Option<PathBuf>,
    /// `analysis_windows_<ts>.csv`, written with time windows
    /// ([`Analysis::windows`]).
    pub windows: Option<PathBuf>,
    /// `analysis_drift_<ts>.csv`, written with time windows.
    pub drift: Option<PathBuf>,
}

/// The analysis's CSVs, in the order they are written: each file's stem
/// and a label for people.
pub const CSV_FILES: [(&str, &str); 3] = [
    ("analysis_summary", "summary CSV"),
    ("analysis_extended", "extended summary CSV"),
    ("analysis_comparison", "comparison CSV"),
];

/// The prefill cost's CSV (its stem and label), written after
/// [`CSV_FILES`] when a group has a fit ([`Analysis::has_prefill_fit`]).
pub const PREFILL_CSV: (&str, &str) = ("analysis_prefill", "prefill CSV");

/// The time windows' CSV, written after the others with time windows
/// ([`Analysis::windows`], `analyze --window`): every group per window.
pub const WINDOWS_CSV: (&str, &str) = ("analysis_windows", "time windows CSV");

/// The drift's CSV, written after [`WINDOWS_CSV`]: a row per group.
pub const DRIFT_CSV: (&str, &str) = ("analysis_drift", "drift CSV");

/// The CSVs of `analysis` in the order they are written, each with its
/// stem and label: [`CSV_FILES`], then [`PREFILL_CSV`] when a group has
/// a prefill fit, then [`WINDOWS_CSV`] and [`DRIFT_CSV`] with time
/// windows.
fn csv_tables(analysis: &Analysis) -> Vec<((&'static str, &'static str), Table)> {
    let [summary, extended, comparison] = CSV_FILES;
    let mut files = vec![
        (
            summary,
            tables::summary::summary(&analysis.summary, &analysis.groups),
        ),
        (extended, tables::groups::groups(&analysis.groups)),
        (
            comparison,
            tables::comparisons::comparisons(&analysis.comparisons),
        ),
    ];
    if analysis.has_prefill_fit() {
        files.push((PREFILL_CSV, tables::prefill::prefill(&analysis.prefill)));
    }
    if let Some(windows) = &analysis.windows {
        files.push((WINDOWS_CSV, tables::windows::windows(windows)));
        files.push((DRIFT_CSV, tables::windows::drift(windows)));
    }
    files
}

/// One CSV of an analysis, written or not.
#[derive(Debug)]
pub struct CsvOutcome {
    /// Its label ([`CSV_FILES`], [`PREFILL_CSV`]).
    pub label: &'static str,
    /// The file (created new, so that nothing is overwritten).
    pub path: PathBuf,
    /// Whether it was written whole and synced.
    pub written: std::io::Result<()>,
}

/// Create the analysis's CSVs in `dir/results-analysis/`, all with one
/// name stamp (`timestamp`, or the first `_2`, `_3`... free for all of
/// them), then write each whole, in [`CSV_FILES`]' order then the
/// prefill cost's ([`PREFILL_CSV`], when a group has a fit): a file that
/// fails does not keep the others from being written. Fails only when
/// the files cannot be created.
pub fn write_csvs(
    analysis: &Analysis,
    dir: &Path,
    timestamp: &str,
) -> std::io::Result<Vec<CsvOutcome>> {
    let out_dir = dir.join("results-analysis");
    let tables = csv_tables(analysis);
    let stems: Vec<&str> = tables.iter().map(|((stem, _), _)| *stem).collect();
    let files = crate::files::create_new_files(&out_dir, &stems, timestamp, "csv")?;
    Ok(files
        .into_iter()
        .zip(tables)
        .map(|((path, file), ((_, label), table))| CsvOutcome {
            label,
            path,
            written: finish(file, &table),
        })
        .collect())
}

impl Analysis {
    /// Write the summary, the extended summary and the comparison (and
    /// the prefill cost, when a group has a fit, and the time windows and
    /// their drift, with windows) into
    /// `dir/results-analysis/`, stamped `timestamp` (see
    /// [`crate::timestamps::local_stamp`]); the first error, after every
    /// file was tried. `publish` writes the same files and reports each
    /// failure.
    pub fn write_files(&self, dir: &Path, timestamp: &str) -> std::io::Result<OutputFiles> {
        let mut paths = Vec::new();
        for outcome in write_csvs(self, dir, timestamp)? {
            outcome.written?;
            paths.push((outcome.label, outcome.path));
        }
        let mut take = |label: &str| {
            paths
                .iter()
                .position(|(l, _)| *l == label)
                .map(|i| paths.swap_remove(i).1)
        };
        let [summary, extended, comparison] = CSV_FILES.map(|(_, label)| take(label));
        match (summary, extended, comparison) {
            (Some(summary), Some(extended), Some(comparison)) => Ok(OutputFiles {
                summary,
                extended,
                comparison,
                prefill: take(PREFILL_CSV.1),
                windows: take(WINDOWS_CSV.1),
                drift: take(DRIFT_CSV.1),
            }),
            _ => Err(std::io::Error::other("an analysis file is missing")),
        }
    }
}

/// Write `table` as CSV into `file`, flushed and synced.
fn finish(file: File, table: &Table) -> std::io::Result<()> {
    let mut writer = BufWriter::new(file);
    super::table_csv::write(&mut writer, table)?;
    writer.flush()?;
    writer.get_ref().sync_all()
}
