//! Mistral AI's native text-completion body (Amazon Bedrock User Guide,
//! "Mistral AI text completion"): a `prompt` in, `outputs` of `text` and
//! `stop_reason` out, streamed as one `outputs` chunk per delta.

use serde_json::{Map, Value, json};

use super::completion::Completion;
use super::fields::{self, ConverseParts};
use crate::api_error::ApiError;

/// Mistral's completions: under `outputs`; the family does not reason.
pub const MISTRAL: Completion = Completion {
    key: "outputs",
    inline_reasoning: false,
};

/// The Converse body standing for a Mistral body: `prompt` (required; one
/// user message, the `<s>[INST] ... [/INST]` template included as the
/// client wrote it), `max_tokens` (>= 1; the model's largest output when
/// absent), `temperature`, `top_p` (0..1), `top_k` (>= 1) and `stop`
/// (the stop sequences).
pub fn to_converse(root: &Map<String, Value>) -> Result<ConverseParts, ApiError> {
    let prompt = fields::text(root, "prompt", "#")?;
    let max_tokens = fields::integer(root, "max_tokens", "#", 1)?;
    fields::unit_number(root, "temperature", "#")?;
    fields::unit_number(root, "top_p", "#")?;
    fields::integer(root, "top_k", "#", 1)?;
    let stop_sequences = fields::string_list(root, "stop", "#")?;
    Ok(ConverseParts {
        messages: vec![json!({ "role": "user", "content": [{ "text": prompt }] })],
        max_tokens,
        stop_sequences,
        ..ConverseParts::default()
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
        let parts = parse(
            r#"{"prompt":"<s>[INST] Hi [/INST]","max_tokens":64,"temperature":0.5,"top_p":0.9,"top_k":50,"stop":["END"]}"#,
        )
        .unwrap();
        assert_eq!(parts.max_tokens, Some(64));
        assert_eq!(parts.stop_sequences, vec!["END".to_string()]);
        assert_eq!(
            parts.messages,
            vec![json!({"role": "user", "content": [{"text": "<s>[INST] Hi [/INST]"}]})]
        );
        assert_eq!(parse(r#"{"prompt":"Hi"}"#).unwrap().max_tokens, None);
    }

    #[test]
    fn each_bad_body_names_its_field() {
        let cases = [
            (r#"{}"#, "#: required key [prompt]"),
            (r#"{"prompt":["x"]}"#, "#/prompt: expected type: String"),
            (r#"{"prompt":"x","max_tokens":0}"#, "#/max_tokens"),
            (
                r#"{"prompt":"x","max_tokens":"9"}"#,
                "#/max_tokens: expected type: Integer",
            ),
            (r#"{"prompt":"x","temperature":2}"#, "#/temperature"),
            (r#"{"prompt":"x","top_k":0}"#, "#/top_k"),
            (
                r#"{"prompt":"x","stop":"END"}"#,
                "#/stop: expected type: JSONArray",
            ),
            (r#"{"prompt":"x","stop":[""]}"#, "#/stop/0"),
        ];
        for (json, needle) in cases {
            let err = parse(json).unwrap_err();
            assert_eq!(err.error_type, "ValidationException");
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }
}
