//! Server-sent events as the Chat Completions and Anthropic Messages
//! routes write them, read strictly: every event is `event:` and `data:`
//! lines ended by a blank line, and nothing else is in the body.

use serde_json::Value;

use super::raw_http::RawRequest;

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` line's name, if any.
    pub event: Option<String>,
    /// The `data:` line.
    pub data: String,
}

impl SseEvent {
    /// The data as JSON (panics with the data when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {:?}", self.data))
    }
}

/// Every event of `body`; panics on anything that is not an event.
pub fn parse(body: &[u8]) -> Vec<SseEvent> {
    let text = std::str::from_utf8(body).expect("an SSE body is UTF-8");
    assert!(
        text.ends_with("\n\n"),
        "the body ends with a blank line: {text:?}"
    );
    text[..text.len() - 2]
        .split("\n\n")
        .map(|block| {
            let mut event = None;
            let mut data = None;
            for line in block.split('\n') {
                if let Some(name) = line.strip_prefix("event: ") {
                    assert!(event.is_none(), "one event line: {block:?}");
                    event = Some(name.to_string());
                } else if let Some(value) = line.strip_prefix("data: ") {
                    assert!(data.is_none(), "one data line: {block:?}");
                    data = Some(value.to_string());
                } else {
                    panic!("not an SSE line: {line:?} in {block:?}");
                }
            }
            SseEvent {
                event,
                data: data.unwrap_or_else(|| panic!("no data line in {block:?}")),
            }
        })
        .collect()
}

/// `POST path` with a JSON body and the given headers (a bearer token
/// when none names `authorization` or `x-api-key`).
pub fn api_request(path: &str, headers: &[(&str, &str)], body: &Value) -> RawRequest {
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    if !headers.iter().any(|(n, _)| {
        n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("x-api-key")
    }) {
        all.push(("authorization".into(), "Bearer test-token".into()));
    }
    all.push(("content-type".into(), "application/json".into()));
    RawRequest {
        method: "POST".into(),
        path: path.into(),
        headers: all,
        body: body.to_string().into_bytes(),
    }
}
