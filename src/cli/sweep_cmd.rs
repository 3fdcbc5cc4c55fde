//! `bedrock-bench sweep`: raise the offered rate (or concurrency) step by
//! step until the SLO fails, then report the knee, goodput and where
//! throttling began.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bedrock_bench::analysis::Simulation;
use bedrock_bench::analysis::percentile_rule::cell;
use bedrock_bench::call::CallSpec;
use bedrock_bench::client::{
    Clients, RUN_EMULATOR_HINT, Target, TargetSettings, choose_target, resolve_target,
};
use bedrock_bench::config::{Arrival, ExperimentUse, TargetChoice, limits};
use bedrock_bench::hint;
use bedrock_bench::plan::{CostPlan, Limit, RequestSource, human_duration};
use bedrock_bench::publish;
use bedrock_bench::report::sweep_page::SweepPage;
use bedrock_bench::runner::{self, StopSignal};
use bedrock_bench::sweep::{
    self, GridOptions, LengthGrid, LevelKind, Levels, Objective, Slo, SweepEnd, SweepOptions,
    SweepOutcome, SweepStep,
};
use clap::Args;

use super::plan_args::PlanArgs;
use super::sweep_grid;
use super::sweep_words::{PlanWords, end_text, print_budgets, seconds};

/// Options of `bedrock-bench sweep`: exactly one of --rates and
/// --concurrencies (the group `mode`; clap names both when neither is
/// given).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).multiple(false)))]
pub struct SweepArgs {
    #[command(flatten)]
    plan: PlanArgs,
    /// The offered rates: a list (1/s,2/s,5/s), tried in order up to the
    /// first failure, or a range (1/s..100/s) climbed by --factor, then
    /// bisected down to --resolution.
    #[arg(long, value_name = "RATES", group = "mode")]
    rates: Option<String>,
    /// Calls kept in flight instead of rates (the `concurrent` load): a
    /// list (1,2,4,8) or a range (1..64), as --rates.
    #[arg(long, value_name = "CONCURRENCIES", group = "mode")]
    concurrencies: Option<String>,
    /// A range's growth between steps.
    #[arg(long, default_value_t = 2.0)]
    factor: f64,
    /// A range's bisection ends when the failing rate is within this
    /// fraction of the passing one (0.1 = 10%).
    #[arg(long, default_value_t = 0.1)]
    resolution: f64,
    /// Seconds each step offers its rate (default: the experiment's
    /// duration_s, else 60); 0.001 to 3600.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, value_parser = parse_step_duration)]
    step_duration: Option<f64>,
    /// Seconds between two steps, so that a quota a throttled step drained
    /// refills before the next step is measured; 0 to 3600.
    #[arg(long, value_name = "SECONDS", default_value = "10", allow_negative_numbers = true, value_parser = parse_pause)]
    pause: f64,
    /// An objective each step must meet, repeatable: ttft_p90<=2s,
    /// total_sched_p99<=20s, throttle<=1%, error<=1% (default throttle<=0%
    /// and error<=1%). A length grid judges each cell by it and runs on.
    #[arg(long, value_name = "OBJECTIVE")]
    slo: Vec<Objective>,
    /// A length grid instead of a search: the input lengths, tokens
    /// (128,1024,8192; 1 to 10000000 each). Every input length with every
    /// --grid-output length is a cell, one step each at the one load of
    /// --rates (one rate) or --concurrencies (one value); each cell's
    /// prompt is a synthetic prompt of its input length.
    #[arg(long, value_name = "TOKENS")]
    grid_input: Option<String>,
    /// The output lengths of a length grid, tokens, sent as maxTokens
    /// (64,256,1024; 1 to 1000000 each); with --grid-input.
    #[arg(long, value_name = "TOKENS")]
    grid_output: Option<String>,
}

/// A step's duration when neither --step-duration nor the experiment's
/// duration_s gives one, seconds.
const DEFAULT_STEP_DURATION_S: f64 = 60.0;

fn parse_step_duration(value: &str) -> Result<f64, String> {
    limits::parse_seconds(
        "--step-duration",
        value,
        limits::MIN_SECONDS,
        limits::MAX_STEP_SECONDS,
    )
}

