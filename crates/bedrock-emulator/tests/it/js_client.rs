//! The AWS SDK for JavaScript v3 against the emulator, with its default
//! request handler (HTTP/2 with prior knowledge, h2c, on an `http://`
//! endpoint): `tests/js/converse_stream.mjs` runs a list of scenarios and
//! prints one JSON object per scenario, checked here against the ground
//! truth.
//!
//! Needs `node` and `npm`. The SDK is installed with `npm install
//! @aws-sdk/client-bedrock-runtime` into a temporary folder, or taken from
//! the folder named by `BEDROCK_BENCH_NODE_MODULES` (one where that install
//! ran, or its `node_modules`), installed once beforehand. When node or npm
//! is missing, or the install fails (no package registry), the test is
//! skipped and says so on the terminal; with
//! `BEDROCK_BENCH_REQUIRE_EXTERNAL=1` (as in CI) it fails instead.

use crate::common;
use crate::external;
use common::script_output::{events, results_by_scenario};

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bedrock_catalog::tokens::estimate_tokens;
use common::*;
use serde_json::Value;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/js/converse_stream.mjs");
/// The variable naming a folder where the SDK is installed already.
const SDK_DIR_ENV: &str = "BEDROCK_BENCH_NODE_MODULES";
/// The package under test.
const PACKAGE: &str = "@aws-sdk/client-bedrock-runtime";
/// The install's time bound (it normally takes seconds).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(240);
/// The script's time bound (it normally takes a second or two).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);

/// Run `command` to its end within `limit`, killing it past that.
/// `Err` says why it did not run or did not finish.
fn run_bounded(command: &mut Command, limit: Duration) -> Result<Output, String> {
    let mut guard = ChildGuard::spawn(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .map_err(|e| format!("could not start: {e}"))?;
    let child = guard.child();
    // Read both pipes on threads so that a chatty child never blocks.
    let mut stdout = child.stdout.take().expect("stdout piped");
    let mut stderr = child.stderr.take().expect("stderr piped");
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("wait failed: {e}"))? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("did not finish within {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "bedrock-bench-js-sdk-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("creates a temporary folder");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn is_installed(dir: &Path) -> bool {
    dir.join("node_modules").join(PACKAGE).is_dir()
}

/// The folder holding `node_modules` with the SDK: the one named by
/// [`SDK_DIR_ENV`], or a temporary one the SDK is installed into now.
/// `Err` says why the SDK cannot be had.
fn sdk_dir(temp: &TempDir) -> Result<PathBuf, String> {
    if let Some(named) = std::env::var_os(SDK_DIR_ENV) {
        let named = PathBuf::from(named);
        let dir = if named.ends_with("node_modules") {
            named.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            named.clone()
        };
        return if is_installed(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "{SDK_DIR_ENV}={} holds no node_modules/{PACKAGE}",
                named.display()
            ))
        };
    }
    let npm = run_bounded(
        Command::new("npm").arg("--version"),
        Duration::from_secs(30),
    )
    .map_err(|e| format!("npm {e}; install Node.js and npm"))?;
    if !npm.status.success() {
        return Err("npm does not run; install Node.js and npm".into());
    }
    let installed = run_bounded(
        Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                PACKAGE,
            ])
            .current_dir(&temp.0),
        INSTALL_TIMEOUT,
    )
    .map_err(|e| format!("`npm install {PACKAGE}` {e}"))?;
    if !installed.status.success() || !is_installed(&temp.0) {
        // npm's first lines name the cause (ECONNREFUSED, E404...).
        let stderr = String::from_utf8_lossy(&installed.stderr);
        let head: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect();
        return Err(format!(
            "`npm install {PACKAGE}` failed ({}; no package registry?): {}",
            installed.status,
            head.join(" / ")
        ));
    }
    Ok(temp.0.clone())
}

/// Why node cannot be used here, if it cannot.
fn node_missing() -> Option<String> {
    match run_bounded(
        Command::new("node").arg("--version"),
        Duration::from_secs(30),
    ) {
        Err(e) => Some(format!("node {e}; install Node.js and npm")),
        Ok(output) if !output.status.success() => {
            Some("node does not run; install Node.js and npm".into())
        }
        Ok(_) => None,
    }
}

