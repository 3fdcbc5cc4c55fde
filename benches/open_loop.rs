//! The open loop at scale, against the emulator in another process.
//!
//! 1. Poisson arrivals at 500 requests per second for 60 s. Each call's
//!    lateness is measured against the schedule: its start minus its
//!    instant, with every instant checked against an independent draw of
//!    the same arrivals (so a dispatcher that drops, adds or moves calls
//!    is caught, not only one that is slow). Targets: every drawn arrival
//!    made once, at its instant; lateness p99 at most 1 ms; no failed
//!    call; resident memory flat (at the end at most 20% above its level
//!    at a quarter of the run: arrivals are drawn lazily and only calls in
//!    flight are held).
//! 2. 2,000 concurrent streams: 2,000 arrivals within one second, each
//!    call streaming for about 3 s, so all are in flight at once. Targets:
//!    the peak concurrency reaches 2,000; no client error.
//!
//! The quick run (`--test`, which CI runs once on a machine busy with the
//! emulator and the client on two cores) checks the same targets with a
//! lateness p99 bound of 10 ms: a dispatcher that drops, adds, moves or
//! coarsely delays calls still fails it, while the scheduler's noise on a
//! loaded machine (seen: p99 3.4 ms) does not.
//!
//! A missing measurement (no lateness, no memory sample) is a miss, never
//! a pass. Not run by plain `cargo bench` (`bench = false`):
//!
//! ```text
//! cargo bench --bench open_loop                       # the sizes above
//! cargo bench --bench open_loop -- --test             # quick: 100/s for 5 s, 200 streams
//! cargo bench --bench open_loop -- --figures docs/figures/open_loop.json
//! ```
//!
//! `OPEN_LOOP_RATE`, `OPEN_LOOP_SECONDS` and `OPEN_LOOP_STREAMS` change the
//! sizes. The figures are printed (and written with `--figures FILE`); the
//! process exits 1 when a target is missed. Only loopback is used.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bedrock_bench::calibrate::{
    EmulatorProcess, EmulatorProgram, raise_open_file_limit, resident_bytes,
};
use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, ConnectionMode, Experiment, Load, Scenario, parse_scenarios};
use bedrock_bench::figures::{Figure, FiguresFile, bench_invocation};
use bedrock_bench::plan::{PlanInput, Schedule};
use bedrock_bench::runner::{self, ProgressMode, RunControls, RunSummary};

mod common;

use common::{args, env_or, percentile};

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

/// Every model: `ttft` to the first token, then `tokens` tokens at
/// `tokens_per_s`, no jitter, no fault, no in-flight limit.
fn profiles(dir: &Path, name: &str, ttft: f64, tokens_per_s: f64, tokens: u32) -> PathBuf {
    let json = serde_json::json!({
        "generic": {
            "input_token_overhead": 0,
            "max_in_flight": null,
            "optimized": null,
            "standard": {
                "ttft_p50_s": ttft,
                "ttft_p90_s": ttft,
                "ttft_per_input_token_s": 0.0,
                "tokens_per_s": tokens_per_s,
                "decode_jitter": 0.0,
                "tokens_per_chunk": 1,
                "natural_output_tokens_p50": tokens,
                "natural_output_tokens_p90": tokens,
                "response_headers_s": 0.0,
            }
        }
    });
    let path = dir.join(name);
    std::fs::write(&path, json.to_string()).expect("write the profiles");
    path
}

fn experiment(arrival: Arrival, rate: f64, seconds: f64) -> Experiment {
    Experiment {
        call_timeout: Duration::from_secs_f64(60.0),
        load: Load {
            arrival,
            rate_per_s: Some(rate),
            burstiness: None,
            duration_s: Some(seconds),
            max_concurrency: None,
            concurrency: None,
            trace: None,
        },
        ..Experiment::default()
    }
}

const SEED: u64 = 7;

fn scenarios(tokens: u32) -> Vec<Scenario> {
    let scenario = format!(
        r#"{{"text_prompt": "Explain.", "expected_output_tokens": {tokens}, "model_id": "bench.example-model-v1:0", "region": "us-east-1"}}"#
    );
    parse_scenarios(&scenario, "bench.jsonl", Path::new("."))
        .expect("scenario")
        .value
}

fn run(url: &str, experiment: Experiment, out: &Path, tokens: u32) -> RunSummary {
    let scenarios = scenarios(tokens);
    let plan = PlanInput::new(scenarios, experiment).seed(SEED).build();
    let controls = RunControls::new(out).progress(ProgressMode::Plain);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let clients = Arc::new(Clients::for_endpoint(url, ConnectionMode::Warm));
        runner::run(clients, &plan, controls).await.expect("run")
    })
}

