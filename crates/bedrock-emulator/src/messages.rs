//! The Anthropic Messages API (Anthropic Messages API; Amazon Bedrock
//! User Guide, "Anthropic Messages API"): `POST /anthropic/v1/messages`
//! (and `/v1/messages`) for Claude models. The body is the native
//! Anthropic body InvokeModel reads, with `model` and `stream` in it and
//! the version in the `anthropic-version` header instead of
//! `anthropic_version`; it is translated into the same Converse request
//! and plan. The answer is the native Anthropic events as server-sent
//! events (`event: <type>` and `data: {...}`, a `ping` after
//! `message_start`) or the message object.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::dialect::anthropic_kind;
use crate::native::anthropic::{self, VERSION};
use crate::native::fields::{ConverseParts, object_body};
use bedrock_catalog::Family;

/// A Messages request, as the plan needs it.
#[derive(Debug)]
pub struct MessagesRequest {
    /// `model`.
    pub model: String,
    /// `stream`.
    pub stream: bool,
    /// The Converse request asking the same.
    pub parts: ConverseParts,
}

/// Parse a Messages request: the `anthropic-version` header is required,
/// and `model`, `max_tokens` and `messages` in the body.
pub fn parse(body: &[u8], headers: &HeaderMap) -> Result<MessagesRequest, ApiError> {
    if headers
        .get("anthropic-version")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim().is_empty())
    {
        return Err(ApiError::validation(
            "anthropic-version: header is required",
        ));
    }
    let mut root = object_body(body)?;
    let model = match root.remove("model") {
        Some(Value::String(model)) if !model.is_empty() => model,
        Some(_) => {
            return Err(ApiError::validation(
                "model: Input should be a valid string",
            ));
        }
        None => return Err(ApiError::validation("model: Field required")),
    };
    let stream = match root.remove("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stream)) => stream,
        Some(_) => {
            return Err(ApiError::validation(
                "stream: Input should be a valid boolean",
            ));
        }
    };
    root.insert("anthropic_version".into(), VERSION.into());
    let parts = anthropic::to_converse(&root)?;
    Ok(MessagesRequest {
        model,
        stream,
        parts,
    })
}

/// Whether the Messages route serves `model_id`: Claude only.
pub fn check_model(model_id: &str) -> Result<(), ApiError> {
    match Family::of(model_id) {
        Family::Anthropic => Ok(()),
        _ => Err(ApiError::validation(format!(
            "The model '{model_id}' does not support the '/v1/messages' API: it serves Anthropic Claude models only."
        ))),
    }
}

/// `events` as server-sent events, each named by its `type`.
pub fn sse_frames(events: &[Value]) -> Bytes {
    let mut out = String::new();
    for event in events {
        let kind = event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("message");
        out.push_str(&format!("event: {kind}\ndata: {event}\n\n"));
    }
    Bytes::from(out)
}

/// The `ping` event Anthropic sends after `message_start`.
pub fn ping() -> Value {
    json!({ "type": "ping" })
}

/// The `error` event of a failure in the middle of the stream.
pub fn error_frame(status: StatusCode, message: &str) -> Bytes {
    sse_frames(&[json!({
        "type": "error",
        "error": { "type": anthropic_kind(status), "message": message },
    })])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("anthropic-version", "2023-06-01".parse().unwrap());
        headers
    }

    #[test]
    fn a_messages_body_needs_its_version_header_model_and_max_tokens() {
        let body = br#"{"model":"claude","max_tokens":9,"stream":true,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}"#;
        let request = parse(body, &headers()).unwrap();
        assert_eq!((request.model.as_str(), request.stream), ("claude", true));
        assert_eq!(request.parts.max_tokens, Some(9));
        assert!(
            parse(body, &HeaderMap::new())
                .unwrap_err()
                .message
                .contains("anthropic-version")
        );
        let err = parse(br#"{"max_tokens":9,"messages":[]}"#, &headers()).unwrap_err();
        assert!(err.message.contains("model"), "{}", err.message);
        let err = parse(
            br#"{"model":"c","messages":[{"role":"user","content":"x"}]}"#,
            &headers(),
        )
        .unwrap_err();
        assert!(err.message.contains("max_tokens"), "{}", err.message);
    }

    #[test]
    fn events_are_named_by_their_type() {
        let frames = sse_frames(&[json!({"type": "message_stop"})]);
        assert_eq!(
            &frames[..],
            b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        );
        assert!(check_model("us.anthropic.claude-sonnet-4-20250514-v1:0").is_ok());
        assert!(check_model("deepseek.v3-v1:0").is_err());
    }
}
