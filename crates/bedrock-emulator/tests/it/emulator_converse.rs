//! Converse (non-streaming) through the SDK: one answer after the planned
//! time, with the same content, usage, tiers and validation as the
//! stream, and its ground truth.

use crate::common;

use std::time::Instant;

use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, ContentBlock, ConverseOutput, PerformanceConfigLatency,
    PerformanceConfiguration, ReasoningContentBlock, ServiceTier, ServiceTierType, Tool,
    ToolChoice, ToolConfiguration, ToolInputSchema, ToolSpecification,
};
use common::features::*;
use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_converse_answer_arrives_whole_after_the_planned_time() {
    // TTFT 300 ms, 9 tokens at 1000 tok/s.
    let emulator = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"ttft_p50_s": 0.3, "ttft_p90_s": 0.3}}}"#),
        1.0,
    );
    let client = client_for(&emulator);
    let started = Instant::now();
    let output = client
        .converse()
        .model_id(NOVA_PRO)
        .messages(user(
            "Explain the concept of machine learning in simple terms.",
        ))
        .performance_config(
            PerformanceConfiguration::builder()
                .latency(PerformanceConfigLatency::Standard)
                .build(),
        )
        .service_tier(
            ServiceTier::builder()
                .r#type(ServiceTierType::Default)
                .build()
                .expect("tier"),
        )
        .send()
        .await
        .expect("a Converse answer");
    let elapsed = started.elapsed().as_secs_f64();
    assert!(elapsed >= 0.3, "{elapsed}");
    let Some(ConverseOutput::Message(message)) = output.output() else {
        panic!("no message: {output:?}");
    };
    assert_eq!(message.role().as_str(), "assistant");
    let [ContentBlock::Text(text)] = message.content() else {
        panic!("one text block: {:?}", message.content());
    };
    assert_eq!(text.split(' ').count(), 9);
    assert_eq!(output.stop_reason().as_str(), "end_turn");
    let usage = output.usage().expect("usage");
    assert_eq!(usage.output_tokens(), 9);
    assert_eq!(usage.total_tokens(), usage.input_tokens() + 9);
    assert!(output.metrics().expect("metrics").latency_ms() >= 300);
    assert_eq!(
        output.performance_config().map(|p| p.latency().as_str()),
        Some("standard")
    );
    assert_eq!(
        output.service_tier().map(|t| t.r#type().as_str()),
        Some("default")
    );
    let records = emulator.ground_truth();
    assert_eq!(records.len(), 1);
    let truth = &records[0];
    assert_eq!(truth.operation, "converse");
    assert_eq!(truth.outcome, "complete");
    assert_eq!(truth.output_tokens, 9);
    assert_eq!(truth.deltas_written, 0);
    let written = truth.headers_written_s.expect("written") - truth.plan_start_s();
    assert!(
        written >= truth.planned_total_s.expect("planned") - 1e-3,
        "{truth:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converse_carries_reasoning_and_tool_use_and_refuses_bad_input() {
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"anthropic.claude-sonnet-4-20250514-v1:0": {"reasoning": {"tokens_p50": 20, "tokens_p90": 20}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    let tool = ToolSpecification::builder()
        .name("get_weather")
        .input_schema(ToolInputSchema::Json(doc(json!({
            "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]
        }))))
        .build()
        .expect("tool");
    let output = client
        .converse()
        .model_id(SONNET_4)
        .messages(user("Weather in Paris?"))
        .inference_config(max_tokens(2000))
        .additional_model_request_fields(doc(json!({
            "thinking": {"type": "enabled", "budget_tokens": 1024}
        })))
        .tool_config(
            ToolConfiguration::builder()
                .tools(Tool::ToolSpec(tool))
                .tool_choice(ToolChoice::Any(AnyToolChoice::builder().build()))
                .build()
                .expect("config"),
        )
        .send()
        .await
        .expect("a Converse answer");
    let Some(ConverseOutput::Message(message)) = output.output() else {
        panic!("no message: {output:?}");
    };
    let [
        ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(reasoning)),
        ContentBlock::ToolUse(tool_use),
    ] = message.content()
    else {
        panic!("reasoning then tool use: {:?}", message.content());
    };
    assert_eq!(reasoning.text().split(' ').count(), 20);
    assert!(reasoning.signature().is_some());
    assert_eq!(tool_use.name(), "get_weather");
    assert!(matches!(
        tool_use.input(),
        aws_smithy_types::Document::Object(map) if map.contains_key("city")
    ));
    assert_eq!(output.stop_reason().as_str(), "tool_use");
    let truth = &emulator.ground_truth()[0];
    assert_eq!((truth.reasoning_tokens, truth.tool_use_blocks), (20, 1));

    let error = client
        .converse()
        .model_id(SONNET_4)
        .messages(user(" "))
        .send()
        .await
        .expect_err("blank text");
    assert!(error_message(&error).contains("is blank"), "{error:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converse_faults_are_modelled_errors() {
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"amazon.nova-lite-v1:0": {"standard": {"faults": {"throttle_before_stream": 1.0}}},
                           "amazon.nova-micro-v1:0": {"standard": {"faults": {"model_stream_error": 1.0}}}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    let throttled = client
        .converse()
        .model_id("us.amazon.nova-lite-v1:0")
        .messages(user("Hello."))
        .send()
        .await
        .expect_err("throttled");
    assert!(error_message(&throttled).starts_with("ThrottlingException"));
    let failed = client
        .converse()
        .model_id(NOVA_MICRO)
        .messages(user("Hello."))
        .send()
        .await
        .expect_err("model error");
    assert!(
        error_message(&failed).starts_with("ModelErrorException"),
        "{}",
        error_message(&failed)
    );
    let outcomes: Vec<String> = emulator
        .ground_truth()
        .into_iter()
        .map(|r| r.outcome)
        .collect();
    assert!(
        outcomes.contains(&"ModelErrorException".to_string()),
        "{outcomes:?}"
    );
}
