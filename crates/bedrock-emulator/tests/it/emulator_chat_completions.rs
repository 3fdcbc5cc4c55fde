//! The OpenAI-compatible Chat Completions API over raw HTTP: the same
//! plan as ConverseStream for the same prompt (text, tokens, planned
//! TTFT), every SSE frame well formed, the usage chunk, `[DONE]`, the
//! whole `chat.completion` object, and OpenAI's error shape.

use crate::common;

use common::features::*;
use common::raw_http::{RawResponse, send};
use common::sse::{api_request, parse};
use common::*;
use serde_json::{Value, json};

/// The prompt of every request here.
const PROMPT: &str = "Explain the concept of machine learning in simple terms.";
/// An open-weight model the Chat Completions route serves.
const DEEPSEEK_V3: &str = "deepseek.v3-v1:0";

/// A chat request for `PROMPT`.
fn chat_body(model: &str, max: u32, stream: bool) -> Value {
    json!({
        "model": model,
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": max,
        "stream": stream,
        "stream_options": {"include_usage": true},
        "temperature": 0.5,
    })
}

fn request_id(response: &RawResponse) -> String {
    response
        .header("x-amzn-requestid")
        .expect("a request id")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_chat_completions_carry_the_converse_stream_answer() {
    for path in ["/openai/v1/chat/completions", "/v1/chat/completions"] {
        // Two fresh emulators with the same seed: the first request of
        // each draws the same plan if the requests ask the same.
        let converse_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
        let chat_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
        let (text, tokens, converse_id) =
            converse_answer(&client_for(&converse_side), DEEPSEEK_V3, PROMPT, 200).await;
        let response = send(
            chat_side.addr(),
            &api_request(path, &[], &chat_body(DEEPSEEK_V3, 200, true)),
        )
        .await
        .expect("a response");
        assert_eq!(
            response.status,
            200,
            "{path}: {:?}",
            String::from_utf8_lossy(&response.body)
        );
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/event-stream")),
            "{:?}",
            response.headers
        );
        let events = parse(&response.body);
        assert!(events.iter().all(|e| e.event.is_none()), "data lines only");
        assert_eq!(events.last().map(|e| e.data.as_str()), Some("[DONE]"));
        assert_eq!(
            events.iter().filter(|e| e.data == "[DONE]").count(),
            1,
            "[DONE] ends the stream"
        );
        let chunks: Vec<Value> = events[..events.len() - 1]
            .iter()
            .map(|e| e.json())
            .collect();
        for chunk in &chunks {
            assert_eq!(chunk["object"], "chat.completion.chunk");
            assert_eq!(chunk["model"], DEEPSEEK_V3);
            assert_eq!(chunk["id"], chunks[0]["id"]);
            assert!(chunk["created"].as_u64().is_some_and(|c| c > 1_600_000_000));
        }
        assert!(
            chunks[0]["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("chatcmpl-"))
        );
        assert_eq!(
            chunks[0]["choices"][0]["delta"],
            json!({"role": "assistant"})
        );
        let joined: String = chunks
            .iter()
            .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert!(!text.is_empty());
        assert_eq!(joined, text, "{path}: the ConverseStream answer");
        // The finish chunk, then the usage chunk.
        let finish = &chunks[chunks.len() - 2];
        assert_eq!(finish["choices"][0]["finish_reason"], "stop");
        assert!(
            chunks[..chunks.len() - 2]
                .iter()
                .all(|c| c["choices"][0]["finish_reason"].is_null())
        );
        let usage_chunk = chunks.last().expect("usage chunk");
        assert_eq!(usage_chunk["choices"], json!([]));

        let expected = ground_truth_for(&converse_side, &converse_id);
        let truth = ground_truth_for(&chat_side, &request_id(&response));
        assert_eq!(truth.operation, "chat-completions");
        assert_eq!(truth.auth.as_deref(), Some("bearer"));
        assert_eq!(truth.model_id, DEEPSEEK_V3);
        assert_eq!(truth.outcome, "complete", "{truth:?}");
        assert_eq!(truth.output_tokens as i32, tokens);
        assert_eq!(truth.input_tokens, expected.input_tokens);
        assert_eq!(truth.planned_ttft_s, expected.planned_ttft_s);
        assert_eq!(truth.planned_total_s, expected.planned_total_s);
        assert_eq!(truth.deltas_written, expected.deltas_written);
        assert_eq!(
            usage_chunk["usage"],
            json!({
                "prompt_tokens": truth.input_tokens,
                "completion_tokens": truth.output_tokens,
                "total_tokens": truth.input_tokens + truth.output_tokens,
            })
        );
        // The first content was written at the planned TTFT.
        let written = truth.first_delta_written_s.expect("written") - truth.plan_start_s();
        let planned = truth.planned_ttft_s.expect("planned ttft");
        assert!(
            written >= planned - 1e-3 && written < planned + 0.2,
            "first delta at {written}, planned {planned}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_include_usage_the_stream_has_no_usage_chunk_and_max_tokens_is_length() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let body = json!({
        "model": DEEPSEEK_V3,
        "messages": [{"role": "system", "content": "Be brief."},
                     {"role": "user", "content": [{"type": "text", "text": PROMPT}]}],
        "max_completion_tokens": 4,
        "stream": true,
    });
    let response = send(
        emulator.addr(),
        &api_request("/openai/v1/chat/completions", &[], &body),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 200);
    let events = parse(&response.body);
    assert_eq!(events.last().map(|e| e.data.as_str()), Some("[DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| e.json())
        .collect();
    assert!(chunks.iter().all(|c| c.get("usage").is_none()));
    let last = chunks.last().expect("a finish chunk");
    assert_eq!(last["choices"][0]["finish_reason"], "length");
    let truth = ground_truth_for(&emulator, &request_id(&response));
    assert_eq!(truth.output_tokens, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unstreamed_chat_completion_is_one_object_with_the_same_answer() {
    let converse_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
    let chat_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
    let (text, tokens, _) =
        converse_answer(&client_for(&converse_side), DEEPSEEK_V3, PROMPT, 200).await;
    let response = send(
        chat_side.addr(),
        &api_request(
            "/v1/chat/completions",
            &[],
            &chat_body(DEEPSEEK_V3, 200, false),
        ),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let answer = response.json();
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["model"], DEEPSEEK_V3);
    assert_eq!(answer["choices"][0]["message"]["role"], "assistant");
    assert_eq!(answer["choices"][0]["message"]["content"], text.as_str());
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(answer["usage"]["completion_tokens"], tokens);
    let truth = ground_truth_for(&chat_side, &request_id(&response));
    assert_eq!(truth.operation, "chat-completions");
    assert_eq!(truth.output_tokens as i32, tokens);
    assert_eq!(truth.first_delta_written_s, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_in_openai_shape_with_their_status() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    // Claude is not served here: Bedrock's exact 400.
    let response = send(
        emulator.addr(),
        &api_request(
            "/openai/v1/chat/completions",
            &[],
            &chat_body(SONNET_4, 10, true),
        ),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({"error": {
            "code": "validation_error",
            "message": format!("The model '{SONNET_4}' does not support the '/v1/chat/completions' API"),
            "param": null,
            "type": "invalid_request_error",
        }})
    );
    let truth = ground_truth_for(&emulator, &request_id(&response));
    assert_eq!(truth.operation, "chat-completions");
    assert_eq!(truth.http_status, 400);
    // A bad body, an unknown model, no credentials.
    let cases = [
        (
            json!({"model": DEEPSEEK_V3, "messages": "hi"}),
            vec![],
            400,
            "'messages'",
        ),
        (
            chat_body("openai.no-such-model-1:0", 10, false),
            vec![],
            400,
            "model identifier is invalid",
        ),
        (
            chat_body(DEEPSEEK_V3, 10, false),
            vec![("x-api-key", "k")],
            403,
            "Authorization",
        ),
    ];
    for (body, headers, status, needle) in cases {
        let response = send(
            emulator.addr(),
            &api_request("/v1/chat/completions", &headers, &body),
        )
        .await
        .expect("a response");
        assert_eq!(response.status, status, "{body}");
        let error = &response.json()["error"];
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains(needle)),
            "{body}: {error}"
        );
        assert!(error["type"].is_string() && error["code"].is_string() && error["param"].is_null());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_a_429_before_the_stream_and_an_error_event_during_it() {
    let before = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"faults": {"throttle_before_stream": 1.0}}}}"#),
        1.0,
    );
    let response = send(
        before.addr(),
        &api_request(
            "/v1/chat/completions",
            &[],
            &chat_body(DEEPSEEK_V3, 10, true),
        ),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 429);
    assert_eq!(response.json()["error"]["type"], "rate_limit_error");

    let during = start_emulator(
        fast_profiles(
            r#"{"all": {"standard": {"natural_output_tokens_p50": 40, "natural_output_tokens_p90": 40,
                                     "faults": {"throttle_mid_stream": 1.0}}}}"#,
        ),
        1.0,
    );
    let response = send(
        during.addr(),
        &api_request(
            "/v1/chat/completions",
            &[],
            &chat_body(DEEPSEEK_V3, 40, true),
        ),
    )
    .await
    .expect("a response");
    assert_eq!(response.status, 200);
    let events = parse(&response.body);
    let last = events.last().expect("events").json();
    assert_eq!(last["error"]["code"], "rate_limit_exceeded", "{last}");
    assert!(events.iter().all(|e| e.data != "[DONE]"));
    let truth = ground_truth_for(&during, &request_id(&response));
    assert_eq!(truth.outcome, "throttlingException");
}
