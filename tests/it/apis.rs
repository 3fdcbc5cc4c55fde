//! Every inference API through the harness's one timed-call contract,
//! against the emulator serving them all from the same plan: the same
//! model's calls through ConverseStream, InvokeModelWithResponseStream
//! (with each family's native body), the OpenAI-compatible Chat
//! Completions API and Anthropic's Messages API (on both endpoints) have a
//! TTFT within the harness's usual bound of what the emulator planned,
//! the service's own first-byte latency is recorded beside it where the
//! API reports it, and Converse measures the total latency with no TTFT.
//! A model not offered on an API is refused before any call, with the
//! APIs it is offered on.

use crate::common;

use std::path::Path;

use bedrock_bench::call::{CallSpec, CallStatus, timed_call};
use bedrock_bench::config::{parse_experiment, parse_scenarios};
use common::*;

const MODELS: [&str; 5] = [
    "us.amazon.nova-pro-v1:0",
    "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "us.meta.llama3-1-8b-instruct-v1:0",
    "deepseek.v3-v1:0",
    "mistral.mistral-large-2407-v1:0",
];

/// The routes each model is called through: (API, endpoint).
fn routes(model: &str) -> Vec<(&'static str, &'static str)> {
    let mut routes = vec![
        ("converse-stream", "bedrock-runtime"),
        ("converse", "bedrock-runtime"),
    ];
    routes.push(("invoke-stream", "bedrock-runtime"));
    if model.contains("deepseek") || model.contains("mistral") {
        routes.push(("openai-chat", "bedrock-mantle"));
    }
    if model.contains("anthropic") {
        routes.push(("anthropic-messages", "bedrock-runtime"));
        routes.push(("anthropic-messages", "bedrock-mantle"));
    }
    routes
}

fn spec_on(model: &str, api: &str, endpoint: &str) -> CallSpec {
    spec_with(model, api, endpoint, "")
}

