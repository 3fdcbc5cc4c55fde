//! HTTP/2 with prior knowledge (h2c), as the AWS SDK for JavaScript speaks
//! it, on the same port as HTTP/1.1: event streams decode, many streams
//! share one connection (and count against the quota one by one), an idle
//! HTTP/2 connection is closed with a GOAWAY after the idle timeout or to
//! make room (never with a stream open), a stream in flight finishes
//! across a stop, and an answer that closes an HTTP/1.1 connection carries
//! no connection header on HTTP/2.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bedrock_emulator::{Emulator, EmulatorConfig, ProfileSet};
use bytes::Bytes;
use common::frames::{header, payload_json, split_frames};
use common::raw_http::{RawRequest, send, valid_body};
use common::*;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// Any single exchange's bound.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(15);
/// Nova Micro streams 10 one-token deltas, the first at 0.8 s and then
/// every 0.1 s: about 1.8 s. Every other model answers 6 tokens, in 3
/// deltas, 5 ms after the request.
const SLOW_MODEL_PATH: &str = "us.amazon.nova-micro-v1%3A0";
const FAST_MODEL_PATH: &str = "us.amazon.nova-pro-v1%3A0";

fn profiles() -> ProfileSet {
    let fast = fixed_profile(0.005, 2000.0, 2, 6);
    let mut set = uniform(fixed_model(fast.clone(), fast));
    set.apply_overrides(
        r#"{"models": {"amazon.nova-micro-v1:0": {"standard": {"ttft_p50_s": 0.8, "ttft_p90_s": 0.8,
            "tokens_per_s": 10.0, "tokens_per_chunk": 1,
            "natural_output_tokens_p50": 10, "natural_output_tokens_p90": 10}}}}"#,
        "slow micro",
    )
    .expect("applies");
    set
}

fn config() -> EmulatorConfig {
    EmulatorConfig {
        seed: Some(7),
        profiles: profiles(),
        shutdown_grace: Duration::from_millis(500),
        ..EmulatorConfig::default()
    }
}

fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).expect("emulator binds 127.0.0.1:0")
}

/// An HTTP/2 connection with prior knowledge, and the task driving it
/// (it ends when the server closes the connection).
async fn connect_h2(
    addr: SocketAddr,
) -> (
    SendRequest<Full<Bytes>>,
    JoinHandle<Result<(), hyper::Error>>,
) {
    let stream = tokio::time::timeout(EXCHANGE_TIMEOUT, TcpStream::connect(addr))
        .await
        .expect("connects in time")
        .expect("connects");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("HTTP/2 handshake");
    (sender, tokio::spawn(connection))
}

fn converse_request(addr: SocketAddr, model_path: &str, body: String) -> Request<Full<Bytes>> {
    Request::post(format!("http://{addr}/model/{model_path}/converse-stream"))
        .header("authorization", "Bearer test-token")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid request")
}

fn stats_request(addr: SocketAddr) -> Request<Full<Bytes>> {
    Request::get(format!("http://{addr}/_emulator/stats"))
        .body(Full::new(Bytes::new()))
        .expect("a valid request")
}

/// Send `request` on `sender` and read the whole answer.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> (Response<()>, Bytes) {
    tokio::time::timeout(EXCHANGE_TIMEOUT, async {
        sender.ready().await.expect("the connection takes a stream");
        let response: Response<Incoming> = sender
            .send_request(request)
            .await
            .expect("an HTTP/2 response");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("the whole body").to_bytes();
        (Response::from_parts(parts, ()), body)
    })
    .await
    .expect("the exchange finishes in time")
}

fn request_id(response: &Response<()>) -> String {
    response
        .headers()
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .expect("x-amzn-RequestId")
        .to_string()
}

