//! InvokeModel and InvokeModelWithResponseStream through the real SDK:
//! each family's native body (Anthropic, Nova, Llama, Mistral, DeepSeek)
//! in, its native events (in `chunk` events)
//! or native answer out, from the same plan as ConverseStream for the
//! same prompt, with the invocation metrics and the ground truth.

use crate::common;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::error::ResponseStreamError;
use aws_sdk_bedrockruntime::types::{PerformanceConfigLatency, ResponseStream, ServiceTierType};
use aws_smithy_types::Blob;
use common::features::*;
use common::raw_http::{RawRequest, send};
use common::*;
use serde_json::{Value, json};

/// The prompt of every request here.
const PROMPT: &str = "Explain the concept of machine learning in simple terms.";

/// Mistral Large 2 (in-Region only: its base id).
const MISTRAL_LARGE: &str = "mistral.mistral-large-2407-v1:0";
/// DeepSeek-V3.1 (no reasoning).
const DEEPSEEK_V3: &str = "deepseek.v3-v1:0";

/// The five families, a model of each and its native body for `PROMPT`
/// with a maximum of `max` tokens.
fn families(max: u32) -> [(&'static str, &'static str, Value); 5] {
    [
        (
            "anthropic",
            SONNET_4,
            json!({
                "anthropic_version": "bedrock-2023-05-31", "max_tokens": max,
                "messages": [{"role": "user", "content": [{"type": "text", "text": PROMPT}]}],
                "temperature": 0.5, "top_k": 50,
            }),
        ),
        (
            "nova",
            NOVA_PRO,
            json!({
                "schemaVersion": "messages-v1",
                "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
                "inferenceConfig": {"maxTokens": max, "topP": 0.9},
            }),
        ),
        (
            "llama",
            LLAMA_8B,
            json!({"prompt": PROMPT, "max_gen_len": max, "temperature": 0.5}),
        ),
        (
            "mistral",
            MISTRAL_LARGE,
            json!({"prompt": PROMPT, "max_tokens": max, "temperature": 0.5, "top_p": 0.9, "top_k": 50}),
        ),
        (
            "deepseek",
            DEEPSEEK_V3,
            json!({"prompt": PROMPT, "max_tokens": max, "temperature": 0.6, "top_p": 0.9}),
        ),
    ]
}

/// Everything read from one native stream.
#[derive(Debug, Default)]
struct Chunks {
    request_id: Option<String>,
    /// The decoded native events, in order.
    events: Vec<Value>,
    /// The answer's text, joined from the family's text deltas.
    text: String,
    /// `amazon-bedrock-invocationMetrics`, and the number of the chunk
    /// that carried it.
    metrics: Option<(usize, Value)>,
    error: Option<String>,
}

/// The text a native event carries, by family.
fn event_text(family: &str, event: &Value) -> Option<String> {
    let text = match family {
        "anthropic" => event
            .get("delta")
            .filter(|d| d["type"] == "text_delta")
            .and_then(|d| d["text"].as_str()),
        "nova" => event
            .pointer("/contentBlockDelta/delta/text")
            .and_then(Value::as_str),
        "mistral" => event.pointer("/outputs/0/text").and_then(Value::as_str),
        "deepseek" => event.pointer("/choices/0/text").and_then(Value::as_str),
        _ => event["generation"].as_str(),
    };
    text.map(str::to_string)
}

