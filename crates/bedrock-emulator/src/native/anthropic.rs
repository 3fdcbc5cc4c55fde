//! Anthropic Claude's native body on Bedrock: the Messages API with
//! `anthropic_version: "bedrock-2023-05-31"` (Amazon Bedrock User Guide,
//! "Anthropic Claude Messages API"), its stream events (`message_start`,
//! `content_block_start`, `content_block_delta`, `content_block_stop`,
//! `message_delta`, `message_stop`) and its whole answer.

use serde_json::{Map, Value, json};

use super::fields::{self, ConverseParts, child};
use super::{Native, answer_text, opens_block};
use crate::api_error::ApiError;
use crate::payload::{Delta, ReasoningDelta, delta_of};
use crate::plan::StreamPlan;
use crate::timeline::ChunkKind;
use crate::words::reasoning_text;

/// The `anthropic_version` Bedrock's documentation names.
pub const VERSION: &str = "bedrock-2023-05-31";

/// Whether `version` is one the emulator takes: [`VERSION`], or one of
/// Anthropic's dated API versions (`YYYY-MM-DD`), which Anthropic's own
/// Python SDK (2.x) sends through its Bedrock client in place of it.
fn supported_version(version: &str) -> bool {
    let dated = version.len() == 10
        && version.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    version == VERSION || dated
}

/// The Converse body standing for an Anthropic body: `anthropic_version`
/// and `max_tokens` required, `messages` of text (a string or text
/// blocks), optional `system`, `temperature`, `top_p`, `top_k` and
/// `stop_sequences`. Fields the emulator does not model (`tools`,
/// `thinking`, `anthropic_beta`, `metadata`...) are not read.
pub fn to_converse(root: &Map<String, Value>) -> Result<ConverseParts, ApiError> {
    match root.get("anthropic_version") {
        None => return Err(fields::required("#", "anthropic_version")),
        Some(Value::String(v)) if supported_version(v) => {}
        Some(Value::String(v)) => {
            return Err(fields::malformed(
                "#/anthropic_version",
                &format!("{v} is not a supported version (expected {VERSION})"),
            ));
        }
        Some(other) => return Err(fields::wrong_type("#/anthropic_version", "String", other)),
    }
    let max_tokens = fields::integer(root, "max_tokens", "#", 1)?
        .ok_or_else(|| fields::required("#", "max_tokens"))?;
    fields::unit_number(root, "temperature", "#")?;
    fields::unit_number(root, "top_p", "#")?;
    fields::integer(root, "top_k", "#", 0)?;
    let stop_sequences = fields::string_list(root, "stop_sequences", "#")?;
    let system = match root.get("system") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => text_blocks(value, "#/system")?,
    };
    let listed = fields::array(root, "messages", "#")?;
    if listed.is_empty() {
        return Err(fields::malformed(
            "#/messages",
            "expected minimum item count: 1, found: 0",
        ));
    }
    let mut messages = Vec::with_capacity(listed.len());
    for (i, message) in listed.iter().enumerate() {
        let path = child("#/messages", i);
        let message = fields::as_object(message, &path)?;
        let role = fields::role(message, &path)?;
        let content = match message.get("content") {
            None => return Err(fields::required(&path, "content")),
            Some(value) => text_blocks(value, &child(&path, "content"))?,
        };
        messages.push(json!({ "role": role, "content": content }));
    }
    Ok(ConverseParts {
        messages,
        system,
        max_tokens: Some(max_tokens),
        stop_sequences,
    })
}

/// Content as Converse text blocks: a string, or a list of
/// `{"type": "text", "text": ...}` blocks.
fn text_blocks(value: &Value, path: &str) -> Result<Vec<Value>, ApiError> {
    match value {
        Value::String(text) => Ok(vec![json!({ "text": text })]),
        Value::Array(blocks) => blocks
            .iter()
            .enumerate()
            .map(|(i, block)| {
                let path = child(path, i);
                let block = fields::as_object(block, &path)?;
                match block.get("type") {
                    None => Err(fields::required(&path, "type")),
                    Some(Value::String(t)) if t == "text" => {
                        Ok(json!({ "text": fields::text(block, "text", &path)? }))
                    }
                    Some(Value::String(t)) => Err(fields::malformed(
                        &child(&path, "type"),
                        &format!(
                            "the emulator reads text blocks only in the native Anthropic format, not {t} (use Converse for other content)"
                        ),
                    )),
                    Some(other) => Err(fields::wrong_type(&child(&path, "type"), "String", other)),
                }
            })
            .collect(),
        other => Err(fields::wrong_type(path, "String or JSONArray", other)),
    }
}