/// A scenario line's spec, with `extra` fields.
fn spec_with(model: &str, api: &str, endpoint: &str, extra: &str) -> CallSpec {
    let line = format!(
        r#"{{"text_prompt": "Explain machine learning.", "model_id": "{model}", "region": "us-east-1", "expected_output_tokens": 40, "api": "{api}", "endpoint": "{endpoint}"{extra}}}"#
    );
    let scenario = parse_scenarios(&line, "scenarios.jsonl", Path::new("."))
        .unwrap_or_else(|errors| panic!("{errors}"))
        .value
        .remove(0);
    let experiment = parse_experiment("{}", "experiment.jsonl")
        .expect("experiment")
        .value;
    CallSpec::from_scenario(&scenario, &experiment)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_api_keeps_the_timed_call_contract_against_the_ground_truth() {
    let profile = fixed_profile(0.2, 200.0, 1, 20);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = clients(&emulator);
    let caller = clients.caller("us-east-1");
    for model in MODELS {
        for (api, endpoint) in routes(model) {
            let record = timed_call(&caller, &spec_on(model, api, endpoint)).await;
            let api = format!("{api} on {endpoint}");
            let api = api.as_str();
            assert_eq!(
                record.status,
                CallStatus::Success,
                "{model} via {api}: {:?}",
                record.error_message
            );
            let request_id = record.request_id.clone().expect("a request id");
            let truth = ground_truth_for(&emulator, &request_id);
            let planned_total = truth.planned_total_s.expect("a planned total");
            let planned_ttft = truth.planned_ttft_s.expect("a planned TTFT");
            assert_eq!(record.output_tokens(), Some(20), "{model} via {api}");
            let total = record.total_latency().expect("a total latency");
            assert!(
                total >= planned_total - 0.001,
                "{model} via {api}: total {total} s, planned {planned_total} s"
            );
            assert!(
                truth.operation
                    == match api.split(' ').next() {
                        Some("converse-stream") => "converse-stream",
                        Some("converse") => "converse",
                        Some("invoke-stream") => "invoke-with-response-stream",
                        Some("openai-chat") => "chat-completions",
                        _ => "messages",
                    },
                "{model} via {api}: the emulator served {}",
                truth.operation
            );
            if api.starts_with("converse ") {
                assert_eq!(record.ttft(), None, "{model}: Converse has no TTFT");
                continue;
            }
            // The harness's usual bound: the client's TTFT is a little
            // later than the server's plan, never earlier.
            let ttft = record.ttft().expect("a TTFT");
            let error = ttft - planned_ttft;
            assert!(
                (-0.001..0.05).contains(&error),
                "{model} via {api}: TTFT {ttft} s, planned {planned_ttft} s"
            );
            assert_eq!(record.deltas.len(), 20, "{model} via {api}");
            if api.starts_with("invoke-stream") {
                let first_byte = record.server_first_byte_ms.expect("firstByteLatency") as f64;
                assert!(
                    (first_byte - planned_ttft * 1e3).abs() <= 2.0,
                    "{model}: firstByteLatency {first_byte} ms, planned TTFT {planned_ttft} s"
                );
                assert!(
                    record.server_latency_ms.is_some(),
                    "{model}: invocationLatency"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_written_invoke_body_is_sent_with_its_placeholders_filled() {
    let profile = fixed_profile(0.2, 200.0, 1, 20);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let caller = clients(&emulator).caller("us-east-1");
    let written = r#", "invoke_body": {"prompt": "<s>[INST] {{prompt}} [/INST]", "max_tokens": "{{max_tokens}}", "temperature": "{{temperature}}"}"#;
    let spec = spec_with(
        "mistral.mistral-large-2407-v1:0",
        "invoke-stream",
        "bedrock-runtime",
        written,
    );
    let record = timed_call(&caller, &spec).await;
    assert_eq!(
        record.status,
        CallStatus::Success,
        "{:?}",
        record.error_message
    );
    assert_eq!(record.output_tokens(), Some(20));
    assert_eq!(record.deltas.len(), 20);
    let truth = ground_truth_for(&emulator, record.request_id.as_deref().expect("an id"));
    assert_eq!(truth.operation, "invoke-with-response-stream");
    // The written prompt (the template around the user message) is what
    // the emulator counted: more input tokens than the bare message.
    let bare = timed_call(
        &caller,
        &spec_on(
            "mistral.mistral-large-2407-v1:0",
            "converse-stream",
            "bedrock-runtime",
        ),
    )
    .await;
    assert!(
        record.input_tokens() > bare.input_tokens(),
        "{:?} vs {:?}",
        record.input_tokens(),
        bare.input_tokens()
    );
}

#[test]
fn a_model_not_offered_on_an_api_is_refused_with_what_it_is_offered_on() {
    let line = r#"{"text_prompt": "Hi", "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "openai-chat", "endpoint": "bedrock-mantle"}"#;
    let errors = parse_scenarios(line, "scenarios.jsonl", Path::new("."))
        .expect_err("refused")
        .to_string();
    assert!(
        errors.contains("api")
            && errors.contains(
                "converse-stream, converse, invoke-stream, anthropic-messages, anthropic-messages (bedrock-mantle)"
            )
            && errors.contains("\"openai-chat\" on bedrock-mantle"),
        "{errors}"
    );
    let line = r#"{"text_prompt": "Hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1", "api": "converse", "endpoint": "bedrock-mantle"}"#;
    let errors = parse_scenarios(line, "scenarios.jsonl", Path::new("."))
        .expect_err("refused")
        .to_string();
    assert!(errors.contains("endpoint"), "{errors}");
    let line = r#"{"text_prompt": "Hi", "model_id": "amazon.titan-text-express-v1", "region": "us-east-1", "api": "invoke-stream"}"#;
    let errors = parse_scenarios(line, "scenarios.jsonl", Path::new("."))
        .expect_err("refused")
        .to_string();
    assert!(errors.contains("invoke_body"), "{errors}");
    let line = r#"{"text_prompt": "Hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1", "api": "openai"}"#;
    let errors = parse_scenarios(line, "scenarios.jsonl", Path::new("."))
        .expect_err("refused")
        .to_string();
    assert!(errors.contains("converse-stream"), "{errors}");
}
