//! Make one scenario's calls for criterion: the warm-up call and one call
//! per sample, each through the runner's call loop (retries, budget, stop),
//! every attempt written to the raw CSV as it ends, then handed to the
//! sinks (the progress display).

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::events::BenchSinks;
use crate::call::CallRecord;
use crate::client::Clients;
use crate::measurement::{CallMetric, Otps, TotalLatency, Ttft};
use crate::plan::RequestSource;
use crate::record::{AttemptRecord, Phase, RawCsvWriter, RunFacts, ScenarioFacts};
use crate::runner::{
    AttemptSink, Backoff, CallBudget, CallEnd, CallLoop, Refusal, RunEvent, SinkError, StopSignal,
    Verdict, sleep_until_or_stop,
};
use bedrock_catalog::prices::Cost;

/// What a scenario's collection needs.
#[derive(Debug)]
pub struct Collection<'a> {
    /// Where calls go.
    pub clients: &'a Clients,
    /// The scenario's requests (one drawn per call).
    pub requests: &'a RequestSource,
    /// The worst case of one attempt (`None`: unknown).
    pub worst_cost: Option<Cost>,
    /// What the scenario's calls share.
    pub facts: Arc<ScenarioFacts>,
    /// The run (`cargo bench` is one run).
    pub run: Arc<RunFacts>,
    /// The scenario's index, for invocation ids.
    pub scenario_index: usize,
    /// Successful calls wanted: the warm-up plus one per sample.
    pub calls: usize,
    /// Whether the first call is a warm-up.
    pub warm_up: bool,
    /// Pause between two calls.
    pub sleep_between: Duration,
    /// Retries per call.
    pub max_retries: u32,
    /// Waits between retries.
    pub backoff: Backoff,
    /// Stop requests (signals): no new call once set.
    pub stop: &'a StopSignal,
}

/// Why a scenario could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// A call's request could not be built (a dataset's record could not
    /// be read again).
    #[error("cannot build the request of call {call}: {message}")]
    Request {
        /// Which call (from 1).
        call: usize,
        /// Why.
        message: String,
    },
    /// A call kept failing.
    #[error("call {call} failed {attempts} time(s); last status {status}: {message}")]
    CallFailed {
        /// Which call (from 1).
        call: usize,
        /// Attempts made for it.
        attempts: u32,
        /// The last status.
        status: String,
        /// The last error message.
        message: String,
    },
    /// The call budget ran out.
    #[error("the call budget ({max} calls) is used up")]
    Budget {
        /// The maximum.
        max: u64,
    },
    /// The dollar budget has no room for another attempt's worst case.
    #[error("the dollar budget (${max}) has no room for another call at its worst case")]
    DollarBudget {
        /// The maximum, in dollars.
        max: String,
    },
    /// A call was charged more than its reserved worst case: the budget's
    /// bound no longer held, so the benchmark stopped at once.
    #[error("{0}; the benchmark stopped at once (every call made has its row)")]
    Overrun(String),
    /// A stop was requested (a signal); calls made so far have their rows.
    #[error("stopped by {cause} before all its calls were made")]
    Stopped {
        /// What asked for the stop.
        cause: &'static str,
    },
    /// A sink (the progress display...) failed; every attempt made has
    /// its row.
    #[error("a sink of the calls' events failed: {source}")]
    Sink {
        /// Its error.
        source: SinkError,
    },
    /// A row could not be written.
    #[error(
        "cannot write the raw CSV {path}: {source} (this call has no row; the rows before it are whole)"
    )]
    Write {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Whether a record gives every criterion measurement a value (the time
/// to first token only when the API streams: Converse has none, and its
/// scenarios have no `ttft` benchmark).
pub fn usable(record: &CallRecord, streams: bool) -> bool {
    (!streams || Ttft::value(record).is_some())
        && TotalLatency::value(record).is_some()
        && Otps::value(record).is_some()
}

/// Writes each attempt to the raw CSV, then hands it to the sinks;
/// remembers the first write error.
struct CsvSink<'a> {
    writer: &'a mut RawCsvWriter,
    error: Option<std::io::Error>,
    events: &'a mut BenchSinks,
}

impl AttemptSink for CsvSink<'_> {
    fn record(&mut self, record: &AttemptRecord) -> bool {
        if let Err(error) = self.writer.write(record) {
            self.error = Some(error);
            return false;
        }
        self.events
            .send(&RunEvent::CallFinished(Box::new(record.clone())))
    }

    fn retrying(&mut self) {
        // A sink's failure stops the next attempt (`record`).
        self.events.send(&RunEvent::RetryScheduled);
    }
}

