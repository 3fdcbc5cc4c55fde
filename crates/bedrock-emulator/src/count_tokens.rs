//! `POST /model/{modelId}/count-tokens`: Bedrock's CountTokens. Free and
//! not a model call (no ground-truth line, no quota): it answers
//! `{"inputTokens": N}`, the input tokens a call with the same input is
//! billed by this emulator (its estimate of the prompt, counted as the
//! Converse request is, plus the model's template overhead), so that a
//! client can size a prompt to a token count and find the same count in
//! the call's usage.
//!
//! The request is the union `{"input": {"converse": {...}}}` (the
//! Converse request's `messages`, `system`, `toolConfig` and
//! `additionalModelRequestFields`) or `{"input": {"invokeModel": {"body":
//! "<base64>"}}}` (a model's native body: Anthropic's Messages format is
//! read). As on Bedrock, only a model's base id is accepted (an inference
//! profile is refused) and only models the catalog lists with token
//! counting (`ModelInfo::counts_tokens`) are counted.

use std::sync::Arc;
use std::time::Instant;

use http::{Method, Request};
use hyper::body::Incoming;
use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::api_key::authorize;
use super::request::decode_model_id;
use super::request_body::read_body;
use super::request_content::{self, ContentWalk};
use super::request_tools::tool_config;
use super::state::Shared;
use bedrock_catalog::is_profile_id;
use bedrock_catalog::tokens::estimate_tokens;

/// What Bedrock answers for a model it cannot count.
const NOT_SUPPORTED: &str = "The provided model doesn't support counting tokens.";

/// The model id of a `/model/{modelId}/count-tokens` path (`None` for any
/// other path), or the error for a method other than POST or an id that
/// does not decode.
pub fn route(method: &Method, path: &str) -> Option<Result<String, ApiError>> {
    let raw = path
        .strip_prefix("/model/")?
        .strip_suffix("/count-tokens")
        .filter(|raw| !raw.is_empty())?;
    if method != Method::POST {
        return Some(Err(ApiError::unknown_operation(format!(
            "CountTokens takes POST, not {method}."
        ))));
    }
    Some(decode_model_id(raw))
}

/// Answer a CountTokens request for `model_id`: the JSON body of the
/// answer, or the error.
pub async fn answer(
    shared: &Arc<Shared>,
    model_id: Result<String, ApiError>,
    request: Request<Incoming>,
    received: Instant,
) -> Result<String, ApiError> {
    let (parts, body) = request.into_parts();
    // The body is read before any answer, as for a model call.
    let body = read_body(
        &parts.headers,
        parts.version,
        body,
        &shared.bodies,
        received,
    )
    .await;
    let model_id = model_id?;
    authorize(&parts.headers, &shared.api_keys, false)?;
    let body = body.map_err(|e| e.error)?;
    let tokens = count(shared, &model_id, &body.bytes)?;
    Ok(serde_json::json!({ "inputTokens": tokens }).to_string())
}

/// The input tokens of `body` for `model_id`.
fn count(shared: &Shared, model_id: &str, body: &[u8]) -> Result<u32, ApiError> {
    let Some(model) = shared.profiles.lookup(model_id) else {
        return Err(ApiError::validation(
            "The provided model identifier is invalid.",
        ));
    };
    let counts = bedrock_catalog::model(model_id).is_some_and(|info| info.counts_tokens);
    if is_profile_id(model_id) || !counts {
        return Err(ApiError::validation(NOT_SUPPORTED));
    }
    let input = input(body)?;
    let tokens = match input {
        Input::Converse(request) => converse_tokens(&request)?,
        Input::InvokeModel(native) => native_tokens(&native),
    };
    Ok(tokens.saturating_add(model.input_token_overhead))
}

/// The member of the request's `input` union.
enum Input {
    Converse(Map<String, Value>),
    InvokeModel(Value),
}

