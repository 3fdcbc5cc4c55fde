//! The experiment runner: the Python tool's schedule, with retries, a call
//! budget, a two-stage stop, and every attempt written to the raw CSV as
//! it ends.
//!
//! ```text
//! for each of num_runs_per_experiment runs:            (one raw CSV per run)
//!     shuffle the scenarios (seeded)
//!     num_parallel_invocations workers take scenarios in that order
//!         each scenario: warmup_invocations warm-up calls (default 0),
//!                        then invocations_per_scenario calls,
//!                        sleep_between_invocations seconds apart,
//!                        retryable failures retried with backoff
//! ```
//!
//! With an open-loop `arrival` (constant, poisson, gamma), each run is
//! instead a stream of arrivals at the experiment's rate, each calling a
//! scenario picked by weight, dispatched at its scheduled instant by one
//! task (`open_loop.rs`), without retries.
//!
//! With a shard (`--shard I/N`, `shard.rs`), the process makes its share
//! of that experiment: the shards together make every call of it once,
//! within its budgets.

mod arrivals;
mod backoff;
mod budget;
mod call_loop;
mod cost;
mod open_loop;
mod outcome;
mod progress;
mod record_error;
mod report;
mod run_files;
mod schedule;
mod shard;
mod signals;
mod stop;
mod users;
mod worker;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

pub use crate::record::RunFile;
pub use arrivals::{ArrivalAt, ArrivalPlan, Arrivals, RunShare};
pub use backoff::Backoff;
pub use budget::{CallBudget, Overrun, Refusal};
pub use call_loop::{AttemptSink, CallEnd, CallLoop, Verdict, sleep_until_or_stop};
pub use cost::{
    CostError, CostPlan, PROMPT_TEMPLATE_TOKENS, attempt_worst_case, charged, us_priced_elsewhere,
    worst_case_input_tokens,
};
pub use open_loop::precise_sleep_until;
pub use outcome::ScenarioOutcome;
pub use progress::{ProgressMode, ProgressSink};
pub use record_error::{RecordError, SinkError};
pub use report::{ReportSender, Reporter, RunEvent, RunSink};
pub use run_files::RunFiles;
pub use schedule::{Schedule, estimated_call_time, human_duration};
pub use shard::{MAX_SHARDS, Shard, ShardError};
pub use signals::{STOP_GRACE, watch_stop_signals};
pub use stop::{StopCause, StopSignal};

use crate::call::CallSpec;
use crate::client::Clients;
use crate::config::{Experiment, Scenario};
use crate::record::{RunFacts, ScenarioFacts};
use bedrock_catalog::prices::{Cost, PriceTable};
use worker::{RunSlot, Shared, Tally};

/// Everything a run needs besides the clients.
pub struct RunOptions {
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// The experiment settings.
    pub experiment: Experiment,
    /// Report root: raw CSVs go to `<out_dir>/results/`.
    pub out_dir: PathBuf,
    /// Seed of the shuffles (and of the retry jitter).
    pub seed: u64,
    /// Most calls the run may make (retries included); `None` = the
    /// experiment file's `max_calls`, if any.
    pub max_calls: Option<u64>,
    /// Most US dollars the run may spend (worst cases reserved); `None` =
    /// the experiment file's `max_cost_usd`, if any.
    pub max_cost_usd: Option<f64>,
    /// The prices of the calls (built-in, or overridden by a price file).
    pub prices: Arc<PriceTable>,
    /// Waits between retries.
    pub backoff: Backoff,
    /// Progress display.
    pub progress: ProgressMode,
    /// Stop requests (Ctrl-C).
    pub stop: StopSignal,
    /// More sinks for the run's events.
    pub extra_sinks: Vec<Box<dyn RunSink>>,
    /// Make only this shard's share of the experiment (`--shard I/N`);
    /// `None`: all of it. Every shard must be given the same `seed` and
    /// files. `max_calls` and `max_cost_usd` stay the whole experiment's.
    pub shard: Option<Shard>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("scenarios", &self.scenarios.len())
            .field("out_dir", &self.out_dir)
            .field("seed", &self.seed)
            .field("max_calls", &self.max_calls)
            .field("max_cost_usd", &self.max_cost_usd)
            .field("shard", &self.shard)
            .finish_non_exhaustive()
    }
}

