//! Mistral AI's native text-completion body (Amazon Bedrock User Guide,
//! "Mistral AI text completion"): a `prompt` in, `outputs` of `text` and
//! `stop_reason` out, streamed as one `outputs` chunk per delta.

use super::completion::Completion;

/// Mistral's completions: under `outputs`; the family does not reason.
pub const MISTRAL: Completion = Completion {
    key: "outputs",
    inline_reasoning: false,
    takes_top_k: true,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_error::ApiError;
    use crate::native::fields::ConverseParts;
    use serde_json::{Map, Value, json};

    fn parse(json: &str) -> Result<ConverseParts, ApiError> {
        let root: Map<String, Value> = serde_json::from_str(json).unwrap();
        MISTRAL.to_converse(&root)
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
