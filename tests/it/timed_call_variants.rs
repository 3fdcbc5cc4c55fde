//! Each variant axis through the harness's own request building and timed
//! call, against the emulator: what the scenario line asks for reaches
//! the service, and what comes back (served tier, cache tokens, reasoning
//! and tool-use deltas) lands in the record and its raw CSV columns.

use crate::common;

use std::path::Path;
use std::sync::Arc;

use bedrock_bench::call::{
    CacheState, CallRecord, CallSpec, CallStatus, DeltaKind, timed_converse_stream,
};
use bedrock_bench::config::{Experiment, Scenario, parse_experiment, parse_scenarios};
use common::features::{DEEPSEEK_R1, SONNET_4, SONNET_4_5, fast_profiles};
use common::*;

fn scenario(model: &str, extra: &str) -> Scenario {
    let line = format!(
        r#"{{"text_prompt": "What is the weather in Paris?", "model_id": "{model}", "region": "us-east-1", "expected_output_tokens": 4096, {extra}}}"#
    );
    parse_scenarios(&line, "scenarios.jsonl", Path::new("."))
        .unwrap_or_else(|errors| panic!("{errors}"))
        .value
        .remove(0)
}

fn experiment() -> Experiment {
    parse_experiment("{}", "experiment.jsonl")
        .expect("experiment")
        .value
}

async fn call(emulator: &Arc<bedrock_emulator::Emulator>, scenario: &Scenario) -> CallRecord {
    let clients = clients(emulator);
    let client = clients.client("us-east-1");
    let record =
        timed_converse_stream(&client, &CallSpec::from_scenario(scenario, &experiment())).await;
    assert_eq!(
        record.status,
        CallStatus::Success,
        "{:?}",
        record.error_message
    );
    record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_tier_is_recorded_and_a_downgrade_is_visible() {
    let emulator = start_emulator(fast_profiles("{}"), 0.0);
    let record = call(
        &emulator,
        &scenario(SONNET_4_5, r#""service_tier": "priority""#),
    )
    .await;
    assert_eq!(record.served_service_tier.as_deref(), Some("priority"));
    let downgraded = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"faults": {"priority_served_as_default": 1.0}}}}"#),
        0.0,
    );
    let record = call(
        &downgraded,
        &scenario(SONNET_4_5, r#""service_tier": "priority""#),
    )
    .await;
    assert_eq!(record.served_service_tier.as_deref(), Some("default"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_prefix_is_written_then_read_and_the_read_answers_sooner() {
    // 0.5 ms of prefill per uncached token: the 3,000-token prefix costs
    // 1.5 s of model time on the write, 0.3 s at this time scale.
    let emulator = start_emulator(
        fast_profiles(r#"{"all": {"standard": {"ttft_per_input_token_s": 0.0005}}}"#),
        0.2,
    );
    let cached = scenario(
        SONNET_4,
        r#""prompt_cache": {"shared_prefix_tokens": 3000}"#,
    );
    let write = call(&emulator, &cached).await;
    let read = call(&emulator, &cached).await;
    let usage = |record: &CallRecord| record.usage.expect("usage");
    assert_eq!(write.cache_state(), Some(CacheState::Write));
    assert!(
        usage(&write).cache_write_input_tokens >= Some(3000),
        "{:?}",
        usage(&write)
    );
    assert_eq!(read.cache_state(), Some(CacheState::Read));
    assert!(
        usage(&read).cache_read_input_tokens >= Some(3000),
        "{:?}",
        usage(&read)
    );
    let (write_ttft, read_ttft) = (write.ttft().expect("ttft"), read.ttft().expect("ttft"));
    assert!(
        read_ttft + 0.15 < write_ttft,
        "a cache read should answer well before the write: read {read_ttft} s, write {write_ttft} s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reasoning_comes_first_and_delays_the_first_text() {
    let emulator = start_emulator(fast_profiles("{}"), 0.05);
    for (model, extra) in [
        (SONNET_4, r#""reasoning_budget_tokens": 2048"#),
        (DEEPSEEK_R1, r#""task_type": "always reasons""#),
    ] {
        let record = call(&emulator, &scenario(model, extra)).await;
        let kinds = record.delta_kinds;
        assert_eq!(kinds.first, Some(DeltaKind::Reasoning), "{model}");
        assert!(kinds.reasoning > 0, "{model}");
        let ttft = record.ttft().expect("ttft");
        let first_text = record.time_to_first_text().expect("text arrived");
        assert!(
            first_text > ttft,
            "{model}: first text {first_text} <= TTFT {ttft}"
        );
        let reasoning = record.reasoning_time().expect("reasoning time");
        assert!((first_text - ttft - reasoning).abs() < 1e-9, "{model}");
    }
    let plain = call(&emulator, &scenario(SONNET_4, r#""task_type": "plain""#)).await;
    assert_eq!(plain.delta_kinds.first, Some(DeltaKind::Text));
    assert_eq!(plain.time_to_first_text(), plain.ttft());
    assert_eq!(plain.reasoning_time(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_tool_answers_with_tool_use_deltas() {
    let emulator = start_emulator(fast_profiles("{}"), 0.0);
    let tools = r#""tool_config": {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}], "toolChoice": {"tool": {"name": "get_weather"}}}"#;
    let record = call(&emulator, &scenario(SONNET_4, tools)).await;
    assert_eq!(record.stop_reason.as_deref(), Some("tool_use"));
    assert_eq!(record.delta_kinds.first, Some(DeltaKind::ToolUse));
    assert_eq!(record.delta_kinds.tool_use_blocks, 1);
    assert!(record.delta_kinds.tool_use > 0);
    assert_eq!(record.time_to_first_text(), None);
}
