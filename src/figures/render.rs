//! Put the results files' figures into the documents: each marked place
//! is rewritten from its file, so that no measured number is ever typed.
//!
//! Markers (HTML comments, invisible on GitHub and in mdBook):
//!
//! ```text
//! <!-- fig:FILE:KEY -->1.046 ms<!-- /fig -->           the figure with its unit
//! <!-- num:FILE:KEY -->1.046<!-- /num -->              the figure alone
//! <!-- fig-source:FILE -->measured with ...<!-- /fig-source -->
//! <!-- fig-table:FILE:NAME -->
//! | a | b |
//! ...
//! <!-- /fig-table -->
//! ```
//!
//! `FILE` is a results file's stem in `docs/figures/` (`calibrate` for
//! `calibrate.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{FiguresFile, Table};

/// What went wrong reading results files or rendering a document.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A results file is not valid.
    #[error("{}: not a results file: {error}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        error: String,
    },
    /// A marker names a results file, figure or table that does not exist,
    /// or is not closed.
    #[error("{document}:{line}: {problem}")]
    Marker {
        /// The document.
        document: String,
        /// The marker's line (from 1).
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?s)<!-- (fig|num|fig-source|fig-table):([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_.-]+))? -->(.*?)<!-- /(fig|num|fig-source|fig-table) -->",
    )
    .expect("a valid pattern")
});

static OPENER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!-- (fig|num|fig-source|fig-table):").expect("a valid pattern"));

/// `text` (the document `name`) with every marked place rewritten from
/// `files` (results files by stem).
pub fn render(
    name: &str,
    text: &str,
    files: &BTreeMap<String, FiguresFile>,
) -> Result<String, RenderError> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut problem: Option<RenderError> = None;
    let mut closed = Vec::new();
    let rendered = MARKER.replace_all(text, |caps: &Captures<'_>| {
        let whole = caps.get(0).expect("the match");
        closed.push(whole.start());
        let fail = |message: String| RenderError::Marker {
            document: name.to_string(),
            line: line_of(whole.start()),
            problem: message,
        };
        match fill(caps, files) {
            Ok(text) => text,
            Err(message) => {
                problem.get_or_insert(fail(message));
                whole.as_str().to_string()
            }
        }
    });
    if let Some(error) = problem {
        return Err(error);
    }
    if let Some(open) = OPENER
        .find_iter(text)
        .find(|m| !closed.contains(&m.start()))
    {
        return Err(RenderError::Marker {
            document: name.to_string(),
            line: line_of(open.start()),
            problem: "a figure marker without its closing `<!-- /... -->`".into(),
        });
    }
    Ok(rendered.into_owned())
}

/// One marker's new text, or what is wrong with it.
fn fill(caps: &Captures<'_>, files: &BTreeMap<String, FiguresFile>) -> Result<String, String> {
    let kind = &caps[1];
    let file_name = &caps[2];
    if caps[5] != *kind {
        return Err(format!(
            "`<!-- {kind}:... -->` is closed by `<!-- /{} -->`",
            &caps[5]
        ));
    }
    let file = files
        .get(file_name)
        .ok_or_else(|| format!("no results file `{file_name}` (docs/figures/{file_name}.json)"))?;
    let key = caps.get(3).map(|m| m.as_str());
    let open = format!(
        "<!-- {kind}:{file_name}{} -->",
        key.map(|k| format!(":{k}")).unwrap_or_default()
    );
    let close = format!("<!-- /{kind} -->");
    let body = match (kind, key) {
        ("fig-source", None) => file.provenance(),
        ("fig" | "num", Some(key)) => {
            let figure = file
                .figures
                .get(key)
                .ok_or_else(|| format!("`{file_name}` has no figure `{key}`"))?;
            if kind == "fig" && (figure.unit.starts_with('%') || figure.unit.starts_with('/')) {
                format!("{}{}", figure.shown, figure.unit)
            } else if kind == "fig" && !figure.unit.is_empty() {
                format!("{} {}", figure.shown, figure.unit)
            } else {
                figure.shown.clone()
            }
        }
        ("fig-table", Some(key)) => {
            let table = file
                .tables
                .get(key)
                .ok_or_else(|| format!("`{file_name}` has no table `{key}`"))?;
            format!("\n{}", markdown_table(table))
        }
        (_, None) => return Err(format!("`{kind}` needs `FILE:NAME`")),
        (_, Some(_)) => return Err(format!("`{kind}` takes only `FILE`")),
    };
    Ok(format!("{open}{body}{close}"))
}

