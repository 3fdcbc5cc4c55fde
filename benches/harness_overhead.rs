//! What the harness itself costs: `cargo bench --bench harness_overhead`.
//!
//! - `per_event/record_instant`: the timed call's own work per event
//!   (take an `Instant`, push it on a reserved vector).
//! - `per_event/{timed_call,raw_sdk}/500`: one 500-event answer from the
//!   in-process emulator at zero delay, through `timed_converse_stream` and
//!   through a bare SDK `recv()` loop; criterion reports time per event, and
//!   the difference is the harness's share.
//! - `whole_call/timed_call`: a whole one-token call at zero delay, request
//!   to end of stream, against the in-process emulator.
//!
//! Targets, checked from criterion's estimates after the measurement (the
//! exit code is 1 when one is missed or an estimate is missing):
//! `record_instant` at most 100 ns per event, and the timed call at most
//! 15% more per event than the bare SDK loop. `--test` runs each
//! benchmark once and checks nothing (criterion measures nothing then).
//! With `BEDROCK_BENCH_FIGURES=FILE` the figures are written to FILE as a
//! results file (criterion parses every command-line option itself):
//!
//! ```text
//! BEDROCK_BENCH_FIGURES=docs/figures/harness_overhead.json cargo bench --bench harness_overhead
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, InferenceConfiguration, Message,
};
use bedrock_bench::call::{CallSpec, timed_converse_stream};
use bedrock_bench::client::Clients;
use bedrock_bench::config::ConnectionMode;
use bedrock_bench::figures::{Figure, FiguresFile, bench_invocation};
use bedrock_emulator::{
    Emulator, EmulatorConfig, FaultRates, LatencyProfile, ModelProfile, ProfileSet,
};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};

const MODEL: &str = "us.amazon.nova-micro-v1:0";
const TOKENS: u32 = 500;
/// messageStart, contentBlockStop, messageStop and metadata.
const OTHER_EVENTS: u64 = 4;

fn zero_delay_emulator() -> Arc<Emulator> {
    let profile = LatencyProfile {
        ttft_p50_s: 0.001,
        ttft_p90_s: 0.001,
        ttft_per_input_token_s: 0.0,
        tokens_per_s: 1000.0,
        decode_jitter: 0.0,
        tokens_per_chunk: 1,
        natural_output_tokens_p50: TOKENS * 2,
        natural_output_tokens_p90: TOKENS * 2,
        response_headers_s: 0.0,
        faults: FaultRates::default(),
    };
    let model = ModelProfile {
        input_token_overhead: 0,
        max_in_flight: None,
        quota: Default::default(),
        optimized_quota: None,
        standard: profile,
        optimized: None,
        tiers: Default::default(),
        reasoning: Default::default(),
        sources: Default::default(),
    };
    let config = EmulatorConfig {
        time_scale: 0.0,
        seed: Some(1),
        profiles: ProfileSet::uniform(model),
        keep_ground_truth: false,
        ..EmulatorConfig::default()
    };
    match Emulator::start(config) {
        Ok(emulator) => Arc::new(emulator),
        Err(error) => panic!("the emulator must start on 127.0.0.1:0: {error}"),
    }
}

async fn raw_sdk_call(client: &Client, tokens: u32) -> u64 {
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("Count.".into()))
        .build()
        .ok();
    let sent = client
        .converse_stream()
        .model_id(MODEL)
        .set_messages(message.map(|m| vec![m]))
        .inference_config(
            InferenceConfiguration::builder()
                .max_tokens(tokens as i32)
                .build(),
        )
        .send()
        .await;
    let Ok(mut output) = sent else {
        panic!("the emulator answers");
    };
    let mut events = 0;
    while let Ok(Some(event)) = output.stream.recv().await {
        black_box(&event);
        events += 1;
    }
    events
}

