//! Progress that tells the truth: `cargo bench` announces each scenario's
//! calls and shows them done of planned, one scenario at a time (its
//! pauses at the emulator's time scale); a run's total grows with its
//! retries so that the calls done never pass it; an open loop's count is
//! "about"; a run a budget stopped says how many calls it made beside
//! what was planned; and the `next:` line after a run is a command that
//! works as printed.

use crate::common;
use crate::isolation;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bedrock_bench::bench::{self, BenchSetup};
use bedrock_bench::config::{Arrival, Experiment, Load, TargetChoice, parse_scenarios};
use bedrock_bench::runner::{Backoff, ProgressSink, RunEvent, RunSink, SinkError, StopSignal};
use common::*;
use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

const TWO_SCENARIOS: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 10, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 10, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
"#;

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("progress", name)
}

/// What a sink was handed, one line per event.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn events(&self) -> Vec<String> {
        self.0.lock().expect("events").clone()
    }
}

impl RunSink for Recorder {
    fn event(&mut self, event: &RunEvent) -> Result<(), SinkError> {
        let line = match event {
            RunEvent::ExperimentStarted { planned_calls, .. } => {
                format!("experiment {planned_calls}")
            }
            RunEvent::ScenarioStarted {
                name,
                planned_calls,
            } => format!("scenario {name} {planned_calls}"),
            RunEvent::ScenarioFinished => "finished".to_string(),
            RunEvent::CallFinished(record) => format!("call {}", record.call.status.as_str()),
            RunEvent::RetryScheduled => "retry".to_string(),
            other => format!("{other:?}"),
        };
        self.0.lock().expect("events").push(line);
        Ok(())
    }
}

/// A writer whose bytes can be read back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("bytes")).into_owned()
    }
}

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("bytes").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every `D/T calls done` of `text`, as (D, T).
fn done_of(text: &str) -> Vec<(u64, u64)> {
    text.lines()
        .filter_map(|line| {
            let before = line.split(" calls done").next()?;
            let (done, total) = before.rsplit(' ').next()?.split_once('/')?;
            Some((done.parse().ok()?, total.parse().ok()?))
        })
        .collect()
}

/// A column of a raw CSV, by name.
fn column(csv: &Path, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(csv).expect("raw CSV");
    let at = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    reader
        .records()
        .map(|r| r.expect("row")[at].to_string())
        .collect()
}

