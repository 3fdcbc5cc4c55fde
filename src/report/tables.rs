//! The report's tables: the Python tool's summary, the standard-vs-
//! optimized comparison, attempts and failures per group, error
//! messages. Every cell is escaped.

use std::fmt::Write as _;

use super::escape::escape;
use crate::analysis::{Comparison, ErrorSample, GroupStats, RatioEstimate, SummaryRow};
use crate::export::summary_csv::{SUMMARY_COLUMNS, record};

/// One table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text (escaped when written).
    pub text: String,
    /// CSS class: `num` for numbers, `key` for short keys, `id` for long
    /// identifiers.
    pub class: &'static str,
}

impl Cell {
    /// A number cell.
    pub fn num(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            class: "num",
        }
    }

    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            class: "",
        }
    }

    /// A short key that never wraps (region, performance config).
    pub fn key(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            class: "key",
        }
    }

    /// A long identifier (wraps anywhere).
    pub fn id(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            class: "id",
        }
    }
}

/// A row and its CSS class (empty for none).
pub type Row = (Vec<Cell>, &'static str);

/// An HTML table, scrollable when wider than the page.
pub fn table(id: &str, header: &[&str], rows: &[Row]) -> String {
    let mut out = format!(
        "<div class=\"scroll\"><table id=\"{}\">\n<thead><tr>",
        escape(id)
    );
    for h in header {
        // Long column names may break after an underscore.
        let _ = write!(out, "<th>{}</th>", escape(h).replace('_', "_<wbr>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (cells, class) in rows {
        if class.is_empty() {
            out.push_str("<tr>");
        } else {
            let _ = write!(out, "<tr class=\"{class}\">");
        }
        for cell in cells {
            if cell.class.is_empty() {
                let _ = write!(out, "<td>{}</td>", escape(&cell.text));
            } else {
                let _ = write!(
                    out,
                    "<td class=\"{}\">{}</td>",
                    cell.class,
                    escape(&cell.text)
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// The Python tool's summary: its columns, its rounding.
pub fn summary(rows: &[SummaryRow]) -> String {
    let body: Vec<Row> = rows
        .iter()
        .map(|r| {
            let cells = record(r)
                .into_iter()
                .enumerate()
                .map(|(i, text)| match i {
                    0 => Cell::id(text),
                    1 | 2 => Cell::key(text),
                    _ => Cell::num(text),
                })
                .collect();
            (cells, if r.sample_size == 0 { "nosuccess" } else { "" })
        })
        .collect();
    table("summary", &SUMMARY_COLUMNS, &body)
}

fn three(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_default()
}

fn interval(e: &RatioEstimate) -> String {
    match (e.ci_low, e.ci_high) {
        (Some(l), Some(h)) => format!("[{l:.3}, {h:.3}]"),
        _ => String::new(),
    }
}

/// Standard vs optimized, as on the terminal.
pub fn comparison(comparisons: &[Comparison]) -> String {
    let header = [
        "model",
        "region",
        "n_standard",
        "n_optimized",
        "TTFT p50 standard (s)",
        "TTFT p50 optimized (s)",
        "TTFT ratio",
        "TTFT ratio 95% CI",
        "gen. OTPS p50 standard",
        "gen. OTPS p50 optimized",
        "gen. OTPS ratio",
        "gen. OTPS ratio 95% CI",
        "fallbacks",
    ];
    let rows: Vec<Row> = comparisons
        .iter()
        .map(|c| {
            (
                vec![
                    Cell::id(&c.model),
                    Cell::key(&c.region),
                    Cell::num(c.n_standard.to_string()),
                    Cell::num(c.n_optimized.to_string()),
                    Cell::num(three(c.ttft_p50.standard)),
                    Cell::num(three(c.ttft_p50.optimized)),
                    Cell::num(three(c.ttft_p50.ratio)),
                    Cell::num(interval(&c.ttft_p50)),
                    Cell::num(three(c.generation_otps_p50.standard)),
                    Cell::num(three(c.generation_otps_p50.optimized)),
                    Cell::num(three(c.generation_otps_p50.ratio)),
                    Cell::num(interval(&c.generation_otps_p50)),
                    Cell::num(c.fallbacks.to_string()),
                ],
                "",
            )
        })
        .collect();
    table("comparison", &header, &rows)
}

/// What happened to the attempts of every group.
pub fn counts(groups: &[GroupStats]) -> String {
    let header = [
        "model",
        "region",
        "performance_config",
        "attempts",
        "successes",
        "errors",
        "throttles",
        "timeouts",
        "other errors",
        "failed invocations",
        "fallbacks",
        "warm-ups",
    ];
    let rows: Vec<Row> = groups
        .iter()
        .map(|g| {
            let c = &g.counts;
            let mut cells = vec![
                Cell::id(&g.model),
                Cell::key(&g.region),
                Cell::key(&g.performance_config),
            ];
            cells.extend(
                [
                    c.attempts,
                    c.successes,
                    c.errors,
                    c.throttles,
                    c.timeouts,
                    c.errors - c.throttles - c.timeouts,
                    c.failed_invocations,
                    c.fallbacks,
                    c.warmups,
                ]
                .map(|n| Cell::num(n.to_string())),
            );
            (cells, if c.successes == 0 { "nosuccess" } else { "" })
        })
        .collect();
    table("counts", &header, &rows)
}

/// The error messages, most frequent first.
pub fn errors(samples: &[ErrorSample]) -> String {
    let rows: Vec<Row> = samples
        .iter()
        .map(|e| {
            (
                vec![
                    Cell::id(&e.model),
                    Cell::key(&e.status),
                    Cell::num(e.count.to_string()),
                    Cell::text(&e.message),
                ],
                "",
            )
        })
        .collect();
    table(
        "errors",
        &["model", "api_call_status", "calls", "full_error_message"],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        let html = table("t", &["<h>"], &[(vec![Cell::text("<script>&")], "")]);
        assert!(html.contains("<th>&lt;h&gt;</th>"));
        assert!(html.contains("<td>&lt;script&gt;&amp;</td>"));
        assert!(!html.contains("<script>"));
    }
}
