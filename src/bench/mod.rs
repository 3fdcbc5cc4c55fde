//! `cargo bench`: criterion benchmarks of TTFT, total latency and OTPS for
//! every scenario of `scenarios_config.jsonl`.
//!
//! One set of calls feeds all three measurements. For each scenario the
//! harness makes one warm-up call and one call per sample (sample size =
//! `invocations_per_scenario`, at least criterion's minimum of 10), writes
//! every attempt to the raw CSV, then hands the recorded values to three
//! criterion groups (TTFT, total latency, OTPS) that analyze them. So a
//! scenario costs `sample size + 1` calls (plus retries of throttled
//! calls), never three times that.

mod args;
mod collect;
mod criteria;
mod error;
mod events;
mod plan;
mod quiet_stderr;
mod replay;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

pub use args::{ArgsError, BenchArgs, BenchMode};
pub use collect::{CollectError, Collection, collect};
pub use error::{BenchError, ErrorChain, MAX_COST_ENV, PRICES_ENV};
pub use plan::{BenchGroup, BenchMember, benchmark_id, groups};
pub use quiet_stderr::QuietStderr;
pub use replay::Replay;

use criteria::{Criteria, list};
use events::BenchSinks;

use crate::analysis::{AnalyzeOptions, Simulation, analyze};
use crate::call::CallRecord;
use crate::client::{BENCH_EMULATOR_HINT, Clients, Target, TargetSettings, choose_target};
use crate::config::{Experiment, Scenario, TargetChoice, load_configs};
use crate::hint;
use crate::measurement::{CallMetric, Otps, TotalLatency, Ttft};
use crate::plan::{Limit, Plan, PlanError, PlanInput};
use crate::publish::analysis::{Destination, publish};
use crate::record::{RawCsvWriter, RunFacts, ScenarioFacts};
use crate::runner::{self, Backoff, CallBudget, ProgressMode, RunEvent, RunSink, StopSignal};
use crate::terminal::simulated_banner;
use crate::timestamps::local_stamp;
use bedrock_catalog::prices::{Cost, PriceTable};
use bedrock_emulator::ProfileSet;

/// Bootstrap resamples per analysis. criterion's default (100,000) is sized
/// for thousands of cheap samples; with 10 to 100 paid calls there are few
/// distinct resamples to draw, 10,000 give the same intervals to within
/// rounding, and the analysis and its charts take a second instead of
/// several per benchmark.
pub const BOOTSTRAP_RESAMPLES: usize = 10_000;

/// criterion's minimum sample size.
pub const MIN_SAMPLES: usize = 10;
/// Relative change below which criterion reports "no change": network
/// latency moves by a few percent from hour to hour on its own.
pub const NOISE_THRESHOLD: f64 = 0.05;
/// Significance level of criterion's change test: with few, noisy samples,
/// 1% keeps false "regressed" verdicts rare.
pub const SIGNIFICANCE_LEVEL: f64 = 0.01;

/// What `cargo bench` reads and where it writes. The defaults are the
/// repository's files (cargo runs benches in the package root); tests
/// point them elsewhere.
#[derive(Debug, Clone)]
pub struct BenchSetup {
    /// The scenarios file.
    pub scenarios: PathBuf,
    /// The experiment file.
    pub experiment: PathBuf,
    /// The report root (`target-reports`).
    pub reports: PathBuf,
    /// criterion's output directory; `None` = criterion's default
    /// (`CRITERION_HOME`, set to `target-reports/criterion` by
    /// `.cargo/config.toml`).
    pub criterion_dir: Option<PathBuf>,
    /// Force a target instead of `BEDROCK_BENCH_TARGET` / the experiment file.
    pub target: Option<TargetChoice>,
    /// Emulator profiles instead of the built-in ones (or the file named
    /// by `BEDROCK_BENCH_EMULATOR_PROFILES`).
    pub emulator_profiles: Option<ProfileSet>,
    /// Emulator time scale instead of `BEDROCK_BENCH_TIME_SCALE`.
    pub time_scale: Option<f64>,
    /// Let criterion read the process's own command line (what
    /// `cargo bench` does). When false, criterion is configured from the
    /// arguments given to [`run`] (filter, `--save-baseline`, `--baseline`),
    /// which is how tests drive the harness in-process.
    pub criterion_reads_process_args: bool,
    /// A stop the caller controls. `None` (what `cargo bench` does): stop
    /// on SIGINT, SIGTERM or SIGHUP. Given: no signal handler is installed,
    /// and stopping is up to the caller.
    pub stop: Option<StopSignal>,
}

