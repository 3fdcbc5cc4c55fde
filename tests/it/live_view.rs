//! The live view: in a terminal, `run` draws a dashboard (progress, calls
//! per second, calls in flight, errors, cost, and per group rolling TTFT
//! and total-latency percentiles), each frame replacing the last; off a
//! terminal, or with `--progress plain`, the plain lines of before; and
//! with the view drawing, `calibrate`'s figures of the harness's own
//! timing error hold.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bedrock_bench::live::{BoardOutput, DEFAULT_SIZE};
use bedrock_bench::runner::{LiveSink, RunEvent, RunSink};

use crate::common::cli::run_command;
use crate::common::dirs::temp_dir;
use crate::common::pty::run_in_pty;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

/// Two scenarios of 16 calls each, two at a time: about three seconds at
/// the emulator's time scale 0.2.
fn write_configs(dir: &Path) -> (PathBuf, PathBuf) {
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(
        &scenarios,
        r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 40, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 40, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "performance_config": "optimized"}
"#,
    )
    .expect("scenarios");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(
        &experiment,
        r#"{"invocations_per_scenario": 16, "num_parallel_invocations": 2, "sleep_between_invocations": 0}"#,
    )
    .expect("experiment");
    (scenarios, experiment)
}

fn command(dir: &Path, files: &(PathBuf, PathBuf), progress: Option<&str>) -> Command {
    let mut args = vec!["--target", "emulator"];
    if let Some(mode) = progress {
        args.extend(["--progress", mode]);
    }
    let mut command = run_command(dir, &args, (&files.0, &files.1), &dir.join("out"));
    command.env("BEDROCK_BENCH_TIME_SCALE", "0.2");
    command
}

/// Frames drawn: each one after the first starts by going back up over
/// the last.
fn redraws(text: &str) -> usize {
    text.matches("\x1b[J").count()
}