fn per_event(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let emulator = zero_delay_emulator();
    let clients = Clients::for_emulator(Arc::clone(&emulator), ConnectionMode::Warm);
    let client = clients.client("us-east-2");
    let spec = CallSpec::new(MODEL, "Count.", TOKENS);

    let mut group = c.benchmark_group("per_event");
    group.throughput(Throughput::Elements(1024));
    group.bench_function("record_instant", |b| {
        b.iter_batched_ref(
            || Vec::<Instant>::with_capacity(1024),
            |instants| {
                for _ in 0..1024 {
                    instants.push(Instant::now());
                }
            },
            BatchSize::SmallInput,
        );
    });
    group.throughput(Throughput::Elements(u64::from(TOKENS) + OTHER_EVENTS));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::new("timed_call", TOKENS), |b| {
        b.iter(|| {
            let record = runtime.block_on(timed_converse_stream(&client, &spec));
            assert_eq!(
                record.chunk_count(),
                TOKENS as usize,
                "{:?}",
                record.error_message
            );
            record
        });
    });
    group.bench_function(BenchmarkId::new("raw_sdk", TOKENS), |b| {
        b.iter(|| runtime.block_on(raw_sdk_call(&client, TOKENS)));
    });
    group.finish();

    let mut group = c.benchmark_group("whole_call");
    let one_token = CallSpec::new(MODEL, "Count.", 1);
    group.bench_function("timed_call", |b| {
        b.iter(|| runtime.block_on(timed_converse_stream(&client, &one_token)));
    });
    group.finish();
}

/// At most this many nanoseconds per event for `record_instant`.
const TARGET_RECORD_NS: f64 = 100.0;
/// The timed call may cost at most this fraction more per event than the
/// bare SDK loop.
const TARGET_SHARE: f64 = 0.15;

/// criterion's mean estimate of a benchmark, nanoseconds per iteration,
/// from its saved `estimates.json`.
fn mean_ns(id: &str) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME")
        .map_or_else(|| std::path::PathBuf::from("target/criterion"), Into::into);
    let path = home.join(id).join("new").join("estimates.json");
    let text = std::fs::read_to_string(&path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["mean"]["point_estimate"]
        .as_f64()
        .filter(|v| v.is_finite() && *v > 0.0)
}

fn main() {
    bedrock_bench::fonts::register();
    let mut criterion = Criterion::default().configure_from_args();
    per_event(&mut criterion);
    criterion.final_summary();
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        println!("--test/--list: each benchmark ran at most once; no target is checked");
        return;
    }
    let per_event_of = |id: &str, events: f64| mean_ns(id).map(|ns| ns / events);
    let events = f64::from(TOKENS) + OTHER_EVENTS as f64;
    let record = per_event_of("per_event/record_instant", 1024.0);
    let timed = per_event_of(&format!("per_event/timed_call/{TOKENS}"), events);
    let raw = per_event_of(&format!("per_event/raw_sdk/{TOKENS}"), events);
    let whole = mean_ns("whole_call/timed_call");
    let mut missed = Vec::new();
    let (Some(record), Some(timed), Some(raw), Some(whole)) = (record, timed, raw, whole) else {
        println!(
            "MISSED: an estimate is missing (record_instant {record:?}, timed_call {timed:?}, raw_sdk {raw:?}, whole_call {whole:?}); run without a filter"
        );
        std::process::exit(1);
    };
    let share = timed / raw - 1.0;
    println!(
        "record_instant {record:.1} ns per event; timed call {timed:.0} ns per event vs bare SDK {raw:.0} ns ({:+.1}%); whole one-token call {:.0} µs",
        share * 100.0,
        whole / 1e3
    );
    if record > TARGET_RECORD_NS {
        missed.push(format!(
            "record_instant {record:.1} ns > {TARGET_RECORD_NS} ns"
        ));
    }
    if share > TARGET_SHARE {
        missed.push(format!(
            "the timed call costs {:.1}% more per event than the bare SDK loop (target at most {:.0}%)",
            share * 100.0,
            TARGET_SHARE * 100.0
        ));
    }
    if !missed.is_empty() {
        for m in &missed {
            println!("MISSED: {m}");
        }
        std::process::exit(1);
    }
    println!("every target met");
    if let Some(path) = std::env::var_os("BEDROCK_BENCH_FIGURES") {
        let mut figures = FiguresFile::new(format!(
            "BEDROCK_BENCH_FIGURES={} {}",
            std::path::Path::new(&path).display(),
            bench_invocation("harness_overhead")
        ));
        figures
            .figure("record_instant_ns", Figure::new(record, "ns", 1))
            .figure("timed_call_ns_per_event", Figure::new(timed, "ns", 0))
            .figure("raw_sdk_ns_per_event", Figure::new(raw, "ns", 0))
            .figure("harness_share_pct", Figure::new(share * 100.0, "%", 1))
            .figure("whole_call_us", Figure::new(whole / 1e3, "µs", 0));
        let path = std::path::PathBuf::from(path);
        figures.write(&path).expect("write the results file");
        println!("wrote {}", path.display());
    }
}