impl Default for BenchSetup {
    fn default() -> Self {
        BenchSetup {
            scenarios: PathBuf::from("scenarios_config.jsonl"),
            experiment: PathBuf::from("experiment_config.jsonl"),
            reports: PathBuf::from("target-reports"),
            criterion_dir: None,
            target: None,
            emulator_profiles: None,
            time_scale: None,
            criterion_reads_process_args: true,
            stop: None,
        }
    }
}

/// The whole `cargo bench` program; `benches/converse_stream.rs` calls it.
pub fn main() -> ExitCode {
    let quiet = QuietStderr::install();
    let code = match run(&BenchSetup::default(), std::env::args().skip(1)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", ErrorChain(&error));
            ExitCode::FAILURE
        }
    };
    drop(quiet);
    code
}

/// Samples per benchmark for an experiment, and a note when criterion's
/// minimum raised it.
pub fn sample_size(experiment: &Experiment) -> (usize, Option<String>) {
    let asked = experiment.invocations_per_scenario as usize;
    if asked < MIN_SAMPLES {
        let note = format!(
            "note: invocations_per_scenario = {asked} in {}, but criterion needs at least {MIN_SAMPLES} samples: using {MIN_SAMPLES}",
            experiment.source.file
        );
        (MIN_SAMPLES, Some(note))
    } else {
        (asked, None)
    }
}

/// Calls per scenario: the samples plus one warm-up (one call in `--test`).
pub fn calls_per_scenario(samples: usize, mode: BenchMode) -> usize {
    match mode {
        BenchMode::Measure => samples + 1,
        BenchMode::Test => 1,
        BenchMode::List => 0,
    }
}

fn load(paths: &BenchSetup) -> Result<(Vec<Scenario>, Experiment), BenchError> {
    let configs = load_configs(&paths.scenarios, &paths.experiment).map_err(BenchError::Config)?;
    configs.warnings.iter().for_each(|w| eprintln!("{w}"));
    Ok((configs.scenarios, configs.experiment))
}

fn selected(
    args: &BenchArgs,
    group: &BenchGroup,
    member: &BenchMember,
) -> Result<bool, BenchError> {
    let Some(filter) = &args.filter else {
        return Ok(true);
    };
    let regex = regex::Regex::new(filter).map_err(|source| BenchError::Filter {
        filter: filter.clone(),
        source,
    })?;
    Ok([Ttft::NAME, TotalLatency::NAME, Otps::NAME]
        .iter()
        .any(|metric| {
            let id = benchmark_id(group, metric, member);
            if args.exact {
                id == *filter
            } else {
                regex.is_match(&id)
            }
        }))
}

/// Run the benchmarks with criterion's arguments `cli_args`, showing
/// their progress on stderr (a bar or lines per scenario).
pub fn run(
    paths: &BenchSetup,
    cli_args: impl IntoIterator<Item = String>,
) -> Result<ExitCode, BenchError> {
    run_with_sinks(paths, cli_args, Vec::new())
}

