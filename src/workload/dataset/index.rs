//! What a dataset keeps of each record after checking it: where its
//! bytes are and its token estimates, 32 bytes a record; its texts are
//! read again when a call needs them.

use std::num::NonZeroU32;

use super::conversation::Conversation;

/// One record's place in the file and its estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordSummary {
    /// Byte offset of the record's first byte in the file.
    pub offset: u64,
    /// The record's length in bytes.
    pub length: u32,
    /// The 1-based line where the record starts.
    pub line: u32,
    /// Estimated tokens of the system prompt and the turns up to the last
    /// user turn.
    pub prompt_tokens: u32,
    /// Estimated tokens of the system prompt and every turn.
    pub conversation_tokens: u32,
    /// Estimated tokens of the reference answer plus one (so that `None`
    /// costs no space).
    answer_tokens_plus_one: Option<NonZeroU32>,
    /// How many user turns the record has.
    pub user_turns: u32,
}

impl RecordSummary {
    /// The summary of `conversation`, whose record has `length` bytes at
    /// `offset` and starts at `line`.
    pub fn new(offset: u64, length: u32, line: u32, conversation: &Conversation<'_>) -> Self {
        RecordSummary {
            offset,
            length,
            line,
            prompt_tokens: conversation.prompt_tokens(),
            conversation_tokens: conversation.conversation_tokens(),
            answer_tokens_plus_one: conversation
                .answer_tokens()
                .and_then(|tokens| NonZeroU32::new(tokens.saturating_add(1))),
            user_turns: conversation.user_turn_count(),
        }
    }

    /// Estimated tokens of the reference answer, if there is one (an
    /// answer of `u32::MAX` tokens or more reads as `u32::MAX - 1`).
    pub fn answer_tokens(&self) -> Option<u32> {
        self.answer_tokens_plus_one.map(|tokens| tokens.get() - 1)
    }
}