/// Run the script against `url` with the SDK in `sdk` and return its
/// results by scenario name.
fn run_script(url: &str, sdk: &Path) -> HashMap<String, Value> {
    let output = run_bounded(
        Command::new("node")
            .arg(SCRIPT)
            .arg(url)
            .arg(sdk)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
            .env_remove("AWS_BEARER_TOKEN_BEDROCK")
            .env_remove("AWS_REGION")
            .env("AWS_EC2_METADATA_DISABLED", "true"),
        SCRIPT_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("the JavaScript SDK script {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the JavaScript SDK script failed ({}):\n{}\n{stdout}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    results_by_scenario(&stdout)
}

/// A whole text answer: 9 tokens in 5 deltas, the usage and the ground
/// truth agree, and the client's TTFT is no shorter than the server's.
fn check_text_answer(emulator: &bedrock_emulator::Emulator, result: &Value) {
    assert_eq!(result["error"], Value::Null, "{result}");
    assert_eq!(result["status"], 200, "{result}");
    assert_eq!(
        events(result),
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
        ],
        "{result}"
    );
    assert_eq!(result["stopReason"], "end_turn", "{result}");
    let text = result["text"].as_str().expect("text");
    assert_eq!(text.split(' ').count(), 9, "{result}");
    let input = u64::from(estimate_tokens(common::sdk::PROMPT));
    assert_eq!(result["usage"]["inputTokens"], input, "{result}");
    assert_eq!(result["usage"]["outputTokens"], 9, "{result}");
    assert_eq!(result["usage"]["totalTokens"], input + 9, "{result}");

    let id = result["requestId"].as_str().expect("request id");
    let truth = ground_truth_for(emulator, id);
    assert_eq!(truth.outcome, "complete", "{truth:?}");
    assert_eq!(truth.output_tokens, 9, "{truth:?}");
    assert_eq!(truth.deltas_written, 5, "{truth:?}");
    let server_ttft_ms =
        (truth.first_delta_written_s.expect("a first delta") - truth.plan_start_s()) * 1000.0;
    let client_ttft_ms = result["ttftMs"].as_f64().expect("ttftMs");
    assert!(
        client_ttft_ms >= server_ttft_ms,
        "client TTFT {client_ttft_ms} ms < server's {server_ttft_ms} ms"
    );
    assert!(
        server_ttft_ms >= 20.0,
        "the fixed TTFT is 20 ms: {server_ttft_ms}"
    );
}

#[test]
fn js_sdk_streams_over_h2c_with_its_default_handler() {
    const TEST: &str = "js_sdk_streams_over_h2c_with_its_default_handler";
    if external::available(TEST, node_missing()).is_err() {
        return;
    }
    let temp = TempDir::new();
    let sdk = match sdk_dir(&temp) {
        Ok(sdk) => sdk,
        Err(reason) => {
            let _ = external::available(TEST, Some(reason));
            return;
        }
    };
    let mut profiles = uniform(fixed_model(
        fixed_profile(0.02, 1000.0, 2, 9),
        fixed_profile(0.01, 2000.0, 2, 9),
    ));
    profiles
        .apply_overrides(
            r#"{"models": {
                "amazon.nova-lite-v1:0": {"standard": {"faults": {"throttle_before_stream": 1.0}}}
            }}"#,
            "JavaScript SDK test",
        )
        .expect("overrides apply");
    let emulator = start_emulator(profiles, 1.0);
    let results = run_script(&emulator.base_url(), &sdk);

    check_text_answer(&emulator, &results["text"]);
    for i in 0..4 {
        check_text_answer(&emulator, &results[&format!("parallel_{i}")]);
    }

    let capped = &results["capped"];
    assert_eq!(capped["error"], Value::Null, "{capped}");
    assert_eq!(capped["stopReason"], "max_tokens", "{capped}");
    assert_eq!(capped["usage"]["outputTokens"], 4, "{capped}");

    let throttled = &results["throttling"];
    assert_eq!(
        throttled["error"]["name"], "ThrottlingException",
        "{throttled}"
    );
    assert_eq!(throttled["error"]["status"], 429, "{throttled}");
    let id = throttled["error"]["requestId"]
        .as_str()
        .expect("request id");
    assert_eq!(
        ground_truth_for(&emulator, id).outcome,
        "ThrottlingException"
    );

    // The default handler spoke HTTP/2 on every connection it opened.
    let stats = emulator.connection_stats();
    assert!(stats.accepted >= 1, "{stats:?}");
    assert_eq!(stats.http2, stats.accepted, "{stats:?}");
    assert_eq!(
        stats.closed_header_timeout + stats.closed_idle + stats.closed_for_room,
        0,
        "{stats:?}"
    );
}