/// A Markdown table (ending with a newline).
fn markdown_table(table: &Table) -> String {
    let row = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let mut out = row(&table.header);
    let rule: Vec<String> = (0..table.header.len())
        .map(|i| {
            if table.right.get(i).copied().unwrap_or(false) {
                "---:".to_string()
            } else {
                "---".to_string()
            }
        })
        .collect();
    out.push_str(&row(&rule));
    for cells in &table.rows {
        out.push_str(&row(cells));
    }
    out
}

/// The documents that may quote figures under `root`: `README.md`,
/// `CONTRIBUTING.md`, every `*.md` under `docs/`, and each crate's
/// `README.md`.
pub fn documents(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for name in ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"] {
        let path = root.join(name);
        if path.is_file() {
            found.push(path);
        }
    }
    let mut stack = vec![root.join("docs")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        for entry in crates.filter_map(Result::ok) {
            let path = entry.path().join("README.md");
            if path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every document under `root` rendered from the results files in
/// `root/docs/figures`: `(path, current text, rendered text)`.
pub fn render_documents(root: &Path) -> Result<Vec<(PathBuf, String, String)>, RenderError> {
    let files = super::read_dir(&root.join(super::FIGURES_DIR))?;
    let mut out = Vec::new();
    for path in documents(root) {
        let text = std::fs::read_to_string(&path).map_err(|source| RenderError::Read {
            path: path.clone(),
            source,
        })?;
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let rendered = render(&name, &text, &files)?;
        out.push((path, text, rendered));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Figure;

    fn files() -> BTreeMap<String, FiguresFile> {
        let mut file = FiguresFile {
            command: "cargo bench --bench x".into(),
            date: "2026-12-06T10:00:00Z".into(),
            machine: "2 vCPU, 24 GiB, linux 6.1".into(),
            commit: "abcdef012345".into(),
            ..FiguresFile::default()
        };
        file.figure("lag.p99", Figure::new(0.987, "ms", 2));
        file.table(
            "levels",
            Table {
                header: vec!["n".into(), "p50".into()],
                right: vec![true, true],
                rows: vec![vec!["1".into(), "1.0".into()]],
            },
        );
        BTreeMap::from([("x".to_string(), file)])
    }

    #[test]
    fn markers_are_rewritten_from_the_files() {
        let text = "p99 <!-- fig:x:lag.p99 -->9 ms<!-- /fig --> (<!-- num:x:lag.p99 -->?<!-- /num -->), <!-- fig-source:x -->old<!-- /fig-source -->\n<!-- fig-table:x:levels -->\nstale\n<!-- /fig-table -->\n";
        let out = render("doc.md", text, &files()).expect("renders");
        assert_eq!(
            out,
            "p99 <!-- fig:x:lag.p99 -->0.99 ms<!-- /fig --> (<!-- num:x:lag.p99 -->0.99<!-- /num -->), <!-- fig-source:x -->measured with `cargo bench --bench x` on 2 vCPU, 24 GiB, linux 6.1 (2026-12-06, commit abcdef012345)<!-- /fig-source -->\n<!-- fig-table:x:levels -->\n| n | p50 |\n| ---: | ---: |\n| 1 | 1.0 |\n<!-- /fig-table -->\n"
        );
        // Rendering is stable: the output renders to itself.
        assert_eq!(render("doc.md", &out, &files()).expect("renders"), out);
    }

    #[test]
    fn a_missing_file_figure_or_close_is_named_at_its_line() {
        for (text, problem) in [
            (
                "a\n<!-- fig:y:lag.p99 -->1<!-- /fig -->",
                "no results file `y`",
            ),
            (
                "a\n<!-- fig:x:nope -->1<!-- /fig -->",
                "has no figure `nope`",
            ),
            ("a\n<!-- fig:x:lag.p99 -->1", "without its closing"),
            ("a\n<!-- fig:x:lag.p99 -->1<!-- /num -->", "is closed by"),
        ] {
            let error = render("doc.md", text, &files())
                .expect_err(text)
                .to_string();
            assert!(error.starts_with("doc.md:2: "), "{error}");
            assert!(error.contains(problem), "{error}");
        }
    }
}
