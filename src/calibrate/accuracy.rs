//! Client records joined to the emulator's ground truth by request id: how
//! far the client's TTFT and total latency are from what the server did.

use std::collections::HashMap;

use crate::record::AttemptRecord;
use crate::stats::Summary;
use bedrock_emulator::GroundTruthRecord;

/// Errors of the joined calls, seconds (client minus server).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accuracy {
    /// Successful client rows that found their server record.
    pub joined: usize,
    /// Successful client rows without a server record (should be none).
    pub unmatched: usize,
    /// Client TTFT minus (server first delta written - the instant the
    /// server had the whole request, its plan's clock zero).
    pub ttft_error: Option<Summary>,
    /// Client total latency minus (server last frame written - the same
    /// instant).
    pub total_error: Option<Summary>,
    /// Client queue delay (call start beyond its schedule).
    pub queue_delay: Option<Summary>,
    /// Request path: the server had the whole request (its body read) this
    /// long after the client's t0 (wall clocks of both processes,
    /// microsecond precision).
    pub request_path: Option<Summary>,
    /// Events received: deltas plus the four other events of a text answer.
    pub events: u64,
}

/// Events of a text answer besides its deltas: messageStart,
/// contentBlockStop, messageStop, metadata.
const OTHER_EVENTS: u64 = 4;

/// What the join needs of one attempt: a few numbers, so that keeping
/// every attempt of a level in memory does not weigh on the memory being
/// measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientTiming {
    /// `x-amzn-RequestId`.
    pub request_id: String,
    /// Whether the call succeeded.
    pub success: bool,
    /// Deltas received.
    pub chunk_count: u64,
    /// Queue delay, seconds.
    pub queue_delay: Option<f64>,
    /// Wall-clock t0, seconds since the Unix epoch.
    pub t0_unix_s: Option<f64>,
    /// TTFT, seconds.
    pub ttft: Option<f64>,
    /// Total latency, seconds.
    pub total: Option<f64>,
}

impl From<&AttemptRecord> for ClientTiming {
    fn from(record: &AttemptRecord) -> Self {
        ClientTiming {
            request_id: record.call.request_id.clone().unwrap_or_default(),
            success: record.call.status.is_success(),
            chunk_count: record.call.chunk_count() as u64,
            queue_delay: record.queue_delay(),
            t0_unix_s: record
                .call
                .started_at
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs_f64()),
            ttft: record.call.ttft(),
            total: record.call.total_latency(),
        }
    }
}

