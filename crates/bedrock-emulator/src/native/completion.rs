//! The wire shared by the text-completion formats of Mistral AI
//! (Amazon Bedrock User Guide, "Mistral AI text completion") and DeepSeek
//! (Amazon Bedrock User Guide, "DeepSeek models"): the answer is a list
//! of one `{"text", "stop_reason"}` object under the family's key
//! (`outputs` or `choices`); a streamed chunk carries one delta's text
//! with `"stop_reason": null`, and the last chunk the stop reason.

use serde_json::{Map, Value, json};

use super::fields::{self, ConverseParts};
use crate::api_error::ApiError;
use crate::plan::StreamPlan;
use crate::timeline::ChunkKind;
use crate::words::reasoning_text;

/// Opens the reasoning in the text of a model that writes its reasoning
/// inline (DeepSeek-R1).
pub const THINK_OPEN: &str = "<think>\n";
/// Closes it, before the answer.
pub const THINK_CLOSE: &str = "\n</think>\n\n";

/// How a family writes its completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// The key of the list of completions: `outputs` (Mistral) or
    /// `choices` (DeepSeek).
    pub key: &'static str,
    /// Whether the reasoning, when the plan has some, is written in the
    /// text between [`THINK_OPEN`] and [`THINK_CLOSE`] (DeepSeek);
    /// otherwise its chunks carry no text.
    pub inline_reasoning: bool,
    /// Whether the request takes `top_k` (Mistral).
    pub takes_top_k: bool,
}

impl Completion {
    /// The Converse body standing for a text-completion body: `prompt`
    /// (required; one user message, any chat template included as the
    /// client wrote it), `max_tokens` (>= 1; the model's largest output
    /// when absent), `temperature`, `top_p` (0..1), `top_k` (>= 1) where
    /// the family takes it, and `stop` (the stop sequences).
    pub fn to_converse(self, root: &Map<String, Value>) -> Result<ConverseParts, ApiError> {
        let prompt = fields::text(root, "prompt", "#")?;
        let max_tokens = fields::integer(root, "max_tokens", "#", 1)?;
        fields::unit_number(root, "temperature", "#")?;
        fields::unit_number(root, "top_p", "#")?;
        if self.takes_top_k {
            fields::integer(root, "top_k", "#", 1)?;
        }
        let stop_sequences = fields::string_list(root, "stop", "#")?;
        Ok(ConverseParts {
            messages: vec![json!({ "role": "user", "content": [{ "text": prompt }] })],
            max_tokens,
            stop_sequences,
            ..ConverseParts::default()
        })
    }
}

/// The stop reason: `length` when the maximum cut the answer, `stop`
/// otherwise (Converse's `end_turn` and `stop_sequence`).
pub fn stop_reason(plan: &StreamPlan) -> &'static str {
    if plan.stop_reason == "max_tokens" {
        "length"
    } else {
        "stop"
    }
}

impl Completion {
    /// The text of chunk `index`: its words, the reasoning's opening tag
    /// on the first reasoning chunk and its closing tag before the first
    /// text after the reasoning (inline reasoning only).
    pub fn chunk_text(self, plan: &StreamPlan, index: usize) -> String {
        let Some(chunk) = plan.chunks.get(index) else {
            return String::new();
        };
        let previous_reasons = index
            .checked_sub(1)
            .and_then(|i| plan.chunks.get(i))
            .is_some_and(|p| matches!(p.kind, ChunkKind::Reasoning { .. } | ChunkKind::Signature));
        match chunk.kind {
            ChunkKind::Text { first_token } => {
                let words = plan.text(first_token, chunk.tokens);
                if self.inline_reasoning && previous_reasons {
                    format!("{THINK_CLOSE}{words}")
                } else {
                    words
                }
            }
            ChunkKind::Reasoning { first_token } if self.inline_reasoning => {
                let words = reasoning_text(first_token, chunk.tokens);
                if previous_reasons {
                    words
                } else {
                    format!("{THINK_OPEN}{words}")
                }
            }
            _ => String::new(),
        }
    }

