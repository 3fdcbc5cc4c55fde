//! The report's tables: the Python tool's summary, the standard-vs-
//! optimized comparison, attempts and failures per group, error
//! messages. Every cell is escaped.

use std::fmt::Write as _;

use super::escape::escape;
use crate::analysis::{
    COMPARED_METRICS, Comparison, ErrorSample, GroupStats, Metric, RatioEstimate, SummaryRow,
};
use crate::export::cost_text::{change, usd_or_empty};
use crate::export::summary_csv::{SUMMARY_COLUMNS, presented_record};

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

/// The Python tool's summary: its columns, its rounding; a p90 of fewer
/// than 10 calls shows `n<10` (see
/// [`crate::analysis::percentile_rule`]). `groups` are the statistics of
/// the same groups, in the same order.
pub fn summary(rows: &[SummaryRow], groups: &[GroupStats]) -> String {
    let body: Vec<Row> = rows
        .iter()
        .zip(groups)
        .map(|(r, g)| {
            let cells = presented_record(r, g)
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

/// The comparisons, every axis in one table (the axis first): both
/// medians, the ratio variant / baseline and its interval for each
/// compared metric that any row has.
pub fn comparison(comparisons: &[Comparison]) -> String {
    let metrics: Vec<(usize, Metric)> = COMPARED_METRICS
        .into_iter()
        .enumerate()
        .filter(|&(i, _)| {
            comparisons
                .iter()
                .any(|c| c.ratios[i].baseline.is_some() || c.ratios[i].variant.is_some())
        })
        .collect();
    let mut header: Vec<String> = [
        "axis",
        "model",
        "region",
        "baseline",
        "variant",
        "n baseline",
        "n variant",
    ]
    .map(String::from)
    .to_vec();
    for &(_, metric) in &metrics {
        let name = match metric {
            Metric::Ttft => "TTFT p50 (s)",
            Metric::TimeToFirstText => "first text p50 (s)",
            Metric::GenerationOtps => "gen. OTPS p50",
            _ => "total p50 (s)",
        };
        let short = name.split(" p50").next().unwrap_or(name);
        header.push(format!("{name} baseline"));
        header.push(format!("{name} variant"));
        header.push(format!("{short} ratio"));
        header.push(format!("{short} ratio 95% CI"));
    }
    header.push("mismatches".to_string());
    header.push("cost per 1k calls baseline".to_string());
    header.push("cost per 1k calls variant".to_string());
    header.push("cost change".to_string());
    let rows: Vec<Row> = comparisons
        .iter()
        .map(|c| {
            let mut cells = vec![
                Cell::key(c.axis.name()),
                Cell::id(&c.model),
                Cell::key(&c.region),
                Cell::key(&c.baseline),
                Cell::key(&c.variant),
                Cell::num(c.n_baseline.to_string()),
                Cell::num(c.n_variant.to_string()),
            ];
            for &(i, _) in &metrics {
                let e = &c.ratios[i];
                cells.push(Cell::num(three(e.baseline)));
                cells.push(Cell::num(three(e.variant)));
                cells.push(Cell::num(three(e.ratio)));
                cells.push(Cell::num(interval(e)));
            }
            cells.push(Cell::num(
                c.mismatches.map(|n| n.to_string()).unwrap_or_default(),
            ));
            cells.push(Cell::num(usd_or_empty(c.cost_baseline.per_1k_calls())));
            cells.push(Cell::num(usd_or_empty(c.cost_variant.per_1k_calls())));
            cells.push(Cell::num(change(c.cost_ratio())));
            (cells, "")
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
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
        "tier downgrades",
        "cache unused",
        "warm-ups",
        "calls priced",
        "unpriced calls",
        "cost total",
        "cost per 1k calls",
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
                    c.tier_downgrades,
                    c.cache_unused,
                    c.warmups,
                ]
                .map(|n| Cell::num(n.to_string())),
            );
            cells.extend([
                Cell::num(g.cost.priced.to_string()),
                Cell::num(g.cost.unpriced.to_string()),
                Cell::num(usd_or_empty(g.cost.total())),
                Cell::num(usd_or_empty(g.cost.per_1k_calls())),
            ]);
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
