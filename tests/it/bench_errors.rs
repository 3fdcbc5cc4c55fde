//! What `cargo bench` prints when it cannot run: `error: ` and then the
//! error with each of its causes (`bench::ErrorChain`), the same text the
//! harness printed when it returned an `anyhow::Error` (`{:#}`).

use std::path::{Path, PathBuf};

use bedrock_bench::bench::{self, BenchError, BenchSetup, ErrorChain};
use bedrock_bench::config::TargetChoice;
use bedrock_bench::runner::StopSignal;

const SCENARIOS: &str = r#"{"text_prompt": "Hi", "expected_output_tokens": 5, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Hi", "expected_output_tokens": 5, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
"#;

/// A fresh directory with both config files; `experiment` is its one line.
fn dir_with(name: &str, experiment: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bb-bench-errors-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("scenarios.jsonl"), SCENARIOS).expect("scenarios");
    std::fs::write(dir.join("experiment.jsonl"), experiment).expect("experiment");
    dir
}

fn setup(dir: &Path) -> BenchSetup {
    BenchSetup {
        scenarios: dir.join("scenarios.jsonl"),
        experiment: dir.join("experiment.jsonl"),
        reports: dir.join("reports"),
        criterion_dir: Some(dir.join("criterion")),
        target: Some(TargetChoice::Emulator),
        emulator_profiles: None,
        time_scale: Some(0.0),
        criterion_reads_process_args: false,
        // No signal handlers in the test process.
        stop: Some(StopSignal::new()),
    }
}

/// The line after `error: `, checked against what `anyhow` prints for
/// the same error.
fn printed(setup: &BenchSetup, args: &[&str]) -> String {
    let args = ["--bench"].iter().chain(args).map(|s| s.to_string());
    let error = bench::run(setup, args).expect_err("cargo bench refuses");
    let line = ErrorChain(&error).to_string();
    let anyhow_line = format!("{:#}", anyhow::Error::from(error));
    assert_eq!(line, anyhow_line);
    line
}

#[test]
fn options_that_change_the_call_count_are_refused_by_name() {
    let dir = dir_with("args", r#"{"invocations_per_scenario": 10}"#);
    assert_eq!(
        printed(&setup(&dir), &["--sample-size", "50"]),
        "`--sample-size` is not supported by this benchmark: set invocations_per_scenario in experiment_config.jsonl instead"
    );
    assert_eq!(
        printed(&setup(&dir), &["--test"]),
        "--test needs criterion to read the command line (criterion_reads_process_args)"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn configuration_errors_come_one_per_line_after_the_heading() {
    let dir = dir_with("config", r#"{"invocations_per_scenario": 0}"#);
    let line = printed(&setup(&dir), &[]);
    let experiment = dir.join("experiment.jsonl").display().to_string();
    assert!(
        line.starts_with(&format!(
            "the configuration has errors; nothing was called:\n{experiment}:1: field `invocations_per_scenario`: "
        )),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_filter_names_the_filter_then_the_regex_error() {
    let dir = dir_with("filter", r#"{"invocations_per_scenario": 10}"#);
    let setup = setup(&dir);
    let error = bench::run(&setup, ["--bench".to_string(), "(".to_string()])
        .expect_err("not a regular expression");
    let BenchError::Filter { source, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        ErrorChain(&error).to_string(),
        format!("the benchmark filter \"(\": {source}")
    );
    assert_eq!(printed(&setup, &["("]), ErrorChain(&error).to_string());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_plan_over_max_calls_is_refused_with_the_count() {
    let dir = dir_with(
        "budget",
        r#"{"invocations_per_scenario": 10, "max_calls": 3}"#,
    );
    let experiment = dir.join("experiment.jsonl").display().to_string();
    assert_eq!(
        printed(&setup(&dir), &[]),
        format!(
            "cargo bench would make 22 calls (11 per scenario), more than max_calls = 3 in {experiment}; raise it, lower invocations_per_scenario, or filter benchmarks (cargo bench -- <filter>)"
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_raw_csv_that_cannot_be_created_names_its_directory_then_the_os_error() {
    let dir = dir_with("create", r#"{"invocations_per_scenario": 10}"#);
    let mut setup = setup(&dir);
    // The report root is a file: no directory can be made under it.
    setup.reports = dir.join("reports-file");
    std::fs::write(&setup.reports, "").expect("a file");
    let error = bench::run(&setup, ["--bench".to_string()]).expect_err("no raw CSV");
    let BenchError::CreateCsv { source, .. } = &error else {
        panic!("{error:?}");
    };
    let results = setup.reports.join("results").display().to_string();
    assert_eq!(
        ErrorChain(&error).to_string(),
        format!("creating the raw CSV in {results}: {source}")
    );
    let _ = std::fs::remove_dir_all(dir);
}
