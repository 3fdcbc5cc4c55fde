//! The Chat Completions answer: server-sent events of
//! `chat.completion.chunk` objects (`data: {...}` and a blank line; the
//! first delta names the role, the last chunk carries `finish_reason`,
//! with `stream_options.include_usage` a chunk with `choices: []` and
//! `usage` follows, and `data: [DONE]` ends the stream), or one
//! `chat.completion` object.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::{Value, json};

use crate::dialect::openai_kind;
use crate::native::answer_text;
use crate::payload::{Delta, ReasoningDelta, delta_of};
use crate::plan::StreamPlan;
use crate::words::reasoning_text;
use http::StatusCode;

/// One server-sent event carrying `value`.
pub fn data_frame(value: &Value) -> String {
    format!("data: {value}\n\n")
}

/// The event that ends a stream.
pub const DONE: &str = "data: [DONE]\n\n";

/// What a Chat Completions answer is written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatWire {
    /// `chatcmpl-...`, from the request id.
    pub id: String,
    /// The model as the client named it.
    pub model: String,
    /// Unix seconds when the request came.
    pub created: u64,
    /// `stream_options.include_usage`.
    pub include_usage: bool,
}

/// `finish_reason` for Converse's stop reason.
pub fn finish_reason(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        _ => "stop",
    }
}

/// `usage` of a plan.
fn usage(plan: &StreamPlan) -> Value {
    json!({
        "prompt_tokens": plan.input_tokens,
        "completion_tokens": plan.output_tokens,
        "total_tokens": plan.input_tokens.saturating_add(plan.output_tokens),
    })
}

impl ChatWire {
    /// The wire of a request for `model`; `request_id` makes the id.
    pub fn new(model: &str, request_id: &str, include_usage: bool) -> Self {
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        ChatWire {
            id: format!("chatcmpl-{}", request_id.replace('-', "")),
            model: model.to_string(),
            created,
            include_usage,
        }
    }

    /// A chunk with `choices` as given.
    fn chunk(&self, choices: Value) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        })
    }

    /// A chunk with one choice: `delta` and `finish_reason`.
    fn delta_chunk(&self, delta: Value, finish: Option<&str>) -> Value {
        self.chunk(json!([{ "index": 0, "delta": delta, "finish_reason": finish }]))
    }

    /// The first event: the role.
    pub fn start_frame(&self) -> Bytes {
        Bytes::from(data_frame(
            &self.delta_chunk(json!({ "role": "assistant" }), None),
        ))
    }

    /// The event of chunk `index`: its text as `content` (reasoning as
    /// `reasoning_content`).
    pub fn delta_frame(&self, plan: &StreamPlan, index: usize) -> Bytes {
        let delta = match delta_of(plan, index) {
            Delta::Text(text) => json!({ "content": text }),
            Delta::Reasoning(ReasoningDelta::Text(text)) => json!({ "reasoning_content": text }),
            Delta::Reasoning(ReasoningDelta::Signature(_)) | Delta::ToolUse { .. } => json!({}),
        };
        Bytes::from(data_frame(&self.delta_chunk(delta, None)))
    }

    /// The closing events: `finish_reason`, the usage chunk when asked,
    /// and `[DONE]`.
    pub fn end_frames(&self, plan: &StreamPlan) -> Bytes {
        let mut out =
            data_frame(&self.delta_chunk(json!({}), Some(finish_reason(plan.stop_reason))));
        if self.include_usage {
            let mut chunk = self.chunk(json!([]));
            if let Some(object) = chunk.as_object_mut() {
                object.insert("usage".into(), usage(plan));
            }
            out.push_str(&data_frame(&chunk));
        }
        out.push_str(DONE);
        Bytes::from(out)
    }

    /// The event of an error in the middle of the stream (the OpenAI SDK
    /// raises on an `error` key); no `[DONE]` follows.
    pub fn error_frame(status: StatusCode, message: &str) -> Bytes {
        let (kind, code) = openai_kind(status);
        Bytes::from(data_frame(&json!({
            "error": { "message": message, "type": kind, "param": null, "code": code },
        })))
    }

    /// The whole answer: the `chat.completion` object.
    pub fn completion_body(&self, plan: &StreamPlan) -> Value {
        let mut message = json!({ "role": "assistant", "content": answer_text(plan) });
        if plan.reasoning_tokens > 0
            && let Some(object) = message.as_object_mut()
        {
            object.insert(
                "reasoning_content".into(),
                reasoning_text(0, plan.reasoning_tokens).into(),
            );
        }
        json!({
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [{
                "index": 0,
                "message": message,
                "finish_reason": finish_reason(plan.stop_reason),
            }],
            "usage": usage(plan),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_data_lines_and_a_blank_line() {
        let wire = ChatWire::new("m", "ab-cd", true);
        assert_eq!(wire.id, "chatcmpl-abcd");
        let start = String::from_utf8(wire.start_frame().to_vec()).unwrap();
        assert!(
            start.starts_with("data: {") && start.ends_with("}\n\n"),
            "{start}"
        );
        let chunk: Value = serde_json::from_str(&start[6..start.len() - 2]).unwrap();
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["choices"][0]["delta"], json!({"role": "assistant"}));
        assert_eq!(chunk["choices"][0]["finish_reason"], Value::Null);
        let error = ChatWire::error_frame(StatusCode::TOO_MANY_REQUESTS, "slow");
        assert!(
            String::from_utf8(error.to_vec())
                .unwrap()
                .contains("\"rate_limit_error\"")
        );
    }

    #[test]
    fn stop_reasons_map_to_finish_reasons() {
        assert_eq!(finish_reason("end_turn"), "stop");
        assert_eq!(finish_reason("stop_sequence"), "stop");
        assert_eq!(finish_reason("max_tokens"), "length");
    }
}
