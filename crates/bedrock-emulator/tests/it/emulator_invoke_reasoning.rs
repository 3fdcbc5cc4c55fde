//! DeepSeek-R1 through InvokeModelWithResponseStream and InvokeModel: its
//! reasoning (the words ConverseStream sends as `reasoningContent`) is
//! written in the same `choices[0].text` before the answer, between
//! `<think>` tags, from the same plan as ConverseStream; and Bedrock's own
//! body field `amazon-bedrock-guardrailConfig` is taken off a text-completion
//! body before it is read.

use crate::common;

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::ResponseStream;
use aws_smithy_types::Blob;
use common::features::*;
use common::*;
use serde_json::{Value, json};

/// Twelve reasoning tokens for R1; random lengths and TTFTs, so that
/// equal answers mean equal plans.
const PROFILES: &str = r#"{"all": {"standard": {
    "ttft_p50_s": 0.15, "ttft_p90_s": 0.3, "decode_jitter": 0.3,
    "natural_output_tokens_p50": 20, "natural_output_tokens_p90": 60}},
    "models": {"deepseek.r1-v1:0": {"reasoning": {"tokens_p50": 12, "tokens_p90": 12}}}}"#;

const PROMPT: &str = "Why is the sky blue?";

/// The R1 body, with a guardrail mode the emulator must take off first.
fn r1_body() -> Value {
    json!({
        "prompt": PROMPT, "max_tokens": 300, "temperature": 0.6, "top_p": 0.9,
        "amazon-bedrock-guardrailConfig": {"streamProcessingMode": "ASYNCHRONOUS"},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deepseek_r1_writes_its_reasoning_in_think_tags_before_the_answer() {
    // Three fresh emulators with the same seed: the first request of each
    // draws the same plan.
    let converse_side = start_emulator(fast_profiles(PROFILES), 1.0);
    let stream_side = start_emulator(fast_profiles(PROFILES), 1.0);
    let invoke_side = start_emulator(fast_profiles(PROFILES), 1.0);

    let output = client_for(&converse_side)
        .converse_stream()
        .model_id(DEEPSEEK_R1)
        .messages(user(PROMPT))
        .inference_config(max_tokens(300))
        .send()
        .await
        .expect("a ConverseStream answer");
    let converse = collect(output).await;
    assert!(converse.error.is_none(), "{:?}", converse.error);
    assert_eq!(converse.reasoning.split(' ').count(), 12);
    assert!(!converse.text.is_empty());
    let expected = format!(
        "<think>\n{}\n</think>\n\n{}",
        converse.reasoning, converse.text
    );
    let converse_truth =
        ground_truth_for(&converse_side, converse.request_id.as_deref().expect("id"));

    let output = client_for(&stream_side)
        .invoke_model_with_response_stream()
        .model_id(DEEPSEEK_R1)
        .content_type("application/json")
        .body(Blob::new(r1_body().to_string()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", error_message(&e)));
    let request_id = output.request_id().expect("id").to_string();
    let mut receiver = output.body;
    let mut events: Vec<Value> = Vec::new();
    // Bounded: this answer has far fewer chunks.
    for _ in 0..10_000 {
        match receiver.recv().await {
            Ok(Some(ResponseStream::Chunk(part))) => {
                let bytes = part.bytes().expect("a chunk has bytes").as_ref();
                events.push(serde_json::from_slice(bytes).expect("a JSON chunk"));
            }
            Ok(Some(other)) => panic!("unexpected event {other:?}"),
            Ok(None) => break,
            Err(e) => panic!("stream error {e:?}"),
        }
    }
    let texts: Vec<&str> = events
        .iter()
        .map(|e| {
            e.pointer("/choices/0/text")
                .and_then(Value::as_str)
                .expect("text")
        })
        .collect();
    assert!(texts[0].starts_with("<think>\n"), "{texts:?}");
    assert_eq!(texts.concat(), expected);
    let (last, streamed) = events.split_last().expect("chunks");
    assert!(
        streamed
            .iter()
            .all(|e| e["choices"][0]["stop_reason"].is_null())
    );
    assert_eq!(last["choices"][0]["stop_reason"], "stop");
    assert!(last.get("amazon-bedrock-guardrailAction").is_none());

    let truth = ground_truth_for(&stream_side, &request_id);
    assert_eq!(truth.outcome, "complete", "{truth:?}");
    assert_eq!(truth.reasoning_tokens, 12);
    assert_eq!(truth.output_tokens, converse_truth.output_tokens);
    assert_eq!(truth.planned_ttft_s, converse_truth.planned_ttft_s);
    assert_eq!(truth.planned_total_s, converse_truth.planned_total_s);
    assert_eq!(events.len(), truth.deltas_written as usize + 1);
    let metrics = &last["amazon-bedrock-invocationMetrics"];
    assert_eq!(metrics["inputTokenCount"], truth.input_tokens);
    assert_eq!(metrics["outputTokenCount"], truth.output_tokens);
    let ttft_ms = truth.planned_ttft_s.expect("planned ttft") * 1000.0;
    let first_byte = metrics["firstByteLatency"].as_f64().expect("ms");
    assert!(
        (first_byte - ttft_ms).abs() <= 1.0,
        "{first_byte} vs {ttft_ms}"
    );

    // InvokeModel: the same text in one body.
    let output = client_for(&invoke_side)
        .invoke_model()
        .model_id(DEEPSEEK_R1)
        .body(Blob::new(r1_body().to_string()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", error_message(&e)));
    let answer: Value = serde_json::from_slice(output.body().as_ref()).expect("json");
    assert_eq!(
        answer,
        json!({"choices": [{"text": expected, "stop_reason": "stop"}]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistral_answer_stops_with_stop_or_with_length_when_cut() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    // The fixed profile answers nine tokens: a maximum of four cuts it.
    for (max, stop) in [(4, "length"), (300, "stop")] {
        let body = json!({
            "prompt": "<s>[INST] Explain machine learning. [/INST]",
            "max_tokens": max,
            "amazon-bedrock-guardrailConfig": {"streamProcessingMode": "SYNCHRONOUS"},
        });
        let output = client
            .invoke_model()
            .model_id("mistral.mistral-large-2407-v1:0")
            .body(Blob::new(body.to_string()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}", error_message(&e)));
        let answer: Value = serde_json::from_slice(output.body().as_ref()).expect("json");
        let truth = ground_truth_for(&emulator, output.request_id().expect("id"));
        let words = answer["outputs"][0]["text"]
            .as_str()
            .map_or(0, |t| t.split(' ').count());
        assert_eq!(words as u64, u64::from(truth.output_tokens), "{answer}");
        assert_eq!(truth.output_tokens, max.min(9));
        assert_eq!(answer["outputs"][0]["stop_reason"], stop, "{answer}");
    }
}
