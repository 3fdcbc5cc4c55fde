//! Open-loop runs against the emulator: a constant rate is achieved, the
//! schedule columns agree with the emulator's receive times, Poisson
//! gaps have their mean, the concurrency cap's wait is recorded, and a
//! closed-loop run leaves the new columns empty.

use crate::common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, ConnectionMode, Experiment, Scenario, parse_experiment};
use bedrock_bench::runner::RunSummary;
use bedrock_emulator::Emulator;
use common::two_scenarios::{open, two_scenarios};
use common::*;

fn scenarios() -> Vec<Scenario> {
    two_scenarios("open_scenarios.jsonl")
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::absent_dir("open", name)
}

fn options(experiment: Experiment, out_dir: PathBuf) -> Job {
    Job::new(scenarios(), experiment, out_dir).seed(11)
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    api_call_status: String,
    invocation_id: String,
    request_id: String,
    attempt: u32,
    worker: Option<u32>,
    start_offset_s: f64,
    time_to_first_byte: Option<f64>,
    time_to_last_byte: Option<f64>,
    scheduled_s: Option<f64>,
    dispatch_lag_s: Option<f64>,
    queued_s: Option<f64>,
    ttft_from_scheduled: Option<f64>,
    total_from_scheduled: Option<f64>,
}

