//! Splitting an event-stream body into messages, with an independent check
//! of each frame's prelude and message CRCs (CRC-32 as in zlib).

use aws_smithy_eventstream::frame::read_message_from;
use aws_smithy_types::event_stream::Message;
use bytes::{Buf, Bytes};

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`), bit by bit: slow and
/// obviously independent of the encoder under test.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Check one frame's lengths and both CRCs by hand; panics with `what`.
pub fn check_frame_crcs(frame: &[u8], what: &str) {
    assert!(frame.len() >= 16, "{what}: frame of {} bytes", frame.len());
    let be =
        |at: usize| u32::from_be_bytes([frame[at], frame[at + 1], frame[at + 2], frame[at + 3]]);
    assert_eq!(be(0) as usize, frame.len(), "{what}: total length");
    assert!(be(4) as usize + 16 <= frame.len(), "{what}: headers length");
    assert_eq!(be(8), crc32(&frame[..8]), "{what}: prelude CRC");
    let end = frame.len() - 4;
    assert_eq!(be(end), crc32(&frame[..end]), "{what}: message CRC");
}

/// Split a whole body into frames: each checked by hand, then decoded with
/// the SDK's own decoder (which checks the CRCs again).
pub fn split_frames(body: &[u8]) -> Vec<Message> {
    let mut rest = Bytes::copy_from_slice(body);
    let mut messages = Vec::new();
    while rest.has_remaining() {
        assert!(
            rest.len() >= 4,
            "{} stray bytes after the last frame",
            rest.len()
        );
        let total = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        assert!(
            total <= rest.len(),
            "frame {} claims {total} bytes, {} left",
            messages.len(),
            rest.len()
        );
        check_frame_crcs(&rest[..total], &format!("frame {}", messages.len()));
        let before = rest.len();
        let message = read_message_from(&mut rest).expect("the SDK decoder accepts the frame");
        assert_eq!(
            before - rest.len(),
            total,
            "decoder consumed the whole frame"
        );
        messages.push(message);
    }
    messages
}

/// The string value of header `name`, if present.
pub fn header<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| h.value().as_string().ok())
        .map(|s| s.as_str())
}

/// The payload as JSON.
pub fn payload_json(message: &Message) -> serde_json::Value {
    serde_json::from_slice(message.payload()).expect("event payload is JSON")
}
