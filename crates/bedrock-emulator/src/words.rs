//! The words the emulated models answer with: one word per output token,
//! for the answer and for the reasoning. A leaf module: the plan (which
//! measures a stop sequence's position), the frames and Converse's whole
//! answer all use it.

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

const REASONING_WORDS: [&str; 16] = [
    "Let",
    "me",
    "think",
    "about",
    "what",
    "the",
    "user",
    "asks.",
    "First,",
    "consider",
    "the",
    "simplest",
    "explanation",
    "and",
    "check",
    "it.",
];

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

/// The reasoning text of `tokens` tokens starting at token `first`.
pub fn reasoning_text(first: u32, tokens: u32) -> String {
    let mut text = String::with_capacity(tokens as usize * 8);
    for i in first..first + tokens {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(REASONING_WORDS[i as usize % REASONING_WORDS.len()]);
    }
    text
}
