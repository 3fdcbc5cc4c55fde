//! The JSON payloads of the events, with Bedrock's `"p"` padding field.
//!
//! Real Bedrock pads every event with a field `"p"` holding a run of
//! letters and digits of varying length (so that payload sizes do not
//! reveal the text); clients ignore it. The answer's text is made of plain
//! words, one word per output token.

use bytes::{Bytes, BytesMut};
use rand::{Rng, RngExt};
use serde::Serialize;
use serde_json::{Value, json};

use super::eventstream::event_frame;
use super::guardrail_trace::converse_trace;
use super::plan::StreamPlan;
use super::timeline::ChunkKind;
use super::words::reasoning_text;

const PADDING_ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A padding value of random length (1 to 40 characters).
pub(crate) fn padding(rng: &mut impl Rng) -> &'static str {
    let len = rng.random_range(1..=40);
    &PADDING_ALPHABET[..len.min(PADDING_ALPHABET.len())]
}

/// The `delta` member of a `contentBlockDelta` event (exactly one member),
/// serialized straight from borrowed parts: the streaming path writes one
/// per output chunk, so it builds no `serde_json::Value` on the way.
#[derive(Debug, Serialize)]
pub(crate) enum Delta<'a> {
    /// `{"text": ...}`.
    #[serde(rename = "text")]
    Text(String),
    /// `{"reasoningContent": {"text": ...}}` or `{"reasoningContent": {"signature": ...}}`.
    #[serde(rename = "reasoningContent")]
    Reasoning(ReasoningDelta<'a>),
    /// `{"toolUse": {"input": ...}}`.
    #[serde(rename = "toolUse")]
    ToolUse {
        /// A piece of the tool input's JSON text.
        input: &'a str,
    },
}

/// The member of a `reasoningContent` delta.
#[derive(Debug, Serialize)]
pub(crate) enum ReasoningDelta<'a> {
    #[serde(rename = "text")]
    Text(String),
    #[serde(rename = "signature")]
    Signature(&'a str),
}

/// A `contentBlockDelta` event; the fields in the order real Bedrock (and
/// the emulator's earlier `json!` objects, sorted by key) writes them.
#[derive(Debug, Serialize)]
struct DeltaEvent<'a> {
    #[serde(rename = "contentBlockIndex")]
    content_block_index: u32,
    delta: Delta<'a>,
    p: &'a str,
}

/// The delta of chunk `index` of `plan`.
pub(crate) fn delta_of(plan: &StreamPlan, index: usize) -> Delta<'_> {
    let Some(chunk) = plan.chunks.get(index) else {
        return Delta::Text(String::new());
    };
    match chunk.kind {
        ChunkKind::Text { first_token } => Delta::Text(plan.text(first_token, chunk.tokens)),
        ChunkKind::Reasoning { first_token } => Delta::Reasoning(ReasoningDelta::Text(
            reasoning_text(first_token, chunk.tokens),
        )),
        ChunkKind::Signature => Delta::Reasoning(ReasoningDelta::Signature(
            plan.signature.as_deref().unwrap_or(""),
        )),
        ChunkKind::ToolInput { from, to } => Delta::ToolUse {
            input: plan
                .tool_use
                .as_ref()
                .and_then(|t| t.input_json.get(from..to))
                .unwrap_or(""),
        },
    }
}

/// The `contentBlockDelta` payload of chunk `index` of `plan`.
fn content_block_delta(plan: &StreamPlan, index: usize, block: u32, rng: &mut impl Rng) -> Vec<u8> {
    let event = DeltaEvent {
        content_block_index: block,
        delta: delta_of(plan, index),
        p: padding(rng),
    };
    // Room for the JSON around the text and the padding, so that the
    // buffer is not grown piece by piece.
    let text_len = match &event.delta {
        Delta::Text(text) | Delta::Reasoning(ReasoningDelta::Text(text)) => text.len(),
        Delta::Reasoning(ReasoningDelta::Signature(text)) | Delta::ToolUse { input: text } => {
            text.len() * 2
        }
    };
    let mut out = Vec::with_capacity(text_len + event.p.len() + 96);
    // Serializing plain strings and integers into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut out, &event);
    out
}

/// The frames written for chunk `index` of `plan`, and the output tokens
/// it carries: the `contentBlockStop` of the previous block when a new
/// block begins, a `contentBlockStart` when a tool-use block begins, then
/// the `contentBlockDelta`.
pub fn delta_frames(plan: &StreamPlan, index: usize, rng: &mut impl Rng) -> (Bytes, u32) {
    let Some(chunk) = plan.chunks.get(index) else {
        return (Bytes::new(), 0);
    };
    let previous = index.checked_sub(1).and_then(|i| plan.chunks.get(i));
    let opens_block = previous.is_none_or(|p| p.block != chunk.block);
    let stop = previous.filter(|_| opens_block);
    let tool_start = plan
        .tool_use
        .as_ref()
        .filter(|_| opens_block && matches!(chunk.kind, ChunkKind::ToolInput { .. }));
    if stop.is_none() && tool_start.is_none() {
        // The common case, a chunk inside the current block: one frame.
        let payload = content_block_delta(plan, index, chunk.block, rng);
        return (event_frame("contentBlockDelta", payload), chunk.tokens);
    }
    let mut out = BytesMut::new();
    if let Some(previous) = stop {
        out.extend_from_slice(&event_frame(
            "contentBlockStop",
            content_block_stop(previous.block, rng),
        ));
    }
    if let Some(tool) = tool_start {
        let start = json!({
            "contentBlockIndex": chunk.block,
            "p": padding(rng),
            "start": { "toolUse": { "toolUseId": tool.tool_use_id, "name": tool.name } },
        });
        out.extend_from_slice(&event_frame(
            "contentBlockStart",
            start.to_string().into_bytes(),
        ));
    }
    let payload = content_block_delta(plan, index, chunk.block, rng);
    out.extend_from_slice(&event_frame("contentBlockDelta", payload));
    (out.freeze(), chunk.tokens)
}

