//! Routing and validation of a ConverseStream request, with the errors
//! Bedrock gives for each kind of bad input.

use http::Method;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::dialect::Dialect;
use super::guardrail::{GuardrailRequest, converse_config};
use super::request_content::{self, CacheCheckpoint, ContentWalk};
use super::request_options::{inference_config, performance_config, service_tier, thinking_budget};
use super::request_tools::{ToolSpec, tool_config};
use bedrock_catalog::{PerformanceConfig, ServiceTier};

/// Which Bedrock operation a request calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `POST /model/{modelId}/converse-stream`: an event stream.
    ConverseStream,
    /// `POST /model/{modelId}/converse`: one JSON answer.
    Converse,
    /// `POST /model/{modelId}/invoke-with-response-stream`: an event
    /// stream of `chunk` events carrying the model family's native JSON.
    InvokeStream,
    /// `POST /model/{modelId}/invoke`: one answer in the model family's
    /// native JSON.
    Invoke,
    /// `POST /openai/v1/chat/completions` (or `/v1/chat/completions`):
    /// the OpenAI-compatible Chat Completions API; the model is named in
    /// the body, which also says whether the answer streams.
    ChatCompletions,
    /// `POST /anthropic/v1/messages` (or `/v1/messages`): the Anthropic
    /// Messages API; the model is named in the body, which also says
    /// whether the answer streams.
    Messages,
}

impl Operation {
    /// The ground truth's name: `converse-stream`, `converse`,
    /// `invoke-with-response-stream`, `invoke`, `chat-completions` or
    /// `messages`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::ConverseStream => "converse-stream",
            Operation::Converse => "converse",
            Operation::InvokeStream => "invoke-with-response-stream",
            Operation::Invoke => "invoke",
            Operation::ChatCompletions => "chat-completions",
            Operation::Messages => "messages",
        }
    }

    /// Whether the request body and the answer are the model family's
    /// native JSON (InvokeModel and InvokeModelWithResponseStream).
    pub fn is_native(self) -> bool {
        matches!(self, Operation::InvokeStream | Operation::Invoke)
    }

    /// Whether the model id and the streaming choice come in the body
    /// (Chat Completions, Messages).
    pub fn is_api(self) -> bool {
        matches!(self, Operation::ChatCompletions | Operation::Messages)
    }

    /// Whether the answer is an event stream (for the operations of
    /// [`Operation::is_api`], the body says).
    pub fn streams(self) -> bool {
        matches!(self, Operation::ConverseStream | Operation::InvokeStream)
    }
}

/// A request that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ConverseRequest {
    /// The model id, percent-decoded, exactly as the client named it.
    pub model_id: String,
    /// Estimated tokens of the whole prompt (tool definitions, system,
    /// messages, media), before the model's template overhead.
    pub text_tokens: u32,
    /// `inferenceConfig.maxTokens`, when given.
    pub max_tokens: Option<u32>,
    /// `performanceConfig.latency`, when given.
    pub latency: Option<PerformanceConfig>,
    /// `serviceTier.type`, when given.
    pub service_tier: Option<ServiceTier>,
    /// `inferenceConfig.stopSequences`.
    pub stop_sequences: Vec<String>,
    /// Anthropic's `thinking.budget_tokens`, when thinking is enabled.
    pub thinking_budget: Option<u32>,
    /// Every `cachePoint`, in prompt order.
    pub cache_checkpoints: Vec<CacheCheckpoint>,
    /// How many tools `toolConfig` offers (0 without one).
    pub tools_offered: usize,
    /// The tool the emulated model calls, by the rule of
    /// [`super::request_tools`].
    pub tool_call: Option<ToolSpec>,
    /// The guardrail asked for (`guardrailConfig`, or InvokeModel's
    /// guardrail headers).
    pub guardrail: Option<GuardrailRequest>,
    /// Characters of the messages' text (what the guardrail assesses on
    /// input).
    pub message_chars: u32,
    /// The text of every user message (for the guardrail's blocked
    /// words).
    pub user_text: String,
}

