//! The `analyze` step: raw CSVs in, summaries out.
//!
//! ```text
//! read (files, dirs) -> Dataset (lean attempts, interned strings)
//!   -> Dataset::groups()       (model, region, performance_config), pandas order
//!   -> group_stats()           counts + every metric's Summary (successes only)
//!   -> SummaryRow              the Python tool's summary numbers
//!   -> compare()               pairs one axis apart, bootstrap CIs
//!   -> prefill_fits()          TTFT against input tokens, per group
//!   (-> cut_windows()          with --window: every group per time window,
//!                              drift filled in by compare::drift)
//!   -> write_files()           analysis_{summary,extended,comparison}_<ts>.csv
//!                              (and analysis_prefill_<ts>.csv with a fit)
//! ```
//!
//! Both our raw CSVs and the Python tool's (19 columns, times rounded to
//! 0.01 s, possibly empty `performance_config`, which counts as
//! `standard`) are read, by header name. Statistics use successful
//! attempts only (`api_call_status == "Success"`); every other attempt is
//! counted (see [`Counts`]), never dropped.
//!
//! What is read is used or reported: a last row cut short is skipped with
//! a warning, a row seen before (same `request_id`, or identical) is
//! counted once with a warning, and files that do not compare (another
//! target, time scale or experiment settings, see [`MixReport`]) are refused,
//! left out with a warning, or analyzed together loudly ([`MixPolicy`]).
//!
//! [`analyze`] does everything but writing; [`Analysis::write_files`]
//! writes the three files.

mod blocks;
mod cache_hits;
mod compare;
mod dataset;
mod dedup;
pub mod drift;
mod error;
mod extended;
mod fields;
mod hash;
mod keys;
mod merge;
pub(crate) mod metrics;
pub(crate) mod mix;
mod parse;
pub mod percentile_rule;
pub mod prefill;
mod read;
mod seen;
mod settings;
mod simulation;
mod summary;
mod tail;
mod turns;
mod warnings;
pub mod windows;

use std::path::Path;

pub use crate::axes::{Axis, CacheState, DEFAULT_TIER, VariantKey};
pub use crate::stats::Summary;
pub use cache_hits::CacheStats;
pub use compare::{
    BootstrapOptions, COMPARED_METRICS, Comparison, RatioEstimate, compare, p50_ratio,
};
pub use dataset::{Attempt, CostSource, Dataset, Group, GroupKey, Source, SourceFormat, Sym};
pub use error::ReadError;
pub use extended::{
    CostStats, Counts, DISPATCH_LAG_WARN_S, GroupStats, ScheduleStats, cost_stats, counts,
    group_stats, stats_of,
};
pub use metrics::{Metric, all_metric_values, kahan_mean, metric_values, summarize};
pub use mix::{Comparable, ComparableSet, MixPolicy, MixReport};
pub use parse::REQUIRED_COLUMNS;
pub use prefill::{GroupPrefill, NoFit, PrefillFit, prefill_fits};
pub use read::{ReadOptions, csv_files, read_files, read_paths, read_paths_with};
pub use settings::{
    Distinct, ErrorSample, MAX_DISTINCT, MAX_ERROR_SAMPLES, MAX_MESSAGE_BYTES, RunSettings,
};
pub use simulation::Simulation;
pub use summary::{SummaryRow, summary_rows};
pub use turns::TurnStats;
pub use warnings::group_warnings;
pub use windows::{WindowError, Windows, cut_windows, parse_window};

