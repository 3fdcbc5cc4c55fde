//! Slow and unfinished uploads cannot starve or bloat the emulator: a
//! request body not complete within the body read timeout is answered 408
//! (HTTP/1.1: and its connection closed, freeing its slot; HTTP/2: its
//! stream answered), so normal calls get served while 20 uploads stall;
//! and the request-body bytes held over all connections never pass the
//! buffer limit (a body that would is refused with 503 and its bytes
//! released). Both are counted in `GET /_emulator/stats`.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bedrock_emulator::{Emulator, EmulatorConfig};
use common::raw_h2::RawH2;
use common::raw_http::{RawConnection, RawRequest, send};
use common::sdk::{Ask, converse};
use common::*;

/// The body read timeout of these tests.
const BODY_TIMEOUT: Duration = Duration::from_secs(1);
/// Stalled uploads, more than the connection limit.
const STALLED: usize = 20;
/// The connection limit the red team found held by stalled uploads.
const MAX_CONNECTIONS: usize = 16;
/// Scheduling on two loaded cores: how late an answer may be.
const MARGIN: Duration = Duration::from_secs(3);

fn emulator(body_timeout: Duration, max_buffered: usize) -> Arc<Emulator> {
    let fast = fixed_profile(0.005, 2000.0, 2, 6);
    Arc::new(
        Emulator::start(EmulatorConfig {
            seed: Some(5),
            profiles: uniform(fixed_model(fast.clone(), fast)),
            max_connections: MAX_CONNECTIONS,
            body_read_timeout: body_timeout,
            max_buffered_body_bytes: max_buffered,
            shutdown_grace: Duration::from_millis(200),
            ..EmulatorConfig::default()
        })
        .expect("emulator binds 127.0.0.1:0"),
    )
}

/// A normal SDK call, which must be served within `limit`.
async fn normal_call_is_served(emulator: &Emulator, limit: Duration) -> Duration {
    let client = client_for(emulator);
    let started = Instant::now();
    let streamed = tokio::time::timeout(limit, converse(&client, &Ask::new(NOVA_PRO, 4)))
        .await
        .expect("a normal call is served while uploads stall");
    assert!(streamed.error.is_none(), "{:?}", streamed.error);
    assert_eq!(streamed.stop_reason.as_deref(), Some("max_tokens"));
    started.elapsed()
}

