//! Reading a Chat Completions request body: `model`, `messages` (roles
//! `system`/`developer`, `user`, `assistant`; content a string or text
//! parts), `max_tokens` / `max_completion_tokens`, `temperature`,
//! `top_p`, `stop`, `stream` and `stream_options.include_usage`. Fields
//! the emulator does not model (`tools`, `n` of 1, `seed`, `user`...) are
//! not read.

use serde_json::{Map, Value, json};

use crate::api_error::ApiError;
use crate::native::fields::ConverseParts;
use bedrock_catalog::Family;

/// The path named in the error for a model the route does not serve.
const ROUTE: &str = "/v1/chat/completions";

/// A Chat Completions request, as the plan needs it.
#[derive(Debug)]
pub struct ChatRequest {
    /// `model`.
    pub model: String,
    /// `stream`.
    pub stream: bool,
    /// `stream_options.include_usage`.
    pub include_usage: bool,
    /// The Converse request asking the same.
    pub parts: ConverseParts,
}

/// A 400 naming the field.
fn invalid(field: &str, problem: &str) -> ApiError {
    ApiError::validation(format!("Invalid '{field}': {problem}"))
}

/// Parse a Chat Completions body.
pub fn parse(body: &[u8]) -> Result<ChatRequest, ApiError> {
    let root = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(root)) => root,
        Ok(_) => return Err(ApiError::validation("The body must be a JSON object.")),
        Err(e) => {
            return Err(ApiError::validation(format!(
                "We could not parse the JSON body of your request ({e})."
            )));
        }
    };
    let model = match root.get("model") {
        Some(Value::String(model)) if !model.is_empty() => model.clone(),
        Some(_) => return Err(invalid("model", "expected a non-empty string.")),
        None => return Err(ApiError::validation("Missing required parameter: 'model'.")),
    };
    let max_tokens = match (
        count(&root, "max_completion_tokens")?,
        count(&root, "max_tokens")?,
    ) {
        (Some(n), _) | (None, Some(n)) => Some(n),
        (None, None) => None,
    };
    number_in(&root, "temperature", 2.0)?;
    number_in(&root, "top_p", 1.0)?;
    let stop_sequences = match root.get("stop") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(stop)) => vec![stop.clone()],
        Some(Value::Array(stops)) => stops
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid("stop", "expected a string or an array of strings."))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid("stop", "expected a string or an array of strings.")),
    };
    let stream = match root.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stream)) => *stream,
        Some(_) => return Err(invalid("stream", "expected a boolean.")),
    };
    let include_usage = match root.get("stream_options") {
        None | Some(Value::Null) => false,
        Some(Value::Object(options)) => match options.get("include_usage") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(include)) => *include,
            Some(_) => {
                return Err(invalid(
                    "stream_options.include_usage",
                    "expected a boolean.",
                ));
            }
        },
        Some(_) => return Err(invalid("stream_options", "expected an object.")),
    };
    let (system, messages) = messages(&root)?;
    Ok(ChatRequest {
        model,
        stream,
        include_usage,
        parts: ConverseParts {
            messages,
            system,
            max_tokens,
            stop_sequences,
        },
    })
}

/// A positive integer at `root[key]`, `None` when absent or null.
fn count(root: &Map<String, Value>, key: &str) -> Result<Option<u32>, ApiError> {
    match root.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64() {
            Some(n) if n >= 1 => Ok(Some(u32::try_from(n).unwrap_or(u32::MAX))),
            _ => Err(invalid(key, "expected an integer of at least 1.")),
        },
    }
}

/// A number between 0 and `max` at `root[key]`, when present.
fn number_in(root: &Map<String, Value>, key: &str, max: f64) -> Result<(), ApiError> {
    match root.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(value) => match value.as_f64() {
            Some(x) if (0.0..=max).contains(&x) => Ok(()),
            _ => Err(invalid(key, &format!("expected a number from 0 to {max}."))),
        },
    }
}

/// The system blocks and the Converse messages of `messages`: system
/// (and developer) messages go to the system prompt, and consecutive
/// messages of one role are joined (Converse alternates roles).
fn messages(root: &Map<String, Value>) -> Result<(Vec<Value>, Vec<Value>), ApiError> {
    let listed = match root.get("messages") {
        Some(Value::Array(listed)) if !listed.is_empty() => listed,
        Some(Value::Array(_)) => {
            return Err(invalid(
                "messages",
                "empty array. Expected at least 1 message.",
            ));
        }
        Some(_) => return Err(invalid("messages", "expected an array.")),
        None => {
            return Err(ApiError::validation(
                "Missing required parameter: 'messages'.",
            ));
        }
    };
    let mut system = Vec::new();
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for (i, message) in listed.iter().enumerate() {
        let field = format!("messages[{i}]");
        let Some(message) = message.as_object() else {
            return Err(invalid(&field, "expected an object."));
        };
        let role = match message.get("role").and_then(Value::as_str) {
            Some("system" | "developer") => None,
            Some("user") => Some("user"),
            Some("assistant") => Some("assistant"),
            Some(other) => {
                return Err(invalid(
                    &format!("{field}.role"),
                    &format!(
                        "the emulator reads system, developer, user and assistant messages, not '{other}'."
                    ),
                ));
            }
            None => {
                return Err(ApiError::validation(format!(
                    "Missing required parameter: '{field}.role'."
                )));
            }
        };
        let blocks = content(message.get("content"), &format!("{field}.content"))?;
        match role {
            None => system.extend(blocks),
            Some(role) => match turns.last_mut() {
                Some((last, content)) if *last == role => content.extend(blocks),
                _ => turns.push((role, blocks)),
            },
        }
    }
    let messages = turns
        .into_iter()
        .map(|(role, content)| json!({ "role": role, "content": content }))
        .collect();
    Ok((system, messages))
}