/// [`run`], handing the calls' events to `sinks` too, after the progress
/// display: the experiment's planned calls, each scenario's start (with
/// its planned calls) and end, every attempt (after its row is written)
/// and every retry. A sink that fails stops the benchmarks.
pub fn run_with_sinks(
    paths: &BenchSetup,
    cli_args: impl IntoIterator<Item = String>,
    sinks: Vec<Box<dyn RunSink>>,
) -> Result<ExitCode, BenchError> {
    // criterion's charts need a font; ours is built in.
    crate::fonts::register();
    let args = args::parse(cli_args)?;
    if !paths.criterion_reads_process_args && args.mode == BenchMode::Test {
        return Err(BenchError::TestNeedsProcessArgs);
    }
    let progress = ProgressMode::from_env().map_err(BenchError::ProgressEnv)?;
    let (scenarios, experiment) = load(paths)?;
    let (samples, note) = sample_size(&experiment);
    if let Some(note) = note {
        eprintln!("{note}");
    }
    let groups = groups(&scenarios);
    for group in &groups {
        if let Some(full) = &group.renamed_from {
            eprintln!(
                "note: criterion keeps the first {} bytes of a group's id as its folder name, which {full} shares with another group: its benchmarks are named {} (select them with that name; its saved baselines stay under it)",
                plan::CRITERION_NAME_BYTES,
                group.id
            );
        }
    }
    let mut wanted = vec![false; scenarios.len()];
    for group in &groups {
        for member in &group.members {
            wanted[member.scenario] = selected(&args, group, member)?;
        }
    }
    let per_scenario = calls_per_scenario(samples, args.mode);
    let prices = prices_from_env()?;
    let plan = bench_plan(
        &scenarios,
        &wanted,
        &experiment,
        per_scenario,
        Arc::clone(&prices),
        max_cost_from_env()?,
    );
    let planned = plan.schedule.planned_calls();
    match plan.check() {
        Ok(()) => {}
        Err(PlanError::OverBudget { planned, max, .. }) => {
            return Err(BenchError::OverBudget {
                planned: *planned,
                per_scenario,
                max: *max,
                file: experiment.source.file.clone(),
            });
        }
        Err(PlanError::OverCostBudget(error)) => return Err(BenchError::Cost(error.clone())),
        Err(other) => return Err(BenchError::Plan(other.clone())),
    }
    if args.mode != BenchMode::List {
        eprintln!("{}", plan.costs.describe());
        for warning in crate::plan::us_priced_elsewhere(&plan.scenarios, &prices) {
            eprintln!("{warning}");
        }
        if let Some(limit) = &plan.max_cost {
            eprintln!("dollar budget: at most ${} ({})", limit.value, limit.source);
        }
    }
    if args.mode == BenchMode::List {
        list(&groups, &wanted);
        return Ok(ExitCode::SUCCESS);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| BenchError::Runtime { source })?;
    let choice = choose_target(paths.target, experiment.target)?;
    let mut settings = TargetSettings::for_experiment(choice, &experiment, BENCH_EMULATOR_HINT)?;
    if let Some(profiles) = &paths.emulator_profiles {
        settings.emulator.profiles = profiles.clone();
    }
    if let Some(scale) = paths.time_scale {
        settings.emulator.time_scale = scale;
    }
    let clients = runtime
        .block_on(Clients::connect(settings))
        .map_err(|source| BenchError::Connect { source })?;
    let simulated = clients.target() == Target::Emulator;
    announce(
        &scenarios,
        &wanted,
        &args,
        samples,
        planned,
        &clients,
        experiment.max_retries,
    );
    let stop = match &paths.stop {
        Some(stop) => stop.clone(),
        None => {
            let stop = StopSignal::new();
            runtime
                .block_on(async { runner::watch_stop_signals(stop.clone(), runner::STOP_GRACE) })
                .map_err(|source| BenchError::Signals { source })?;
            stop
        }
    };

    let run_id = local_stamp();
    let results = paths.reports.join("results");
    let mut writer =
        RawCsvWriter::create(&results, &run_id).map_err(|source| BenchError::CreateCsv {
            dir: results.clone(),
            source,
        })?;
    let budget = Arc::new(CallBudget::new(plan.own_max_calls).with_max_cost(plan.own_max_cost));
    // Where each scenario's request is in the plan (which holds the
    // selected scenarios only).
    let mut plan_index = vec![0; scenarios.len()];
    for (index, original) in (0..scenarios.len()).filter(|i| wanted[*i]).enumerate() {
        plan_index[original] = index;
    }
    let run = Arc::new(RunFacts {
        run_id: run_id.clone(),
        run: 1,
        started: Instant::now(),
    });
    let mut events = BenchSinks::new(
        std::iter::once(runner::progress_sink(progress, Some(Arc::clone(&budget))))
            .chain(sinks)
            .collect(),
    );
    events.send(&RunEvent::ExperimentStarted {
        planned_calls: planned,
        runs: 1,
        arrivals_s: None,
    });
    let mut records: Vec<Vec<CallRecord>> = vec![Vec::new(); scenarios.len()];
    let mut failures = Vec::new();
    let mut criteria = Criteria::new(samples, paths, &args);
    'groups: for group in &groups {
        for member in group.members.iter().filter(|m| wanted[m.scenario]) {
            let scenario = &scenarios[member.scenario];
            let planned_index = plan_index[member.scenario];
            let requests = &plan.requests[planned_index];
            let facts = ScenarioFacts::new(
                scenario,
                requests.base(),
                &plan.experiment,
                clients.target(),
                clients.time_scale(),
            )
            .with_prices(Arc::clone(&prices));
            let job = Collection {
                clients: &clients,
                requests,
                worst_cost: plan.worst_costs[planned_index],
                facts: Arc::new(facts),
                run: Arc::clone(&run),
                scenario_index: member.scenario,
                calls: per_scenario,
                warm_up: args.mode == BenchMode::Measure,
                // The emulator's time scale shrinks the pauses too.
                sleep_between: experiment.sleep_between_at(clients.time_scale()),
                max_retries: experiment.max_retries,
                backoff: Backoff::default(),
                stop: &stop,
            };
            let name = format!("{}/{}", group.id, member.label);
            events.send(&RunEvent::ScenarioStarted {
                name: name.clone(),
                planned_calls: per_scenario as u64,
            });
            let made = runtime.block_on(collect(&job, budget.as_ref(), &mut writer, &mut events));
            // Before anything else is printed (criterion's analysis).
            events.send(&RunEvent::ScenarioFinished);
            match made {
                Ok(made) => records[member.scenario] = made,
                Err(CollectError::Stopped { .. }) => break 'groups,
                Err(error @ CollectError::Overrun(_)) => {
                    eprintln!("error: {name}: {error}");
                    break 'groups;
                }
                Err(error @ CollectError::Sink { .. }) => {
                    eprintln!("error: {name}: {error}");
                    return Err(BenchError::Sink {
                        calls: budget.used(),
                        rows: writer.rows(),
                    });
                }
                Err(error @ CollectError::Write { .. }) => {
                    eprintln!("error: {}/{}: {error}", group.id, member.label);
                    return Err(BenchError::WriteCsv {
                        calls: budget.used(),
                        rows: writer.rows(),
                    });
                }
                Err(error) => {
                    eprintln!(
                        "error: {}/{}: not measured: {error}",
                        group.id, member.label
                    );
                    failures.push(format!("{}/{}", group.id, member.label));
                }
            }
        }
        criteria.bench_group(group, &records, samples);
    }
    let finished = events.finish();
    let raw = writer
        .finish()
        .map_err(|source| BenchError::FinishCsv { source })?;
    finished.map_err(|source| BenchError::FinishSink { source })?;
    if let Some(overrun) = budget.overrun() {
        eprintln!(
            "\nerror: {}; {} calls were made and every one of them is in {}. The price table or the worst case understated a call: check the price file and the scenario's prompt and tools.",
            overrun.describe(),
            budget.used(),
            raw.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Some(cause) = stop.cause() {
        eprintln!(
            "\ninterrupted by {}: {} calls were made and every one of them is in {} (a call in flight was cancelled and keeps its partial timings); the benchmark being measured was not handed to criterion. Summarize what was made with: {}",
            cause.name(),
            budget.used(),
            raw.display(),
            hint::command([
                "bedrock-bench".as_ref(),
                "analyze".as_ref(),
                raw.as_os_str(),
                "--out".as_ref(),
                paths.reports.as_os_str(),
            ] as [&std::ffi::OsStr; 5])
        );
        return Ok(ExitCode::from(cause.exit_code()));
    }
    criteria.final_summary();
    println!("\nraw CSV: {} ({} calls)", raw.display(), budget.used());
    let summarized = args.mode == BenchMode::Measure;
    if summarized {
        summarize(&raw, &paths.reports)?;
    }
    // The summary ends with the banner itself.
    if simulated && !summarized {
        println!(
            "{}",
            simulated_banner(&Simulation::of_run(clients.time_scale()))
        );
    }
    if !failures.is_empty() {
        eprintln!(
            "{} benchmark(s) could not be measured: {}",
            failures.len(),
            failures.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The same summary files, tables, charts and report page as
/// `bedrock-bench analyze`, for the raw CSV this run wrote (published by
/// [`crate::publish::analysis`] in its order).
fn summarize(raw: &Path, reports: &Path) -> Result<(), BenchError> {
    let analysis =
        analyze(&[raw], &AnalyzeOptions::default()).map_err(|source| BenchError::Analyze {
            path: raw.to_path_buf(),
            source: Box::new(source),
        })?;
    println!();
    let destination = Destination {
        out: reports,
        stamp: &local_stamp(),
        price_file: None,
    };
    let published = publish(
        &analysis,
        destination,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    if published.errors.is_empty() {
        Ok(())
    } else {
        Err(BenchError::Publish {
            dir: reports.to_path_buf(),
            source: published.errors,
        })
    }
}

fn announce(
    scenarios: &[Scenario],
    wanted: &[bool],
    args: &BenchArgs,
    samples: usize,
    planned: u64,
    clients: &Clients,
    max_retries: u32,
) {
    let count = wanted.iter().filter(|w| **w).count();
    // Each failed attempt may be retried: the planned count is of calls
    // that succeed, not an upper bound.
    let retries = match max_retries {
        0 => String::new(),
        n => format!(" (plus a retry of each failed attempt, at most {n} per call)"),
    };
    let per_scenario = match args.mode {
        BenchMode::Test => "1 call (--test)".to_string(),
        _ => format!("{} calls ({samples} samples + 1 warm-up)", samples + 1),
    };
    eprintln!(
        "bedrock-bench: {count} of {} scenarios x {per_scenario} = {planned} calls{retries} against {}",
        scenarios.len(),
        clients.describe()
    );
    if clients.target() == Target::Emulator {
        let simulation = Simulation::of_run(clients.time_scale());
        let effect = match simulation.effect() {
            effect if effect.is_empty() => String::new(),
            effect => format!(" ({effect})"),
        };
        eprintln!(
            "*** SIMULATED: no AWS call is made; the latencies come from the emulator's profiles at {}{effect}. ***",
            simulation.scale_text()
        );
    }
}

/// The dollar budget of `BEDROCK_BENCH_MAX_COST`, if set (over the
/// experiment file's `max_cost_usd`), read as strictly as `--max-cost`.
fn max_cost_from_env() -> Result<Option<Limit<Cost>>, BenchError> {
    let Ok(value) = std::env::var(MAX_COST_ENV) else {
        return Ok(None);
    };
    crate::config::limits::parse_max_cost(&value)
        .map(|max| Some(Limit::new(max, MAX_COST_ENV)))
        .map_err(|reason| BenchError::MaxCostEnv { value, reason })
}

/// The plan of the selected benchmarks (`wanted`): each scenario's
/// `per_scenario` calls (its warm-up call included) one after another,
/// with the experiment's retries and budgets.
fn bench_plan(
    scenarios: &[Scenario],
    wanted: &[bool],
    experiment: &Experiment,
    per_scenario: usize,
    prices: Arc<PriceTable>,
    max_cost: Option<Limit<Cost>>,
) -> Plan {
    let selected: Vec<Scenario> = scenarios
        .iter()
        .zip(wanted)
        .filter(|(_, wanted)| **wanted)
        .map(|(s, _)| s.clone())
        .collect();
    let sequential = Experiment {
        invocations_per_scenario: u32::try_from(per_scenario).unwrap_or(u32::MAX),
        warmup_invocations: 0,
        num_runs_per_experiment: 1,
        num_parallel_invocations: 1,
        load: crate::config::Load::default(),
        ..experiment.clone()
    };
    PlanInput::new(selected, sequential)
        .prices(prices)
        .max_cost(max_cost)
        .build()
}

/// The prices: the built-in table, overridden by the price file named by
/// `BEDROCK_BENCH_PRICES`, if set.
fn prices_from_env() -> Result<Arc<PriceTable>, BenchError> {
    match std::env::var_os(PRICES_ENV) {
        Some(path) if !path.is_empty() => {
            let entries = crate::config::load_price_file(&path).map_err(BenchError::Prices)?;
            Ok(Arc::new(PriceTable::with_overrides(entries)))
        }
        _ => Ok(Arc::default()),
    }
}
