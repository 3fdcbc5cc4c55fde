//! The model families' native request and response bodies, for
//! InvokeModel and InvokeModelWithResponseStream (Amazon Bedrock API
//! Reference, "InvokeModel" and "InvokeModelWithResponseStream"; the
//! bodies are each provider's, see the Amazon Bedrock User Guide,
//! "Inference request parameters and response fields for foundation
//! models").
//!
//! A native body is translated into the Converse body that asks the same
//! (messages, system prompt, maximum and stop sequences), which then goes
//! through the same validation and the same plan as a Converse request:
//! the same prompt gets the same tokens, timing and text on every API, and
//! only the wire differs. The answer is then written in the family's
//! native events ([`Native::start_events`], [`Native::delta_events`],
//! [`Native::end_events`]) or native body ([`Native::invoke_body`]).

pub(crate) mod anthropic;
mod completion;
mod deepseek;
pub(crate) mod fields;
mod llama;
mod mistral;
mod nova;

use http::HeaderMap;
use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::guardrail::{self, header};
use crate::guardrail_trace::add_invoke_fields;
use crate::plan::StreamPlan;
use crate::request::{ConverseRequest, parse_object};
use crate::request_options::constraint;
use crate::timeline::ChunkKind;
use bedrock_catalog::{Family, PerformanceConfig, ServiceTier};

/// The request header that asks for latency-optimized inference.
pub const LATENCY_HEADER: &str = "x-amzn-bedrock-performanceconfig-latency";
/// The request header that asks for a service tier.
pub const TIER_HEADER: &str = "x-amzn-bedrock-service-tier";

/// A family whose native format the emulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeFamily {
    /// Anthropic Claude: the Messages API on Bedrock.
    Anthropic,
    /// Amazon Nova: `messages-v1`.
    Nova,
    /// Meta Llama: a prompt and its generation.
    Llama,
    /// Mistral AI: a prompt and its `outputs` (text completion).
    Mistral,
    /// DeepSeek: a prompt and its `choices`, the reasoning inline.
    DeepSeek,
}

impl NativeFamily {
    /// The family of `model_id`, or the ValidationException for a family
    /// whose native format the emulator does not speak.
    pub fn of(model_id: &str) -> Result<NativeFamily, ApiError> {
        match Family::of(model_id) {
            Family::Anthropic => Ok(NativeFamily::Anthropic),
            Family::AmazonNova => Ok(NativeFamily::Nova),
            Family::Meta => Ok(NativeFamily::Llama),
            Family::Mistral => Ok(NativeFamily::Mistral),
            Family::DeepSeek => Ok(NativeFamily::DeepSeek),
            other => Err(ApiError::validation(format!(
                "The emulator has no native InvokeModel format for the model {model_id} (family {other:?}): it speaks the native bodies of Anthropic Claude, Amazon Nova, Meta Llama, Mistral AI and DeepSeek. Use Converse or ConverseStream for this model."
            ))),
        }
    }
}

/// Parse a native InvokeModel body for `model_id` into the request the
/// plan uses; the performance configuration and the service tier come
/// from the request headers.
pub fn parse(
    model_id: String,
    body: &[u8],
    headers: &HeaderMap,
) -> Result<(ConverseRequest, NativeFamily), ApiError> {
    let family = NativeFamily::of(&model_id)?;
    let mut root = fields::object_body(body)?;
    // Bedrock's own field, not the family's: read and removed first.
    let mode = guardrail::take_native_mode(&mut root)?;
    let parts = match family {
        NativeFamily::Anthropic => anthropic::to_converse(&root)?,
        NativeFamily::Nova => nova::to_converse(&root)?,
        NativeFamily::Llama => llama::to_converse(&root)?,
        NativeFamily::Mistral => mistral::MISTRAL.to_converse(&root)?,
        NativeFamily::DeepSeek => deepseek::DEEPSEEK.to_converse(&root)?,
    };
    let mut request = parse_object(model_id, &parts.into_body())?;
    request.latency = latency_header(headers)?;
    request.service_tier = tier_header(headers)?;
    request.guardrail = guardrail::invoke_config(headers, mode)?;
    Ok((request, family))
}

/// `X-Amzn-Bedrock-PerformanceConfig-Latency`: `standard` or `optimized`.
pub fn latency_header(headers: &HeaderMap) -> Result<Option<PerformanceConfig>, ApiError> {
    match header(headers, LATENCY_HEADER, "performanceConfigLatency")? {
        None => Ok(None),
        Some("standard") => Ok(Some(PerformanceConfig::Standard)),
        Some("optimized") => Ok(Some(PerformanceConfig::Optimized)),
        Some(other) => Err(constraint(
            &Value::String(other.to_string()),
            "performanceConfigLatency",
            "Member must satisfy enum value set: [standard, optimized]",
        )),
    }
}