impl ConverseRequest {
    #[cfg(test)]
    /// A plain request for `model_id`: `text_tokens` of prompt and
    /// nothing else asked.
    pub fn plain(model_id: &str, text_tokens: u32) -> Self {
        ConverseRequest {
            model_id: model_id.to_string(),
            text_tokens,
            max_tokens: None,
            latency: None,
            service_tier: None,
            stop_sequences: Vec::new(),
            thinking_budget: None,
            cache_checkpoints: Vec::new(),
            tools_offered: 0,
            tool_call: None,
            guardrail: None,
            message_chars: 0,
            user_text: String::new(),
        }
    }
}

/// The path suffix of each model operation.
const SUFFIXES: [(&str, Operation); 4] = [
    ("/converse-stream", Operation::ConverseStream),
    ("/converse", Operation::Converse),
    ("/invoke-with-response-stream", Operation::InvokeStream),
    ("/invoke", Operation::Invoke),
];

/// The model id and operation of a `POST /model/{modelId}/converse-stream`,
/// `/converse`, `/invoke-with-response-stream` or `/invoke` request, or
/// the 404 other paths get. The id may arrive percent-encoded as one
/// segment (`%3A`, `%2F`) or, for ARNs, with literal slashes.
///
/// The Chat Completions and Messages paths route with an empty model id:
/// theirs is in the body.
pub fn route(method: &Method, path: &str) -> Result<(String, Operation), ApiError> {
    let api = match Dialect::of_path(path) {
        Dialect::OpenAi => Some(Operation::ChatCompletions),
        Dialect::Anthropic => Some(Operation::Messages),
        Dialect::Bedrock => None,
    };
    if let Some(operation) = api {
        return if method == Method::POST {
            Ok((String::new(), operation))
        } else {
            Err(ApiError::unknown_operation(format!(
                "{path} takes POST, not {method}."
            )))
        };
    }
    let rest = path.strip_prefix("/model/");
    let routed = rest.and_then(|r| {
        SUFFIXES.iter().find_map(|(suffix, operation)| {
            r.strip_suffix(suffix)
                .filter(|m| !m.is_empty())
                .map(|m| (m, *operation))
        })
    });
    match (method, routed) {
        (&Method::POST, Some((raw, operation))) => decode_model_id(raw).map(|id| (id, operation)),
        (_, Some(_)) => Err(ApiError::unknown_operation(format!(
            "Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream take POST, not {method}."
        ))),
        _ => Err(ApiError::unknown_operation(format!(
            "No operation at {path}; this emulator serves POST /model/{{modelId}}/converse-stream, /converse, /invoke-with-response-stream, /invoke and /count-tokens, POST /openai/v1/chat/completions (or /v1/chat/completions) and /anthropic/v1/messages (or /v1/messages), and GET /foundation-models[/{{modelIdentifier}}] and /inference-profiles."
        ))),
    }
}

/// A model id as it stands in a path, percent-decoded.
pub fn decode_model_id(raw: &str) -> Result<String, ApiError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|id| id.into_owned())
        .map_err(|_| {
            ApiError::validation("The model identifier is not valid UTF-8 after percent-decoding.")
        })
}

/// Parse and validate the JSON body (the checks that need the model are
/// in [`super::model_rules`]).
pub fn parse_body(model_id: String, body: &[u8]) -> Result<ConverseRequest, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::validation(format!(
            "Malformed input request: the body is not valid JSON ({e})."
        ))
    })?;
    let Value::Object(root) = value else {
        return Err(ApiError::validation(
            "Malformed input request: the body must be a JSON object.",
        ));
    };
    parse_object(model_id, &root)
}

