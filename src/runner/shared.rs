//! What every worker of an experiment shares (the scenarios, their
//! requests, the budgets, the files, the counters) and where their
//! attempts go: used by the closed loop's workers, the open loop, the
//! concurrent users and a conversation's sessions.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::backoff::Backoff;
use super::budget::{CallBudget, Refusal};
use super::call_loop::AttemptSink;
use super::outcome::ScenarioOutcome;
use super::record_error::RecordError;
use super::report::{ReportSender, RunEvent};
use super::run_files::RunFiles;
use super::stop::StopSignal;
use crate::call::CallRecord;
use crate::client::Clients;
use crate::config::{Scenario, TraceReplay};
use crate::plan::shard::Shard;
use crate::plan::{DrawnRequest, RequestSource, SessionDraw};
use crate::record::{AttemptRecord, ScenarioFacts};

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
    /// Set when a budget refused a call.
    pub budget_exhausted: AtomicBool,
    /// Which budget refused first.
    pub budget_refusal: Mutex<Option<Refusal>>,
    /// What the attempts cost, where known, in picodollars.
    pub cost_picodollars: AtomicU64,
    /// Attempts with usage whose cost is unknown.
    pub unpriced: AtomicU64,
}

impl Tally {
    /// A budget refused a call: no new call starts.
    pub(super) fn refused(&self, refusal: Refusal) {
        self.budget_exhausted.store(true, Ordering::SeqCst);
        self.budget_refusal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(refusal);
    }

    fn count_cost(&self, record: &AttemptRecord) {
        match record.cost() {
            Some(cost) => {
                self.cost_picodollars
                    .fetch_add(cost.picodollars(), Ordering::SeqCst);
            }
            None if record.call.usage.is_some() => {
                self.unpriced.fetch_add(1, Ordering::SeqCst);
            }
            None => {}
        }
    }

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

/// One planned call of a scenario: a request, or a conversation's
/// session of several turns.
#[derive(Debug, Clone)]
pub enum PlannedCall {
    /// One request.
    One(DrawnRequest),
    /// A session.
    Session(Box<SessionDraw>),
}

/// What every worker of an experiment shares.
#[derive(Debug)]
pub struct Shared {
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// Where each scenario's requests come from.
    pub requests: Vec<RequestSource>,
    /// The trace replayed (`arrival` `trace`).
    pub trace: Option<TraceReplay>,
    /// The facts of each scenario's calls.
    pub facts: Vec<Arc<ScenarioFacts>>,
    /// The worst case of one attempt of each scenario (`None`: unknown).
    pub worst_costs: Vec<Option<bedrock_catalog::prices::Cost>>,
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
    pub budget: Arc<CallBudget>,
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
    /// This process makes this shard's share of the experiment; `None`:
    /// all of it.
    pub shard: Option<Shard>,
}

impl Shared {
    /// The request of `scenario`'s call number `number`; `None` (the run
    /// stopping, with the reason kept as its error) when it cannot be
    /// built.
    pub fn draw(&self, scenario: usize, number: u64) -> Option<DrawnRequest> {
        match self.requests[scenario].draw(number) {
            Ok(drawn) => Some(drawn),
            Err(error) => {
                self.files.stop_with(RecordError::Request {
                    scenario: self.scenarios[scenario].name.clone(),
                    message: error.to_string(),
                });
                None
            }
        }
    }

    /// The call number `number` of `scenario`: one request, or a
    /// conversation's session; `None` (the run stopping, with the reason
    /// kept as its error) when it cannot be built.
    pub fn plan_call(&self, scenario: usize, number: u64) -> Option<PlannedCall> {
        let Some(session) = self.requests[scenario].session(number) else {
            return self.draw(scenario, number).map(PlannedCall::One);
        };
        match session {
            Ok(session) => Some(PlannedCall::Session(Box::new(session))),
            Err(error) => {
                self.files.stop_with(RecordError::Request {
                    scenario: self.scenarios[scenario].name.clone(),
                    message: error.to_string(),
                });
                None
            }
        }
    }

    /// The request of a replayed trace's record `record` for `scenario`
    /// (`None` when no trace is replayed or it has no such record).
    pub fn replay(&self, scenario: usize, record: u32) -> Option<DrawnRequest> {
        let replay = self.trace.as_ref()?;
        let record = replay.trace.records().get(record as usize)?;
        Some(self.requests[scenario].for_trace(record))
    }

    /// Whether no new call may start: a stop request, or recording failed.
    pub fn must_stop(&self) -> bool {
        self.stop.is_stopping() || self.report.failed() || self.files.error().is_some()
    }
}

/// Where a worker's attempts go: the counters, the raw CSV, the sinks.
pub(super) struct WorkerSink<'a> {
    pub(super) shared: &'a Shared,
    pub(super) scenario: usize,
}

impl AttemptSink for WorkerSink<'_> {
    fn record(&mut self, record: &AttemptRecord) -> bool {
        let shared = self.shared;
        shared.tally.count(&record.call);
        shared.tally.count_cost(record);
        if let Some(outcome) = shared.outcomes.get(self.scenario) {
            outcome
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .count(&record.call);
        }
        // The row reaches the disk before this worker moves on; a failed
        // write stops the run (see must_stop).
        let _ = shared.files.write(record);
        shared
            .report
            .send(RunEvent::CallFinished(Box::new(record.clone())));
        !shared.must_stop()
    }

    fn retrying(&mut self) {
        self.shared.report.send(RunEvent::RetryScheduled);
    }
}