/// The event types of an event-stream body, in order.
fn event_types(body: &[u8]) -> Vec<String> {
    split_frames(body)
        .iter()
        .map(|m| header(m, ":event-type").unwrap_or("?").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_converse_stream_over_h2c_decodes_in_order() {
    let emulator = start(config());
    let addr = emulator.addr();
    let (mut sender, _connection) = connect_h2(addr).await;
    let (response, body) = exchange(
        &mut sender,
        converse_request(addr, FAST_MODEL_PATH, valid_body(50)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), http::Version::HTTP_2);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    assert!(response.headers().get("connection").is_none());
    let frames = split_frames(&body);
    assert_eq!(
        event_types(&body),
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    let text: String = frames
        .iter()
        .filter(|m| header(m, ":event-type") == Some("contentBlockDelta"))
        .map(|m| {
            payload_json(m)["delta"]["text"]
                .as_str()
                .expect("text")
                .to_string()
        })
        .collect();
    assert_eq!(text.split(' ').count(), 6, "{text:?}");
    let metadata = payload_json(frames.last().expect("frames"));
    assert_eq!(metadata["usage"]["outputTokens"], 6, "{metadata}");

    let record = ground_truth_for(&emulator, &request_id(&response));
    assert_eq!(record.outcome, "complete", "{record:?}");
    assert_eq!(record.deltas_written, 3, "{record:?}");
    assert_eq!(record.output_tokens, 6, "{record:?}");

    // The stats route answers on HTTP/2 too, and counts the connection.
    let (response, body) = exchange(&mut sender, stats_request(addr)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let stats: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(stats["connections_http2"], 1, "{stats}");
    assert_eq!(stats["connections_accepted"], 1, "{stats}");
    assert_eq!(stats["connections_open"], 1, "{stats}");

    // HTTP/1.1 on the same port is unchanged.
    let answered = send(
        addr,
        &RawRequest::converse_stream(FAST_MODEL_PATH, valid_body(50)),
    )
    .await
    .expect("an HTTP/1.1 answer");
    assert_eq!(answered.status, 200);
    assert_eq!(answered.version, "HTTP/1.1");
    assert_eq!(event_types(&answered.body).len(), 7);
    let stats = emulator.connection_stats();
    assert_eq!((stats.accepted, stats.http2), (2, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_streams_share_one_connection_at_once() {
    const STREAMS: usize = 24;
    let emulator = start(config());
    let addr = emulator.addr();
    let (sender, _connection) = connect_h2(addr).await;
    let started = Instant::now();
    let calls = (0..STREAMS).map(|_| {
        let mut sender = sender.clone();
        tokio::spawn(async move {
            exchange(
                &mut sender,
                converse_request(addr, SLOW_MODEL_PATH, valid_body(50)),
            )
            .await
        })
    });
    let mut ids = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        let (response, body) = call.await.expect("the call's task");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(event_types(&body).len(), 14, "10 deltas and 4 others");
        ids.push(request_id(&response));
    }
    // 24 streams of about 1.8 s each, at once.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let records: Vec<_> = ids
        .iter()
        .map(|id| ground_truth_for(&emulator, id))
        .collect();
    assert!(records.iter().all(|r| r.outcome == "complete"));
    assert!(records.iter().all(|r| r.deltas_written == 10));
    // Every stream was received before any had finished: all in flight at
    // once on the one connection.
    let last_received = records.iter().map(|r| r.received_s).fold(0.0, f64::max);
    let first_finished = records
        .iter()
        .filter_map(|r| r.last_frame_written_s)
        .fold(f64::INFINITY, f64::min);
    assert!(last_received < first_finished, "{records:?}");
    let stats = emulator.connection_stats();
    assert_eq!(
        (stats.accepted, stats.open, stats.http2),
        (1, 1, 1),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quota_counts_streams_not_connections() {
    const LIMIT: usize = 3;
    const EXTRA: usize = 4;
    let mut config = config();
    config
        .profiles
        .apply_overrides(
            &format!(r#"{{"models": {{"amazon.nova-micro-v1:0": {{"max_in_flight": {LIMIT}}}}}}}"#),
            "quota",
        )
        .expect("applies");
    let emulator = start(config);
    let addr = emulator.addr();
    let (sender, _connection) = connect_h2(addr).await;
    let calls: Vec<_> = (0..LIMIT + EXTRA)
        .map(|_| {
            let mut sender = sender.clone();
            tokio::spawn(async move {
                exchange(
                    &mut sender,
                    converse_request(addr, SLOW_MODEL_PATH, valid_body(50)),
                )
                .await
                .0
                .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.expect("the call's task"));
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((ok, throttled), (LIMIT, EXTRA), "{statuses:?}");
    assert_eq!(emulator.connection_stats().accepted, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_h2_connection_gets_a_goaway_after_the_idle_timeout_never_mid_stream() {
    let idle = Duration::from_millis(500);
    let emulator = start(EmulatorConfig {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: idle,
        ..config()
    });
    let addr = emulator.addr();
    let (mut sender, connection) = connect_h2(addr).await;
    // A stream of about 1.8 s, with no byte for its first 0.8 s: longer
    // than both timeouts.
    let (response, body) = exchange(
        &mut sender,
        converse_request(addr, SLOW_MODEL_PATH, valid_body(50)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(event_types(&body).len(), 14);
    let ended = Instant::now();
    assert_eq!(emulator.connection_stats().closed_idle, 0);

    // Then idle: closed after the idle timeout, not the header one (the
    // client's window updates after the stream start none), with a GOAWAY
    // (the client's connection ends cleanly, not with a reset).
    let closed = tokio::time::timeout(Duration::from_secs(5), connection)
        .await
        .expect("closed within 5 s")
        .expect("the connection task");
    let after = ended.elapsed();
    assert!(closed.is_ok(), "{closed:?}");
    assert!(
        after >= idle - Duration::from_millis(50) && after < Duration::from_secs(3),
        "closed {after:?} after the stream"
    );
    // The server counts the connection closed when its task ends, which
    // may be a moment after the client saw the end: wait (bounded) for it.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut stats = emulator.connection_stats();
    while stats.open != 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
        stats = emulator.connection_stats();
    }
    assert_eq!(
        (stats.closed_idle, stats.closed_header_timeout, stats.open),
        (1, 0, 0),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_limit_a_busy_h2_connection_is_waited_for_then_makes_room() {
    let long = Duration::from_secs(30);
    let emulator = start(EmulatorConfig {
        header_read_timeout: long,
        idle_timeout: long,
        max_connections: 1,
        ..config()
    });
    let addr = emulator.addr();
    let (mut sender, connection) = connect_h2(addr).await;
    let started = Instant::now();
    let stream = exchange(
        &mut sender,
        converse_request(addr, SLOW_MODEL_PATH, valid_body(50)),
    );
    // An HTTP/1.1 client arrives while the one slot carries a stream.
    let newcomer = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let answered = send(
            addr,
            &RawRequest::converse_stream(FAST_MODEL_PATH, valid_body(50)),
        )
        .await
        .expect("answered");
        (answered, started.elapsed())
    };
    let ((response, body), (answered, answered_after)) = tokio::join!(stream, newcomer);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(event_types(&body).len(), 14, "the stream was not cut");
    assert_eq!(answered.status, 200);
    assert!(
        answered_after >= Duration::from_millis(1500),
        "the newcomer was served after {answered_after:?}, before the stream's end"
    );
    let closed = tokio::time::timeout(Duration::from_secs(5), connection)
        .await
        .expect("the idle HTTP/2 connection gave way")
        .expect("the connection task");
    assert!(closed.is_ok(), "a GOAWAY, not a reset: {closed:?}");
    let stats = emulator.connection_stats();
    assert_eq!(
        (stats.closed_for_room, stats.deferred_at_limit, stats.http2),
        (1, 1, 1),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_body_carries_no_connection_header_and_the_connection_lives_on() {
    let emulator = start(EmulatorConfig {
        max_body_bytes: 1000,
        ..config()
    });
    let addr = emulator.addr();
    let (mut sender, connection) = connect_h2(addr).await;
    let (response, _) = exchange(
        &mut sender,
        converse_request(addr, FAST_MODEL_PATH, "x".repeat(5000)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.headers().get("connection").is_none());
    let (response, body) = exchange(
        &mut sender,
        converse_request(addr, FAST_MODEL_PATH, valid_body(50)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(event_types(&body).len(), 7);
    assert!(!connection.is_finished());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_in_flight_finishes_across_a_stop() {
    let emulator = start(EmulatorConfig {
        shutdown_grace: Duration::from_secs(10),
        ..config()
    });
    let addr = emulator.addr();
    let (mut sender, connection) = connect_h2(addr).await;
    let stream = exchange(
        &mut sender,
        converse_request(addr, SLOW_MODEL_PATH, valid_body(50)),
    );
    let stop = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        tokio::task::spawn_blocking(move || emulator.shutdown())
            .await
            .expect("shutdown")
    };
    let ((response, body), lost) = tokio::join!(stream, stop);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(event_types(&body).len(), 14, "the stream was not cut");
    assert_eq!(lost.records_lost, 0);
    let closed = tokio::time::timeout(Duration::from_secs(5), connection)
        .await
        .expect("closed after the stop")
        .expect("the connection task");
    assert!(closed.is_ok(), "a GOAWAY, not a reset: {closed:?}");
}
