//! `bedrock-bench run`: the Python tool's experiment, one raw CSV per run.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bedrock_bench::analysis::Simulation;
use bedrock_bench::client::{
    Clients, RUN_EMULATOR_HINT, Target, TargetSettings, choose_target, resolve_target,
};
use bedrock_bench::config::{
    Arrival, Experiment, ExperimentUse, Scenario, TargetChoice, UnknownChoice, limits,
    load_configs_for, load_price_file, unmatched_price_warnings,
};
use bedrock_bench::hint;
use bedrock_bench::runner::{
    self, Backoff, ProgressMode, Refusal, RunError, RunOptions, RunSummary, Schedule, Shard,
    ShardError, StopSignal, estimated_call_time, human_duration,
};
use bedrock_catalog::prices::PriceTable;
use clap::Args;

/// Options of `bedrock-bench run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenarios, one JSON object per line (the Python tool's format).
    #[arg(long, value_name = "FILE", default_value = "scenarios_config.jsonl")]
    scenarios: PathBuf,
    /// Experiment settings, first line of the file.
    #[arg(long, value_name = "FILE", default_value = "experiment_config.jsonl")]
    experiment: PathBuf,
    /// Where calls go: aws, emulator or auto (AWS when credentials resolve).
    /// Overrides BEDROCK_BENCH_TARGET and the experiment file.
    #[arg(long, value_parser = parse_target)]
    target: Option<TargetChoice>,
    /// Report root; raw CSVs go to DIR/results/.
    #[arg(long, value_name = "DIR", default_value = "target-reports")]
    out: PathBuf,
    /// Seed of the shuffles; the same seed gives the same order.
    #[arg(long)]
    seed: Option<u64>,
    /// Refuse to make more calls than this (retries included); 1 to
    /// 1000000000000.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_max_calls)]
    max_calls: Option<u64>,
    /// Refuse runs whose worst case (every call at maxTokens) costs more
    /// than this many US dollars, and start no call that could take the
    /// spending past it. Overrides max_cost_usd in the experiment file;
    /// 0.000001 to 1000000.
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = parse_max_cost)]
    max_cost: Option<f64>,
    /// Prices that replace or extend the built-in table (JSONL; see
    /// docs/reference/prices.md).
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,
    /// Print the schedule, the call count and the worst-case cost, make no
    /// call.
    #[arg(long)]
    dry_run: bool,
    /// Make only shard I of N of the experiment (I from 0, as Kubernetes'
    /// JOB_COMPLETION_INDEX), one process per machine: the N shards
    /// together make every call once. Needs the same --seed and files on
    /// every shard; --max-calls and --max-cost stay the whole
    /// experiment's (each shard keeps its part).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
}

/// The exit status of a usage error.
const USAGE: u8 = 2;

fn parse_shard(value: &str) -> Result<Shard, String> {
    value.parse().map_err(|error: ShardError| error.to_string())
}

pub(super) fn parse_max_cost(value: &str) -> Result<f64, String> {
    limits::parse_max_cost(value)
}

pub(super) fn parse_max_calls(value: &str) -> Result<u64, String> {
    limits::parse_max_calls(value)
}

pub(super) fn parse_target(value: &str) -> Result<TargetChoice, String> {
    value
        .parse()
        .map_err(|error: UnknownChoice| error.to_string())
}

