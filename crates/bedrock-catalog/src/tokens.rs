//! A small, deterministic token estimate shared by the emulator and by
//! synthetic prompts, and the upper bounds that the dollar budget reserves.
//!
//! Real token counts always come from the service (`metadata.usage`); this
//! estimate exists so that the emulator can report a plausible
//! `inputTokens` and so that a synthetic prompt of "N tokens" has N tokens by
//! the emulator's count. Rule: every run of letters and digits counts one
//! token per started 8 characters, every other visible character counts one
//! token, whitespace counts nothing.

/// Estimated token count of `text` (see the module documentation).
pub fn estimate_tokens(text: &str) -> u32 {
    let mut tokens: u32 = 0;
    let mut run: u32 = 0;
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            run += 1;
        } else {
            tokens = tokens.saturating_add(run.div_ceil(8));
            run = 0;
            if !ch.is_whitespace() {
                tokens = tokens.saturating_add(1);
            }
        }
    }
    tokens.saturating_add(run.div_ceil(8))
}

/// An upper bound of the tokens that `text` can count as, by any of
/// Bedrock's tokenizers and by [`estimate_tokens`]: its UTF-8 bytes.
///
/// The models' tokenizers are byte-level BPE or SentencePiece with byte
/// fallback: every token covers at least one byte of the text, so no text
/// counts as more tokens than it has bytes. ([`estimate_tokens`] counts at
/// most one token per character.) Tokens a model's prompt template adds
/// around the text are not included.
pub fn max_tokens(text: &str) -> u64 {
    text.len() as u64
}

/// An upper bound of the bytes that any JSON encoder writes for `text` as
/// a JSON string, quotes included: each character at its widest escape
/// (`\u0001` for a control character, `\"` and `\\`, and `\uXXXX` per
/// UTF-16 unit for a character outside ASCII, which some encoders escape).
pub fn max_json_string_bytes(text: &str) -> u64 {
    let inner: u64 = text
        .chars()
        .map(|c| match c {
            '"' | '\\' => 2,
            c if u32::from(c) < 0x20 || c == '\u{7f}' => 6,
            c if c.is_ascii() => 1,
            c => 6 * c.len_utf16() as u64,
        })
        .sum();
    inner + 2
}

const INSTRUCTION: &str = "Summarize the following notes.";
const FILLER: [&str; 24] = [
    "latency", "streams", "tokens", "models", "measure", "region", "request", "answer", "bedrock",
    "optimize", "profile", "decode", "queue", "network", "client", "server", "sample", "median",
    "tail", "budget", "regions", "records", "events", "chunks",
];

/// A deterministic English-like prompt whose [`estimate_tokens`] is exactly
/// `tokens` (for `tokens >= 1`; zero gives an empty string).
///
/// It starts with an instruction when there is room for one, then filler
/// words with a full stop every twelve words.
pub fn synthetic_prompt(tokens: u32) -> String {
    let mut text = String::new();
    let mut count = 0u32;
    if tokens > estimate_tokens(INSTRUCTION) {
        text.push_str(INSTRUCTION);
        count = estimate_tokens(INSTRUCTION);
    }
    let mut word_index = 0usize;
    while count < tokens {
        let remaining = tokens - count;
        // End each sentence with a full stop (one token), but never let the
        // text end on a dangling space.
        if word_index % 12 == 11 && remaining >= 1 && !text.ends_with('.') && !text.is_empty() {
            text.push('.');
            count += 1;
            word_index += 1;
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(FILLER[word_index % FILLER.len()]);
        count += 1;
        word_index += 1;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_prompt_counts_ten_tokens() {
        // Nine words of at most eight letters and a full stop.
        assert_eq!(
            estimate_tokens("Explain the concept of machine learning in simple terms."),
            10
        );
    }

    #[test]
    fn long_words_count_per_eight_characters() {
        assert_eq!(estimate_tokens("internationalization"), 3);
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("  \n\t "), 0);
        assert_eq!(estimate_tokens("a,b"), 3);
    }

    #[test]
    fn the_bounds_are_never_below_the_estimate_or_the_json_encoding() {
        for text in [
            "",
            "Explain the concept of machine learning in simple terms.",
            "\n\n\n\n",
            "a\u{1b}b\"c\\d",
            "üñí 日本語 😀",
            "internationalization",
        ] {
            assert!(
                u64::from(estimate_tokens(text)) <= max_tokens(text),
                "{text:?}"
            );
            // What a JSON encoder writes, and the estimate of it (what the
            // emulator counts for a tool), stay within the bound.
            let encoded = serde_json::to_string(text).expect("a string encodes");
            assert!(
                encoded.len() as u64 <= max_json_string_bytes(text),
                "{text:?}"
            );
            assert!(
                u64::from(estimate_tokens(&encoded)) <= max_json_string_bytes(text),
                "{text:?}"
            );
            assert!(max_tokens(text) + 2 <= max_json_string_bytes(text));
        }
        // 40,000 newlines: nothing to the estimate of the text, 80,000
        // bytes as serde escapes them, 240,000 at the widest escape.
        let newlines = "\n".repeat(40_000);
        assert_eq!(max_json_string_bytes(&newlines), 240_002);
    }

    #[test]
    fn synthetic_prompt_has_exactly_the_requested_tokens() {
        for n in [0u32, 1, 2, 5, 6, 7, 12, 13, 100, 1000, 4096] {
            let text = synthetic_prompt(n);
            assert_eq!(estimate_tokens(&text), n, "n={n}: {text:?}");
            assert_eq!(text.trim(), text);
        }
    }
}
