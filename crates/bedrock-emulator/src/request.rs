//! Routing and validation of a ConverseStream request, with the errors
//! Bedrock gives for each kind of bad input.

use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::api_error::ApiError;
use bedrock_catalog::PerformanceConfig;
use bedrock_catalog::tokens::estimate_tokens;

/// A request that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ConverseRequest {
    /// The model id, percent-decoded, exactly as the client named it.
    pub model_id: String,
    /// Estimated tokens of every text block (messages and system), before
    /// the model's template overhead.
    pub text_tokens: u32,
    /// `inferenceConfig.maxTokens`, when given.
    pub max_tokens: Option<u32>,
    /// `performanceConfig.latency`, when given.
    pub latency: Option<PerformanceConfig>,
}

/// The model id of a `POST /model/{modelId}/converse-stream` request, or
/// the 404 other paths get. The id may arrive percent-encoded as one
/// segment (`%3A`, `%2F`) or, for ARNs, with literal slashes.
pub fn route(method: &Method, path: &str) -> Result<String, ApiError> {
    let model = path
        .strip_prefix("/model/")
        .and_then(|rest| rest.strip_suffix("/converse-stream"))
        .filter(|m| !m.is_empty());
    match (method, model) {
        (&Method::POST, Some(raw)) => percent_decode_str(raw)
            .decode_utf8()
            .map(|id| id.into_owned())
            .map_err(|_| {
                ApiError::validation(
                    "The model identifier is not valid UTF-8 after percent-decoding.",
                )
            }),
        (_, Some(_)) => Err(ApiError::unknown_operation(format!(
            "ConverseStream takes POST, not {method}."
        ))),
        _ => Err(ApiError::unknown_operation(format!(
            "No operation at {path}; this emulator serves POST /model/{{modelId}}/converse-stream only."
        ))),
    }
}

/// Require an `Authorization` header: SigV4 (`AWS4-HMAC-SHA256 ...`) or a
/// bearer token. Signatures are not verified.
pub fn authorize(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Err(ApiError::access_denied(
            "Missing Authentication Token: the request has no Authorization header.",
        ));
    };
    let value = value.to_str().unwrap_or("");
    if value.starts_with("AWS4-HMAC-SHA256 ") || value.starts_with("Bearer ") {
        Ok(())
    } else {
        Err(ApiError::access_denied(
            "Authorization header must be a SigV4 signature (AWS4-HMAC-SHA256) or a Bearer token.",
        ))
    }
}

/// Parse and validate the JSON body.
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
    let mut text_tokens = messages_tokens(&root)?;
    text_tokens = text_tokens.saturating_add(system_tokens(&root)?);
    let max_tokens = inference_config(&root)?;
    let latency = performance_config(&root)?;
    Ok(ConverseRequest {
        model_id,
        text_tokens,
        max_tokens,
        latency,
    })
}

fn constraint(value: &Value, path: &str, rule: &str) -> ApiError {
    let shown = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    ApiError::validation(format!(
        "1 validation error detected: Value '{shown}' at '{path}' failed to satisfy constraint: {rule}"
    ))
}

fn messages_tokens(root: &Map<String, Value>) -> Result<u32, ApiError> {
    let messages = match root.get("messages") {
        None | Some(Value::Null) => {
            return Err(ApiError::validation(
                "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
            ));
        }
        Some(Value::Array(list)) => list,
        Some(other) => return Err(constraint(other, "messages", "Member must be a list")),
    };
    if messages.is_empty() {
        return Err(ApiError::validation(
            "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
        ));
    }
    let mut tokens = 0u32;
    for (index, message) in messages.iter().enumerate() {
        let path = format!("messages.{}", index + 1);
        let Value::Object(message) = message else {
            return Err(constraint(message, &path, "Member must be a structure"));
        };
        match message.get("role").and_then(Value::as_str) {
            Some("user") | Some("assistant") => {}
            _ => {
                let role = message.get("role").cloned().unwrap_or(Value::Null);
                return Err(constraint(
                    &role,
                    &format!("{path}.role"),
                    "Member must satisfy enum value set: [user, assistant]",
                ));
            }
        }
        if index == 0 && message.get("role").and_then(Value::as_str) != Some("user") {
            return Err(ApiError::validation(
                "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
            ));
        }
        let content = match message.get("content") {
            Some(Value::Array(content)) if !content.is_empty() => content,
            other => {
                return Err(constraint(
                    other.unwrap_or(&Value::Null),
                    &format!("{path}.content"),
                    "Member must be a non-empty list of content blocks",
                ));
            }
        };
        tokens = tokens.saturating_add(blocks_tokens(content));
    }
    Ok(tokens)
}

