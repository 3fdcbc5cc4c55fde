//! The Anthropic Messages API over raw HTTP: the same plan as
//! ConverseStream for the same prompt, Anthropic's event sequence as
//! server-sent events, the message object, and Anthropic's error shape.

use crate::common;

use common::features::*;
use common::raw_http::{RawResponse, send};
use common::sse::{api_request, parse};
use common::*;
use serde_json::{Value, json};

/// The prompt of every request here.
const PROMPT: &str = "Explain the concept of machine learning in simple terms.";
/// The version header Anthropic's SDKs send.
const VERSION: (&str, &str) = ("anthropic-version", "2023-06-01");

fn messages_body(model: &str, max: u32, stream: bool) -> Value {
    json!({
        "model": model,
        "max_tokens": max,
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": stream,
        "temperature": 0.5,
        "top_k": 40,
    })
}

fn request_id(response: &RawResponse) -> String {
    response
        .header("x-amzn-requestid")
        .expect("a request id")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_messages_carry_the_converse_stream_answer_in_anthropic_events() {
    for path in ["/anthropic/v1/messages", "/v1/messages"] {
        let converse_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
        let messages_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
        let (text, tokens, converse_id) =
            converse_answer(&client_for(&converse_side), SONNET_4, PROMPT, 200).await;
        let response = send(
            messages_side.addr(),
            &api_request(path, &[VERSION], &messages_body(SONNET_4, 200, true)),
        )
        .await
        .expect("a response");
        assert_eq!(
            response.status,
            200,
            "{:?}",
            String::from_utf8_lossy(&response.body)
        );
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/event-stream"))
        );
        let events = parse(&response.body);
        let names: Vec<&str> = events
            .iter()
            .map(|e| e.event.as_deref().expect("an event line"))
            .collect();
        // Each event's name is its data's type.
        for event in &events {
            assert_eq!(event.json()["type"].as_str(), event.event.as_deref());
        }
        assert_eq!(
            names[..3],
            ["message_start", "ping", "content_block_start"],
            "{names:?}"
        );
        assert_eq!(
            names[names.len() - 3..],
            ["content_block_stop", "message_delta", "message_stop"]
        );
        assert!(
            names[3..names.len() - 3]
                .iter()
                .all(|n| *n == "content_block_delta")
        );
        let joined: String = events
            .iter()
            .filter(|e| e.event.as_deref() == Some("content_block_delta"))
            .map(|e| {
                let data = e.json();
                assert_eq!(data["delta"]["type"], "text_delta");
                data["delta"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert!(!text.is_empty());
        assert_eq!(joined, text, "{path}: the ConverseStream answer");

        let expected = ground_truth_for(&converse_side, &converse_id);
        let truth = ground_truth_for(&messages_side, &request_id(&response));
        assert_eq!(truth.operation, "messages");
        assert_eq!(truth.auth.as_deref(), Some("bearer"));
        assert_eq!(truth.outcome, "complete", "{truth:?}");
        assert_eq!(truth.output_tokens as i32, tokens);
        assert_eq!(truth.input_tokens, expected.input_tokens);
        assert_eq!(truth.planned_ttft_s, expected.planned_ttft_s);
        assert_eq!(truth.planned_total_s, expected.planned_total_s);
        let start = events[0].json();
        assert_eq!(start["message"]["model"], SONNET_4);
        assert_eq!(
            start["message"]["usage"]["input_tokens"],
            truth.input_tokens
        );
        let delta = events[events.len() - 2].json();
        assert_eq!(delta["delta"]["stop_reason"], "end_turn");
        assert_eq!(delta["usage"]["output_tokens"], truth.output_tokens);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unstreamed_message_is_the_message_object_and_x_api_key_is_read() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let response = send(
        emulator.addr(),
        &api_request(
            "/anthropic/v1/messages",
            &[VERSION, ("x-api-key", "bedrock-api-key-test")],
            &messages_body(SONNET_4, 200, false),
        ),
    )
    .await
    .expect("a response");
    assert_eq!(
        response.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    let message = response.json();
    assert_eq!(message["type"], "message");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["content"][0]["type"], "text");
    assert!(
        message["content"][0]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(message["stop_reason"], "end_turn");
    let truth = ground_truth_for(&emulator, &request_id(&response));
    assert_eq!(truth.operation, "messages");
    assert_eq!(truth.auth.as_deref(), Some("x-api-key"));
    assert_eq!(message["usage"]["output_tokens"], truth.output_tokens);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_in_anthropic_shape() {
    let emulator = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"faults": {"service_unavailable": 1.0}}}}"#),
        1.0,
    );
    let cases = [
        (
            messages_body("deepseek.v3-v1:0", 10, true),
            vec![VERSION],
            400,
            "invalid_request_error",
            "does not support",
        ),
        (
            json!({"model": SONNET_4, "messages": [{"role": "user", "content": "x"}]}),
            vec![VERSION],
            400,
            "invalid_request_error",
            "max_tokens",
        ),
        (
            messages_body(SONNET_4, 10, true),
            vec![],
            400,
            "invalid_request_error",
            "anthropic-version",
        ),
        (
            messages_body(SONNET_4, 10, true),
            vec![VERSION],
            503,
            "overloaded_error",
            "temporarily unable",
        ),
    ];
    for (body, headers, status, kind, needle) in cases {
        let response = send(
            emulator.addr(),
            &api_request("/anthropic/v1/messages", &headers, &body),
        )
        .await
        .expect("a response");
        assert_eq!(response.status, status, "{body}");
        let error = response.json();
        assert_eq!(error["type"], "error", "{error}");
        assert_eq!(error["error"]["type"], kind, "{error}");
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(needle)),
            "{error}"
        );
    }
}
