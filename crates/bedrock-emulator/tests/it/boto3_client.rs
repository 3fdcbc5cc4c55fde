//! boto3 against the emulator: `tests/python/boto3_converse_stream.py`,
//! `boto3_features.py` and `boto3_invoke.py` each run a list of scenarios
//! and print one JSON object per scenario.
//!
//! Needs `python3` with boto3 (`pip install boto3`). When either is missing
//! the test is skipped and says so on the terminal; with
//! `BEDROCK_BENCH_REQUIRE_EXTERNAL=1` (as in CI) it fails instead.

use crate::common;
use crate::external;
use common::script_output::{events, results_by_scenario};

use std::collections::HashMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bedrock_catalog::tokens::estimate_tokens;
use common::*;
use serde_json::Value;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/python/boto3_converse_stream.py"
);
/// The scenarios of tiers, cache points, thinking, tools and Converse.
const FEATURES_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/python/boto3_features.py"
);
/// The script's run time bound (it normally takes a second or two).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);

/// Why boto3 cannot be used here, if it cannot.
fn boto3_missing() -> Option<String> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import boto3, botocore; print(boto3.__version__, botocore.__version__)",
        ])
        .output();
    match output {
        Err(e) => Some(format!(
            "python3 could not run ({e}); install Python 3 and `pip install boto3`"
        )),
        Ok(output) if !output.status.success() => Some(format!(
            "boto3 is not installed for python3: run `pip install boto3` (python said: {})",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// Run the script against `url` (within [`SCRIPT_TIMEOUT`]) and return its
/// results by scenario name.
fn run_script(url: &str) -> HashMap<String, Value> {
    run(SCRIPT, url)
}

/// Run `script` against `url` (within [`SCRIPT_TIMEOUT`]) and return its
/// results by scenario name.
fn run(script: &str, url: &str) -> HashMap<String, Value> {
    let mut guard = ChildGuard::spawn(
        Command::new("python3")
            .arg(script)
            .arg(url)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
            .env_remove("AWS_BEARER_TOKEN_BEDROCK")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .expect("python3 starts");
    let child = guard.child();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits on python3") {
            break status;
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the boto3 script did not finish within {SCRIPT_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .expect("stdout piped")
        .read_to_string(&mut stdout)
        .expect("reads stdout");
    child
        .stderr
        .take()
        .expect("stderr piped")
        .read_to_string(&mut stderr)
        .expect("reads stderr");
    assert!(
        status.success(),
        "the boto3 script failed ({status}):\n{stderr}\n{stdout}"
    );
    results_by_scenario(&stdout)
}

fn assert_error(result: &Value, where_: &str, code: &str, status: Option<u16>) {
    let error = &result["error"];
    assert_eq!(error["where"], where_, "{result}");
    assert_eq!(error["code"], code, "{result}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{result}"
    );
    if let Some(status) = status {
        assert_eq!(error["status"], status, "{result}");
        assert!(
            error["request_id"]
                .as_str()
                .is_some_and(|id| id.len() == 36)
        );
    }
}

#[test]
fn boto3_streams_and_errors() {
    if external::available("boto3_streams_and_errors", boto3_missing()).is_err() {
        return;
    }
    let mut profiles = uniform(fixed_model(
        fixed_profile(0.02, 1000.0, 2, 9),
        fixed_profile(0.01, 2000.0, 2, 9),
    ));
    profiles
        .apply_overrides(
            r#"{"models": {
                "amazon.nova-lite-v1:0": {"standard": {"faults": {"throttle_before_stream": 1.0}}},
                "meta.llama3-1-8b-instruct-v1:0": {"standard": {"faults": {"service_unavailable": 1.0}}},
                "meta.llama3-2-1b-instruct-v1:0": {"standard": {"natural_output_tokens_p50": 40,
                    "natural_output_tokens_p90": 40, "faults": {"model_stream_error": 1.0}}},
                "meta.llama3-2-3b-instruct-v1:0": {"standard": {"natural_output_tokens_p50": 40,
                    "natural_output_tokens_p90": 40, "faults": {"throttle_mid_stream": 1.0}}}
            }}"#,
            "boto3 test",
        )
        .expect("overrides apply");
    let emulator = start_emulator(profiles, 1.0);
    let results = run_script(&emulator.base_url());

    let text = &results["text"];
    assert_eq!(text["error"], Value::Null, "{text}");
    assert_eq!(text["status"], 200);
    assert_eq!(
        events(text),
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    assert_eq!(text["role"], "assistant");
    assert_eq!(text["stop_reason"], "end_turn");
    assert_eq!(text["performance"], "optimized");
    assert_eq!(text["padding_seen"], false, "boto3 drops the `p` padding");
    assert_eq!(text["text"].as_str().map(|t| t.split(' ').count()), Some(9));
    let input = u64::from(estimate_tokens(common::sdk::PROMPT));
    assert_eq!(text["usage"]["inputTokens"], input);
    assert_eq!(text["usage"]["outputTokens"], 9);
    assert_eq!(text["usage"]["totalTokens"], input + 9);
    let id = text["request_id"].as_str().expect("request id");
    assert_eq!(ground_truth_for(&emulator, id).outcome, "complete");

    let capped = &results["capped"];
    assert_eq!(capped["stop_reason"], "max_tokens");
    assert_eq!(capped["usage"]["outputTokens"], 4);
    assert_eq!(capped["performance"], Value::Null);

    let arn = &results["arn"];
    assert_eq!(arn["error"], Value::Null, "{arn}");
    let truth = ground_truth_for(&emulator, arn["request_id"].as_str().expect("id"));
    assert_eq!(
        truth.model_id,
        "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
    );

    for name in [
        "validation_temperature",
        "validation_unknown_model",
        "validation_no_optimized",
    ] {
        assert_error(
            &results[name],
            "before_stream",
            "ValidationException",
            Some(400),
        );
    }
    assert_error(
        &results["throttling"],
        "before_stream",
        "ThrottlingException",
        Some(429),
    );
    assert_error(
        &results["service_unavailable"],
        "before_stream",
        "ServiceUnavailableException",
        Some(503),
    );
    for (name, code) in [
        ("mid_stream_error", "modelStreamErrorException"),
        ("mid_stream_throttle", "throttlingException"),
    ] {
        let result = &results[name];
        assert_error(result, "mid_stream", code, None);
        let seen = events(result);
        assert_eq!(seen[0], "messageStart", "{result}");
        assert!(seen.contains(&"contentBlockDelta"), "{result}");
        assert!(!seen.contains(&"metadata"), "{result}");
        let truth = ground_truth_for(&emulator, result["request_id"].as_str().expect("id"));
        assert_eq!(truth.outcome, code);
    }

    let from_env = &results["endpoint_from_env"];
    assert_eq!(from_env["error"], Value::Null, "{from_env}");
    assert_eq!(
        from_env["stop_reason"], "end_turn",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME works"
    );

    let bearer = &results["bearer"];
    assert_eq!(bearer["auth_scheme"], "Bearer", "{bearer}");
    assert_eq!(bearer["error"], Value::Null, "{bearer}");
    assert_eq!(bearer["stop_reason"], "end_turn");
}

/// The names of a stream's events, and the delta kinds with their block.
fn event_names(result: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for event in result["events"].as_array().expect("events") {
        let (name, body) = event
            .as_object()
            .and_then(|o| o.iter().next())
            .expect("one event");
        let name = match name.as_str() {
            "contentBlockDelta" => {
                let kind = body["delta"]
                    .as_object()
                    .and_then(|d| d.keys().next().cloned())
                    .unwrap_or_default();
                let kind = match body["delta"]["reasoningContent"].as_object() {
                    Some(r) if r.contains_key("signature") => "signature".to_string(),
                    Some(_) => "reasoning".to_string(),
                    None => kind,
                };
                format!("{kind}:{}", body["contentBlockIndex"])
            }
            "contentBlockStart" | "contentBlockStop" => {
                format!("{name}:{}", body["contentBlockIndex"])
            }
            other => other.to_string(),
        };
        if names.last() != Some(&name) {
            names.push(name);
        }
    }
    names
}

fn metadata(result: &Value) -> &Value {
    result["events"]
        .as_array()
        .and_then(|events| events.iter().find_map(|e| e.get("metadata")))
        .expect("a metadata event")
}

#[test]
fn boto3_tiers_cache_thinking_tools_and_converse() {
    if external::available(
        "boto3_tiers_cache_thinking_tools_and_converse",
        boto3_missing(),
    )
    .is_err()
    {
        return;
    }
    let mut profiles = uniform(fixed_model(
        fixed_profile(0.02, 1000.0, 2, 9),
        fixed_profile(0.01, 2000.0, 2, 9),
    ));
    profiles
        .apply_overrides(
            r#"{"models": {"anthropic.claude-sonnet-4-20250514-v1:0":
                {"reasoning": {"tokens_p50": 10, "tokens_p90": 10}}}}"#,
            "boto3 features",
        )
        .expect("overrides apply");
    let emulator = start_emulator(profiles, 1.0);
    let results = run(FEATURES_SCRIPT, &emulator.base_url());

    let tier = &results["tier"];
    assert_eq!(metadata(tier)["serviceTier"]["type"], "flex", "{tier}");
    let truth = ground_truth_for(&emulator, tier["request_id"].as_str().expect("id"));
    assert_eq!(truth.served_tier.as_deref(), Some("flex"));

    let write = &metadata(&results["cache_write"])["usage"];
    let read = &metadata(&results["cache_read"])["usage"];
    let written = write["cacheWriteInputTokens"].as_u64().expect("write");
    assert!(written >= 1024, "{write}");
    assert_eq!(write["cacheReadInputTokens"], 0);
    assert_eq!(write["cacheDetails"][0]["ttl"], "1h");
    assert_eq!(read["cacheReadInputTokens"], written);
    assert_eq!(read["cacheWriteInputTokens"], 0);

    let thinking = &results["thinking"];
    assert_eq!(
        event_names(thinking),
        [
            "messageStart",
            "reasoning:0",
            "signature:0",
            "contentBlockStop:0",
            "text:1",
            "contentBlockStop:1",
            "messageStop",
            "metadata"
        ],
        "{thinking}"
    );
    assert_eq!(metadata(thinking)["usage"]["outputTokens"], 10 + 9);

    let tool = &results["tool"];
    let names = event_names(tool);
    assert_eq!(
        names,
        [
            "messageStart",
            "contentBlockStart:0",
            "toolUse:0",
            "contentBlockStop:0",
            "messageStop",
            "metadata"
        ],
        "{tool}"
    );
    let events = tool["events"].as_array().expect("events");
    let start = &events[1]["contentBlockStart"]["start"]["toolUse"];
    assert_eq!(start["name"], "get_weather");
    let input: String = events
        .iter()
        .filter_map(|e| e["contentBlockDelta"]["delta"]["toolUse"]["input"].as_str())
        .collect();
    let input: Value = serde_json::from_str(&input).expect("JSON input");
    assert!(input["city"].is_string(), "{input}");
    let stop = events.iter().find_map(|e| e.get("messageStop"));
    assert_eq!(
        stop.map(|s| &s["stopReason"]),
        Some(&Value::from("tool_use"))
    );

    assert_eq!(results["bad_budget"]["error"], "ValidationException");

    let converse = &results["converse"];
    assert_eq!(converse["stopReason"], "tool_use", "{converse}");
    assert_eq!(converse["serviceTier"]["type"], "priority");
    let content = &converse["output"]["message"]["content"][0]["toolUse"];
    assert_eq!(content["name"], "get_weather");
    assert!(content["input"]["city"].is_string(), "{converse}");
    assert!(converse["metrics"]["latencyMs"].as_u64().is_some());
}

/// The InvokeModel scenarios: each family's native stream, one InvokeModel
/// answer and a bad body.
const INVOKE_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/boto3_invoke.py");

#[test]
fn boto3_invoke_model_with_response_stream() {
    if external::available("boto3_invoke_model_with_response_stream", boto3_missing()).is_err() {
        return;
    }
    let emulator = start_emulator(
        uniform(fixed_model(
            fixed_profile(0.02, 1000.0, 2, 9),
            fixed_profile(0.01, 2000.0, 2, 9),
        )),
        1.0,
    );
    let results = run(INVOKE_SCRIPT, &emulator.base_url());
    let expected_text = "Machine learning is a way for computers to learn";
    for (family, text_of) in [
        ("anthropic", "/delta/text"),
        ("nova", "/contentBlockDelta/delta/text"),
        ("llama", "/generation"),
    ] {
        let result = &results[&format!("stream_{family}")];
        assert!(result["error"].is_null(), "{family}: {result}");
        assert_eq!(result["content_type"], "application/json", "{result}");
        let events = result["events"].as_array().expect("events");
        let text: String = events
            .iter()
            .filter_map(|e| e.pointer(text_of).and_then(Value::as_str))
            .collect();
        assert_eq!(text, expected_text, "{family}: {result}");
        let last = events.last().expect("a last chunk");
        let metrics = &last["amazon-bedrock-invocationMetrics"];
        assert_eq!(metrics["outputTokenCount"], 9, "{family}: {last}");
        assert!(
            metrics["firstByteLatency"]
                .as_u64()
                .is_some_and(|ms| ms >= 20)
        );
        let truth = ground_truth_for(&emulator, result["request_id"].as_str().expect("id"));
        assert_eq!(truth.operation, "invoke-with-response-stream");
        assert_eq!(metrics["inputTokenCount"], truth.input_tokens);
    }
    let invoke = &results["invoke"];
    assert_eq!(
        invoke["answer"]["content"][0]["text"], expected_text,
        "{invoke}"
    );
    assert_eq!(invoke["headers"]["x-amzn-bedrock-output-token-count"], "9");
    let bad = &results["bad_body"];
    assert_eq!(bad["error"], "ValidationException", "{bad}");
    assert!(
        bad["message"]
            .as_str()
            .is_some_and(|m| m.contains("required key [max_tokens]")),
        "{bad}"
    );
}
