//! One logical call with its retries: the loop that `run`'s workers,
//! `cargo bench` and `calibrate` all use. Each attempt takes a call from
//! the budget (and reserves its worst case of dollars), is timed (cancellable by the stop signal), becomes an
//! [`AttemptRecord`] and is handed to the caller's sink before anything
//! else happens; the caller's judge then says whether it is done, worth
//! retrying (after a backoff) or failed.

use std::time::Instant;

use rand::rngs::StdRng;

use super::backoff::Backoff;
use super::budget::{CallBudget, Refusal};
use super::stop::{StopCause, StopSignal};
use crate::call::{CallRecord, CallSpec, timed_call_cancellable};
use crate::plan::charged;
use crate::record::AttemptRecord;
use bedrock_catalog::prices::Cost;

/// What the caller makes of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The call is done (successfully or not, as the caller sees it).
    Done,
    /// Worth another attempt, if retries remain.
    Retry,
}

/// Where attempts go as they end.
pub trait AttemptSink {
    /// Record one attempt (its row must be written before this returns).
    /// `false` stops the loop: recording failed, or the caller must stop.
    fn record(&mut self, record: &AttemptRecord) -> bool;

    /// A retry was scheduled.
    fn retrying(&mut self) {}
}

/// How a logical call ended.
#[derive(Debug)]
pub enum CallEnd {
    /// The judge said done; the last attempt and when it ended.
    Done(Box<AttemptRecord>, Instant),
    /// Retries were exhausted (or not allowed) on an attempt the judge
    /// wanted to retry; the last attempt and when it ended.
    Failed(Box<AttemptRecord>, Instant),
    /// A stop was requested (a signal), or the sink asked to stop.
    Stopped,
    /// A budget refused the attempt (the call budget is spent, or the
    /// attempt's worst case would pass the dollar budget): it was not
    /// made.
    BudgetSpent(Refusal),
}

/// The settings of the loop.
#[derive(Debug)]
pub struct CallLoop<'a> {
    /// The client to call.
    pub client: &'a crate::call::Caller,
    /// The request.
    pub spec: &'a CallSpec,
    /// The budgets (every attempt takes one call and reserves its worst
    /// case of dollars).
    pub budget: &'a CallBudget,
    /// The worst case of one attempt (`None`: unknown, refused under a
    /// dollar budget).
    pub worst_cost: Option<Cost>,
    /// Stop requests: no new attempt once stopping; a cancel ends the call
    /// in flight.
    pub stop: &'a StopSignal,
    /// Waits between retries.
    pub backoff: Backoff,
    /// Retries after the first attempt.
    pub max_retries: u32,
}

impl CallLoop<'_> {
    /// Make one logical call, due at `scheduled`. `make` turns each timed
    /// call (with its attempt number and scheduled start) into a record;
    /// `judge` decides what an attempt means.
    pub async fn call(
        &self,
        scheduled: Instant,
        rng: &mut StdRng,
        sink: &mut impl AttemptSink,
        make: impl Fn(CallRecord, u32, Instant) -> AttemptRecord,
        judge: impl Fn(&CallRecord) -> Verdict,
    ) -> CallEnd {
        let mut scheduled = scheduled;
        let mut attempt = 1;
        loop {
            if self.stop.is_stopping() {
                return CallEnd::Stopped;
            }
            if let Err(refusal) = self.budget.try_take_costing(self.worst_cost) {
                return CallEnd::BudgetSpent(refusal);
            }
            let call = timed_call_cancellable(self.client, self.spec, self.stop.cancelled()).await;
            let record = make(call, attempt, scheduled);
            let overrun = self
                .budget
                .settle(self.worst_cost, charged(&record, self.worst_cost));
            if overrun.is_some() {
                // The worst case was wrong: end the run now, before another
                // call can spend on a bound that no longer holds.
                self.stop.cancel_because(StopCause::BudgetOverrun);
            }
            if !sink.record(&record) || overrun.is_some() {
                return CallEnd::Stopped;
            }
            let end = record.call.end_at.unwrap_or_else(Instant::now);
            match judge(&record.call) {
                Verdict::Done => return CallEnd::Done(Box::new(record), end),
                Verdict::Retry if attempt <= self.max_retries && !self.stop.is_stopping() => {
                    sink.retrying();
                    scheduled = end + self.backoff.delay(attempt, rng);
                    if !sleep_until_or_stop(scheduled, self.stop).await {
                        return CallEnd::Stopped;
                    }
                    attempt += 1;
                }
                Verdict::Retry => return CallEnd::Failed(Box::new(record), end),
            }
        }
    }
}

/// Sleep until `deadline` unless a stop comes first; false when stopped.
pub async fn sleep_until_or_stop(deadline: Instant, stop: &StopSignal) -> bool {
    if stop.is_stopping() {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep_until(deadline.into()) => true,
        () = stop.stopping() => false,
    }
}