#[derive(Debug, serde::Deserialize)]
struct Row {
    api_call_status: String,
    start_offset_s: f64,
    time_to_last_byte: Option<f64>,
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

fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1000.0)
}

/// What the Poisson run measured against its schedule.
struct Lateness {
    /// Each call's start minus its instant, seconds, sorted.
    lags: Vec<f64>,
    /// Problems with the schedule itself (missing, extra or moved calls).
    problems: Vec<String>,
}

/// Each row's lateness against an independent draw of the same arrivals.
fn lateness(rows: &[Row], experiment: &Experiment, tokens: u32) -> Lateness {
    let plan = Schedule::for_scenarios(&scenarios(tokens), experiment, SEED)
        .open
        .expect("an open loop");
    let expected: Vec<f64> = plan.arrivals(SEED, 0).map(|a| a.offset_s).collect();
    let mut problems = Vec::new();
    let mut scheduled: Vec<(f64, f64)> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        match row.scheduled_s {
            Some(at) => scheduled.push((at, row.start_offset_s)),
            None => problems.push(format!("row {} has no scheduled instant", i + 1)),
        }
    }
    scheduled.sort_by(|a, b| a.0.total_cmp(&b.0));
    if scheduled.len() != expected.len() {
        problems.push(format!(
            "{} calls made for {} arrivals drawn",
            scheduled.len(),
            expected.len()
        ));
    }
    // The raw CSV stores offsets to the microsecond.
    let moved = scheduled
        .iter()
        .zip(&expected)
        .filter(|((at, _), drawn)| (at - *drawn).abs() > 2e-6)
        .count();
    if moved > 0 {
        problems.push(format!(
            "{moved} calls scheduled away from their drawn instant"
        ));
    }
    let mut lags: Vec<f64> = scheduled.iter().map(|(at, start)| start - at).collect();
    lags.sort_by(f64::total_cmp);
    Lateness { lags, problems }
}

