//! Trace replay against the emulator: each record of a trace file becomes
//! one call at its instant (sped up, cut to a window), with its lengths
//! and session; a malformed trace is refused at its line before any call.

use crate::common;

use std::path::Path;
use std::sync::Arc;

use bedrock_bench::config::{
    Experiment, ExperimentUse, Scenario, parse_experiment_in, parse_scenarios,
};
use bedrock_emulator::Emulator;
use common::*;

#[derive(Debug, serde::Deserialize)]
struct Row {
    api_call_status: String,
    model_input_tokens: Option<u32>,
    model_output_tokens: Option<u32>,
    target_input_tokens: Option<u32>,
    target_output_tokens: Option<u32>,
    configured_output_tokens_for_request: u32,
    session_id: Option<String>,
    scheduled_s: Option<f64>,
    dispatch_lag_s: Option<f64>,
}

/// `records` of a plain trace: record `k` at `k * 10` ms, `50 + k` input
/// tokens, `3 + k % 4` output tokens, session `s<k / 5>`.
fn write_trace(dir: &Path, records: usize) {
    std::fs::create_dir_all(dir).expect("dir");
    let mut text = String::from("arrival_s,input_tokens,output_tokens,session_id\n");
    for k in 0..records {
        text.push_str(&format!(
            "{:.3},{},{},s{}\n",
            k as f64 * 0.01,
            50 + k,
            3 + k % 4,
            k / 5
        ));
    }
    std::fs::write(dir.join("trace.csv"), text).expect("write trace");
}

fn scenario(dir: &Path) -> Vec<Scenario> {
    let line = r#"{"text_prompt": "replaced by the trace", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    parse_scenarios(line, "scenarios.jsonl", dir)
        .expect("loads")
        .value
}