/// Make the calls, handing every attempt to `events` after its row;
/// successful records in call order.
pub async fn collect(
    job: &Collection<'_>,
    budget: &CallBudget,
    writer: &mut RawCsvWriter,
    events: &mut BenchSinks,
) -> Result<Vec<CallRecord>, CollectError> {
    let client = job.clients.caller(&job.facts.region);
    let stopped = || match budget.overrun() {
        Some(overrun) => CollectError::Overrun(overrun.describe()),
        None => CollectError::Stopped {
            cause: job.stop.cause().map_or("a stop request", |c| c.name()),
        },
    };
    let mut rng = StdRng::seed_from_u64(job.scenario_index as u64);
    let mut records = Vec::with_capacity(job.calls);
    let mut next_start = Instant::now();
    let mut sink = CsvSink {
        writer,
        error: None,
        events,
    };
    for call in 1..=job.calls {
        if !sleep_until_or_stop(next_start, job.stop).await {
            return Err(stopped());
        }
        let drawn = job
            .requests
            .draw(call as u64 - 1)
            .map_err(|error| CollectError::Request {
                call,
                message: error.to_string(),
            })?;
        let calls = CallLoop {
            client: &client,
            spec: &drawn.spec,
            budget,
            worst_cost: job.worst_cost,
            stop: job.stop,
            backoff: job.backoff,
            max_retries: job.max_retries,
        };
        let warm_up = job.warm_up && call == 1;
        let (invocation_id, phase) = if warm_up {
            (
                format!("bench-s{}-warmup", job.scenario_index + 1),
                Phase::Warmup,
            )
        } else {
            let n = call - usize::from(job.warm_up);
            (
                format!("bench-s{}-i{n}", job.scenario_index + 1),
                Phase::Sample,
            )
        };
        let make = |record: CallRecord, attempt: u32, _scheduled: Instant| AttemptRecord {
            call: record,
            sent: drawn.sent.clone(),
            scenario: Arc::clone(&job.facts),
            run: Arc::clone(&job.run),
            invocation_id: invocation_id.clone(),
            attempt,
            phase,
            worker: None,
            scheduled: None,
            open_loop: None,
        };
        // A successful stream without content has no TTFT to give
        // criterion: try again like a transient error.
        let judge = |record: &CallRecord| {
            if record.status.is_success() && usable(record, job.facts.api.streams()) {
                Verdict::Done
            } else if record.status.is_retryable() || record.status.is_success() {
                Verdict::Retry
            } else {
                Verdict::Done
            }
        };
        match calls
            .call(next_start, &mut rng, &mut sink, make, judge)
            .await
        {
            CallEnd::Done(record, end) if record.call.status.is_success() => {
                records.push(record.call);
                next_start = end + job.sleep_between;
            }
            CallEnd::Done(record, _) | CallEnd::Failed(record, _) => {
                let (status, message) = if record.call.status.is_success() {
                    (
                        "NoContent".to_string(),
                        "the answer had no content delta or no output tokens".to_string(),
                    )
                } else {
                    (
                        record.call.status.as_str().to_string(),
                        record.call.error_message.clone().unwrap_or_default(),
                    )
                };
                return Err(CollectError::CallFailed {
                    call,
                    attempts: record.attempt,
                    status,
                    message,
                });
            }
            CallEnd::Stopped => {
                return Err(match (sink.error.take(), sink.events.take_error()) {
                    (Some(source), _) => CollectError::Write {
                        path: sink.writer.path().display().to_string(),
                        source,
                    },
                    (None, Some(source)) => CollectError::Sink { source },
                    (None, None) => stopped(),
                });
            }
            CallEnd::BudgetSpent(Refusal::Calls) => {
                return Err(CollectError::Budget {
                    max: budget.max().unwrap_or(0),
                });
            }
            CallEnd::BudgetSpent(Refusal::Overrun) => return Err(stopped()),
            CallEnd::BudgetSpent(Refusal::Dollars) => {
                return Err(CollectError::DollarBudget {
                    max: budget.max_cost().unwrap_or(Cost::ZERO).to_string(),
                });
            }
        }
    }
    Ok(records)
}