/// A message's content as Converse text blocks: a string, or text parts.
fn content(value: Option<&Value>, field: &str) -> Result<Vec<Value>, ApiError> {
    match value {
        Some(Value::String(text)) => Ok(vec![json!({ "text": text })]),
        Some(Value::Array(parts)) => parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let part_field = format!("{field}[{i}]");
                match (
                    part.get("type").and_then(Value::as_str),
                    part.get("text").and_then(Value::as_str),
                ) {
                    (Some("text"), Some(text)) => Ok(json!({ "text": text })),
                    (Some("text"), None) => {
                        Err(invalid(&format!("{part_field}.text"), "expected a string."))
                    }
                    (Some(other), _) => Err(invalid(
                        &format!("{part_field}.type"),
                        &format!("the emulator reads text parts only, not '{other}'."),
                    )),
                    (None, _) => Err(ApiError::validation(format!(
                        "Missing required parameter: '{part_field}.type'."
                    ))),
                }
            })
            .collect(),
        Some(_) => Err(invalid(field, "expected a string or an array of parts.")),
        None => Err(ApiError::validation(format!(
            "Missing required parameter: '{field}'."
        ))),
    }
}

/// Whether Chat Completions serves `model_id`: the open-weight models
/// (OpenAI gpt-oss, DeepSeek, Mistral, and the others the emulator may
/// accept), not Claude, Nova, Titan or Llama, which answer the 400
/// Bedrock gives.
pub fn check_model(model_id: &str) -> Result<(), ApiError> {
    match Family::of(model_id) {
        Family::Anthropic | Family::AmazonNova | Family::Amazon | Family::Meta => {
            Err(ApiError::validation(format!(
                "The model '{model_id}' does not support the '{ROUTE}' API"
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_body_becomes_converse_parts() {
        let request = parse(
            br#"{"model":"deepseek.v3-v1:0","stream":true,"stream_options":{"include_usage":true},
                "max_completion_tokens":40,"temperature":1.5,"top_p":0.9,"stop":"END",
                "messages":[{"role":"system","content":"Be brief."},
                            {"role":"user","content":"Hi"},
                            {"role":"user","content":[{"type":"text","text":"there"}]},
                            {"role":"assistant","content":"Yes?"},
                            {"role":"user","content":"Go"}]}"#,
        )
        .unwrap();
        assert_eq!(request.model, "deepseek.v3-v1:0");
        assert!(request.stream && request.include_usage);
        assert_eq!(request.parts.max_tokens, Some(40));
        assert_eq!(request.parts.stop_sequences, vec!["END".to_string()]);
        assert_eq!(request.parts.system, vec![json!({"text": "Be brief."})]);
        assert_eq!(request.parts.messages.len(), 3);
        assert_eq!(
            request.parts.messages[0],
            json!({"role": "user", "content": [{"text": "Hi"}, {"text": "there"}]})
        );
    }

    #[test]
    fn bad_bodies_name_their_field() {
        let cases = [
            (r#"[]"#, "JSON object"),
            (r#"{"messages":[{"role":"user","content":"x"}]}"#, "'model'"),
            (r#"{"model":"m"}"#, "'messages'"),
            (r#"{"model":"m","messages":[]}"#, "'messages'"),
            (
                r#"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#,
                "messages[0].role",
            ),
            (
                r#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#,
                "messages[0].content[0].type",
            ),
            (
                r#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#,
                "'max_tokens'",
            ),
            (
                r#"{"model":"m","temperature":3,"messages":[{"role":"user","content":"x"}]}"#,
                "'temperature'",
            ),
            (
                r#"{"model":"m","stop":7,"messages":[{"role":"user","content":"x"}]}"#,
                "'stop'",
            ),
            (
                r#"{"model":"m","stream":"yes","messages":[{"role":"user","content":"x"}]}"#,
                "'stream'",
            ),
        ];
        for (body, needle) in cases {
            let err = parse(body.as_bytes()).unwrap_err();
            assert_eq!(err.status, 400, "{body}");
            assert!(err.message.contains(needle), "{body}: {}", err.message);
        }
    }

    #[test]
    fn claude_is_not_served_by_chat_completions() {
        assert!(check_model("openai.gpt-oss-20b-1:0").is_ok());
        assert!(check_model("deepseek.v3-v1:0").is_ok());
        let err = check_model("us.anthropic.claude-sonnet-4-20250514-v1:0").unwrap_err();
        assert_eq!(
            err.message,
            "The model 'us.anthropic.claude-sonnet-4-20250514-v1:0' does not support the '/v1/chat/completions' API"
        );
        assert!(check_model("us.amazon.nova-pro-v1:0").is_err());
    }
}
