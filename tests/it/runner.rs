//! The runner against the emulator: call counts, seeded order, the worker
//! bound, one row per attempt, the budget, and stopping.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::client::Clients;
use bedrock_bench::config::{ConnectionMode, Experiment, Scenario, parse_scenarios};
use bedrock_bench::plan::{Limit, PlanError};
use bedrock_bench::runner::{RunError, RunSummary};
use bedrock_emulator::{Emulator, GroundTruthRecord};
use common::*;

const SIX_SCENARIOS: &str = r#"
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.meta.llama3-1-70b-instruct-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.meta.llama3-1-70b-instruct-v1:0", "region": "us-east-2", "performance_config": "standard"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-2", "performance_config": "standard"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "performance_config": "optimized"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}
"#;

fn scenarios() -> Vec<Scenario> {
    parse_scenarios(SIX_SCENARIOS, "test_scenarios.jsonl", Path::new("."))
        .expect("test scenarios load")
        .value
}

fn experiment(runs: u32, invocations: u32, workers: u32) -> Experiment {
    Experiment {
        num_runs_per_experiment: runs,
        invocations_per_scenario: invocations,
        num_parallel_invocations: workers,
        sleep_between_invocations: Duration::ZERO,
        call_timeout: Duration::from_secs_f64(10.0),
        ..Experiment::default()
    }
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::absent_dir("runner", name)
}

fn options(experiment: Experiment, out_dir: PathBuf, seed: u64) -> Job {
    Job::new(scenarios(), experiment, out_dir).seed(seed)
}

/// The columns these tests read, by name from the raw CSV's header.
#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    run_count: u32,
    target: String,
    api_call_status: String,
    invocation_id: String,
    model: String,
    performance_config: String,
    performance_config_sent: String,
    phase: String,
    start_offset_s: Option<f64>,
    scenario: String,
    worker: Option<u32>,
    attempt: u32,
    time_to_first_byte: Option<f64>,
    time_to_last_byte: Option<f64>,
}

/// Every row of every file the run wrote, file by file.
fn rows_of(summary: &RunSummary) -> Vec<Vec<Row>> {
    summary
        .files
        .iter()
        .map(|file| {
            csv::Reader::from_path(&file.path)
                .expect("raw CSV opens")
                .deserialize::<Row>()
                .map(|row| row.expect("row parses"))
                .collect()
        })
        .collect()
}

/// An emulator answering every model in about `ttft` seconds with 4 tokens.
fn quick_emulator(ttft: f64) -> Arc<Emulator> {
    let profile = fixed_profile(ttft, 400.0, 1, 50);
    start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0)
}

fn emulator_clients(emulator: &Arc<Emulator>) -> Arc<Clients> {
    Arc::new(Clients::for_emulator(
        Arc::clone(emulator),
        ConnectionMode::Warm,
    ))
}

