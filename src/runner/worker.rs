//! One worker of the pool: takes scenarios from the run's queue and makes
//! their calls, retrying what may succeed on a second try.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::backoff::Backoff;
use super::budget::{CallBudget, Refusal};
use super::call_loop::{AttemptSink, CallEnd, CallLoop, Verdict, sleep_until_or_stop};
use super::outcome::ScenarioOutcome;
use super::record_error::RecordError;
use super::report::{ReportSender, RunEvent};
use super::run_files::RunFiles;
use super::session::{SessionEnd, SessionPlace, run_session};
use super::sizing::exact_length;
use super::stop::StopSignal;
use crate::call::CallRecord;
use crate::client::Clients;
use crate::config::{Scenario, TraceReplay};
use crate::plan::shard::{self, Shard};
use crate::plan::{DrawnRequest, RequestSource, SessionDraw};
use crate::record::{AttemptRecord, Phase, RunFacts, ScenarioFacts};

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

/// One run as a worker sees it.
#[derive(Debug, Clone)]
pub struct RunSlot {
    /// The run's number, id and start.
    pub facts: Arc<RunFacts>,
    /// Scenario indices left to take.
    pub queue: Arc<Mutex<VecDeque<usize>>>,
}

/// Which call of a scenario an attempt belongs to.
#[derive(Debug, Clone, Copy)]
enum Call {
    /// Warm-up `n` (from 1; a shard's come after the earlier shards'):
    /// recorded, left out of the statistics.
    Warmup(u32),
    /// Invocation `n` (from 1), numbered as in the whole experiment, so
    /// that a shard's ids never repeat another shard's.
    Invocation(u32),
}

impl Call {
    fn invocation_id(self, run: u32, scenario: usize) -> String {
        match self {
            Call::Warmup(n) => format!("r{run}-s{}-w{n}", scenario + 1),
            Call::Invocation(n) => format!("r{run}-s{}-i{n}", scenario + 1),
        }
    }

    /// The call's number among its scenario's calls (see
    /// `plan::RequestSource`): each run's warm-ups, then its invocations.
    fn number(self, run: u32, warmups: u32, invocations: u32) -> u64 {
        let per_run = u64::from(warmups) + u64::from(invocations);
        let position = match self {
            Call::Warmup(n) => u64::from(n) - 1,
            Call::Invocation(n) => u64::from(warmups) + u64::from(n) - 1,
        };
        u64::from(run.saturating_sub(1)) * per_run + position
    }

    fn phase(self) -> Phase {
        match self {
            Call::Warmup(_) => Phase::Warmup,
            Call::Invocation(_) => Phase::Run,
        }
    }
}

/// Take scenarios until the queue is empty or a stop is requested.
pub async fn work(shared: Arc<Shared>, slot: RunSlot, worker: u32) {
    let run = slot.facts.run;
    let seed = shard::own_seed(shared.shard, shared.seed);
    let mut rng = StdRng::seed_from_u64(seed ^ (u64::from(run) << 32) ^ u64::from(worker));
    let mut free_at = slot.facts.started;
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
        // A shard's own warm-ups, then its share of the invocations.
        let calls = shard::warmups(shared.shard, shared.warmups)
            .map(Call::Warmup)
            .chain(shard::invocations(shared.shard, shared.invocations).map(Call::Invocation));
        let mut scheduled = free_at;
        for (index, call) in calls.enumerate() {
            if index > 0 && !sleep_until_or_stop(scheduled, &shared.stop).await {
                return;
            }
            match make_call(
                &shared, &slot, &client, scenario, worker, call, scheduled, &mut rng,
            )
            .await
            {
                Some(next) => scheduled = next,
                None => return,
            }
        }
        free_at = Instant::now();
    }
}

/// One call of a scenario with its retries; the next call's scheduled
/// start, or `None` when the worker must stop.
#[allow(clippy::too_many_arguments)]
async fn make_call(
    shared: &Shared,
    slot: &RunSlot,
    client: &aws_sdk_bedrockruntime::Client,
    scenario: usize,
    worker: u32,
    call: Call,
    scheduled: Instant,
    rng: &mut StdRng,
) -> Option<Instant> {
    let number = call.number(slot.facts.run, shared.warmups, shared.invocations);
    let drawn = match shared.plan_call(scenario, number)? {
        PlannedCall::One(drawn) => drawn,
        PlannedCall::Session(session) => {
            let place = SessionPlace {
                shared,
                run: &slot.facts,
                client,
                scenario,
                session_id: call.invocation_id(slot.facts.run, scenario),
                phase: call.phase(),
                worker: Some(worker),
                open_loop: None,
                max_retries: shared.max_retries,
            };
            return match run_session(&place, *session, scheduled, rng).await {
                SessionEnd::Ended(end) => Some(end + shared.sleep_between),
                SessionEnd::Stopped => None,
            };
        }
    };
    let (drawn, worst_cost) = exact_length(shared, client, scenario, drawn).await;
    let calls = CallLoop {
        client,
        spec: &drawn.spec,
        budget: &shared.budget,
        worst_cost,
        stop: &shared.stop,
        backoff: shared.backoff,
        max_retries: shared.max_retries,
    };
    let invocation_id = call.invocation_id(slot.facts.run, scenario);
    let make = |record: CallRecord, attempt: u32, scheduled: Instant| AttemptRecord {
        call: record,
        sent: drawn.sent.clone(),
        scenario: Arc::clone(&shared.facts[scenario]),
        run: Arc::clone(&slot.facts),
        invocation_id: invocation_id.clone(),
        attempt,
        phase: call.phase(),
        worker: Some(worker),
        scheduled: Some(scheduled),
        open_loop: None,
    };
    let judge = |record: &CallRecord| {
        if record.status.is_retryable() {
            Verdict::Retry
        } else {
            Verdict::Done
        }
    };
    let mut sink = WorkerSink { shared, scenario };
    match calls.call(scheduled, rng, &mut sink, make, judge).await {
        CallEnd::Done(_, end) | CallEnd::Failed(_, end) => Some(end + shared.sleep_between),
        CallEnd::Stopped => None,
        CallEnd::BudgetSpent(refusal) => {
            shared.tally.refused(refusal);
            None
        }
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
