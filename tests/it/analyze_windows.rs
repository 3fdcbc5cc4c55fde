//! `analyze --window` end to end: open-loop runs against in-process
//! emulators on 127.0.0.1 (time scale 0.1), one that slows down by 2x
//! halfway through (`EmulatorConfig::slow_down`) and one that does not;
//! the first drifts and names its group, the second does not; a window
//! that leaves fewer than 4 windows says so; bad `--window` values are
//! refused naming the flag.

use crate::analyze_support;
use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use analyze_support::TempDir;
use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, ConnectionMode, parse_scenarios};
use bedrock_emulator::{Emulator, EmulatorConfig, SlowDown};
use common::Job;
use common::two_scenarios::open;
use common::{fixed_model, fixed_profile, uniform};

const MODEL: &str = "us.amazon.nova-pro-v1:0";
const SCENARIO: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 10, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;

/// The run: 25 calls a second for 3.2 s (80 calls).
const RATE: f64 = 25.0;
const RUN_S: f64 = 3.2;

/// An emulator at time scale 0.1 whose TTFT is log-normal, p50 0.4 s
/// and p90 0.6 s of model time (40 and 60 ms real), 10 tokens at 200
/// tokens/s; slowed down `slow_down` times from halfway through the run
/// on, when given.
fn emulator(slow_down: Option<f64>) -> Arc<Emulator> {
    let mut profile = fixed_profile(0.4, 200.0, 1, 10);
    profile.ttft_p90_s = 0.6;
    let config = EmulatorConfig {
        time_scale: 0.1,
        seed: Some(7),
        profiles: uniform(fixed_model(profile.clone(), profile)),
        shutdown_grace: Duration::from_millis(500),
        slow_down: slow_down.map(|factor| SlowDown {
            after: Duration::from_secs_f64(RUN_S / 2.0),
            factor,
        }),
        ..EmulatorConfig::default()
    };
    Arc::new(Emulator::start(config).expect("emulator binds 127.0.0.1:0"))
}

/// Run the scenario open loop against `emulator`; the raw CSV.
async fn run(emulator: &Arc<Emulator>, out: PathBuf) -> PathBuf {
    let scenarios = parse_scenarios(SCENARIO, "windows.jsonl", Path::new("."))
        .expect("scenario loads")
        .value;
    let clients = Arc::new(Clients::for_emulator(
        Arc::clone(emulator),
        ConnectionMode::Warm,
    ));
    let summary = Job::new(
        scenarios,
        open(Arrival::Constant, RATE, Some(RUN_S), None),
        out,
    )
    .seed(3)
    .run(clients)
    .await
    .expect("run completes");
    assert_eq!(summary.successes, 80, "{summary:?}");
    summary.files[0].path.clone()
}