async fn stream(client: &Client, family: &str, model: &str, body: &Value) -> Chunks {
    let output = client
        .invoke_model_with_response_stream()
        .model_id(model)
        .content_type("application/json")
        .body(Blob::new(body.to_string()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{model}: {}", error_message(&e)));
    let mut chunks = Chunks {
        request_id: output.request_id().map(str::to_string),
        ..Chunks::default()
    };
    let mut receiver = output.body;
    // Bounded: an answer here has far fewer chunks.
    for _ in 0..10_000 {
        match receiver.recv().await {
            Ok(Some(ResponseStream::Chunk(part))) => {
                let bytes = part.bytes().expect("a chunk has bytes").as_ref();
                let event: Value = serde_json::from_slice(bytes)
                    .unwrap_or_else(|e| panic!("{family}: chunk is not JSON ({e}): {bytes:?}"));
                if let Some(text) = event_text(family, &event) {
                    chunks.text.push_str(&text);
                }
                if let Some(metrics) = event.get("amazon-bedrock-invocationMetrics") {
                    chunks.metrics = Some((chunks.events.len(), metrics.clone()));
                }
                chunks.events.push(event);
            }
            Ok(Some(other)) => panic!("{family}: unexpected event {other:?}"),
            Ok(None) => break,
            Err(e) => {
                chunks.error = Some(match e.as_service_error() {
                    Some(ResponseStreamError::ThrottlingException(_)) => {
                        "throttlingException".into()
                    }
                    Some(ResponseStreamError::ModelStreamErrorException(_)) => {
                        "modelStreamErrorException".into()
                    }
                    _ => format!("{e:?}"),
                });
                break;
            }
        }
    }
    chunks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_family_streams_native_chunks_with_the_converse_stream_answer() {
    for (family, model, body) in families(200) {
        // Two fresh emulators with the same seed: the first request of
        // each draws the same plan if the requests ask the same.
        let converse_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
        let invoke_side = start_emulator(fast_profiles(RANDOM_PROFILES), 1.0);
        let (text, tokens, converse_id) =
            converse_answer(&client_for(&converse_side), model, PROMPT, 200).await;
        let chunks = stream(&client_for(&invoke_side), family, model, &body).await;
        assert!(chunks.error.is_none(), "{family}: {:?}", chunks.error);
        assert!(!text.is_empty());
        assert_eq!(chunks.text, text, "{family}: the same answer");

        let expected_truth = ground_truth_for(&converse_side, &converse_id);
        let truth = ground_truth_for(&invoke_side, chunks.request_id.as_deref().expect("id"));
        assert_eq!(truth.operation, "invoke-with-response-stream");
        assert_eq!(truth.outcome, "complete", "{truth:?}");
        assert_eq!(truth.output_tokens as i32, tokens, "{family}");
        assert_eq!(truth.input_tokens, expected_truth.input_tokens, "{family}");
        assert_eq!(
            truth.planned_ttft_s, expected_truth.planned_ttft_s,
            "{family}"
        );
        assert_eq!(
            truth.planned_total_s, expected_truth.planned_total_s,
            "{family}"
        );
        assert_eq!(
            truth.deltas_written, expected_truth.deltas_written,
            "{family}"
        );

        // The invocation metrics ride on the last chunk and agree with
        // the plan.
        let (at, metrics) = chunks.metrics.expect("invocation metrics");
        assert_eq!(at, chunks.events.len() - 1, "{family}: on the last chunk");
        assert_eq!(metrics["inputTokenCount"], truth.input_tokens, "{family}");
        assert_eq!(metrics["outputTokenCount"], truth.output_tokens, "{family}");
        let ttft_ms = truth.planned_ttft_s.expect("planned ttft") * 1000.0;
        let first_byte = metrics["firstByteLatency"].as_f64().expect("ms");
        assert!(
            (first_byte - ttft_ms).abs() <= 1.0,
            "{family}: {first_byte} vs {ttft_ms}"
        );
        let total_ms = truth.planned_total_s.expect("planned total") * 1000.0;
        let invocation = metrics["invocationLatency"].as_f64().expect("ms");
        assert!(
            (invocation - total_ms).abs() <= 1.0,
            "{family}: {invocation} vs {total_ms}"
        );
        // ...and the first delta was written at the planned TTFT.
        let written = truth.first_delta_written_s.expect("written") - truth.plan_start_s();
        assert!(
            written >= truth.planned_ttft_s.expect("ttft") - 1e-3
                && written < ttft_ms / 1000.0 + 0.2,
            "{family}: first delta at {written}"
        );

        // Each family's own event sequence.
        let kinds: Vec<String> = chunks
            .events
            .iter()
            .map(|e| match family {
                "anthropic" => e["type"].as_str().unwrap_or("?").to_string(),
                "nova" => e
                    .as_object()
                    .and_then(|o| o.keys().find(|k| *k != "amazon-bedrock-invocationMetrics"))
                    .cloned()
                    .unwrap_or_default(),
                "mistral" => completion_stop(e, "outputs"),
                "deepseek" => completion_stop(e, "choices"),
                _ => e["stop_reason"].as_str().unwrap_or("null").to_string(),
            })
            .collect();
        match family {
            "anthropic" => {
                assert_eq!(
                    kinds[..3],
                    [
                        "message_start",
                        "content_block_start",
                        "content_block_delta"
                    ]
                );
                assert_eq!(
                    kinds[kinds.len() - 3..],
                    ["content_block_stop", "message_delta", "message_stop"]
                );
                let start = &chunks.events[0]["message"];
                assert!(
                    start["id"]
                        .as_str()
                        .is_some_and(|id| id.starts_with("msg_bdrk_"))
                );
                assert_eq!(start["usage"]["input_tokens"], truth.input_tokens);
                let delta = &chunks.events[kinds.len() - 2];
                assert_eq!(delta["delta"]["stop_reason"], "end_turn");
                assert_eq!(delta["usage"]["output_tokens"], truth.output_tokens);
            }
            "nova" => {
                assert_eq!(kinds[..2], ["messageStart", "contentBlockDelta"]);
                assert_eq!(
                    kinds[kinds.len() - 3..],
                    ["contentBlockStop", "messageStop", "metadata"]
                );
                let last = chunks.events.last().expect("last");
                assert_eq!(
                    last["metadata"]["usage"]["outputTokens"],
                    truth.output_tokens
                );
            }
            "mistral" | "deepseek" => {
                let key = if family == "mistral" {
                    "outputs"
                } else {
                    "choices"
                };
                // One chunk per delta, then the stop reason's own chunk.
                assert_eq!(
                    chunks.events.len(),
                    truth.deltas_written as usize + 1,
                    "{family}"
                );
                assert!(
                    chunks
                        .events
                        .iter()
                        .all(|e| e[key].as_array().is_some_and(|list| list.len() == 1)),
                    "{family}: {:?}",
                    chunks.events
                );
                assert!(kinds[..kinds.len() - 1].iter().all(|k| k == "null"));
                assert_eq!(kinds.last().map(String::as_str), Some("stop"));
                let last = chunks.events.last().expect("last");
                assert_eq!(last[key][0]["text"], "");
            }
            _ => {
                assert_eq!(chunks.events[0]["prompt_token_count"], truth.input_tokens);
                assert!(kinds[..kinds.len() - 1].iter().all(|k| k == "null"));
                assert_eq!(kinds.last().map(String::as_str), Some("stop"));
                let last = chunks.events.last().expect("last");
                assert_eq!(last["generation_token_count"], truth.output_tokens);
            }
        }
    }
}

/// The stop reason of a text-completion chunk (`null` while streaming).
fn completion_stop(event: &Value, key: &str) -> String {
    event
        .pointer(&format!("/{key}/0/stop_reason"))
        .and_then(Value::as_str)
        .unwrap_or("null")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_model_answers_each_native_body_with_the_token_headers() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    for (family, model, body) in families(5) {
        let output = client
            .invoke_model()
            .model_id(model)
            .content_type("application/json")
            .body(Blob::new(body.to_string()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{family}: {}", error_message(&e)));
        assert_eq!(output.content_type(), "application/json");
        let answer: Value = serde_json::from_slice(output.body().as_ref()).expect("json");
        let truth = ground_truth_for(&emulator, output.request_id().expect("id"));
        assert_eq!(truth.operation, "invoke");
        assert_eq!(
            (truth.outcome.as_str(), truth.output_tokens),
            ("complete", 5)
        );
        let words = |text: &Value| text.as_str().map_or(0, |t| t.split(' ').count());
        match family {
            "anthropic" => {
                assert_eq!(answer["type"], "message");
                assert_eq!(answer["role"], "assistant");
                assert_eq!(answer["content"][0]["type"], "text");
                assert_eq!(words(&answer["content"][0]["text"]), 5);
                assert_eq!(answer["stop_reason"], "max_tokens");
                assert_eq!(answer["usage"]["output_tokens"], 5);
                assert_eq!(answer["usage"]["input_tokens"], truth.input_tokens);
            }
            "nova" => {
                assert_eq!(answer["output"]["message"]["role"], "assistant");
                assert_eq!(words(&answer["output"]["message"]["content"][0]["text"]), 5);
                assert_eq!(answer["stopReason"], "max_tokens");
                assert_eq!(answer["usage"]["outputTokens"], 5);
                assert_eq!(answer["usage"]["totalTokens"], truth.input_tokens + 5);
            }
            "mistral" | "deepseek" => {
                let key = if family == "mistral" {
                    "outputs"
                } else {
                    "choices"
                };
                let object = answer.as_object().expect("an object");
                assert_eq!(object.keys().collect::<Vec<_>>(), [key], "{answer}");
                let list = answer[key].as_array().expect("a list");
                assert_eq!(list.len(), 1, "{answer}");
                assert_eq!(words(&list[0]["text"]), 5);
                assert_eq!(list[0]["stop_reason"], "length");
            }
            _ => {
                assert_eq!(words(&answer["generation"]), 5);
                assert_eq!(answer["prompt_token_count"], truth.input_tokens);
                assert_eq!(answer["generation_token_count"], 5);
                assert_eq!(answer["stop_reason"], "length");
            }
        }
    }

    // The token-count headers, seen on the wire.
    let (_, model, body) = families(5)[1].clone();
    let request = RawRequest {
        path: format!("/model/{model}/invoke"),
        ..RawRequest::converse_stream(model, body.to_string())
    };
    let response = send(emulator.addr(), &request).await.expect("an answer");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("x-amzn-bedrock-output-token-count"),
        Some("5")
    );
    let input: u32 = response
        .header("x-amzn-bedrock-input-token-count")
        .and_then(|v| v.parse().ok())
        .expect("input tokens");
    assert_eq!(response.json()["usage"]["inputTokens"], input);
    let latency: u64 = response
        .header("x-amzn-bedrock-invocation-latency")
        .and_then(|v| v.parse().ok())
        .expect("latency");
    assert!(latency >= 20, "{latency}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_performance_and_tier_headers_are_served_and_echoed() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let (_, model, body) = families(5)[1].clone();
    let output = client
        .invoke_model()
        .model_id(model)
        .body(Blob::new(body.to_string()))
        .performance_config_latency(PerformanceConfigLatency::Optimized)
        .service_tier(ServiceTierType::Default)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", error_message(&e)));
    assert_eq!(
        output.performance_config_latency(),
        Some(&PerformanceConfigLatency::Optimized)
    );
    assert_eq!(output.service_tier(), Some(&ServiceTierType::Default));
    let truth = ground_truth_for(&emulator, output.request_id().expect("id"));
    assert_eq!(truth.requested_performance.as_deref(), Some("optimized"));
    assert_eq!(truth.served_performance.as_deref(), Some("optimized"));
    assert_eq!(truth.served_tier.as_deref(), Some("default"));

    let streamed = client
        .invoke_model_with_response_stream()
        .model_id(model)
        .body(Blob::new(body.to_string()))
        .performance_config_latency(PerformanceConfigLatency::Standard)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", error_message(&e)));
    assert_eq!(streamed.content_type(), "application/json");
    assert_eq!(
        streamed.performance_config_latency(),
        Some(&PerformanceConfigLatency::Standard)
    );

    // A model without latency-optimized inference refuses it.
    let error = client
        .invoke_model()
        .model_id(NOVA_MICRO)
        .body(Blob::new(body.to_string()))
        .performance_config_latency(PerformanceConfigLatency::Optimized)
        .send()
        .await
        .expect_err("no optimized Nova Micro");
    assert!(
        error_message(&error).starts_with("ValidationException"),
        "{}",
        error_message(&error)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_native_body_is_a_validation_exception_naming_the_field() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let cases = [
        (
            SONNET_4,
            json!({"anthropic_version": "bedrock-2023-05-31", "messages": [{"role": "user", "content": "x"}]}),
            "required key [max_tokens]",
        ),
        (
            SONNET_4,
            json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": [{"role": "user", "content": 5}]}),
            "#/messages/0/content",
        ),
        (
            NOVA_PRO,
            json!({"messages": [{"role": "user", "content": [{"text": "x"}]}], "inferenceConfig": {"temperature": 3}}),
            "#/inferenceConfig/temperature",
        ),
        (
            LLAMA_8B,
            json!({"prompt": "x", "max_gen_len": "long"}),
            "#/max_gen_len: expected type: Integer",
        ),
        (
            MISTRAL_LARGE,
            json!({"prompt": "<s>[INST] x [/INST]", "top_k": 0}),
            "#/top_k: 0 is not greater or equal to 1",
        ),
        (
            MISTRAL_LARGE,
            json!({"max_tokens": 5}),
            "#: required key [prompt] not found",
        ),
        (
            DEEPSEEK_V3,
            json!({"prompt": "x", "stop": "END"}),
            "#/stop: expected type: JSONArray, found: String",
        ),
        (
            DEEPSEEK_R1,
            json!({"prompt": 42}),
            "#/prompt: expected type: String, found: Integer",
        ),
    ];
    for (model, body, needle) in cases {
        for streaming in [false, true] {
            let message = if streaming {
                let error = client
                    .invoke_model_with_response_stream()
                    .model_id(model)
                    .body(Blob::new(body.to_string()))
                    .send()
                    .await
                    .expect_err("refused");
                error_message(&error)
            } else {
                let error = client
                    .invoke_model()
                    .model_id(model)
                    .body(Blob::new(body.to_string()))
                    .send()
                    .await
                    .expect_err("refused");
                error_message(&error)
            };
            assert!(message.starts_with("ValidationException: "), "{message}");
            assert!(message.contains(needle), "{model}: {message}");
        }
    }
    let records = emulator.ground_truth();
    assert_eq!(records.len(), 16);
    assert!(
        records
            .iter()
            .all(|r| r.http_status == 400 && r.outcome == "ValidationException")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_without_a_native_format_is_refused() {
    // Titan is not in the catalog: the emulator must accept any model.
    let emulator = bedrock_emulator::Emulator::start(bedrock_emulator::EmulatorConfig {
        seed: Some(42),
        profiles: fast_profiles("{}"),
        accept_any_model: true,
        ..bedrock_emulator::EmulatorConfig::default()
    })
    .expect("emulator binds 127.0.0.1:0");
    let client = client_for(&emulator);
    let error = client
        .invoke_model_with_response_stream()
        .model_id("amazon.titan-text-express-v1")
        .body(Blob::new(r#"{"inputText":"x"}"#))
        .send()
        .await
        .expect_err("no native format");
    let message = error_message(&error);
    assert!(message.starts_with("ValidationException: "), "{message}");
    assert!(
        message.contains("no native InvokeModel format"),
        "{message}"
    );
    let truth = emulator.ground_truth();
    assert_eq!(truth[0].operation, "invoke-with-response-stream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mid_stream_faults_arrive_as_exception_events() {
    let emulator = start_emulator(
        fast_profiles(
            r#"{"all": {"standard": {"natural_output_tokens_p50": 40, "natural_output_tokens_p90": 40,
                                     "faults": {"throttle_mid_stream": 1.0}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    for (family, model, body) in families(40) {
        let chunks = stream(&client, family, model, &body).await;
        assert_eq!(
            chunks.error.as_deref(),
            Some("throttlingException"),
            "{family}"
        );
        assert!(
            chunks.metrics.is_none(),
            "{family}: no metrics after an exception"
        );
        assert!(!chunks.events.is_empty());
        let truth = ground_truth_for(&emulator, chunks.request_id.as_deref().expect("id"));
        assert_eq!(truth.outcome, "throttlingException");
        assert_eq!(truth.operation, "invoke-with-response-stream");
    }
}
