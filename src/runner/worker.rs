//! One worker of the pool: takes scenarios from the run's queue and makes
//! their calls, retrying what may succeed on a second try.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::call_loop::{CallEnd, CallLoop, Verdict, sleep_until_or_stop};
use super::session::{SessionEnd, SessionPlace, run_session};
use super::shared::{PlannedCall, Shared, WorkerSink};
use super::sizing::exact_length;
use crate::call::CallRecord;
use crate::plan::shard;
use crate::record::{AttemptRecord, Phase, RunFacts};

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
        let client = shared.clients.caller(&shared.scenarios[scenario].region);
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
    client: &crate::call::Caller,
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
    let (drawn, worst_cost) = exact_length(shared, &client.sdk, scenario, drawn).await;
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