#[test]
fn in_a_terminal_run_draws_the_live_view() {
    let dir = temp_dir("live", "pty");
    let files = write_configs(&dir);
    let output = run_in_pty(
        &mut command(&dir, &files, None),
        132,
        40,
        Duration::from_secs(120),
    );
    let text = &output.text;
    assert!(output.status.success(), "{text}");
    assert!(
        redraws(text) >= 3,
        "frames replace each other: {} redraws\n{text}",
        redraws(text)
    );
    for part in [
        "calls/s",
        "in flight ",
        "errors 0 (0.0%), throttled 0",
        "cost $",
        "TTFT p50",
        "total p50",
        "us.amazon.nova-pro-v1:0/standard@us-east-2",
        "us.amazon.nova-pro-v1:0/optimized@us-east-2",
        "/32 calls",
    ] {
        assert!(text.contains(part), "{part:?} missing:\n{text}");
    }
    // The last frame gives way to the run's own lines.
    assert!(
        text.contains("32 calls done, 0 errors (0 throttled)"),
        "{text}"
    );
    assert!(text.contains("wrote "), "{text}");
    // Every line of a frame (what is drawn between two erases) fits the
    // terminal's 132 columns.
    let segments: Vec<&str> = text.split("\x1b[J").collect();
    for frame in &segments[1..segments.len() - 1] {
        for line in frame.split('\n') {
            let line = line.split('\r').next().unwrap_or_default();
            assert!(line.chars().count() <= 132, "{line:?}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn plain_progress_in_a_terminal_and_off_a_terminal_has_no_view() {
    let dir = temp_dir("live", "plain");
    let files = write_configs(&dir);
    let output = run_in_pty(
        &mut command(&dir, &files, Some("plain")),
        132,
        40,
        Duration::from_secs(120),
    );
    assert!(output.status.success(), "{}", output.text);
    assert_eq!(redraws(&output.text), 0, "{}", output.text);
    assert!(output.text.contains("calls done"), "{}", output.text);

    // Off a terminal, auto means plain lines.
    let piped = command(&dir, &files, None).output().expect("runs");
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(piped.status.success(), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr}");
    assert!(stderr.contains("32/32 calls done"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_progress_mode_is_a_usage_error_naming_the_modes() {
    let dir = temp_dir("live", "bad-mode");
    let files = write_configs(&dir);
    let output = command(&dir, &files, Some("fancy")).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--progress") && stderr.contains("expected one of auto, live, plain, off"),
        "{stderr}"
    );
    let output = command(&dir, &files, None)
        .env("BEDROCK_BENCH_PROGRESS", "fancy")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("BEDROCK_BENCH_PROGRESS=\"fancy\" is not a progress mode"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `cargo bench` measures one scenario at a time and criterion prints
/// between them: the view is off the screen when a scenario's finish is
/// handled, and a line says what the scenario made.
#[test]
fn each_bench_scenario_takes_the_view_off_before_criterion_prints() {
    let out = Captured::default();
    let mut sink = LiveSink::start(
        BoardOutput {
            out: Box::new(out.clone()),
            size: Box::new(|| DEFAULT_SIZE),
            started: None,
        },
        None,
    )
    .expect("the view starts");
    sink.event(&RunEvent::ExperimentStarted {
        planned_calls: 4,
        runs: 1,
        arrivals_s: None,
    })
    .expect("event");
    sink.event(&RunEvent::ScenarioStarted {
        name: "nova-pro/standard".into(),
        planned_calls: 2,
    })
    .expect("event");
    std::thread::sleep(Duration::from_millis(600));
    sink.event(&RunEvent::ScenarioFinished).expect("event");
    let text = String::from_utf8(out.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(text.contains("nova-pro/standard: 0/2 calls"), "{text}");
    // The last thing written: the frame erased, then the scenario's line.
    let tail = text.rsplit("\x1b[J").next().expect("an erase");
    assert_eq!(
        tail.trim_end(),
        "nova-pro/standard: 0/2 calls done, 0 errors (0 throttled) in 0.6 s; all scenarios: 0 calls done",
    );
    sink.finish().expect("finish");
}

/// `calibrate` with the view drawing measures the harness as without it:
/// the TTFT error's median stays within the bound the calibrate test
/// holds, and within 2 ms of the run without the view.
#[test]
fn calibrate_figures_hold_with_the_live_view_drawing() {
    let dir = temp_dir("live", "calibrate");
    let p50 = |progress: &str| -> (f64, String) {
        let output = Command::new(BIN)
            .args([
                "calibrate",
                "--concurrency",
                "4",
                "--calls",
                "40",
                "--tokens",
                "40",
                "--tokens-per-s",
                "200",
                "--ttft",
                "0.05",
                "--progress",
                progress,
                "--out",
            ])
            .arg(dir.join(progress))
            .output()
            .expect("calibrate runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stdout}\n{stderr}");
        let csv_path = stdout
            .lines()
            .find_map(|line| line.strip_prefix("wrote "))
            .expect("the CSV path is printed")
            .trim()
            .to_string();
        let mut reader = csv::Reader::from_path(&csv_path).expect("the CSV opens");
        let headers = reader.headers().expect("header").clone();
        let column = headers
            .iter()
            .position(|h| h == "ttft_error_p50_ms")
            .expect("ttft_error_p50_ms");
        let row = reader.records().next().expect("a row").expect("row");
        (row[column].parse().expect("a number"), stderr)
    };
    let (off, _) = p50("off");
    let (live, stderr) = p50("live");
    assert!(stderr.contains("calls/s"), "the view drew:\n{stderr}");
    assert!(
        (0.0..5.0).contains(&live),
        "TTFT error p50 with the view: {live} ms"
    );
    assert!(
        live <= off + 2.0,
        "TTFT error p50: {live} ms with the view, {off} ms without"
    );
    let _ = std::fs::remove_dir_all(dir);
}