#[test]
fn cargo_bench_shows_each_scenarios_calls_done_of_planned() {
    let dir = temp_dir("bench");
    std::fs::write(dir.join("scenarios.jsonl"), TWO_SCENARIOS).expect("scenarios");
    // One second between calls: 0.05 s at the emulator's time scale.
    std::fs::write(
        dir.join("experiment.jsonl"),
        r#"{"invocations_per_scenario": 10, "sleep_between_invocations": 1, "experiment_name": "progress"}"#,
    )
    .expect("experiment");
    let setup = BenchSetup {
        scenarios: dir.join("scenarios.jsonl"),
        experiment: dir.join("experiment.jsonl"),
        reports: dir.join("reports"),
        criterion_dir: Some(dir.join("criterion")),
        target: Some(TargetChoice::Emulator),
        emulator_profiles: None,
        time_scale: Some(0.05),
        criterion_reads_process_args: false,
        // The test's own stop: with none, the harness would watch SIGINT,
        // SIGTERM and SIGHUP for the rest of the test binary, whose other
        // tests run in the same process (Ctrl-C must still end them).
        stop: Some(StopSignal::new()),
    };
    let recorder = Recorder::default();
    let lines = Shared::default();
    let code = bench::run_with_sinks(
        &setup,
        ["--bench".to_string()],
        vec![
            Box::new(recorder.clone()),
            Box::new(ProgressSink::plain_to(lines.clone())),
        ],
    )
    .expect("cargo bench runs");
    assert_eq!(code, ExitCode::SUCCESS);

    // The experiment's calls, then each scenario: announced with its 11
    // calls, its 11 attempts, finished.
    let events = recorder.events();
    assert_eq!(events[0], "experiment 22", "{events:?}");
    let mut expected = vec!["experiment 22".to_string()];
    for variant in ["optimized", "standard"] {
        expected.push(format!(
            "scenario us.amazon.nova-pro-v1:0/{variant}/us-east-2 11"
        ));
        expected.extend(std::iter::repeat_n("call Success".to_string(), 11));
        expected.push("finished".to_string());
    }
    assert_eq!(events, expected);

    let text = lines.text();
    for variant in ["optimized", "standard"] {
        let name = format!("us.amazon.nova-pro-v1:0/{variant}/us-east-2");
        assert!(
            text.contains(&format!("{name}: 11 calls planned")),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "{name}: 11/11 calls done, 0 errors (0 throttled) in "
            )),
            "{text}"
        );
    }
    let counts = done_of(&text);
    assert!(!counts.is_empty(), "{text}");
    assert!(counts.iter().all(|(done, total)| done <= total), "{text}");
    assert!(
        text.contains("22/22 calls done"),
        "the total at the end: {text}"
    );

    // The pauses between a scenario's calls follow the time scale.
    let results = dir.join("reports/results");
    let raw: Vec<PathBuf> = std::fs::read_dir(&results)
        .expect("results")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(raw.len(), 1);
    let scenario = column(&raw[0], "scenario");
    let starts: Vec<f64> = column(&raw[0], "start_offset_s")
        .iter()
        .map(|v| v.parse().expect("start"))
        .collect();
    let totals: Vec<f64> = column(&raw[0], "time_to_last_byte")
        .iter()
        .map(|v| v.parse().expect("total"))
        .collect();
    let mut pauses = Vec::new();
    for i in 1..starts.len() {
        if scenario[i] == scenario[i - 1] {
            pauses.push(starts[i] - (starts[i - 1] + totals[i - 1]));
        }
    }
    assert_eq!(pauses.len(), 20);
    assert!(
        pauses.iter().all(|p| (0.04..0.5).contains(p)),
        "0.05 s at time scale 0.05, not the file's 1 s: {pauses:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_options(experiment: Experiment, out: PathBuf, sink: ProgressSink) -> Job {
    let scenarios = parse_scenarios(TWO_SCENARIOS, "scenarios.jsonl", Path::new("."))
        .expect("scenarios")
        .value;
    let mut job = Job::new(scenarios, experiment, out).seed(7);
    job.controls = job
        .controls
        .backoff(Backoff {
            base: Duration::from_millis(2),
            cap: Duration::from_millis(5),
        })
        .sink(Box::new(sink));
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runs_total_grows_with_its_retries_and_an_open_loop_says_about() {
    let mut profile = fixed_profile(0.005, 2000.0, 5, 10);
    profile.faults.throttle_before_stream = 0.4;
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = Arc::new(common::clients(&emulator));
    let dir = temp_dir("run");

    let lines = Shared::default();
    let experiment = Experiment {
        invocations_per_scenario: 10,
        num_parallel_invocations: 2,
        max_retries: 20,
        call_timeout: Duration::from_secs_f64(10.0),
        ..Experiment::default()
    };
    let summary = (run_options(
        experiment,
        dir.join("closed"),
        ProgressSink::plain_to(lines.clone()),
    ))
    .run(Arc::clone(&clients))
    .await
    .expect("the run");
    assert_eq!(summary.planned_calls, 20);
    assert!(summary.attempts > 20, "some calls were retried");
    let text = lines.text();
    let counts = done_of(&text);
    assert!(counts.iter().all(|(done, total)| done <= total), "{text}");
    assert_eq!(
        counts.last(),
        Some(&(summary.attempts, summary.attempts)),
        "every attempt done of a total that counts the retries: {text}"
    );

    let lines = Shared::default();
    let experiment = Experiment {
        load: Load {
            arrival: Arrival::Poisson,
            rate_per_s: Some(40.0),
            duration_s: Some(0.5),
            ..Load::default()
        },
        call_timeout: Duration::from_secs_f64(10.0),
        ..Experiment::default()
    };
    (run_options(
        experiment,
        dir.join("open"),
        ProgressSink::plain_to(lines.clone()),
    ))
    .run(clients)
    .await
    .expect("the open loop");
    let text = lines.text();
    assert!(text.contains("calls done of about 20, "), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn bedrock_bench(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .current_dir(dir)
        .env("BEDROCK_BENCH_TIME_SCALE", "0.05")
        .env_remove("BEDROCK_BENCH_EMULATOR_PROFILES")
        .args(args)
        .output()
        .expect("bedrock-bench runs")
}

#[test]
fn the_next_line_after_a_run_is_a_command_that_works_as_printed() {
    let dir = temp_dir("next");
    std::fs::write(dir.join("scenarios.jsonl"), TWO_SCENARIOS).expect("scenarios");
    std::fs::write(
        dir.join("experiment.jsonl"),
        r#"{"invocations_per_scenario": 3}"#,
    )
    .expect("experiment");
    // An --out that a shell would split, and not the default.
    let run = bedrock_bench(
        &dir,
        &[
            "run",
            "--target",
            "emulator",
            "--scenarios",
            "scenarios.jsonl",
            "--experiment",
            "experiment.jsonl",
            "--out",
            "my out",
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let next = stderr
        .lines()
        .find_map(|l| l.strip_prefix("next: "))
        .unwrap_or_else(|| panic!("a next: line in {stderr}"));
    assert!(
        next.starts_with("bedrock-bench analyze 'my out/results/run_")
            && next.ends_with(" --out 'my out'"),
        "{next}"
    );
    // Pasted into a shell, with this build's binary.
    let command = format!("'{BIN}'{}", &next["bedrock-bench".len()..]);
    let mut shell = Command::new("sh");
    let analyze = isolated(&mut shell, &dir)
        .current_dir(&dir)
        .args(["-c", &command])
        .output()
        .expect("sh runs");
    assert!(
        analyze.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&analyze.stderr)
    );
    assert!(dir.join("my out/results-analysis").is_dir());
    assert!(dir.join("my out/index.html").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_the_call_budget_stopped_says_its_calls_beside_the_planned_ones() {
    let dir = temp_dir("budget");
    std::fs::write(
        dir.join("scenarios.jsonl"),
        TWO_SCENARIOS.lines().next().expect("a scenario"),
    )
    .expect("scenarios");
    // Two calls planned, every attempt throttled, three calls allowed:
    // the retries use up the budget.
    std::fs::write(
        dir.join("experiment.jsonl"),
        r#"{"invocations_per_scenario": 2, "max_retries": 5, "max_calls": 3}"#,
    )
    .expect("experiment");
    std::fs::write(
        dir.join("profiles.json"),
        r#"{"all": {"standard": {"faults": {"throttle_before_stream": 1.0}}, "optimized": {"faults": {"throttle_before_stream": 1.0}}}}"#,
    )
    .expect("profiles");
    let mut command = Command::new(BIN);
    let run = isolated(&mut command, &dir)
        .current_dir(&dir)
        .env("BEDROCK_BENCH_TIME_SCALE", "0.05")
        .env("BEDROCK_BENCH_EMULATOR_PROFILES", dir.join("profiles.json"))
        .args([
            "run",
            "--target",
            "emulator",
            "--scenarios",
            "scenarios.jsonl",
            "--experiment",
            "experiment.jsonl",
            "--out",
            "out",
        ])
        .output()
        .expect("bedrock-bench runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "stopped: the call budget was used up by retries before the schedule finished: 3 calls made, retries included; the schedule planned 2 calls without retries."
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("of 2 planned calls made"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
