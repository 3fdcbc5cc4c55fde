//! Connection hardening: the header read timeout (silent clients, half-sent
//! and trickled heads), the idle keep-alive timeout (which never cuts a
//! stream in flight), and the connection limit (idle connections make room;
//! a stream in flight is never cut, new clients wait for it instead), with
//! the counts in `GET /_emulator/stats`.

use crate::common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bedrock_emulator::{Emulator, EmulatorConfig, ProfileSet};
use common::raw_http::{RawConnection, RawRequest, RawResponse, send, valid_body};
use common::sdk::{Ask, converse};
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Nova Micro streams 10 one-token deltas, the first at 0.8 s and then
/// every 0.1 s: about 1.8 s, with no byte for the first 0.8 s. Every other
/// model answers 6 tokens at once.
const SLOW_MODEL_PATH: &str = "us.amazon.nova-micro-v1%3A0";

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

fn emulator(header: Duration, idle: Duration, max_connections: usize) -> Arc<Emulator> {
    let config = EmulatorConfig {
        seed: Some(11),
        profiles: profiles(),
        header_read_timeout: header,
        idle_timeout: idle,
        max_connections,
        shutdown_grace: Duration::from_millis(200),
        ..EmulatorConfig::default()
    };
    Arc::new(Emulator::start(config).expect("emulator binds 127.0.0.1:0"))
}

