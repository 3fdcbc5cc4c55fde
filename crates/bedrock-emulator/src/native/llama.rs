//! Meta Llama's native body (Amazon Bedrock User Guide, "Meta Llama
//! models"): a `prompt` and its `generation`, streamed as chunks of
//! `generation` with `generation_token_count` and, on the last,
//! `stop_reason`.

use serde_json::{Map, Value, json};

use super::answer_text;
use super::fields::{self, ConverseParts};
use crate::api_error::ApiError;
use crate::plan::StreamPlan;
use crate::timeline::ChunkKind;

/// The Converse body standing for a Llama body: `prompt` (one user
/// message, the chat template included as the client wrote it),
/// `max_gen_len`, `temperature`, `top_p`. `images` is refused.
pub fn to_converse(root: &Map<String, Value>) -> Result<ConverseParts, ApiError> {
    let prompt = fields::text(root, "prompt", "#")?;
    let max_tokens = fields::integer(root, "max_gen_len", "#", 1)?;
    fields::unit_number(root, "temperature", "#")?;
    fields::unit_number(root, "top_p", "#")?;
    if root.get("images").is_some_and(|v| !v.is_null()) {
        return Err(fields::malformed(
            "#/images",
            "the emulator does not read images in the native Llama format (use Converse for them)",
        ));
    }
    Ok(ConverseParts {
        messages: vec![json!({ "role": "user", "content": [{ "text": prompt }] })],
        max_tokens,
        ..ConverseParts::default()
    })
}

/// Llama's stop reason: `length` when the maximum cut the answer,
/// `stop` otherwise.
fn stop_reason(plan: &StreamPlan) -> &'static str {
    if plan.stop_reason == "max_tokens" {
        "length"
    } else {
        "stop"
    }
}

/// The chunk of delta `index`: its text (Llama streams nothing but
/// text), the prompt's tokens on the first, the tokens so far.
pub fn delta_events(plan: &StreamPlan, index: usize) -> Option<Value> {
    let chunk = plan.chunks.get(index)?;
    let generation = match chunk.kind {
        ChunkKind::Text { first_token } => plan.text(first_token, chunk.tokens),
        _ => String::new(),
    };
    let so_far: u32 = plan.chunks.iter().take(index + 1).map(|c| c.tokens).sum();
    Some(json!({
        "generation": generation,
        "prompt_token_count": if index == 0 { Value::from(plan.input_tokens) } else { Value::Null },
        "generation_token_count": so_far,
        "stop_reason": null,
    }))
}

/// The last chunk: no text, the stop reason.
pub fn end_event(plan: &StreamPlan) -> Value {
    json!({
        "generation": "",
        "prompt_token_count": if plan.chunks.is_empty() { Value::from(plan.input_tokens) } else { Value::Null },
        "generation_token_count": plan.output_tokens,
        "stop_reason": stop_reason(plan),
    })
}

/// The InvokeModel answer.
pub fn invoke_body(plan: &StreamPlan) -> Value {
    json!({
        "generation": answer_text(plan),
        "prompt_token_count": plan.input_tokens,
        "generation_token_count": plan.output_tokens,
        "stop_reason": stop_reason(plan),
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
    fn a_prompt_becomes_one_user_message() {
        let parts =
            parse(r#"{"prompt":"Hi","max_gen_len":64,"temperature":0.5,"top_p":0.9}"#).unwrap();
        assert_eq!(parts.max_tokens, Some(64));
        assert_eq!(
            parts.messages,
            vec![json!({"role": "user", "content": [{"text": "Hi"}]})]
        );
    }

    #[test]
    fn each_bad_body_names_its_field() {
        let cases = [
            (r#"{}"#, "#: required key [prompt]"),
            (r#"{"prompt":3}"#, "#/prompt: expected type: String"),
            (r#"{"prompt":"  "}"#, "#/prompt"),
            (r#"{"prompt":"x","max_gen_len":0}"#, "#/max_gen_len"),
            (r#"{"prompt":"x","top_p":1.2}"#, "#/top_p"),
            (r#"{"prompt":"x","images":["AAAA"]}"#, "#/images"),
        ];
        for (json, needle) in cases {
            let err = parse(json).unwrap_err();
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }
}
