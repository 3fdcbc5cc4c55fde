//! What can go wrong while reading raw CSVs. Every error names the file,
//! and a bad value also names the line, the column, what was expected and
//! what was found.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::mix::MixReport;
use crate::hint;

/// The `run` that writes raw CSVs where `paths` look: `bedrock-bench run
/// --out X` for one directory `X/results` (`run` writes into
/// `<--out>/results/`; `--out .` for `results`), plain `bedrock-bench run`
/// for its default `target-reports/results` and anything else.
fn run_hint(paths: &[PathBuf]) -> String {
    let out = match paths {
        [path] if path.file_name().is_some_and(|name| name == "results") => {
            path.parent().map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
        }
        _ => None,
    };
    match out {
        Some(out) if out != Path::new("target-reports") => {
            let words: [&OsStr; 4] = [
                "bedrock-bench".as_ref(),
                "run".as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
            ];
            hint::command(words)
        }
        _ => "bedrock-bench run".to_string(),
    }
}

/// An error while finding or reading raw CSV files.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A path given on the command line (or the default one) does not exist.
    #[error(
        "{path}: no such file or directory (raw CSVs are written by `{run}`)",
        path = path.display(),
        run = run_hint(std::slice::from_ref(path))
    )]
    NotFound {
        /// The path looked at.
        path: PathBuf,
    },
    /// The paths given hold no `*.csv` file at all.
    #[error(
        "no raw CSV files found in {}; run `{}` first, or name the files or directories to analyze",
        paths_list(paths),
        run_hint(paths)
    )]
    NoInput {
        /// The paths looked at.
        paths: Vec<PathBuf>,
    },
    /// The operating system refused to list or read a path.
    #[error("{path}: {source}", path = path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The header lacks a column the analysis needs.
    #[error(
        "{path}: missing required column `{column}` (is this a raw CSV written by `bedrock-bench run` or benchmark_main.py?)",
        path = path.display()
    )]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that is missing.
        column: &'static str,
    },
    /// A value that cannot be what its column says.
    #[error(
        "{path}:{line}: column `{column}`: expected {expected}, found `{found}`",
        path = path.display()
    )]
    BadValue {
        /// The file.
        path: PathBuf,
        /// Line of the record, from 1 (the header is line 1).
        line: u64,
        /// The column's name.
        column: &'static str,
        /// What the column must hold.
        expected: &'static str,
        /// What the file holds (shortened when very long).
        found: String,
    },
    /// A record that is not well-formed CSV, or has the wrong number of fields.
    #[error("{path}:{line}: {message}", path = path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Line of the record, from 1.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Two columns of one row that contradict each other (in the middle
    /// of a file; a last row like that is skipped with a warning, as
    /// incomplete).
    #[error(
        "{path}:{line}: column `{column}` disagrees with column `{other}`: expected {expected}, found {found}",
        path = path.display()
    )]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// Line of the record, from 1.
        line: u64,
        /// The column whose value is wrong for the other's.
        column: &'static str,
        /// The column it disagrees with.
        other: &'static str,
        /// What `other` implies.
        expected: String,
        /// What `column` holds.
        found: String,
    },
    /// Files that do not compare (another target, time scale or
    /// experiment settings), named explicitly without permission to mix
    /// them (see [`MixPolicy`](super::MixPolicy)).
    #[error("{}", report.refusal())]
    Incomparable {
        /// The comparable sets of files and what differs between them.
        report: Box<MixReport>,
    },
    /// More data than the in-memory layout can index (over 4 billion rows or gaps).
    #[error("{path}: too much data to analyze at once ({what})", path = path.display())]
    TooLarge {
        /// The file being read when the limit was reached.
        path: PathBuf,
        /// Which limit.
        what: &'static str,
    },
}

fn paths_list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Why one record could not be used, before the file and line are
/// attached.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowError {
    /// A bad value.
    Field(FieldError),
    /// `delta_offsets` holds `offsets` offsets where `chunk_count` says
    /// `chunks`.
    Offsets {
        /// Offsets in `delta_offsets`.
        offsets: u64,
        /// `chunk_count`.
        chunks: u64,
    },
}

impl From<FieldError> for RowError {
    fn from(error: FieldError) -> RowError {
        RowError::Field(error)
    }
}

/// A bad field found while parsing one record, before the file and line
/// are attached.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldError {
    /// The column's name.
    pub column: &'static str,
    /// What the column must hold.
    pub expected: &'static str,
    /// What was found.
    pub found: String,
}

impl FieldError {
    /// A field error quoting (at most 80 characters of) the raw bytes.
    pub fn new(column: &'static str, expected: &'static str, raw: &[u8]) -> FieldError {
        let text = String::from_utf8_lossy(raw);
        let found = if text.chars().count() > 80 {
            let short: String = text.chars().take(77).collect();
            format!("{short}...")
        } else {
            text.into_owned()
        };
        FieldError {
            column,
            expected,
            found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_hint_writes_where_analyze_looked() {
        let hint = |p: &str| run_hint(&[PathBuf::from(p)]);
        assert_eq!(hint("target-reports/results"), "bedrock-bench run");
        assert_eq!(hint("my out/results"), "bedrock-bench run --out 'my out'");
        assert_eq!(hint("results"), "bedrock-bench run --out .");
        assert_eq!(hint("somewhere/else"), "bedrock-bench run");
    }
}
