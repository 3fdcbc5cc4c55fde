//! Measured figures, kept true: a command that measures something
//! (`calibrate --figures`, the benches' `--figures`) writes a results file
//! ([`FiguresFile`]: the command, its date, the machine, the commit, and
//! the figures); the prose and tables that quote them are generated from
//! those files ([`render`]) by `bedrock-bench docs` (`figures` is its old
//! name), and a test fails when the committed documents differ from what
//! the files generate.
//!
//! ```text
//! cargo bench --bench open_loop -- --figures docs/figures/open_loop.json
//!   -> docs/figures/open_loop.json          (machine-written, committed)
//! bedrock-bench docs                          (rewrites the marked places)
//!   -> README.md, docs/*.md                   <!-- fig:open_loop:poisson.lag_p99_ms -->0.99<!-- /fig -->
//! ```

mod provenance;
mod render;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use provenance::{commit, machine};
pub use render::{RenderError, documents, render, render_documents};

/// Where the results files live, relative to the repository.
pub const FIGURES_DIR: &str = "docs/figures";

/// One measured number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The number, in `unit`.
    pub value: f64,
    /// Its unit (`ms`, `events/s`, `MiB`, empty for a count).
    pub unit: String,
    /// How the documents show it (the command's own formatting).
    pub shown: String,
}

impl Figure {
    /// `value` in `unit`, shown with `decimals` decimals (thousands
    /// separated by commas for whole numbers of four digits or more).
    pub fn new(value: f64, unit: &str, decimals: usize) -> Figure {
        Figure {
            value,
            unit: unit.to_string(),
            shown: crate::table::format::grouped(value, decimals),
        }
    }
}

/// A table of figures, as the documents show it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Table {
    /// The column headers.
    pub header: Vec<String>,
    /// Per column: right-aligned (numbers).
    pub right: Vec<bool>,
    /// The rows, each cell as shown.
    pub rows: Vec<Vec<String>>,
}

/// What one command measured, with where and when.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FiguresFile {
    /// The command that produced the file, as a user would type it.
    pub command: String,
    /// When it ran (UTC, RFC 3339).
    pub date: String,
    /// The machine it ran on ([`machine`]).
    pub machine: String,
    /// The commit it ran at ([`commit`]; `+changes` when the tree had
    /// uncommitted changes).
    pub commit: String,
    /// The figures by name.
    pub figures: BTreeMap<String, Figure>,
    /// The tables by name.
    #[serde(default)]
    pub tables: BTreeMap<String, Table>,
}

impl FiguresFile {
    /// A file for `command`, dated now, on this machine, at this commit.
    pub fn new(command: impl Into<String>) -> FiguresFile {
        FiguresFile {
            command: command.into(),
            date: crate::timestamps::utc_seconds(),
            machine: machine(),
            commit: commit(),
            figures: BTreeMap::new(),
            tables: BTreeMap::new(),
        }
    }

    /// Add a figure.
    pub fn figure(&mut self, name: impl Into<String>, figure: Figure) -> &mut Self {
        self.figures.insert(name.into(), figure);
        self
    }

    /// Add a table.
    pub fn table(&mut self, name: impl Into<String>, table: Table) -> &mut Self {
        self.tables.insert(name.into(), table);
        self
    }

    /// The one line a document shows about where the figures come from.
    pub fn provenance(&self) -> String {
        format!(
            "measured with `{}` on {} ({}, commit {})",
            self.command,
            self.machine,
            self.date.get(..10).unwrap_or(&self.date),
            self.commit
        )
    }

    /// Write the file (pretty JSON, keys sorted) to `path`, creating its
    /// directory.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }

    /// Read the file at `path`.
    pub fn read(path: &Path) -> Result<FiguresFile, RenderError> {
        let text = std::fs::read_to_string(path).map_err(|source| RenderError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|error| RenderError::Parse {
            path: path.to_path_buf(),
            error: error.to_string(),
        })
    }
}

/// Every results file in `dir` (`*.json`), by file stem.
pub fn read_dir(dir: &Path) -> Result<BTreeMap<String, FiguresFile>, RenderError> {
    let mut files = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|source| RenderError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.insert(stem, FiguresFile::read(&path)?);
    }
    Ok(files)
}

/// How this process was started, as a user would type it: `program`
/// (such as `bedrock-bench`) and the arguments, each quoted when it holds
/// a space or a shell character.
pub fn invocation(program: &str) -> String {
    let mut words = vec![program.to_string()];
    for arg in std::env::args().skip(1) {
        words.push(quoted(arg));
    }
    words.join(" ")
}

/// How a bench target was started: `cargo bench --bench NAME`, then
/// `-- ARGS` for the options given after `--` (without the `--bench` that
/// cargo adds).
pub fn bench_invocation(name: &str) -> String {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .map(quoted)
        .collect();
    if args.is_empty() {
        format!("cargo bench --bench {name}")
    } else {
        format!("cargo bench --bench {name} -- {}", args.join(" "))
    }
}

/// `arg` as a shell word: as it is when plain, else single-quoted.
fn quoted(arg: String) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c));
    if plain {
        arg
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_round_trips() {
        let mut file = FiguresFile::new("cargo bench --bench x");
        file.figure("a.b", Figure::new(1.5, "ms", 2));
        let dir = std::env::temp_dir().join(format!("bb-figures-rt-{}", std::process::id()));
        let path = dir.join("x.json");
        file.write(&path).expect("writes");
        assert_eq!(FiguresFile::read(&path).expect("reads"), file);
        let _ = std::fs::remove_dir_all(dir);
    }
}