/// Validate a Converse body already parsed as a JSON object (a native
/// InvokeModel body is translated into one, see [`super::native`]).
pub fn parse_object(
    model_id: String,
    root: &Map<String, Value>,
) -> Result<ConverseRequest, ApiError> {
    let mut walk = ContentWalk::new();
    let tools = tool_config(root, &mut walk)?;
    request_content::system(root, &mut walk)?;
    request_content::messages(root, &mut walk)?;
    let content = walk.finish();
    let inference = inference_config(root)?;
    let latency = performance_config(root)?;
    let service_tier = service_tier(root)?;
    let thinking_budget = thinking_budget(root)?;
    let guardrail = converse_config(root)?;
    let tool_call = tools
        .as_ref()
        .and_then(|t| t.called(&content.last_user_text))
        .cloned();
    Ok(ConverseRequest {
        model_id,
        text_tokens: content.tokens,
        max_tokens: inference.max_tokens,
        latency,
        service_tier,
        stop_sequences: inference.stop_sequences,
        thinking_budget,
        cache_checkpoints: content.checkpoints,
        tools_offered: tools.map_or(0, |t| t.specs.len()),
        tool_call,
        user_text: content.user_text,
        guardrail,
        message_chars: content.message_chars,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> Result<ConverseRequest, ApiError> {
        parse_body("m".into(), json.as_bytes())
    }

    #[test]
    fn routes_decode_ids_with_colons_and_slashes() {
        assert_eq!(
            route(
                &Method::POST,
                "/model/us.amazon.nova-pro-v1%3A0/converse-stream"
            )
            .unwrap(),
            (
                "us.amazon.nova-pro-v1:0".to_string(),
                Operation::ConverseStream
            )
        );
        assert_eq!(
            route(
                &Method::POST,
                "/model/arn%3Aaws%3Abedrock%3Aus-east-2%3A1%3Ainference-profile%2Fus.x.y-v1%3A0/converse-stream"
            )
            .unwrap()
            .0,
            "arn:aws:bedrock:us-east-2:1:inference-profile/us.x.y-v1:0"
        );
        assert_eq!(
            route(
                &Method::POST,
                "/model/arn:aws:bedrock:r:1:inference-profile/us.x.y-v1:0/converse-stream"
            )
            .unwrap()
            .0,
            "arn:aws:bedrock:r:1:inference-profile/us.x.y-v1:0"
        );
        assert_eq!(
            route(&Method::GET, "/model/x/converse-stream")
                .unwrap_err()
                .status,
            404
        );
        assert_eq!(
            route(&Method::POST, "/model/x/converse").unwrap(),
            ("x".to_string(), Operation::Converse)
        );
        assert_eq!(
            route(&Method::POST, "/model/x/invoke").unwrap(),
            ("x".to_string(), Operation::Invoke)
        );
        assert_eq!(
            route(&Method::POST, "/model/a%3A0/invoke-with-response-stream").unwrap(),
            ("a:0".to_string(), Operation::InvokeStream)
        );
        assert_eq!(
            route(&Method::POST, "/model/x/embed").unwrap_err().status,
            404
        );
        assert!(
            route(&Method::POST, "/model/x/embed")
                .unwrap_err()
                .message
                .contains("/invoke-with-response-stream, /invoke")
        );
        assert_eq!(
            route(&Method::POST, "/model//converse-stream")
                .unwrap_err()
                .status,
            404
        );
    }

    #[test]
    fn a_valid_body_parses() {
        let r = body(
            r#"{"inferenceConfig":{"temperature":0.8999999761581421,"maxTokens":50,"topP":1.0},
                "messages":[{"role":"user","content":[{"text":"Explain the concept of machine learning in simple terms."}]}],
                "system":[{"text":"Be brief."}],
                "performanceConfig":{"latency":"optimized"}}"#,
        )
        .unwrap();
        assert_eq!(r.max_tokens, Some(50));
        assert_eq!(r.latency, Some(PerformanceConfig::Optimized));
        assert_eq!(r.text_tokens, 10 + 3);
    }

    #[test]
    fn each_bad_body_is_a_validation_exception() {
        let cases = [
            ("not json", "not valid JSON"),
            ("[]", "JSON object"),
            ("{}", "'messages'"),
            (r#"{"messages":[]}"#, "start with a user message"),
            (
                r#"{"messages":[{"role":"assistant","content":[{"text":"x"}]}]}"#,
                "start with a user message",
            ),
            (
                r#"{"messages":[{"role":"robot","content":[{"text":"x"}]}]}"#,
                "messages.1.role",
            ),
            (r#"{"messages":[{"role":"user"}]}"#, "messages.1.content"),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":0}}"#,
                "greater than or equal to 1",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"temperature":1.5}}"#,
                "inferenceConfig.temperature",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"topP":-0.1}}"#,
                "inferenceConfig.topP",
            ),
            (
                r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"performanceConfig":{"latency":"fast"}}"#,
                "Value 'fast' at 'performanceConfig.latency'",
            ),
        ];
        for (json, needle) in cases {
            let err = body(json).unwrap_err();
            assert_eq!(err.error_type, "ValidationException", "{json}");
            assert_eq!(err.status, 400, "{json}");
            assert!(err.message.contains(needle), "{json}: {}", err.message);
        }
    }
}
