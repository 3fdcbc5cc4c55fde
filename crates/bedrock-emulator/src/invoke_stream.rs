//! The frames of InvokeModelWithResponseStream (Amazon Bedrock API
//! Reference, "InvokeModelWithResponseStream", `ResponseStream`): each
//! native JSON event rides in a `chunk` event whose payload is
//! `{"bytes": "<base64 of the event>"}` (a `PayloadPart`), padded with
//! `"p"` like every Bedrock event.

use aws_smithy_types::base64;
use bytes::{Bytes, BytesMut};
use rand::Rng;
use serde_json::{Value, json};

use crate::eventstream::event_frame;
use crate::payload::padding;

/// The `chunk` frame carrying `event`.
pub fn chunk_frame(event: &Value, rng: &mut impl Rng) -> Bytes {
    let payload = json!({
        "bytes": base64::encode(event.to_string()),
        "p": padding(rng),
    });
    event_frame("chunk", payload.to_string().into_bytes())
}

/// The `chunk` frames of `events`, one after the other.
pub fn chunk_frames(events: &[Value], rng: &mut impl Rng) -> Bytes {
    match events {
        [one] => chunk_frame(one, rng),
        _ => {
            let mut out = BytesMut::new();
            for event in events {
                out.extend_from_slice(&chunk_frame(event, rng));
            }
            out.freeze()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn a_chunk_carries_the_event_in_base64() {
        let mut rng = StdRng::seed_from_u64(1);
        let event = json!({ "type": "message_stop" });
        let message = read_message_from(chunk_frame(&event, &mut rng)).expect("decodes");
        let event_type = message
            .headers()
            .iter()
            .find(|h| h.name().as_str() == ":event-type")
            .and_then(|h| h.value().as_string().ok())
            .map(|s| s.as_str().to_string());
        assert_eq!(event_type.as_deref(), Some("chunk"));
        let payload: Value = serde_json::from_slice(message.payload()).expect("json");
        let bytes = base64::decode(payload["bytes"].as_str().expect("bytes")).expect("base64");
        assert_eq!(
            serde_json::from_slice::<Value>(&bytes).expect("json"),
            event
        );
        assert!(payload["p"].as_str().is_some_and(|p| !p.is_empty()));
    }
}
