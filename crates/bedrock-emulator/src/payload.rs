//! The JSON payloads of the events, with Bedrock's `"p"` padding field.
//!
//! Real Bedrock pads every event with a field `"p"` holding a run of
//! letters and digits of varying length (so that payload sizes do not
//! reveal the text); clients ignore it. The answer's text is made of plain
//! words, one word per output token.

use rand::{Rng, RngExt};
use serde_json::json;

const PADDING_ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const WORDS: [&str; 32] = [
    "Machine",
    "learning",
    "is",
    "a",
    "way",
    "for",
    "computers",
    "to",
    "learn",
    "patterns",
    "from",
    "examples",
    "instead",
    "of",
    "following",
    "rules",
    "written",
    "by",
    "people.",
    "A",
    "model",
    "sees",
    "many",
    "cases,",
    "adjusts",
    "itself",
    "after",
    "each",
    "mistake,",
    "and",
    "improves.",
    "Then",
];

/// A padding value of random length (1 to 40 characters).
fn padding(rng: &mut impl Rng) -> &'static str {
    let len = rng.random_range(1..=40);
    &PADDING_ALPHABET[..len.min(PADDING_ALPHABET.len())]
}

/// The text of `tokens` output tokens starting at token number `first`.
pub fn chunk_text(first: u32, tokens: u32) -> String {
    let mut text = String::with_capacity(tokens as usize * 9);
    for i in first..first + tokens {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(WORDS[i as usize % WORDS.len()]);
    }
    text
}

/// `messageStart`.
pub fn message_start(rng: &mut impl Rng) -> Vec<u8> {
    json!({ "p": padding(rng), "role": "assistant" })
        .to_string()
        .into_bytes()
}

/// `contentBlockDelta` with a text delta (exactly one member in `delta`).
pub fn content_block_delta(text: &str, rng: &mut impl Rng) -> Vec<u8> {
    json!({ "contentBlockIndex": 0, "delta": { "text": text }, "p": padding(rng) })
        .to_string()
        .into_bytes()
}

/// `contentBlockStop`.
pub fn content_block_stop(rng: &mut impl Rng) -> Vec<u8> {
    json!({ "contentBlockIndex": 0, "p": padding(rng) })
        .to_string()
        .into_bytes()
}

/// `messageStop`.
pub fn message_stop(stop_reason: &str, rng: &mut impl Rng) -> Vec<u8> {
    json!({ "p": padding(rng), "stopReason": stop_reason })
        .to_string()
        .into_bytes()
}

/// `metadata`: usage, `metrics.latencyMs` and, when the request asked for
/// one, the served `performanceConfig`.
pub fn metadata(
    input_tokens: u32,
    output_tokens: u32,
    latency_ms: u64,
    served: Option<&str>,
    rng: &mut impl Rng,
) -> Vec<u8> {
    let mut value = json!({
        "metrics": { "latencyMs": latency_ms },
        "p": padding(rng),
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
    });
    if let (Some(served), Some(object)) = (served, value.as_object_mut()) {
        object.insert("performanceConfig".into(), json!({ "latency": served }));
    }
    value.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn chunks_concatenate_into_one_text() {
        let whole = chunk_text(0, 7);
        let parts = chunk_text(0, 3) + &chunk_text(3, 4);
        assert_eq!(whole, parts);
        assert!(whole.starts_with("Machine learning is"));
    }

    #[test]
    fn payloads_are_json_with_padding() {
        let mut rng = StdRng::seed_from_u64(5);
        let delta: serde_json::Value =
            serde_json::from_slice(&content_block_delta("hi", &mut rng)).expect("json");
        assert_eq!(delta["delta"], json!({"text": "hi"}));
        assert!(delta["p"].as_str().is_some_and(|p| !p.is_empty()));
        let meta: serde_json::Value =
            serde_json::from_slice(&metadata(10, 50, 900, Some("optimized"), &mut rng))
                .expect("json");
        assert_eq!(meta["usage"]["totalTokens"], 60);
        assert_eq!(meta["performanceConfig"]["latency"], "optimized");
        let plain: serde_json::Value =
            serde_json::from_slice(&metadata(1, 1, 1, None, &mut rng)).expect("json");
        assert!(plain.get("performanceConfig").is_none());
    }
}
