//! One session of a conversation: its turns in order, each sending the
//! conversation so far with the model's real earlier answers, after the
//! think time drawn for it. Each turn is one logical call (retried like
//! any call of its loop), recorded with its session, turn and context
//! length, and reserves the exact worst case of what it sends. A turn
//! that fails, or answers no text, ends its session.

use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;

use super::call_loop::{CallEnd, CallLoop, Verdict, sleep_until_or_stop};
use super::shared::{Shared, WorkerSink};
use crate::call::CallRecord;
use crate::plan::{SessionDraw, attempt_worst_case};
use crate::record::{AttemptRecord, OpenLoopTimes, Phase, RunFacts};
use crate::workload::dataset::{Role, Turn};

/// Where a session's rows come from.
pub(super) struct SessionPlace<'a> {
    /// What every worker shares.
    pub shared: &'a Shared,
    /// The run.
    pub run: &'a Arc<RunFacts>,
    /// The client of the scenario's region.
    pub client: &'a crate::call::Caller,
    /// The scenario's index.
    pub scenario: usize,
    /// The session's id: its first turn's invocation id.
    pub session_id: String,
    /// What its calls are for.
    pub phase: Phase,
    /// The worker making it (closed loop).
    pub worker: Option<u32>,
    /// The open loop's schedule of its first turn.
    pub open_loop: Option<OpenLoopTimes>,
    /// Retries per turn.
    pub max_retries: u32,
}

/// How a session ended.
pub(super) enum SessionEnd {
    /// Its last turn ended at this instant (done or failed).
    Ended(Instant),
    /// A stop, a sink or a budget ended it (the cause is already tallied).
    Stopped,
}

/// Make the turns of `session`, the first due at `scheduled`.
pub(super) async fn run_session(
    place: &SessionPlace<'_>,
    session: SessionDraw,
    scheduled: Instant,
    rng: &mut StdRng,
) -> SessionEnd {
    let shared = place.shared;
    let prices = Arc::clone(&shared.facts[place.scenario].prices);
    let turns = session.turns();
    let mut spec = (*session.first.spec).clone();
    let mut sent = session.first.sent.clone();
    let mut follow_ups = session.follow_ups.into_iter();
    let mut think = session.think.into_iter();
    let mut scheduled = scheduled;
    for turn in 1..=turns {
        spec.keep_answer = turn < turns;
        sent.turn = Some(turn);
        sent.session_id = Some(place.session_id.clone());
        sent.context_tokens = Some(spec.context_tokens());
        let calls = CallLoop {
            client: place.client,
            spec: &spec,
            budget: &shared.budget,
            worst_cost: attempt_worst_case(&spec, &prices),
            stop: &shared.stop,
            backoff: shared.backoff,
            max_retries: place.max_retries,
        };
        let invocation_id = format!("{}-t{turn}", place.session_id);
        let open_loop = place.open_loop.filter(|_| turn == 1);
        let make = |record: CallRecord, attempt: u32, scheduled: Instant| AttemptRecord {
            call: record,
            sent: sent.clone(),
            scenario: Arc::clone(&shared.facts[place.scenario]),
            run: Arc::clone(place.run),
            invocation_id: invocation_id.clone(),
            attempt,
            phase: place.phase,
            worker: place.worker,
            scheduled: Some(scheduled),
            open_loop,
        };
        let judge = |record: &CallRecord| {
            if record.status.is_retryable() {
                Verdict::Retry
            } else {
                Verdict::Done
            }
        };
        let mut sink = WorkerSink {
            shared,
            scenario: place.scenario,
        };
        let (record, end) = match calls.call(scheduled, rng, &mut sink, make, judge).await {
            CallEnd::Done(record, end) => (record, end),
            CallEnd::Failed(_, end) => return SessionEnd::Ended(end),
            CallEnd::Stopped => return SessionEnd::Stopped,
            CallEnd::BudgetSpent(refusal) => {
                shared.tally.refused(refusal);
                return SessionEnd::Stopped;
            }
        };
        let answer = record.call.answer;
        if !record.call.status.is_success() || answer.trim().is_empty() {
            return SessionEnd::Ended(end);
        }
        let Some(next) = follow_ups.next() else {
            return SessionEnd::Ended(end);
        };
        let user = std::mem::replace(&mut spec.user_text, next);
        spec.history.push(Turn {
            role: Role::User,
            text: user,
        });
        spec.history.push(Turn {
            role: Role::Assistant,
            text: answer,
        });
        scheduled = end + think.next().unwrap_or_default();
        if !sleep_until_or_stop(scheduled, &shared.stop).await {
            return SessionEnd::Stopped;
        }
    }
    // Every turn returns above; a session has at least one.
    SessionEnd::Ended(Instant::now())
}
