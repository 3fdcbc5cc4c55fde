//! The timed call of an API that streams server-sent events (the
//! OpenAI-compatible Chat Completions API, Anthropic's Messages API),
//! under the same contract as the SDK's calls: the request is built and
//! signed first, `t0` is taken immediately before it is sent, the
//! response head's instant when the connector returns it, and each read
//! of the body's bytes gets its instant as it returns, before it is
//! parsed: every event completed by that read (and so every content
//! delta it carries) is stamped with it, as the SDK stamps the events it
//! decodes from one read.

use std::future::Future;
use std::time::{Instant, SystemTime};

use aws_smithy_types::byte_stream::ByteStream;
use serde_json::Value;

use super::http_api::HttpApi;
use super::redact::redact;
use super::sse::{SseEvent, SseReader};
use super::{
    BEFORE_RESPONSE, CallRecord, CallSpec, CallStatus, Wait, deadline, ended, interrupted,
    mid_stream, reserved_deltas, wait,
};
use bedrock_catalog::Api;

/// The most of an error response's body read for its message.
const MAX_ERROR_BODY: usize = 64 << 10;

/// An event that ends the call: its status and message.
pub(crate) type Failure = (CallStatus, String);

/// What one streaming protocol makes of its events.
pub(crate) trait SseProtocol {
    /// Read `event`, received `at`, into `record` (`keep`: keep the
    /// answer's text); an error event ends the call.
    fn event(
        &mut self,
        event: &SseEvent,
        at: Instant,
        keep: bool,
        record: &mut CallRecord,
    ) -> Result<(), Failure>;

    /// The body ended: whether the stream was complete.
    fn finish(&self, record: &CallRecord) -> Result<(), Failure>;
}

/// Make one call of `api` through `http`: a `POST` of `body` with
/// `headers` (besides the content type and authentication) to the API's
/// path on `spec`'s endpoint, its stream read with `protocol`; ended as
/// [`CallStatus::Timeout`] at `spec.timeout` after `t0`, or
/// [`CallStatus::Cancelled`] when `cancel` completes. Never panics.
pub(crate) async fn timed_sse_call<C>(
    http: &HttpApi,
    spec: &CallSpec,
    (api, headers, body): (Api, &[(&str, &str)], Value),
    mut protocol: impl SseProtocol,
    cancel: C,
) -> CallRecord
where
    C: Future<Output = ()>,
{
    let mut cancel = std::pin::pin!(cancel);
    let mut record = CallRecord::start(reserved_deltas(spec));
    let endpoint = spec.variant.endpoint;
    let path = api.path(&spec.model_id, endpoint);
    let body = body.to_string().into_bytes();
    let prepared = match http.prepare(endpoint, &path, headers, body).await {
        Ok(prepared) => prepared,
        Err(message) => {
            record.started_at = SystemTime::now();
            record.t0 = Instant::now();
            let at = record.t0;
            return ended(
                record,
                at,
                CallStatus::Error("ConstructionFailure".into()),
                message,
            );
        }
    };

    record.started_at = SystemTime::now();
    record.t0 = Instant::now();
    let mut expiry = std::pin::pin!(deadline(record.t0, spec));
    let (sent, at) = wait(http.send(prepared), &mut expiry, &mut cancel).await;
    let response = match sent {
        Wait::Done(Ok(response)) => response,
        Wait::Done(Err(message)) => {
            return ended(
                record,
                at,
                CallStatus::Error("DispatchFailure".into()),
                message,
            );
        }
        Wait::Timeout => return interrupted(record, at, spec, true, BEFORE_RESPONSE),
        Wait::Cancelled => return interrupted(record, at, spec, false, BEFORE_RESPONSE),
    };
    record.request_id = ["x-amzn-requestid", "x-request-id", "request-id"]
        .iter()
        .find_map(|name| response.headers().get(*name))
        .map(str::to_string);
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .map(str::to_string);
    let mut body = ByteStream::new(response.into_body());

    if !(200..300).contains(&status) {
        let mut text = Vec::new();
        loop {
            let (read, _) = wait(body.next(), &mut expiry, &mut cancel).await;
            match read {
                Wait::Done(Some(Ok(bytes))) if text.len() < MAX_ERROR_BODY => {
                    text.extend_from_slice(&bytes);
                }
                Wait::Done(_) => break,
                Wait::Timeout | Wait::Cancelled => break,
            }
        }
        let at = Instant::now();
        let (status, message) = http_error(status, error_type.as_deref(), &text);
        return ended(record, at, status, message);
    }
    record.response_at = Some(at);

    let mut reader = SseReader::default();
    let mut events = Vec::new();
    loop {
        let (read, at) = wait(body.next(), &mut expiry, &mut cancel).await;
        match read {
            Wait::Done(Some(Ok(bytes))) => {
                if let Err(message) = reader.feed(&bytes, &mut events) {
                    return ended(
                        record,
                        at,
                        CallStatus::Error("MalformedEvent".into()),
                        message,
                    );
                }
                for event in events.drain(..) {
                    if let Err((status, message)) =
                        protocol.event(&event, at, spec.keep_answer, &mut record)
                    {
                        return ended(record, at, status, message);
                    }
                }
            }
            Wait::Done(Some(Err(error))) => {
                let message = redact(&format!("the stream broke: {error}")).into_owned();
                return ended(
                    record,
                    at,
                    CallStatus::Error("ResponseError".into()),
                    message,
                );
            }
            Wait::Done(None) => {
                record.end_at = Some(at);
                if let Err((status, message)) = protocol.finish(&record) {
                    record.status = status;
                    record.error_message = Some(message);
                }
                return record;
            }
            Wait::Timeout => return mid_stream(record, at, spec, true),
            Wait::Cancelled => return mid_stream(record, at, spec, false),
        }
    }
}