/// `message_start`: the message, empty, with the input tokens.
pub fn message_start(native: &Native, plan: &StreamPlan) -> Value {
    json!({
        "type": "message_start",
        "message": {
            "id": native.message_id,
            "type": "message",
            "role": "assistant",
            "model": native.model_id,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": usage(plan, 1),
        },
    })
}

/// `usage` with `output_tokens`.
fn usage(plan: &StreamPlan, output_tokens: u32) -> Value {
    let mut usage = json!({
        "input_tokens": plan.input_tokens,
        "output_tokens": output_tokens,
    });
    if plan.reports_cache
        && let Some(object) = usage.as_object_mut()
    {
        object.insert(
            "cache_read_input_tokens".into(),
            plan.cache.read_tokens.into(),
        );
        object.insert(
            "cache_creation_input_tokens".into(),
            plan.cache.write_tokens.into(),
        );
    }
    usage
}

/// The events of chunk `index`: `content_block_stop` and
/// `content_block_start` when it opens a block, then its
/// `content_block_delta`.
pub fn delta_events(plan: &StreamPlan, index: usize) -> Vec<Value> {
    let Some(chunk) = plan.chunks.get(index) else {
        return Vec::new();
    };
    let mut events = Vec::with_capacity(3);
    let (opens, previous) = opens_block(plan, index);
    if let Some(previous) = previous {
        events.push(json!({ "type": "content_block_stop", "index": previous }));
    }
    if opens {
        let block = match (&chunk.kind, &plan.tool_use) {
            (ChunkKind::ToolInput { .. }, Some(tool)) => json!({
                "type": "tool_use", "id": tool.tool_use_id, "name": tool.name, "input": {},
            }),
            (ChunkKind::Reasoning { .. } | ChunkKind::Signature, _) => {
                json!({ "type": "thinking", "thinking": "", "signature": "" })
            }
            _ => json!({ "type": "text", "text": "" }),
        };
        events.push(json!({
            "type": "content_block_start", "index": chunk.block, "content_block": block,
        }));
    }
    let delta = match delta_of(plan, index) {
        Delta::Text(text) => json!({ "type": "text_delta", "text": text }),
        Delta::Reasoning(ReasoningDelta::Text(text)) => {
            json!({ "type": "thinking_delta", "thinking": text })
        }
        Delta::Reasoning(ReasoningDelta::Signature(signature)) => {
            json!({ "type": "signature_delta", "signature": signature })
        }
        Delta::ToolUse { input } => json!({ "type": "input_json_delta", "partial_json": input }),
    };
    events.push(json!({ "type": "content_block_delta", "index": chunk.block, "delta": delta }));
    events
}

/// The closing events: the last block's `content_block_stop`,
/// `message_delta` (stop reason, output tokens) and `message_stop`.
pub fn end_events(plan: &StreamPlan) -> Vec<Value> {
    let mut events = Vec::with_capacity(3);
    if let Some(last) = plan.chunks.last() {
        events.push(json!({ "type": "content_block_stop", "index": last.block }));
    }
    events.push(json!({
        "type": "message_delta",
        "delta": { "stop_reason": plan.stop_reason, "stop_sequence": null },
        "usage": { "output_tokens": plan.output_tokens },
    }));
    events.push(json!({ "type": "message_stop" }));
    events
}