fn system_tokens(root: &Map<String, Value>) -> Result<u32, ApiError> {
    match root.get("system") {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Array(blocks)) => Ok(blocks_tokens(blocks)),
        Some(other) => Err(constraint(other, "system", "Member must be a list")),
    }
}

fn blocks_tokens(blocks: &[Value]) -> u32 {
    blocks
        .iter()
        .filter_map(|block| block.get("text").and_then(Value::as_str))
        .map(estimate_tokens)
        .fold(0u32, u32::saturating_add)
}

/// `maxTokens`, after checking that the sampling parameters are in range.
fn inference_config(root: &Map<String, Value>) -> Result<Option<u32>, ApiError> {
    let config = match root.get("inferenceConfig") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(config)) => config,
        Some(other) => {
            return Err(constraint(
                other,
                "inferenceConfig",
                "Member must be a structure",
            ));
        }
    };
    let max_tokens = match config.get("maxTokens") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let n = value.as_f64().filter(|n| n.fract() == 0.0);
            match n {
                Some(n) if n >= 1.0 => Some(n.min(f64::from(u32::MAX)) as u32),
                Some(_) => {
                    return Err(constraint(
                        value,
                        "inferenceConfig.maxTokens",
                        "Member must have value greater than or equal to 1",
                    ));
                }
                None => {
                    return Err(constraint(
                        value,
                        "inferenceConfig.maxTokens",
                        "Member must be an integer",
                    ));
                }
            }
        }
    };
    for field in ["temperature", "topP"] {
        match config.get(field) {
            None | Some(Value::Null) => {}
            Some(value) => match value.as_f64() {
                Some(x) if (0.0..=1.0).contains(&x) => {}
                Some(x) if x < 0.0 => {
                    return Err(constraint(
                        value,
                        &format!("inferenceConfig.{field}"),
                        "Member must have value greater than or equal to 0",
                    ));
                }
                Some(_) => {
                    return Err(constraint(
                        value,
                        &format!("inferenceConfig.{field}"),
                        "Member must have value less than or equal to 1",
                    ));
                }
                None => {
                    return Err(constraint(
                        value,
                        &format!("inferenceConfig.{field}"),
                        "Member must be a number",
                    ));
                }
            },
        }
    }
    Ok(max_tokens)
}

fn performance_config(root: &Map<String, Value>) -> Result<Option<PerformanceConfig>, ApiError> {
    let config = match root.get("performanceConfig") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(config)) => config,
        Some(other) => {
            return Err(constraint(
                other,
                "performanceConfig",
                "Member must be a structure",
            ));
        }
    };
    match config.get("latency") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "standard" => Ok(Some(PerformanceConfig::Standard)),
        Some(Value::String(s)) if s == "optimized" => Ok(Some(PerformanceConfig::Optimized)),
        Some(other) => Err(constraint(
            other,
            "performanceConfig.latency",
            "Member must satisfy enum value set: [standard, optimized]",
        )),
    }
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
            "us.amazon.nova-pro-v1:0"
        );
        assert_eq!(
            route(
                &Method::POST,
                "/model/arn%3Aaws%3Abedrock%3Aus-east-2%3A1%3Ainference-profile%2Fus.x.y-v1%3A0/converse-stream"
            )
            .unwrap(),
            "arn:aws:bedrock:us-east-2:1:inference-profile/us.x.y-v1:0"
        );
        assert_eq!(
            route(
                &Method::POST,
                "/model/arn:aws:bedrock:r:1:inference-profile/us.x.y-v1:0/converse-stream"
            )
            .unwrap(),
            "arn:aws:bedrock:r:1:inference-profile/us.x.y-v1:0"
        );
        assert_eq!(
            route(&Method::GET, "/model/x/converse-stream")
                .unwrap_err()
                .status,
            404
        );
        assert_eq!(
            route(&Method::POST, "/model/x/converse")
                .unwrap_err()
                .status,
            404
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

    #[test]
    fn authorization_is_required_but_not_verified() {
        let mut headers = HeaderMap::new();
        assert_eq!(authorize(&headers).unwrap_err().status, 403);
        headers.insert(http::header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(
            authorize(&headers).unwrap_err().error_type,
            "AccessDeniedException"
        );
        headers.insert(http::header::AUTHORIZATION, "Bearer token".parse().unwrap());
        assert!(authorize(&headers).is_ok());
        headers.insert(
            http::header::AUTHORIZATION,
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-2/bedrock/aws4_request, SignedHeaders=host, Signature=00"
                .parse()
                .unwrap(),
        );
        assert!(authorize(&headers).is_ok());
    }
}