fn parse_pause(value: &str) -> Result<f64, String> {
    limits::parse_seconds("--pause", value, 0.0, limits::MAX_STEP_SECONDS)
}

/// Plan, run the steps, write the sweep's files, report the knee.
pub fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    // The steps set their own rate (or concurrency) and duration: the
    // experiment need not give them.
    let flags = &args.plan;
    // The grid's flags are checked before any file is read.
    let grid = LengthGrid::from_flags(args.grid_input.as_deref(), args.grid_output.as_deref())?;
    let (scenarios, experiment) = flags.load(ExperimentUse::Sweep)?;
    let (kind, text) = match (&args.rates, &args.concurrencies) {
        (Some(rates), _) => (LevelKind::Rate, rates),
        (None, Some(concurrencies)) => (LevelKind::Concurrency, concurrencies),
        (None, None) => anyhow::bail!("give --rates or --concurrencies"),
    };
    let levels = Levels::parse_kind(kind, text, args.factor, args.resolution)?;
    let step_duration_s = match (args.step_duration, experiment.load.duration_s) {
        (Some(seconds), _) => seconds,
        (None, Some(seconds)) if seconds > limits::MAX_STEP_SECONDS => anyhow::bail!(
            "the step duration comes from duration_s = {seconds} in {}, and a step lasts at most {} s: give --step-duration (0.001 to {})",
            experiment.source,
            limits::MAX_STEP_SECONDS,
            limits::MAX_STEP_SECONDS
        ),
        (None, Some(seconds)) => seconds,
        (None, None) => DEFAULT_STEP_DURATION_S,
    };
    let seed = flags.seed();
    let choice = choose_target(flags.target, experiment.target)?;
    let settings = TargetSettings::for_experiment(choice, &experiment, RUN_EMULATOR_HINT)?;
    let prices = flags.prices(&scenarios)?;
    let slo = Slo::with_defaults(args.slo.clone());
    let file = experiment.source.file.clone();
    let max_cost = flags.max_cost_limit().or_else(|| {
        experiment
            .max_cost_usd
            .map(|max| Limit::new(max, format!("max_cost_usd in {file}")))
    });
    let max_calls = flags.max_calls_limit().or_else(|| {
        experiment
            .max_calls
            .map(|max| Limit::new(max, format!("max_calls in {file}")))
    });
    let dir = flags
        .out
        .join("sweeps")
        .join(bedrock_bench::timestamps::local_stamp());
    let options = SweepOptions {
        scenarios,
        experiment,
        kind,
        levels,
        step_duration_s,
        pause_s: args.pause,
        slo,
        out_dir: dir.clone(),
        seed,
        max_calls,
        max_cost,
        prices,
        progress: flags.progress_mode()?,
        stop: StopSignal::new(),
    };
    let job = match grid {
        Some(grid) => Job::Grid(Box::new(GridOptions::new(options, grid, text)?)),
        None => Job::Sweep(Box::new(options)),
    };
    match &job {
        Job::Sweep(options) => print_plan(options, choice),
        Job::Grid(grid) => sweep_grid::print_grid_plan(grid, choice),
    }
    let dry_run = flags.dry_run;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        // The dry run resolves the target and the credentials as the
        // sweep does; it calls no model and starts no emulator.
        let resolved = resolve_target(&settings)
            .await
            .context("preparing the target")?;
        if resolved.target() == Target::Emulator {
            let emulator = &settings.emulator;
            for line in sweep::quota_lines(job.sweep(), &emulator.profiles, emulator.time_scale) {
                eprintln!("{line}");
            }
        }
        if dry_run {
            eprintln!(
                "target: {} (resolved as the sweep would)",
                resolved.describe(&settings)
            );
            eprintln!("dry run: no call was made.");
            return Ok(ExitCode::SUCCESS);
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the sweep's directory {}", dir.display()))?;
        let clients =
            Arc::new(Clients::from_resolved(resolved, settings).context("preparing the target")?);
        let simulation = (clients.target() == Target::Emulator)
            .then(|| Simulation::of_run(clients.time_scale()));
        if simulation.is_some() {
            eprintln!("target: {}; every number is SIMULATED.", clients.describe());
        } else {
            eprintln!("target: {}.", clients.describe());
        }
        runner::watch_stop_signals(job.sweep().stop.clone(), runner::STOP_GRACE)
            .context("installing the SIGINT, SIGTERM and SIGHUP handlers")?;
        let options = match job {
            Job::Sweep(options) => *options,
            Job::Grid(grid) => {
                return sweep_grid::run_grid(clients, *grid, &dir, simulation.as_ref()).await;
            }
        };
        let slo_text = options.slo.to_string();
        let kind = options.kind;
        let outcome = sweep::run_sweep(clients, options, |steps| {
            if let Some(step) = steps.last() {
                eprintln!("{}", describe_step(kind, step));
            }
            // Each step's row is on disk before the next step starts; a
            // failure is reported, and tried again, when the sweep ends.
            if let Err(error) = publish::sweep::steps_so_far(&dir, kind, steps) {
                eprintln!("warning: {}", publish::chain(&error));
            }
        })
        .await;
        report(&outcome, &dir, &slo_text, simulation.as_ref())
    })
}