/// The status and message of an HTTP error response: the error's name
/// from Bedrock's `x-amzn-ErrorType` header, else from the HTTP status
/// as the SDKs map it; the message from the body's JSON in any of the
/// three APIs' shapes (`{"message"}`/`{"Message"}`, OpenAI's
/// `{"error":{"message"}}`, Anthropic's `{"type":"error","error":{...}}`).
pub(crate) fn http_error(status: u16, error_type: Option<&str>, body: &[u8]) -> Failure {
    let name = error_type
        .map(|value| value.split(':').next().unwrap_or(value).trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| status_name(status).to_string());
    let json = serde_json::from_slice::<Value>(body).ok();
    let message = json
        .as_ref()
        .and_then(|json| {
            [
                &json["error"]["message"],
                &json["message"],
                &json["Message"],
            ]
            .into_iter()
            .find_map(|value| value.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let text: String = text.chars().take(300).collect();
            format!("HTTP {status}: {text}")
        });
    (CallStatus::Error(name), redact(&message).into_owned())
}

/// Bedrock's error name for an HTTP status, as its other APIs name it.
fn status_name(status: u16) -> &'static str {
    match status {
        400 | 413 | 422 => "ValidationException",
        401 | 403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        408 => "ModelTimeoutException",
        424 => "ModelErrorException",
        429 => "ThrottlingException",
        503 | 529 => "ServiceUnavailableException",
        500..=599 => "InternalServerException",
        _ => "UnhandledError",
    }
}

/// Bedrock's error name for an error event's type or code (OpenAI's
/// `error.type`/`error.code`, Anthropic's `error.type`).
fn event_error_name(kind: &str) -> String {
    match kind {
        "rate_limit_error" | "rate_limit_exceeded" | "too_many_requests" => "ThrottlingException",
        "overloaded_error" | "service_unavailable" => "ServiceUnavailableException",
        "invalid_request_error" | "validation_error" => "ValidationException",
        "authentication_error" | "permission_error" => "AccessDeniedException",
        "not_found_error" => "ResourceNotFoundException",
        "timeout_error" => "ModelTimeoutException",
        "api_error" | "server_error" | "internal_error" => "InternalServerException",
        _ => "ModelStreamErrorException",
    }
    .to_string()
}

/// The failure an error object in a stream stands for (OpenAI's
/// `{"error": {"type"|"code", "message"}}`, Anthropic's `event: error`
/// with `{"error": {"type", "message"}}`): Bedrock's name for its type
/// or code, and its message.
pub(crate) fn error_event(error: &Value) -> Failure {
    let kind = error["type"]
        .as_str()
        .or_else(|| error["code"].as_str())
        .unwrap_or_default();
    let message = error["message"].as_str().unwrap_or("an error event");
    (
        CallStatus::Error(event_error_name(kind)),
        message.to_string(),
    )
}

/// An event's data as JSON; a `MalformedEvent` naming `what` (`a chunk`,
/// `an event`) when it is not.
pub(crate) fn event_json(event: &SseEvent, what: &str) -> Result<Value, Failure> {
    serde_json::from_str(&event.data).map_err(|_| {
        (
            CallStatus::Error("MalformedEvent".into()),
            format!("{what} of the stream is not a JSON object"),
        )
    })
}

/// A token count in a JSON usage report.
pub(crate) fn count(value: &Value) -> Option<u32> {
    value.as_u64().and_then(|n| u32::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_named_as_bedrock_names_them_with_each_api_s_message() {
        let (status, message) = http_error(
            429,
            None,
            br#"{"error":{"message":"Too many requests","type":"rate_limit_error"}}"#,
        );
        assert!(status.is_throttle());
        assert_eq!(message, "Too many requests");
        let (status, message) = http_error(
            403,
            Some("AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            br#"{"Message":"Authentication failed: Please make sure your API Key is valid."}"#,
        );
        assert_eq!(status, CallStatus::Error("AccessDeniedException".into()));
        assert!(message.starts_with("Authentication failed"));
        let (status, message) = http_error(
            400,
            None,
            br#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: field required"}}"#,
        );
        assert_eq!(status, CallStatus::Error("ValidationException".into()));
        assert_eq!(message, "max_tokens: field required");
        let (status, message) = http_error(502, None, b"<html>bad gateway</html>");
        assert_eq!(status, CallStatus::Error("InternalServerException".into()));
        assert!(message.contains("HTTP 502") && message.contains("bad gateway"));
        assert_eq!(
            event_error_name("overloaded_error"),
            "ServiceUnavailableException"
        );
    }
}
