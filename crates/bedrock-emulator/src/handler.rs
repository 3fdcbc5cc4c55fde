//! Answering one request: routing, validation, faults, quota, the prompt
//! cache, and either the event stream (ConverseStream, or
//! InvokeModelWithResponseStream in the family's native events), one JSON
//! answer (Converse, or InvokeModel's native body) or Bedrock's error
//! shape, with its ground truth. CountTokens
//! and the control plane are answered apart (no model call).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use hyper::body::Incoming;

use super::admission;
use super::api_error::ApiError;
use super::api_key::{authorize, scheme_of};
use super::api_request;
use super::body::{EventStream, ResponseBody};
use super::control_plane::{self, ControlOperation};
use super::converse_body::converse_body;
use super::count_tokens;
use super::dialect::Dialect;
use super::faults::Fault;
use super::ground_truth::GroundTruthRecord;
use super::guardrail_timing::{apply as apply_guardrail, blocked_word};
use super::model_rules;
use super::native::{self, Native};
use super::plan::{ReasoningAsk, StreamPlan, plan};
use super::profile::ModelProfile;
use super::profile_set::base_model_id;
use super::profiles_route::{is_profiles_request, profiles_response};
use super::quota::InFlightSlot;
use super::rate_quota::Exceeded;
use super::request::{ConverseRequest, Operation, parse_body, route};
use super::request_body::{BodyError, read_body};
use super::state::Shared;
use super::stats::{is_stats_request, stats_response};
use super::wire::Wire;
use bedrock_catalog::{ModelInfo, PerformanceConfig, Reasoning, ServiceTier};

