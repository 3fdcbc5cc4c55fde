//! The timed call: one request through the scenario's API
//! (ConverseStream, Converse, InvokeModelWithResponseStream with the
//! family's native body, the OpenAI-compatible Chat Completions API or
//! Anthropic's Messages API), every event's arrival instant, and what the
//! service reported.
//!
//! Timing discipline: `t0` is taken immediately before `send()`; each
//! instant is taken immediately after `send()` or `recv()` returns, and
//! nothing happens in between (no logging, no formatting, no allocation
//! beyond pushing onto a vector reserved in advance). Durations are derived
//! later by [`CallRecord`]'s methods.

mod anthropic_messages;
mod converse;
mod count;
mod http_api;
mod invoke_stream;
mod json_document;
mod native_body;
mod openai_chat;
mod record;
pub(crate) mod redact;
mod spec;
mod sse;
mod sse_call;
mod status;

use std::future::Future;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::ContentBlockDelta;
use aws_sdk_bedrockruntime::types::ConverseStreamOutput as Event;
use bedrock_catalog::Api;

pub use crate::axes::CacheState;
pub use anthropic_messages::{ANTHROPIC_VERSION, timed_anthropic_messages_cancellable};
pub use converse::timed_converse_cancellable;
pub use count::{
    CountError, Counted, MAX_SIZING_ROUNDS, count_input_tokens, counts_tokens, sized_prompt,
    sized_synthetic_prompt,
};
pub use http_api::{BEARER_TOKEN_ENV, HttpApi, HttpAuth, HttpBase};
pub use invoke_stream::timed_invoke_stream_cancellable;
pub use native_body::native_body;
pub use openai_chat::{chat_body, timed_openai_chat_cancellable};
pub use record::{CallRecord, DeltaKind, DeltaKinds, Usage};
pub use spec::{CallSpec, RequestParts, fresh_marker, takes_top_k, top_k_fields};
pub use status::{
    CallStatus, classify_count_error, classify_error, classify_send_error, classify_stream_error,
};

/// Upper bound on the delta instants reserved up front.
const MAX_RESERVED_DELTAS: usize = 1 << 16;

/// What calls are made through: the SDK client (ConverseStream,
/// Converse, InvokeModelWithResponseStream) and the client of the APIs
/// the SDK has no operation for, sharing one region, target and
/// authentication.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The Bedrock Runtime SDK client.
    pub sdk: Client,
    /// The OpenAI-compatible and Anthropic Messages APIs' client.
    pub http: Arc<HttpApi>,
}

/// Make one call through `spec`'s API (`spec.variant.api`) and record
/// when everything arrived; ended early as [`CallStatus::Cancelled`]
/// when `cancel` completes. See [`timed_converse_stream_cancellable`] for
/// the contract every API keeps: `t0` immediately before the request is
/// sent, TTFT at the first content delta, never a panic.
pub async fn timed_call_cancellable<C>(caller: &Caller, spec: &CallSpec, cancel: C) -> CallRecord
where
    C: Future<Output = ()>,
{
    let client = &caller.sdk;
    match spec.variant.api {
        Api::ConverseStream => timed_converse_stream_cancellable(client, spec, cancel).await,
        Api::Converse => timed_converse_cancellable(client, spec, cancel).await,
        Api::InvokeStream => timed_invoke_stream_cancellable(client, spec, cancel).await,
        Api::OpenAiChat => timed_openai_chat_cancellable(caller, spec, cancel).await,
        Api::AnthropicMessages => timed_anthropic_messages_cancellable(caller, spec, cancel).await,
    }
}

/// [`timed_call_cancellable`] without cancellation.
pub async fn timed_call(caller: &Caller, spec: &CallSpec) -> CallRecord {
    timed_call_cancellable(caller, spec, std::future::pending()).await
}

/// Make one ConverseStream call and record when everything arrived.
///
/// Never panics and never returns an error: a failed call is a record whose
/// `status` names the error and which keeps every instant it reached. The
/// call's deadline is `spec.timeout` after `t0`; when it passes, the record
/// ends with [`CallStatus::Timeout`].
pub async fn timed_converse_stream(client: &Client, spec: &CallSpec) -> CallRecord {
    timed_converse_stream_cancellable(client, spec, std::future::pending()).await
}