fn input(body: &[u8]) -> Result<Input, ApiError> {
    let root: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::validation(format!(
            "Malformed input request: the body is not valid JSON ({e})."
        ))
    })?;
    let input = match root {
        Value::Object(mut map) => map.remove("input"),
        _ => None,
    };
    let Some(Value::Object(mut input)) = input else {
        return Err(ApiError::validation(
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must not be null (an object with `converse` or `invokeModel`).",
        ));
    };
    if input.len() != 1 {
        return Err(ApiError::validation(
            "Malformed input request: `input` must set exactly one of `converse` and `invokeModel`.",
        ));
    }
    match (input.remove("converse"), input.remove("invokeModel")) {
        (Some(Value::Object(converse)), None) => Ok(Input::Converse(converse)),
        (None, Some(Value::Object(invoke))) => {
            let Some(Value::String(encoded)) = invoke.get("body") else {
                return Err(ApiError::validation(
                    "Malformed input request: `input.invokeModel.body` must be the base64 text of the model's request body.",
                ));
            };
            let bytes = aws_smithy_types::base64::decode(encoded).map_err(|_| {
                ApiError::validation(
                    "Malformed input request: `input.invokeModel.body` is not valid base64.",
                )
            })?;
            let native = serde_json::from_slice(&bytes).map_err(|e| {
                ApiError::validation(format!(
                    "Malformed input request: `input.invokeModel.body` is not a JSON document ({e})."
                ))
            })?;
            Ok(Input::InvokeModel(native))
        }
        _ => Err(ApiError::validation(
            "Malformed input request: `input.converse` and `input.invokeModel` must be objects.",
        )),
    }
}

/// A Converse input's tokens, counted and validated as ConverseStream's
/// request is.
fn converse_tokens(request: &Map<String, Value>) -> Result<u32, ApiError> {
    let mut walk = ContentWalk::new();
    tool_config(request, &mut walk)?;
    request_content::system(request, &mut walk)?;
    request_content::messages(request, &mut walk)?;
    Ok(walk.finish().tokens)
}

/// A native (Anthropic Messages) body's tokens: its `system` (text or text
/// blocks), every message's text (a string or blocks: text counted as
/// text, any other block by its JSON), and its `tools` by their JSON.
fn native_tokens(native: &Value) -> u32 {
    let mut tokens = 0u32;
    let mut add = |n: u32| tokens = tokens.saturating_add(n);
    if let Some(system) = native.get("system") {
        add(text_tokens(system));
    }
    for message in native
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(content) = message.get("content") {
            add(text_tokens(content));
        }
    }
    if let Some(tools) = native.get("tools") {
        add(estimate_tokens(&tools.to_string()));
    }
    tokens
}

/// Tokens of a content value: a string, or blocks (a text block by its
/// text, any other by its JSON).
fn text_tokens(content: &Value) -> u32 {
    match content {
        Value::String(text) => estimate_tokens(text),
        Value::Array(blocks) => blocks
            .iter()
            .map(|block| match block.get("text").and_then(Value::as_str) {
                Some(text) => estimate_tokens(text),
                None => estimate_tokens(&block.to_string()),
            })
            .fold(0u32, u32::saturating_add),
        other => estimate_tokens(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_only_count_tokens_paths() {
        assert_eq!(
            route(
                &Method::POST,
                "/model/anthropic.claude-sonnet-4-20250514-v1%3A0/count-tokens"
            )
            .map(Result::unwrap),
            Some("anthropic.claude-sonnet-4-20250514-v1:0".to_string())
        );
        assert!(route(&Method::GET, "/model/x/count-tokens").is_some_and(|r| r.is_err()));
        assert!(route(&Method::POST, "/model/x/converse").is_none());
        assert!(route(&Method::POST, "/model//count-tokens").is_none());
    }

    #[test]
    fn native_bodies_count_their_text() {
        let native = serde_json::json!({
            "anthropic_version": "bedrock-2023-05-31",
            "system": "Be brief.",
            "messages": [
                {"role": "user", "content": "Hello there"},
                {"role": "assistant", "content": [{"type": "text", "text": "Hi"}]}
            ],
            "max_tokens": 10
        });
        assert_eq!(
            native_tokens(&native),
            estimate_tokens("Be brief.") + estimate_tokens("Hello there") + estimate_tokens("Hi")
        );
    }
}