fn experiment(dir: &Path, line: &str) -> Experiment {
    parse_experiment_in(line, "experiment.jsonl", ExperimentUse::Run, dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

/// Answers in 1 ms, long enough that `maxTokens` ends every one.
fn emulator() -> Arc<Emulator> {
    let profile = fixed_profile(0.001, 50_000.0, 4, 100_000);
    start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0)
}

async fn replay(dir: &Path, experiment: Experiment) -> Vec<Row> {
    let emulator = emulator();
    let summary = Job::new(scenario(dir), experiment, dir.join("out"))
        .run(Arc::new(clients(&emulator)))
        .await
        .expect("the replay completes");
    summary
        .files
        .iter()
        .flat_map(|file| {
            csv::Reader::from_path(&file.path)
                .expect("raw CSV")
                .deserialize::<Row>()
                .map(|row| row.expect("row"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_is_a_call_at_its_instant_with_its_lengths() {
    let dir = dirs::temp_dir("trace", "replay");
    write_trace(&dir, 40);
    let experiment = experiment(
        &dir,
        r#"{"arrival": "trace", "trace": {"file": "trace.csv", "speedup": 2}}"#,
    );
    let mut rows = replay(&dir, experiment).await;
    rows.sort_by(|a, b| a.scheduled_s.partial_cmp(&b.scheduled_s).expect("numbers"));
    assert_eq!(rows.len(), 40, "one call per record");
    let mut lags = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.api_call_status, "Success", "{row:?}");
        // Twice as fast: record k at k * 5 ms.
        let scheduled = row.scheduled_s.expect("scheduled");
        assert!((scheduled - k as f64 * 0.005).abs() < 1e-6, "{k}: {row:?}");
        assert_eq!(row.target_input_tokens, Some(50 + k as u32));
        assert_eq!(row.model_input_tokens, Some(50 + k as u32), "sent as drawn");
        let output = 3 + (k % 4) as u32;
        assert_eq!(row.target_output_tokens, Some(output));
        assert_eq!(row.configured_output_tokens_for_request, output);
        assert_eq!(row.model_output_tokens, Some(output));
        assert_eq!(
            row.session_id.as_deref(),
            Some(format!("s{}", k / 5).as_str())
        );
        lags.push(row.dispatch_lag_s.expect("lag"));
    }
    lags.sort_by(f64::total_cmp);
    // A loose bound for a shared CI machine; the benchmark holds the 1 ms.
    assert!(lags[lags.len() - 1] < 0.05, "dispatch lags {lags:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_and_a_duration_cut_the_replay() {
    let dir = dirs::temp_dir("trace", "window");
    write_trace(&dir, 40);
    // Records at 0.10 s to 0.29 s of the trace, replayed from 0; then
    // duration_s keeps those before 0.1 s of the replay.
    let experiment = experiment(
        &dir,
        r#"{"arrival": "trace", "trace": {"file": "trace.csv", "start_s": 0.1, "window_s": 0.2}, "duration_s": 0.1}"#,
    );
    let rows = replay(&dir, experiment).await;
    let mut inputs: Vec<u32> = rows.iter().filter_map(|r| r.target_input_tokens).collect();
    inputs.sort();
    assert_eq!(inputs, (60..70).collect::<Vec<u32>>(), "records 10 to 19");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_trace_or_setting_is_refused_before_any_call() {
    let dir = dirs::temp_dir("trace", "bad");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("back.csv"),
        "arrival_s,input_tokens,output_tokens\n0.5,10,10\n0.2,10,10\n",
    )
    .expect("write");
    let error = |line: &str| {
        parse_experiment_in(line, "experiment.jsonl", ExperimentUse::Run, &dir)
            .expect_err("refused")
            .to_string()
    };
    let back = error(r#"{"arrival": "trace", "trace": "back.csv"}"#);
    assert!(
        back.contains("experiment.jsonl:1: field `trace`") && back.contains("back.csv:3:"),
        "{back}"
    );
    assert!(back.contains("must not go backwards"), "{back}");
    assert!(
        error(r#"{"arrival": "trace"}"#)
            .contains("field `trace`: expected the trace file to replay")
    );
    assert!(
        error(r#"{"arrival": "poisson", "rate": "2/s", "duration_s": 1, "trace": "back.csv"}"#)
            .contains("field `trace`: expected `\"arrival\": \"trace\"`")
    );
    write_trace(&dir, 3);
    assert!(
        error(r#"{"arrival": "trace", "trace": "trace.csv", "rate": "5/s"}"#)
            .contains("field `rate`: expected no `rate` with arrival \"trace\"")
    );
    assert!(
        error(r#"{"arrival": "trace", "trace": {"file": "trace.csv", "speedup": 0}}"#)
            .contains("field `trace.speedup`: expected a factor from 0.001 to 1000")
    );
    let sweep = parse_experiment_in(
        r#"{"arrival": "trace", "trace": "trace.csv"}"#,
        "experiment.jsonl",
        ExperimentUse::Sweep,
        &dir,
    )
    .expect_err("a sweep cannot raise a trace's rate")
    .to_string();
    assert!(sweep.contains("replay a trace with `run`"), "{sweep}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_trace_with_a_dataset_or_conversation_scenario_is_refused() {
    let dir = dirs::temp_dir("trace", "cross");
    write_trace(&dir, 3);
    std::fs::write(dir.join("data.jsonl"), "{\"prompt\": \"a\"}\n").expect("write");
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(
        &scenarios,
        concat!(
            r#"{"dataset": "data.jsonl", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
            "\n",
            r#"{"text_prompt": "Hi", "conversation": {"turns": 2}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
            "\n"
        ),
    )
    .expect("write");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(&experiment, r#"{"arrival": "trace", "trace": "trace.csv"}"#).expect("write");
    let error = bedrock_bench::config::load_configs(&scenarios, &experiment)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains(
            ":1: field `dataset`: expected no `dataset` while the experiment replays a trace"
        ),
        "{error}"
    );
    assert!(
        error.contains(":2: field `conversation`: expected no `conversation`"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
