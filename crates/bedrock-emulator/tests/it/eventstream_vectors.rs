//! The emulator's event-stream encoder against the public test vectors,
//! and a real response body taken apart frame by frame.

use crate::common;

use bedrock_emulator::eventstream::{encode_message, event_frame, exception_frame};
use common::frames::{check_frame_crcs, crc32, header, payload_json, split_frames};
use common::raw_http::{RawRequest, send, valid_body};
use common::*;

/// The `empty_message` vector.
const EMPTY_MESSAGE: [u8; 16] = [
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff,
];

/// The `payload_one_str_header` vector: `content-type: application/json`,
/// payload `{'foo':'bar'}`.
const PAYLOAD_ONE_STR_HEADER: [u8; 61] = [
    0, 0, 0, 61, 0, 0, 0, 32, 7, 253, 131, 150, 12, 99, 111, 110, 116, 101, 110, 116, 45, 116, 121,
    112, 101, 7, 0, 16, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110,
    123, 39, 102, 111, 111, 39, 58, 39, 98, 97, 114, 39, 125, 141, 156, 8, 177,
];

#[test]
fn the_empty_message_matches_its_vector() {
    let encoded = encode_message(&[], &b""[..]);
    assert_eq!(&encoded[..], &EMPTY_MESSAGE[..]);
}

#[test]
fn one_string_header_matches_its_vector() {
    let encoded = encode_message(
        &[("content-type", "application/json")],
        &b"{'foo':'bar'}"[..],
    );
    assert_eq!(&encoded[..], &PAYLOAD_ONE_STR_HEADER[..]);
}

#[test]
fn the_test_crc_agrees_with_the_vectors() {
    // The hand-written CRC used on real bodies below must itself be right.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    check_frame_crcs(&EMPTY_MESSAGE, "empty_message");
    check_frame_crcs(&PAYLOAD_ONE_STR_HEADER, "payload_one_str_header");
}

#[test]
fn event_and_exception_frames_have_bedrocks_header_order() {
    let event = split_frames(&event_frame(
        "messageStop",
        &br#"{"stopReason":"end_turn"}"#[..],
    ));
    let names: Vec<&str> = event[0]
        .headers()
        .iter()
        .map(|h| h.name().as_str())
        .collect();
    assert_eq!(names, [":event-type", ":content-type", ":message-type"]);
    assert_eq!(header(&event[0], ":message-type"), Some("event"));

    let exception = split_frames(&exception_frame("modelStreamErrorException", "boom"));
    let names: Vec<&str> = exception[0]
        .headers()
        .iter()
        .map(|h| h.name().as_str())
        .collect();
    assert_eq!(names, [":exception-type", ":content-type", ":message-type"]);
    assert_eq!(header(&exception[0], ":message-type"), Some("exception"));
    assert_eq!(payload_json(&exception[0])["message"], "boom");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_body_decodes_frame_by_frame() {
    // 7 tokens, 2 per delta: deltas of 2, 2, 2, 1 tokens.
    let profile = fixed_profile(0.01, 1000.0, 2, 7);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let mut body: serde_json::Value =
        serde_json::from_str(&valid_body(50)).expect("valid body is JSON");
    body["performanceConfig"] = serde_json::json!({"latency": "optimized"});
    let request = RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", body.to_string());
    let response = send(emulator.addr(), &request).await.expect("response");

    assert_eq!(
        response.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    let request_id = response.header("x-amzn-requestid").expect("request id");
    assert_eq!(request_id.len(), 36, "UUID-shaped request id {request_id}");

    let frames = split_frames(&response.body);
    let events: Vec<&str> = frames
        .iter()
        .map(|f| header(f, ":event-type").expect(":event-type header"))
        .collect();
    assert_eq!(
        events,
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    for frame in &frames {
        assert_eq!(header(frame, ":content-type"), Some("application/json"));
        assert_eq!(header(frame, ":message-type"), Some("event"));
        let payload = payload_json(frame);
        // Bedrock pads every event with a `p` field of varying length.
        assert!(
            payload["p"].as_str().is_some_and(|p| !p.is_empty()),
            "{payload}"
        );
    }
    assert_eq!(payload_json(&frames[0])["role"], "assistant");
    let mut text = String::new();
    for delta in &frames[1..5] {
        let payload = payload_json(delta);
        assert_eq!(payload["contentBlockIndex"], 0);
        let delta = payload["delta"].as_object().expect("delta object");
        assert_eq!(delta.len(), 1, "a delta holds exactly one member");
        text.push_str(delta["text"].as_str().expect("text delta"));
    }
    assert_eq!(text.split(' ').count(), 7, "one word per token: {text:?}");
    assert_eq!(payload_json(&frames[5])["contentBlockIndex"], 0);
    assert_eq!(payload_json(&frames[6])["stopReason"], "end_turn");
    let metadata = payload_json(&frames[7]);
    assert_eq!(metadata["usage"]["outputTokens"], 7);
    let input = metadata["usage"]["inputTokens"]
        .as_u64()
        .expect("input tokens");
    assert_eq!(metadata["usage"]["totalTokens"].as_u64(), Some(input + 7));
    assert!(metadata["metrics"]["latencyMs"].is_u64());
    assert_eq!(metadata["performanceConfig"]["latency"], "optimized");

    let truth = ground_truth_for(&emulator, request_id);
    assert_eq!(truth.deltas_written, 4);
    assert_eq!(truth.output_tokens, 7);
    assert_eq!(truth.outcome, "complete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mid_stream_exception_is_the_last_frame() {
    let mut profile = fixed_profile(0.01, 1000.0, 1, 30);
    profile.faults.throttle_mid_stream = 1.0;
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let request = RawRequest::converse_stream("us.amazon.nova-pro-v1%3A0", valid_body(20));
    let response = send(emulator.addr(), &request).await.expect("response");
    assert_eq!(response.status, 200);
    let frames = split_frames(&response.body);
    let last = frames.last().expect("frames");
    assert_eq!(header(last, ":message-type"), Some("exception"));
    assert_eq!(header(last, ":exception-type"), Some("throttlingException"));
    assert!(
        payload_json(last)["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(header(&frames[0], ":event-type"), Some("messageStart"));
    let deltas = frames
        .iter()
        .filter(|f| header(f, ":event-type") == Some("contentBlockDelta"))
        .count();
    assert!(deltas >= 1 && deltas == frames.len() - 2, "{deltas} deltas");
}
