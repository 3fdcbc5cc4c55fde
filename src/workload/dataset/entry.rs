//! One record of a dataset, as a conversation: an optional system prompt
//! and alternating user and assistant turns.

/// Who says a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The user (a prompt).
    User,
    /// The model (an answer).
    Assistant,
}

impl Role {
    /// `user` or `assistant`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// Who says it.
    pub role: Role,
    /// What is said (never empty after trimming).
    pub text: String,
}

/// One record of a dataset, checked: at least one user turn, turns
/// alternating and starting with a user turn, every text non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetEntry {
    /// The record's `id` (a string, or an integer as text), else
    /// `L<line>`.
    pub id: String,
    /// The 1-based line where the record starts.
    pub line: usize,
    /// The system prompt, if the record has one.
    pub system: Option<String>,
    /// The turns, alternating and starting with [`Role::User`].
    pub turns: Vec<Turn>,
}

impl DatasetEntry {
    /// The turns up to and including the last user turn: what a
    /// single-turn call sends.
    pub fn prompt_turns(&self) -> &[Turn] {
        let end = last_user_turn(&self.turns).map_or(0, |index| index + 1);
        &self.turns[..end]
    }

    /// The assistant turn right after the last user turn, if any: the
    /// record's reference answer.
    pub fn reference_answer(&self) -> Option<&str> {
        let last_user = last_user_turn(&self.turns)?;
        self.turns
            .get(last_user + 1)
            .filter(|turn| turn.role == Role::Assistant)
            .map(|turn| turn.text.as_str())
    }

    /// The user turns' texts, in order.
    pub fn user_turns(&self) -> impl Iterator<Item = &str> {
        self.turns
            .iter()
            .filter(|turn| turn.role == Role::User)
            .map(|turn| turn.text.as_str())
    }
}

/// The index of the last user turn, if any.
fn last_user_turn(turns: &[Turn]) -> Option<usize> {
    turns.iter().rposition(|turn| turn.role == Role::User)
}