fn stats_request() -> RawRequest {
    RawRequest {
        method: "GET".into(),
        path: "/_emulator/stats".into(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

fn slow_stream_request() -> RawRequest {
    RawRequest::converse_stream(SLOW_MODEL_PATH, valid_body(50))
}

/// Connect, write `head`, then, if `trickle` is given, one more header byte
/// at that interval. How long after starting to connect the server closed
/// the connection; `None` if it did not within `limit`. Panics if the
/// server answers.
async fn closed_after(
    addr: SocketAddr,
    head: &[u8],
    trickle: Option<Duration>,
    limit: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    if !head.is_empty() {
        stream.write_all(head).await.expect("writes the head");
    }
    let mut byte = [0u8; 1];
    while started.elapsed() < limit {
        let wait = trickle.unwrap_or(limit);
        match tokio::time::timeout(wait, stream.read(&mut byte)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => panic!("the server answered a request it never got whole"),
            Err(_) if trickle.is_some() => {
                // A peer that already closed may refuse the byte; the next
                // read tells.
                let _ = stream.write_all(b"a").await;
            }
            Err(_) => {}
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_do_not_finish_a_head_are_closed_after_the_header_timeout() {
    let header = Duration::from_millis(400);
    let emulator = emulator(header, Duration::from_secs(30), 64);
    let addr = emulator.addr();
    let half_head = b"POST /model/us.amazon.nova-pro-v1%3A0/converse-stream HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer t\r\n";
    let trickled = b"GET /_emulator/stats HTTP/1.1\r\nx-slow: ";
    let limit = Duration::from_secs(5);
    let (silent, half, trickle) = tokio::join!(
        closed_after(addr, b"", None, limit),
        closed_after(addr, half_head, None, limit),
        closed_after(addr, trickled, Some(Duration::from_millis(50)), limit),
    );
    for (name, closed) in [
        ("silent", silent),
        ("half head", half),
        ("trickle", trickle),
    ] {
        let closed = closed.unwrap_or_else(|| panic!("{name}: still open after {limit:?}"));
        assert!(
            closed >= header.mul_f64(0.9) && closed < header + Duration::from_secs(3),
            "{name}: closed after {closed:?}, header timeout {header:?}"
        );
    }

    let stats = send(addr, &stats_request()).await.expect("stats").json();
    assert_eq!(stats["connections_closed_header_timeout"], 3, "{stats}");
    assert_eq!(stats["connections_closed_idle"], 0, "{stats}");
    assert_eq!(stats["connections_accepted"], 4, "{stats}");
    assert_eq!(stats["connections_open"], 1, "the stats request's: {stats}");
    assert_eq!(stats["header_read_timeout_s"], 0.4, "{stats}");
    assert_eq!(stats["idle_timeout_s"], 30.0, "{stats}");
    assert_eq!(stats["max_connections"], 64, "{stats}");
    assert!(emulator.ground_truth().is_empty(), "no request, no record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_alive_connections_wait_for_the_idle_timeout_and_new_bytes_for_the_header_one() {
    let header = Duration::from_millis(300);
    let idle = Duration::from_millis(1500);
    let emulator = emulator(header, idle, 64);
    let addr = emulator.addr();

    let idle_connection = async {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        let answered = connection.send(&stats_request()).await.expect("stats");
        assert_eq!(answered.status, 200);
        // Well past the header timeout: idle, not reading a head.
        assert!(
            !connection
                .closed_within(header + Duration::from_millis(700))
                .await,
            "an idle connection was closed by the header timeout"
        );
        assert!(
            connection.closed_within(Duration::from_secs(5)).await,
            "an idle connection outlived the idle timeout by 5 s"
        );
    };
    let half_head_after_idle = async {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        let answered = connection.send(&stats_request()).await.expect("stats");
        assert_eq!(answered.status, 200);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        connection
            .write(b"GET /_emulator/stats HTTP/1.1\r\nhost: x\r\n")
            .await
            .expect("writes half a head");
        assert!(
            connection.closed_within(Duration::from_secs(5)).await,
            "a half-sent second head was never timed out"
        );
        assert!(
            sent.elapsed() >= header.mul_f64(0.9),
            "{:?}",
            sent.elapsed()
        );
    };
    tokio::join!(idle_connection, half_head_after_idle);

    let stats = emulator.connection_stats();
    assert_eq!(stats.closed_idle, 1, "{stats:?}");
    assert_eq!(stats.closed_header_timeout, 1, "{stats:?}");
    assert_eq!(stats.open, 0, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_timeout_never_cuts_a_stream_in_flight() {
    // Idle and header timeouts far shorter than the stream, and than its
    // 0.8 s without a byte before the first delta.
    let short = Duration::from_millis(200);
    let emulator = emulator(short, short, 64);
    let addr = emulator.addr();

    let stream = async {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        let response = connection
            .send(&slow_stream_request())
            .await
            .expect("the whole stream");
        assert_eq!(response.status, 200);
        response
    };
    let bystander = async {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        connection.send(&stats_request()).await.expect("stats");
        connection.closed_within(Duration::from_secs(3)).await
    };
    let started = Instant::now();
    let (response, bystander_closed) = tokio::join!(stream, bystander);
    assert!(bystander_closed, "the idle bystander was not closed");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "the stream took {:?}, not about 1.8 s",
        started.elapsed()
    );
    let id = response.header("x-amzn-requestid").expect("request id");
    let record = ground_truth_for(&emulator, id);
    assert_eq!(record.outcome, "complete", "{record:?}");
    assert_eq!(record.deltas_written, 10, "{record:?}");
    assert!(emulator.connection_stats().closed_idle >= 1);
}

/// Open `count` connections that send nothing and `count` that make one
/// request and stay open, in that order; they stay open while held.
async fn hold_idle_connections(addr: SocketAddr, count: usize) -> Vec<RawConnection> {
    let mut held = Vec::new();
    for _ in 0..count {
        held.push(RawConnection::connect(addr).await.expect("connects"));
    }
    for _ in 0..count {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        let answered = connection.send(&stats_request()).await.expect("stats");
        assert_eq!(answered.status, 200);
        held.push(connection);
    }
    held
}

async fn wait_for_open(emulator: &Emulator, open: u64) {
    for _ in 0..250 {
        if emulator.connection_stats().open == open {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "never {open} connections open: {:?}",
        emulator.connection_stats()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_limit_idle_connections_make_room_for_new_clients() {
    let long = Duration::from_secs(30);
    let emulator = emulator(long, long, 8);
    let addr = emulator.addr();
    let mut held = hold_idle_connections(addr, 4).await;
    wait_for_open(&emulator, 8).await;

    // A raw HTTP client is served promptly, far within any timeout; it
    // keeps its connection, so that the SDK meets the limit too.
    let started = Instant::now();
    let mut raw = RawConnection::connect(addr).await.expect("connects");
    let answered = tokio::time::timeout(
        Duration::from_secs(5),
        raw.send(&RawRequest::converse_stream(
            "us.amazon.nova-pro-v1%3A0",
            valid_body(6),
        )),
    )
    .await
    .expect("served within 5 s at the limit")
    .expect("answered");
    assert_eq!(answered.status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    held.push(raw);

    // So is the SDK.
    let client = client_for(&emulator);
    let streamed = tokio::time::timeout(
        Duration::from_secs(10),
        converse(&client, &Ask::new(NOVA_PRO, 6)),
    )
    .await
    .expect("the SDK is served within 10 s at the limit");
    assert!(streamed.error.is_none(), "{:?}", streamed.error);

    let stats = emulator.connection_stats();
    assert!(stats.open <= 8, "{stats:?}");
    assert!(stats.closed_for_room >= 2, "{stats:?}");
    assert!(stats.deferred_at_limit >= 2, "{stats:?}");
    assert_eq!(
        stats.closed_idle + stats.closed_header_timeout,
        0,
        "{stats:?}"
    );
    // The silent connections were idle longest: the first to give way.
    assert!(
        held[0].closed_within(Duration::from_secs(1)).await,
        "the connection idle longest is still open"
    );
    let json = send(addr, &stats_request()).await.expect("stats").json();
    assert!(
        json["connections_closed_for_room"].as_u64() >= Some(2),
        "{json}"
    );
    assert!(
        json["connections_deferred_at_limit"].as_u64() >= Some(2),
        "{json}"
    );
    held.clear();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_limit_a_stream_in_flight_is_never_cut_and_a_new_client_waits_for_it() {
    let long = Duration::from_secs(30);
    let emulator = emulator(long, long, 1);
    let addr = emulator.addr();
    let started = Instant::now();
    // The stream's client keeps its connection: only making room frees it.
    let stream = async {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        let response = connection
            .send(&slow_stream_request())
            .await
            .expect("the whole stream");
        (response, started.elapsed(), connection)
    };
    let waiting = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let response: RawResponse =
            tokio::time::timeout(Duration::from_secs(10), send(addr, &stats_request()))
                .await
                .expect("served once the stream ended")
                .expect("stats");
        (response, started.elapsed())
    };
    let ((streamed, stream_done, mut kept), (stats, stats_done)) = tokio::join!(stream, waiting);
    assert_eq!(streamed.status, 200);
    let id = streamed.header("x-amzn-requestid").expect("request id");
    let record = ground_truth_for(&emulator, id);
    assert_eq!(record.outcome, "complete", "{record:?}");
    assert_eq!(record.deltas_written, 10, "{record:?}");
    assert_eq!(stats.status, 200);
    // The stream ends at about 1.8 s; the second client could not be
    // served before it (0.5 s of margin for the last frame's flight).
    assert!(
        stream_done >= Duration::from_millis(1500),
        "{stream_done:?}"
    );
    assert!(
        stats_done + Duration::from_millis(500) >= stream_done,
        "served at {stats_done:?}, before the stream ended at {stream_done:?}"
    );
    let counts = emulator.connection_stats();
    assert!(counts.deferred_at_limit >= 1, "{counts:?}");
    assert_eq!(
        counts.closed_for_room, 1,
        "the stream's kept-alive connection gave way: {counts:?}"
    );
    assert!(kept.closed_within(Duration::from_secs(1)).await);
}
