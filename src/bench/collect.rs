//! Make one scenario's calls for criterion: the warm-up call and one call
//! per sample, each retried on throttling and transient errors, every
//! attempt written to the raw CSV as it ends.

use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::call::{CallRecord, CallSpec, timed_converse_stream_cancellable};
use crate::client::Clients;
use crate::export::{RawCsvWriter, RawRow, RowContext};
use crate::measurement::{CallMetric, Otps, TotalLatency, Ttft};
use crate::runner::{Backoff, CallBudget, StopSignal};

/// What a scenario's collection needs.
#[derive(Debug)]
pub struct Collection<'a> {
    /// Where calls go.
    pub clients: &'a Clients,
    /// The request.
    pub spec: &'a CallSpec,
    /// The region (which client to use).
    pub region: &'a str,
    /// Row fields shared by the scenario's calls (run fields filled in).
    pub context: RowContext,
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
    /// A stop was requested (a signal); calls made so far have their rows.
    #[error("stopped by {cause} before all its calls were made")]
    Stopped {
        /// What asked for the stop.
        cause: &'static str,
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

/// Whether a record gives every criterion measurement a value.
pub fn usable(record: &CallRecord) -> bool {
    Ttft::value(record).is_some()
        && TotalLatency::value(record).is_some()
        && Otps::value(record).is_some()
}

/// Make the calls; successful records in call order.
pub async fn collect(
    job: &Collection<'_>,
    budget: &CallBudget,
    writer: &mut RawCsvWriter,
    run_started: Instant,
) -> Result<Vec<CallRecord>, CollectError> {
    let client = job.clients.client(job.region);
    let mut rng = StdRng::seed_from_u64(job.scenario_index as u64);
    let mut records = Vec::with_capacity(job.calls);
    let mut next_start = Instant::now();
    let stopped = || CollectError::Stopped {
        cause: job.stop.cause().map_or("a stop request", |c| c.name()),
    };
    for call in 1..=job.calls {
        if !sleep_until_or_stop(next_start, job.stop).await {
            return Err(stopped());
        }
        let invocation = if job.warm_up && call == 1 {
            format!("bench-s{}-warmup", job.scenario_index + 1)
        } else {
            format!(
                "bench-s{}-i{}",
                job.scenario_index + 1,
                call - usize::from(job.warm_up)
            )
        };
        let mut attempt = 1;
        loop {
            if job.stop.is_stopping() {
                return Err(stopped());
            }
            if !budget.try_take() {
                return Err(CollectError::Budget {
                    max: budget.max().unwrap_or(0),
                });
            }
            let record =
                timed_converse_stream_cancellable(&client, job.spec, job.stop.cancelled()).await;
            let mut context = job.context.clone();
            context.invocation_id.clone_from(&invocation);
            context.attempt = attempt;
            context.phase = if job.warm_up && call == 1 {
                "warmup"
            } else {
                "sample"
            }
            .to_string();
            context.start_offset_s = Some(
                record
                    .t0
                    .saturating_duration_since(run_started)
                    .as_secs_f64(),
            );
            writer
                .write_row(&RawRow::from_call(&context, &record))
                .map_err(|source| CollectError::Write {
                    path: writer.path().display().to_string(),
                    source,
                })?;
            let end = record.end_at.unwrap_or_else(Instant::now);
            if record.status.is_success() && usable(&record) {
                records.push(record);
                next_start = end + job.sleep_between;
                break;
            }
            // A successful stream without content has no TTFT to give
            // criterion: try again like a transient error.
            let retryable = record.status.is_retryable() || record.status.is_success();
            if !retryable || attempt > job.max_retries {
                let (status, message) = if record.status.is_success() {
                    (
                        "NoContent".to_string(),
                        "the answer had no content delta or no output tokens".to_string(),
                    )
                } else {
                    (
                        record.status.as_str().to_string(),
                        record.error_message.unwrap_or_default(),
                    )
                };
                return Err(CollectError::CallFailed {
                    call,
                    attempts: attempt,
                    status,
                    message,
                });
            }
            let retry_at = end + job.backoff.delay(attempt, &mut rng);
            if !sleep_until_or_stop(retry_at, job.stop).await {
                return Err(stopped());
            }
            attempt += 1;
        }
    }
    Ok(records)
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
