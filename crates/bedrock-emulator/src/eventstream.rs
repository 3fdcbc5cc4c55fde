//! Event-stream framing for the emulator's responses.
//!
//! Frames are encoded with `aws-smithy-eventstream`'s public encoder, the
//! same code the AWS SDK uses to read them, and the encoding is checked
//! against the public test vectors in `tests/it/eventstream_vectors.rs`.
//! Layout: `[total_len u32][headers_len u32][prelude CRC32][headers][payload][message CRC32]`.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;

/// Encode one event-stream message with string headers (type 7) in the
/// given order. The payload is taken as it is (a `Vec<u8>` or `Bytes` is
/// not copied).
pub fn encode_message(
    headers: &[(&'static str, &'static str)],
    payload: impl Into<Bytes>,
) -> Bytes {
    let payload = payload.into();
    // Prelude (12) and message CRC (4), and per string header its name
    // length (1), name, type (1), value length (2) and value: the exact
    // size, so that the encoder never grows the buffer.
    let capacity = frame_len(headers, payload.len());
    let headers = headers
        .iter()
        .map(|(name, value)| Header::new(*name, HeaderValue::String((*value).into())))
        .collect();
    let message = Message::new_from_parts(headers, payload);
    let mut out = Vec::with_capacity(capacity);
    // Writing to a Vec cannot fail for lack of room; the encoder only
    // refuses headers or payloads beyond the format's size limits, which
    // the emulator never produces (payloads are a few hundred bytes).
    if write_message_to(&message, &mut out).is_err() {
        return Bytes::new();
    }
    Bytes::from(out)
}

/// The encoded size of a message with these string headers and a payload
/// of `payload_len` bytes.
fn frame_len(headers: &[(&str, &str)], payload_len: usize) -> usize {
    16 + payload_len
        + headers
            .iter()
            .map(|(name, value)| 4 + name.len() + value.len())
            .sum::<usize>()
}

/// An event frame (`:message-type: event`) carrying a bare JSON event
/// payload, with the header order real Bedrock uses.
pub fn event_frame(event_type: &'static str, json_payload: impl Into<Bytes>) -> Bytes {
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
pub fn exception_frame(exception_type: &'static str, message: &str) -> Bytes {
    let payload = serde_json::json!({ "message": message }).to_string();
    encode_message(
        &[
            (":exception-type", exception_type),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
        payload.into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;

    #[test]
    fn event_frame_round_trips_through_the_sdk_decoder() {
        let frame = event_frame("messageStart", &br#"{"role":"assistant"}"#[..]);
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
    fn the_buffer_is_sized_exactly_for_the_frame() {
        let headers = [
            (":event-type", "contentBlockDelta"),
            (":message-type", "event"),
        ];
        let frame = encode_message(&headers, &b"{\"a\":1}"[..]);
        assert_eq!(frame.len(), frame_len(&headers, 7));
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
