//! One worker of the pool: takes scenarios from the run's queue and makes
//! their calls, retrying what may succeed on a second try.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::backoff::Backoff;
use super::budget::CallBudget;
use super::outcome::ScenarioOutcome;
use super::report::{ReportSender, RunEvent};
use super::run_files::RunFiles;
use super::stop::StopSignal;
use crate::call::{CallRecord, CallSpec, timed_converse_stream_cancellable};
use crate::client::Clients;
use crate::config::Scenario;
use crate::export::{RawRow, RowContext};

/// Counters of a whole experiment.
#[derive(Debug, Default)]
pub struct Tally {
    /// Call attempts made.
    pub attempts: AtomicU64,
    /// Successful attempts.
    pub successes: AtomicU64,
    /// Failed attempts (any status but `Success`).
    pub failures: AtomicU64,
    /// Attempts answered with ThrottlingException.
    pub throttles: AtomicU64,
    /// Calls in flight now.
    pub in_flight: AtomicU64,
    /// Set when the call budget refused a call.
    pub budget_exhausted: AtomicBool,
}

impl Tally {
    fn count(&self, record: &CallRecord) {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if record.status.is_success() {
            self.successes.fetch_add(1, Ordering::SeqCst);
        } else {
            self.failures.fetch_add(1, Ordering::SeqCst);
        }
        if record.status.is_throttle() {
            self.throttles.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// What every worker of an experiment shares.
#[derive(Debug)]
pub struct Shared {
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// The request of each scenario.
    pub specs: Vec<CallSpec>,
    /// The row context of each scenario (run and call fields filled per call).
    pub contexts: Vec<RowContext>,
    /// Where calls go.
    pub clients: Arc<Clients>,
    /// Calls per scenario per run.
    pub invocations: u32,
    /// Warm-up calls before each scenario's invocations.
    pub warmups: u32,
    /// Pause between two invocations of a scenario.
    pub sleep_between: Duration,
    /// Retries per invocation.
    pub max_retries: u32,
    /// Backoff between retries.
    pub backoff: Backoff,
    /// The call budget.
    pub budget: CallBudget,
    /// Stop requests.
    pub stop: StopSignal,
    /// Events out.
    pub report: ReportSender,
    /// The raw CSVs.
    pub files: RunFiles,
    /// Counters.
    pub tally: Tally,
    /// How each scenario's attempts went (indexed like `scenarios`).
    pub outcomes: Vec<Mutex<ScenarioOutcome>>,
    /// Seed of the experiment (backoff jitter derives from it).
    pub seed: u64,
}

impl Shared {
    /// Whether no new call may start: a stop request, or recording failed.
    pub fn must_stop(&self) -> bool {
        self.stop.is_stopping() || self.report.failed() || self.files.error().is_some()
    }
}

/// One run as a worker sees it.
#[derive(Debug, Clone)]
pub struct RunSlot {
    /// Run number from 1.
    pub run: u32,
    /// `YYYYmmdd_HHMMSS`.
    pub run_id: String,
    /// When the run started.
    pub started: Instant,
    /// Scenario indices left to take.
    pub queue: Arc<Mutex<VecDeque<usize>>>,
}

/// Sleep until `deadline` unless a stop comes first; false when stopped.
async fn sleep_until_or_stop(deadline: Instant, stop: &StopSignal) -> bool {
    if stop.is_stopping() {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep_until(deadline.into()) => true,
        () = stop.stopping() => false,
    }
}

/// Which call of a scenario an attempt belongs to.
#[derive(Debug, Clone, Copy)]
enum Call {
    /// Warm-up `n` (from 1): recorded, left out of the statistics.
    Warmup(u32),
    /// Invocation `n` (from 1).
    Invocation(u32),
}

impl Call {
    fn invocation_id(self, run: u32, scenario: usize) -> String {
        match self {
            Call::Warmup(n) => format!("r{run}-s{}-w{n}", scenario + 1),
            Call::Invocation(n) => format!("r{run}-s{}-i{n}", scenario + 1),
        }
    }

    fn phase(self) -> &'static str {
        match self {
            Call::Warmup(_) => "warmup",
            Call::Invocation(_) => "run",
        }
    }
}

/// Take scenarios until the queue is empty or a stop is requested.
pub async fn work(shared: Arc<Shared>, slot: RunSlot, worker: u32) {
    let mut rng =
        StdRng::seed_from_u64(shared.seed ^ (u64::from(slot.run) << 32) ^ u64::from(worker));
    let mut free_at = slot.started;
    loop {
        if shared.must_stop() {
            return;
        }
        let next = slot
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front();
        let Some(scenario) = next else {
            return;
        };
        let client = shared.clients.client(&shared.scenarios[scenario].region);
        let calls = (1..=shared.warmups)
            .map(Call::Warmup)
            .chain((1..=shared.invocations).map(Call::Invocation));
        let mut scheduled = free_at;
        for (index, call) in calls.enumerate() {
            if index > 0 && !sleep_until_or_stop(scheduled, &shared.stop).await {
                return;
            }
            let at = Attempts {
                shared: &shared,
                slot: &slot,
                client: &client,
                scenario,
                worker,
                call,
            };
            match at.make(scheduled, &mut rng).await {
                Some(next) => scheduled = next,
                None => return,
            }
        }
        free_at = Instant::now();
    }
}

/// One call of a scenario with its retries.
struct Attempts<'a> {
    shared: &'a Shared,
    slot: &'a RunSlot,
    client: &'a aws_sdk_bedrockruntime::Client,
    scenario: usize,
    worker: u32,
    call: Call,
}

impl Attempts<'_> {
    /// Make the call, retrying what may succeed, each attempt a row. The
    /// next call's scheduled start, or `None` when the worker must stop.
    async fn make(&self, mut scheduled: Instant, rng: &mut StdRng) -> Option<Instant> {
        let shared = self.shared;
        let mut attempt = 1;
        loop {
            if shared.must_stop() {
                return None;
            }
            if !shared.budget.try_take() {
                shared.tally.budget_exhausted.store(true, Ordering::SeqCst);
                return None;
            }
            shared.tally.in_flight.fetch_add(1, Ordering::SeqCst);
            let record = timed_converse_stream_cancellable(
                self.client,
                &shared.specs[self.scenario],
                shared.stop.cancelled(),
            )
            .await;
            shared.tally.in_flight.fetch_sub(1, Ordering::SeqCst);
            shared.tally.count(&record);
            if let Some(outcome) = shared.outcomes.get(self.scenario) {
                outcome
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .count(&record);
            }

            let row = self.row(&record, attempt, scheduled);
            // The row reaches the disk before this worker moves on; a
            // failed write stops the run (see must_stop).
            let _ = shared.files.write(&row);
            shared.report.send(RunEvent::CallFinished(Box::new(row)));

            let end = record.end_at.unwrap_or_else(Instant::now);
            let retry = record.status.is_retryable()
                && attempt <= shared.max_retries
                && !shared.must_stop();
            if !retry {
                return Some(end + shared.sleep_between);
            }
            shared.report.send(RunEvent::RetryScheduled);
            scheduled = end + shared.backoff.delay(attempt, rng);
            if !sleep_until_or_stop(scheduled, &shared.stop).await {
                return None;
            }
            attempt += 1;
        }
    }

    fn row(&self, record: &CallRecord, attempt: u32, scheduled: Instant) -> RawRow {
        let mut context = self.shared.contexts[self.scenario].clone();
        context.run_id.clone_from(&self.slot.run_id);
        context.run_count = self.slot.run;
        context.invocation_id = self.call.invocation_id(self.slot.run, self.scenario);
        context.phase = self.call.phase().to_string();
        context.attempt = attempt;
        context.worker = Some(self.worker);
        context.start_offset_s = Some(
            record
                .t0
                .saturating_duration_since(self.slot.started)
                .as_secs_f64(),
        );
        context.queue_delay_s = Some(record.t0.saturating_duration_since(scheduled).as_secs_f64());
        RawRow::from_call(&context, record)
    }
}
