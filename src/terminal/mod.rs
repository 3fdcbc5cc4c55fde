//! The analysis as text for the terminal: aligned tables (see [`table`])
//! of the summary, the comparisons (one table per variant axis), the
//! failures, the open loop's schedule, the prefill cost and the time
//! windows' drift, each the table the files and the report page show too
//! ([`crate::tables`]).

pub mod table;

use std::fmt::Write as _;

use crate::analysis::{Analysis, Comparison, Simulation};
use crate::tables;

/// Printed first and last when files that do not compare are analyzed
/// together (`--mixed`).
pub const MIXED: &str = "!!! MIXED DATA: files of different targets, time scales or experiment settings are analyzed together (--mixed); every number below mixes them !!!";

/// Printed before and after the tables when any row came from the
/// emulator: what simulated them and at which time scale.
pub fn simulated_banner(simulation: &Simulation) -> String {
    format!("!!! {} !!!", simulation.sentence())
}

/// The terminal report of an analysis: counts, the summary table (the
/// Python tool's columns), the comparisons along each variant axis, the
/// failures per group, the open loop's schedule and the prefill cost
/// (when a group has them).
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
    out.push_str(&table::render(&tables::summary::summary(
        &analysis.summary,
        &analysis.groups,
    )));
    out.push('\n');

    out.push_str(&comparisons(&analysis.comparisons));
    out.push('\n');

    let _ = writeln!(
        out,
        "Attempts and failures per group, and their cost (cost_per_1k_calls: the mean cost of the priced calls x 1,000):"
    );
    out.push_str(&table::render(&tables::groups::groups(&analysis.groups)));
    out.push('\n');

    let turns = tables::turns::turns(&analysis.groups);
    if !turns.rows.is_empty() {
        let _ = writeln!(
            out,
            "Latency by turn (conversations; successful calls; seconds; input_tokens: model_input_tokens, the uncached input, so a turn that reads the cache counts only what it did not read):"
        );
        out.push_str(&table::render(&turns));
        out.push('\n');
    }

    let cache = tables::cache::cache(&analysis.groups);
    if !cache.rows.is_empty() {
        let _ = writeln!(
            out,
            "Prompt cache (successful calls that used it; hits read it; TTFT p50 of hits and misses, seconds):"
        );
        out.push_str(&table::render(&cache));
        out.push('\n');
    }

    let schedule = tables::schedule::schedule(&analysis.groups);
    if !schedule.rows.is_empty() {
        let _ = writeln!(
            out,
            "Open-loop schedule (dispatch lag: how late calls started after their scheduled instant, ms; held_by_cap: calls max_concurrency made wait; latencies in seconds, from the schedule they include that wait):"
        );
        out.push_str(&table::render(&schedule));
        out.push('\n');
    }

    if analysis.has_prefill_fit() {
        let _ = writeln!(
            out,
            "Prefill cost (TTFT against input tokens, least squares over the successful calls: TTFT = intercept + slope x input tokens; the intercept in seconds, the slope in ms per 1,000 input tokens, each with its 95% CI):"
        );
        out.push_str(&table::render(&tables::prefill::prefill(&analysis.prefill)));
        out.push('\n');
    }

    if let Some(windows) = &analysis.windows {
        let _ = writeln!(
            out,
            "Time windows ({} windows of {} from the first call's start, in the rows' own time; TTFT_p50 in the first and the last window with a call, seconds; drift: TTFT p50 and total p50 of the first quarter of the windows against the last, change with its 95% CI; every window is in the time windows CSV):",
            windows.count,
            crate::analysis::windows::seconds(windows.width_s)
        );
        out.push_str(&table::render(&tables::windows::drift(windows)));
        out.push('\n');
    }
    out
}

/// The comparisons section: a heading and one table per axis that has
/// any, or a line saying there is nothing to compare. Metrics that no row
/// of a table has (time to first text in files without it) are left out
/// of that table.
fn comparisons(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Comparisons (groups one variant axis apart; medians baseline -> variant, ratio variant/baseline with bootstrap 95% CI; cost per 1,000 calls baseline -> variant; trade: the variant's changes):"
    );
    if comparisons.is_empty() {
        let _ = writeln!(
            out,
            "  no model and region has two groups one axis apart (standard vs optimized, default vs another tier, cache write vs read, no reasoning vs a budget, no tools vs tools)."
        );
        return out;
    }
    out.push_str(&table::render(&tables::comparisons::comparisons(
        comparisons,
    )));
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
