//! Workloads at scale, against the emulator in another process.
//!
//! 1. Trace replay: a trace of 1,000 arrivals per second for 60 s (a
//!    seeded Poisson process, lengths of 20 to 80 input tokens and 5 to 15
//!    output tokens, in the plain trace format) replayed through the open
//!    loop. Each call's lateness is its start minus its record's instant,
//!    every instant checked against the trace itself (a replay that drops,
//!    adds or moves records is caught). Targets: every record made once,
//!    at its instant; lateness p99 at most 1 ms; no failed call; resident
//!    memory flat (at the end at most 20% above its level at a quarter of
//!    the run).
//! 2. A dataset of 1,000,000 prompts (JSON Lines, about 100 bytes each):
//!    the time from reading the scenarios file to the first call's request
//!    built (every record checked and indexed, the plan built, the first
//!    record read again), and the process's resident memory then. Targets:
//!    at most 2 s; under 200 MB. The first call is then made, and must
//!    succeed.
//!
//! The quick run (`--test`, which CI runs once on a machine busy with the
//! emulator and the client on two cores) replays 100 arrivals/s for 5 s
//! with a lateness p99 bound of 10 ms, and loads 100,000 prompts under the
//! same bounds. A missing measurement is a miss, never a pass. Not run by
//! plain `cargo bench` (`bench = false`):
//!
//! ```text
//! cargo bench --bench workload_scale                   # the sizes above
//! cargo bench --bench workload_scale -- --test         # quick
//! cargo bench --bench workload_scale -- --figures docs/figures/workload_scale.json
//! ```
//!
//! `WORKLOAD_RATE`, `WORKLOAD_SECONDS` and `WORKLOAD_PROMPTS` change the
//! sizes. The figures are printed (and written with `--figures FILE`); the
//! process exits 1 when a target is missed. Only loopback is used.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bedrock_bench::calibrate::{
    EmulatorProcess, EmulatorProgram, raise_open_file_limit, resident_bytes,
};
use bedrock_bench::client::Clients;
use bedrock_bench::config::{ConnectionMode, ExperimentUse, parse_experiment_in, parse_scenarios};
use bedrock_bench::figures::{Figure, FiguresFile, bench_invocation};
use bedrock_bench::plan::PlanInput;
use bedrock_bench::runner::{self, ProgressMode, RunControls, RunSummary};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::Exp;

mod common;

use common::{args, env_or, percentile};

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

/// Every model: 20 ms to the first token, then its tokens at 500 tokens/s.
fn profiles(dir: &Path) -> PathBuf {
    let json = serde_json::json!({
        "generic": {
            "input_token_overhead": 0,
            "max_in_flight": null,
            "optimized": null,
            "standard": {
                "ttft_p50_s": 0.02,
                "ttft_p90_s": 0.02,
                "ttft_per_input_token_s": 0.0,
                "tokens_per_s": 500.0,
                "decode_jitter": 0.0,
                "tokens_per_chunk": 1,
                "natural_output_tokens_p50": 100_000,
                "natural_output_tokens_p90": 100_000,
                "response_headers_s": 0.0,
            }
        }
    });
    let path = dir.join("profiles.json");
    std::fs::write(&path, json.to_string()).expect("write the profiles");
    path
}

/// A plain trace of Poisson arrivals at `rate` for `seconds`; the
/// instants written, in order.
fn write_trace(path: &Path, rate: f64, seconds: f64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(7);
    let gaps = Exp::new(rate).expect("a positive rate");
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create the trace"));
    writeln!(file, "arrival_s,input_tokens,output_tokens").expect("write");
    let (mut at, mut instants) = (0.0, Vec::new());
    while at < seconds {
        // Microseconds, as the raw CSV records instants.
        let written = (at * 1e6_f64).round() / 1e6;
        let input = rng.random_range(20..=80);
        let output = rng.random_range(5..=15);
        writeln!(file, "{written:.6},{input},{output}").expect("write");
        instants.push(written);
        at += rng.sample(gaps);
    }
    file.flush().expect("flush");
    instants
}

/// `count` prompts of about 100 bytes each, as JSON Lines.
fn write_dataset(path: &Path, count: usize) {
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(path).expect("create the dataset"));
    for i in 0..count {
        writeln!(
            file,
            "{{\"id\": \"q{i}\", \"prompt\": \"Question {i}: how long does the first token take when many users ask at once?\"}}"
        )
        .expect("write");
    }
    file.flush().expect("flush");
}

