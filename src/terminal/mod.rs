//! The analysis as text for the terminal: aligned tables of the summary,
//! the comparisons and the failures.

pub(crate) mod table;

use std::fmt::Write as _;

use crate::analysis::{Analysis, Comparison, RatioEstimate};
use crate::export::summary_csv;

/// Printed first and last when files that do not compare are analyzed
/// together (`--mixed`).
pub const MIXED: &str = "!!! MIXED DATA: files of different targets, time scales or experiment settings are analyzed together (--mixed); every number below mixes them !!!";

/// Printed before and after the tables when any row came from the emulator.
pub const SIMULATED: &str = "!!! SIMULATED: these numbers come from the built-in emulator, not from measurements on Amazon Bedrock !!!";

/// The terminal report of an analysis: counts, the summary table (the
/// Python tool's columns), the standard-vs-optimized comparison and the
/// failures per group.
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
        "Summary (successful calls only; seconds, tokens, tokens/s):"
    );
    let rows: Vec<Vec<String>> = analysis.summary.iter().map(summary_csv::record).collect();
    out.push_str(&table::render(&summary_csv::SUMMARY_COLUMNS, &rows));
    out.push('\n');

    let _ = writeln!(
        out,
        "Standard vs optimized (ratio of medians optimized/standard, bootstrap 95% CI):"
    );
    if analysis.comparisons.is_empty() {
        let _ = writeln!(
            out,
            "  no model and region has both a standard and an optimized group."
        );
    } else {
        let header = [
            "model",
            "region",
            "n_standard",
            "n_optimized",
            "TTFT_p50_standard",
            "TTFT_p50_optimized",
            "TTFT_ratio",
            "TTFT_ratio_95%_CI",
            "gen_OTPS_p50_standard",
            "gen_OTPS_p50_optimized",
            "gen_OTPS_ratio",
            "gen_OTPS_ratio_95%_CI",
            "fallbacks",
        ];
        let rows: Vec<Vec<String>> = analysis.comparisons.iter().map(comparison_row).collect();
        out.push_str(&table::render(&header, &rows));
    }
    out.push('\n');

    let _ = writeln!(out, "Attempts and failures per group:");
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
                ]
                .map(|n| n.to_string()),
            );
            row
        })
        .collect();
    out.push_str(&table::render(&header, &rows));
    out.push('\n');
    out
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

fn comparison_row(c: &Comparison) -> Vec<String> {
    let three = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    let ci = |e: &RatioEstimate| match (e.ci_low, e.ci_high) {
        (Some(low), Some(high)) => format!("[{low:.3}, {high:.3}]"),
        _ => String::new(),
    };
    vec![
        c.model.clone(),
        c.region.clone(),
        c.n_standard.to_string(),
        c.n_optimized.to_string(),
        three(c.ttft_p50.standard),
        three(c.ttft_p50.optimized),
        three(c.ttft_p50.ratio),
        ci(&c.ttft_p50),
        three(c.generation_otps_p50.standard),
        three(c.generation_otps_p50.optimized),
        three(c.generation_otps_p50.ratio),
        ci(&c.generation_otps_p50),
        c.fallbacks.to_string(),
    ]
}
