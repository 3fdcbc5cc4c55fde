//! Event-stream framing for the emulator's responses.
//!
//! Frames are encoded with `aws-smithy-eventstream`'s public encoder, the
//! same code the AWS SDK uses to read them, and the encoding is checked
//! against the public test vectors in `tests/eventstream_vectors.rs`.
//! Layout: `[total_len u32][headers_len u32][prelude CRC32][headers][payload][message CRC32]`.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;

/// Encode one event-stream message with string headers (type 7) in the
/// given order.
pub fn encode_message(headers: &[(&'static str, &str)], payload: &[u8]) -> Bytes {
    let headers = headers
        .iter()
        .map(|(name, value)| Header::new(*name, HeaderValue::String(value.to_string().into())))
        .collect();
    let message = Message::new_from_parts(headers, Bytes::copy_from_slice(payload));
    let mut out = Vec::with_capacity(payload.len() + 96);
    // Writing to a Vec cannot fail for lack of room; the encoder only
    // refuses headers or payloads beyond the format's size limits, which
    // the emulator never produces (payloads are a few hundred bytes).
    if write_message_to(&message, &mut out).is_err() {
        return Bytes::new();
    }
    Bytes::from(out)
}

/// An event frame (`:message-type: event`) carrying a bare JSON event
/// payload, with the header order real Bedrock uses.
pub fn event_frame(event_type: &str, json_payload: &[u8]) -> Bytes {
    encode_message(
        &[
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        json_payload,
    )
}

/// An exception frame (`:message-type: exception`) such as
/// `throttlingException`, with payload `{"message": ...}`.
pub fn exception_frame(exception_type: &str, message: &str) -> Bytes {
    let payload = serde_json::json!({ "message": message }).to_string();
    encode_message(
        &[
            (":exception-type", exception_type),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
        payload.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;

    #[test]
    fn event_frame_round_trips_through_the_sdk_decoder() {
        let frame = event_frame("messageStart", br#"{"role":"assistant"}"#);
        let message = read_message_from(frame.clone()).expect("decodes");
        let names: Vec<&str> = message
            .headers()
            .iter()
            .map(|h| h.name().as_str())
            .collect();
        assert_eq!(names, [":event-type", ":content-type", ":message-type"]);
        assert_eq!(&message.payload()[..], br#"{"role":"assistant"}"#);
        let total = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
        assert_eq!(total as usize, frame.len());
    }

    #[test]
    fn exception_frame_carries_type_and_message() {
        let frame = exception_frame("throttlingException", "slow down");
        let message = read_message_from(frame).expect("decodes");
        let exception = message
            .headers()
            .iter()
            .find(|h| h.name().as_str() == ":exception-type")
            .and_then(|h| h.value().as_string().ok())
            .map(|s| s.as_str().to_string());
        assert_eq!(exception.as_deref(), Some("throttlingException"));
        assert_eq!(&message.payload()[..], br#"{"message":"slow down"}"#);
    }
}