const SCENARIO: &str = r#""model_id": "bench.example-model-v1:0", "region": "us-east-1""#;

fn run(url: &str, plan: &bedrock_bench::plan::Plan, out: &Path) -> RunSummary {
    let controls = RunControls::new(out).progress(ProgressMode::Plain);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let clients = Arc::new(Clients::for_endpoint(url, ConnectionMode::Warm));
        runner::run(clients, plan, controls).await.expect("run")
    })
}

#[derive(Debug, serde::Deserialize)]
struct Row {
    api_call_status: String,
    start_offset_s: f64,
    scheduled_s: Option<f64>,
}

fn rows(summary: &RunSummary) -> Vec<Row> {
    summary
        .files
        .iter()
        .flat_map(|f| {
            csv::Reader::from_path(&f.path)
                .expect("raw CSV")
                .into_deserialize::<Row>()
                .map(|r| r.expect("row"))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn main() {
    let args = args();
    raise_open_file_limit();
    let (default_rate, default_seconds, default_prompts) = if args.quick {
        (100.0, 5.0, 100_000)
    } else {
        (1000.0, 60.0, 1_000_000)
    };
    let lateness_bound = if args.quick { 0.010 } else { 0.001 };
    let rate: f64 = env_or("WORKLOAD_RATE", default_rate);
    let seconds: f64 = env_or("WORKLOAD_SECONDS", default_seconds);
    let prompts: usize = env_or("WORKLOAD_PROMPTS", default_prompts);
    let dir = std::env::temp_dir().join(format!("bb-workload-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut missed = Vec::new();
    let mut figures = FiguresFile::new(bench_invocation("workload_scale"));
    let emulator = EmulatorProcess::start(
        &EmulatorProgram::Harness(BIN.into()),
        &profiles(&dir),
        &dir.join("truth.jsonl"),
        1,
    )
    .expect("start the emulator");

    // 1. Trace replay.
    {
        let instants = write_trace(&dir.join("trace.csv"), rate, seconds);
        let scenarios = parse_scenarios(
            &format!(r#"{{"text_prompt": "replayed", {SCENARIO}}}"#),
            "bench.jsonl",
            &dir,
        )
        .expect("scenario")
        .value;
        let experiment = parse_experiment_in(
            r#"{"arrival": "trace", "trace": "trace.csv", "call_timeout_s": 60}"#,
            "experiment.jsonl",
            ExperimentUse::Run,
            &dir,
        )
        .expect("experiment")
        .value;
        let plan = PlanInput::new(scenarios, experiment).seed(7).build();
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let sampling = Arc::clone(&sampling);
            std::thread::spawn(move || {
                let mut samples = Vec::new();
                let started = Instant::now();
                while sampling.load(Ordering::SeqCst) {
                    samples.push((started.elapsed().as_secs_f64(), resident_bytes()));
                    std::thread::sleep(Duration::from_millis(250));
                }
                samples
            })
        };
        let summary = run(emulator.url(), &plan, &dir.join("trace"));
        sampling.store(false, Ordering::SeqCst);
        let memory = sampler.join().expect("sampler");
        let rows = rows(&summary);
        let failed = rows
            .iter()
            .filter(|r| r.api_call_status != "Success")
            .count();
        let mut scheduled: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| Some((r.scheduled_s?, r.start_offset_s)))
            .collect();
        scheduled.sort_by(|a, b| a.0.total_cmp(&b.0));
        if scheduled.len() != instants.len() {
            missed.push(format!(
                "{} calls made for {} records",
                scheduled.len(),
                instants.len()
            ));
        }
        let moved = scheduled
            .iter()
            .zip(&instants)
            .filter(|((at, _), record)| (at - *record).abs() > 2e-6)
            .count();
        if moved > 0 {
            missed.push(format!(
                "{moved} calls scheduled away from their record's instant"
            ));
        }
        let mut lags: Vec<f64> = scheduled.iter().map(|(at, start)| start - at).collect();
        lags.sort_by(f64::total_cmp);
        let at = |fraction: f64| {
            let end = memory.last().map_or(0.0, |(t, _)| *t);
            memory
                .iter()
                .find(|(t, _)| *t >= fraction * end)
                .map(|(_, rss)| *rss as f64 / 1e6)
                .filter(|mb| *mb > 0.0)
        };
        println!(
            "trace replay, {} records at {rate}/s for {seconds} s:",
            instants.len()
        );
        match (
            percentile(&lags, 50.0),
            percentile(&lags, 99.0),
            lags.last().copied(),
            at(0.25),
            at(1.0),
        ) {
            (Some(p50), Some(p99), Some(max), Some(quarter), Some(end)) => {
                println!(
                    "  calls {}, failed {failed}; lateness p50 {:.3} ms, p99 {:.3} ms, max {:.1} ms",
                    rows.len(),
                    p50 * 1e3,
                    p99 * 1e3,
                    max * 1e3
                );
                println!("  resident memory: {quarter:.1} MB at 25%, {end:.1} MB at the end");
                if p99.is_nan() || p99 > lateness_bound {
                    missed.push(format!(
                        "lateness p99 {:.3} ms > {:.3} ms",
                        p99 * 1e3,
                        lateness_bound * 1e3
                    ));
                }
                if end.is_nan() || end > quarter * 1.2 {
                    missed.push(format!(
                        "resident memory grew from {quarter:.1} MB to {end:.1} MB (more than 20%)"
                    ));
                }
                figures
                    .figure("trace.rate", Figure::new(rate, "/s", 0))
                    .figure("trace.seconds", Figure::new(seconds, "s", 0))
                    .figure("trace.calls", Figure::new(rows.len() as f64, "", 0))
                    .figure("trace.lag_p50_ms", Figure::new(p50 * 1e3, "ms", 2))
                    .figure("trace.lag_p99_ms", Figure::new(p99 * 1e3, "ms", 2))
                    .figure("trace.lag_max_ms", Figure::new(max * 1e3, "ms", 1))
                    .figure("trace.rss_quarter_mb", Figure::new(quarter, "MB", 1))
                    .figure("trace.rss_end_mb", Figure::new(end, "MB", 1));
            }
            _ => missed.push(format!(
                "a measurement is missing: {} lateness values, {} memory samples",
                lags.len(),
                memory.len()
            )),
        }
        if failed > 0 {
            missed.push(format!("{failed} failed calls in the replay"));
        }
    }

    // 2. A dataset of `prompts` prompts: load to first request.
    {
        write_dataset(&dir.join("prompts.jsonl"), prompts);
        let line =
            format!(r#"{{"dataset": "prompts.jsonl", "expected_output_tokens": 5, {SCENARIO}}}"#);
        let started = Instant::now();
        let scenarios = parse_scenarios(&line, "bench.jsonl", &dir)
            .expect("the dataset loads")
            .value;
        let experiment = bedrock_bench::config::Experiment {
            invocations_per_scenario: 1,
            ..bedrock_bench::config::Experiment::default()
        };
        let plan = PlanInput::new(scenarios, experiment).seed(7).build();
        let first = plan.requests[0].draw(0).expect("the first request");
        let ready = started.elapsed().as_secs_f64();
        let rss = resident_bytes() as f64 / 1e6;
        let summary = run(emulator.url(), &plan, &dir.join("dataset"));
        let rows = rows(&summary);
        println!(
            "dataset of {prompts} prompts: first request ready {ready:.3} s after the load began ({}), resident memory {rss:.1} MB; first call {}",
            first.sent.prompt_id.as_deref().unwrap_or("?"),
            rows.first()
                .map_or("not made", |r| r.api_call_status.as_str())
        );
        if ready > 2.0 {
            missed.push(format!("the first request took {ready:.3} s > 2 s"));
        }
        if rss <= 0.0 || rss >= 200.0 {
            missed.push(format!("resident memory {rss:.1} MB, not under 200 MB"));
        }
        if rows.len() != 1 || rows[0].api_call_status != "Success" {
            missed.push(format!("the dataset's first call: {} rows", rows.len()));
        }
        figures
            .figure("dataset.prompts", Figure::new(prompts as f64, "", 0))
            .figure("dataset.first_request_s", Figure::new(ready, "s", 2))
            .figure("dataset.rss_mb", Figure::new(rss, "MB", 1));
    }
    emulator.stop();
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(path) = &args.figures {
        figures.write(path).expect("write the figures");
        println!("figures written to {}", path.display());
    }
    if !missed.is_empty() {
        for miss in &missed {
            eprintln!("missed: {miss}");
        }
        std::process::exit(1);
    }
}
