//! DeepSeek's native text-completion body (Amazon Bedrock User Guide,
//! "DeepSeek models"): a `prompt` in, `choices` of `text` and
//! `stop_reason` out, streamed as one `choices` chunk per delta.
//!
//! DeepSeek-R1 reasons: as the model writes its reasoning before its
//! answer, the reasoning the plan has (the same words ConverseStream
//! sends as `reasoningContent`) goes in the same `text`, opened by
//! `<think>\n` on its first chunk and closed by `\n</think>\n\n` on the
//! first chunk of the answer.

use super::completion::Completion;

/// DeepSeek's completions: under `choices`, the reasoning inline.
pub const DEEPSEEK: Completion = Completion {
    key: "choices",
    inline_reasoning: true,
    takes_top_k: false,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_error::ApiError;
    use crate::native::fields::ConverseParts;
    use serde_json::{Map, Value, json};

    fn parse(json: &str) -> Result<ConverseParts, ApiError> {
        let root: Map<String, Value> = serde_json::from_str(json).unwrap();
        DEEPSEEK.to_converse(&root)
    }

    #[test]
    fn a_prompt_becomes_one_user_message() {
        let parts = parse(
            r#"{"prompt":"Why?","max_tokens":512,"temperature":0.6,"top_p":0.9,"stop":["\n\n"]}"#,
        )
        .unwrap();
        assert_eq!(parts.max_tokens, Some(512));
        assert_eq!(parts.stop_sequences, vec!["\n\n".to_string()]);
        assert_eq!(
            parts.messages,
            vec![json!({"role": "user", "content": [{"text": "Why?"}]})]
        );
    }

    #[test]
    fn each_bad_body_names_its_field() {
        let cases = [
            (r#"{"max_tokens":5}"#, "#: required key [prompt]"),
            (r#"{"prompt":7}"#, "#/prompt: expected type: String"),
            (r#"{"prompt":" "}"#, "#/prompt"),
            (r#"{"prompt":"x","max_tokens":-3}"#, "#/max_tokens"),
            (
                r#"{"prompt":"x","top_p":"high"}"#,
                "#/top_p: expected type: Number",
            ),
            (
                r#"{"prompt":"x","stop":[1]}"#,
                "#/stop/0: expected type: String",
            ),
        ];
        for (json, needle) in cases {
            let err = parse(json).unwrap_err();
            assert_eq!(err.error_type, "ValidationException");
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }
}