/// Answer one request: an event stream, or Bedrock's error shape.
pub async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Response<ResponseBody> {
    let received = Instant::now();
    let dialect = Dialect::of_path(request.uri().path());
    if is_stats_request(request.method(), request.uri().path()) {
        return stats_response(&shared, request.uri().query());
    }
    if is_profiles_request(request.method(), request.uri().path()) {
        return profiles_response(&shared);
    }
    if let Some(routed) = control_plane::route(request.method(), request.uri().path()) {
        return answer_control_plane(&shared, routed, &request);
    }
    if let Some(model_id) = count_tokens::route(request.method(), request.uri().path()) {
        let (_, request_id) = shared.request_rng();
        return match count_tokens::answer(&shared, model_id, request, received).await {
            Ok(json) => json_response(json, &request_id),
            Err(error) => error_response(&error, &request_id, Dialect::Bedrock),
        };
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
        body_complete_s: None,
        headers_written_s: None,
        first_delta_written_s: None,
        last_frame_written_s: None,
        max_frame_lateness_s: None,
        planned_ttft_s: None,
        planned_total_s: None,
        operation: Operation::ConverseStream.as_str().to_string(),
        requested_tier: None,
        served_tier: None,
        cache_read_input_tokens: 0,
        cache_write_input_tokens: 0,
        reasoning_tokens: 0,
        reasoning_s: None,
        tool_use_blocks: 0,
        auth: None,
        guardrail: String::new(),
        guardrail_mode: String::new(),
        guardrail_delay_ms: 0.0,
    };
    let mut pending = PendingRecord {
        shared: Arc::clone(&shared),
        record,
        armed: true,
    };
    match prepare(
        &shared,
        request,
        received,
        &mut rng,
        &mut pending,
        &request_id,
    )
    .await
    {
        Ok(Answer::Converse {
            plan,
            slot,
            started,
            wire,
        }) => {
            let response =
                answer_converse(&shared, *plan, started, &mut pending, &request_id, &wire).await;
            drop(slot);
            response
        }
        Ok(Answer::Stream(stream)) => {
            let served = served_headers(stream.plan());
            let native = matches!(stream.wire(), Wire::Native(_));
            let sse = stream.wire().is_sse();
            let mut response = Response::new(ResponseBody::Stream(stream));
            let headers = response.headers_mut();
            let content_type = if sse {
                headers.insert(
                    http::header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                );
                "text/event-stream; charset=utf-8"
            } else {
                "application/vnd.amazon.eventstream"
            };
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static(content_type),
            );
            if native {
                headers.insert(
                    "X-Amzn-Bedrock-Content-Type",
                    HeaderValue::from_static("application/json"),
                );
                insert_all(headers, served);
            }
            insert_request_id(headers, &request_id);
            response
        }
        Err((error, answer_at)) => {
            if let Some(answer_at) = answer_at {
                shared.timer.sleep_until(answer_at).await;
            }
            let mut record = pending.hand_over();
            record.http_status = error.status.as_u16();
            record.outcome = error.error_type.to_string();
            record.headers_written_s = Some(shared.seconds_since_start(Instant::now()));
            shared.ground_truth.push(record);
            error_response(&error, &request_id, dialect)
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

/// An error and, for the faults drawn from a profile, when it is answered
/// (the profile's `response_headers_s` after the request was complete).
type Refusal = (ApiError, Option<Instant>);

/// What an admitted request gets.
enum Answer {
    /// ConverseStream, InvokeModelWithResponseStream, or a streamed Chat
    /// Completions or Messages answer: the stream (it owns the record and
    /// the slot, and knows its wire).
    Stream(Box<EventStream>),
    /// Converse, InvokeModel, or an unstreamed Chat Completions or
    /// Messages answer: the plan, answered in one body at its end.
    Converse {
        /// The plan.
        plan: Box<StreamPlan>,
        /// The quota slot, held until the answer is sent.
        slot: InFlightSlot,
        /// The plan's clock zero: the request's body was complete.
        started: Instant,
        /// The body's format.
        wire: Wire,
    },
}

/// The response headers of InvokeModel and InvokeModelWithResponseStream
/// that echo the served performance configuration and service tier, when
/// the request asked for them.
fn served_headers(plan: &StreamPlan) -> Vec<(&'static str, String)> {
    let mut headers = Vec::new();
    if let Some(served) = plan.served {
        headers.push((
            "X-Amzn-Bedrock-PerformanceConfig-Latency",
            served.as_str().to_string(),
        ));
    }
    if let Some(tier) = plan.served_tier {
        headers.push(("X-Amzn-Bedrock-Service-Tier", tier.as_str().to_string()));
    }
    headers
}

/// Insert each `(name, value)` whose value is a valid header value.
fn insert_all(headers: &mut http::HeaderMap, pairs: Vec<(&'static str, String)>) {
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// Answer a Converse request (or InvokeModel, Chat Completions or
/// Messages without streaming, as `wire` says): wait for the plan's end
/// (or its exception), counted from `started`, then send the whole
/// answer (or the error) and push the record.
async fn answer_converse(
    shared: &Arc<Shared>,
    plan: StreamPlan,
    started: Instant,
    pending: &mut PendingRecord,
    request_id: &str,
    wire: &Wire,
) -> Response<ResponseBody> {
    let (at_s, error) = match &plan.exception {
        Some(exception) if exception.fault == Fault::ThrottleMidStream => (
            exception.at_s,
            Some(ApiError::throttling(
                "Too many requests, please wait before trying again.",
            )),
        ),
        Some(exception) => (
            exception.at_s,
            Some(ApiError::model_error(
                "The model encountered an error while processing the request. Retry your request.",
            )),
        ),
        None => (plan.end_at_s, None),
    };
    let deadline = shared.deadline(started, at_s);
    shared.timer.sleep_until(deadline).await;
    let now = Instant::now();
    let mut record = pending.hand_over();
    record.headers_written_s = Some(shared.seconds_since_start(now));
    record.last_frame_written_s = record.headers_written_s;
    record.max_frame_lateness_s = Some(now.saturating_duration_since(deadline).as_secs_f64());
    if let Some(error) = error {
        record.http_status = error.status.as_u16();
        record.outcome = error.error_type.to_string();
        record.served_performance = None;
        shared.ground_truth.push(record);
        return error_response(&error, request_id, wire.dialect());
    }
    let latency_ms = (shared.scaled(plan.end_at_s).as_secs_f64() * 1000.0).round() as u64;
    let body = match wire {
        Wire::Converse => converse_body(&plan, latency_ms),
        Wire::Native(native) | Wire::Messages(native) => {
            native.invoke_body(&plan).to_string().into_bytes()
        }
        Wire::Chat(chat) => chat.completion_body(&plan).to_string().into_bytes(),
    };
    record.outcome = "complete".into();
    record.output_tokens = plan.output_tokens;
    shared.ground_truth.push(record);
    let mut response = Response::new(ResponseBody::Full(Some(Bytes::from(body))));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if matches!(wire, Wire::Native(_)) {
        let mut pairs = vec![
            (
                "X-Amzn-Bedrock-Input-Token-Count",
                plan.input_tokens.to_string(),
            ),
            (
                "X-Amzn-Bedrock-Output-Token-Count",
                plan.output_tokens.to_string(),
            ),
            ("X-Amzn-Bedrock-Invocation-Latency", latency_ms.to_string()),
        ];
        pairs.extend(served_headers(&plan));
        insert_all(headers, pairs);
    }
    insert_request_id(headers, request_id);
    response
}

/// How the model reasons for this request: extended thinking when the
/// request enables it, always for models that always reason.
fn reasoning_ask(request: &ConverseRequest, info: Option<&ModelInfo>) -> Option<ReasoningAsk> {
    match (request.thinking_budget, info.map(|i| i.reasoning)) {
        (Some(budget), _) => Some(ReasoningAsk {
            budget: Some(budget),
            signed: true,
        }),
        (None, Some(Reasoning::Always)) => Some(ReasoningAsk {
            budget: None,
            signed: false,
        }),
        _ => None,
    }
}

async fn prepare(
    shared: &Arc<Shared>,
    request: Request<Incoming>,
    received: Instant,
    rng: &mut rand::rngs::StdRng,
    pending: &mut PendingRecord,
    request_id: &str,
) -> Result<Answer, Refusal> {
    let record = &mut pending.record;
    let immediate = |e: ApiError| (e, None);
    let (parts, body) = request.into_parts();
    let routed = route(&parts.method, parts.uri.path());
    if let Ok((model_id, operation)) = &routed {
        record.model_id = model_id.clone();
        record.operation = operation.as_str().to_string();
    }
    // The body is read before any answer, error or not (see request_body).
    let body = match read_body(
        &parts.headers,
        parts.version,
        body,
        &shared.bodies,
        received,
    )
    .await
    {
        Err(BodyError {
            error,
            incomplete: Some(fault),
        }) => {
            // The request never arrived whole: nothing else can be said of it.
            record.faults.push(fault.as_str().into());
            return Err(immediate(error));
        }
        read => read.map_err(|e| e.error),
    };
    // The request is whole: the model's clock starts now, as Bedrock's does
    // (a slow upload is the client's time, not the model's).
    let started = Instant::now();
    record.body_complete_s = body.is_ok().then(|| shared.seconds_since_start(started));
    let (model_id, operation) = routed.map_err(immediate)?;
    // The Messages route reads an API key from `x-api-key` too.
    let x_api_key = operation == Operation::Messages;
    record.auth = scheme_of(&parts.headers, x_api_key).map(|s| s.as_str().to_string());
    authorize(&parts.headers, &shared.api_keys, x_api_key).map_err(immediate)?;
    let body = body.map_err(immediate)?;
    let (model, converse, wire, streams) = if operation.is_api() {
        // The model is named in the body: it is read first.
        let api = api_request::parse(operation, &body.bytes, &parts.headers, request_id)
            .map_err(immediate)?;
        record.model_id = api.converse.model_id.clone();
        let model = lookup_model(shared, &api.converse.model_id).map_err(immediate)?;
        (model, api.converse, api.wire, api.streams)
    } else {
        let model = lookup_model(shared, &model_id).map_err(immediate)?;
        if operation.is_native() {
            let (converse, family) =
                native::parse(model_id, &body.bytes, &parts.headers).map_err(immediate)?;
            let wire = Wire::Native(Native::new(family, &converse.model_id, request_id));
            (model, converse, wire, operation.streams())
        } else {
            let converse = parse_body(model_id, &body.bytes).map_err(immediate)?;
            (model, converse, Wire::Converse, operation.streams())
        }
    };
    // Its bytes leave the body buffer now.
    drop(body);
    record.requested_performance = converse.latency.map(|l| l.as_str().to_string());
    record.requested_tier = converse.service_tier.map(|t| t.as_str().to_string());
    let info = bedrock_catalog::model(&converse.model_id);
    model_rules::check(&converse, info).map_err(immediate)?;

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
    let fault_delay = Some(shared.deadline(started, requested_profile.response_headers_s));
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
    let tier = converse.service_tier.unwrap_or(ServiceTier::Default);
    let limit = model.tiers.limit_for(tier, model.max_in_flight);
    let Some(slot) = shared
        .in_flight
        .try_acquire(base_model_id(&converse.model_id), limit)
    else {
        record.faults.push(Fault::QuotaExceeded.as_str().into());
        return Err((
            ApiError::throttling("Too many requests, please wait before trying again."),
            None,
        ));
    };

    let reservation =
        admission::admit(shared, model, &converse, info, tier).map_err(|exceeded| {
            let fault = match exceeded {
                Exceeded::Requests => Fault::RequestsPerMinute,
                Exceeded::Tokens => Fault::TokensPerMinute,
            };
            record.faults.push(fault.as_str().into());
            (ApiError::throttling(exceeded.message()), None)
        })?;
    let cache = admission::use_cache(shared, &converse, info, model.input_token_overhead);
    let mut plan = plan(
        model,
        &converse,
        cache,
        reasoning_ask(&converse, info),
        admission::max_output(&converse, info),
        rng,
    );
    // Before anything records the plan: the ground truth holds the slowed one.
    if let Some(factor) = shared.slow_down_factor(started) {
        plan.slow_down(factor);
    }
    // The guardrail is a service of its own: its checks are not slowed.
    if let Some(guardrail) = &converse.guardrail {
        let blocked = blocked_word(&shared.guardrail_blocked_words, &converse.user_text);
        let timing = shared.guardrail;
        apply_guardrail(
            &mut plan,
            guardrail,
            &timing,
            streams,
            converse.message_chars,
            blocked,
        );
        if let Some(outcome) = &mut plan.guardrail {
            outcome.scale(|s| (shared.scaled(s).as_secs_f64() * 1000.0).round() as u64);
            record.guardrail = guardrail.label();
            record.guardrail_mode = outcome.mode.as_str().to_string();
            record.guardrail_delay_ms = shared.scaled(outcome.delay_s).as_secs_f64() * 1000.0;
        }
    }
    admission::settle(shared, &reservation, model, &converse, &plan);
    record.input_tokens = plan.input_tokens;
    record.served_performance = plan.served.map(|s| s.as_str().to_string());
    let served_tier = if plan.faults.contains(&Fault::ServedAsDefault) {
        ServiceTier::Default
    } else {
        tier
    };
    record.served_tier = Some(served_tier.as_str().to_string());
    record.cache_read_input_tokens = plan.cache.read_tokens;
    record.cache_write_input_tokens = plan.cache.write_tokens;
    record.reasoning_tokens = plan.reasoning_tokens;
    record.reasoning_s = (plan.reasoning_tokens > 0 || plan.signature.is_some())
        .then(|| shared.scaled(plan.reasoning_s).as_secs_f64());
    record.tool_use_blocks = u32::from(plan.tool_use.is_some());
    record.planned_ttft_s = plan
        .first_delta_s()
        .map(|at_s| shared.scaled(at_s).as_secs_f64());
    record.planned_total_s = Some(shared.scaled(plan.end_at_s).as_secs_f64());
    record
        .faults
        .extend(plan.faults.iter().map(|f| f.as_str().to_string()));
    if !streams {
        return Ok(Answer::Converse {
            plan: Box::new(plan),
            slot,
            started,
            wire,
        });
    }
    let headers_at = shared.deadline(started, plan.headers_at_s);
    // From here the stream owns the record (and writes it even if dropped).
    let stream = EventStream::new(
        plan,
        started,
        Arc::clone(shared),
        pending.hand_over(),
        slot,
        rng,
        wire,
    );
    shared.timer.sleep_until(headers_at).await;
    Ok(Answer::Stream(Box::new(stream)))
}

/// The profile serving `model_id`: its own, the generic one when any
/// model is accepted, or the ValidationException for an unknown id.
fn lookup_model<'a>(shared: &'a Shared, model_id: &str) -> Result<&'a ModelProfile, ApiError> {
    match shared.profiles.lookup(model_id) {
        Some(model) => Ok(model),
        None if shared.accept_any_model => Ok(shared.profiles.generic()),
        None => Err(ApiError::validation(
            "The provided model identifier is invalid.",
        )),
    }
}

/// A control-plane request: a JSON answer or an error, with no
/// ground-truth line (it is not a model call).
fn answer_control_plane(
    shared: &Shared,
    routed: Result<ControlOperation, ApiError>,
    request: &Request<Incoming>,
) -> Response<ResponseBody> {
    let (_, request_id) = shared.request_rng();
    let answered = routed.and_then(|operation| {
        authorize(request.headers(), &shared.api_keys, false)?;
        let region = control_plane::region(request.headers());
        control_plane::answer(&operation, &region, request.uri().query())
    });
    match answered {
        Ok(json) => json_response(json, &request_id),
        Err(error) => error_response(&error, &request_id, Dialect::Bedrock),
    }
}

/// A 200 answer with a JSON body.
fn json_response(json: String, request_id: &str) -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody::Full(Some(Bytes::from(json))));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    insert_request_id(headers, request_id);
    response
}

fn insert_request_id(headers: &mut http::HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", value);
    }
}

/// The answer to `error`, in `dialect`'s shape (every dialect keeps
/// Bedrock's `x-amzn-ErrorType` header).
fn error_response(error: &ApiError, request_id: &str, dialect: Dialect) -> Response<ResponseBody> {
    let body = dialect.error_body(error);
    let mut response = Response::new(ResponseBody::Full(Some(Bytes::from(body))));
    *response.status_mut() = dialect.status(error);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(&error.error_type_header()) {
        headers.insert("x-amzn-ErrorType", value);
    }
    insert_request_id(headers, request_id);
    if error.closes_connection {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
