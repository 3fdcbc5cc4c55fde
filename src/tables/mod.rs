//! Every table the outputs show, each built once from the results as a
//! [`Table`](crate::table::Table) and rendered by every output that shows
//! it (the CSV files, the terminal, the report pages):
//!
//! | table | from | CSV | terminal and page |
//! | --- | --- | --- | --- |
//! | [`summary`] | `SummaryRow`s | `analysis_summary_<ts>.csv` (the Python tool's) | the summary |
//! | [`groups`] | `GroupStats` | `analysis_extended_<ts>.csv` | attempts and failures per group |
//! | [`comparisons`] | `Comparison`s | `analysis_comparison_<ts>.csv` | one table per axis (terminal), one table (page) |
//! | [`schedule`] | open-loop `GroupStats` | (none) | the open-loop schedule |
//! | [`prefill`] | `GroupPrefill`s | `analysis_prefill_<ts>.csv` (with a fit) | the prefill cost (with a fit) |
//! | [`windows::windows`] | `analyze --window`'s `Windows` | `analysis_windows_<ts>.csv` (with --window) | (none; the page's chart) |
//! | [`windows::drift`] | the `Windows`' drift per group | `analysis_drift_<ts>.csv` (with --window) | time windows: first and last window, drift |
//! | [`errors`] | `ErrorSample`s | (none) | the page's error messages |
//! | [`sweep`] | `SweepStep`s | `sweep.csv` | the sweep's steps |
//! | [`length_grid`] | a length grid's `CellResult`s | `length_grid.csv` | the grid's cells |
//! | [`compare_changes`] | `compare`'s matched groups | (none; Markdown and JSON) | BASE against NEW per metric |
//! | [`compare_groups`] | `compare`'s one-sided groups and gates | (none) | only in BASE / NEW; the gates |
//! | [`cache`] | `GroupStats` that used the prompt cache | (none) | the prompt cache |
//! | [`turns`] | `GroupStats` of conversations | (none) | latency by turn |
//!
//! Calibration's table is built by `calibrate`, the models' by
//! `discovery`, with the same model.

pub mod cache;
pub mod compare_changes;
pub mod compare_groups;
pub mod comparisons;
pub mod errors;
pub mod groups;
pub mod length_grid;
pub mod prefill;
pub mod schedule;
pub mod summary;
pub mod sweep;
pub mod turns;
pub mod windows;

use crate::analysis::Metric;
use crate::table::Format;

/// How a metric's numbers are written, and their unit.
pub fn metric_format(metric: Metric) -> (Format, &'static str) {
    match metric {
        Metric::Otps | Metric::GenerationOtps => (Format::TOKENS_PER_SECOND, "tokens/s"),
        Metric::InputTokens | Metric::OutputTokens => (Format::TOKENS, "tokens"),
        Metric::Ttft
        | Metric::TotalLatency
        | Metric::TimeToResponse
        | Metric::Tpot
        | Metric::InterChunkGap
        | Metric::ServerLatency
        | Metric::TimeToFirstText
        | Metric::ReasoningTime
        | Metric::TtftFromScheduled
        | Metric::TotalFromScheduled => (Format::SECONDS, "s"),
    }
}
