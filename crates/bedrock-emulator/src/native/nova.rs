//! Amazon Nova's native body, `messages-v1` (Amazon Nova User Guide,
//! "Using the Invoke API" and "Complete request schema"), its stream
//! chunks (`messageStart`, `contentBlockDelta`, `contentBlockStop`,
//! `messageStop`, `metadata`) and its whole answer.

use serde_json::{Map, Value, json};

use super::fields::{self, ConverseParts, child};
use super::opens_block;
use crate::api_error::ApiError;
use crate::converse_body::converse_content;
use crate::payload::{delta_of, usage};
use crate::plan::StreamPlan;

/// The schema version Nova's Invoke body names, when it names one.
pub const SCHEMA_VERSION: &str = "messages-v1";

/// The content blocks passed on as they are: Nova's are Converse's
/// (text, and media whose bytes are base64 in both JSON bodies).
const BLOCKS: [&str; 4] = ["text", "image", "document", "video"];

/// The Converse body standing for a Nova body: optional `schemaVersion`,
/// `messages` (content blocks), optional `system` (`[{"text": ...}]`) and
/// `inferenceConfig` (`maxTokens` or `max_new_tokens`, `temperature`,
/// `topP`, `topK`, `stopSequences`). `toolConfig` is not read.
pub fn to_converse(root: &Map<String, Value>) -> Result<ConverseParts, ApiError> {
    match root.get("schemaVersion") {
        None | Some(Value::Null) => {}
        Some(Value::String(v)) if v == SCHEMA_VERSION => {}
        Some(Value::String(v)) => {
            return Err(fields::malformed(
                "#/schemaVersion",
                &format!("{v} is not a valid enum value ({SCHEMA_VERSION})"),
            ));
        }
        Some(other) => return Err(fields::wrong_type("#/schemaVersion", "String", other)),
    }
    let mut parts = ConverseParts::default();
    if let Some(config) = root.get("inferenceConfig").filter(|v| !v.is_null()) {
        let path = "#/inferenceConfig";
        let config = fields::as_object(config, path)?;
        parts.max_tokens = match fields::integer(config, "maxTokens", path, 1)? {
            Some(n) => Some(n),
            None => fields::integer(config, "max_new_tokens", path, 1)?,
        };
        fields::unit_number(config, "temperature", path)?;
        fields::unit_number(config, "topP", path)?;
        fields::integer(config, "topK", path, 0)?;
        parts.stop_sequences = fields::string_list(config, "stopSequences", path)?;
    }
    if let Some(system) = root.get("system").filter(|v| !v.is_null()) {
        let Value::Array(blocks) = system else {
            return Err(fields::wrong_type("#/system", "JSONArray", system));
        };
        for (i, block) in blocks.iter().enumerate() {
            let path = child("#/system", i);
            let block = fields::as_object(block, &path)?;
            parts
                .system
                .push(json!({ "text": fields::text(block, "text", &path)? }));
        }
    }
    let listed = fields::array(root, "messages", "#")?;
    if listed.is_empty() {
        return Err(fields::malformed(
            "#/messages",
            "expected minimum item count: 1, found: 0",
        ));
    }
    for (i, message) in listed.iter().enumerate() {
        let path = child("#/messages", i);
        let message = fields::as_object(message, &path)?;
        let role = fields::role(message, &path)?;
        let blocks = fields::array(message, "content", &path)?;
        let mut content = Vec::with_capacity(blocks.len());
        for (j, block) in blocks.iter().enumerate() {
            let block_path = child(&child(&path, "content"), j);
            let object = fields::as_object(block, &block_path)?;
            match object.keys().next().map(String::as_str) {
                Some("text") => {
                    content.push(json!({ "text": fields::text(object, "text", &block_path)? }))
                }
                Some(kind) if BLOCKS.contains(&kind) && object.len() == 1 => {
                    content.push(block.clone())
                }
                Some(kind) => {
                    return Err(fields::malformed(
                        &block_path,
                        &format!(
                            "the emulator reads text, image, document and video blocks in the native Nova format, not {kind} (use Converse for other content)"
                        ),
                    ));
                }
                None => return Err(fields::required(&block_path, "text")),
            }
        }
        parts
            .messages
            .push(json!({ "role": role, "content": content }));
    }
    Ok(parts)
}

