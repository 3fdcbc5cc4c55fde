//! The timed InvokeModelWithResponseStream call: the model family's
//! native body (see [`super::native_body`]), and every `chunk` event's
//! arrival instant. Each chunk's bytes are the family's native event; a
//! content delta (Anthropic's `content_block_delta`, Nova's
//! `contentBlockDelta`, a Llama chunk with `generation` text) counts as a
//! delta at its chunk's instant, so TTFT means the same as for
//! ConverseStream. The last chunk's `amazon-bedrock-invocationMetrics`
//! gives the usage and the service's own timings (first byte and whole
//! invocation), recorded beside the client's.
//!
//! The instant is taken as `recv()` returns; the chunk is parsed after.

use std::future::Future;
use std::time::{Instant, SystemTime};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{PerformanceConfigLatency, ResponseStream, Trace};
use bedrock_catalog::Family;
use serde_json::Value;

use super::native_body::native_body;
use super::spec::sdk_service_tier_type;
use super::status::classify_error;
use super::{
    BEFORE_RESPONSE, CallRecord, CallSpec, CallStatus, DeltaKind, Usage, Wait, deadline, ended,
    interrupted, mid_stream, reserved_deltas, wait,
};
use crate::config::PerformanceConfig;

/// The key of the invocation metrics in a native chunk.
const METRICS: &str = "amazon-bedrock-invocationMetrics";

/// Make one InvokeModelWithResponseStream call; see
/// [`super::timed_call_cancellable`].
pub async fn timed_invoke_stream_cancellable<C>(
    client: &Client,
    spec: &CallSpec,
    cancel: C,
) -> CallRecord
where
    C: Future<Output = ()>,
{
    let mut cancel = std::pin::pin!(cancel);
    let family = Family::of(&spec.model_id);
    let Some(mut body) = native_body(spec) else {
        let mut record = CallRecord::start(0);
        record.end_at = Some(record.t0);
        record.status = CallStatus::Error("UnsupportedApi".into());
        record.error_message = Some(format!(
            "{} has no native body here: InvokeModelWithResponseStream is built for Anthropic, Amazon Nova, Meta Llama, Mistral and DeepSeek models; give the scenario an `invoke_body` for any other",
            spec.model_id
        ));
        return record;
    };
    let guardrail = spec.variant.guardrail.as_ref();
    if let (Some(guardrail), Value::Object(fields)) = (guardrail, &mut body)
        && guardrail.mode == bedrock_catalog::GuardrailMode::Async
    {
        // The stream mode is a body field here (Amazon Bedrock User Guide,
        // "Use a guardrail with streaming"), spelled as InvokeModel spells it.
        fields.insert(
            "amazon-bedrock-guardrailConfig".into(),
            serde_json::json!({"streamProcessingMode": guardrail.mode.invoke_name()}),
        );
    }
    let request = client
        .invoke_model_with_response_stream()
        .set_guardrail_identifier(guardrail.map(|g| g.id.clone()))
        .set_guardrail_version(guardrail.map(|g| g.version.clone()))
        .set_trace(guardrail.map(|g| match g.trace {
            crate::config::GuardrailTrace::Disabled => Trace::Disabled,
            crate::config::GuardrailTrace::Enabled => Trace::Enabled,
            crate::config::GuardrailTrace::EnabledFull => Trace::EnabledFull,
        }))
        .model_id(spec.model_id.clone())
        .content_type("application/json")
        .accept("application/json")
        .body(Blob::new(body.to_string().into_bytes()))
        .set_performance_config_latency(spec.performance.map(|p| match p {
            PerformanceConfig::Standard => PerformanceConfigLatency::Standard,
            PerformanceConfig::Optimized => PerformanceConfigLatency::Optimized,
        }))
        .set_service_tier(spec.variant.service_tier.map(sdk_service_tier_type));
    let mut record = CallRecord::start(reserved_deltas(spec));
    record.started_at = SystemTime::now();
    record.t0 = Instant::now();
    let mut expiry = std::pin::pin!(deadline(record.t0, spec));
    let (sent, at) = wait(request.send(), &mut expiry, &mut cancel).await;
    let mut output = match sent {
        Wait::Done(Ok(output)) => {
            record.response_at = Some(at);
            record.request_id = output.request_id().map(str::to_string);
            record.served_performance = output
                .performance_config_latency()
                .map(|p| p.as_str().to_string());
            record.served_service_tier = output.service_tier().map(|t| t.as_str().to_string());
            output
        }
        Wait::Done(Err(error)) => {
            record.request_id = error.request_id().map(str::to_string);
            let (status, message) = classify_error(&error);
            return ended(record, at, status, message);
        }
        Wait::Timeout => return interrupted(record, at, spec, true, BEFORE_RESPONSE),
        Wait::Cancelled => return interrupted(record, at, spec, false, BEFORE_RESPONSE),
    };
    loop {
        let (event, at) = wait(output.body.recv(), &mut expiry, &mut cancel).await;
        match event {
            Wait::Done(Ok(Some(ResponseStream::Chunk(part)))) => {
                let chunk = part
                    .bytes()
                    .and_then(|bytes| serde_json::from_slice::<Value>(bytes.as_ref()).ok());
                match chunk {
                    Some(chunk) => read_chunk(family, &chunk, at, spec.keep_answer, &mut record),
                    None => {
                        return ended(
                            record,
                            at,
                            CallStatus::Error("MalformedChunk".into()),
                            "a chunk of the stream is not a JSON object".into(),
                        );
                    }
                }
            }
            Wait::Done(Ok(Some(_))) => {}
            Wait::Done(Ok(None)) => {
                record.end_at = Some(at);
                if record.usage.is_none() {
                    record.status = CallStatus::Error("IncompleteStream".into());
                    record.error_message = Some(
                        "the stream ended without its invocation metrics (no usage was reported)"
                            .into(),
                    );
                }
                return record;
            }
            Wait::Done(Err(error)) => {
                let (status, message) = classify_error(&error);
                return ended(record, at, status, message);
            }
            Wait::Timeout => return mid_stream(record, at, spec, true),
            Wait::Cancelled => return mid_stream(record, at, spec, false),
        }
    }
}

