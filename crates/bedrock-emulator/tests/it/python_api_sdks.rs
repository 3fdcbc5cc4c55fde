//! The OpenAI and Anthropic Python SDKs against the emulator:
//! `tests/python/openai_chat.py` (streamed and whole Chat Completions on
//! both path prefixes, Claude refused, a wrong key refused) and
//! `tests/python/anthropic_messages.py` (streamed Messages with the key
//! as the SDK's `api_key` and as its `auth_token`, the SDK's Bedrock client
//! through InvokeModelWithResponseStream with a key and with SigV4, its
//! bedrock-mantle client, a whole message, a non-Claude model refused, a
//! wrong key refused). Each prints one JSON object per
//! scenario.
//!
//! Needs `python3` with the `openai` / `anthropic` package. When one is
//! missing its test is skipped and says so on the terminal; with
//! `BEDROCK_BENCH_REQUIRE_EXTERNAL=1` it fails instead.

use std::collections::HashMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common;
use crate::external;
use bedrock_emulator::{ApiKeys, Emulator, EmulatorConfig};
use common::features::fast_profiles;
use common::script_output::results_by_scenario;
use common::*;
use serde_json::Value;

const OPENAI_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/openai_chat.py");
const ANTHROPIC_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/python/anthropic_messages.py"
);
/// The scripts' run time bound (each normally takes a second or two).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);
/// The emulator's one valid key.
const KEY: &str = "bedrock-api-key-cHl0aG9uLXNka3M=";
/// The answer of the fast profiles (9 tokens).
const ANSWER: &str = "Machine learning is a way for computers to learn";

/// Why `module` cannot be imported by python3, if it cannot.
fn missing(module: &str) -> Option<String> {
    let output = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output();
    match output {
        Err(e) => Some(format!(
            "python3 could not run ({e}); install Python 3 and `pip install {module}`"
        )),
        Ok(output) if !output.status.success() => Some(format!(
            "the {module} package is not installed for python3: run `pip install {module}`"
        )),
        Ok(_) => None,
    }
}

fn keyed_emulator() -> Arc<Emulator> {
    Arc::new(
        Emulator::start(EmulatorConfig {
            time_scale: 1.0,
            seed: Some(11),
            profiles: fast_profiles("{}"),
            shutdown_grace: Duration::from_millis(500),
            api_keys: ApiKeys::new([KEY]),
            ..EmulatorConfig::default()
        })
        .expect("emulator binds 127.0.0.1:0"),
    )
}

/// Run `script URL KEY` (within [`SCRIPT_TIMEOUT`]); its results by
/// scenario.
fn run(script: &str, url: &str) -> HashMap<String, Value> {
    let mut guard = ChildGuard::spawn(
        Command::new("python3")
            .arg(script)
            .arg(url)
            .arg(KEY)
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("ANTHROPIC_AUTH_TOKEN")
            .env_remove("ANTHROPIC_BASE_URL")
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
            panic!("{script} did not finish within {SCRIPT_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("reads stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("reads stderr");
    }
    assert!(
        status.success(),
        "{script} failed ({status}):\n{stderr}\n{stdout}"
    );
    results_by_scenario(&stdout)
}

#[test]
fn openai_sdk_streams_chat_completions() {
    if external::available("openai_sdk_streams_chat_completions", missing("openai")).is_err() {
        return;
    }
    let emulator = keyed_emulator();
    let results = run(OPENAI_SCRIPT, &emulator.base_url());
    for name in ["stream", "stream_v1"] {
        let result = &results[name];
        assert!(result.get("error").is_none(), "{name}: {result}");
        assert_eq!(result["object"], "chat.completion.chunk");
        assert_eq!(result["content"], ANSWER, "{name}: {result}");
        assert_eq!(result["roles"], serde_json::json!(["assistant"]));
        assert_eq!(result["finish_reasons"], serde_json::json!(["stop"]));
        let truth = ground_truth_for(&emulator, result["request_id"].as_str().expect("id"));
        assert_eq!(truth.operation, "chat-completions");
        assert_eq!(truth.auth.as_deref(), Some("bearer"));
        assert_eq!(result["usage"]["completion_tokens"], truth.output_tokens);
        assert_eq!(result["usage"]["prompt_tokens"], truth.input_tokens);
    }
    let complete = &results["complete"];
    assert_eq!(complete["object"], "chat.completion", "{complete}");
    assert_eq!(complete["content"], ANSWER);
    assert_eq!(complete["finish_reason"], "stop");
    let claude = &results["claude"]["error"];
    assert_eq!(claude["class"], "BadRequestError", "{claude}");
    assert_eq!(claude["body"]["code"], "validation_error");
    let wrong = &results["wrong_key"]["error"];
    assert_eq!(wrong["class"], "PermissionDeniedError", "{wrong}");
    assert_eq!(wrong["status"], 403);
}

#[test]
fn anthropic_sdk_streams_messages() {
    if external::available("anthropic_sdk_streams_messages", missing("anthropic")).is_err() {
        return;
    }
    let emulator = keyed_emulator();
    let results = run(ANTHROPIC_SCRIPT, &emulator.base_url());
    // `api_key` goes in `x-api-key` (older SDKs) or as a bearer token
    // (newer ones); `auth_token` always as a bearer token.
    // The SDK's Bedrock client goes through InvokeModelWithResponseStream
    // (with the key, or signed), its bedrock-mantle client through Messages.
    for (name, auths, operation) in [
        ("stream", &["x-api-key", "bearer"][..], "messages"),
        ("stream_bearer", &["bearer"][..], "messages"),
        (
            "bedrock_client",
            &["bearer"][..],
            "invoke-with-response-stream",
        ),
        (
            "bedrock_client_sigv4",
            &["sigv4"][..],
            "invoke-with-response-stream",
        ),
        ("mantle_client", &["bearer", "x-api-key"][..], "messages"),
    ] {
        let result = &results[name];
        assert!(result.get("error").is_none(), "{name}: {result}");
        assert_eq!(result["text"], ANSWER, "{name}: {result}");
        let types: Vec<&str> = result["types"]
            .as_array()
            .expect("types")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            types[..3],
            [
                "message_start",
                "content_block_start",
                "content_block_delta"
            ]
        );
        assert_eq!(
            types[types.len() - 3..],
            ["content_block_stop", "message_delta", "message_stop"]
        );
        assert_eq!(result["stop_reason"], "end_turn");
        let truth = ground_truth_for(&emulator, result["request_id"].as_str().expect("id"));
        assert_eq!(truth.operation, operation, "{name}");
        let auth = truth.auth.as_deref().unwrap_or("none");
        assert!(auths.contains(&auth), "{name}: {auth}");
        assert_eq!(result["output_tokens"], truth.output_tokens);
    }
    let complete = &results["complete"];
    assert_eq!(complete["type"], "message", "{complete}");
    assert_eq!(complete["text"], ANSWER);
    let not_claude = &results["not_claude"]["error"];
    assert_eq!(not_claude["class"], "BadRequestError", "{not_claude}");
    assert_eq!(not_claude["body"]["error"]["type"], "invalid_request_error");
    let wrong = &results["wrong_key"]["error"];
    assert_eq!(wrong["class"], "PermissionDeniedError", "{wrong}");
    assert_eq!(wrong["body"]["error"]["type"], "permission_error");
}
