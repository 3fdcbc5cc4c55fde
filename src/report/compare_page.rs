//! `compare`'s page, `compare.html` in its output directory: one
//! self-contained file (inline CSS, charts embedded) with what was
//! compared, the gates, the changes, the groups on one side only, and
//! per matched group both sides' TTFT distributions overlaid.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::compare::CompareReport;
use crate::plot::PlotError;
use crate::plot::compare_ttft::compare_ttft_svg;
use crate::report::assets::{CONTENT_SECURITY_POLICY, SCRIPT, STYLE};
use crate::report::base64;
use crate::report::escape::escape;
use crate::report::html_table;
use crate::table::Table;

/// Why the page could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A chart could not be drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// The directory or the file could not be written.
    #[error("{path}: {source}", path = path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// What the page shows.
#[derive(Debug, Clone, Copy)]
pub struct ComparePage<'a> {
    /// The comparison.
    pub report: &'a CompareReport,
    /// Lines saying what was compared (the paths of each side) and the
    /// warnings.
    pub lines: &'a [String],
    /// The tables, each under its heading, in order.
    pub tables: &'a [(&'a str, &'a Table)],
}

impl ComparePage<'_> {
    /// Draw the charts and write `dir/compare.html` (and `dir`).
    pub fn write(&self, dir: &Path) -> Result<PathBuf, PageError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| PageError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let html = self.html()?;
        let path = dir.join("compare.html");
        std::fs::write(&path, html).map_err(io(&path))?;
        Ok(path)
    }

    /// The document.
    pub fn html(&self) -> Result<String, PlotError> {
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
             <title>bedrock-bench compare</title>\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n",
            escape(CONTENT_SECURITY_POLICY),
        );
        if self.report.failed() {
            out.push_str("<div class=\"banner\" id=\"gates-failed\">A --fail-if gate failed: see Gates.</div>\n");
        }
        out.push_str("<main>\n<header>\n<h1>bedrock-bench compare</h1>\n<ul class=\"meta\">\n");
        for line in self.lines {
            let _ = writeln!(out, "<li>{}</li>", escape(line));
        }
        out.push_str("</ul>\n</header>\n");
        for (i, (heading, table)) in self.tables.iter().enumerate() {
            let _ = writeln!(
                out,
                "<section id=\"table-{i}\">\n<h2>{}</h2>",
                escape(heading)
            );
            if table.rows.is_empty() {
                out.push_str("<p class=\"hint\">none</p>\n");
            } else {
                out.push_str(&html_table::html(table));
            }
            out.push_str("</section>\n");
        }
        out.push_str("<section id=\"ttft\">\n<h2>TTFT, BASE against NEW</h2>\n");
        for group in &self.report.matched {
            let title = group.id.describe();
            let svg = compare_ttft_svg(&title, &group.base_ttft, &group.new_ttft)?;
            let _ = writeln!(
                out,
                "<figure><img src=\"data:image/svg+xml;base64,{}\" alt=\"TTFT of {}\" style=\"max-width:100%\"></figure>",
                base64::encode(svg.as_bytes()),
                escape(&title)
            );
        }
        out.push_str("</section>\n</main>\n</body>\n</html>\n");
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::sides::SideName;
    use crate::compare::{GroupId, MatchedGroup, OneSidedGroup};

    #[test]
    fn the_page_has_the_lines_the_tables_and_a_chart_per_matched_group() {
        let id = GroupId {
            model: "m".into(),
            region: "r".into(),
            variant: "standard".into(),
        };
        let report = CompareReport {
            matched: vec![MatchedGroup {
                id: id.clone(),
                base_calls: 2,
                new_calls: 2,
                changes: Vec::new(),
                base_ttft: vec![0.5, 0.6],
                new_ttft: vec![0.7, 0.8],
            }],
            one_sided: vec![OneSidedGroup {
                id,
                side: SideName::New,
                attempts: 1,
                calls: 1,
            }],
            gates: Vec::new(),
        };
        let table = crate::tables::compare_groups::one_sided(&report.one_sided);
        let lines = vec!["BASE: a<b.csv".to_string()];
        let tables = [("Groups on one side only", &table)];
        let page = ComparePage {
            report: &report,
            lines: &lines,
            tables: &tables,
        };
        let html = page.html().expect("drawn");
        assert!(html.contains("<li>BASE: a&lt;b.csv</li>"), "escaped line");
        assert!(html.contains("id=\"compare-one-sided\""), "the table");
        assert_eq!(html.matches("data:image/svg+xml;base64,").count(), 1);
        assert!(!html.contains("gates-failed"), "no gate failed");
    }
}
