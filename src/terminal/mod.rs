//! The analysis as text for the terminal: aligned tables of the summary,
//! the comparisons (one table per variant axis) and the failures.

mod comparisons;
pub(crate) mod schedule;
pub(crate) mod table;

use std::fmt::Write as _;

use crate::analysis::{Analysis, Simulation};
use crate::export::cost_text::usd_or_empty;
use crate::export::summary_csv;

/// Printed first and last when files that do not compare are analyzed
/// together (`--mixed`).
pub const MIXED: &str = "!!! MIXED DATA: files of different targets, time scales or experiment settings are analyzed together (--mixed); every number below mixes them !!!";

/// Printed before and after the tables when any row came from the
/// emulator: what simulated them and at which time scale.
pub fn simulated_banner(simulation: &Simulation) -> String {
    format!("!!! {} !!!", simulation.sentence())
}

/// The terminal report of an analysis: counts, the summary table (the
/// Python tool's columns), the comparisons along each variant axis and
/// the failures per group.
pub fn overview(analysis: &Analysis) -> String {
    let mut out = String::new();
    let data = &analysis.dataset;
    let attempts = data.attempts();
    let successes = attempts.iter().filter(|a| a.is_success()).count();
    let _ = writeln!(
        out,
        "{} from {} file(s): {} succeeded, {} failed.\n",
        calls(analysis),
        data.sources().len(),
        successes,
        attempts.len() - successes
    );

    let _ = writeln!(
        out,
        "Summary (successful calls only; seconds, tokens, tokens/s; a p90 of fewer than 10 calls shows n<10):"
    );
    let rows: Vec<Vec<String>> = analysis
        .summary
        .iter()
        .zip(&analysis.groups)
        .map(|(row, stats)| summary_csv::presented_record(row, stats))
        .collect();
    out.push_str(&table::render(&summary_csv::SUMMARY_COLUMNS, &rows));
    out.push('\n');

    out.push_str(&comparisons::section(&analysis.comparisons));
    out.push('\n');

    let _ = writeln!(
        out,
        "Attempts and failures per group, and their cost (cost_per_1k_calls: the mean cost of the priced calls x 1,000):"
    );
    let header = [
        "model",
        "region",
        "performance_config",
        "attempts",
        "successes",
        "errors",
        "throttles",
        "timeouts",
        "failed_invocations",
        "fallbacks",
        "tier_downgrades",
        "cache_unused",
        "calls_priced",
        "unpriced_calls",
        "cost_total",
        "cost_per_1k_calls",
    ];
    let rows: Vec<Vec<String>> = analysis
        .groups
        .iter()
        .map(|g| {
            let c = &g.counts;
            let mut row = vec![
                g.model.clone(),
                g.region.clone(),
                g.performance_config.clone(),
            ];
            row.extend(
                [
                    c.attempts,
                    c.successes,
                    c.errors,
                    c.throttles,
                    c.timeouts,
                    c.failed_invocations,
                    c.fallbacks,
                    c.tier_downgrades,
                    c.cache_unused,
                ]
                .map(|n| n.to_string()),
            );
            row.extend([
                g.cost.priced.to_string(),
                g.cost.unpriced.to_string(),
                usd_or_empty(g.cost.total()),
                usd_or_empty(g.cost.per_1k_calls()),
            ]);
            row
        })
        .collect();
    out.push_str(&table::render(&header, &rows));
    out.push('\n');

    let schedule = schedule::rows(&analysis.groups);
    if !schedule.is_empty() {
        let _ = writeln!(
            out,
            "Open-loop schedule (dispatch lag: how late calls started after their scheduled instant, ms; held_by_cap: calls max_concurrency made wait; latencies in seconds, from the schedule they include that wait):"
        );
        out.push_str(&table::render(&schedule::HEADER, &schedule));
        out.push('\n');
    }
    out
}

/// Where the costs come from, in one line: the files' `cost_usd` cells,
/// the rows' tokens re-priced with `price_file` (`analyze --prices`; a
/// price file not named when `None`), or, for files without `cost_usd`,
/// the built-in table.
pub fn cost_note(analysis: &Analysis, price_file: Option<&std::path::Path>) -> String {
    use crate::analysis::CostSource;
    let sources = analysis.dataset.sources();
    let of = |kind: CostSource| sources.iter().filter(|s| s.costs == kind).count();
    let as_of = bedrock_catalog::prices::PRICES_AS_OF;
    if let Some(path) = price_file {
        return format!(
            "Costs: every row re-priced from its tokens with {} (the built-in prices as of {as_of} for what it does not list); the files' cost_usd cells are not used.",
            path.display()
        );
    }
    if of(CostSource::PriceFile) > 0 {
        return format!(
            "Costs: every row re-priced from its tokens with a price file (analyze --prices; the built-in prices as of {as_of} for what it does not list)."
        );
    }
    let (column, builtin) = (of(CostSource::Column), of(CostSource::Builtin));
    match (column, builtin) {
        (_, 0) => "Costs: from the files' cost_usd cells (an empty cell is unknown); --prices FILE re-prices the rows from their tokens.".to_string(),
        (0, _) => format!(
            "Costs: the files have no cost_usd column; their rows are priced from their tokens with the built-in prices as of {as_of} (--prices FILE to use others)."
        ),
        _ => format!(
            "Costs: from the cost_usd cells of {column} file(s); the {builtin} file(s) without the column priced from their tokens with the built-in prices as of {as_of} (--prices FILE re-prices every row)."
        ),
    }
}

/// The calls read: `60 calls`, or with retries `65 calls (60 invocations
/// and 5 retries)`. Every row is a call; in the Python tool's files every
/// row is also an invocation (that tool never retries).
pub fn calls(analysis: &Analysis) -> String {
    let data = &analysis.dataset;
    let calls = data.attempts().len() as u64;
    let invocations = u64::from(data.invocation_count());
    let retries = calls.saturating_sub(invocations);
    match retries {
        0 => format!("{calls} calls"),
        1 => format!("{calls} calls ({invocations} invocations and 1 retry)"),
        _ => format!("{calls} calls ({invocations} invocations and {retries} retries)"),
    }
}