/// How a run went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// Raw CSVs written, one per run started.
    pub files: Vec<RunFile>,
    /// Calls planned (no retries).
    pub planned_calls: u64,
    /// Call attempts made.
    pub attempts: u64,
    /// Successful attempts.
    pub successes: u64,
    /// Failed attempts.
    pub failures: u64,
    /// Throttled attempts.
    pub throttles: u64,
    /// A stop request ended the run early.
    pub interrupted: bool,
    /// What asked for the stop, when one was asked for.
    pub stop_cause: Option<StopCause>,
    /// A budget refused a call (retries used it up, or the dollars spent
    /// and reserved left no room for another worst case).
    pub budget_exhausted: bool,
    /// Which budget refused, when one did.
    pub budget_refusal: Option<Refusal>,
    /// What the attempts cost, where known (exact).
    pub cost: Cost,
    /// What the attempts were charged against the dollar budget: each
    /// one's cost, or its whole worst case when it may have been billed
    /// without a known cost (a timeout, a broken stream). At least `cost`;
    /// what a sweep or a caller carries into a later budget.
    pub charged: Cost,
    /// A call was charged more than its reserved worst case, and the run
    /// ended at once (see [`Overrun`]).
    pub overrun: Option<Overrun>,
    /// Attempts with usage whose cost is unknown (a price is unknown).
    pub unpriced_attempts: u64,
    /// Calls whose row could not be written (a full disk...).
    pub unwritten_rows: u64,
    /// How each scenario's attempts went, in file order.
    pub scenarios: Vec<ScenarioOutcome>,
}

impl RunSummary {
    /// The scenarios that made calls and had no success.
    pub fn failed_scenarios(&self) -> impl Iterator<Item = &ScenarioOutcome> {
        self.scenarios.iter().filter(|s| s.never_succeeded())
    }
}