/// What `sweep` runs: a search for the knee, or a length grid.
enum Job {
    Sweep(Box<SweepOptions>),
    Grid(Box<GridOptions>),
}

impl Job {
    /// The sweep's settings (a grid's load, budgets, stop signal...).
    fn sweep(&self) -> &SweepOptions {
        match self {
            Job::Sweep(options) => options,
            Job::Grid(grid) => &grid.sweep,
        }
    }
}

fn print_plan(options: &SweepOptions, choice: TargetChoice) {
    let climb = options.levels.climb();
    let rates: Vec<String> = climb.iter().map(|r| options.kind.describe(*r)).collect();
    let arrival = sweep::step_experiment(&options.experiment, options.kind, 1.0, 1.0)
        .load
        .arrival;
    let bisect = match &options.levels {
        Levels::List(_) => "stop at the first step that fails".to_string(),
        Levels::Stepped { resolution, .. } => format!(
            "after the first failure, bisect until the bracket is within {:.0}%",
            resolution * 100.0
        ),
    };
    eprintln!(
        "plan: {} for {} per step ({} apart) at {}; {bisect}; at most {} steps",
        match options.kind {
            LevelKind::Rate => format!("{arrival} arrivals"),
            LevelKind::Concurrency => "a fixed concurrency".to_string(),
        },
        human_duration(seconds(options.step_duration_s)),
        human_duration(seconds(options.pause_s)),
        rates.join(", "),
        options.levels.max_steps()
    );
    for rate in &climb {
        eprintln!(
            "  {}: about {} calls",
            options.kind.describe(*rate),
            sweep::step_calls(options, *rate)
        );
    }
    eprintln!("SLO: {}", options.slo);
    let most = sweep::max_sweep_calls(options);
    // Only constant arrivals make a known count; random arrivals and a
    // concurrency's calls vary around theirs.
    let calls = match (options.kind, arrival) {
        (LevelKind::Rate, Arrival::Constant) => format!("at most {most} calls"),
        (LevelKind::Rate, _) => {
            format!("about {most} calls (an expected count: random arrivals may make more)")
        }
        (LevelKind::Concurrency, _) => {
            format!("about {most} calls (estimated from the built-in latency table)")
        }
    };
    eprintln!(
        "{calls} and about {} in all if every step runs; no retries",
        human_duration(seconds(
            (options.step_duration_s + options.pause_s) * options.levels.max_steps() as f64
        ))
    );
    let worst_costs = options.scenarios.iter().enumerate().map(|(index, s)| {
        RequestSource::new(
            s,
            index,
            CallSpec::from_scenario(s, &options.experiment),
            0,
            None,
        )
        .attempt_worst_case(&options.prices)
    });
    let names = options.scenarios.iter().map(|s| s.name.as_str());
    let worst = CostPlan::for_mix(names.zip(worst_costs), most).planned;
    match worst {
        Some(cost) => eprintln!(
            "worst case: ${cost} (every call at maxTokens with the dearest scenario's prices)"
        ),
        None => eprintln!("worst case: unknown (a scenario's price is unknown)"),
    }
    print_budgets(
        options,
        worst,
        choice,
        &PlanWords {
            whole: "sweep",
            part: "step",
            not_fitting: "is not started",
            ends_before: "it finds the knee",
            narrower: "narrow --rates",
        },
    );
}

