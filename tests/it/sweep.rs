//! `sweep` against the emulator: with a requests-per-minute quota set,
//! the throttling point the sweep reports lies within 15% of the quota;
//! the SLO's latency bound finds the knee; the call budget covers the
//! whole sweep; the command writes sweep.csv, the chart and the page, and
//! `--dry-run` makes no call.

use crate::common;
use crate::isolation;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, ConnectionMode, Experiment, Load, Scenario, parse_scenarios};
use bedrock_bench::plan::Limit;
use bedrock_bench::runner::{ProgressMode, StopSignal};
use bedrock_bench::sweep::{LevelKind, Levels, Slo, SweepEnd, SweepOptions, run_sweep};
use common::features::fast_profiles;
use common::*;
use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

const SCENARIO: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 2, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;

fn scenarios() -> Vec<Scenario> {
    parse_scenarios(SCENARIO, "sweep_scenarios.jsonl", Path::new("."))
        .expect("scenarios load")
        .value
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("sweep", name)
}

fn experiment(arrival: Arrival) -> Experiment {
    Experiment {
        call_timeout: Duration::from_secs_f64(10.0),
        load: Load {
            arrival,
            rate_per_s: Some(1.0),
            burstiness: None,
            duration_s: Some(1.0),
            max_concurrency: None,
            concurrency: None,
            trace: None,
        },
        ..Experiment::default()
    }
}

/// The harness's warm clients for `emulator`, shared by the steps.
fn shared_clients(emulator: &Arc<bedrock_emulator::Emulator>) -> Arc<Clients> {
    Arc::new(Clients::for_emulator(
        Arc::clone(emulator),
        ConnectionMode::Warm,
    ))
}