/// Why a run did not start or could not record.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The plan exceeds the call budget.
    #[error(
        "the run would make {planned} calls, more than the maximum of {max} (set by {source_of_max}); raise the maximum or lower num_runs_per_experiment, invocations_per_scenario, warmup_invocations or the number of scenarios"
    )]
    OverBudget {
        /// Calls planned.
        planned: u64,
        /// The maximum.
        max: u64,
        /// `--max-calls` or the experiment file.
        source_of_max: String,
    },
    /// The shards' plans together exceed the call budget.
    #[error(
        "the {shards} shards together would make {planned} calls (each shard makes its own warm-ups), more than the maximum of {max} for the whole experiment (set by {source_of_max}); raise the maximum, use fewer shards, or lower num_runs_per_experiment, invocations_per_scenario, warmup_invocations or the number of scenarios"
    )]
    ShardsOverBudget {
        /// Calls planned by all the shards.
        planned: u64,
        /// The maximum.
        max: u64,
        /// `--max-calls` or the experiment file.
        source_of_max: String,
        /// The number of shards.
        shards: u32,
    },
    /// Some shards would have nothing to do.
    #[error(
        "the experiment cannot be split into {shards} shards: {why}, so {} would make no call; use at most {most} shards",
        idle_shards(*.most, *.shards)
    )]
    EmptyShards {
        /// The number of shards.
        shards: u32,
        /// The most shards that each have a call.
        most: u64,
        /// Why: the count that is too small.
        why: String,
    },
    /// `--shard` with the `concurrent` load, which is not split.
    #[error(
        "arrival \"concurrent\" cannot be split into shards yet: run one process per machine with its own `concurrency`, or use an open loop (\"constant\", \"poisson\", \"gamma\") with --shard"
    )]
    ShardedConcurrency,
    /// The plan cannot keep the dollar budget (or a price is unknown).
    #[error(transparent)]
    OverCostBudget(#[from] CostError),
    /// A sink (the raw CSV...) failed; the run stopped. Files already
    /// written keep every row they got, and only whole rows.
    #[error("recording failed, so the run stopped: {error}{}", unwritten_note(.summary))]
    Report {
        /// The first recording error.
        error: RecordError,
        /// What was done before.
        summary: Box<RunSummary>,
    },
    /// The reporter thread could not start.
    #[error("cannot start the report thread: {0}")]
    Io(#[from] std::io::Error),
}

/// `shard 3/4`, `shards 2/4 to 3/4`: the shards from `first` on.
fn idle_shards(first: u64, shards: u32) -> String {
    let last = u64::from(shards) - 1;
    if first >= last {
        format!("shard {last}/{shards}")
    } else {
        format!("shards {first}/{shards} to {last}/{shards}")
    }
}

/// `; N calls have no row (M rows were written)` when rows were lost.
fn unwritten_note(summary: &RunSummary) -> String {
    if summary.unwritten_rows == 0 {
        return String::new();
    }
    let written: u64 = summary.files.iter().map(|f| f.rows).sum();
    format!(
        "; {} call(s) have no row ({written} rows were written, each of them whole)",
        summary.unwritten_rows
    )
}

/// The effective call maximum and where it came from.
pub fn effective_max_calls(options: &RunOptions) -> Option<(u64, String)> {
    match (options.max_calls, options.experiment.max_calls) {
        (Some(max), _) => Some((max, "--max-calls".into())),
        (None, Some(max)) => Some((
            max,
            format!("max_calls in {}", options.experiment.source.file),
        )),
        (None, None) => None,
    }
}

/// The effective dollar maximum and where it came from.
pub fn effective_max_cost(options: &RunOptions) -> Option<(Cost, String)> {
    let (usd, source) = match (options.max_cost_usd, options.experiment.max_cost_usd) {
        (Some(max), _) => (max, "--max-cost".to_string()),
        (None, Some(max)) => (
            max,
            format!("max_cost_usd in {}", options.experiment.source.file),
        ),
        (None, None) => return None,
    };
    // Validated when read; were it invalid, a zero budget would refuse
    // every call rather than allow any.
    Some((Cost::from_usd(usd).unwrap_or(Cost::ZERO), source))
}

/// The requests of the scenarios under the experiment.
fn specs(options: &RunOptions) -> Vec<CallSpec> {
    options
        .scenarios
        .iter()
        .map(|s| CallSpec::from_scenario(s, &options.experiment))
        .collect()
}

/// The schedule of `options`: this process's share of it with a shard.
pub fn schedule_of(options: &RunOptions) -> Schedule {
    Schedule::for_scenarios(&options.scenarios, &options.experiment, options.seed)
        .sharded(options.shard)
}

/// The worst case of this process's calls (a shard's share), at
/// `options.prices`.
///
/// In the open loop (and the concurrent load) any call may call any
/// scenario, so every planned call is counted at the dearest scenario's
/// worst case, without retries.
pub fn cost_plan(options: &RunOptions) -> CostPlan {
    plan_costs(options, false)
}

/// The worst case of the whole experiment's calls: every shard's
/// together (each with its own warm-ups); [`cost_plan`] without a shard.
pub fn experiment_cost_plan(options: &RunOptions) -> CostPlan {
    plan_costs(options, true)
}

fn plan_costs(options: &RunOptions, every_shard: bool) -> CostPlan {
    let e = &options.experiment;
    let schedule = schedule_of(options);
    let specs = specs(options);
    let scenarios = options
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .zip(&specs);
    if schedule.open.is_some() {
        let calls = if every_shard {
            schedule.experiment_planned_calls()
        } else {
            schedule.planned_calls()
        };
        return CostPlan::for_mix(scenarios, &options.prices, calls);
    }
    let per_run = if every_shard {
        let shards = options.shard.map_or(1, Shard::count);
        u64::from(e.invocations_per_scenario) + u64::from(e.warmup_invocations) * u64::from(shards)
    } else {
        u64::from(schedule.calls_per_scenario())
    };
    let calls = u64::from(e.num_runs_per_experiment) * per_run;
    CostPlan::new(scenarios, &options.prices, calls, e.max_retries)
}

/// The call maximum this process keeps: the experiment's
/// ([`effective_max_calls`]) or, with a shard, its part of it
/// ([`Schedule::call_budget`]: the parts of all the shards add up to the
/// experiment's maximum). `None` without a maximum.
pub fn own_max_calls(schedule: &Schedule, options: &RunOptions) -> Option<u64> {
    let (max, _) = effective_max_calls(options)?;
    // A plan over the maximum is refused by check_budget; were it run,
    // a zero budget would refuse every call rather than allow any.
    Some(schedule.call_budget(max).unwrap_or(0))
}

/// The dollar maximum this process keeps: the experiment's
/// ([`effective_max_cost`]) or, with a shard, its part of it: the worst
/// case of its planned calls plus its share of what the worst case of
/// every shard's planned calls leaves of the maximum (see
/// [`Shard::budget`]); the parts of all the shards add up to the
/// experiment's maximum. `None` without a maximum.
pub fn own_max_cost(options: &RunOptions) -> Option<Cost> {
    let (max, _) = effective_max_cost(options)?;
    let Some(shard) = options.shard else {
        return Some(max);
    };
    let own = cost_plan(options).planned;
    let all = experiment_cost_plan(options).planned;
    // Unknown prices and plans over the maximum are refused by
    // check_budget; were they run, a zero budget would refuse every call.
    let part = own.zip(all).and_then(|(own, all)| {
        shard.budget(max.picodollars(), own.picodollars(), all.picodollars())
    });
    Some(Cost::from_picodollars(part.unwrap_or(0)))
}

/// Refuse a schedule whose planned calls exceed the call maximum, or whose
/// worst case exceeds the dollar maximum (or cannot be priced under one);
/// with a shard, every shard's planned calls together, and a split that
/// leaves a shard without a call. Every shard of an experiment comes to
/// the same verdict.
pub fn check_budget(schedule: &Schedule, options: &RunOptions) -> Result<(), RunError> {
    if let Some(shard) = options.shard {
        check_shards(schedule, shard)?;
    }
    if let Some((max, source)) = effective_max_cost(options) {
        let source = match options.shard {
            Some(shard) => format!(
                "{source}, the budget of the {} shards together",
                shard.count()
            ),
            None => source,
        };
        experiment_cost_plan(options).check(Some((max, source)))?;
    }
    if let Some((max, source_of_max)) = effective_max_calls(options) {
        let planned = schedule.experiment_planned_calls();
        if planned > max {
            return Err(match options.shard {
                Some(shard) => RunError::ShardsOverBudget {
                    planned,
                    max,
                    source_of_max,
                    shards: shard.count(),
                },
                None => RunError::OverBudget {
                    planned,
                    max,
                    source_of_max,
                },
            });
        }
    }
    Ok(())
}

/// Refuse a split in which the last shard (the one with the fewest calls)
/// would make none.
fn check_shards(schedule: &Schedule, shard: Shard) -> Result<(), RunError> {
    let shards = shard.count();
    if schedule
        .open
        .as_ref()
        .is_some_and(|plan| plan.concurrency.is_some())
    {
        return Err(RunError::ShardedConcurrency);
    }
    let (items, why) = if schedule.open.is_some() {
        let calls = schedule.experiment_planned_calls();
        (
            calls,
            format!("the experiment plans {calls} calls (arrivals)"),
        )
    } else {
        let invocations = u64::from(schedule.invocations_per_scenario);
        (
            invocations,
            format!(
                "invocations_per_scenario is {invocations} and each shard makes one invocation in {shards} of every scenario"
            ),
        )
    };
    if items < u64::from(shards) {
        return Err(RunError::EmptyShards {
            shards,
            most: items,
            why,
        });
    }
    Ok(())
}

/// Run the experiment's schedule against `clients`. Checks the budget
/// first; writes one raw CSV per run under `<out_dir>/results/`.
pub async fn run(clients: Arc<Clients>, options: RunOptions) -> Result<RunSummary, RunError> {
    let schedule = schedule_of(&options);
    check_budget(&schedule, &options)?;
    let max_calls = own_max_calls(&schedule, &options);
    let max_cost = own_max_cost(&options);
    let shard = options.shard;

    let specs = specs(&options);
    let mut sinks: Vec<Box<dyn RunSink>> = vec![Box::new(ProgressSink::new(options.progress))];
    sinks.extend(options.extra_sinks);
    let reporter = Reporter::start(sinks)?;

    let target = clients.target();
    let time_scale = clients.time_scale();
    let experiment = &options.experiment;
    let facts = options
        .scenarios
        .iter()
        .zip(&specs)
        .map(|(s, spec)| {
            Arc::new(
                ScenarioFacts::new(s, spec, experiment, target, time_scale)
                    .with_prices(Arc::clone(&options.prices)),
            )
        })
        .collect();
    let worst_costs = specs
        .iter()
        .map(|spec| attempt_worst_case(spec, &options.prices))
        .collect();
    let shared = Arc::new(Shared {
        facts,
        specs,
        worst_costs,
        clients,
        invocations: experiment.invocations_per_scenario,
        warmups: experiment.warmup_invocations,
        sleep_between: Duration::from_secs_f64(
            experiment.sleep_between_invocations * time_scale.unwrap_or(1.0),
        ),
        max_retries: experiment.max_retries,
        backoff: options.backoff,
        budget: CallBudget::new(max_calls).with_max_cost(max_cost),
        stop: options.stop.clone(),
        report: reporter.sender(),
        files: RunFiles::new(options.out_dir.join("results"))
            .with_suffix(shard.map(Shard::file_suffix).unwrap_or_default()),
        tally: Tally::default(),
        outcomes: options
            .scenarios
            .iter()
            .map(|s| Mutex::new(ScenarioOutcome::new(s.name.clone(), s.source.clone())))
            .collect(),
        seed: options.seed,
        shard,
        scenarios: options.scenarios,
    });

    shared.report.send(RunEvent::ExperimentStarted {
        planned_calls: schedule.planned_calls(),
        runs: schedule.runs,
        arrivals_s: schedule
            .open
            .as_ref()
            .map(|open| open.expected_duration_s() * f64::from(schedule.runs))
            .filter(|s| s.is_finite()),
    });
    // Tell the sinks (the progress display) when a stop is requested.
    let stop_watcher = tokio::spawn({
        let (stop, report) = (shared.stop.clone(), shared.report.clone());
        async move {
            stop.stopping().await;
            report.send(RunEvent::Stopping { cancelled: false });
            stop.cancelled().await;
            report.send(RunEvent::Stopping { cancelled: true });
        }
    });
    let mut last_run_id = String::new();
    // Every shard's open-loop arrivals in the runs so far.
    let mut arrivals_before = 0u64;
    for index in 0..schedule.runs {
        if shared.must_stop() || shared.tally.budget_exhausted.load(Ordering::SeqCst) {
            break;
        }
        let run = index + 1;
        let run_id = unique_run_id(&last_run_id).await;
        last_run_id.clone_from(&run_id);
        if shared.files.start_run(&run_id).is_err() {
            break;
        }
        shared.report.send(RunEvent::RunStarted {
            run,
            run_id: run_id.clone(),
        });
        let slot = RunSlot {
            facts: Arc::new(RunFacts {
                run_id,
                run,
                started: Instant::now(),
            }),
            queue: Arc::new(Mutex::new(VecDeque::from(schedule.order(index)))),
        };
        if let Some(users) = schedule.open.as_ref().and_then(|plan| plan.concurrency) {
            let plan = schedule.open.as_ref().expect("a concurrent plan");
            users::drive(Arc::clone(&shared), slot, plan, users, index).await;
            let _ = shared.files.finish_run();
            shared.report.send(RunEvent::RunFinished { run });
            continue;
        }
        if let Some(plan) = &schedule.open {
            let plan = match shard {
                Some(shard) => plan.for_shard_run(shard, arrivals_before),
                None => plan.clone(),
            };
            open_loop::dispatch(
                Arc::clone(&shared),
                slot,
                &plan,
                schedule.max_concurrency,
                index,
            )
            .await;
            let _ = shared.files.finish_run();
            shared.report.send(RunEvent::RunFinished { run });
            if shard.is_some() && index + 1 < schedule.runs {
                // Draws the run's arrivals again (every shard's): tens of
                // nanoseconds each, between two runs.
                arrivals_before = arrivals_before.saturating_add(plan.drawn(shared.seed, index));
            }
            continue;
        }
        let mut workers = JoinSet::new();
        for worker in 0..schedule.active_workers() {
            workers.spawn(worker::work(Arc::clone(&shared), slot.clone(), worker));
        }
        while workers.join_next().await.is_some() {}
        let _ = shared.files.finish_run();
        shared.report.send(RunEvent::RunFinished { run });
    }

    stop_watcher.abort();
    let _ = stop_watcher.await;
    let tally = &shared.tally;
    let interrupted = shared.stop.is_stopping();
    let budget_exhausted = tally.budget_exhausted.load(Ordering::SeqCst);
    let budget_refusal = *tally
        .budget_refusal
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let cost = Cost::from_picodollars(tally.cost_picodollars.load(Ordering::SeqCst));
    let charged = shared.budget.spent();
    let overrun = shared.budget.overrun();
    let unpriced_attempts = tally.unpriced.load(Ordering::SeqCst);
    let _ = shared.files.finish_run();
    let write_error = shared.files.error();
    let unwritten_rows = shared.files.unwritten();
    let stop_cause = shared.stop.cause();
    let outcomes: Vec<ScenarioOutcome> = shared
        .outcomes
        .iter()
        .map(|o| o.lock().unwrap_or_else(|p| p.into_inner()).clone())
        .collect();
    let files = shared.files.files();
    let report_failed = shared.report.failed();
    let counts = (
        tally.attempts.load(Ordering::SeqCst),
        tally.successes.load(Ordering::SeqCst),
        tally.failures.load(Ordering::SeqCst),
        tally.throttles.load(Ordering::SeqCst),
    );
    drop(shared);
    let finished = reporter.finish();
    let summary = RunSummary {
        files,
        planned_calls: schedule.planned_calls(),
        attempts: counts.0,
        successes: counts.1,
        failures: counts.2,
        throttles: counts.3,
        interrupted,
        stop_cause: stop_cause.filter(|_| interrupted),
        budget_exhausted,
        budget_refusal,
        cost,
        charged,
        overrun,
        unpriced_attempts,
        unwritten_rows,
        scenarios: outcomes,
    };
    match (write_error, finished) {
        (Some(error), _) | (None, Err(error)) => Err(RunError::Report {
            error,
            summary: Box::new(summary),
        }),
        (None, Ok(())) if report_failed => Err(RunError::Report {
            error: RecordError::SinkFailed,
            summary: Box::new(summary),
        }),
        (None, Ok(())) => Ok(summary),
    }
}

/// A run id from the local time, `YYYYmmdd_HHMMSS`, different from the
/// previous run's (a run of less than a second waits for the next second).
async fn unique_run_id(previous: &str) -> String {
    loop {
        let id = chrono::Local::now().format("%Y%m%d_%H%M%S").to_string();
        if id != previous {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
