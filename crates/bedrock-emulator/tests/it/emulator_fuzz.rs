//! Fuzzing the request path: whatever a client sends (random bytes, random
//! JSON, mutated valid requests, odd paths, methods and headers), the
//! emulator never panics and never drops the connection: every request
//! gets a complete, well-formed answer, and a valid request is still served
//! afterwards, on the same connection when it stays open.
//!
//! Each run draws new cases; a failure prints the smallest failing request.
//! `PROPTEST_CASES=20000` fuzzes longer, `PROPTEST_RNG_SEED=N` repeats a run.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use bedrock_emulator::{Emulator, EmulatorConfig, ProfileSet};
use common::frames::{header, split_frames};
use common::raw_http::{RawConnection, RawRequest, RawResponse, valid_body};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// Enough cases to exercise every branch, few enough to run in seconds.
const CASES: u32 = 160;

const MODELS: [&str; 6] = [
    "us.amazon.nova-pro-v1%3A0",
    "us.amazon.nova-micro-v1%3A0",
    "amazon.nova-pro-v1:0",
    "arn%3Aaws%3Abedrock%3Aus-east-2%3A123456789012%3Ainference-profile%2Fus.amazon.nova-pro-v1%3A0",
    "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.meta.llama3-1-70b-instruct-v1:0",
    "us.example.unknown-v1%3A0",
];

const FIELDS: [&str; 14] = [
    "messages",
    "role",
    "user",
    "assistant",
    "content",
    "text",
    "system",
    "inferenceConfig",
    "maxTokens",
    "temperature",
    "topP",
    "performanceConfig",
    "latency",
    "optimized",
];

/// JSON pointers into a valid request that mutations aim at.
const POINTERS: [&str; 12] = [
    "",
    "/messages",
    "/messages/0",
    "/messages/0/role",
    "/messages/0/content",
    "/messages/0/content/0",
    "/messages/0/content/0/text",
    "/inferenceConfig",
    "/inferenceConfig/maxTokens",
    "/inferenceConfig/temperature",
    "/inferenceConfig/topP",
    "/performanceConfig/latency",
];

/// Header names the fuzzer leaves alone: they frame the message or the
/// connection, so changing them tests the HTTP parser, not the emulator.
const FRAMING_HEADERS: [&str; 10] = [
    "content-length",
    "transfer-encoding",
    "host",
    "connection",
    "expect",
    "upgrade",
    "te",
    "trailer",
    "keep-alive",
    "authorization",
];

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_string),
        1 => "[a-zA-Z_]{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-3.0f64..3.0).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_string),
            Just("standard".to_string()),
            ".{0,16}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((json_key(), inner), 0..5)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A valid request with one thing broken.