/// `X-Amzn-Bedrock-Service-Tier`: one of the four tiers.
pub fn tier_header(headers: &HeaderMap) -> Result<Option<ServiceTier>, ApiError> {
    match header(headers, TIER_HEADER, "serviceTier")? {
        None => Ok(None),
        Some(value) => value.parse::<ServiceTier>().map(Some).map_err(|_| {
            constraint(
                &Value::String(value.to_string()),
                "serviceTier",
                "Member must satisfy enum value set: [priority, default, flex, reserved]",
            )
        }),
    }
}

/// What a native answer is written with: the family, and the ids it
/// names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Native {
    /// The family.
    pub family: NativeFamily,
    /// The model id as the client named it.
    pub model_id: String,
    /// Anthropic's message id (`msg_bdrk_...`).
    pub message_id: String,
}

/// The invocation metrics of the last chunk
/// (`amazon-bedrock-invocationMetrics`), in milliseconds and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvocationMetrics {
    /// `inputTokenCount`.
    pub input_tokens: u32,
    /// `outputTokenCount`.
    pub output_tokens: u32,
    /// `invocationLatency`: from the complete request to the last chunk.
    pub invocation_ms: u64,
    /// `firstByteLatency`: from the complete request to the first chunk
    /// of the answer.
    pub first_byte_ms: u64,
}

impl InvocationMetrics {
    /// The JSON object.
    pub fn to_json(self, plan: &StreamPlan) -> Value {
        let mut metrics = json!({
            "inputTokenCount": self.input_tokens,
            "outputTokenCount": self.output_tokens,
            "invocationLatency": self.invocation_ms,
            "firstByteLatency": self.first_byte_ms,
        });
        if plan.reports_cache
            && let Some(object) = metrics.as_object_mut()
        {
            object.insert(
                "cacheReadInputTokenCount".into(),
                plan.cache.read_tokens.into(),
            );
            object.insert(
                "cacheWriteInputTokenCount".into(),
                plan.cache.write_tokens.into(),
            );
        }
        metrics
    }
}

impl Native {
    /// The wire of `family` for a request of `model_id`; `request_id`
    /// makes the message id.
    pub fn new(family: NativeFamily, model_id: &str, request_id: &str) -> Self {
        let id: String = request_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(24)
            .collect();
        Native {
            family,
            model_id: model_id.to_string(),
            message_id: format!("msg_bdrk_{id}"),
        }
    }

    /// Whether the family writes events before its first delta (the
    /// text-completion formats, Llama, Mistral and DeepSeek, do not: their
    /// first chunk is the first text).
    pub fn has_start(&self) -> bool {
        matches!(self.family, NativeFamily::Anthropic | NativeFamily::Nova)
    }

    /// The events written when the answer begins.
    pub fn start_events(&self, plan: &StreamPlan) -> Vec<Value> {
        match self.family {
            NativeFamily::Anthropic => vec![anthropic::message_start(self, plan)],
            NativeFamily::Nova => vec![json!({ "messageStart": { "role": "assistant" } })],
            NativeFamily::Llama | NativeFamily::Mistral | NativeFamily::DeepSeek => Vec::new(),
        }
    }

    /// The events of chunk `index` (with the block stop and start around
    /// it when it opens a block).
    pub fn delta_events(&self, plan: &StreamPlan, index: usize) -> Vec<Value> {
        match self.family {
            NativeFamily::Anthropic => anthropic::delta_events(plan, index),
            NativeFamily::Nova => nova::delta_events(plan, index),
            NativeFamily::Llama => llama::delta_events(plan, index).into_iter().collect(),
            NativeFamily::Mistral => mistral::MISTRAL
                .delta_event(plan, index)
                .into_iter()
                .collect(),
            NativeFamily::DeepSeek => deepseek::DEEPSEEK
                .delta_event(plan, index)
                .into_iter()
                .collect(),
        }
    }

