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
use bedrock_emulator::{
    Emulator, EmulatorConfig, FaultRates, LatencyProfile, ModelProfile, ProfileSet,
};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

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

fn configured() -> Criterion {
    bedrock_bench::fonts::register();
    Criterion::default()
}

criterion_group! {
    name = benches;
    config = configured();
    targets = per_event
}
criterion_main!(benches);
