//! The open loop at scale, against the emulator in another process:
//!
//! 1. Poisson arrivals at 500 requests per second for 60 s: the dispatch
//!    lag's p50, p99 and maximum (target: p99 at most 1 ms), the achieved
//!    rate against the target (within 1%), failures (none), and the
//!    process's resident memory at a quarter, half and the end of the run
//!    (flat in the calls done: arrivals are drawn lazily and only calls in
//!    flight are held).
//! 2. 2,000 concurrent streams: 2,000 arrivals within one second, each
//!    call streaming for about 3 s, so all are in flight at once: the
//!    peak concurrency reached and client errors (none).
//!
//! Not run by plain `cargo bench` (`bench = false`); run it with
//!
//! ```text
//! cargo bench --bench open_loop
//! ```
//!
//! `OPEN_LOOP_RATE`, `OPEN_LOOP_SECONDS` and `OPEN_LOOP_STREAMS` change
//! the sizes. The figures are printed; the process exits 1 when a target
//! is missed. Only loopback is used.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bedrock_bench::calibrate::{
    EmulatorProcess, EmulatorProgram, raise_open_file_limit, resident_bytes,
};
use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, ConnectionMode, Experiment, Load, parse_scenarios};
use bedrock_bench::runner::{self, Backoff, ProgressMode, RunOptions, RunSummary, StopSignal};

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

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
        call_timeout_s: 60.0,
        load: Load {
            arrival,
            rate_per_s: Some(rate),
            burstiness: None,
            duration_s: Some(seconds),
            max_concurrency: None,
            concurrency: None,
        },
        ..Experiment::default()
    }
}

fn run(url: &str, experiment: Experiment, out: &Path, tokens: u32) -> RunSummary {
    let scenario = format!(
        r#"{{"text_prompt": "Explain.", "expected_output_tokens": {tokens}, "model_id": "bench.example-model-v1:0", "region": "us-east-1"}}"#
    );
    let scenarios = parse_scenarios(&scenario, "bench.jsonl", Path::new("."))
        .expect("scenario")
        .value;
    let options = RunOptions {
        scenarios,
        experiment,
        out_dir: out.to_path_buf(),
        seed: 7,
        max_calls: None,
        max_cost_usd: None,
        prices: Default::default(),
        backoff: Backoff::default(),
        progress: ProgressMode::Plain,
        stop: StopSignal::new(),
        extra_sinks: Vec::new(),
        shard: None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let clients = Arc::new(Clients::for_endpoint(url, ConnectionMode::Warm));
        runner::run(clients, options).await.expect("run")
    })
}

#[derive(Debug, serde::Deserialize)]
struct Row {
    api_call_status: String,
    start_offset_s: f64,
    time_to_last_byte: Option<f64>,
    scheduled_s: Option<f64>,
    dispatch_lag_s: Option<f64>,
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

/// The `p`th percentile of `sorted` by linear interpolation.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = last as f64 * p / 100.0;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64))
}

fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1000.0)
}

fn main() {
    // criterion's options (`--bench`...) are not used here.
    raise_open_file_limit();
    let rate: f64 = env_or("OPEN_LOOP_RATE", 500.0);
    let seconds: f64 = env_or("OPEN_LOOP_SECONDS", 60.0);
    let streams: u32 = env_or("OPEN_LOOP_STREAMS", 2000);
    let dir = std::env::temp_dir().join(format!("bb-open-loop-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut missed = Vec::new();

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
                    std::thread::sleep(Duration::from_millis(500));
                }
                samples
            })
        };
        let summary = run(
            emulator.url(),
            experiment(Arrival::Poisson, rate, seconds),
            &dir.join("poisson"),
            10,
        );
        sampling.store(false, Ordering::SeqCst);
        let memory = sampler.join().expect("sampler");
        let rows = rows(&summary);
        let mut lags: Vec<f64> = rows.iter().filter_map(|r| r.dispatch_lag_s).collect();
        lags.sort_by(f64::total_cmp);
        let failed = rows
            .iter()
            .filter(|r| r.api_call_status != "Success")
            .count();
        let planned = summary.planned_calls as f64;
        let achieved = rows.len() as f64 / seconds;
        let (p50, p99, max) = (
            percentile(&lags, 50.0).unwrap_or(f64::NAN),
            percentile(&lags, 99.0).unwrap_or(f64::NAN),
            lags.last().copied().unwrap_or(f64::NAN),
        );
        let at = |fraction: f64| {
            memory
                .iter()
                .find(|(t, _)| *t >= fraction * seconds)
                .or(memory.last())
                .map_or(0, |(_, rss)| *rss) as f64
                / 1e6
        };
        println!("open loop, poisson {rate}/s for {seconds} s:");
        println!(
            "  calls {} (expected {planned}), achieved {achieved:.2}/s ({:+.2}% of the target), failed {failed}",
            rows.len(),
            (achieved / rate - 1.0) * 100.0
        );
        println!(
            "  dispatch lag p50 {}, p99 {}, max {}",
            ms(p50),
            ms(p99),
            ms(max)
        );
        println!(
            "  resident memory: {:.1} MB at 25%, {:.1} MB at 50%, {:.1} MB at the end",
            at(0.25),
            at(0.5),
            at(1.0)
        );
        if p99 > 0.001 {
            missed.push(format!("dispatch lag p99 {} > 1 ms", ms(p99)));
        }
        if (achieved / rate - 1.0).abs() > 0.01 {
            missed.push(format!(
                "achieved rate {achieved:.2}/s not within 1% of {rate}/s"
            ));
        }
        if failed > 0 {
            missed.push(format!("{failed} failed calls at {rate}/s"));
        }
        let last_scheduled = rows
            .iter()
            .filter_map(|r| r.scheduled_s)
            .fold(0.0, f64::max);
        println!("  last arrival at {last_scheduled:.3} s");
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
        emulator.stop();
    }

    let _ = std::fs::remove_dir_all(&dir);
    if missed.is_empty() {
        println!("every target met");
    } else {
        for m in &missed {
            println!("MISSED: {m}");
        }
        std::process::exit(1);
    }
}
