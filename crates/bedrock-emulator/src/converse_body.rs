//! The JSON answer of `Converse` (non-streaming): the same content, stop
//! reason and usage as the stream would carry, in one body.

use serde_json::{Value, json};

use super::payload::summary_fields;
use super::plan::StreamPlan;
use super::timeline::ChunkKind;
use super::words::reasoning_text;

/// The whole `Converse` answer of `plan`: `output.message`, `stopReason`,
/// `usage`, `metrics.latencyMs` and, when asked, `performanceConfig` and
/// `serviceTier`.
pub fn converse_body(plan: &StreamPlan, latency_ms: u64) -> Vec<u8> {
    let content = converse_content(plan);
    let mut body = summary_fields(plan, latency_ms);
    if let Some(object) = body.as_object_mut() {
        object.insert(
            "output".into(),
            json!({ "message": { "role": "assistant", "content": content } }),
        );
        object.insert("stopReason".into(), json!(plan.stop_reason));
    }
    body.to_string().into_bytes()
}

/// The answer's content blocks as Converse writes them (Amazon Nova's
/// native answer has the same): reasoning, then the tool call or the
/// text.
pub fn converse_content(plan: &StreamPlan) -> Vec<Value> {
    let mut content = Vec::new();
    let reasoned = plan
        .chunks
        .iter()
        .any(|c| matches!(c.kind, ChunkKind::Reasoning { .. } | ChunkKind::Signature));
    if reasoned {
        let mut text = json!({ "text": reasoning_text(0, plan.reasoning_tokens) });
        if let (Some(signature), Some(object)) = (&plan.signature, text.as_object_mut()) {
            object.insert("signature".into(), json!(signature));
        }
        content.push(json!({ "reasoningContent": { "reasoningText": text } }));
    }
    if let Some(tool) = &plan.tool_use {
        // A call cut by maxTokens streamed part of its input, which is no
        // JSON document: its input is then an empty object.
        let input: Value = serde_json::from_str(&tool.input_json)
            .unwrap_or_else(|_| Value::Object(Default::default()));
        content.push(json!({
            "toolUse": { "toolUseId": tool.tool_use_id, "name": tool.name, "input": input }
        }));
    } else {
        let words = plan
            .chunks
            .iter()
            .filter(|c| matches!(c.kind, ChunkKind::Text { .. }))
            .map(|c| c.tokens)
            .sum();
        content.push(json!({ "text": plan.text(0, words) }));
    }
    content
}