    /// One completion under the family's key.
    fn body(self, text: String, stop_reason: Option<&str>) -> Value {
        json!({ self.key: [{ "text": text, "stop_reason": stop_reason }] })
    }

    /// The chunk of delta `index`, `None` past the last delta.
    pub fn delta_event(self, plan: &StreamPlan, index: usize) -> Option<Value> {
        plan.chunks.get(index)?;
        Some(self.body(self.chunk_text(plan, index), None))
    }

    /// The last chunk: no text, the stop reason.
    pub fn end_event(self, plan: &StreamPlan) -> Value {
        self.body(String::new(), Some(stop_reason(plan)))
    }

    /// The InvokeModel answer: the texts of every chunk joined, as the
    /// stream would have written them, and the stop reason.
    pub fn invoke_body(self, plan: &StreamPlan) -> Value {
        let text: String = (0..plan.chunks.len())
            .map(|i| self.chunk_text(plan, i))
            .collect();
        self.body(text, Some(stop_reason(plan)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::PlannedChunk;

    fn chunk(kind: ChunkKind, tokens: u32, block: u32) -> PlannedChunk {
        PlannedChunk {
            at_s: 0.0,
            tokens,
            kind,
            block,
        }
    }

    fn reasoning_plan() -> StreamPlan {
        let mut plan = StreamPlan::empty();
        plan.chunks = vec![
            chunk(ChunkKind::Reasoning { first_token: 0 }, 2, 0),
            chunk(ChunkKind::Reasoning { first_token: 2 }, 1, 0),
            chunk(ChunkKind::Text { first_token: 0 }, 2, 1),
            chunk(ChunkKind::Text { first_token: 2 }, 1, 1),
        ];
        plan.reasoning_tokens = 3;
        plan.output_tokens = 6;
        plan.stop_reason = "end_turn";
        plan
    }

    #[test]
    fn inline_reasoning_is_wrapped_in_think_tags() {
        let plan = reasoning_plan();
        let deepseek = Completion {
            key: "choices",
            inline_reasoning: true,
            takes_top_k: false,
        };
        let texts: Vec<String> = (0..4).map(|i| deepseek.chunk_text(&plan, i)).collect();
        assert!(texts[0].starts_with(THINK_OPEN), "{texts:?}");
        assert!(!texts[1].contains("<think>"), "{texts:?}");
        assert!(!texts[1].contains("</think>"), "{texts:?}");
        assert!(texts[2].starts_with(THINK_CLOSE), "{texts:?}");
        let expected = format!(
            "{THINK_OPEN}{}{THINK_CLOSE}{}",
            reasoning_text(0, 3),
            plan.text(0, 3)
        );
        assert_eq!(texts.concat(), expected);
        let body = deepseek.invoke_body(&plan);
        assert_eq!(body["choices"][0]["text"], expected.as_str());
        assert_eq!(body["choices"][0]["stop_reason"], "stop");
    }

    #[test]
    fn without_inline_reasoning_only_the_answer_is_text() {
        let mut plan = reasoning_plan();
        plan.stop_reason = "max_tokens";
        let mistral = Completion {
            key: "outputs",
            inline_reasoning: false,
            takes_top_k: true,
        };
        assert_eq!(mistral.chunk_text(&plan, 0), "");
        let event = mistral.delta_event(&plan, 2).expect("a chunk");
        assert_eq!(event["outputs"][0]["text"], plan.text(0, 2).as_str());
        assert!(event["outputs"][0]["stop_reason"].is_null());
        assert_eq!(mistral.delta_event(&plan, 4), None);
        assert_eq!(
            mistral.end_event(&plan),
            json!({"outputs": [{"text": "", "stop_reason": "length"}]})
        );
        assert_eq!(
            mistral.invoke_body(&plan)["outputs"][0]["text"],
            plan.text(0, 3).as_str()
        );
    }
}
