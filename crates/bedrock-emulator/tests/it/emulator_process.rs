//! `bedrock-emulator` as a process: the base URL is the first line on
//! stdout, requests work, SIGTERM stops it cleanly (exit status 0) after
//! in-flight streams end, and the ground-truth file has one line per request;
//! when ground truth cannot be written, it says so at once and exits 1.

use crate::common;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::operation::RequestId;
use bedrock_emulator::GroundTruthRecord;
use common::sdk::{Ask, converse, send};
use common::*;

const BINARY: &str = env!("CARGO_BIN_EXE_bedrock-emulator");

fn scratch_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", std::process::id()))
}

/// Kills the child if the test fails before it stops it.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        assert!(
            started.elapsed() < timeout,
            "the emulator did not exit within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The first stdout line, read within 10 s.
fn first_line(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("the base URL within 10 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subcommand_serves_and_stops_cleanly_on_sigterm() {
    let profiles = scratch_file("process-profiles.json");
    let ground_truth = scratch_file("process-ground-truth.jsonl");
    // Nova Pro: 6 tokens quickly. Nova Micro: 20 tokens over about 1 s.
    std::fs::write(
        &profiles,
        r#"{"models": {
            "us.amazon.nova-pro-v1:0": {"standard": {"ttft_p50_s": 0.05, "ttft_p90_s": 0.05, "decode_jitter": 0,
                "tokens_per_s": 500, "tokens_per_chunk": 2, "natural_output_tokens_p50": 6, "natural_output_tokens_p90": 6}},
            "us.amazon.nova-micro-v1:0": {"standard": {"ttft_p50_s": 0.2, "ttft_p90_s": 0.2, "decode_jitter": 0,
                "tokens_per_s": 20, "tokens_per_chunk": 1, "natural_output_tokens_p50": 20, "natural_output_tokens_p90": 20}}
        }}"#,
    )
    .expect("writes the profile file");
    let mut guard = ChildGuard::spawn(
        Command::new(BINARY)
            .args(["--seed", "7", "--threads", "1"])
            .arg("--profiles")
            .arg(&profiles)
            .arg("--ground-truth")
            .arg(&ground_truth)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .expect("the binary starts");
    let url = first_line(guard.child());
    let url = url.trim_end().to_string();
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("first line {url:?} is not http://127.0.0.1:PORT"));
    assert_ne!(port, 0);

    let client = sdk_client(&url);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let streamed = converse(&client, &Ask::new(NOVA_PRO, 50)).await;
        assert!(streamed.error.is_none(), "{:?}", streamed.error);
        assert_eq!(streamed.usage.map(|u| u.1), Some(6));
        ids.push(streamed.request_id.expect("id"));
    }
    let error = send(&client, &Ask::new(NOVA_PRO, 0))
        .await
        .expect_err("maxTokens 0");
    ids.push(error.request_id().expect("id").to_string());

    // A stream in flight when SIGTERM arrives is allowed to finish.
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move { converse(&client, &Ask::new(NOVA_MICRO, 50)).await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let pid = libc::pid_t::try_from(guard.id()).expect("pid fits");
    // SAFETY: sending a signal to the child this test started and still owns.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill(SIGTERM) failed");
    let streamed = in_flight.await.expect("task");
    assert!(streamed.error.is_none(), "{:?}", streamed.error);
    assert_eq!(streamed.usage.map(|u| u.1), Some(20), "finished in grace");
    ids.push(streamed.request_id.expect("id"));

    let status = wait_with_timeout(guard.child(), Duration::from_secs(15));
    let mut stderr = String::new();
    if let Some(mut pipe) = guard.child().stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(
        status.success(),
        "exit status {status:?}; stderr:\n{stderr}"
    );
    assert!(stderr.contains("stopped"), "{stderr}");

    let text = std::fs::read_to_string(&ground_truth).expect("ground-truth file");
    let records: Vec<GroundTruthRecord> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let mut written: Vec<&str> = records.iter().map(|r| r.request_id.as_str()).collect();
    written.sort_unstable();
    ids.sort();
    assert_eq!(written, ids, "one line per request");
    assert_eq!(
        records.iter().filter(|r| r.outcome == "complete").count(),
        3
    );
    let _ = std::fs::remove_file(&ground_truth);
    let _ = std::fs::remove_file(&profiles);
}

#[test]
fn bad_options_are_refused_before_serving() {
    for args in [
        vec!["--time-scale", "-1"],
        vec!["--profiles", "no-such-profiles-file.json"],
        vec!["--addr", "not-an-address"],
        vec!["--header-timeout", "0"],
        vec!["--idle-timeout", "-1"],
        vec!["--idle-timeout", "soon"],
        vec!["--max-connections", "0"],
        vec!["--slow-down-after", "-1"],
        vec!["--slow-down-after", "10", "--slow-down-factor", "0"],
        vec!["--slow-down-factor", "2"],
    ] {
        let output = Command::new(BINARY)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(output.stdout.is_empty(), "{args:?} printed a URL");
        assert!(!output.stderr.is_empty(), "{args:?} said nothing");
    }
}

