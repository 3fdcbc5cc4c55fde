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
//! With a shard (`--shard I/N`), the process makes its share of that
//! experiment: the shards together make every call of it once, within its
//! budgets. What is made, when, and within which budgets is the
//! [`Plan`](crate::plan::Plan), built before the run; the runner executes
//! it.

mod backoff;
mod budget;
mod call_loop;
mod live_sink;
mod open_loop;
mod outcome;
mod progress;
mod record_error;
mod report;
mod run_files;
mod session;
mod shared;
mod signals;
mod sizing;
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
pub use backoff::Backoff;
pub use budget::{CallBudget, Overrun, Refusal};
pub use call_loop::{AttemptSink, CallEnd, CallLoop, Verdict, sleep_until_or_stop};
pub use live_sink::LiveSink;
pub use open_loop::precise_sleep_until;
pub use outcome::ScenarioOutcome;
pub use progress::{PROGRESS_ENV, ProgressMode, ProgressSink, progress_sink};
pub use record_error::{RecordError, SinkError};
pub use report::{ReportSender, Reporter, RunEvent, RunSink};
pub use run_files::RunFiles;
pub use signals::{STOP_GRACE, watch_stop_signals};
pub use stop::{StopCause, StopSignal};

use crate::client::Clients;
use crate::plan::{Plan, PlanError, Shard};
use crate::record::{RunFacts, ScenarioFacts};
use bedrock_catalog::prices::Cost;
use shared::{Shared, Tally};
use worker::RunSlot;

/// How a run is carried out, besides its plan: where its files go, the
/// progress display, stop requests, more sinks, the retry backoff.
pub struct RunControls {
    /// Report root: raw CSVs go to `<out_dir>/results/`.
    pub out_dir: PathBuf,
    /// Waits between retries.
    pub backoff: Backoff,
    /// Progress display.
    pub progress: ProgressMode,
    /// Stop requests (Ctrl-C).
    pub stop: StopSignal,
    /// More sinks for the run's events.
    pub extra_sinks: Vec<Box<dyn RunSink>>,
}

impl RunControls {
    /// Files under `out_dir`, the default backoff, no progress display, a
    /// stop signal of its own, no other sink.
    pub fn new(out_dir: impl Into<PathBuf>) -> RunControls {
        RunControls {
            out_dir: out_dir.into(),
            backoff: Backoff::default(),
            progress: ProgressMode::Off,
            stop: StopSignal::new(),
            extra_sinks: Vec::new(),
        }
    }

    /// With this progress display.
    pub fn progress(mut self, progress: ProgressMode) -> Self {
        self.progress = progress;
        self
    }

    /// With this stop signal (shared with a signal handler, a sweep...).
    pub fn stop(mut self, stop: StopSignal) -> Self {
        self.stop = stop;
        self
    }

    /// With this backoff between retries.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// With one more sink for the run's events.
    pub fn sink(mut self, sink: Box<dyn RunSink>) -> Self {
        self.extra_sinks.push(sink);
        self
    }
}

impl std::fmt::Debug for RunControls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunControls")
            .field("out_dir", &self.out_dir)
            .field("progress", &self.progress)
            .field("extra_sinks", &self.extra_sinks.len())
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
    /// The plan does not fit its budgets (or cannot be split as asked).
    #[error(transparent)]
    Plan(#[from] PlanError),
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

/// Execute `plan` against `clients`: refused before any call when the
/// plan does not fit its budgets; one raw CSV per run under
/// `<out_dir>/results/`.
pub async fn run(
    clients: Arc<Clients>,
    plan: &Plan,
    controls: RunControls,
) -> Result<RunSummary, RunError> {
    plan.check()
        .map_err(|error| RunError::Plan(error.clone()))?;
    let schedule = &plan.schedule;
    let shard = plan.shard;
    let options = controls;
    let budget = Arc::new(CallBudget::new(plan.own_max_calls).with_max_cost(plan.own_max_cost));
    let mut sinks = vec![progress_sink(options.progress, Some(Arc::clone(&budget)))];
    sinks.extend(options.extra_sinks);
    let reporter = Reporter::start(sinks)?;

    let target = clients.target();
    let time_scale = clients.time_scale();
    let experiment = &plan.experiment;
    let facts = plan
        .scenarios
        .iter()
        .zip(&plan.requests)
        .map(|(s, requests)| {
            Arc::new(
                ScenarioFacts::new(s, requests.base(), experiment, target, time_scale)
                    .with_prices(Arc::clone(&plan.prices)),
            )
        })
        .collect();
    let shared = Arc::new(Shared {
        facts,
        requests: plan.requests.clone(),
        trace: experiment.load.trace.clone(),
        worst_costs: plan.worst_costs.clone(),
        clients,
        invocations: experiment.invocations_per_scenario,
        warmups: experiment.warmup_invocations,
        sleep_between: experiment.sleep_between_at(time_scale),
        max_retries: experiment.max_retries,
        backoff: options.backoff,
        budget,
        stop: options.stop.clone(),
        report: reporter.sender(),
        files: RunFiles::new(options.out_dir.join("results"))
            .with_suffix(shard.map(Shard::file_suffix).unwrap_or_default()),
        tally: Tally::default(),
        outcomes: plan
            .scenarios
            .iter()
            .map(|s| Mutex::new(ScenarioOutcome::new(s.name.clone(), s.source.clone())))
            .collect(),
        seed: plan.seed,
        shard,
        scenarios: plan.scenarios.clone(),
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
        let id = crate::timestamps::local_stamp();
        if id != previous {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