fn main() {
    let args = args();
    raise_open_file_limit();
    let (default_rate, default_seconds, default_streams) = if args.quick {
        (100.0, 5.0, 200)
    } else {
        (500.0, 60.0, 2000)
    };
    // The lateness p99 bound, seconds (see the module's doc).
    let lateness_bound = if args.quick { 0.010 } else { 0.001 };
    let rate: f64 = env_or("OPEN_LOOP_RATE", default_rate);
    let seconds: f64 = env_or("OPEN_LOOP_SECONDS", default_seconds);
    let streams: u32 = env_or("OPEN_LOOP_STREAMS", default_streams);
    let dir = std::env::temp_dir().join(format!("bb-open-loop-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut missed = Vec::new();
    let mut figures = FiguresFile::new(bench_invocation("open_loop"));

    // 1. Poisson at `rate` for `seconds`: calls of 50 ms + 10 tokens at
    //    200 tokens/s (about 0.1 s, some 50 in flight at 500/s).
    {
        let profile = profiles(&dir, "poisson.json", 0.05, 200.0, 20);
        let emulator = EmulatorProcess::start(
            &EmulatorProgram::Harness(BIN.into()),
            &profile,
            &dir.join("truth-poisson.jsonl"),
            1,
        )
        .expect("start the emulator");
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let sampling = Arc::clone(&sampling);
            std::thread::spawn(move || {
                let mut samples = Vec::new();
                let started = std::time::Instant::now();
                while sampling.load(Ordering::SeqCst) {
                    samples.push((started.elapsed().as_secs_f64(), resident_bytes()));
                    std::thread::sleep(Duration::from_millis(250));
                }
                samples
            })
        };
        let experiment = experiment(Arrival::Poisson, rate, seconds);
        let summary = run(emulator.url(), experiment.clone(), &dir.join("poisson"), 10);
        sampling.store(false, Ordering::SeqCst);
        let memory = sampler.join().expect("sampler");
        let rows = rows(&summary);
        let Lateness { lags, problems } = lateness(&rows, &experiment, 10);
        missed.extend(problems);
        let failed = rows
            .iter()
            .filter(|r| r.api_call_status != "Success")
            .count();
        let late = lags.iter().filter(|lag| **lag > 0.001).count();
        let on_time_rate = (lags.len() - late) as f64 / seconds;
        let (p50, p99, max) = (
            percentile(&lags, 50.0),
            percentile(&lags, 99.0),
            lags.last().copied(),
        );
        // Resident memory at a quarter of the run and at its end (the
        // sampler runs from the start to the end of the run).
        let at = |fraction: f64| {
            let end = memory.last().map_or(0.0, |(t, _)| *t);
            memory
                .iter()
                .find(|(t, _)| *t >= fraction * end)
                .map(|(_, rss)| *rss as f64 / 1e6)
                .filter(|mb| *mb > 0.0)
        };
        let (rss_quarter, rss_end) = (at(0.25), at(1.0));
        println!("open loop, poisson {rate}/s for {seconds} s:");
        println!(
            "  calls {} (expected {}), {late} started more than 1 ms after their instant, {on_time_rate:.2}/s on time, failed {failed}",
            rows.len(),
            summary.planned_calls
        );
        match (p50, p99, max, rss_quarter, rss_end) {
            (Some(p50), Some(p99), Some(max), Some(quarter), Some(end)) => {
                println!(
                    "  lateness p50 {}, p99 {}, max {}",
                    ms(p50),
                    ms(p99),
                    ms(max)
                );
                println!("  resident memory: {quarter:.1} MB at 25%, {end:.1} MB at the end");
                if p99.is_nan() || p99 > lateness_bound {
                    missed.push(format!("lateness p99 {} > {}", ms(p99), ms(lateness_bound)));
                }
                if end.is_nan() || end > quarter * 1.2 {
                    missed.push(format!(
                        "resident memory grew from {quarter:.1} MB to {end:.1} MB (more than 20%)"
                    ));
                }
                figures
                    .figure("poisson.rate", Figure::new(rate, "/s", 0))
                    .figure("poisson.seconds", Figure::new(seconds, "s", 0))
                    .figure("poisson.calls", Figure::new(rows.len() as f64, "", 0))
                    .figure("poisson.lag_p50_ms", Figure::new(p50 * 1e3, "ms", 2))
                    .figure("poisson.lag_p99_ms", Figure::new(p99 * 1e3, "ms", 2))
                    .figure("poisson.lag_max_ms", Figure::new(max * 1e3, "ms", 1))
                    .figure(
                        "poisson.late_pct",
                        Figure::new(100.0 * late as f64 / lags.len() as f64, "%", 2),
                    )
                    .figure("poisson.rss_quarter_mb", Figure::new(quarter, "MB", 1))
                    .figure("poisson.rss_end_mb", Figure::new(end, "MB", 1));
            }
            _ => missed.push(format!(
                "a measurement is missing: {} lateness values, {} memory samples",
                lags.len(),
                memory.len()
            )),
        }
        if failed > 0 {
            missed.push(format!("{failed} failed calls at {rate}/s"));
        }
        emulator.stop();
    }

    // 2. `streams` concurrent streams: arrivals within 1 s, each call 1 s
    //    to its first token then 40 tokens at 20 tokens/s.
    {
        let profile = profiles(&dir, "streams.json", 1.0, 20.0, 40);
        let emulator = EmulatorProcess::start(
            &EmulatorProgram::Harness(BIN.into()),
            &profile,
            &dir.join("truth-streams.jsonl"),
            1,
        )
        .expect("start the emulator");
        let summary = run(
            emulator.url(),
            experiment(Arrival::Constant, f64::from(streams), 1.0),
            &dir.join("streams"),
            40,
        );
        let rows = rows(&summary);
        let failed: Vec<&str> = rows
            .iter()
            .filter(|r| r.api_call_status != "Success")
            .map(|r| r.api_call_status.as_str())
            .collect();
        // Peak concurrency from the calls' start and end offsets.
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
        println!("{streams} concurrent streams:");
        println!(
            "  calls {}, peak in flight {peak}, client errors {}",
            rows.len(),
            failed.len()
        );
        if !failed.is_empty() {
            missed.push(format!(
                "{} client errors at {streams} streams: {:?}",
                failed.len(),
                &failed[..failed.len().min(5)]
            ));
        }
        if peak < streams as i32 {
            missed.push(format!("peak concurrency {peak} < {streams}"));
        }
        figures
            .figure("streams.planned", Figure::new(f64::from(streams), "", 0))
            .figure("streams.peak", Figure::new(f64::from(peak), "", 0))
            .figure("streams.errors", Figure::new(failed.len() as f64, "", 0));
        emulator.stop();
    }

    let _ = std::fs::remove_dir_all(&dir);
    if !missed.is_empty() {
        for m in &missed {
            println!("MISSED: {m}");
        }
        std::process::exit(1);
    }
    println!("every target met");
    if let Some(path) = &args.figures {
        figures.write(path).expect("write the results file");
        println!("wrote {}", path.display());
    }
}