fn rows_of(summary: &RunSummary) -> Vec<Row> {
    summary
        .files
        .iter()
        .flat_map(|file| {
            csv::Reader::from_path(&file.path)
                .expect("raw CSV opens")
                .deserialize::<Row>()
                .map(|row| row.expect("row parses"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// An emulator answering every model in about `ttft` seconds with 1 token.
fn emulator(ttft: f64) -> Arc<Emulator> {
    let profile = fixed_profile(ttft, 400.0, 1, 50);
    start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0)
}

fn clients(emulator: &Arc<Emulator>) -> Arc<Clients> {
    Arc::new(Clients::for_emulator(
        Arc::clone(emulator),
        ConnectionMode::Warm,
    ))
}

fn p99(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() as f64 * 0.99).ceil() as usize).max(1) - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_constant_rate_run_achieves_its_rate_on_schedule() {
    let emulator = emulator(0.01);
    let out = temp_dir("constant");
    let summary = (options(open(Arrival::Constant, 20.0, Some(2.0), None), out.clone()))
        .run(clients(&emulator))
        .await
        .expect("run completes");
    assert_eq!(summary.planned_calls, 40);
    assert_eq!((summary.attempts, summary.successes), (40, 40));
    let mut rows = rows_of(&summary);
    assert_eq!(rows.len(), 40);
    rows.sort_by(|a, b| a.scheduled_s.unwrap().total_cmp(&b.scheduled_s.unwrap()));
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.api_call_status, "Success");
        assert_eq!((row.attempt, row.worker), (1, None));
        assert!(row.invocation_id.contains("-o"), "{}", row.invocation_id);
        let scheduled = row.scheduled_s.expect("scheduled_s");
        assert!(
            (scheduled - k as f64 / 20.0).abs() < 1e-5,
            "{k}: {scheduled}"
        );
        let lag = row.dispatch_lag_s.expect("dispatch_lag_s");
        assert_eq!(row.queued_s, Some(0.0));
        // The lag is t0 - scheduled: start_offset_s is t0.
        assert!(
            (row.start_offset_s - scheduled - lag).abs() < 2e-6,
            "{row:?}"
        );
        let ttft = row.time_to_first_byte.expect("ttft");
        let total = row.time_to_last_byte.expect("total");
        assert!((row.ttft_from_scheduled.unwrap() - (lag + ttft)).abs() < 2e-6);
        assert!((row.total_from_scheduled.unwrap() - (lag + total)).abs() < 2e-6);
    }
    let mut lags: Vec<f64> = rows.iter().map(|r| r.dispatch_lag_s.unwrap()).collect();
    lags.sort_by(f64::total_cmp);
    // Calls start on time: the median within 2 ms of the instant even on
    // two cores shared with the other tests; the tail (here the slowest
    // of 40, on a loaded machine) within 50 ms. The bench holds the tight
    // figure: p99 at most 1 ms at 500 arrivals/s (`cargo bench --bench
    // open_loop`, run once by CI in its quick mode).
    let median = lags[lags.len() / 2];
    assert!(median < 0.002, "dispatch lag median {median} s: {lags:?}");
    assert!(
        p99(lags.clone()) < 0.05,
        "dispatch lag p99 under 50 ms: {lags:?}"
    );
    let paths: Vec<&Path> = summary.files.iter().map(|f| f.path.as_path()).collect();
    let dataset = bedrock_bench::analysis::read_paths(&paths).expect("read");
    let groups = bedrock_bench::analysis::group_stats(&dataset);
    let calls: u64 = groups
        .iter()
        .filter_map(|g| g.schedule)
        .map(|s| s.calls)
        .sum();
    assert_eq!(calls, 40, "analyze reads every dispatch lag");
    // The latencies from the schedule are summarized as metrics.
    use bedrock_bench::analysis::Metric;
    let from_schedule: usize = groups
        .iter()
        .filter_map(|g| g.metric(Metric::TtftFromScheduled))
        .map(|s| s.count)
        .sum();
    assert_eq!(from_schedule, 40);
    let max_total = groups
        .iter()
        .filter_map(|g| g.metric(Metric::TotalFromScheduled))
        .map(|s| s.max)
        .fold(0.0, f64::max);
    let row_max = rows
        .iter()
        .map(|r| r.total_from_scheduled.unwrap())
        .fold(0.0, f64::max);
    assert!(
        (max_total - row_max).abs() < 2e-6,
        "{max_total} vs {row_max}"
    );
    // Achieved rate from the actual send times.
    let first = rows[0].start_offset_s;
    let last = rows[39].start_offset_s;
    let achieved = 39.0 / (last - first);
    assert!((achieved - 20.0).abs() < 2.0, "achieved {achieved}/s");
    // Ground truth: the emulator received each request a steady time after
    // its scheduled instant.
    let truth: HashMap<String, f64> = emulator
        .ground_truth()
        .into_iter()
        .map(|r| (r.request_id, r.received_s))
        .collect();
    let offsets: Vec<f64> = rows
        .iter()
        .map(|r| truth[&r.request_id] - r.scheduled_s.unwrap())
        .collect();
    let min = offsets.iter().copied().fold(f64::INFINITY, f64::min);
    let max = offsets.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        max - min < 0.05,
        "received - scheduled spread {}",
        max - min
    );
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poisson_gaps_have_their_mean_and_weights_pick_the_mix() {
    let emulator = emulator(0.005);
    let out = temp_dir("poisson");
    let summary = (options(open(Arrival::Poisson, 200.0, None, Some(400)), out.clone()))
        .run(clients(&emulator))
        .await
        .expect("run completes");
    assert_eq!(summary.planned_calls, 400);
    let mut rows = rows_of(&summary);
    assert_eq!(rows.len(), 400);
    rows.sort_by(|a, b| a.scheduled_s.unwrap().total_cmp(&b.scheduled_s.unwrap()));
    let span = rows[399].scheduled_s.unwrap() - rows[0].scheduled_s.unwrap();
    let mean_gap = span / 399.0;
    assert!((mean_gap - 0.005).abs() < 0.001, "mean gap {mean_gap}");
    let nova = rows
        .iter()
        .filter(|r| r.invocation_id.contains("-s1-"))
        .count() as f64;
    assert!((nova / 400.0 - 0.75).abs() < 0.08, "weight 3 of 4: {nova}");
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_over_the_cap_wait_and_their_wait_is_recorded() {
    let emulator = emulator(0.1);
    let out = temp_dir("cap");
    let mut e = open(Arrival::Constant, 50.0, Some(0.2), None);
    e.load.max_concurrency = Some(1);
    let summary = (options(e, out.clone()))
        .run(clients(&emulator))
        .await
        .expect("run completes");
    let rows = rows_of(&summary);
    assert_eq!(rows.len(), 10);
    let queued: Vec<f64> = rows.iter().map(|r| r.queued_s.unwrap()).collect();
    assert!(
        queued.iter().filter(|&&q| q > 0.05).count() >= 8,
        "{queued:?}"
    );
    for row in &rows {
        let (lag, queued) = (row.dispatch_lag_s.unwrap(), row.queued_s.unwrap());
        assert!(lag + 1e-6 >= queued, "the lag includes the wait: {row:?}");
    }
    // analyze reads the columns and warns that the client fell behind.
    let paths: Vec<&Path> = summary.files.iter().map(|f| f.path.as_path()).collect();
    let dataset = bedrock_bench::analysis::read_paths(&paths).expect("read");
    let groups = bedrock_bench::analysis::group_stats(&dataset);
    let schedule = groups
        .iter()
        .filter_map(|g| g.schedule)
        .map(|s| s.queued_calls)
        .sum::<u64>();
    assert!(schedule >= 8, "{schedule}");
    let warnings = bedrock_bench::analysis::group_warnings(&groups);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("the client fell behind its schedule")
                && w.contains("latencies from the scheduled time include it")),
        "{warnings:?}"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_loop_run_leaves_the_schedule_columns_empty() {
    let emulator = emulator(0.005);
    let out = temp_dir("closed");
    let e = parse_experiment(
        r#"{"invocations_per_scenario": 2, "call_timeout_s": 10}"#,
        "e.jsonl",
    )
    .expect("loads")
    .value;
    let summary = (options(e, out.clone()))
        .run(clients(&emulator))
        .await
        .expect("run completes");
    let rows = rows_of(&summary);
    assert_eq!(rows.len(), 4);
    for row in rows {
        assert_eq!(
            (row.scheduled_s, row.dispatch_lag_s, row.queued_s),
            (None, None, None)
        );
        assert_eq!(
            (row.ttft_from_scheduled, row.total_from_scheduled),
            (None, None)
        );
        assert!(row.invocation_id.contains("-i"));
    }
    let paths: Vec<&Path> = summary.files.iter().map(|f| f.path.as_path()).collect();
    let dataset = bedrock_bench::analysis::read_paths(&paths).expect("read");
    let groups = bedrock_bench::analysis::group_stats(&dataset);
    assert!(groups.iter().all(|g| g.schedule.is_none()));
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gamma_arrivals_are_burstier_than_poisson_at_the_same_rate() {
    let emulator = emulator(0.005);
    let mut e = open(Arrival::Gamma, 100.0, Some(3.0), None);
    e.load.burstiness = Some(4.0);
    let out = temp_dir("gamma");
    let summary = (options(e, out.clone()))
        .run(clients(&emulator))
        .await
        .expect("run completes");
    let mut offsets: Vec<f64> = rows_of(&summary)
        .iter()
        .map(|r| r.scheduled_s.expect("scheduled"))
        .collect();
    offsets.sort_by(f64::total_cmp);
    // About 300 arrivals (a gamma process of shape 1/4 varies a lot).
    assert!((150..=450).contains(&offsets.len()), "{}", offsets.len());
    let gaps: Vec<f64> = offsets.windows(2).map(|w| w[1] - w[0]).collect();
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
    // Squared coefficient of variation: 1 for Poisson, the burstiness (4)
    // for gamma; loose bounds for a few hundred gaps.
    let cv2 = var / (mean * mean);
    assert!(cv2 > 2.0, "gaps' squared CV {cv2}");
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_ends_the_arrivals_and_every_call_made_has_its_row() {
    let emulator = emulator(0.02);
    let out = temp_dir("stop");
    let opts = options(open(Arrival::Constant, 50.0, Some(30.0), None), out.clone());
    let stop = opts.controls.stop.clone();
    let started = std::time::Instant::now();
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.request_stop();
    });
    let summary = opts.run(clients(&emulator)).await.expect("run completes");
    stopper.await.expect("stopper");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the stop ended a 30 s schedule early: {:?}",
        started.elapsed()
    );
    assert!(summary.interrupted);
    let rows = rows_of(&summary);
    assert_eq!(rows.len() as u64, summary.attempts);
    assert!(
        (10..=100).contains(&rows.len()),
        "about 25 arrivals in 0.5 s: {}",
        rows.len()
    );
    let last = rows
        .iter()
        .map(|r| r.scheduled_s.expect("scheduled"))
        .fold(0.0, f64::max);
    assert!(last < 2.0, "no arrival after the stop: {last}");
    assert_eq!(
        emulator.ground_truth().len(),
        rows.len(),
        "every request the emulator saw has its row"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_concurrency_keeps_that_many_calls_in_flight() {
    let emulator = emulator(0.1);
    let out = temp_dir("concurrent");
    let e = parse_experiment(
        r#"{"arrival": "concurrent", "concurrency": 3, "duration_s": 1.0, "call_timeout_s": 10}"#,
        "e.jsonl",
    )
    .expect("loads")
    .value;
    let summary = (options(e, out.clone()))
        .run(clients(&emulator))
        .await
        .expect("run completes");
    let rows = rows_of(&summary);
    // Three users of ~0.1 s calls for 1 s: about 30 calls.
    assert!((15..=40).contains(&rows.len()), "{}", rows.len());
    assert!(rows.iter().all(|r| r.api_call_status == "Success"));
    assert!(rows.iter().all(|r| r.invocation_id.contains("-u")));
    // Never more than 3 in flight, and 3 most of the time.
    let mut edges: Vec<(f64, i32)> = rows
        .iter()
        .flat_map(|r| {
            let end = r.start_offset_s + r.time_to_last_byte.unwrap_or(0.0);
            [(r.start_offset_s, 1), (end, -1)]
        })
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut peak) = (0, 0);
    for (_, step) in edges {
        now += step;
        peak = peak.max(now);
    }
    assert_eq!(peak, 3);
    // Each call is scheduled when its user is ready: no queue.
    for row in &rows {
        assert_eq!(row.queued_s, Some(0.0));
        assert!(row.dispatch_lag_s.expect("lag") < 0.05, "{row:?}");
    }
    let _ = std::fs::remove_dir_all(out);
}
