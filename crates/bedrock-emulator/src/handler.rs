//! Answering one request: routing, validation, faults, quota, and either
//! the event stream or Bedrock's error shape, with its ground truth.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use hyper::body::Incoming;

use super::api_error::ApiError;
use super::body::{EventStream, ResponseBody};
use super::faults::Fault;
use super::ground_truth::GroundTruthRecord;
use super::plan::plan;
use super::profile_set::base_model_id;
use super::request::{authorize, parse_body, route};
use super::request_body::read_body;
use super::state::Shared;
use super::stats::{is_stats_request, stats_response};
use bedrock_catalog::PerformanceConfig;

/// Answer one request: an event stream, or Bedrock's error shape.
pub async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Response<ResponseBody> {
    let received = Instant::now();
    if is_stats_request(request.method(), request.uri().path()) {
        return stats_response(&shared, request.uri().query());
    }
    let (mut rng, request_id) = shared.request_rng();
    let record = GroundTruthRecord {
        request_id: request_id.clone(),
        model_id: String::new(),
        requested_performance: None,
        served_performance: None,
        http_status: 200,
        outcome: String::new(),
        faults: Vec::new(),
        input_tokens: 0,
        output_tokens: 0,
        deltas_written: 0,
        received_s: shared.seconds_since_start(received),
        headers_written_s: None,
        first_delta_written_s: None,
        last_frame_written_s: None,
        max_frame_lateness_s: None,
        planned_ttft_s: None,
        planned_total_s: None,
    };
    let mut pending = PendingRecord {
        shared: Arc::clone(&shared),
        record,
        armed: true,
    };
    match prepare(&shared, request, received, &mut rng, &mut pending).await {
        Ok(stream) => {
            let mut response = Response::new(ResponseBody::Stream(Box::new(stream)));
            let headers = response.headers_mut();
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.amazon.eventstream"),
            );
            insert_request_id(headers, &request_id);
            response
        }
        Err((error, delay)) => {
            if let Some(delay) = delay {
                shared.timer.sleep_until(received + delay).await;
            }
            let mut record = pending.hand_over();
            record.http_status = error.status.as_u16();
            record.outcome = error.error_type.to_string();
            record.headers_written_s = Some(shared.seconds_since_start(Instant::now()));
            shared.ground_truth.push(record);
            error_response(&error, &request_id)
        }
    }
}

/// A request's ground truth until its response takes it over. If the
/// request is dropped first (the client went away while its body was read
/// or a delayed error was pending, or the emulator stopped), the record is
/// still written, as `client_disconnected` or `shutdown`: one record per
/// request, always.
struct PendingRecord {
    shared: Arc<Shared>,
    record: GroundTruthRecord,
    armed: bool,
}

impl PendingRecord {
    /// Take the record over: whoever gets it now pushes it.
    fn hand_over(&mut self) -> GroundTruthRecord {
        self.armed = false;
        self.record.clone()
    }
}

impl Drop for PendingRecord {
    fn drop(&mut self) {
        if self.armed {
            let mut record = self.record.clone();
            record.outcome = if self.shared.is_shutting_down() {
                "shutdown".into()
            } else {
                "client_disconnected".into()
            };
            record.served_performance = None;
            record.http_status = 0;
            self.shared.ground_truth.push(record);
        }
    }
}

/// An error and, for the faults drawn from a profile, how long after the
/// request's arrival it is answered.
type Refusal = (ApiError, Option<Duration>);

async fn prepare(
    shared: &Arc<Shared>,
    request: Request<Incoming>,
    received: Instant,
    rng: &mut rand::rngs::StdRng,
    pending: &mut PendingRecord,
) -> Result<EventStream, Refusal> {
    let record = &mut pending.record;
    let immediate = |e: ApiError| (e, None);
    let (parts, body) = request.into_parts();
    let routed = route(&parts.method, parts.uri.path());
    if let Ok(model_id) = &routed {
        record.model_id = model_id.clone();
    }
    // The body is read before any answer, error or not (see request_body).
    let body = read_body(&parts.headers, body, shared.max_body_bytes).await;
    let model_id = routed.map_err(immediate)?;
    authorize(&parts.headers).map_err(immediate)?;
    let body = body.map_err(immediate)?;
    let model = match shared.profiles.lookup(&model_id) {
        Some(model) => model,
        None if shared.accept_any_model => shared.profiles.generic(),
        None => {
            return Err(immediate(ApiError::validation(
                "The provided model identifier is invalid.",
            )));
        }
    };
    let converse = parse_body(model_id, &body).map_err(immediate)?;
    record.requested_performance = converse.latency.map(|l| l.as_str().to_string());

    let requested_profile = match (converse.latency, &model.optimized) {
        (Some(PerformanceConfig::Optimized), Some(optimized)) => optimized,
        (Some(PerformanceConfig::Optimized), None) => {
            return Err(immediate(ApiError::validation(format!(
                "The model {} does not support latency-optimized inference (performanceConfig.latency = optimized). Use standard or another model.",
                converse.model_id
            ))));
        }
        _ => &model.standard,
    };
    let fault_delay = Some(shared.scaled(requested_profile.response_headers_s));
    match requested_profile.faults.draw_before_stream(rng) {
        Some(Fault::ThrottleBeforeStream) => {
            record
                .faults
                .push(Fault::ThrottleBeforeStream.as_str().into());
            return Err((
                ApiError::throttling("Too many requests, please wait before trying again."),
                fault_delay,
            ));
        }
        Some(Fault::ServiceUnavailable) => {
            record
                .faults
                .push(Fault::ServiceUnavailable.as_str().into());
            return Err((
                ApiError::service_unavailable(
                    "The service is temporarily unable to handle the request. Retry your request.",
                ),
                fault_delay,
            ));
        }
        _ => {}
    }
    let Some(slot) = shared
        .in_flight
        .try_acquire(base_model_id(&converse.model_id), model.max_in_flight)
    else {
        record.faults.push(Fault::QuotaExceeded.as_str().into());
        return Err((
            ApiError::throttling("Too many requests, please wait before trying again."),
            None,
        ));
    };

    let plan = plan(model, &converse, rng);
    record.input_tokens = plan.input_tokens;
    record.served_performance = plan.served.map(|s| s.as_str().to_string());
    record.planned_ttft_s = plan
        .chunks
        .first()
        .map(|c| shared.scaled(c.at_s).as_secs_f64());
    record.planned_total_s = Some(shared.scaled(plan.end_at_s).as_secs_f64());
    record
        .faults
        .extend(plan.faults.iter().map(|f| f.as_str().to_string()));
    let headers_at = shared.deadline(received, plan.headers_at_s);
    // From here the stream owns the record (and writes it even if dropped).
    let stream = EventStream::new(
        plan,
        received,
        Arc::clone(shared),
        pending.hand_over(),
        slot,
        rng,
    );
    shared.timer.sleep_until(headers_at).await;
    Ok(stream)
}

fn insert_request_id(headers: &mut http::HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", value);
    }
}

fn error_response(error: &ApiError, request_id: &str) -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody::Full(Some(Bytes::from(error.body()))));
    *response.status_mut() = error.status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(&error.error_type_header()) {
        headers.insert("x-amzn-ErrorType", value);
    }
    insert_request_id(headers, request_id);
    if error.status == StatusCode::PAYLOAD_TOO_LARGE {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
