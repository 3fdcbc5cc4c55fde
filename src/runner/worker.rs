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
        let mut scheduled = free_at;
        for invocation in 1..=shared.invocations {
            if invocation > 1 && !sleep_until_or_stop(scheduled, &shared.stop).await {
                return;
            }
            let mut attempt = 1;
            loop {
                if shared.must_stop() {
                    return;
                }
                if !shared.budget.try_take() {
                    shared.tally.budget_exhausted.store(true, Ordering::SeqCst);
                    return;
                }
                shared.tally.in_flight.fetch_add(1, Ordering::SeqCst);
                let record = timed_converse_stream_cancellable(
                    &client,
                    &shared.specs[scenario],
                    shared.stop.cancelled(),
                )
                .await;
                shared.tally.in_flight.fetch_sub(1, Ordering::SeqCst);
                shared.tally.count(&record);

                let mut context = shared.contexts[scenario].clone();
                context.run_id.clone_from(&slot.run_id);
                context.run_count = slot.run;
                context.invocation_id = format!("r{}-s{}-i{}", slot.run, scenario + 1, invocation);
                context.attempt = attempt;
                context.worker = Some(worker);
                context.start_offset_s = Some(
                    record
                        .t0
                        .saturating_duration_since(slot.started)
                        .as_secs_f64(),
                );
                context.queue_delay_s =
                    Some(record.t0.saturating_duration_since(scheduled).as_secs_f64());
                let row = RawRow::from_call(&context, &record);
                // The row reaches the disk before this worker moves on; a
                // failed write stops the run (see must_stop).
                let _ = shared.files.write(&row);
                shared.report.send(RunEvent::CallFinished(Box::new(row)));

                let end = record.end_at.unwrap_or_else(Instant::now);
                let retry = record.status.is_retryable()
                    && attempt <= shared.max_retries
                    && !shared.must_stop();
                if !retry {
                    scheduled = end + shared.sleep_between;
                    break;
                }
                shared.report.send(RunEvent::RetryScheduled);
                scheduled = end + shared.backoff.delay(attempt, &mut rng);
                if !sleep_until_or_stop(scheduled, &shared.stop).await {
                    return;
                }
                attempt += 1;
            }
        }
        free_at = Instant::now();
    }
}