/// Options of [`analyze`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalyzeOptions {
    /// How to read the files.
    pub read: ReadOptions,
    /// How to bootstrap the standard-vs-optimized intervals.
    pub bootstrap: BootstrapOptions,
    /// What to do with files that do not compare (default: refuse them).
    pub mix: MixPolicy,
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
    /// Pairs of groups one variant axis apart (standard vs optimized...),
    /// per model and region.
    pub comparisons: Vec<Comparison>,
    /// The prefill cost of every group (same order as `groups`): TTFT
    /// against input tokens, where the inputs varied (see [`prefill`]).
    pub prefill: Vec<GroupPrefill>,
    /// Every group per time window, with its drift (`analyze --window`;
    /// see [`windows`]); `None` without a window.
    pub windows: Option<Windows>,
    /// Things a reader should know (files of other settings left out or
    /// mixed in, which come first; skipped incomplete rows, repeated rows,
    /// fallbacks, all-failed groups, empty performance configs, skipped
    /// files), one each.
    pub warnings: Vec<String>,
    /// Set when the files read are not all comparable: either only the
    /// set with the newest data was analyzed ([`MixReport::kept`]), or
    /// all were analyzed together ([`MixPolicy::Together`]).
    pub mixed: Option<MixReport>,
}

impl Analysis {
    /// Whether any row was measured on the built-in emulator.
    pub fn is_simulated(&self) -> bool {
        self.dataset.has_emulator_rows()
    }

    /// The emulator and its time scale behind the numbers, when any row
    /// was measured on it (see [`Simulation`]).
    pub fn simulation(&self) -> Option<Simulation> {
        Simulation::of(&self.dataset)
    }

    /// Whether any group has a prefill fit (its inputs varied enough):
    /// the prefill table, CSV and chart are published only then.
    pub fn has_prefill_fit(&self) -> bool {
        self.prefill.iter().any(|p| p.fit.is_ok())
    }

    /// Whether files that do not compare were analyzed together.
    pub fn is_mixed(&self) -> bool {
        self.mixed.as_ref().is_some_and(|m| m.kept.is_none())
    }
}

/// Read every raw CSV behind `paths` (see [`csv_files`]) and compute all
/// statistics. Files that do not compare are handled as
/// `options.mix` says: refused with [`ReadError::Incomparable`], left out
/// but for the set with the newest data, or analyzed together.
pub fn analyze<P: AsRef<Path>>(
    paths: &[P],
    options: &AnalyzeOptions,
) -> Result<Analysis, ReadError> {
    let (files, notes) = csv_files(paths)?;
    let mut dataset = read_files(&files, &options.read)?;
    let mut mixed = MixReport::of(&dataset);
    if let Some(report) = &mut mixed {
        match options.mix {
            MixPolicy::Refuse => {
                return Err(ReadError::Incomparable {
                    report: Box::new(report.clone()),
                });
            }
            MixPolicy::Together => {}
            MixPolicy::Newest => {
                report.kept = Some(report.newest_set());
                let left_out = report.left_out();
                let kept: Vec<_> = files
                    .iter()
                    .filter(|f| !left_out.contains(&f.as_path()))
                    .cloned()
                    .collect();
                // Read again without the others, so that nothing of theirs
                // (repeats, invocations, settings) touches the kept files.
                drop(std::mem::take(&mut dataset));
                dataset = read_files(&kept, &options.read)?;
            }
        }
    }
    dataset.warnings.splice(0..0, notes);
    Ok(analysis_of(dataset, mixed, options))
}

/// Compute all statistics of a dataset already read. Files that do not
/// compare are analyzed together, with the loud warning of
/// [`MixPolicy::Together`] ([`analyze`] applies the other policies).
pub fn analyze_dataset(dataset: Dataset, options: &AnalyzeOptions) -> Analysis {
    let mixed = MixReport::of(&dataset);
    analysis_of(dataset, mixed, options)
}

fn analysis_of(dataset: Dataset, mixed: Option<MixReport>, options: &AnalyzeOptions) -> Analysis {
    let groups = group_stats(&dataset);
    let summary = summary_rows(&groups);
    let comparisons = compare(&dataset, &groups, &options.bootstrap);
    let prefill = prefill_fits(&dataset);
    let mut warnings = Vec::new();
    if let Some(report) = &mixed {
        warnings.push(match report.kept {
            Some(_) => report.left_out_warning(),
            None => report.together_warning(),
        });
    }
    warnings.extend_from_slice(dataset.warnings());
    warnings.extend(group_warnings(&groups));
    Analysis {
        dataset,
        groups,
        summary,
        comparisons,
        prefill,
        windows: None,
        warnings,
        mixed,
    }
}
