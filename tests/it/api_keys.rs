//! A Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`) instead of SigV4
//! credentials, through every API the harness calls: `run --target aws`
//! pointed at an emulator that knows one key streams with it (the service
//! records bearer authentication), is refused call by call with a wrong
//! key (AccessDeniedException, not retried), and the key appears in no
//! output: not in the raw CSV, the terminal, or anything under `--out`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::child_guard::ChildGuard;
use crate::common::cli::{BIN, run_command};
use crate::common::dirs::temp_dir;

const GOOD_KEY: &str = "bedrock-api-key-R29vZEtleUZvclRoZVRlc3Q";
const WRONG_KEY: &str = "bedrock-api-key-V3JvbmdLZXlGb3JUaGVUZXN0";

/// `bedrock-bench emulator --api-key GOOD_KEY`, and its base URL.
fn start_emulator(ground_truth: &Path) -> (ChildGuard, String) {
    let mut child = ChildGuard::spawn(
        Command::new(BIN)
            .args([
                "emulator",
                "--seed",
                "1",
                "--time-scale",
                "0.05",
                "--api-key",
                GOOD_KEY,
            ])
            .arg("--ground-truth")
            .arg(ground_truth)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .expect("emulator starts");
    let stdout = child.child().stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("base URL line");
    (child, line.trim().to_string())
}

/// Every file under `dir`, as text.
fn texts_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(texts_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    out
}

#[test]
fn an_api_key_works_for_every_api_a_wrong_one_is_refused_and_neither_is_written() {
    let dir = temp_dir("apikeys", "bearer");
    let ground_truth = dir.join("ground_truth.jsonl");
    let (emulator, url) = start_emulator(&ground_truth);
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(
        &scenarios,
        r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "api": "converse"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "api": "invoke-stream"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-2", "api": "anthropic-messages"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "deepseek.v3-v1:0", "region": "us-east-2", "api": "openai-chat", "endpoint": "bedrock-mantle"}
"#,
    )
    .expect("scenarios");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(
        &experiment,
        r#"{"invocations_per_scenario": 2, "sleep_between_invocations": 0, "max_retries": 2}"#,
    )
    .expect("experiment");
    let run = |key: &str, out: &Path| {
        run_command(&dir, &["--target", "aws"], (&scenarios, &experiment), out)
            .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", &url)
            .env("AWS_BEARER_TOKEN_BEDROCK", key)
            .output()
            .expect("runs")
    };

    let good_out = dir.join("good");
    let good = run(GOOD_KEY, &good_out);
    let stderr = String::from_utf8_lossy(&good.stderr).into_owned();
    assert!(good.status.success(), "{stderr}");
    assert!(stderr.contains("10 calls: 10 succeeded"), "{stderr}");
    let truth = std::fs::read_to_string(&ground_truth).expect("ground truth");
    let lines: Vec<serde_json::Value> = truth
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 10, "{truth}");
    let mut operations: Vec<&str> = lines
        .iter()
        .map(|l| l["operation"].as_str().unwrap_or(""))
        .collect();
    operations.sort_unstable();
    operations.dedup();
    assert_eq!(
        operations,
        [
            "chat-completions",
            "converse",
            "converse-stream",
            "invoke-with-response-stream",
            "messages"
        ]
    );
    assert!(
        lines.iter().all(|l| l["auth"] == "bearer"),
        "every call used the key: {truth}"
    );

    let wrong_out = dir.join("wrong");
    let wrong = run(WRONG_KEY, &wrong_out);
    let wrong_stderr = String::from_utf8_lossy(&wrong.stderr).into_owned();
    assert!(!wrong.status.success(), "{wrong_stderr}");
    // Refused, and not retried: an access error does not pass by waiting.
    assert!(
        wrong_stderr.contains("10 calls: 0 succeeded, 10 failed"),
        "{wrong_stderr}"
    );
    assert!(
        wrong_stderr.contains("AccessDeniedException"),
        "{wrong_stderr}"
    );

    for (key, output, out) in [
        (GOOD_KEY, &good, &good_out),
        (WRONG_KEY, &wrong, &wrong_out),
    ] {
        let secret = key.trim_start_matches("bedrock-api-key-");
        assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
        assert!(!String::from_utf8_lossy(&output.stderr).contains(secret));
        let files = texts_under(out);
        assert!(!files.is_empty());
        for (path, text) in files {
            assert!(!text.contains(secret), "the key is in {path}");
        }
    }
    assert!(!truth.contains("R29vZEtleUZvclRoZVRlc3Q"));
    let _ = emulator.stop();
    let _ = std::fs::remove_dir_all(dir);
}
