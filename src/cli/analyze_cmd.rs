//! `bedrock-bench analyze`: raw CSVs in; the Python tool's summary, the
//! extended summary and the comparisons out, and the same on the
//! terminal; then the charts and the HTML report (all published by
//! [`bedrock_bench::publish::analysis`], as `cargo bench` publishes).
//!
//! Files that do not compare (another target, time scale or experiment
//! settings) are never mixed silently: from the default directory only the
//! set with the newest data is analyzed (the others are named as left
//! out); named explicitly they are refused (exit status 2) unless
//! `--mixed` is given, which analyzes them together under a loud banner.
//!
//! With `--window DURATION` the run is also cut into time windows: every
//! group per window (`analysis_windows_<ts>.csv`, a chart), and whether
//! its latencies drifted from the first windows to the last (a table,
//! `analysis_drift_<ts>.csv`, and a warning for each drift).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use bedrock_bench::analysis::{
    AnalyzeOptions, MixPolicy, ReadError, ReadOptions, analyze, cut_windows, parse_window,
};
use bedrock_bench::compare::drift::measure_drift;
use bedrock_bench::compare::interval::Resampling;
use bedrock_bench::config::{load_price_file, unmatched_price_warnings};
use bedrock_bench::publish::analysis::{Destination, publish};
use bedrock_bench::timestamps::local_stamp;
use bedrock_catalog::prices::PriceTable;
use clap::Args;

/// Where `run` writes its raw CSVs: what `analyze` reads without paths.
const DEFAULT_RESULTS: &str = "target-reports/results";

/// Exit status when the files named do not compare and `--mixed` is not
/// given (a usage error: name fewer files, or allow the mix).
const INCOMPARABLE: u8 = 2;

/// Exit status when `--window` is unusable (not a duration, not over 0,
/// not shorter than the run).
const BAD_WINDOW: u8 = 2;

/// Options of `bedrock-bench analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Raw CSV files, or directories (every *.csv directly inside).
    /// Default: target-reports/results, of which only the files comparable
    /// with the newest one are analyzed (the others are named as left out).
    #[arg(value_name = "FILES|DIRS")]
    paths: Vec<PathBuf>,
    /// Analyze files of different targets, emulator time scales or
    /// experiment settings together, under a loud warning, instead of
    /// refusing them (or, by default, leaving out all but the newest).
    #[arg(long)]
    mixed: bool,
    /// The report root: summaries under DIR/results-analysis/, charts
    /// under DIR/plots/<ts>/, the report page at DIR/index.html.
    #[arg(long, value_name = "DIR", default_value = "target-reports")]
    out: PathBuf,
    /// Re-price every row from its tokens with these prices (JSONL, as for
    /// `run --prices`; the built-in table for what the file does not
    /// list), instead of reading the files' cost_usd cells.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Cut the run into consecutive windows of DURATION (500ms, 30s, 5m,
    /// 1h) from its first call's start, in the rows' own time (real
    /// seconds, also for a time-scaled emulator): every group per window
    /// (analysis_windows_<ts>.csv, a chart), and whether its TTFT or total
    /// latency drifted from the first quarter of the windows to the last
    /// (analysis_drift_<ts>.csv; a warning for each drift).
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    window: Option<String>,
}

/// Analyze, write the files, print the tables.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let width_s = match args.window.as_deref().map(parse_window).transpose() {
        Ok(width_s) => width_s,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(BAD_WINDOW));
        }
    };
    let explicit = !args.paths.is_empty();
    let mix = match (args.mixed, explicit) {
        (true, _) => MixPolicy::Together,
        (false, true) => MixPolicy::Refuse,
        (false, false) => MixPolicy::Newest,
    };
    let paths = if explicit {
        args.paths
    } else {
        vec![PathBuf::from(DEFAULT_RESULTS)]
    };
    let prices = match &args.prices {
        Some(path) => {
            let entries = load_price_file(path)
                .map_err(|e| anyhow::anyhow!("the price file has errors:\n{e}"))?;
            for warning in unmatched_price_warnings(&entries, &[]) {
                eprintln!("{warning}");
            }
            Some(Arc::new(PriceTable::with_overrides(entries)))
        }
        None => None,
    };
    let options = AnalyzeOptions {
        mix,
        read: ReadOptions {
            prices,
            ..ReadOptions::default()
        },
        ..AnalyzeOptions::default()
    };
    let mut analysis = match analyze(&paths, &options) {
        Ok(analysis) => analysis,
        Err(error @ ReadError::Incomparable { .. }) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(INCOMPARABLE));
        }
        Err(error) => return Err(error.into()),
    };
    if let Some(width_s) = width_s {
        let mut windows = match cut_windows(&analysis.dataset, width_s) {
            Ok(windows) => windows,
            Err(error) => {
                eprintln!("error: {error}");
                return Ok(ExitCode::from(BAD_WINDOW));
            }
        };
        measure_drift(&analysis.dataset, &mut windows, &Resampling::default());
        analysis.warnings.extend(windows.note());
        for group in &windows.groups {
            analysis
                .warnings
                .extend(group.drift.warnings(&group.describe()));
        }
        analysis.windows = Some(windows);
    }
    let destination = Destination {
        out: &args.out,
        stamp: &local_stamp(),
        price_file: args.prices.as_deref(),
    };
    let published = publish(
        &analysis,
        destination,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    if !published.errors.is_empty() {
        return Err(published.errors.into());
    }
    Ok(ExitCode::SUCCESS)
}