/// The largest number of requests the emulator was serving at once.
fn peak_concurrency(truth: &[GroundTruthRecord]) -> usize {
    let mut edges: Vec<(f64, i32)> = Vec::new();
    for record in truth {
        let end = record
            .last_frame_written_s
            .or(record.headers_written_s)
            .unwrap_or(record.received_s);
        edges.push((record.received_s, 1));
        edges.push((end, -1));
    }
    // Ends sort before starts at the same instant.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, delta) in edges {
        now += delta;
        peak = peak.max(now);
    }
    peak as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_makes_exactly_the_planned_calls_one_file_per_run() {
    let emulator = quick_emulator(0.01);
    let out = temp_dir("count");
    let summary = options(experiment(2, 3, 2), out.clone(), 1)
        .run(emulator_clients(&emulator))
        .await
        .expect("run completes");
    assert_eq!(summary.planned_calls, 2 * 6 * 3);
    assert_eq!(
        (summary.attempts, summary.successes, summary.failures),
        (36, 36, 0)
    );
    let files = rows_of(&summary);
    assert_eq!(files.len(), 2, "one raw CSV per run");
    for (run, rows) in files.iter().enumerate() {
        assert_eq!(rows.len(), 18);
        assert!(rows.iter().all(|r| r.run_count == run as u32 + 1));
        assert!(
            rows.iter()
                .all(|r| r.target == "emulator" && r.api_call_status == "Success")
        );
        let mut ids: Vec<&str> = rows.iter().map(|r| r.invocation_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 18, "every invocation is distinct");
    }
    assert_eq!(
        summary.files[0].path.parent(),
        Some(out.join("results").as_path())
    );
    let nova = files[0]
        .iter()
        .find(|r| r.model == "us.amazon.nova-pro-v1:0" && r.performance_config_sent.is_empty());
    let nova = nova.expect("the scenario without performance_config ran");
    assert_eq!(
        nova.performance_config, "standard",
        "absent performance_config is reported as standard"
    );
    assert_eq!(
        emulator.ground_truth().len(),
        36,
        "the emulator saw every call once"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warm_ups_come_first_get_rows_and_stay_out_of_the_statistics() {
    let emulator = quick_emulator(0.01);
    let out = temp_dir("warmup");
    let mut e = experiment(1, 3, 2);
    e.warmup_invocations = 2;
    let summary = options(e, out.clone(), 3)
        .run(emulator_clients(&emulator))
        .await
        .expect("run completes");
    assert_eq!(summary.planned_calls, 6 * (2 + 3));
    assert_eq!(summary.attempts, 30);
    assert_eq!(emulator.ground_truth().len(), 30);
    let rows = rows_of(&summary).concat();
    for scenario in 1..=6 {
        let prefix = format!("r1-s{scenario}-");
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| r.invocation_id.starts_with(&prefix))
            .collect();
        let phases: Vec<(&str, &str)> = mine
            .iter()
            .map(|r| (r.invocation_id.as_str(), r.phase.as_str()))
            .collect();
        let expected: Vec<(String, &str)> = [("w1", "warmup"), ("w2", "warmup")]
            .into_iter()
            .chain([("i1", "run"), ("i2", "run"), ("i3", "run")])
            .map(|(id, phase)| (format!("{prefix}{id}"), phase))
            .collect();
        let expected: Vec<(&str, &str)> = expected.iter().map(|(i, p)| (i.as_str(), *p)).collect();
        assert_eq!(
            phases, expected,
            "scenario {scenario}: warm-ups first, in order"
        );
        assert!(
            mine.windows(2)
                .all(|w| w[0].start_offset_s <= w[1].start_offset_s)
        );
    }

    let analysis = bedrock_bench::analysis::analyze(
        &[&out.join("results")],
        &bedrock_bench::analysis::AnalyzeOptions::default(),
    )
    .expect("analyze");
    assert_eq!(analysis.summary.len(), 6);
    assert!(
        analysis.summary.iter().all(|row| row.sample_size == 3),
        "warm-ups are left out: {:?}",
        analysis
            .summary
            .iter()
            .map(|r| r.sample_size)
            .collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_fixes_the_order_and_other_seeds_change_it() {
    let emulator = quick_emulator(0.001);
    let order = |seed: u64, name: &'static str| {
        let clients = emulator_clients(&emulator);
        async move {
            let out = temp_dir(name);
            let summary = options(experiment(2, 1, 1), out.clone(), seed)
                .run(clients)
                .await
                .expect("run completes");
            let order: Vec<Vec<String>> = rows_of(&summary)
                .into_iter()
                .map(|rows| rows.into_iter().map(|r| r.scenario).collect())
                .collect();
            let _ = std::fs::remove_dir_all(out);
            order
        }
    };
    let first = order(11, "seed-a").await;
    assert_eq!(first, order(11, "seed-b").await, "same seed, same order");
    assert_ne!(first[0], first[1], "each run shuffles anew");
    let others = [order(12, "seed-c").await, order(13, "seed-d").await];
    assert!(
        others.iter().all(|o| *o != first),
        "other seeds give other orders"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_bound_holds_at_the_emulator() {
    let emulator = quick_emulator(0.03);
    let out = temp_dir("workers");
    let summary = options(experiment(1, 3, 3), out.clone(), 5)
        .run(emulator_clients(&emulator))
        .await
        .expect("run completes");
    assert_eq!(summary.attempts, 18);
    let peak = peak_concurrency(&emulator.ground_truth());
    assert_eq!(
        peak, 3,
        "three workers: never more than three calls at once, and the pool is used"
    );
    let rows = rows_of(&summary).concat();
    assert!(rows.iter().all(|r| r.worker.is_some_and(|w| w < 3)));
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_attempts_each_get_a_row_and_are_retried() {
    let mut profile = fixed_profile(0.005, 400.0, 1, 50);
    profile.faults.throttle_before_stream = 0.5;
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let out = temp_dir("throttle");
    let mut e = experiment(1, 4, 2);
    e.max_retries = 20;
    let summary = options(e, out.clone(), 3)
        .run(emulator_clients(&emulator))
        .await
        .expect("run completes");
    let rows = rows_of(&summary).concat();
    assert_eq!(rows.len() as u64, summary.attempts);
    assert!(summary.throttles > 0, "half the attempts are throttled");
    assert_eq!(
        summary.successes, 24,
        "every invocation succeeds in the end"
    );
    assert_eq!(summary.attempts, summary.successes + summary.throttles);
    assert_eq!(
        emulator.ground_truth().len() as u64,
        summary.attempts,
        "every attempt reached the emulator"
    );
    let mut by_invocation = std::collections::BTreeMap::<String, Vec<&Row>>::new();
    for row in &rows {
        by_invocation
            .entry(row.invocation_id.clone())
            .or_default()
            .push(row);
    }
    assert_eq!(by_invocation.len(), 24);
    for attempts in by_invocation.values() {
        let numbers: Vec<u32> = attempts.iter().map(|r| r.attempt).collect();
        assert_eq!(numbers, (1..=attempts.len() as u32).collect::<Vec<_>>());
        let (last, earlier) = attempts.split_last().expect("at least one attempt");
        assert_eq!(last.api_call_status, "Success");
        assert!(
            earlier
                .iter()
                .all(|r| r.api_call_status == "ThrottlingException")
        );
        assert!(
            earlier
                .iter()
                .all(|r| r.time_to_first_byte.is_none() && r.time_to_last_byte.is_some())
        );
    }
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_refuses_a_run_before_any_call_and_caps_retries() {
    let emulator = quick_emulator(0.001);
    let out = temp_dir("budget");
    let mut too_small = options(experiment(1, 2, 1), out.clone(), 1);
    too_small.input.max_calls = Some(Limit::new(11, "--max-calls"));
    let error = too_small
        .run(emulator_clients(&emulator))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            RunError::Plan(PlanError::OverBudget {
                planned: 12,
                max: 11,
                ..
            })
        ),
        "{error}"
    );
    assert!(error.to_string().contains("--max-calls"));
    assert!(emulator.ground_truth().is_empty(), "nothing was called");
    assert!(!out.exists(), "nothing was written");

    let mut profile = fixed_profile(0.001, 400.0, 1, 50);
    profile.faults.throttle_before_stream = 1.0;
    let throttling = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let mut e = experiment(1, 2, 1);
    e.max_retries = 3;
    e.max_calls = Some(15);
    let summary = options(e, out.clone(), 1)
        .run(emulator_clients(&throttling))
        .await
        .expect("run ends");
    assert!(summary.budget_exhausted);
    assert_eq!(
        summary.attempts, 15,
        "the maximum is reached and never exceeded"
    );
    assert_eq!(throttling.ground_truth().len(), 15);
    assert_eq!(rows_of(&summary).concat().len(), 15);
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_lets_calls_in_flight_finish_and_a_cancel_records_them() {
    let emulator = quick_emulator(0.2);
    let out = temp_dir("stop");
    let options = options(experiment(1, 5, 2), out.clone(), 9);
    let stop = options.controls.stop.clone();
    let clients = emulator_clients(&emulator);
    let task = tokio::spawn(options.run(clients));
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.request_stop();
    let summary = task.await.expect("joins").expect("run ends");
    assert!(summary.interrupted);
    assert!(summary.attempts >= 2 && summary.attempts < summary.planned_calls);
    let rows = rows_of(&summary).concat();
    assert_eq!(
        rows.len() as u64,
        summary.attempts,
        "every call made has its row"
    );
    assert!(
        rows.iter().all(|r| r.api_call_status == "Success"),
        "calls in flight finished normally"
    );

    let out2 = temp_dir("cancel");
    let options = self::options(experiment(1, 5, 2), out2.clone(), 9);
    let stop = options.controls.stop.clone();
    let task = tokio::spawn(options.run(emulator_clients(&emulator)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.request_stop();
    stop.cancel_in_flight();
    let summary = task.await.expect("joins").expect("run ends");
    let rows = rows_of(&summary).concat();
    assert_eq!(rows.len() as u64, summary.attempts);
    assert!(
        rows.iter().any(|r| r.api_call_status == "Cancelled"),
        "cancelled calls keep their rows"
    );
    let _ = std::fs::remove_dir_all(out);
    let _ = std::fs::remove_dir_all(out2);
}
