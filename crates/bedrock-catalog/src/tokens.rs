//! A small, deterministic token estimate shared by the emulator and by
//! synthetic prompts.
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
    fn synthetic_prompt_has_exactly_the_requested_tokens() {
        for n in [0u32, 1, 2, 5, 6, 7, 12, 13, 100, 1000, 4096] {
            let text = synthetic_prompt(n);
            assert_eq!(estimate_tokens(&text), n, "n={n}: {text:?}");
            assert_eq!(text.trim(), text);
        }
    }
}
