//! `bedrock-bench run` as a process: dry runs, bad configs, the AWS target
//! through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, and a SIGKILL mid-run.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::child_guard;

use child_guard::ChildGuard;

use crate::common::cli::{BIN, run_command, write_four_scenarios as write_configs};

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("runcli", name)
}

/// Start `bedrock-bench emulator` and read its base URL.
fn start_emulator_process(dir: &Path, ground_truth: &Path) -> (ChildGuard, String) {
    let profiles = dir.join("profiles.json");
    std::fs::write(
        &profiles,
        r#"{"all": {"standard": {"ttft_p50_s": 0.03, "ttft_p90_s": 0.03, "tokens_per_s": 500, "decode_jitter": 0},
                    "optimized": {"ttft_p50_s": 0.02, "ttft_p90_s": 0.02, "tokens_per_s": 800, "decode_jitter": 0}}}"#,
    )
    .expect("write profiles");
    let mut child = ChildGuard::spawn(
        Command::new(BIN)
            .args(["emulator", "--seed", "1", "--profiles"])
            .arg(&profiles)
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
    let url = line.trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "first line is the base URL: {url:?}"
    );
    (child, url)
}

fn stop(child: ChildGuard) {
    let _ = child.stop();
}

#[test]
fn a_dry_run_prints_the_schedule_and_calls_nothing() {
    let dir = temp_dir("dry");
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"invocations_per_scenario": 3, "num_parallel_invocations": 2, "num_runs_per_experiment": 2, "sleep_between_invocations": 1}"#,
    );
    let out = dir.join("out");
    let output = run_command(
        &dir,
        &["--dry-run", "--target", "emulator", "--seed", "4"],
        (&scenarios, &experiment),
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("= 24 calls"), "{stderr}");
    assert!(stderr.contains("estimated duration"), "{stderr}");
    assert!(
        stdout.contains("run 1 of 2") && stdout.contains("run 2 of 2"),
        "{stdout}"
    );
    assert!(!out.exists(), "a dry run writes nothing");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_open_loop_dry_run_prints_its_call_count_and_duration() {
    let dir = temp_dir("dry-open");
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"arrival": "constant", "rate": "1200/min", "duration_s": 30, "num_runs_per_experiment": 2, "max_concurrency": 8}"#,
    );
    let out = dir.join("out");
    let output = run_command(
        &dir,
        &["--dry-run", "--target", "emulator", "--seed", "4"],
        (&scenarios, &experiment),
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("= 1200 calls"), "{stderr}");
    assert!(stderr.contains("over 30.0 s per run"), "{stderr}");
    assert!(
        stdout.contains("constant arrivals at 20 requests/s for 30 s: 600 calls (an upper bound"),
        "{stdout}"
    );
    assert!(stdout.contains("at most 8 calls in flight"), "{stdout}");
    assert!(!out.exists(), "a dry run writes nothing");
    // The largest accepted open loop plans without building its schedule.
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"arrival": "poisson", "rate": "10000/s", "duration_s": 86400, "num_runs_per_experiment": 10000}"#,
    );
    let output = run_command(
        &dir,
        &["--dry-run", "--target", "emulator"],
        (&scenarios, &experiment),
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Poisson arrivals: an expected count, said so.
    assert!(stderr.contains("= about 8640000000000 calls"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_config_is_refused_before_any_call() {
    let dir = temp_dir("bad");
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"invocations_per_scenario": -2, "num_parallel_invocations": 2}"#,
    );
    let out = dir.join("out");
    let output = run_command(
        &dir,
        &["--target", "emulator"],
        (&scenarios, &experiment),
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("experiment.jsonl:1") && stderr.contains("invocations_per_scenario"),
        "{stderr}"
    );
    assert!(stderr.contains("-2"), "{stderr}");
    assert!(!out.exists(), "nothing was written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_budget_refuses_an_oversized_run() {
    let dir = temp_dir("budget");
    let (scenarios, experiment) =
        write_configs(&dir, r#"{"invocations_per_scenario": 10, "max_calls": 39}"#);
    let output = run_command(
        &dir,
        &["--target", "emulator"],
        (&scenarios, &experiment),
        &dir.join("out"),
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("40 calls") && stderr.contains("maximum of 39"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Rows of a raw CSV; panics on any malformed line.
fn csv_request_ids(path: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).expect("opens");
    let headers = reader.headers().expect("header").clone();
    let id_column = headers
        .iter()
        .position(|h| h == "request_id")
        .expect("request_id column");
    reader
        .records()
        .map(|record| {
            let record = record.expect("every line is a complete row");
            assert_eq!(record.len(), headers.len(), "complete row");
            record[id_column].to_string()
        })
        .collect()
}

/// Wait (at most 30 s) until the run's first raw CSV in `results` has more
/// than `rows` rows, and return it.
fn wait_for_rows(results: &Path, rows: usize) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(
            Instant::now() < deadline,
            "the run wrote no {rows} rows within 30 s"
        );
        let file = std::fs::read_dir(results)
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(|entry| entry.ok())
            .map(|entry| entry.path());
        if let Some(path) = file
            && std::fs::read_to_string(&path)
                .map(|t| t.lines().count())
                .unwrap_or(0)
                > rows + 1
        {
            return path;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_sigkill_mid_run_leaves_every_completed_call_on_disk() {
    let dir = temp_dir("kill");
    let ground_truth = dir.join("ground_truth.jsonl");
    let (emulator, url) = start_emulator_process(&dir, &ground_truth);
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"invocations_per_scenario": 200, "num_parallel_invocations": 4, "sleep_between_invocations": 0}"#,
    );
    let out = dir.join("out");
    // The aws target, pointed at the emulator by the SDK's own variable.
    let run = ChildGuard::spawn(
        run_command(&dir, &["--target", "aws"], (&scenarios, &experiment), &out)
            .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", &url)
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("run starts");

    let csv_path = wait_for_rows(&out.join("results"), 40);
    run.signal(libc::SIGKILL);
    let status = run.wait().expect("reaped");
    assert!(!status.success(), "the run was killed");
    // Let the emulator finish any stream the dead client left, then stop it.
    std::thread::sleep(Duration::from_millis(300));
    stop(emulator);

    let in_csv: Vec<String> = csv_request_ids(&csv_path);
    assert!(in_csv.len() > 40);
    let truth = std::fs::read_to_string(&ground_truth).expect("ground truth");
    let completed: Vec<(String, String)> = truth
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("ground truth line");
            (
                value["request_id"].as_str().unwrap_or("").to_string(),
                value["outcome"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let server_ids: HashSet<&str> = completed.iter().map(|(id, _)| id.as_str()).collect();
    assert!(
        in_csv.iter().all(|id| server_ids.contains(id.as_str())),
        "every row is a real call"
    );
    let rows: HashSet<&str> = in_csv.iter().map(String::as_str).collect();
    let missing = completed
        .iter()
        .filter(|(id, outcome)| outcome == "complete" && !rows.contains(id.as_str()))
        .count();
    // At most the four calls in flight at the kill were served completely
    // but not yet recorded by the client.
    assert!(
        missing <= 4,
        "{missing} completed calls are missing from the CSV"
    );
    let text = std::fs::read_to_string(&csv_path).expect("csv");
    assert!(text.ends_with('\n'), "the file ends on a complete row");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sigint_sigterm_and_sighup_stop_new_calls_keep_every_row_and_exit_128_plus_signal() {
    for (signal, name, code) in [
        (libc::SIGINT, "SIGINT (Ctrl-C)", 130),
        (libc::SIGTERM, "SIGTERM", 143),
        (libc::SIGHUP, "SIGHUP", 129),
    ] {
        let dir = temp_dir(&format!("signal{signal}"));
        let ground_truth = dir.join("ground_truth.jsonl");
        let (emulator, url) = start_emulator_process(&dir, &ground_truth);
        let (scenarios, experiment) = write_configs(
            &dir,
            r#"{"invocations_per_scenario": 500, "num_parallel_invocations": 2, "sleep_between_invocations": 0}"#,
        );
        let out = dir.join("out");
        let run = ChildGuard::spawn(
            run_command(&dir, &["--target", "aws"], (&scenarios, &experiment), &out)
                .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", &url)
                .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
                .env("AWS_SECRET_ACCESS_KEY", "test-secret")
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
        )
        .expect("run starts");
        let csv_path = wait_for_rows(&out.join("results"), 5);
        run.signal(signal);
        let output = run.wait_with_output().expect("the run ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
        stop(emulator);
        let rows = csv_request_ids(&csv_path);
        assert!(
            rows.len() > 5 && rows.len() < 4 * 500,
            "{name}: {} rows",
            rows.len()
        );
        assert!(
            stderr.contains(&format!(
                "interrupted by {name}: {} calls were made",
                rows.len()
            )),
            "{name}: the message counts every call, each of which has its row: {stderr}"
        );
        // Every request that reached the emulator has its row.
        let in_csv: HashSet<String> = rows.into_iter().collect();
        let truth = std::fs::read_to_string(&ground_truth).expect("ground truth");
        for line in truth.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("ground truth line");
            let id = value["request_id"].as_str().unwrap_or("");
            assert!(
                in_csv.contains(id),
                "{name}: request {id} has no row: {line}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn a_misspelled_budget_or_a_repeated_key_refuses_the_run() {
    let dir = temp_dir("typo");
    for (experiment, expected) in [
        (
            r#"{"maxCalls": 5}"#,
            "experiment.jsonl:1: field `maxCalls`: expected a known key (did you mean `max_calls`?)",
        ),
        (
            r#"{"max_calls": 1, "max_calls": 1000}"#,
            "experiment.jsonl:1: field `max_calls`: expected each key once",
        ),
    ] {
        let (scenarios, experiment) = write_configs(&dir, experiment);
        let out = dir.join("out");
        let output = run_command(
            &dir,
            &["--target", "emulator"],
            (&scenarios, &experiment),
            &out,
        )
        .output()
        .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains("nothing was called"), "{stderr}");
        assert!(!out.exists(), "nothing was written");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn huge_counts_are_refused_or_planned_without_a_crash() {
    let dir = temp_dir("huge");
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"invocations_per_scenario": 4294967295, "sleep_between_invocations": 86400, "num_parallel_invocations": 4294967295}"#,
    );
    let output = run_command(
        &dir,
        &["--dry-run"],
        (&scenarios, &experiment),
        &dir.join("out"),
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "refused, not a crash: {stderr}"
    );
    assert!(
        stderr.contains("field `invocations_per_scenario`: expected a positive integer no larger than 1000000, found 4294967295"),
        "{stderr}"
    );
    assert!(
        stderr.contains("field `num_parallel_invocations`"),
        "{stderr}"
    );
    // The largest accepted values plan (and dry-run) without overflow.
    let (scenarios, experiment) = write_configs(
        &dir,
        r#"{"invocations_per_scenario": 1000000, "sleep_between_invocations": 86400, "num_parallel_invocations": 10000, "num_runs_per_experiment": 10000, "warmup_invocations": 1000, "max_retries": 100}"#,
    );
    let output = run_command(
        &dir,
        &["--dry-run"],
        (&scenarios, &experiment),
        &dir.join("out"),
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("= 40040000000 calls"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_scenario_without_a_successful_call_fails_the_run_with_its_reasons() {
    let dir = temp_dir("wrong-model");
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(
        &scenarios,
        "{\"text_prompt\": \"Hi\", \"expected_output_tokens\": 5, \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\"}\n\
         {\"text_prompt\": \"Hi\", \"expected_output_tokens\": 5, \"model_id\": \"us.example.no-such-model-v1:0\", \"region\": \"us-east-2\"}\n",
    )
    .expect("scenarios");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(&experiment, r#"{"invocations_per_scenario": 3}"#).expect("experiment");
    let output = run_command(
        &dir,
        &["--target", "emulator"],
        (&scenarios, &experiment),
        &dir.join("out"),
    )
    .env("BEDROCK_BENCH_TIME_SCALE", "0.01")
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1 of 2 scenarios had no successful call"),
        "{stderr}"
    );
    assert!(
        stderr.contains("us.example.no-such-model-v1:0/standard@us-east-2 (")
            && stderr.contains("scenarios.jsonl:2): 3 of 3 attempts failed: ValidationException x3; e.g. \"The provided model identifier is invalid.\""),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_named_profile_that_does_not_exist_is_an_error_not_the_emulator() {
    let dir = temp_dir("profile");
    let (scenarios, experiment) = write_configs(&dir, r#"{"invocations_per_scenario": 1}"#);
    std::fs::write(
        dir.join("aws-config"),
        "[default]\nregion = us-east-2\n[profile dev]\n",
    )
    .expect("config");
    let out = dir.join("out");
    let output = run_command(&dir, &[], (&scenarios, &experiment), &out)
        .env("AWS_PROFILE", "doesnotexist")
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("AWS_PROFILE=\"doesnotexist\" names a profile that is not defined")
            && stderr.contains("defined: default, dev"),
        "{stderr}"
    );
    assert!(!stderr.contains("EMULATOR"), "no silent switch: {stderr}");
    assert!(!out.exists(), "no call, no file");
    let _ = std::fs::remove_dir_all(dir);
}
