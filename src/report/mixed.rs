//! Files that do not compare, on the report page: a loud banner when they
//! were analyzed together (`--mixed`), and a table of the comparable sets
//! (what each agrees on, its files, analyzed or left out).

use std::fmt::Write as _;

use super::escape::escape;
use crate::analysis::Analysis;

/// The banner, first on the page, when files that do not compare were
/// analyzed together; empty otherwise.
pub fn banner(analysis: &Analysis) -> String {
    match &analysis.mixed {
        Some(report) if report.kept.is_none() => format!(
            "<div class=\"banner\" id=\"mixed\">{}</div>\n",
            escape(&report.together_warning()).replace('\n', "<br>")
        ),
        _ => String::new(),
    }
}

/// The section listing the comparable sets; empty when every file compares.
pub fn section(analysis: &Analysis) -> String {
    let Some(report) = &analysis.mixed else {
        return String::new();
    };
    let mut out =
        String::from("<section id=\"comparable-sets\">\n<h2>Files that do not compare</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">{}</p>",
        escape(&match report.kept {
            Some(_) => "Only the files with the newest data were analyzed; the others hold another target, time scale or experiment settings and were left out. Name them explicitly to analyze them, or all together with --mixed.".to_string(),
            None => format!(
                "These files differ in {} and were analyzed together (--mixed): every number on this page mixes them.",
                report.differences.join(", ")
            ),
        })
    );
    out.push_str("<div class=\"scroll\"><table id=\"sets\">\n<tr><th>set</th>");
    for (name, _) in report
        .sets
        .first()
        .map(|s| s.settings.fields())
        .unwrap_or_default()
    {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("<th>files</th><th>analyzed</th></tr>\n");
    for (i, set) in report.sets.iter().enumerate() {
        let _ = write!(out, "<tr><td>{}</td>", i + 1);
        for (_, value) in set.settings.fields() {
            let _ = write!(out, "<td>{}</td>", escape(&value));
        }
        let files: Vec<String> = set
            .files
            .iter()
            .map(|f| format!("<code>{}</code>", escape(&f.display().to_string())))
            .collect();
        let analyzed = match report.kept {
            Some(kept) if kept == i => "yes (newest data)",
            Some(_) => "no: left out",
            None => "yes, mixed with the others",
        };
        let _ = writeln!(
            out,
            "<td>{}</td><td>{analyzed}</td></tr>",
            files.join("<br>")
        );
    }
    out.push_str("</table></div>\n</section>\n");
    out
}