fn describe_step(kind: LevelKind, step: &SweepStep) -> String {
    let s = &step.stats;
    // A p90 of fewer than 10 calls is not a p90: say how many it needs.
    let ttft = s
        .latency(sweep::LatencyMetric::TtftFromScheduled)
        .map_or_else(
            || "-".to_string(),
            |p| cell(90.0, p.count, p.p90, |v| format!("{v:.3}s")),
        );
    let verdict = if step.interrupted {
        "interrupted".to_string()
    } else if step.passed() {
        "SLO met".to_string()
    } else {
        format!("SLO failed: {}", step.failures.join("; "))
    };
    format!(
        "step {}: {}, achieved {:.3}/s, {} calls, {:.1}% throttled, {:.1}% errors, TTFT p90 (from schedule) {ttft}, goodput {:.3}/s: {verdict}",
        step.index,
        kind.describe(s.level),
        s.achieved_rate(),
        s.calls,
        s.throttle_pct(),
        s.error_pct(),
        s.goodput()
    )
}

/// The step a `next:` hint analyzes: the knee's (the highest load that
/// met the SLO), else the last one done.
fn hint_step(outcome: &SweepOutcome) -> Option<&SweepStep> {
    let knee = outcome.knee.highest_passing.map(|(level, _)| level);
    outcome
        .steps
        .iter()
        .rev()
        .find(|s| !s.interrupted && Some(s.stats.level) == knee)
        .or(outcome.steps.last())
}

fn report(
    outcome: &SweepOutcome,
    dir: &Path,
    slo: &str,
    simulation: Option<&Simulation>,
) -> anyhow::Result<ExitCode> {
    let end = end_text(&outcome.end);
    let page = SweepPage {
        steps: &outcome.steps,
        knee: &outcome.knee,
        slo,
        end: &end,
        simulation,
    };
    let published = publish::sweep::publish(&page, dir, &mut std::io::stderr().lock());
    eprint!("{}", outcome.knee.describe());
    let charged = if outcome.charged > outcome.cost {
        format!(
            " (${} charged against the budget: calls that may have been billed without a known cost count at their worst case)",
            outcome.charged
        )
    } else {
        String::new()
    };
    eprintln!(
        "{end}; {} steps, {} calls, ${} at the price table's prices{charged}{}",
        outcome.steps.len(),
        outcome.calls,
        outcome.cost,
        match simulation {
            Some(simulation) => format!(
                " (SIMULATED by the emulator at {}: nothing was billed)",
                simulation.scale_text()
            ),
            None => String::new(),
        }
    );
    if !outcome.steps.is_empty() {
        eprintln!("each step's raw CSVs: {}/step-*/results/", dir.display());
        if let Some(step) = hint_step(outcome) {
            let results = step.dir.join("results");
            let words: [&std::ffi::OsStr; 5] = [
                "bedrock-bench".as_ref(),
                "analyze".as_ref(),
                results.as_os_str(),
                "--out".as_ref(),
                step.dir.as_os_str(),
            ];
            eprintln!(
                "next: {} (step {}'s calls; any step's directory works alike)",
                hint::command(words),
                step.index
            );
        }
    }
    if let Some(overrun) = &outcome.overrun {
        eprintln!(
            "error: {}; the sweep stopped at once. The price table or the worst case understated a call: check --prices and the scenario's prompt and tools.",
            overrun.describe()
        );
    }
    if !published.errors.is_empty() {
        anyhow::bail!(
            "{} (each step's raw CSVs are in its directory under {})",
            published.errors,
            dir.display()
        );
    }
    Ok(match &outcome.end {
        SweepEnd::Done => ExitCode::SUCCESS,
        SweepEnd::Overrun => ExitCode::FAILURE,
        SweepEnd::Stopped(cause) => ExitCode::from(cause.exit_code()),
        SweepEnd::CallBudget { .. } | SweepEnd::DollarBudget { .. } => ExitCode::FAILURE,
        SweepEnd::RecordFailed(error) => anyhow::bail!("{error}"),
    })
}
