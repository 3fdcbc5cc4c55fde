//! The emulator's timing as the real SDK sees it: a fixed profile's TTFT,
//! the time scale, repeatable plans for a fixed seed, and the ground-truth
//! file.

use crate::common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_sdk_bedrockruntime::operation::RequestId;
use bedrock_emulator::{Emulator, EmulatorConfig, GroundTruthRecord, ProfileSet};
use common::sdk::{Ask, converse, send};
use common::*;

/// A file under the target's scratch directory, unique to this process.
fn scratch_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", std::process::id()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_profile_gives_its_ttft_at_the_client() {
    const TTFT: f64 = 0.25;
    let profile = fixed_profile(TTFT, 200.0, 1, 10);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let client = client_for(&emulator);
    // Warm the connection so that its setup is not part of the TTFT.
    converse(&client, &Ask::new(NOVA_PRO, 1)).await;
    for _ in 0..3 {
        let t0 = Instant::now();
        let output = send(&client, &Ask::new(NOVA_PRO, 10)).await.expect("send");
        let streamed = common::sdk::drain(output).await;
        let ttft = (streamed.first_delta_at.expect("a delta") - t0).as_secs_f64();
        assert!(
            (TTFT..TTFT + 0.1).contains(&ttft),
            "client TTFT {ttft} s for a fixed {TTFT} s profile"
        );
        // 10 tokens: the first at TTFT, 9 gaps of 5 ms, end 5 ms later.
        let total = (streamed.end_at - t0).as_secs_f64();
        assert!(
            (TTFT + 0.05..TTFT + 0.15).contains(&total),
            "total {total} s"
        );
        let truth = ground_truth_for(&emulator, &streamed.request_id.expect("id"));
        assert!((truth.planned_ttft_s.expect("planned") - TTFT).abs() < 1e-6);
        assert!((truth.planned_total_s.expect("planned") - (TTFT + 0.05)).abs() < 1e-6);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_scale_shrinks_every_delay() {
    // In model time: first token at 2 s, 40 tokens at 20 tok/s, end at 4 s.
    let profile = fixed_profile(2.0, 20.0, 1, 40);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 0.05);
    let client = client_for(&emulator);
    let t0 = Instant::now();
    let streamed = converse(&client, &Ask::new(NOVA_PRO, 40)).await;
    let total = (streamed.end_at - t0).as_secs_f64();
    let ttft = (streamed.first_delta_at.expect("delta") - t0).as_secs_f64();
    assert!(
        (0.1..0.4).contains(&ttft),
        "TTFT {ttft} s, 2 s scaled by 0.05"
    );
    assert!(
        (0.2..0.6).contains(&total),
        "total {total} s, 4 s scaled by 0.05"
    );
    assert_eq!(streamed.usage.map(|u| u.1), Some(40));
    assert_eq!(streamed.latency_ms, Some(200), "latencyMs is scaled too");
    let truth = ground_truth_for(&emulator, &streamed.request_id.expect("id"));
    assert!((truth.planned_total_s.expect("planned") - 0.2).abs() < 1e-6);

    // Time scale 0: as fast as the emulator can write.
    let instant = start_emulator(
        uniform(fixed_model(
            fixed_profile(2.0, 20.0, 1, 40),
            fixed_profile(2.0, 20.0, 1, 40),
        )),
        0.0,
    );
    let client = client_for(&instant);
    let t0 = Instant::now();
    let streamed = converse(&client, &Ask::new(NOVA_PRO, 40)).await;
    assert!((streamed.end_at - t0) < Duration::from_millis(300));
    assert_eq!(streamed.deltas, 40);
    assert_eq!(streamed.latency_ms, Some(0));
}

/// What must repeat for a fixed seed.
type Repeatable = (
    String,
    u32,
    u32,
    u32,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Vec<String>,
);