/// `messageStart`.
pub fn message_start(rng: &mut impl Rng) -> Vec<u8> {
    json!({ "p": padding(rng), "role": "assistant" })
        .to_string()
        .into_bytes()
}

/// `contentBlockStop` of block `index`.
pub fn content_block_stop(index: u32, rng: &mut impl Rng) -> Vec<u8> {
    json!({ "contentBlockIndex": index, "p": padding(rng) })
        .to_string()
        .into_bytes()
}

/// The `contentBlockStop` of the last block of `plan`.
pub fn last_block_stop(plan: &StreamPlan, rng: &mut impl Rng) -> Vec<u8> {
    content_block_stop(plan.chunks.last().map_or(0, |c| c.block), rng)
}

/// `messageStop`.
pub fn message_stop(stop_reason: &str, rng: &mut impl Rng) -> Vec<u8> {
    json!({ "p": padding(rng), "stopReason": stop_reason })
        .to_string()
        .into_bytes()
}

/// `usage`: `inputTokens` excludes the tokens read from and written to
/// the cache; `totalTokens` is input + output + cache read + cache
/// write. The cache fields (and `cacheDetails` for a write) appear only
/// when the request had a cache point.
pub fn usage(plan: &StreamPlan) -> Value {
    let cache = plan.cache;
    let total = u64::from(plan.input_tokens)
        + u64::from(plan.output_tokens)
        + u64::from(cache.read_tokens)
        + u64::from(cache.write_tokens);
    let mut usage = json!({
        "inputTokens": plan.input_tokens,
        "outputTokens": plan.output_tokens,
        "totalTokens": total,
    });
    if plan.reports_cache
        && let Some(object) = usage.as_object_mut()
    {
        object.insert("cacheReadInputTokens".into(), json!(cache.read_tokens));
        object.insert("cacheWriteInputTokens".into(), json!(cache.write_tokens));
        if let Some(ttl) = cache.write_ttl {
            object.insert(
                "cacheDetails".into(),
                json!([{ "ttl": ttl.as_str(), "inputTokens": cache.write_tokens }]),
            );
        }
    }
    usage
}

/// The fields the metadata event and the Converse answer share: `usage`,
/// `metrics.latencyMs` and, when the request asked for them, the served
/// `performanceConfig` and `serviceTier`, and the guardrail `trace`.
pub fn summary_fields(plan: &StreamPlan, latency_ms: u64) -> Value {
    let mut value = json!({
        "metrics": { "latencyMs": latency_ms },
        "usage": usage(plan),
    });
    if let Some(object) = value.as_object_mut() {
        if let Some(served) = plan.served {
            object.insert(
                "performanceConfig".into(),
                json!({ "latency": served.as_str() }),
            );
        }
        if let Some(tier) = plan.served_tier {
            object.insert("serviceTier".into(), json!({ "type": tier.as_str() }));
        }
        if let Some(trace) = converse_trace(plan) {
            object.insert("trace".into(), trace);
        }
    }
    value
}

/// `metadata`: [`summary_fields`] with padding.
pub fn metadata(plan: &StreamPlan, latency_ms: u64, rng: &mut impl Rng) -> Vec<u8> {
    let mut value = summary_fields(plan, latency_ms);
    if let Some(object) = value.as_object_mut() {
        object.insert("p".into(), json!(padding(rng)));
    }
    value.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::chunk_text;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn chunks_concatenate_into_one_text() {
        let whole = chunk_text(0, 7);
        let parts = chunk_text(0, 3) + &chunk_text(3, 4);
        assert_eq!(whole, parts);
        assert!(whole.starts_with("Machine learning is"));
    }

    #[test]
    fn a_text_delta_is_written_as_bedrock_writes_it() {
        let mut rng = StdRng::seed_from_u64(5);
        let plan = StreamPlan {
            served: None,
            served_tier: None,
            faults: Vec::new(),
            input_tokens: 5,
            cache: Default::default(),
            reports_cache: false,
            headers_at_s: 0.0,
            chunks: vec![crate::timeline::PlannedChunk {
                at_s: 0.1,
                tokens: 3,
                block: 0,
                kind: ChunkKind::Text { first_token: 0 },
            }],
            end_at_s: 0.2,
            stop_reason: "end_turn",
            output_tokens: 3,
            reasoning_tokens: 0,
            reasoning_s: 0.0,
            signature: None,
            tool_use: None,
            exception: None,
            guardrail: None,
        };
        let payload = String::from_utf8(content_block_delta(&plan, 0, 0, &mut rng)).expect("utf-8");
        assert!(
            payload.starts_with(
                r#"{"contentBlockIndex":0,"delta":{"text":"Machine learning is"},"p":""#
            ),
            "{payload}"
        );
    }

    #[test]
    fn payloads_are_json_with_padding() {
        let mut rng = StdRng::seed_from_u64(5);
        let stop: serde_json::Value =
            serde_json::from_slice(&content_block_stop(1, &mut rng)).expect("json");
        assert_eq!(stop["contentBlockIndex"], 1);
        assert!(stop["p"].as_str().is_some_and(|p| !p.is_empty()));
    }
}