/// Load, plan, confirm the budget, run, report.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    if let (Some(shard), None) = (args.shard, args.seed) {
        eprintln!(
            "error: --shard {shard} needs --seed: every shard must draw the same schedule from the same seed, so pass the same --seed N to all {} shards (for example --seed 42)",
            shard.count()
        );
        return Ok(ExitCode::from(USAGE));
    }
    let (scenarios, experiment) = load(&args)?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let choice = choose_target(args.target, experiment.target)?;
    let settings = TargetSettings::for_experiment(choice, &experiment, RUN_EMULATOR_HINT)?;

    let prices = load_prices(args.prices.as_deref(), &scenarios)?;
    let options = RunOptions {
        scenarios,
        experiment,
        out_dir: args.out.clone(),
        seed,
        max_calls: args.max_calls,
        max_cost_usd: args.max_cost,
        prices,
        backoff: Backoff::default(),
        progress: ProgressMode::Auto,
        stop: StopSignal::new(),
        extra_sinks: Vec::new(),
        shard: args.shard,
    };
    let schedule = runner::schedule_of(&options);
    print_plan(&schedule, &options, choice, settings.emulator.time_scale);
    runner::check_budget(&schedule, &options)?;
    let dry_run = args.dry_run;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let time_scale = settings.emulator.time_scale;
        // The dry run resolves the target and the credentials as the run
        // does (an undefined AWS_PROFILE fails both alike); it calls no
        // model and starts no emulator.
        let resolved = resolve_target(&settings)
            .await
            .context("preparing the target")?;
        print_estimate(&schedule, &options, resolved.choice(), time_scale);
        if dry_run {
            eprintln!(
                "target: {} (resolved as the run would)",
                resolved.describe(&settings)
            );
            print!("{}", schedule.describe(&options.scenarios));
            eprintln!("dry run: no call was made.");
            return Ok(ExitCode::SUCCESS);
        }
        let clients =
            Arc::new(Clients::from_resolved(resolved, settings).context("preparing the target")?);
        let simulated = clients.target() == Target::Emulator;
        if simulated {
            eprintln!("target: {}; every number is SIMULATED.", clients.describe());
        } else {
            eprintln!("target: {}.", clients.describe());
        }
        runner::watch_stop_signals(options.stop.clone(), runner::STOP_GRACE)
            .context("installing the SIGINT, SIGTERM and SIGHUP handlers")?;
        let simulation = simulated.then(|| Simulation::of_run(clients.time_scale()));
        let out = options.out_dir.clone();
        let outcome = runner::run(clients, options).await;
        report(outcome, &schedule, &out, simulation.as_ref())
    })
}

/// The `analyze` command for this run's files: each file written (they
/// are comparable, and other files in the directory may not be), and
/// `--out` where the run wrote them, so the summaries go beside them.
fn analyze_hint(summary: &RunSummary, out: &Path) -> String {
    let mut words: Vec<&OsStr> = vec!["bedrock-bench".as_ref(), "analyze".as_ref()];
    words.extend(summary.files.iter().map(|f| f.path.as_os_str()));
    words.push("--out".as_ref());
    words.push(out.as_os_str());
    hint::command(words)
}

fn load(args: &RunArgs) -> anyhow::Result<(Vec<Scenario>, Experiment)> {
    load_configs_or_explain(&args.scenarios, &args.experiment, ExperimentUse::Run)
}