/// The InvokeModel answer: the message with its content blocks.
pub fn invoke_body(native: &Native, plan: &StreamPlan) -> Value {
    let mut content = Vec::new();
    if plan.reasoning_tokens > 0 || plan.signature.is_some() {
        content.push(json!({
            "type": "thinking",
            "thinking": reasoning_text(0, plan.reasoning_tokens),
            "signature": plan.signature.clone().unwrap_or_default(),
        }));
    }
    if let Some(tool) = &plan.tool_use {
        let input: Value =
            serde_json::from_str(&tool.input_json).unwrap_or_else(|_| Value::Object(Map::new()));
        content.push(json!({
            "type": "tool_use", "id": tool.tool_use_id, "name": tool.name, "input": input,
        }));
    } else {
        content.push(json!({ "type": "text", "text": answer_text(plan) }));
    }
    json!({
        "id": native.message_id,
        "type": "message",
        "role": "assistant",
        "model": native.model_id,
        "content": content,
        "stop_reason": plan.stop_reason,
        "stop_sequence": null,
        "usage": usage(plan, plan.output_tokens),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ConverseParts, ApiError> {
        let root: Map<String, Value> = serde_json::from_str(json).unwrap();
        to_converse(&root)
    }

    #[test]
    fn a_messages_body_becomes_converse_messages() {
        let parts = parse(
            r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"system":"Be brief.",
                "messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"text","text":"Yes?"}]},
                            {"role":"user","content":[{"type":"text","text":"Go"}]}],
                "temperature":0.5,"top_p":0.9,"top_k":250,"stop_sequences":["END"]}"#,
        )
        .unwrap();
        assert_eq!(parts.max_tokens, Some(50));
        assert_eq!(parts.system, vec![json!({"text": "Be brief."})]);
        assert_eq!(parts.messages.len(), 3);
        assert_eq!(
            parts.messages[1],
            json!({"role": "assistant", "content": [{"text": "Yes?"}]})
        );
        assert_eq!(parts.stop_sequences, vec!["END".to_string()]);
    }

    #[test]
    fn the_documented_version_and_anthropic_s_dated_ones_are_taken() {
        for version in ["bedrock-2023-05-31", "2023-06-01", "2026-10-21"] {
            let body = json!({"anthropic_version": version, "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
            assert!(
                to_converse(body.as_object().expect("an object")).is_ok(),
                "{version}"
            );
        }
    }

    #[test]
    fn each_bad_body_names_its_field() {
        let ok = r#""anthropic_version":"bedrock-2023-05-31","max_tokens":5"#;
        let cases = [
            (r#"{"max_tokens":5,"messages":[]}"#.to_string(), "required key [anthropic_version]"),
            (r#"{"anthropic_version":"bedrock-2024-01-01","max_tokens":5,"messages":[]}"#.into(), "#/anthropic_version"),
            (r#"{"anthropic_version":"2023-6-1","max_tokens":5,"messages":[]}"#.into(), "#/anthropic_version"),
            (r#"{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"x"}]}"#.into(), "required key [max_tokens]"),
            (format!(r#"{{{ok},"messages":[]}}"#), "#/messages: expected minimum item count"),
            (format!(r#"{{{ok},"messages":"x"}}"#), "#/messages: expected type: JSONArray"),
            (format!(r#"{{{ok},"messages":[{{"role":"robot","content":"x"}}]}}"#), "#/messages/0/role"),
            (format!(r#"{{{ok},"messages":[{{"role":"user"}}]}}"#), "#/messages/0: required key [content]"),
            (format!(r#"{{{ok},"messages":[{{"role":"user","content":[{{"type":"image"}}]}}]}}"#), "#/messages/0/content/0/type"),
            (format!(r#"{{{ok},"messages":[{{"role":"user","content":[{{"type":"text","text":7}}]}}]}}"#), "#/messages/0/content/0/text"),
            (format!(r#"{{{ok},"temperature":2,"messages":[{{"role":"user","content":"x"}}]}}"#), "#/temperature"),
            (format!(r#"{{{ok},"top_k":-1,"messages":[{{"role":"user","content":"x"}}]}}"#), "#/top_k"),
            (r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":"5","messages":[]}"#.into(), "#/max_tokens: expected type: Integer, found: String"),
        ];
        for (json, needle) in cases {
            let err = parse(&json).unwrap_err();
            assert_eq!(err.error_type, "ValidationException", "{json}");
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }
}
