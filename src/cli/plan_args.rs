//! The options `run` and `sweep` share, defined once: the files, the
//! target, the report root, the seed, the budgets, the prices, the dry
//! run and the progress display.

use std::path::PathBuf;
use std::sync::Arc;

use bedrock_bench::config::{
    ExperimentUse, Scenario, TargetChoice, UnknownChoice, limits, load_configs_for,
    load_price_file, unmatched_price_warnings,
};
use bedrock_bench::plan::Limit;
use bedrock_bench::runner::ProgressMode;
use bedrock_catalog::prices::{Cost, PriceTable};
use clap::Args;

/// The options of a planned run, shared by `run` and `sweep`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Scenarios, one JSON object per line (the Python tool's format; an
    /// open loop and a sweep pick them by their `weight`).
    #[arg(long, value_name = "FILE", default_value = "scenarios_config.jsonl")]
    pub scenarios: PathBuf,
    /// Experiment settings, first line of the file.
    #[arg(long, value_name = "FILE", default_value = "experiment_config.jsonl")]
    pub experiment: PathBuf,
    /// Where calls go: aws, emulator or auto (AWS when credentials resolve).
    /// Overrides BEDROCK_BENCH_TARGET and the experiment file.
    #[arg(long, value_parser = parse_target)]
    pub target: Option<TargetChoice>,
    /// Report root: `run` writes raw CSVs to DIR/results/, `sweep` writes
    /// DIR/sweeps/<timestamp>/.
    #[arg(long, value_name = "DIR", default_value = "target-reports")]
    pub out: PathBuf,
    /// Seed of the shuffles and the arrivals: the same seed repeats them (a
    /// sweep's step N uses seed + N - 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The most calls (retries and warm-ups included; a sweep's whole),
    /// over max_calls in the experiment file; 1 to 1000000000000.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = limits::parse_max_calls)]
    pub max_calls: Option<u64>,
    /// The most US dollars (a sweep's whole): a plan whose worst case (every
    /// call at maxTokens) costs more is refused, and no call starts that
    /// could take the spending past it. Over max_cost_usd in the experiment
    /// file; 0.000001 to 1000000.
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = limits::parse_max_cost)]
    pub max_cost: Option<Cost>,
    /// Prices that replace or extend the built-in table (JSONL; see
    /// docs/reference/prices.md).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Print the plan (the schedule or the steps, the calls and the worst
    /// case), resolve the target and the credentials, make no call.
    #[arg(long)]
    pub dry_run: bool,
    /// How progress is shown on stderr: auto (the live view on a terminal,
    /// plain lines otherwise), live (the view even off a terminal), plain
    /// (a line every few seconds) or off. Over BEDROCK_BENCH_PROGRESS.
    #[arg(long, value_name = "MODE", value_parser = parse_progress)]
    pub progress: Option<ProgressMode>,
}

impl PlanArgs {
    /// `--max-calls` as a limit.
    pub fn max_calls_limit(&self) -> Option<Limit<u64>> {
        self.max_calls.map(|max| Limit::new(max, "--max-calls"))
    }

    /// `--max-cost` as a limit.
    pub fn max_cost_limit(&self) -> Option<Limit<Cost>> {
        self.max_cost.map(|max| Limit::new(max, "--max-cost"))
    }

    /// `--progress`, else `BEDROCK_BENCH_PROGRESS`, else auto.
    pub fn progress_mode(&self) -> anyhow::Result<ProgressMode> {
        match self.progress {
            Some(mode) => Ok(mode),
            None => ProgressMode::from_env().map_err(anyhow::Error::msg),
        }
    }

    /// The seed given, or a random one.
    pub fn seed(&self) -> u64 {
        self.seed.unwrap_or_else(rand::random)
    }

    /// The scenarios and experiment files (the experiment read for
    /// `use_`), their warnings printed; an error lists every problem.
    pub fn load(
        &self,
        use_: ExperimentUse,
    ) -> anyhow::Result<(Vec<Scenario>, bedrock_bench::config::Experiment)> {
        let configs = load_configs_for(&self.scenarios, &self.experiment, use_).map_err(|e| {
            anyhow::anyhow!("the configuration has errors; nothing was called:\n{e}")
        })?;
        configs.warnings.iter().for_each(|w| eprintln!("{w}"));
        Ok((configs.scenarios, configs.experiment))
    }

    /// The built-in prices, overridden by `--prices` if given; an entry
    /// that matches no model (of the catalog or of `scenarios`) is a
    /// warning.
    pub fn prices(&self, scenarios: &[Scenario]) -> anyhow::Result<Arc<PriceTable>> {
        load_prices(self.prices.as_deref(), scenarios)
    }
}

/// The built-in prices, overridden by the price file at `path` if any;
/// an entry that matches no model (of the catalog or of `scenarios`) is
/// a warning.
pub fn load_prices(
    path: Option<&std::path::Path>,
    scenarios: &[Scenario],
) -> anyhow::Result<Arc<PriceTable>> {
    let Some(path) = path else {
        return Ok(Arc::default());
    };
    let entries = load_price_file(path)
        .map_err(|e| anyhow::anyhow!("the price file has errors; nothing was called:\n{e}"))?;
    let models: Vec<&str> = scenarios.iter().map(|s| s.model_id.as_str()).collect();
    for warning in unmatched_price_warnings(&entries, &models) {
        eprintln!("{warning}");
    }
    Ok(Arc::new(PriceTable::with_overrides(entries)))
}

/// `--progress`'s value.
fn parse_progress(value: &str) -> Result<ProgressMode, String> {
    ProgressMode::from_name(value).ok_or_else(|| {
        format!(
            "expected one of {}, found {value:?}",
            ProgressMode::NAMES.join(", ")
        )
    })
}

/// `--target`'s value.
pub fn parse_target(value: &str) -> Result<TargetChoice, String> {
    value
        .parse()
        .map_err(|error: UnknownChoice| error.to_string())
}