fn mutated_valid_body() -> impl Strategy<Value = Vec<u8>> {
    (
        0..4u8,
        proptest::sample::select(POINTERS.to_vec()),
        json_value(),
        any::<prop::sample::Index>(),
        any::<u8>(),
    )
        .prop_map(|(kind, pointer, replacement, index, byte)| {
            let mut valid: Value = serde_json::from_str(&valid_body(20)).expect("valid JSON");
            valid["performanceConfig"] = serde_json::json!({"latency": "optimized"});
            match kind {
                0 => {
                    if let Some(slot) = valid.pointer_mut(pointer) {
                        *slot = replacement;
                    }
                    valid.to_string().into_bytes()
                }
                1 => {
                    if let Some((parent, key)) = pointer.rsplit_once('/')
                        && let Some(Value::Object(map)) = valid.pointer_mut(parent)
                    {
                        map.remove(key);
                    }
                    valid.to_string().into_bytes()
                }
                2 => {
                    let text = valid.to_string().into_bytes();
                    let cut = index.index(text.len());
                    text[..cut].to_vec()
                }
                _ => {
                    let mut text = valid.to_string().into_bytes();
                    let at = index.index(text.len());
                    text[at] = byte;
                    text
                }
            }
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        2 => json_value().prop_map(|v| v.to_string().into_bytes()),
        4 => mutated_valid_body(),
        1 => Just(valid_body(5).into_bytes()),
    ]
}

fn model_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(MODELS.to_vec()).prop_map(str::to_string),
        1 => "[A-Za-z0-9.:%_~-]{0,30}",
        1 => proptest::collection::vec(any::<u8>(), 1..20)
            .prop_map(|bytes| bytes.iter().map(|b| format!("%{b:02X}")).collect()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => model_segment().prop_map(|m| format!("/model/{m}/converse-stream")),
        1 => "/[A-Za-z0-9._~:%/-]{0,40}",
        1 => model_segment().prop_map(|m| format!("/model/{m}/converse-stream?x=1&y=%ZZ")),
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => Just("POST".to_string()),
        1 => proptest::sample::select(vec!["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
            .prop_map(str::to_string),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let authorization = prop_oneof![
        1 => Just(None),
        4 => Just(Some("Bearer fuzz-token".to_string())),
        2 => Just(Some(
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-2/bedrock/aws4_request, SignedHeaders=host, Signature=0"
                .to_string()
        )),
        1 => "[!-~][ -~]{0,40}".prop_map(Some),
    ];
    let extra = proptest::collection::vec(("[a-z][a-z0-9-]{0,15}", "[!-~][ -~]{0,30}[!-~]"), 0..4);
    (authorization, extra).prop_map(|(authorization, extra)| {
        let mut headers: Vec<(String, String)> = extra
            .into_iter()
            .filter(|(name, _)| !FRAMING_HEADERS.contains(&name.as_str()))
            .collect();
        if let Some(value) = authorization {
            headers.push(("authorization".into(), value));
        }
        headers
    })
}

fn request() -> impl Strategy<Value = RawRequest> {
    (method(), path(), headers(), body()).prop_map(|(method, path, headers, body)| RawRequest {
        method,
        path,
        headers,
        body,
    })
}

/// Check that `response` is a complete, well-formed Bedrock answer.
fn check_response(response: &RawResponse) -> Result<(), TestCaseError> {
    prop_assert_eq!(response.version.as_str(), "HTTP/1.1");
    let id = response.header("x-amzn-requestid").unwrap_or_default();
    prop_assert!(
        !id.is_empty(),
        "no x-amzn-RequestId: {:?}",
        response.headers
    );
    if response.status == 200 {
        prop_assert_eq!(
            response.header("content-type"),
            Some("application/vnd.amazon.eventstream")
        );
        let frames = split_frames(&response.body);
        prop_assert!(frames.len() >= 2, "{} frames", frames.len());
        prop_assert_eq!(header(&frames[0], ":event-type"), Some("messageStart"));
        let last = frames.last().expect("frames");
        let ended = header(last, ":event-type") == Some("metadata")
            || header(last, ":message-type") == Some("exception");
        prop_assert!(ended, "the stream ends with metadata or an exception");
    } else {
        prop_assert!(
            (400..600).contains(&response.status),
            "status {}",
            response.status
        );
        let error_type = response.header("x-amzn-errortype").unwrap_or_default();
        prop_assert!(
            error_type.contains("Exception:"),
            "x-amzn-ErrorType {:?}",
            error_type
        );
        prop_assert_eq!(response.header("content-type"), Some("application/json"));
        let json: Value = serde_json::from_slice(&response.body)
            .map_err(|e| TestCaseError::fail(format!("error body is not JSON: {e}")))?;
        prop_assert!(
            json.get("message").and_then(Value::as_str).is_some(),
            "no message in {}",
            json
        );
    }
    Ok(())
}

async fn one_case(emulator: &Emulator, request: &RawRequest) -> Result<u32, TestCaseError> {
    let io = |what: &str, e: std::io::Error| TestCaseError::fail(format!("{what}: {e}"));
    let mut connection = RawConnection::connect(emulator.addr())
        .await
        .map_err(|e| io("connect", e))?;
    let response = connection
        .send(request)
        .await
        .map_err(|e| io("the answer to the fuzzed request", e))?;
    check_response(&response)?;
    let mut requests = 1;
    // The connection must still serve, unless the emulator said it closes.
    let valid = RawRequest::converse_stream("us.amazon.nova-micro-v1%3A0", valid_body(3));
    if !response.closes() {
        let next = connection
            .send(&valid)
            .await
            .map_err(|e| io("a valid request on the same connection", e))?;
        prop_assert_eq!(next.status, 200);
        check_response(&next)?;
        requests += 1;
    }
    Ok(requests)
}

#[test]
fn bad_input_never_panics_or_drops_the_connection() {
    let config = EmulatorConfig {
        time_scale: 0.0,
        seed: Some(17),
        profiles: ProfileSet::builtin(),
        max_body_bytes: 16 * 1024,
        shutdown_grace: Duration::from_millis(200),
        ..EmulatorConfig::default()
    };
    let emulator = Arc::new(Emulator::start(config).expect("emulator starts"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("test runtime");
    let mut runner = TestRunner::new(Config {
        // PROPTEST_CASES=5000 fuzzes longer.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(CASES),
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    });
    let requests = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&request(), |request| {
        let made = runtime.block_on(one_case(&emulator, &request))?;
        requests.fetch_add(made, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    });
    let mut requests = requests.into_inner();
    if let Err(failure) = result {
        panic!("{failure}");
    }

    // Still serving on a new connection, and nothing was left unrecorded.
    let last = runtime
        .block_on(common::raw_http::send(
            emulator.addr(),
            &RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", valid_body(3)),
        ))
        .expect("a final valid request");
    assert_eq!(last.status, 200);
    requests += 1;
    // Shrinking reruns cases, so only a lower bound holds on failure; on
    // success every request made has exactly one record.
    let mut recorded = 0;
    for _ in 0..200 {
        recorded = emulator.ground_truth().len();
        if recorded >= requests as usize {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        recorded, requests as usize,
        "one ground-truth record per request"
    );
}