#[test]
fn a_signal_right_after_the_url_still_stops_cleanly() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let mut guard = ChildGuard::spawn(
            Command::new(BINARY)
                .args(["--time-scale", "0"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )
        .expect("the binary starts");
        let url = first_line(guard.child());
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        let pid = libc::pid_t::try_from(guard.id()).expect("pid fits");
        // SAFETY: sending a signal to the child this test started and still owns.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let status = wait_with_timeout(guard.child(), Duration::from_secs(10));
        assert!(status.success(), "signal {signal}: exit status {status:?}");
    }
}

/// Largest file the emulator may write in the lost-ground-truth test: room
/// for about two records.
const FILE_SIZE_LIMIT: u64 = 1000;

/// Lines of the child's stderr, as they come.
fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stderr = child.stderr.take().expect("stderr piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The first line that contains `needle` within `timeout`, and every line
/// seen before it.
fn wait_for_line(
    lines: &mpsc::Receiver<String>,
    needle: &str,
    timeout: Duration,
    seen: &mut Vec<String>,
) -> Option<String> {
    let deadline = Instant::now() + timeout;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return Some(line),
            Ok(line) => seen.push(line),
            Err(_) => return None,
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_ground_truth_is_reported_at_once_in_stats_and_in_the_exit_status() {
    use std::os::unix::process::CommandExt;

    let ground_truth = scratch_file("process-full-disk.jsonl");
    let _ = std::fs::remove_file(&ground_truth);
    let mut command = Command::new(BINARY);
    command
        .args(["--time-scale", "0", "--seed", "5"])
        .args(["--header-timeout", "0.5", "--idle-timeout", "2.5"])
        .args(["--max-connections", "16"])
        .arg("--ground-truth")
        .arg(&ground_truth)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: runs in the child between fork and exec, and calls only
    // async-signal-safe functions. Writes past the limit then fail with
    // EFBIG ("File too large") instead of killing the process with SIGXFSZ:
    // a disk that fills up, on any file system.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: FILE_SIZE_LIMIT as libc::rlim_t,
                rlim_max: FILE_SIZE_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut guard = ChildGuard::spawn(&mut command).expect("the binary starts");
    let url = first_line(guard.child()).trim_end().to_string();
    let addr: std::net::SocketAddr = url
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("first line {url:?} is not http://ADDR"));
    let lines = stderr_lines(guard.child());
    let mut seen = Vec::new();
    let banner = wait_for_line(&lines, "serving", Duration::from_secs(10), &mut seen)
        .expect("the start notice");
    assert!(
        banner.contains("header timeout 500ms") && banner.contains("at most 16 connections"),
        "{banner}"
    );

    const REQUESTS: u64 = 6;
    let client = sdk_client(&url);
    for _ in 0..REQUESTS {
        let streamed = converse(&client, &Ask::new(NOVA_PRO, 20)).await;
        assert!(streamed.error.is_none(), "{:?}", streamed.error);
    }
    // Reported while it keeps serving, not at the end.
    let report = wait_for_line(
        &lines,
        "cannot write ground truth to",
        Duration::from_secs(10),
        &mut seen,
    )
    .unwrap_or_else(|| panic!("no report on stderr; it said {seen:?}"));
    assert!(
        report.contains(&ground_truth.display().to_string()) && report.contains("File too large"),
        "{report}"
    );

    let stats = common::raw_http::send(
        addr,
        &common::raw_http::RawRequest {
            method: "GET".into(),
            path: "/_emulator/stats".into(),
            headers: Vec::new(),
            body: Vec::new(),
        },
    )
    .await
    .expect("stats")
    .json();
    let lost = stats["ground_truth_records_lost"]
        .as_u64()
        .expect("a count");
    let errors = stats["ground_truth_write_errors"]
        .as_u64()
        .expect("a count");
    assert!(lost >= 1 && errors >= 1 && errors <= lost, "{stats}");
    assert_eq!(stats["header_read_timeout_s"], 0.5, "{stats}");
    assert_eq!(stats["idle_timeout_s"], 2.5, "{stats}");
    assert_eq!(stats["max_connections"], 16, "{stats}");

    let pid = libc::pid_t::try_from(guard.id()).expect("pid fits");
    // SAFETY: sending a signal to the child this test started and still owns.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = wait_with_timeout(guard.child(), Duration::from_secs(15));
    let summary = wait_for_line(
        &lines,
        " ground-truth record",
        Duration::from_secs(5),
        &mut seen,
    )
    .unwrap_or_else(|| panic!("no summary of the loss; stderr said {seen:?}"));
    assert_eq!(status.code(), Some(1), "{status:?}; {summary}");
    assert!(
        summary.contains(&format!("{lost} ground-truth record")),
        "{summary}"
    );

    // Only whole records in the file, and every request either there or
    // counted as lost.
    let text = std::fs::read_to_string(&ground_truth).expect("ground-truth file");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "a cut line: {text:?}"
    );
    let records: Vec<GroundTruthRecord> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(text.len() as u64 <= FILE_SIZE_LIMIT);
    assert_eq!(records.len() as u64 + lost, REQUESTS, "{text}");
    let _ = std::fs::remove_file(&ground_truth);
}