fn options(levels: &str, resolution: f64, step_s: f64, slo: Slo, out: PathBuf) -> SweepOptions {
    SweepOptions {
        scenarios: scenarios(),
        experiment: experiment(Arrival::Constant),
        kind: LevelKind::Rate,
        levels: Levels::parse(levels, 2.0, resolution).expect("levels"),
        step_duration_s: step_s,
        pause_s: 0.5,
        slo,
        out_dir: out,
        seed: 5,
        max_calls: None,
        max_cost: None,
        prices: Default::default(),
        progress: ProgressMode::Off,
        stop: StopSignal::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttling_point_lies_within_15_percent_of_the_rpm_quota() {
    // 600 requests per minute = 10/s, with a small burst (0.2 s = 2
    // requests) so that a rate above the quota is throttled within a step.
    let quota = 10.0;
    let emulator = start_emulator(
        fast_profiles(
            r#"{"models": {"amazon.nova-pro-v1:0": {"quota": {"requests_per_minute": 600, "burst_s": 0.2}}}}"#,
        ),
        1.0,
    );
    let clients = shared_clients(&emulator);
    let out = temp_dir("quota");
    let outcome = run_sweep(
        clients,
        options(
            "4/s..64/s",
            0.05,
            4.0,
            Slo::with_defaults(Vec::new()),
            out.clone(),
        ),
        |_| {},
    )
    .await;
    assert_eq!(outcome.end, SweepEnd::Done, "{:?}", outcome.end);
    let knee = &outcome.knee;
    let onset = knee.throttle_onset.expect("the sweep found throttling");
    assert!(
        (onset - quota).abs() <= 0.15 * quota,
        "throttling began at {onset}/s, the quota is {quota}/s; steps: {:?}",
        outcome
            .steps
            .iter()
            .map(|s| (s.stats.level, s.stats.throttles))
            .collect::<Vec<_>>()
    );
    let (knee_rate, goodput) = knee.highest_passing.expect("a rate met the SLO");
    assert!(
        knee_rate < onset && knee_rate >= 0.85 * quota,
        "{knee_rate}"
    );
    assert!(
        (goodput - knee_rate).abs() <= 0.1 * knee_rate,
        "goodput {goodput} at {knee_rate}"
    );
    // The climb doubled from 4/s until the first throttle, then bisected.
    let rates: Vec<f64> = outcome.steps.iter().map(|s| s.stats.level).collect();
    assert_eq!(&rates[..3], &[4.0, 8.0, 16.0], "{rates:?}");
    // Every throttled call is in the emulator's ground truth, and each
    // step's calls are in its own raw CSV.
    let throttled: u64 = outcome.steps.iter().map(|s| s.stats.throttles).sum();
    let refused = emulator
        .ground_truth()
        .iter()
        .filter(|t| t.faults == ["requests_per_minute"])
        .count() as u64;
    assert_eq!(throttled, refused);
    for step in &outcome.steps {
        let rows: u64 = step.files.iter().map(|f| f.rows).sum();
        assert_eq!(rows, step.stats.calls, "step {}", step.index);
        assert!(step.dir.starts_with(&out));
        // The constant rate is achieved (arrivals end at the duration).
        let expected = (step.stats.level * 4.0).ceil();
        assert_eq!(step.stats.calls as f64, expected, "step {}", step.index);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latency_bound_finds_the_knee_where_the_cap_queues_calls() {
    // Calls take about 100 ms and at most 2 are in flight: past 20/s the
    // calls queue, and their TTFT from the scheduled instant grows.
    let profile = fixed_profile(0.1, 400.0, 1, 50);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = shared_clients(&emulator);
    let mut options = options(
        "4/s,8/s,12/s,40/s,80/s",
        0.1,
        2.0,
        Slo::with_defaults(vec!["ttft_sched_p90<=0.5s".parse().expect("slo")]),
        temp_dir("latency"),
    );
    options.experiment.load.max_concurrency = Some(2);
    let outcome = run_sweep(clients, options, |_| {}).await;
    assert_eq!(outcome.end, SweepEnd::Done);
    let rates: Vec<f64> = outcome.steps.iter().map(|s| s.stats.level).collect();
    assert_eq!(
        rates,
        vec![4.0, 8.0, 12.0, 40.0],
        "a list stops at its first failure"
    );
    let (knee, _) = outcome.knee.highest_passing.expect("knee");
    assert_eq!(knee, 12.0);
    let (failed, why) = outcome.knee.lowest_failing.clone().expect("a failure");
    assert_eq!(failed, 40.0);
    assert!(why[0].starts_with("ttft_sched_p90<=0.5s (was "), "{why:?}");
    // From the call's own start, the TTFT did not grow: only the queue did.
    let last = &outcome.steps[3].stats;
    let own = last
        .latency(bedrock_bench::sweep::LatencyMetric::Ttft)
        .expect("ttft");
    assert!(own.p90 < 0.3, "{own:?}");
    assert!(outcome.knee.throttle_onset.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_sweep_keeps_that_many_calls_in_flight() {
    // 100 ms calls, at most 6 in flight in the emulator: beyond 6
    // concurrent calls the rest are refused (throttled). (A user's next
    // call may reach the emulator before its last stream's slot is
    // released, so exactly 6 users may see a throttle.)
    let profile = fixed_profile(0.1, 400.0, 1, 50);
    let mut model = fixed_model(profile.clone(), profile);
    model.max_in_flight = Some(6);
    let emulator = start_emulator(uniform(model), 1.0);
    let clients = shared_clients(&emulator);
    let mut options = options(
        "1/s",
        0.1,
        1.5,
        Slo::with_defaults(Vec::new()),
        temp_dir("concurrency"),
    );
    options.kind = LevelKind::Concurrency;
    options.levels = Levels::parse_kind(LevelKind::Concurrency, "1..16", 2.0, 0.1).expect("levels");
    let outcome = run_sweep(clients, options, |_| {}).await;
    assert_eq!(outcome.end, SweepEnd::Done);
    let levels: Vec<f64> = outcome.steps.iter().map(|s| s.stats.level).collect();
    assert_eq!(&levels[..4], &[1.0, 2.0, 4.0, 8.0], "{levels:?}");
    // 1 to 4 calls in flight meet the SLO, at about that many calls per
    // 100 ms; 8 do not.
    let (knee, _) = outcome.knee.highest_passing.expect("knee");
    assert!((4.0..=6.0).contains(&knee), "{levels:?}");
    let two = &outcome.steps[1].stats;
    let rate = two.achieved_rate();
    assert!(
        (10.0..=21.0).contains(&rate),
        "2 users of 100 ms calls: {rate}/s"
    );
    assert!(
        outcome
            .knee
            .throttle_onset
            .is_some_and(|t| t > knee && t <= 8.0)
    );
    let described = outcome.knee.describe();
    assert!(
        described.contains(&format!("knee: {knee} concurrent calls")),
        "{described}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_budget_covers_the_whole_sweep() {
    let profile = fixed_profile(0.01, 400.0, 1, 50);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = shared_clients(&emulator);
    let mut options = options(
        "5/s,10/s,20/s",
        0.1,
        1.0,
        Slo::with_defaults(Vec::new()),
        temp_dir("budget"),
    );
    options.max_calls = Some(Limit::new(20, "--max-calls"));
    let outcome = run_sweep(clients, options, |_| {}).await;
    assert_eq!(
        outcome.end,
        SweepEnd::CallBudget {
            step: 3,
            planned: 20,
            left: 5
        }
    );
    assert_eq!(outcome.calls, 15);
    assert_eq!(
        emulator.ground_truth().len(),
        15,
        "no call beyond the budget"
    );
}

fn write_files(dir: &Path, experiment: &str) -> (PathBuf, PathBuf) {
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(&scenarios, format!("{SCENARIO}\n")).expect("scenarios");
    let experiment_path = dir.join("experiment.jsonl");
    std::fs::write(&experiment_path, experiment).expect("experiment");
    (scenarios, experiment_path)
}

fn sweep_command(dir: &Path, files: &(PathBuf, PathBuf), args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .env("BEDROCK_BENCH_TIME_SCALE", "0.01")
        .arg("sweep")
        .arg("--target")
        .arg("emulator")
        .arg("--scenarios")
        .arg(&files.0)
        .arg("--experiment")
        .arg(&files.1)
        .arg("--out")
        .arg(dir.join("out"))
        .args(args);
    command
}

#[test]
fn the_command_writes_the_csv_the_chart_and_the_page() {
    let dir = temp_dir("cli");
    let files = write_files(
        &dir,
        r#"{"arrival": "constant", "rate": "1/s", "duration_s": 1}"#,
    );
    let output = sweep_command(
        &dir,
        &files,
        &[
            "--rates",
            "2/s,4/s",
            "--step-duration",
            "1",
            "--pause",
            "0",
            "--seed",
            "3",
            "--slo",
            "ttft_p99<=30s",
        ],
    )
    .output()
    .expect("sweep runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("SIMULATED"), "{stderr}");
    assert!(stderr.contains("knee: 4.000 requests/s"), "{stderr}");
    let sweeps: Vec<PathBuf> = std::fs::read_dir(dir.join("out/sweeps"))
        .expect("sweeps dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(sweeps.len(), 1);
    let sweep = &sweeps[0];
    let mut reader = csv::Reader::from_path(sweep.join("sweep.csv")).expect("sweep.csv");
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        bedrock_bench::export::sweep_csv::columns()
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(&rows[0][column("offered_rate_per_s")], "2.000000");
    assert_eq!(&rows[1][column("calls")], "4");
    assert_eq!(&rows[1][column("slo_met")], "true");
    // Four calls: a median, but no tail percentile (the cells are empty
    // and thin_percentiles says why), in the CSV, the lines and the page.
    assert!(!rows[1][column("ttft_sched_p50_s")].is_empty());
    for tail in ["ttft_sched_p90_s", "ttft_sched_p99_s", "dispatch_lag_p99_s"] {
        assert_eq!(&rows[1][column(tail)], "", "{tail}");
    }
    assert_eq!(
        &rows[1][column("thin_percentiles")],
        "p90 n<10; p95 n<20; p99 n<100"
    );
    assert!(stderr.contains("TTFT p90 (from schedule) n<10"), "{stderr}");
    for name in ["index.html", "sweep.svg", "sweep.png"] {
        assert!(sweep.join(name).is_file(), "{name}");
    }
    let page = std::fs::read_to_string(sweep.join("index.html")).expect("page");
    assert!(page.contains("id=\"sweep-steps\"") && page.contains("ttft_p99&lt;=30s"));
    // Simulated, at which scale: on the page and on the chart itself.
    assert!(page.contains("time scale 0.01"), "the page names the scale");
    let chart = std::fs::read_to_string(sweep.join("sweep.svg")).expect("sweep.svg");
    assert!(
        chart.contains("SIMULATED (emulator, time scale 0.01)"),
        "the chart names the scale"
    );
    // Each step's raw CSV is there for analyze.
    let step_csvs = std::fs::read_dir(sweep.join("step-02-4per_s/results"))
        .expect("step 2 results")
        .count();
    assert_eq!(step_csvs, 1);
    assert!(page.contains(">n&lt;100<"), "the page marks a thin p99");
    // The next command analyzes the knee's step, where it was written.
    let step = sweep.join("step-02-4per_s");
    let next = format!(
        "next: bedrock-bench analyze {} --out {}",
        step.join("results").display(),
        step.display()
    );
    assert!(stderr.contains(&next), "{next}\n{stderr}");
}

#[test]
fn a_dry_run_prints_the_plan_and_calls_nothing() {
    let dir = temp_dir("dry");
    let files = write_files(
        &dir,
        r#"{"arrival": "poisson", "rate": "1/s", "duration_s": 1}"#,
    );
    let output = sweep_command(
        &dir,
        &files,
        &[
            "--rates",
            "1/s..16/s",
            "--step-duration",
            "10",
            "--dry-run",
            "--max-calls",
            "50",
        ],
    )
    .output()
    .expect("sweep runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("plan: poisson arrivals"), "{stderr}");
    assert!(
        stderr.contains("16.000 requests/s: about 160 calls"),
        "{stderr}"
    );
    assert!(
        stderr.contains("call budget: at most 50 calls for the whole sweep"),
        "{stderr}"
    );
    assert!(stderr.contains("dry run: no call was made."), "{stderr}");
    assert!(!dir.join("out").exists(), "a dry run writes nothing");
}

#[test]
fn bad_sweep_options_are_named() {
    let dir = temp_dir("bad");
    let files = write_files(
        &dir,
        r#"{"arrival": "poisson", "rate": "1/s", "duration_s": 1}"#,
    );
    for (args, expected) in [
        (vec!["--rates", "fast"], "--rates \"fast\""),
        (
            vec!["--rates", "1/s..8/s", "--factor", "1"],
            "--factor 1 must be above 1",
        ),
        (
            vec!["--rates", "1/s", "--slo", "ttft_p80<=1s"],
            "unknown percentile p80",
        ),
        (
            vec!["--rates", "1/s", "--step-duration", "0"],
            "--step-duration 0",
        ),
    ] {
        let output = sweep_command(&dir, &files, &args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_ends_the_sweep_and_keeps_the_steps_done() {
    let profile = fixed_profile(0.01, 400.0, 1, 50);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = shared_clients(&emulator);
    let options = options(
        "5/s,10/s,20/s",
        0.1,
        1.0,
        Slo::with_defaults(Vec::new()),
        temp_dir("stop"),
    );
    let stop = options.stop.clone();
    let mut seen = 0;
    let outcome = run_sweep(clients, options, |steps| {
        seen = steps.len();
        if steps.len() == 1 {
            // Stop during step 2 (after the pause of 0.5 s).
            let stop = stop.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(900)).await;
                stop.request_stop();
            });
        }
    })
    .await;
    assert!(
        matches!(outcome.end, SweepEnd::Stopped(_)),
        "{:?}",
        outcome.end
    );
    assert_eq!(outcome.steps.len(), 2, "step 3 never started");
    assert_eq!(seen, 2, "the interrupted step was reported too");
    assert!(!outcome.steps[0].interrupted && outcome.steps[1].interrupted);
    assert!(outcome.steps[1].stats.calls < 10, "step 2 was cut short");
    // Every call made is in a step's file, and the knee ignores step 2.
    let rows: u64 = outcome
        .steps
        .iter()
        .flat_map(|s| &s.files)
        .map(|f| f.rows)
        .sum();
    assert_eq!(rows as usize, emulator.ground_truth().len());
    assert_eq!(outcome.knee.highest_passing.map(|k| k.0), Some(5.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dollar_budget_covers_the_whole_sweep() {
    let profile = fixed_profile(0.01, 400.0, 1, 50);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = shared_clients(&emulator);
    let mut options = options(
        "5/s,10/s,20/s",
        0.1,
        1.0,
        Slo::with_defaults(Vec::new()),
        temp_dir("dollars"),
    );
    // The worst case of one call at the built-in prices: a budget of 19
    // lets step 1 (5 calls) and step 2 (10) start, whose calls cost far
    // less than their worst case, but not step 3 (20).
    let spec =
        bedrock_bench::call::CallSpec::from_scenario(&options.scenarios[0], &options.experiment);
    let one =
        bedrock_bench::plan::attempt_worst_case(&spec, &options.prices).expect("a built-in price");
    options.max_cost = Some(Limit::new(one.saturating_mul(19), "--max-cost"));
    let outcome = run_sweep(clients, options, |_| {}).await;
    assert!(
        matches!(outcome.end, SweepEnd::DollarBudget { step: 3, .. }),
        "{:?}",
        outcome.end
    );
    assert_eq!(outcome.steps.len(), 2);
    assert_eq!(emulator.ground_truth().len(), 15, "no call of step 3");
    assert!(outcome.cost <= one.saturating_mul(19));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timed_out_calls_are_carried_at_their_worst_case_into_the_next_steps_budget() {
    // Every call stalls past the timeout: it may be billed for what the
    // model generated, so `run` charges it its worst case, and the sweep
    // must carry that charge, not the unknown cost, into the next step.
    let mut profile = fixed_profile(0.005, 400.0, 1, 50);
    profile.faults.stall_mid_stream = 1.0;
    profile.faults.stall_s = 5.0;
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let clients = shared_clients(&emulator);
    // Errors (the timeouts) do not end the search: the budget must.
    let errors_allowed = "error<=100%".parse().expect("an objective");
    let mut options = options(
        "2/s,4/s,8/s",
        0.1,
        1.0,
        Slo::with_defaults(vec![errors_allowed]),
        temp_dir("timeouts"),
    );
    options.experiment.call_timeout = Duration::from_millis(100);
    let spec =
        bedrock_bench::call::CallSpec::from_scenario(&options.scenarios[0], &options.experiment);
    let one =
        bedrock_bench::plan::attempt_worst_case(&spec, &options.prices).expect("a built-in price");
    // Room for step 1 (2 calls) and step 2 (4) at their worst case, not
    // for step 3 (8) after them.
    let budget = one.saturating_mul(9);
    options.max_cost = Some(Limit::new(budget, "--max-cost"));
    let outcome = run_sweep(clients, options, |_| {}).await;
    assert_eq!(
        outcome.cost,
        bedrock_catalog::prices::Cost::ZERO,
        "no call had a cost"
    );
    assert_eq!(outcome.charged, one.saturating_mul(outcome.calls));
    assert!(outcome.charged <= budget, "{} > {budget}", outcome.charged);
    assert!(
        matches!(outcome.end, SweepEnd::DollarBudget { step: 3, .. }),
        "the charges of steps 1 and 2 left no room for step 3: {:?}",
        outcome.end
    );
    assert_eq!(outcome.calls, 6);
    let _ = emulator;
}
