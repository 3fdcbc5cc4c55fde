//! Reasoning through the SDK: Anthropic extended thinking (reasoning
//! deltas in block 0, a signature, then the text in block 1), the budget
//! as a cap, and a model that always reasons.

use crate::common;

use common::features::*;
use common::*;
use serde_json::json;

const OVERRIDES: &str = r#"{"models": {
    "anthropic.claude-sonnet-4-20250514-v1:0": {"reasoning": {"tokens_p50": 30, "tokens_p90": 30}},
    "deepseek.r1-v1:0": {"reasoning": {"tokens_p50": 12, "tokens_p90": 12}}}}"#;

async fn think(budget: u32, max: i32, emulator: &bedrock_emulator::Emulator) -> Collected {
    let output = client_for(emulator)
        .converse_stream()
        .model_id(SONNET_4)
        .messages(user("Why is the sky blue?"))
        .inference_config(max_tokens(max))
        .additional_model_request_fields(doc(json!({
            "thinking": {"type": "enabled", "budget_tokens": budget}
        })))
        .send()
        .await
        .expect("stream");
    collect(output).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extended_thinking_streams_a_signed_reasoning_block_first() {
    let emulator = start_emulator(fast_profiles(OVERRIDES), 1.0);
    let c = think(1024, 2000, &emulator).await;
    assert!(c.error.is_none(), "{:?}", c.error);
    assert_eq!(
        c.events,
        [
            "messageStart",
            "reasoning:0",
            "signature:0",
            "contentBlockStop:0",
            "text:1",
            "contentBlockStop:1",
            "messageStop",
            "metadata"
        ]
    );
    assert_eq!(c.reasoning.split(' ').count(), 30, "{:?}", c.reasoning);
    assert!(c.signature.as_ref().is_some_and(|s| s.len() > 20));
    assert_eq!(c.text.split(' ').count(), 9);
    assert_eq!(c.usage.as_ref().map(|u| u.output_tokens()), Some(39));
    assert!(c.first_text_at > c.first_delta_at);
    let truth = ground_truth_for(&emulator, c.request_id.as_deref().expect("id"));
    assert_eq!(truth.reasoning_tokens, 30);
    assert_eq!(truth.output_tokens, 39);
    // At 1000 tok/s, 2 tokens a delta: 15 reasoning deltas 2 ms apart
    // (28 ms), the signature 1 ms later, the first text delta 2 ms later.
    let reasoning_s = truth.reasoning_s.expect("reasoning time");
    assert!((reasoning_s - 0.031).abs() < 1e-6, "{reasoning_s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_caps_reasoning_and_r1_always_reasons() {
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"anthropic.claude-sonnet-4-20250514-v1:0": {"reasoning": {"tokens_p50": 5000, "tokens_p90": 5000}}}}"#,
        ),
        0.0,
    );
    let c = think(1024, 3000, &emulator).await;
    let truth = ground_truth_for(&emulator, c.request_id.as_deref().expect("id"));
    assert_eq!(truth.reasoning_tokens, 1024);
    assert_eq!(c.reasoning.split(' ').count(), 1024);

    let emulator = start_emulator(fast_profiles(OVERRIDES), 1.0);
    let output = client_for(&emulator)
        .converse_stream()
        .model_id(DEEPSEEK_R1)
        .messages(user("Why is the sky blue?"))
        .send()
        .await
        .expect("stream");
    let c = collect(output).await;
    assert_eq!(
        c.events,
        [
            "messageStart",
            "reasoning:0",
            "contentBlockStop:0",
            "text:1",
            "contentBlockStop:1",
            "messageStop",
            "metadata"
        ]
    );
    assert!(c.signature.is_none(), "R1 does not sign");
    assert_eq!(c.usage.as_ref().map(|u| u.output_tokens()), Some(12 + 9));
}