/// Poll `done` every 10 ms for at most 5 s.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_http1_uploads_are_answered_408_and_closed_after_the_body_timeout() {
    let emulator = emulator(BODY_TIMEOUT, 64 * 1024 * 1024);
    let addr = emulator.addr();
    // Each sends its head and 10 of the 1,000 body bytes it declares, then
    // nothing more.
    let request = RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", vec![b'{'; 1000]);
    let head = request.head();
    let mut stalled = Vec::new();
    for _ in 0..STALLED {
        let mut connection = RawConnection::connect(addr).await.expect("connects");
        connection.write(&head).await.expect("writes the head");
        connection
            .write(&[b' '; 10])
            .await
            .expect("writes 10 bytes");
        stalled.push((connection, Instant::now()));
    }
    let waiters: Vec<_> = stalled
        .into_iter()
        .map(|(mut connection, sent)| {
            tokio::spawn(async move {
                let response = connection.read_response().await.expect("an answer");
                let answered = sent.elapsed();
                let closed = connection.closed_within(Duration::from_secs(2)).await;
                (response, answered, closed)
            })
        })
        .collect();

    // 16 stalled uploads hold every slot; the timeout frees them, and the
    // normal call (queued behind the last 4) is served.
    let took = normal_call_is_served(&emulator, 2 * BODY_TIMEOUT + MARGIN).await;
    assert!(took < 2 * BODY_TIMEOUT + MARGIN, "{took:?}");

    for waiter in waiters {
        let (response, answered, closed) = waiter.await.expect("the waiter");
        assert_eq!(
            response.status,
            408,
            "{:?}",
            String::from_utf8_lossy(&response.body)
        );
        assert!(
            response
                .header("x-amzn-errortype")
                .is_some_and(|t| t.starts_with("RequestTimeoutException:")),
            "{:?}",
            response.headers
        );
        assert!(response.closes(), "{:?}", response.headers);
        let message = response.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains("--body-timeout"), "{message}");
        assert!(closed, "the connection is closed after the 408");
        // Not before the timeout (from the head's arrival, which is after
        // this client's write), and not long after it: the last four waited
        // for a slot first.
        assert!(
            answered >= BODY_TIMEOUT - Duration::from_millis(20),
            "{answered:?}"
        );
        assert!(answered < 2 * BODY_TIMEOUT + MARGIN, "{answered:?}");
    }
    eventually("all 20 timeouts counted", || {
        emulator.body_stats().timed_out == STALLED as u64
    })
    .await;
    let timed_out: Vec<_> = emulator
        .ground_truth()
        .into_iter()
        .filter(|t| t.faults == ["body_read_timeout"])
        .collect();
    assert_eq!(timed_out.len(), STALLED);
    assert!(
        timed_out
            .iter()
            .all(|t| t.http_status == 408 && t.outcome == "RequestTimeoutException")
    );
    let stats = send(
        addr,
        &RawRequest {
            method: "GET".into(),
            path: "/_emulator/stats".into(),
            headers: Vec::new(),
            body: Vec::new(),
        },
    )
    .await
    .expect("stats")
    .json();
    assert_eq!(stats["request_bodies_timed_out"], STALLED as u64, "{stats}");
    assert_eq!(stats["body_read_timeout_s"], 1.0, "{stats}");
    assert_eq!(stats["request_body_bytes_buffered"], 0, "{stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_h2c_uploads_are_answered_after_the_body_timeout() {
    let emulator = emulator(BODY_TIMEOUT, 64 * 1024 * 1024);
    let addr = emulator.addr();
    // 20 HTTP/2 connections, each opening one stream with the connection
    // (no wait for the server's SETTINGS) that sends 10 of its 1,000
    // bytes. The last 4 wait in the listen queue for a slot.
    let mut uploads = Vec::new();
    for _ in 0..STALLED {
        let h2 = RawH2::connect_with_stalled_stream(
            addr,
            "us.amazon.nova-pro-v1%3A0",
            1000,
            &[b' '; 10],
        )
        .await
        .expect("an HTTP/2 connection");
        uploads.push((h2, Instant::now()));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    let took = normal_call_is_served(&emulator, 2 * BODY_TIMEOUT + MARGIN).await;
    assert!(took < 2 * BODY_TIMEOUT + MARGIN, "{took:?}");

    for (h2, opened) in uploads {
        h2.wait_for(2 * BODY_TIMEOUT + MARGIN, |_| h2.answered_at(1).is_some())
            .await
            .expect("the stalled stream is answered");
        let answered = h2.answered_at(1).expect("answered").duration_since(opened);
        assert!(
            answered >= BODY_TIMEOUT - Duration::from_millis(20),
            "{answered:?}"
        );
        assert!(answered < 2 * BODY_TIMEOUT + MARGIN, "{answered:?}");
        h2.wait_for(MARGIN, |_| !h2.body_of(1).is_empty())
            .await
            .expect("the answer's body");
        let body: serde_json::Value =
            serde_json::from_slice(&h2.body_of(1)).expect("a JSON error body");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("--body-timeout")),
            "{body}"
        );
    }
    eventually("all 20 timeouts counted", || {
        emulator.body_stats().timed_out == STALLED as u64
    })
    .await;
    assert_eq!(
        emulator
            .ground_truth()
            .iter()
            .filter(|t| t.http_status == 408 && t.faults == ["body_read_timeout"])
            .count(),
        STALLED
    );
    assert!(emulator.connection_stats().http2 >= STALLED as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_h2_bodies_cannot_buffer_more_than_the_limit() {
    const LIMIT: usize = 1024 * 1024;
    const STREAMS: u32 = 40;
    const SENT: usize = 64 * 1024;
    // A long timeout: nothing here is released by it.
    let emulator = emulator(Duration::from_secs(60), LIMIT);
    let addr = emulator.addr();
    let h2 = RawH2::connect(addr).await.expect("an HTTP/2 connection");
    // 40 streams each send 64 KiB of the 100 KiB they declare: 2.5 MiB
    // offered against a 1 MiB buffer.
    let streams: Vec<u32> = (0..STREAMS).map(|i| 2 * i + 1).collect();
    for &stream in &streams {
        h2.open_stalled_stream(
            stream,
            "us.amazon.nova-pro-v1%3A0",
            100 * 1024,
            &[b' '; SENT],
        )
        .await
        .expect("opens a stream");
        let held = emulator.body_stats().buffered_bytes;
        assert!(held <= LIMIT as u64, "{held} bytes held, over the limit");
    }
    // Every stream that did not fit is refused at once; the others wait.
    let refused = |h2: &RawH2| {
        streams
            .iter()
            .filter(|s| h2.answered_at(**s).is_some())
            .count()
    };
    eventually("the refusals arrive", || {
        let stats = emulator.body_stats();
        stats.refused_buffer_full >= u64::from(STREAMS) - (LIMIT / SENT) as u64
            && refused(&h2) as u64 == stats.refused_buffer_full
    })
    .await;
    let stats = emulator.body_stats();
    assert!(stats.peak_buffered_bytes <= LIMIT as u64, "{stats:?}");
    assert!(stats.buffered_bytes <= LIMIT as u64, "{stats:?}");
    assert!(
        stats.buffered_bytes >= (LIMIT - SENT) as u64,
        "the waiting bodies fill the buffer: {stats:?}"
    );
    let first_refused = *streams
        .iter()
        .find(|s| h2.answered_at(**s).is_some())
        .expect("a refused stream");
    h2.wait_for(Duration::from_secs(5), |_| {
        !h2.body_of(first_refused).is_empty()
    })
    .await
    .expect("the refusal's body");
    let body: serde_json::Value =
        serde_json::from_slice(&h2.body_of(first_refused)).expect("a JSON error body");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("--max-buffered-body-mib")),
        "{body}"
    );

    // Over HTTP/1.1, a whole body that does not fit gets Bedrock's 503.
    let response = send(
        addr,
        &RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", vec![b' '; LIMIT]),
    )
    .await
    .expect("an answer");
    assert_eq!(response.status, 503);
    assert!(
        response
            .header("x-amzn-errortype")
            .is_some_and(|t| t.starts_with("ServiceUnavailableException:")),
        "{:?}",
        response.headers
    );
    assert!(response.closes());

    // The client goes away: every byte it held is released, and the
    // emulator serves again.
    drop(h2);
    eventually("the buffer is released", || {
        emulator.body_stats().buffered_bytes == 0
    })
    .await;
    let client = client_for(&emulator);
    let streamed = converse(&client, &Ask::new(NOVA_PRO, 6)).await;
    assert!(streamed.error.is_none(), "{:?}", streamed.error);
    let refusals = emulator
        .ground_truth()
        .into_iter()
        .filter(|t| t.faults == ["body_buffer_full"])
        .count() as u64;
    assert_eq!(refusals, emulator.body_stats().refused_buffer_full);
    let stats = send(
        addr,
        &RawRequest {
            method: "GET".into(),
            path: "/_emulator/stats".into(),
            headers: Vec::new(),
            body: Vec::new(),
        },
    )
    .await
    .expect("stats")
    .json();
    assert_eq!(
        stats["request_bodies_refused_buffer_full"], refusals,
        "{stats}"
    );
    assert_eq!(stats["max_buffered_body_bytes"], LIMIT as u64, "{stats}");
    assert!(
        stats["request_body_bytes_buffered_peak"]
            .as_u64()
            .unwrap_or(u64::MAX)
            <= LIMIT as u64,
        "{stats}"
    );
}
