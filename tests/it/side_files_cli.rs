//! Every file the configuration names, read by `bedrock-bench run` as a
//! process: a FIFO or `/dev/zero` as a prompt file, a tool config, a price
//! file, an emulator profile file or a config file is refused at once
//! (the dry run ends, it does not hang or read until memory runs out);
//! a tool file or a profile file with a repeated key or an ESC is
//! refused as the scenarios file would refuse it; `models
//! --write-scenarios --force` leaves a FIFO alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::isolation;

use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

/// How long a command may take before it counts as hung (it takes a
/// fraction of a second).
const HANG: Duration = Duration::from_secs(30);

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("side-cli", name)
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Run `command` to its end, or kill it and fail after [`HANG`].
fn output_within_limit(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let start = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command hung for {HANG:?}: {command:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `run --dry-run --target emulator` of a scenarios file of `lines` in
/// `dir`, with `args` and `env`.
fn dry_run(dir: &Path, lines: &[&str], args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(&scenarios, lines.join("\n")).expect("scenarios");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(&experiment, "{}").expect("experiment");
    dry_run_files(dir, &scenarios, &experiment, args, env)
}

fn dry_run_files(
    dir: &Path,
    scenarios: &Path,
    experiment: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String) {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .args(["run", "--dry-run", "--target", "emulator", "--scenarios"])
        .arg(scenarios)
        .arg("--experiment")
        .arg(experiment)
        .arg("--out")
        .arg(dir.join("out"))
        .args(args)
        .envs(env.iter().copied());
    let output = output_within_limit(&mut command);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stderr)
}

const NOVA: &str = r#""model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2""#;

#[test]
fn a_fifo_or_a_device_as_a_side_file_is_refused_without_waiting() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe");
    mkfifo(&fifo);
    let prompt = format!(r#"{{"prompt_file": "pipe", {NOVA}}}"#);
    let zero = format!(r#"{{"prompt_file": "/dev/zero", {NOVA}}}"#);
    let tools = format!(r#"{{"text_prompt": "x", "tool_config": "pipe", {NOVA}}}"#);
    let (status, stderr) = dry_run(&dir, &[&prompt, &zero, &tools], &[], &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("scenarios.jsonl:1: field `prompt_file`")
            && stderr.contains("a FIFO (named pipe), not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scenarios.jsonl:2: field `prompt_file`")
            && stderr.contains("\"/dev/zero\": a character device, not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scenarios.jsonl:3: field `tool_config`: expected a regular JSON file of at most 16 MiB (16777216 bytes)"),
        "{stderr}"
    );
    let plain = format!(r#"{{"text_prompt": "x", {NOVA}}}"#);
    let fifo_text = fifo.display().to_string();
    let (status, stderr) = dry_run(&dir, &[&plain], &["--prices", &fifo_text], &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{fifo_text}: expected a readable regular file of at most 64 MiB (67108864 bytes), found a FIFO (named pipe), not a regular file")),
        "{stderr}"
    );
    let (status, stderr) = dry_run(
        &dir,
        &[&plain],
        &[],
        &[("BEDROCK_BENCH_EMULATOR_PROFILES", "/dev/zero")],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("BEDROCK_BENCH_EMULATOR_PROFILES=\"/dev/zero\"")
            && stderr.contains("a character device, not a regular file"),
        "{stderr}"
    );
    let experiment = dir.join("experiment.jsonl");
    let (status, stderr) = dry_run_files(&dir, &fifo, &experiment, &[], &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("a FIFO (named pipe), not a regular file"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_tool_file_or_a_profile_file_with_a_repeated_key_or_an_escape_is_refused() {
    let dir = temp_dir("strict");
    let tool = r#"{"toolSpec": {"name": "get_weather", "description": "DESCRIPTION", "inputSchema": {"json": {"type": "object"}}}}"#;
    std::fs::write(
        dir.join("repeated.json"),
        format!(
            r#"{{"tools": [{}], "toolChoice": {{"auto": {{}}}}, "toolChoice": {{"any": {{}}}}}}"#,
            tool.replace("DESCRIPTION", "Weather")
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("escape.json"),
        format!(
            r#"{{"tools": [{}]}}"#,
            tool.replace("DESCRIPTION", r"Weather\u001b[2J")
        ),
    )
    .expect("write");
    let repeated = format!(r#"{{"text_prompt": "x", "tool_config": "repeated.json", {NOVA}}}"#);
    let escape = format!(r#"{{"text_prompt": "x", "tool_config": "escape.json", {NOVA}}}"#);
    let (status, stderr) = dry_run(&dir, &[&repeated, &escape], &[], &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr
            .contains("scenarios.jsonl:1: field `tool_config.toolChoice`: expected each key once")
            && stderr.contains("the key more than once in \"repeated.json\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("scenarios.jsonl:2: field `tool_config.tools.0.toolSpec.description`: expected text without control characters")
            && stderr.contains("found U+001B in \"escape.json\""),
        "{stderr}"
    );
    let profiles = dir.join("profiles.json");
    std::fs::write(
        &profiles,
        r#"{"all": {"standard": {"ttft_p50_s": 0.1}, "standard": {"ttft_p50_s": 9}}}"#,
    )
    .expect("write");
    let plain = format!(r#"{{"text_prompt": "x", {NOVA}}}"#);
    let shown = profiles.display().to_string();
    let (status, stderr) = dry_run(
        &dir,
        &[&plain],
        &[],
        &[("BEDROCK_BENCH_EMULATOR_PROFILES", &shown)],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("found `all.standard` more than once in "),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn models_write_scenarios_force_leaves_a_fifo_alone() {
    let dir = temp_dir("models");
    let fifo = dir.join("scenarios.jsonl");
    mkfifo(&fifo);
    let mut command = Command::new(BIN);
    isolated(&mut command, &dir)
        .args([
            "models",
            "--target",
            "emulator",
            "--region",
            "us-east-2",
            "--provider",
            "amazon",
            "--write-scenarios",
        ])
        .arg(&fifo)
        .arg("--force");
    let output = output_within_limit(&mut command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is not a regular file; it was left as it is"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_aws_shared_file_that_is_a_fifo_is_refused_before_the_sdk_reads_it() {
    let dir = temp_dir("aws-files");
    let fifo = dir.join("aws-config");
    mkfifo(&fifo);
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(&scenarios, format!(r#"{{"text_prompt": "x", {NOVA}}}"#)).expect("scenarios");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(&experiment, "{}").expect("experiment");
    let mut command = Command::new(BIN);
    isolated(&mut command, &dir)
        .args(["run", "--dry-run", "--scenarios"])
        .arg(&scenarios)
        .arg("--experiment")
        .arg(&experiment)
        .env("AWS_CONFIG_FILE", &fifo);
    let output = output_within_limit(&mut command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the AWS shared file {} cannot be used: a FIFO (named pipe), not a regular file",
            fifo.display()
        )),
        "{stderr}"
    );
    // /dev/null, a common way to switch the file off, is fine.
    let mut command = Command::new(BIN);
    isolated(&mut command, &dir)
        .args(["run", "--dry-run", "--scenarios"])
        .arg(&scenarios)
        .arg("--experiment")
        .arg(&experiment)
        .env("AWS_CONFIG_FILE", "/dev/null");
    let output = output_within_limit(&mut command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