fn analyze(dir: &Path, csv: &Path, window: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_bedrock-bench"))
        .current_dir(dir)
        .args(["analyze", &csv.display().to_string(), "--window", window])
        .args(["--out", &dir.join("report").display().to_string()])
        .output()
        .expect("run bedrock-bench")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The drift table's row of the group.
fn drift_row(stdout: &str) -> String {
    let table = stdout
        .split("Time windows (")
        .nth(1)
        .unwrap_or_else(|| panic!("no time-window table in {stdout}"));
    table
        .lines()
        .find(|l| l.contains(MODEL))
        .unwrap_or_else(|| panic!("no row of {MODEL} in {table}"))
        .to_string()
}

/// The one file of `stem` written under `report/results-analysis/`.
fn written(dir: &Path, stem: &str) -> String {
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("report/results-analysis"))
        .expect("results-analysis")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(stem) && n.ends_with(".csv"))
        })
        .collect();
    assert_eq!(files.len(), 1, "{stem}: {files:?}");
    std::fs::read_to_string(&files[0]).expect("read the CSV")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_slows_down_halfway_drifts_and_names_its_group() {
    let dir = TempDir::new("windows-slow");
    let emulator = emulator(Some(2.0));
    let csv = run(&emulator, dir.path().join("results")).await;
    // The ground truth records the slowed plan: requests of the second
    // half were planned about twice as slow.
    let planned: Vec<f64> = emulator
        .ground_truth()
        .iter()
        .filter_map(|r| r.planned_ttft_s)
        .collect();
    assert_eq!(planned.len(), 80);
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratio = median(&planned[50..]) / median(&planned[..30]);
    assert!((1.4..2.8).contains(&ratio), "planned TTFT ratio {ratio}");

    let out = analyze(dir.path(), &csv, "200ms");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let row = drift_row(&stdout);
    assert!(row.contains("drift: slower"), "{row}");
    let warning = stderr
        .lines()
        .find(|l| l.contains("TTFT p50 rose"))
        .unwrap_or_else(|| panic!("no drift warning in {stderr}"));
    assert!(
        warning.contains(MODEL)
            && warning.contains("us-east-2")
            && warning.contains("(95% CI +")
            && warning.contains("from the first 4 windows to the last 4")
            && warning.contains("the service slowed during the run"),
        "{warning}"
    );

    let windows = written(dir.path(), "analysis_windows_");
    let mut lines = windows.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("model,region,performance_config,window,start_s,span_s,calls,"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 16, "{windows}");
    let calls: u64 = rows
        .iter()
        .map(|r| r[6].parse::<u64>().expect("calls"))
        .sum();
    assert_eq!(calls, 80);
    // TTFT p50 (column 13) of the first window and the last: twice as slow.
    assert_eq!(header.split(',').nth(13), Some("ttft_p50"));
    let p50 = |r: &Vec<&str>| r[13].parse::<f64>().expect("ttft_p50");
    assert!(p50(&rows[15]) > 1.4 * p50(&rows[0]), "{windows}");

    let drift = written(dir.path(), "analysis_drift_");
    let record: Vec<&str> = drift.lines().nth(1).expect("a row").split(',').collect();
    let ratio: f64 = record[10].parse().expect("ttft_p50_ratio");
    let low: f64 = record[11].parse().expect("ci low");
    assert!(ratio > 1.4 && low > 1.1, "{drift}");
    assert_eq!(record[16], "drift: slower", "{drift}");

    let page = std::fs::read_to_string(dir.path().join("report/index.html")).expect("page");
    assert!(
        page.contains("<section id=\"windows\">"),
        "a time-window section"
    );
    assert!(page.contains("id=\"chart-windows_ttft\""), "the TTFT chart");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_steady_run_does_not_drift_and_short_or_bad_windows_say_so() {
    let dir = TempDir::new("windows-steady");
    let csv = run(&emulator(None), dir.path().join("results")).await;

    let out = analyze(dir.path(), &csv, "200ms");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let row = drift_row(&stdout);
    assert!(row.contains("no drift"), "{row}");
    assert!(
        !stderr.contains(" rose ") && !stderr.contains(" fell "),
        "{stderr}"
    );

    // 3.2 s in windows of 1.2 s: three windows, too few for a verdict.
    let few = TempDir::new("windows-few");
    let out = analyze(few.path(), &csv, "1.2s");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let row = drift_row(&stdout);
    assert!(
        row.contains("too few windows") && row.contains("3 (4 needed"),
        "{row}"
    );

    for (window, says) in [
        ("0s", "--window 0s must be longer than 0"),
        ("-5s", "--window -5s must be longer than 0"),
        ("soon", "--window \"soon\" is not a duration"),
        ("10", "--window \"10\" is not a duration"),
        ("10m", "--window 10m is not shorter than the run"),
    ] {
        let bad = TempDir::new("windows-bad");
        let out = analyze(bad.path(), &csv, window);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{window}: {stderr}");
        assert!(stderr.contains(says), "{window}: {stderr}");
        assert!(
            !bad.path().join("report").exists(),
            "{window}: nothing is written"
        );
    }
}