/// The built-in prices, overridden by the price file at `path` if any;
/// an entry that matches no model (of the catalog or of `scenarios`) is
/// a warning.
pub(super) fn load_prices(
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

/// The scenarios and experiment files (the experiment read for `use_`),
/// their warnings printed; an error lists every problem.
pub(super) fn load_configs_or_explain(
    scenarios: &std::path::Path,
    experiment: &std::path::Path,
    use_: ExperimentUse,
) -> anyhow::Result<(Vec<Scenario>, Experiment)> {
    let configs = load_configs_for(scenarios, experiment, use_)
        .map_err(|e| anyhow::anyhow!("the configuration has errors; nothing was called:\n{e}"))?;
    configs.warnings.iter().for_each(|w| eprintln!("{w}"));
    Ok((configs.scenarios, configs.experiment))
}

fn print_plan(schedule: &Schedule, options: &RunOptions, choice: TargetChoice, time_scale: f64) {
    if let Some((open, users)) = schedule
        .open
        .as_ref()
        .and_then(|open| Some((open, open.concurrency?)))
    {
        let bound = open.bound();
        eprintln!(
            "plan: {} runs x {users} concurrent calls (each user starts its next call when its last one ends) {bound}: {} from the built-in latency table (no retries); {} scenarios picked by weight",
            schedule.runs,
            planned_text(schedule, schedule.experiment_planned_calls()),
            options.scenarios.len()
        );
    } else if let Some(open) = &schedule.open {
        let share = match options.shard {
            Some(shard) => format!(
                " in all, of which shard {shard} makes {} (one arrival in {}, at {} requests/s)",
                planned_count(schedule, schedule.planned_calls()),
                shard.count(),
                shard.rate_share(open.rate_per_s)
            ),
            None => String::new(),
        };
        eprintln!(
            "plan: {} runs x open-loop {} arrivals at {} requests/s = {}{share} (no retries in the open loop) over {:.1} s per run; {} scenarios picked by weight",
            schedule.runs,
            open.arrival,
            open.rate_per_s,
            planned_text(schedule, schedule.experiment_planned_calls()),
            open.expected_duration_s(),
            options.scenarios.len()
        );
    } else {
        print_closed_plan(
            schedule,
            options,
            &scaled_sleep(options, choice, time_scale),
        );
    }
    print_budgets(schedule, options, choice);
}

/// `calls` planned calls in words that are true of `schedule`: `10
/// calls` for the closed loop (retries come on top) and constant
/// arrivals, `about 10 calls` for random arrivals and a concurrent load
/// (an expected count, or an estimate from the latency table), `at most
/// 10 calls` when max_calls caps them.
pub(super) fn planned_text(schedule: &Schedule, calls: u64) -> String {
    format!("{} calls", planned_count(schedule, calls))
}

/// [`planned_text`] without the word `calls`: `10`, `about 10`, `at most
/// 10`.
fn planned_count(schedule: &Schedule, calls: u64) -> String {
    let Some(open) = &schedule.open else {
        return calls.to_string();
    };
    let capped = open
        .max_calls
        .is_some_and(|max| schedule.experiment_planned_calls() >= max);
    if capped {
        format!("at most {calls}")
    } else if open.arrival == Arrival::Constant {
        calls.to_string()
    } else {
        format!("about {calls}")
    }
}

/// What the emulator's time scale makes of the sleep between invocations:
/// ` (0.1 s on the emulator at time scale 0.05)`; empty at scale 1, for
/// AWS, or without a sleep.
fn scaled_sleep(options: &RunOptions, choice: TargetChoice, time_scale: f64) -> String {
    let sleep = options.experiment.sleep_between_invocations;
    if time_scale == 1.0 || sleep == 0.0 {
        return String::new();
    }
    // Microseconds, as the timings: 0.3 x 0.1 is 0.03, not 0.030000000000000002.
    let scaled = format!("{:.6}", sleep * time_scale);
    let scaled = scaled.trim_end_matches('0').trim_end_matches('.');
    match choice {
        TargetChoice::Emulator => {
            format!(" ({scaled} s on the emulator at time scale {time_scale})")
        }
        TargetChoice::Auto => {
            format!(" ({scaled} s if the target is the emulator, at time scale {time_scale})")
        }
        TargetChoice::Aws => String::new(),
    }
}

fn print_closed_plan(schedule: &Schedule, options: &RunOptions, scaled_sleep: &str) {
    let e = &options.experiment;
    let invocations = match options.shard {
        Some(_) => format!(
            "{} of {} invocations",
            schedule.own_invocations(),
            e.invocations_per_scenario
        ),
        None => format!("{} invocations", e.invocations_per_scenario),
    };
    let per_scenario = match e.warmup_invocations {
        0 => invocations,
        n => format!("({invocations} + {n} warm-up)"),
    };
    let (shard, all) = match options.shard {
        Some(shard) => (
            format!("shard {shard}: "),
            format!(
                "; the {} shards: {} calls in all",
                shard.count(),
                schedule.experiment_planned_calls()
            ),
        ),
        None => Default::default(),
    };
    eprintln!(
        "plan: {shard}{} runs x {} scenarios x {per_scenario} = {} calls (at most {} with max_retries = {}), {} parallel workers, {} s between invocations{scaled_sleep}{all}",
        schedule.runs,
        options.scenarios.len(),
        schedule.planned_calls(),
        schedule.max_calls_with_retries(e.max_retries),
        e.max_retries,
        schedule.active_workers(),
        e.sleep_between_invocations
    );
}

fn print_budgets(schedule: &Schedule, options: &RunOptions, choice: TargetChoice) {
    // A shard's parts exist when the plan fits (else it is refused next).
    let shard = options
        .shard
        .filter(|_| runner::check_budget(schedule, options).is_ok());
    if let Some((max, source)) = runner::effective_max_calls(options) {
        match (shard, runner::own_max_calls(schedule, options)) {
            (Some(shard), Some(own)) => eprintln!(
                "call budget: at most {own} calls for shard {shard}, retries included: its part of the whole experiment's {max} ({source}); the parts of the {} shards add up to {max}",
                shard.count()
            ),
            _ => eprintln!("call budget: at most {max} calls ({source}), retries included"),
        }
    }
    let costs = runner::cost_plan(options).describe();
    match options.shard {
        Some(shard) => eprintln!("shard {shard}'s {costs}"),
        None => eprintln!("{costs}"),
    }
    for warning in runner::us_priced_elsewhere(&options.scenarios, &options.prices) {
        eprintln!("{warning}");
    }
    if let Some((max, source)) = runner::effective_max_cost(options) {
        match (shard, runner::own_max_cost(options)) {
            (Some(shard), Some(own)) => eprintln!(
                "dollar budget: at most ${own} for shard {shard}: the worst case of its planned calls and 1/{} of what the worst case of every shard's planned calls leaves of the whole experiment's ${max} ({source}); no call starts once the dollars spent and the worst case of the calls in flight could pass it",
                shard.count()
            ),
            _ => eprintln!(
                "dollar budget: at most ${} ({source}); no call starts once the dollars spent and the worst case of the calls in flight could pass it",
                max
            ),
        }
    }
    match options.shard {
        Some(shard) => eprintln!(
            "seed: {} (every one of the {} shards must run with --seed {}); target: {choice}",
            options.seed,
            shard.count(),
            options.seed
        ),
        None => eprintln!(
            "seed: {} (--seed {} repeats this order); target: {choice}",
            options.seed, options.seed
        ),
    }
}

/// The estimated duration against the resolved `target`: real latencies
/// for AWS, the emulator's latencies times its time scale for the
/// emulator.
fn print_estimate(
    schedule: &Schedule,
    options: &RunOptions,
    target: TargetChoice,
    time_scale: f64,
) {
    let estimate = |scale: f64| {
        let call_times: Vec<_> = options
            .scenarios
            .iter()
            .map(|s| estimated_call_time(s, scale))
            .collect();
        human_duration(schedule.estimate(&call_times))
    };
    let source = "from the built-in latency table; real latencies vary";
    match target {
        TargetChoice::Emulator if time_scale != 1.0 => eprintln!(
            "estimated duration: about {} on the emulator at time scale {time_scale} ({source})",
            estimate(time_scale)
        ),
        _ => eprintln!("estimated duration: about {} ({source})", estimate(1.0)),
    }
}

fn report(
    outcome: Result<RunSummary, RunError>,
    schedule: &Schedule,
    out: &Path,
    simulation: Option<&Simulation>,
) -> anyhow::Result<ExitCode> {
    let summary = match outcome {
        Ok(summary) => summary,
        Err(RunError::Report { error, summary }) => {
            print_summary(&summary, out, simulation);
            let error = RunError::Report { error, summary };
            anyhow::bail!("{error}");
        }
        Err(other) => return Err(other.into()),
    };
    print_summary(&summary, out, simulation);
    if let Some(overrun) = &summary.overrun {
        eprintln!(
            "error: {}; the run stopped at once ({} calls made, every one in the files above; calls in flight were cancelled). The price table or the worst case understated a call: check --prices and the scenario's prompt and tools.",
            overrun.describe(),
            summary.attempts
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Some(cause) = summary.stop_cause {
        eprintln!(
            "interrupted by {}: {} calls were made and every one of them is in the files above (calls still in flight were cancelled and keep their partial timings).",
            cause.name(),
            summary.attempts
        );
        return Ok(ExitCode::from(cause.exit_code()));
    }
    if summary.budget_exhausted {
        let which = match summary.budget_refusal {
            Some(Refusal::Dollars | Refusal::Overrun) => {
                "the dollar budget had no room left for another call at its worst case"
            }
            Some(Refusal::Calls) | None => "the call budget was used up by retries",
        };
        // Retries come on top of the planned calls, and an open loop's
        // count is an estimate: the calls made are not "N of M".
        let retries = match schedule.open {
            None => " without retries",
            Some(_) => "",
        };
        eprintln!(
            "stopped: {which} before the schedule finished: {} calls made, retries included; the schedule planned {}{retries}.",
            summary.attempts,
            planned_text(schedule, summary.planned_calls)
        );
        return Ok(ExitCode::FAILURE);
    }
    let failed: Vec<_> = summary.failed_scenarios().collect();
    if !failed.is_empty() {
        eprintln!(
            "error: {} of {} scenarios had no successful call, so they have no latency to report:",
            failed.len(),
            summary.scenarios.len()
        );
        for scenario in failed {
            eprintln!("  {}", scenario.describe_failures());
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(summary: &RunSummary, out: &Path, simulation: Option<&Simulation>) {
    for file in &summary.files {
        eprintln!("wrote {} ({} rows)", file.path.display(), file.rows);
    }
    eprintln!(
        "{} calls: {} succeeded, {} failed ({} throttled){}",
        summary.attempts,
        summary.successes,
        summary.failures,
        summary.throttles,
        match simulation {
            Some(simulation) => format!(
                "; numbers are SIMULATED by the emulator at {}",
                simulation.scale_text()
            ),
            None => String::new(),
        }
    );
    let unpriced = match summary.unpriced_attempts {
        0 => String::new(),
        n => format!(" ({n} calls with an unknown price are not included)"),
    };
    eprintln!(
        "cost: ${} for these calls{unpriced}{}",
        summary.cost,
        if simulation.is_some() {
            ", at Bedrock's prices for the usage the emulator reported (nothing was billed)"
        } else {
            ", at the price table's prices (see the AWS bill for what was charged)"
        }
    );
    if !summary.files.is_empty() {
        eprintln!("next: {}", analyze_hint(summary, out));
    }
}