    /// The closing events; the last carries `metrics` and, with a
    /// guardrail, its action and trace.
    pub fn end_events(&self, plan: &StreamPlan, metrics: InvocationMetrics) -> Vec<Value> {
        let mut events = match self.family {
            NativeFamily::Anthropic => anthropic::end_events(plan),
            NativeFamily::Nova => nova::end_events(plan),
            NativeFamily::Llama => vec![llama::end_event(plan)],
            NativeFamily::Mistral => vec![mistral::MISTRAL.end_event(plan)],
            NativeFamily::DeepSeek => vec![deepseek::DEEPSEEK.end_event(plan)],
        };
        if let Some(object) = events.last_mut().and_then(Value::as_object_mut) {
            object.insert(
                "amazon-bedrock-invocationMetrics".into(),
                metrics.to_json(plan),
            );
        }
        if let Some(last) = events.last_mut() {
            add_invoke_fields(plan, last);
        }
        events
    }

    /// The InvokeModel answer: the whole answer in one native body (with
    /// a guardrail, its action and trace).
    pub fn invoke_body(&self, plan: &StreamPlan) -> Value {
        let mut body = match self.family {
            NativeFamily::Anthropic => anthropic::invoke_body(self, plan),
            NativeFamily::Nova => nova::invoke_body(plan),
            NativeFamily::Llama => llama::invoke_body(plan),
            NativeFamily::Mistral => mistral::MISTRAL.invoke_body(plan),
            NativeFamily::DeepSeek => deepseek::DEEPSEEK.invoke_body(plan),
        };
        add_invoke_fields(plan, &mut body);
        body
    }
}

/// The answer's whole text: the words of its text chunks.
pub fn answer_text(plan: &StreamPlan) -> String {
    let words = plan
        .chunks
        .iter()
        .filter(|c| matches!(c.kind, ChunkKind::Text { .. }))
        .map(|c| c.tokens)
        .sum();
    plan.text(0, words)
}

/// Whether chunk `index` opens a new content block, and the block before
/// it when it does.
pub fn opens_block(plan: &StreamPlan, index: usize) -> (bool, Option<u32>) {
    let Some(chunk) = plan.chunks.get(index) else {
        return (false, None);
    };
    let previous = index.checked_sub(1).and_then(|i| plan.chunks.get(i));
    let opens = previous.is_none_or(|p| p.block != chunk.block);
    (opens, previous.filter(|_| opens).map(|p| p.block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_with_a_native_format_and_the_others() {
        assert_eq!(
            NativeFamily::of("us.anthropic.claude-sonnet-4-20250514-v1:0"),
            Ok(NativeFamily::Anthropic)
        );
        assert_eq!(
            NativeFamily::of("us.amazon.nova-pro-v1:0"),
            Ok(NativeFamily::Nova)
        );
        assert_eq!(
            NativeFamily::of("us.meta.llama3-1-8b-instruct-v1:0"),
            Ok(NativeFamily::Llama)
        );
        assert_eq!(
            NativeFamily::of("mistral.mistral-large-2407-v1:0"),
            Ok(NativeFamily::Mistral)
        );
        assert_eq!(
            NativeFamily::of("us.deepseek.r1-v1:0"),
            Ok(NativeFamily::DeepSeek)
        );
        let err = NativeFamily::of("amazon.titan-text-express-v1").unwrap_err();
        assert_eq!(err.error_type, "ValidationException");
        assert!(
            err.message.contains("no native InvokeModel format"),
            "{}",
            err.message
        );
    }

    #[test]
    fn headers_choose_latency_and_tier() {
        let mut headers = HeaderMap::new();
        assert_eq!(latency_header(&headers), Ok(None));
        headers.insert(LATENCY_HEADER, "optimized".parse().unwrap());
        headers.insert(TIER_HEADER, "flex".parse().unwrap());
        assert_eq!(
            latency_header(&headers),
            Ok(Some(PerformanceConfig::Optimized))
        );
        assert_eq!(tier_header(&headers), Ok(Some(ServiceTier::Flex)));
        headers.insert(LATENCY_HEADER, "fast".parse().unwrap());
        let err = latency_header(&headers).unwrap_err();
        assert!(
            err.message.contains("'fast' at 'performanceConfigLatency'"),
            "{}",
            err.message
        );
        headers.insert(TIER_HEADER, "gold".parse().unwrap());
        assert!(
            tier_header(&headers)
                .unwrap_err()
                .message
                .contains("'gold' at 'serviceTier'")
        );
    }

    #[test]
    fn the_message_id_comes_from_the_request_id() {
        let native = Native::new(
            NativeFamily::Anthropic,
            "m",
            "1234abcd-0000-4000-8000-00000000ffff",
        );
        assert_eq!(native.message_id, "msg_bdrk_1234abcd0000400080000000");
    }
}