/// Join `rows` (one run's attempts) to `truth` and summarize the errors.
pub fn accuracy(
    rows: &[ClientTiming],
    truth: &[GroundTruthRecord],
    epoch_unix_us: u64,
) -> Accuracy {
    let by_id: HashMap<&str, &GroundTruthRecord> =
        truth.iter().map(|r| (r.request_id.as_str(), r)).collect();
    let mut ttft = Vec::with_capacity(rows.len());
    let mut total = Vec::with_capacity(rows.len());
    let mut queue = Vec::with_capacity(rows.len());
    let mut request_path = Vec::with_capacity(rows.len());
    let mut result = Accuracy::default();
    for row in rows.iter().filter(|r| r.success) {
        result.events += row.chunk_count + OTHER_EVENTS;
        if let Some(delay) = row.queue_delay {
            queue.push(delay);
        }
        let Some(server) = by_id.get(row.request_id.as_str()) else {
            result.unmatched += 1;
            continue;
        };
        result.joined += 1;
        // The emulator's clock for a call starts when its request is whole,
        // as the model's does: the upload is on the request path.
        let start = server.plan_start_s();
        if let Some(t0) = row.t0_unix_s {
            let whole = epoch_unix_us as f64 / 1e6 + start;
            request_path.push(whole - t0);
        }
        if let (Some(client), Some(first)) = (row.ttft, server.first_delta_written_s) {
            ttft.push(client - (first - start));
        }
        if let (Some(client), Some(last)) = (row.total, server.last_frame_written_s) {
            total.push(client - (last - start));
        }
    }
    result.ttft_error = Summary::of(&ttft);
    result.total_error = Summary::of(&total);
    result.queue_delay = Summary::of(&queue);
    result.request_path = Summary::of(&request_path);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record whose body was complete 0.05 s after its headers.
    fn truth(id: &str, received: f64, first: f64, last: f64) -> GroundTruthRecord {
        GroundTruthRecord {
            request_id: id.into(),
            model_id: "m".into(),
            requested_performance: None,
            served_performance: None,
            http_status: 200,
            outcome: "complete".into(),
            faults: Vec::new(),
            input_tokens: 1,
            output_tokens: 3,
            deltas_written: 3,
            received_s: received - 0.05,
            body_complete_s: Some(received),
            headers_written_s: Some(received),
            first_delta_written_s: Some(first),
            last_frame_written_s: Some(last),
            max_frame_lateness_s: Some(0.0),
            planned_ttft_s: None,
            planned_total_s: None,
            operation: "converse-stream".into(),
            auth: None,
            requested_tier: None,
            served_tier: None,
            cache_read_input_tokens: 0,
            cache_write_input_tokens: 0,
            reasoning_tokens: 0,
            reasoning_s: None,
            tool_use_blocks: 0,
            guardrail: String::new(),
            guardrail_mode: String::new(),
            guardrail_delay_ms: 0.0,
        }
    }

    fn row(id: &str, ttft: f64, total: f64) -> ClientTiming {
        ClientTiming::from(&record(id, ttft, total))
    }

    fn record(id: &str, ttft: f64, total: f64) -> AttemptRecord {
        use crate::record::{Phase, RunFacts, ScenarioFacts, Target};
        use std::sync::Arc;
        use std::time::Duration;
        let mut call = crate::call::CallRecord::start(3);
        call.request_id = Some(id.into());
        for at in [ttft, ttft + 0.01, ttft + 0.02] {
            call.deltas.push(call.t0 + Duration::from_secs_f64(at));
        }
        call.end_at = Some(call.t0 + Duration::from_secs_f64(total));
        AttemptRecord {
            sent: crate::record::SentRequest::fixed(3),
            scheduled: Some(call.t0 - Duration::from_micros(100)),
            open_loop: None,
            run: Arc::new(RunFacts {
                run_id: "r".into(),
                run: 1,
                started: call.t0,
            }),
            call,
            scenario: Arc::new(ScenarioFacts {
                name: "s".into(),
                model: "m".into(),
                region: "r".into(),
                task_type: "t".into(),
                experiment_name: "e".into(),
                performance_sent: None,
                max_tokens: 3,
                temperature: None,
                top_p: None,
                top_k: None,
                target: Target::Emulator,
                time_scale: None,
                service_tier: None,
                prompt_cache: None,
                cache_ttl: None,
                reasoning_budget_tokens: None,
                tools: None,
                api: bedrock_catalog::Api::ConverseStream,
                endpoint: bedrock_catalog::Endpoint::Runtime,
                guardrail: None,
                prices: Default::default(),
            }),
            invocation_id: id.into(),
            attempt: 1,
            phase: Phase::Run,
            worker: Some(0),
        }
    }

    #[test]
    fn errors_are_client_minus_server_durations() {
        let truth = [truth("a", 10.0, 10.2, 10.5), truth("b", 20.0, 20.1, 20.3)];
        let rows = [
            row("a", 0.2004, 0.5006),
            row("b", 0.1002, 0.3008),
            row("c", 1.0, 2.0),
        ];
        let result = accuracy(&rows, &truth, 0);
        assert_eq!((result.joined, result.unmatched, result.events), (2, 1, 21));
        let ttft = result.ttft_error.expect("ttft errors");
        assert!((ttft.max - 0.0004).abs() < 1e-9 && (ttft.min - 0.0002).abs() < 1e-9);
        let total = result.total_error.expect("total errors");
        assert!((total.max - 0.0008).abs() < 1e-9);
    }

    #[test]
    fn the_server_clock_starts_at_the_body_older_records_at_the_headers() {
        let mut older = truth("a", 10.0, 10.2, 10.5);
        older.received_s = 10.0;
        older.body_complete_s = None;
        let result = accuracy(&[row("a", 0.2004, 0.5006)], &[older], 0);
        let ttft = result.ttft_error.expect("ttft errors");
        assert!((ttft.max - 0.0004).abs() < 1e-9, "{ttft:?}");
        // With the body complete 0.05 s after the headers, the upload is
        // the client's side of the error, not the server's TTFT.
        let result = accuracy(
            &[row("a", 0.2504, 0.5506)],
            &[truth("a", 10.0, 10.2, 10.5)],
            0,
        );
        let ttft = result.ttft_error.expect("ttft errors");
        assert!((ttft.max - 0.0504).abs() < 1e-9, "{ttft:?}");
    }
}
