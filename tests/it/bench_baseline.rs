//! The `cargo bench` harness in-process against the emulator: the call
//! count per scenario, criterion's data for every group and measurement,
//! and a saved baseline that flags a 30% slower optimized TTFT.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bedrock_bench::bench::{self, BenchSetup};
use bedrock_bench::config::TargetChoice;
use bedrock_bench::runner::StopSignal;
use bedrock_emulator::ProfileSet;
use serde_json::Value;

const SCENARIOS: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
"#;

fn setup(dir: &Path, ttft_optimized_s: f64) -> BenchSetup {
    std::fs::write(dir.join("scenarios.jsonl"), SCENARIOS).expect("scenarios");
    std::fs::write(
        dir.join("experiment.jsonl"),
        r#"{"invocations_per_scenario": 10, "sleep_between_invocations": 0, "experiment_name": "baseline-test"}"#,
    )
    .expect("experiment");
    let mut profiles = ProfileSet::builtin();
    profiles
        .apply_overrides(
            &format!(
                r#"{{"models": {{"us.amazon.nova-pro-v1:0": {{
                    "standard":  {{"ttft_p50_s": 0.5, "ttft_p90_s": 0.52, "tokens_per_s": 400, "decode_jitter": 0.05, "response_headers_s": 0.01}},
                    "optimized": {{"ttft_p50_s": {p50}, "ttft_p90_s": {p90}, "tokens_per_s": 800, "decode_jitter": 0.05, "response_headers_s": 0.01}}}}}}}}"#,
                p50 = ttft_optimized_s,
                p90 = ttft_optimized_s * 1.03
            ),
            "test profiles",
        )
        .expect("profiles apply");
    BenchSetup {
        scenarios: dir.join("scenarios.jsonl"),
        experiment: dir.join("experiment.jsonl"),
        reports: dir.join("reports"),
        criterion_dir: Some(dir.join("criterion")),
        target: Some(TargetChoice::Emulator),
        emulator_profiles: Some(profiles),
        // Half of real time: TTFTs of 250 to 650 ms, so that a few
        // milliseconds of scheduling delay on a loaded machine stay far
        // below the 5% noise threshold.
        time_scale: Some(0.5),
        criterion_reads_process_args: false,
        // The test's own stop: with none, the harness would watch SIGINT,
        // SIGTERM and SIGHUP for the rest of the test binary, whose other
        // tests run in the same process (Ctrl-C must still end them).
        stop: Some(StopSignal::new()),
    }
}

fn args(extra: &[&str]) -> Vec<String> {
    ["--bench"]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

fn json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("criterion JSON")
}

#[test]
fn a_saved_baseline_flags_a_slower_optimized_ttft() {
    let dir = std::env::temp_dir().join(format!("bb-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");

    let first =
        bench::run(&setup(&dir, 1.0), args(&["--save-baseline", "before"])).expect("first run");
    assert_eq!(first, ExitCode::SUCCESS);

    // Every scenario cost its 10 samples plus one warm-up, once for all
    // three measurements.
    let results = dir.join("reports").join("results");
    let files: Vec<PathBuf> = std::fs::read_dir(&results)
        .expect("results")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1);
    let mut reader = csv::Reader::from_path(&files[0]).expect("raw CSV");
    let headers = reader.headers().expect("header").clone();
    let scenario = headers
        .iter()
        .position(|h| h == "scenario")
        .expect("scenario column");
    let mut per_scenario = std::collections::BTreeMap::<String, usize>::new();
    for record in reader.records() {
        *per_scenario
            .entry(record.expect("row")[scenario].to_string())
            .or_default() += 1;
    }
    assert_eq!(per_scenario.len(), 2);
    assert!(per_scenario.values().all(|n| *n == 11), "{per_scenario:?}");

    // criterion's data for every group and measurement.
    let criterion = dir.join("criterion");
    for group in [
        "us.amazon.nova-pro-v1_0_optimized",
        "us.amazon.nova-pro-v1_0_standard",
    ] {
        for metric in ["ttft", "total_latency", "otps"] {
            let estimates = json(
                criterion
                    .join(group)
                    .join(metric)
                    .join("us-east-2")
                    .join("before")
                    .join("estimates.json"),
            );
            assert!(
                estimates["mean"]["point_estimate"]
                    .as_f64()
                    .is_some_and(|ns| ns > 0.0)
            );
        }
    }

    // The same run with optimized TTFT 30% slower, compared to the baseline.
    let second =
        bench::run(&setup(&dir, 1.3), args(&["--baseline", "before"])).expect("second run");
    assert_eq!(second, ExitCode::SUCCESS);
    let change = |group: &str, metric: &str| {
        json(
            criterion
                .join(group)
                .join(metric)
                .join("us-east-2")
                .join("change")
                .join("estimates.json"),
        )
    };
    let ttft = change("us.amazon.nova-pro-v1_0_optimized", "ttft");
    let mean = ttft["mean"]["point_estimate"]
        .as_f64()
        .expect("mean change");
    let lower = ttft["mean"]["confidence_interval"]["lower_bound"]
        .as_f64()
        .expect("lower bound");
    // criterion calls it "regressed" when the whole interval is above the
    // noise threshold (5%) and the change is significant.
    assert!(
        (0.2..0.4).contains(&mean),
        "optimized TTFT changed by {mean}, expected about +30%"
    );
    assert!(
        lower > bench::NOISE_THRESHOLD,
        "lower bound {lower} must clear the noise threshold"
    );
    let unchanged = change("us.amazon.nova-pro-v1_0_standard", "ttft")["mean"]["point_estimate"]
        .as_f64()
        .expect("mean change");
    assert!(
        unchanged.abs() < bench::NOISE_THRESHOLD,
        "standard TTFT did not change, yet moved {unchanged}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
