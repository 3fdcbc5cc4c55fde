//! One ground-truth record per request, whatever happens to it: a client
//! that leaves early, or an emulator that stops while requests are pending
//! or streaming.

use crate::common;

use std::path::PathBuf;
use std::time::Duration;

use bedrock_emulator::{Emulator, EmulatorConfig, GroundTruthRecord};
use common::raw_http::{RawConnection, RawRequest, valid_body};
use common::*;
use tokio::io::AsyncWriteExt;

fn scratch_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", std::process::id()))
}

/// Nova Pro answers a ThrottlingException after 3 s; Nova Micro streams
/// for 100 s (1000 tokens at 10 tok/s).
fn slow_profiles() -> bedrock_emulator::ProfileSet {
    let mut set = uniform(fixed_model(
        fixed_profile(0.05, 10.0, 1, 1000),
        fixed_profile(0.05, 10.0, 1, 1000),
    ));
    set.apply_overrides(
        r#"{"models": {"amazon.nova-pro-v1:0": {"standard": {"response_headers_s": 3.0,
            "faults": {"throttle_before_stream": 1.0}}}}}"#,
        "slow",
    )
    .expect("applies");
    set
}

fn read_records(path: &PathBuf) -> Vec<GroundTruthRecord> {
    let text = std::fs::read_to_string(path).expect("ground-truth file");
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn requests_cut_by_a_shutdown_are_recorded() {
    let path = scratch_file("shutdown-ground-truth.jsonl");
    let emulator = Emulator::start(EmulatorConfig {
        seed: Some(9),
        profiles: slow_profiles(),
        ground_truth_file: Some(path.clone()),
        shutdown_grace: Duration::from_millis(200),
        ..EmulatorConfig::default()
    })
    .expect("starts");
    let addr = emulator.addr();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // A pending (delayed) error, a stream in progress, an idle keep-alive
    // connection and a half-sent body.
    let pending = runtime.spawn(async move {
        let request = RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", valid_body(5));
        RawConnection::connect(addr).await?.send(&request).await
    });
    let streaming = runtime.spawn(async move {
        let request = RawRequest::converse_stream("us.amazon.nova-micro-v1%3A0", valid_body(900));
        RawConnection::connect(addr).await?.send(&request).await
    });
    let half_sent = runtime.spawn(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream
            .write_all(
                b"POST /model/us.amazon.nova-micro-v1%3A0/converse-stream HTTP/1.1\r\nhost: x\r\nauthorization: Bearer t\r\ncontent-length: 100\r\n\r\n{\"mess",
            )
            .await?;
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok::<_, std::io::Error>(stream)
    });
    std::thread::sleep(Duration::from_millis(500));
    let stopping = std::time::Instant::now();
    emulator.shutdown();
    assert!(
        stopping.elapsed() < Duration::from_secs(3),
        "the grace period bounds the stop: {:?}",
        stopping.elapsed()
    );

    // The clients see their connections end (cut, not hung).
    let pending = runtime.block_on(pending).expect("task");
    assert!(pending.is_err(), "no answer was due yet: {pending:?}");
    let streaming = runtime.block_on(streaming).expect("task");
    assert!(streaming.is_err(), "the stream was cut: {streaming:?}");
    half_sent.abort();

    let mut records = read_records(&path);
    records.sort_by(|a, b| (&a.model_id, a.http_status).cmp(&(&b.model_id, b.http_status)));
    assert_eq!(records.len(), 3, "{records:#?}");
    let outcomes: Vec<(&str, &str, u16)> = records
        .iter()
        .map(|r| (r.model_id.as_str(), r.outcome.as_str(), r.http_status))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("us.amazon.nova-micro-v1:0", "shutdown", 0),
            ("us.amazon.nova-micro-v1:0", "shutdown", 200),
            ("us.amazon.nova-pro-v1:0", "shutdown", 0),
        ]
    );
    let stream = &records[1];
    assert!(stream.deltas_written >= 1 && stream.deltas_written < 900);
    assert!(stream.headers_written_s.is_some());
    assert!(records[0].headers_written_s.is_none() && records[2].headers_written_s.is_none());
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_early_is_recorded() {
    let emulator = start_emulator(slow_profiles(), 1.0);
    let addr = emulator.addr();
    for (model, max_tokens) in [
        // Leave in the middle of a stream.
        ("us.amazon.nova-micro-v1%3A0", 900),
        // Leave while a delayed error is pending.
        ("us.amazon.nova-pro-v1%3A0", 5),
    ] {
        let mut connection = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        let request = RawRequest::converse_stream(model, valid_body(max_tokens));
        connection
            .write_all(&request.to_bytes())
            .await
            .expect("writes");
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(connection);
    }

    let mut records = Vec::new();
    for _ in 0..150 {
        records = emulator.ground_truth();
        if records.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stream = records
        .iter()
        .find(|r| r.model_id == "us.amazon.nova-micro-v1:0")
        .expect("the cut stream is recorded");
    assert_eq!(stream.outcome, "client_disconnected");
    assert!(stream.deltas_written >= 1);
    let pending = records
        .iter()
        .find(|r| r.model_id == "us.amazon.nova-pro-v1:0")
        .expect("the abandoned request is recorded within 3 s");
    // Whether the emulator notices before its answer is due depends on the
    // HTTP layer; either way the request has exactly one record.
    assert!(
        ["client_disconnected", "ThrottlingException"].contains(&pending.outcome.as_str()),
        "{pending:?}"
    );
    assert_eq!(records.len(), 2, "{records:#?}");
}