/// A delta of `kind` with `text` (kept when asked), at `at`.
fn delta(record: &mut CallRecord, kind: DeltaKind, at: Instant, text: Option<&str>, keep: bool) {
    record.deltas.push(at);
    record.delta_kinds.note(kind, at);
    if keep && kind == DeltaKind::Text {
        record.answer.push_str(text.unwrap_or_default());
    }
}

fn count(value: &Value) -> Option<u32> {
    value.as_u64().and_then(|n| u32::try_from(n).ok())
}

/// Read one native chunk of `family` into `record`.
pub(crate) fn read_chunk(
    family: Family,
    chunk: &Value,
    at: Instant,
    keep: bool,
    record: &mut CallRecord,
) {
    match family {
        Family::Anthropic => match chunk["type"].as_str() {
            Some("message_start") => record.message_start_at = Some(at),
            Some("content_block_delta") => {
                let kind = match chunk["delta"]["type"].as_str() {
                    Some("text_delta") => DeltaKind::Text,
                    Some("thinking_delta") => DeltaKind::Reasoning,
                    Some("input_json_delta") => DeltaKind::ToolUse,
                    _ => DeltaKind::Other,
                };
                delta(record, kind, at, chunk["delta"]["text"].as_str(), keep);
            }
            Some("message_delta") => {
                if let Some(reason) = chunk["delta"]["stop_reason"].as_str() {
                    record.stop_reason = Some(reason.to_string());
                }
            }
            _ => {}
        },
        Family::AmazonNova => {
            if chunk.get("messageStart").is_some() {
                record.message_start_at = Some(at);
            }
            if let Some(block) = chunk.get("contentBlockDelta") {
                let text = block["delta"]["text"].as_str();
                let kind = if text.is_some() {
                    DeltaKind::Text
                } else if block["delta"].get("reasoningContent").is_some() {
                    DeltaKind::Reasoning
                } else {
                    DeltaKind::Other
                };
                delta(record, kind, at, text, keep);
            }
            if let Some(reason) = chunk["messageStop"]["stopReason"].as_str() {
                record.stop_reason = Some(reason.to_string());
            }
        }
        _ => {
            // Meta Llama (`generation`), Mistral (`outputs[0].text`),
            // DeepSeek and other completion formats (`choices[0].text`),
            // and whatever else carries its text at one of the usual
            // places: every chunk may carry text, the last its stop.
            let text = [
                &chunk["generation"],
                &chunk["outputs"][0]["text"],
                &chunk["choices"][0]["text"],
                &chunk["choices"][0]["delta"]["content"],
                &chunk["completion"],
                &chunk["delta"]["text"],
                &chunk["outputText"],
                &chunk["text"],
            ]
            .into_iter()
            .find_map(|value| value.as_str().filter(|t| !t.is_empty()));
            if let Some(text) = text {
                delta(record, DeltaKind::Text, at, Some(text), keep);
            }
            let reason = [
                &chunk["stop_reason"],
                &chunk["outputs"][0]["stop_reason"],
                &chunk["choices"][0]["stop_reason"],
                &chunk["choices"][0]["finish_reason"],
                &chunk["completionReason"],
            ]
            .into_iter()
            .find_map(Value::as_str);
            if let Some(reason) = reason {
                record.stop_reason = Some(reason.to_string());
            }
        }
    }
    if let Some(action) = chunk["amazon-bedrock-guardrailAction"].as_str() {
        record.guardrail_reported = Some(action.to_string());
    }
    if let Some(metrics) = chunk.get(METRICS) {
        if let (Some(input), Some(output)) = (
            count(&metrics["inputTokenCount"]),
            count(&metrics["outputTokenCount"]),
        ) {
            record.usage = Some(Usage {
                input_tokens: input,
                output_tokens: output,
                total_tokens: input.saturating_add(output),
                cache_read_input_tokens: count(&metrics["cacheReadInputTokenCount"]),
                cache_write_input_tokens: count(&metrics["cacheWriteInputTokenCount"]),
            });
        }
        record.server_latency_ms = metrics["invocationLatency"].as_i64();
        record.server_first_byte_ms = metrics["firstByteLatency"].as_i64();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_family_s_content_deltas_count_and_the_metrics_give_the_usage() {
        let t0 = Instant::now();
        let cases = [
            (
                Family::Anthropic,
                vec![
                    json!({"type": "message_start", "message": {}}),
                    json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
                    json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " there"}}),
                    json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
                    json!({"type": "message_stop", METRICS: {"inputTokenCount": 10, "outputTokenCount": 2, "invocationLatency": 120, "firstByteLatency": 80}}),
                ],
                "end_turn",
            ),
            (
                Family::AmazonNova,
                vec![
                    json!({"messageStart": {"role": "assistant"}}),
                    json!({"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}}),
                    json!({"contentBlockDelta": {"delta": {"text": " there"}, "contentBlockIndex": 0}}),
                    json!({"messageStop": {"stopReason": "end_turn"}}),
                    json!({"metadata": {"usage": {"inputTokens": 10, "outputTokens": 2}}, METRICS: {"inputTokenCount": 10, "outputTokenCount": 2, "invocationLatency": 120, "firstByteLatency": 80}}),
                ],
                "end_turn",
            ),
            (
                Family::Meta,
                vec![
                    json!({"generation": "Hi", "stop_reason": null}),
                    json!({"generation": " there", "stop_reason": null}),
                    json!({"generation": "", "stop_reason": "stop", METRICS: {"inputTokenCount": 10, "outputTokenCount": 2, "invocationLatency": 120, "firstByteLatency": 80}}),
                ],
                "stop",
            ),
            (
                Family::Mistral,
                vec![
                    json!({"outputs": [{"text": "Hi", "stop_reason": null}]}),
                    json!({"outputs": [{"text": " there", "stop_reason": "stop"}], METRICS: {"inputTokenCount": 10, "outputTokenCount": 2, "invocationLatency": 120, "firstByteLatency": 80}}),
                ],
                "stop",
            ),
            (
                Family::DeepSeek,
                vec![
                    json!({"choices": [{"text": "Hi", "stop_reason": null}]}),
                    json!({"choices": [{"text": " there", "stop_reason": "length"}], METRICS: {"inputTokenCount": 10, "outputTokenCount": 2, "invocationLatency": 120, "firstByteLatency": 80}}),
                ],
                "length",
            ),
        ];
        for (family, chunks, stop) in cases {
            let mut record = CallRecord::start(8);
            record.t0 = t0;
            for chunk in &chunks {
                read_chunk(family, chunk, Instant::now(), true, &mut record);
            }
            assert_eq!(record.deltas.len(), 2, "{family:?}");
            assert_eq!(record.answer, "Hi there", "{family:?}");
            assert_eq!(record.stop_reason.as_deref(), Some(stop), "{family:?}");
            assert_eq!(record.output_tokens(), Some(2), "{family:?}");
            assert_eq!(record.input_tokens(), Some(10), "{family:?}");
            assert_eq!(record.server_first_byte_ms, Some(80), "{family:?}");
            assert_eq!(record.server_latency_ms, Some(120), "{family:?}");
        }
    }
}
