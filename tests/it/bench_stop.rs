//! `cargo bench` stopped by a signal (SIGTERM, here injected through the
//! harness's stop): no new call, every call made has its row, criterion is
//! handed no partial group, and the exit status is 128 + the signal.
//! Its own test binary, so that no other benchmark shares its time.

use std::path::PathBuf;
use std::process::ExitCode;

use bedrock_bench::bench::{self, BenchSetup};
use bedrock_bench::config::TargetChoice;
use bedrock_bench::runner::{StopCause, StopSignal};

const SCENARIOS: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
"#;

fn args(extra: &[&str]) -> Vec<String> {
    ["--bench"]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn a_stop_signal_ends_the_bench_with_every_call_in_the_raw_csv() {
    let dir = std::env::temp_dir().join(format!("bb-bench-stop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("scenarios.jsonl"), SCENARIOS).expect("scenarios");
    std::fs::write(
        dir.join("experiment.jsonl"),
        r#"{"invocations_per_scenario": 10, "sleep_between_invocations": 0.05}"#,
    )
    .expect("experiment");
    let stop = StopSignal::new();
    let setup = BenchSetup {
        scenarios: dir.join("scenarios.jsonl"),
        experiment: dir.join("experiment.jsonl"),
        reports: dir.join("reports"),
        criterion_dir: Some(dir.join("criterion")),
        target: Some(TargetChoice::Emulator),
        emulator_profiles: None,
        time_scale: Some(0.1),
        criterion_reads_process_args: false,
        stop: Some(stop.clone()),
    };
    let results = dir.join("reports").join("results");
    let watcher = std::thread::spawn({
        let results = results.clone();
        move || {
            // Stop once three calls have their rows (at most 60 s).
            for _ in 0..3000 {
                let rows = std::fs::read_dir(&results)
                    .ok()
                    .and_then(|mut e| e.next())
                    .and_then(|e| e.ok())
                    .and_then(|e| std::fs::read_to_string(e.path()).ok())
                    .map_or(0, |t| t.lines().count().saturating_sub(1));
                if rows >= 3 {
                    stop.request_stop_because(StopCause::Terminate);
                    return true;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            false
        }
    });
    let code = bench::run(&setup, args(&[])).expect("the bench ends cleanly");
    assert!(watcher.join().expect("watcher"), "three rows were written");
    assert_eq!(code, ExitCode::from(143), "SIGTERM's exit status");
    let files: Vec<PathBuf> = std::fs::read_dir(&results)
        .expect("results")
        .map(|e| e.expect("entry").path())
        .collect();
    let mut reader = csv::Reader::from_path(&files[0]).expect("raw CSV");
    let mut rows = 0;
    for record in reader.records() {
        record.expect("whole row");
        rows += 1;
    }
    assert!(
        (3..22).contains(&rows),
        "{rows} rows: stopped before all 22 calls"
    );
    for group in [
        "us.amazon.nova-pro-v1_0_optimized",
        "us.amazon.nova-pro-v1_0_standard",
    ] {
        assert!(
            !dir.join("criterion").join(group).exists(),
            "{group}: an interrupted or unmeasured group is not handed to criterion"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
