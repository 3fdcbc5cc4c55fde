//! The `analyze` step: raw CSVs in, summaries out.
//!
//! ```text
//! read (files, dirs) -> Dataset (lean attempts, interned strings)
//!   -> Dataset::groups()       (model, region, performance_config), pandas order
//!   -> group_stats()           counts + every metric's Summary (successes only)
//!   -> SummaryRow              the Python tool's summary numbers
//!   -> compare()               standard vs optimized, bootstrap CIs
//!   -> write_files()           analysis_{summary,extended,comparison}_<ts>.csv
//! ```
//!
//! Both our raw CSVs and the Python tool's (19 columns, times rounded to
//! 0.01 s, possibly empty `performance_config`, which counts as
//! `standard`) are read, by header name. Statistics use successful
//! attempts only (`api_call_status == "Success"`); every other attempt is
//! counted (see [`Counts`]), never dropped.
//!
//! [`analyze`] does everything but writing; [`Analysis::write_files`]
//! writes the three files.

mod blocks;
mod compare;
mod dataset;
mod error;
mod extended;
mod fields;
mod hash;
mod merge;
pub(crate) mod metrics;
mod output;
mod parse;
mod read;
mod settings;
mod summary;
pub mod table;
pub mod terminal;

use std::path::Path;

pub use compare::{BootstrapOptions, Comparison, RatioEstimate, compare, p50_ratio};
pub use dataset::{Attempt, Dataset, Group, GroupKey, Source, SourceFormat, Sym};
pub use error::ReadError;
pub use extended::{Counts, GroupStats, counts, group_stats, stats_of};
pub use metrics::{Metric, all_metric_values, kahan_mean, metric_values, summarize};
pub use output::{OutputFiles, create_numbered, local_timestamp};
pub use parse::REQUIRED_COLUMNS;
pub use read::{ReadOptions, csv_files, read_files, read_paths, read_paths_with};
pub use settings::{
    Distinct, ErrorSample, MAX_DISTINCT, MAX_ERROR_SAMPLES, MAX_MESSAGE_BYTES, RunSettings,
};
pub use summary::{SummaryRow, summary_rows};

/// Options of [`analyze`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalyzeOptions {
    /// How to read the files.
    pub read: ReadOptions,
    /// How to bootstrap the standard-vs-optimized intervals.
    pub bootstrap: BootstrapOptions,
}

/// Everything the `analyze` step computes.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Every attempt read.
    pub dataset: Dataset,
    /// Per group, in pandas' groupby order.
    pub groups: Vec<GroupStats>,
    /// The Python tool's summary rows (same order as `groups`).
    pub summary: Vec<SummaryRow>,
    /// Standard vs optimized, per model and region that has both.
    pub comparisons: Vec<Comparison>,
    /// Things a reader should know (fallbacks, all-failed groups, empty
    /// performance configs, skipped files), one line each.
    pub warnings: Vec<String>,
}

impl Analysis {
    /// Whether any row was measured on the built-in emulator.
    pub fn is_simulated(&self) -> bool {
        self.dataset.has_emulator_rows()
    }
}

/// Read every raw CSV behind `paths` and compute all statistics.
pub fn analyze<P: AsRef<Path>>(
    paths: &[P],
    options: &AnalyzeOptions,
) -> Result<Analysis, ReadError> {
    let dataset = read_paths_with(paths, &options.read)?;
    Ok(analyze_dataset(dataset, options))
}

/// Compute all statistics of a dataset already read.
pub fn analyze_dataset(dataset: Dataset, options: &AnalyzeOptions) -> Analysis {
    let groups = group_stats(&dataset);
    let summary = summary_rows(&groups);
    let comparisons = compare(&dataset, &groups, &options.bootstrap);
    let mut warnings = dataset.warnings().to_vec();
    warnings.extend(group_warnings(&groups));
    Analysis {
        dataset,
        groups,
        summary,
        comparisons,
        warnings,
    }
}

/// Warnings about groups: silent optimized-to-standard fallbacks, and
/// groups with no successful call.
pub fn group_warnings(groups: &[GroupStats]) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        let c = &g.counts;
        if c.fallbacks > 0 {
            out.push(format!(
                "{} of {} successful requests sent as optimized were served as standard for {} in {} (performance_config {}): their latencies are standard latencies",
                c.fallbacks, c.sent_optimized, g.model, g.region, g.performance_config
            ));
        }
        if c.successes == 0 {
            out.push(format!(
                "all {} attempts failed for {} in {} ({}): no statistics",
                c.attempts, g.model, g.region, g.performance_config
            ));
        }
    }
    out
}
