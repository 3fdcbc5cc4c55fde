//! Errors the SDK cannot provoke (it always signs and sends valid JSON),
//! sent as raw HTTP/1.1: each gets Bedrock's error shape, a request id, and
//! the connection stays usable.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use bedrock_emulator::{Emulator, EmulatorConfig};
use common::raw_http::{RawConnection, RawRequest, RawResponse, send, valid_body};
use common::*;

const NOVA_PRO_PATH: &str = "us.amazon.nova-pro-v1%3A0";
const BODY_LIMIT: usize = 2048;

fn emulator() -> Arc<Emulator> {
    let profile = fixed_profile(0.005, 2000.0, 2, 6);
    let config = EmulatorConfig {
        time_scale: 1.0,
        seed: Some(3),
        profiles: uniform(fixed_model(profile.clone(), profile)),
        max_body_bytes: BODY_LIMIT,
        shutdown_grace: Duration::from_millis(200),
        ..EmulatorConfig::default()
    };
    Arc::new(Emulator::start(config).expect("emulator binds 127.0.0.1:0"))
}

/// Assert Bedrock's error shape and return the message.
fn assert_error(response: &RawResponse, status: u16, error_type: &str) -> String {
    let body = String::from_utf8_lossy(&response.body);
    assert_eq!(response.status, status, "{body}");
    let header = response
        .header("x-amzn-errortype")
        .expect("x-amzn-ErrorType");
    assert!(
        header.starts_with(&format!("{error_type}:")),
        "x-amzn-ErrorType {header:?}, expected {error_type}:..."
    );
    assert!(
        response
            .header("x-amzn-requestid")
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(response.header("content-type"), Some("application/json"));
    let json = response.json();
    let object = json.as_object().expect("the error body is a JSON object");
    let message = object["message"].as_str().expect("`message` is a string");
    assert!(!message.is_empty());
    message.to_string()
}

/// Send `request` on a fresh connection, then a valid request on the same
/// connection (unless the server announced it closes): the connection must
/// survive the error.
async fn send_then_reuse(emulator: &Emulator, request: &RawRequest) -> RawResponse {
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    let response = connection.send(request).await.expect("a complete response");
    if !response.closes() {
        let valid = RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4));
        let next = connection
            .send(&valid)
            .await
            .expect("the connection still serves after an error");
        assert_eq!(next.status, 200, "{}", String::from_utf8_lossy(&next.body));
    }
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_authorization_is_access_denied() {
    let emulator = emulator();
    let request =
        RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4)).without_header("authorization");
    let response = send_then_reuse(&emulator, &request).await;
    let message = assert_error(&response, 403, "AccessDeniedException");
    assert!(message.contains("Authorization"), "{message}");

    let basic = RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4))
        .with_header("authorization", "Basic dXNlcjpwYXNz");
    assert_error(
        &send_then_reuse(&emulator, &basic).await,
        403,
        "AccessDeniedException",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_tokens_and_sigv4_headers_are_accepted() {
    let emulator = emulator();
    let bearer = RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4));
    let response = send(emulator.addr(), &bearer).await.expect("response");
    assert_eq!(response.status, 200);
    assert!(response.header("x-amzn-requestid").is_some());
    assert_eq!(
        response.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    let sigv4 = bearer.with_header(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-2/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
    );
    assert_eq!(
        send(emulator.addr(), &sigv4)
            .await
            .expect("response")
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_validation_exceptions() {
    let emulator = emulator();
    let user = r#"[{"role":"user","content":[{"text":"hi"}]}]"#;
    let cases = [
        ("not json at all".to_string(), "not valid JSON"),
        ("".to_string(), "not valid JSON"),
        (r#"["messages"]"#.to_string(), "JSON object"),
        (r#"{"system":[{"text":"x"}]}"#.to_string(), "'messages'"),
        (r#"{"messages":null}"#.to_string(), "'messages'"),
        (r#"{"messages":[]}"#.to_string(), "user message"),
        (r#"{"messages":"hi"}"#.to_string(), "'messages'"),
        (
            format!(r#"{{"messages":{user},"performanceConfig":{{"latency":"fast"}}}}"#),
            "performanceConfig.latency",
        ),
        (
            format!(r#"{{"messages":{user},"performanceConfig":{{"latency":1}}}}"#),
            "performanceConfig.latency",
        ),
        (
            format!(r#"{{"messages":{user},"inferenceConfig":{{"maxTokens":2.5}}}}"#),
            "maxTokens",
        ),
        (
            format!(r#"{{"messages":{user},"inferenceConfig":{{"topP":"high"}}}}"#),
            "topP",
        ),
    ];
    for (body, needle) in cases {
        let request = RawRequest::converse_stream(NOVA_PRO_PATH, body.clone());
        let response = send_then_reuse(&emulator, &request).await;
        let message = assert_error(&response, 400, "ValidationException");
        assert!(message.contains(needle), "{body}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_refused() {
    let emulator = emulator();
    let padding = "x".repeat(BODY_LIMIT * 2);
    let body = format!(r#"{{"messages":[{{"role":"user","content":[{{"text":"{padding}"}}]}}]}}"#);
    let request = RawRequest::converse_stream(NOVA_PRO_PATH, body);
    let response = send_then_reuse(&emulator, &request).await;
    let message = assert_error(&response, 413, "ValidationException");
    assert!(message.contains(&BODY_LIMIT.to_string()), "{message}");

    // A body just under the limit is fine.
    let text = "y".repeat(BODY_LIMIT - 200);
    let body = format!(r#"{{"messages":[{{"role":"user","content":[{{"text":"{text}"}}]}}]}}"#);
    assert!(body.len() < BODY_LIMIT);
    let request = RawRequest::converse_stream(NOVA_PRO_PATH, body);
    assert_eq!(
        send(emulator.addr(), &request)
            .await
            .expect("response")
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_over_the_limit_is_refused() {
    // No content-length to check up front: the limit applies while reading.
    let emulator = emulator();
    let chunk = "z".repeat(1000);
    let mut bytes = format!(
        "POST /model/{NOVA_PRO_PATH}/converse-stream HTTP/1.1\r\nhost: x\r\nauthorization: Bearer t\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..4 {
        bytes.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    let response = connection
        .send_bytes(&bytes)
        .await
        .expect("a complete response");
    assert_error(&response, 413, "ValidationException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_paths_and_methods_are_unknown_operations() {
    let emulator = emulator();
    let valid = RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4));
    let mut cases = Vec::new();
    for path in [
        "/",
        "/model/us.amazon.nova-pro-v1%3A0/converse/extra",
        "/model/us.amazon.nova-pro-v1%3A0/invoke-with-response-stream/extra",
        "/model/us.amazon.nova-pro-v1%3A0/apply-guardrail",
        "/model//converse-stream",
        "/models/x/converse-stream",
        "/model/us.amazon.nova-pro-v1%3A0/converse-stream/extra",
    ] {
        cases.push(RawRequest {
            path: path.into(),
            ..valid.clone()
        });
    }
    for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        cases.push(RawRequest {
            method: method.into(),
            ..valid.clone()
        });
    }
    for request in cases {
        let response = send_then_reuse(&emulator, &request).await;
        let what = format!("{} {}", request.method, request.path);
        assert_eq!(response.status, 404, "{what}");
        let message = assert_error(&response, 404, "UnknownOperationException");
        assert!(!message.is_empty(), "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_models_and_bad_ids_are_validation_exceptions() {
    let emulator = emulator();
    for path in ["us.example.nothing-v1%3A0", "%FF%FE", "nova"] {
        let request = RawRequest::converse_stream(path, valid_body(4));
        let response = send_then_reuse(&emulator, &request).await;
        assert_error(&response, 400, "ValidationException");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_has_a_distinct_request_id_in_the_ground_truth() {
    let emulator = emulator();
    let requests = [
        RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4)),
        RawRequest::converse_stream(NOVA_PRO_PATH, "{}"),
        RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4)).without_header("authorization"),
        RawRequest {
            path: "/nowhere".into(),
            ..RawRequest::converse_stream(NOVA_PRO_PATH, "")
        },
    ];
    let mut ids = Vec::new();
    for request in &requests {
        let response = send(emulator.addr(), request).await.expect("response");
        ids.push(
            response
                .header("x-amzn-requestid")
                .expect("x-amzn-RequestId")
                .to_string(),
        );
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for id in &ids {
        let truth = ground_truth_for(&emulator, id);
        assert!(truth.http_status == 200 || !truth.outcome.is_empty());
    }
    let statuses: Vec<u16> = ids
        .iter()
        .map(|id| ground_truth_for(&emulator, id).http_status)
        .collect();
    assert_eq!(statuses, [200, 400, 403, 404]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_body_over_the_limit_still_gets_its_answer() {
    // Far more than the socket buffers hold: the client is still writing
    // when the emulator decides; it must read the 413, not a reset.
    let emulator = emulator();
    let body = vec![b'a'; 4 * 1024 * 1024];
    let request = RawRequest::converse_stream(NOVA_PRO_PATH, body);
    let response = send(emulator.addr(), &request)
        .await
        .expect("a complete response");
    assert_error(&response, 413, "ValidationException");

    // The same holds for the errors decided before the body matters.
    let unsigned = request.clone().without_header("authorization");
    let response = send(emulator.addr(), &unsigned)
        .await
        .expect("a complete response");
    assert_error(&response, 403, "AccessDeniedException");
    let elsewhere = RawRequest {
        path: "/model/x/embed".into(),
        ..request
    };
    let response = send(emulator.addr(), &elsewhere)
        .await
        .expect("a complete response");
    assert_error(&response, 404, "UnknownOperationException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_100_continue_is_honoured() {
    let emulator = emulator();
    // A valid request: 100 Continue, then the body, then the stream.
    let request = RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4))
        .with_header("expect", "100-continue");
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    connection.write(&request.head()).await.expect("writes");
    let interim = connection
        .read_interim_or_final()
        .await
        .expect("an interim answer");
    assert_eq!(interim.status, 100);
    connection.write(&request.body).await.expect("writes");
    let response = connection.read_response().await.expect("the answer");
    assert_eq!(response.status, 200);

    // Over the limit: refused at once, and the body is never asked for.
    let big = RawRequest::converse_stream(NOVA_PRO_PATH, vec![b'a'; BODY_LIMIT * 10])
        .with_header("expect", "100-continue");
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    connection.write(&big.head()).await.expect("writes");
    let response = connection
        .read_interim_or_final()
        .await
        .expect("the answer");
    assert_error(&response, 413, "ValidationException");
    assert!(response.closes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_are_answered_in_order() {
    let emulator = emulator();
    let mut bytes = RawRequest::converse_stream(NOVA_PRO_PATH, "{}").to_bytes();
    bytes.extend(RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4)).to_bytes());
    bytes.extend(
        RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(4))
            .without_header("authorization")
            .to_bytes(),
    );
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .expect("connects");
    connection.write(&bytes).await.expect("writes");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(connection.read_response().await.expect("an answer").status);
    }
    assert_eq!(statuses, [400, 200, 403]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stats_route_reports_frame_lateness_and_can_reset() {
    let emulator = emulator();
    let ok = send(
        emulator.addr(),
        &RawRequest::converse_stream(NOVA_PRO_PATH, valid_body(6)),
    )
    .await
    .expect("stream");
    assert_eq!(ok.status, 200);
    let stats_request = RawRequest {
        method: "GET".into(),
        path: "/_emulator/stats?reset=1".into(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let stats = send(emulator.addr(), &stats_request).await.expect("stats");
    assert_eq!(stats.status, 200, "no credentials needed");
    let json = stats.json();
    // messageStart, 3 deltas of 2 tokens, contentBlockStop, messageStop, metadata.
    assert_eq!(json["frames"], 7, "{json}");
    assert!(json["lateness_us"]["max"].as_u64().is_some());
    let after = send(emulator.addr(), &stats_request)
        .await
        .expect("stats")
        .json();
    assert_eq!(after["frames"], 0, "reset zeroed the counters");
}