/// [`timed_converse_stream`], ended early as [`CallStatus::Cancelled`]
/// (keeping its partial timings) when `cancel` completes. The call's own
/// futures are always polled first, so cancellation never delays an
/// instant.
pub async fn timed_converse_stream_cancellable<C>(
    client: &Client,
    spec: &CallSpec,
    cancel: C,
) -> CallRecord
where
    C: Future<Output = ()>,
{
    let mut cancel = std::pin::pin!(cancel);
    let parts = spec.to_request_parts();
    let request = client
        .converse_stream()
        .model_id(spec.model_id.clone())
        .set_messages(Some(parts.messages))
        .set_system(parts.system)
        .inference_config(parts.inference)
        .set_performance_config(parts.performance)
        .set_additional_model_request_fields(parts.additional_fields)
        .set_service_tier(parts.service_tier)
        .set_tool_config(parts.tool_config)
        .set_guardrail_config(
            spec.variant
                .guardrail
                .as_ref()
                .map(self::spec::sdk_guardrail_stream),
        );
    let mut record = CallRecord::start(reserved_deltas(spec));

    record.started_at = SystemTime::now();
    record.t0 = Instant::now();
    let mut expiry = std::pin::pin!(deadline(record.t0, spec));
    let (sent, at) = wait(request.send(), &mut expiry, &mut cancel).await;

    let mut output = match sent {
        Wait::Done(Ok(output)) => {
            record.response_at = Some(at);
            record.request_id = output.request_id().map(str::to_string);
            output
        }
        Wait::Done(Err(error)) => {
            record.request_id = error.request_id().map(str::to_string);
            let (status, message) = classify_send_error(&error);
            return ended(record, at, status, message);
        }
        Wait::Timeout => return interrupted(record, at, spec, true, BEFORE_RESPONSE),
        Wait::Cancelled => return interrupted(record, at, spec, false, BEFORE_RESPONSE),
    };

    let mut saw_metadata = false;
    loop {
        let (event, at) = wait(output.stream.recv(), &mut expiry, &mut cancel).await;
        match event {
            Wait::Done(Ok(Some(Event::ContentBlockDelta(event)))) => {
                record.deltas.push(at);
                record.delta_kinds.note(delta_kind(event.delta()), at);
                // After the instant: a conversation's answer, kept to be
                // sent back next turn.
                if spec.keep_answer
                    && let Some(ContentBlockDelta::Text(text)) = event.delta()
                {
                    record.answer.push_str(text);
                }
            }
            Wait::Done(Ok(Some(Event::ContentBlockStart(start)))) => {
                if start.start().is_some_and(|start| start.is_tool_use()) {
                    record.delta_kinds.tool_use_blocks += 1;
                }
            }
            Wait::Done(Ok(Some(Event::MessageStart(_)))) => record.message_start_at = Some(at),
            Wait::Done(Ok(Some(Event::MessageStop(stop)))) => {
                record.stop_reason = Some(stop.stop_reason().as_str().to_string());
            }
            Wait::Done(Ok(Some(Event::Metadata(metadata)))) => {
                saw_metadata = true;
                if let Some(usage) = metadata.usage() {
                    record.usage = Some(Usage {
                        input_tokens: non_negative(usage.input_tokens()),
                        output_tokens: non_negative(usage.output_tokens()),
                        total_tokens: non_negative(usage.total_tokens()),
                        cache_read_input_tokens: usage.cache_read_input_tokens().map(non_negative),
                        cache_write_input_tokens: usage
                            .cache_write_input_tokens()
                            .map(non_negative),
                    });
                }
                record.server_latency_ms = metadata.metrics().map(|m| m.latency_ms());
                record.served_performance = metadata
                    .performance_config()
                    .map(|p| p.latency().as_str().to_string());
                record.served_service_tier = metadata
                    .service_tier()
                    .map(|tier| tier.r#type().as_str().to_string());
            }
            Wait::Done(Ok(Some(_))) => {}
            Wait::Done(Ok(None)) => {
                record.end_at = Some(at);
                if !saw_metadata {
                    record.status = CallStatus::Error("IncompleteStream".into());
                    record.error_message = Some(
                        "the event stream ended before its metadata event (no usage was reported)"
                            .into(),
                    );
                }
                return record;
            }
            Wait::Done(Err(error)) => {
                let (status, message) = classify_stream_error(&error);
                return ended(record, at, status, message);
            }
            Wait::Timeout => return mid_stream(record, at, spec, true),
            Wait::Cancelled => return mid_stream(record, at, spec, false),
        }
    }
}

/// The kind of a delta (`None`: an empty delta, counted as other).
fn delta_kind(delta: Option<&ContentBlockDelta>) -> DeltaKind {
    match delta {
        Some(ContentBlockDelta::Text(_)) => DeltaKind::Text,
        Some(ContentBlockDelta::ReasoningContent(_)) => DeltaKind::Reasoning,
        Some(ContentBlockDelta::ToolUse(_)) => DeltaKind::ToolUse,
        Some(ContentBlockDelta::Citation(_)) => DeltaKind::Citation,
        _ => DeltaKind::Other,
    }
}

/// The deltas reserved up front for `spec`'s answer.
fn reserved_deltas(spec: &CallSpec) -> usize {
    (spec.max_tokens as usize)
        .saturating_add(2)
        .min(MAX_RESERVED_DELTAS)
}

/// The call's deadline: `spec.timeout` after `t0`, one timer registered
/// once for the whole call (not once per event).
fn deadline(t0: Instant, spec: &CallSpec) -> tokio::time::Sleep {
    tokio::time::sleep_until(tokio::time::Instant::from_std(t0 + spec.timeout))
}

/// Wait for `future` unless the call's deadline passes or the caller
/// cancels first, and the instant the wait ended, taken as it ends.
/// `future` is polled first, so that neither delays an instant.
async fn wait<T, C>(
    future: impl Future<Output = T>,
    expiry: &mut std::pin::Pin<&mut tokio::time::Sleep>,
    cancel: &mut std::pin::Pin<&mut C>,
) -> (Wait<T>, Instant)
where
    C: Future<Output = ()>,
{
    let waited = tokio::select! {
        biased;
        done = future => Wait::Done(done),
        () = expiry.as_mut() => Wait::Timeout,
        () = cancel.as_mut() => Wait::Cancelled,
    };
    (waited, Instant::now())
}

/// What a wait for the SDK ended with.
enum Wait<T> {
    /// The SDK's future completed.
    Done(T),
    /// The call's deadline passed first.
    Timeout,
    /// The caller cancelled first.
    Cancelled,
}

/// When an interrupted wait for the response happened, in its message.
const BEFORE_RESPONSE: &str = "before the response arrived";

/// Close a record whose wait did not complete, `when` (after `t0`): its
/// deadline passed (`timed_out`) or the caller cancelled.
fn interrupted(
    record: CallRecord,
    at: Instant,
    spec: &CallSpec,
    timed_out: bool,
    when: &str,
) -> CallRecord {
    if timed_out {
        let message = timeout_message(spec, when);
        ended(record, at, CallStatus::Timeout, message)
    } else {
        ended(
            record,
            at,
            CallStatus::Cancelled,
            format!("cancelled {when}"),
        )
    }
}

/// [`interrupted`] during the stream, after the deltas received so far.
fn mid_stream(record: CallRecord, at: Instant, spec: &CallSpec, timed_out: bool) -> CallRecord {
    let when = format!("after {} content deltas", record.deltas.len());
    interrupted(record, at, spec, timed_out, &when)
}

/// Close a record at `at` with `status`.
fn ended(mut record: CallRecord, at: Instant, status: CallStatus, message: String) -> CallRecord {
    record.end_at = Some(at);
    record.status = status;
    record.error_message = Some(message);
    record
}

fn non_negative(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn timeout_message(spec: &CallSpec, when: &str) -> String {
    format!(
        "the call exceeded its timeout of {:.3} s {when}",
        spec.timeout.as_secs_f64()
    )
}