/// Run the same sequence of requests against a fresh emulator with `seed`.
async fn run_sequence(seed: u64) -> Vec<Repeatable> {
    let config = EmulatorConfig {
        time_scale: 0.01,
        seed: Some(seed),
        profiles: ProfileSet::builtin(),
        ..EmulatorConfig::default()
    };
    let emulator = std::sync::Arc::new(Emulator::start(config).expect("starts"));
    let client = client_for(&emulator);
    let mut unlimited = Ask::new("us.anthropic.claude-3-5-haiku-20241022-v1:0", 1);
    unlimited.max_tokens = None;
    let asks = [
        Ask::new(NOVA_PRO, 30).optimized(),
        Ask::new("us.meta.llama3-1-70b-instruct-v1:0", 25),
        unlimited.optimized(),
        Ask::new(NOVA_MICRO, 5),
        Ask::new(NOVA_PRO, 0), // a ValidationException takes a request id too
        Ask::new(NOVA_PRO, 12),
    ];
    let mut out = Vec::new();
    for ask in &asks {
        let id = match send(&client, ask).await {
            Ok(output) => common::sdk::drain(output).await.request_id.expect("id"),
            Err(error) => error.request_id().expect("id").to_string(),
        };
        let t = ground_truth_for(&emulator, &id);
        out.push((
            t.request_id,
            t.input_tokens,
            t.output_tokens,
            t.deltas_written,
            t.planned_ttft_s,
            t.planned_total_s,
            t.served_performance,
            t.faults,
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_seed_makes_plans_repeatable() {
    let first = run_sequence(1234).await;
    let second = run_sequence(1234).await;
    assert_eq!(first, second);
    assert!(first.iter().filter(|r| r.4.is_some()).count() == 5);
    let other = run_sequence(999).await;
    assert_ne!(
        first.iter().map(|r| r.4).collect::<Vec<_>>(),
        other.iter().map(|r| r.4).collect::<Vec<_>>(),
        "another seed draws other TTFTs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ground_truth_file_has_one_line_per_request() {
    let path = scratch_file("ground-truth.jsonl");
    let mut profiles = uniform(fixed_model(
        fixed_profile(0.01, 1000.0, 1, 5),
        fixed_profile(0.01, 1000.0, 1, 5),
    ));
    profiles
        .apply_overrides(
            r#"{"models": {"amazon.nova-lite-v1:0": {"standard": {"faults": {"throttle_before_stream": 1.0}}}}}"#,
            "t",
        )
        .expect("applies");
    let config = EmulatorConfig {
        seed: Some(5),
        profiles,
        ground_truth_file: Some(path.clone()),
        keep_ground_truth: false,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).expect("starts");
    let client = client_for(&emulator);

    let mut seen = Vec::new();
    for ask in [
        Ask::new(NOVA_PRO, 5),
        Ask::new(NOVA_PRO, 0),
        Ask::new("us.amazon.nova-lite-v1:0", 5),
        Ask::new(NOVA_MICRO, 3),
        Ask::new(NOVA_MICRO, 5).optimized(),
    ] {
        let (id, status) = match send(&client, &ask).await {
            Ok(output) => (
                common::sdk::drain(output).await.request_id.expect("id"),
                200,
            ),
            Err(error) => (
                error.request_id().expect("id").to_string(),
                error
                    .raw_response()
                    .map(|r| r.status().as_u16())
                    .expect("status"),
            ),
        };
        seen.push((id, status));
    }
    assert!(emulator.ground_truth().is_empty(), "not kept in memory");
    drop(client);
    emulator.shutdown();

    let text = std::fs::read_to_string(&path).expect("the ground-truth file exists");
    let records: Vec<GroundTruthRecord> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(records.len(), seen.len(), "{text}");
    let mut written: Vec<(String, u16)> = records
        .iter()
        .map(|r| (r.request_id.clone(), r.http_status))
        .collect();
    written.sort();
    seen.sort();
    assert_eq!(written, seen);
    for record in &records {
        let complete = record.outcome == "complete";
        assert_eq!(complete, record.http_status == 200, "{record:?}");
        assert_eq!(complete, record.first_delta_written_s.is_some());
        assert!(record.headers_written_s.is_some());
        assert!(!record.model_id.is_empty());
    }
    let _ = std::fs::remove_file(&path);
}