/// The chunks of delta `index`: `contentBlockStop` and
/// `contentBlockStart` (tool use) when it opens a block, then its
/// `contentBlockDelta`.
pub fn delta_events(plan: &StreamPlan, index: usize) -> Vec<Value> {
    let Some(chunk) = plan.chunks.get(index) else {
        return Vec::new();
    };
    let mut events = Vec::with_capacity(3);
    let (opens, previous) = opens_block(plan, index);
    if let Some(previous) = previous {
        events.push(json!({ "contentBlockStop": { "contentBlockIndex": previous } }));
    }
    if let (true, Some(tool), crate::timeline::ChunkKind::ToolInput { .. }) =
        (opens, &plan.tool_use, chunk.kind)
    {
        events.push(json!({ "contentBlockStart": {
            "start": { "toolUse": { "toolUseId": tool.tool_use_id, "name": tool.name } },
            "contentBlockIndex": chunk.block,
        }}));
    }
    let delta = serde_json::to_value(delta_of(plan, index)).unwrap_or(Value::Null);
    events.push(json!({ "contentBlockDelta": {
        "delta": delta, "contentBlockIndex": chunk.block,
    }}));
    events
}

/// The closing chunks: the last block's `contentBlockStop`,
/// `messageStop` and `metadata` (usage).
pub fn end_events(plan: &StreamPlan) -> Vec<Value> {
    let mut events = Vec::with_capacity(3);
    if let Some(last) = plan.chunks.last() {
        events.push(json!({ "contentBlockStop": { "contentBlockIndex": last.block } }));
    }
    events.push(json!({ "messageStop": { "stopReason": plan.stop_reason } }));
    events.push(json!({ "metadata": {
        "usage": usage(plan), "metrics": {}, "trace": {},
    }}));
    events
}

/// The InvokeModel answer: `output.message`, `stopReason` and `usage`.
pub fn invoke_body(plan: &StreamPlan) -> Value {
    json!({
        "output": { "message": { "role": "assistant", "content": converse_content(plan) } },
        "stopReason": plan.stop_reason,
        "usage": usage(plan),
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
    fn a_messages_v1_body_becomes_converse_messages() {
        let parts = parse(
            r#"{"schemaVersion":"messages-v1","system":[{"text":"Be brief."}],
                "messages":[{"role":"user","content":[{"text":"Hi"}]}],
                "inferenceConfig":{"max_new_tokens":40,"temperature":0.7,"topP":0.9,"topK":20,"stopSequences":["END"]}}"#,
        )
        .unwrap();
        assert_eq!(parts.max_tokens, Some(40));
        assert_eq!(parts.system, vec![json!({"text": "Be brief."})]);
        assert_eq!(
            parts.messages,
            vec![json!({"role": "user", "content": [{"text": "Hi"}]})]
        );
        assert_eq!(parts.stop_sequences, vec!["END".to_string()]);
    }

    #[test]
    fn each_bad_body_names_its_field() {
        let cases = [
            (r#"{}"#, "#: required key [messages]"),
            (r#"{"schemaVersion":"v2","messages":[]}"#, "#/schemaVersion"),
            (
                r#"{"messages":[{"role":"user","content":"x"}]}"#,
                "#/messages/0/content: expected type: JSONArray",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"toolUse":{}}]}]}"#,
                "#/messages/0/content/0: the emulator reads",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":0}}"#,
                "#/inferenceConfig/maxTokens",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"topP":"high"}}"#,
                "#/inferenceConfig/topP: expected type: Number",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"system":"x"}"#,
                "#/system: expected type: JSONArray",
            ),
        ];
        for (json, needle) in cases {
            let err = parse(json).unwrap_err();
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }
}
