//! A checked record, borrowed from its bytes: what the format checks
//! produce, what the index summarises and what an entry is built from;
//! and the rules every conversation follows.

use std::borrow::Cow;

use bedrock_catalog::tokens::estimate_tokens;

use super::entry::{DatasetEntry, Role, Turn};
use super::problem::{RecordProblem, quoted};

/// What several texts (system messages, content parts) are joined with.
pub(crate) const TEXT_SEPARATOR: &str = "\n\n";

/// A record that follows the rules: at least one turn, turns alternating
/// and starting with a user turn, every text non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Conversation<'a> {
    /// The record's `id`, if it has one.
    pub id: Option<Cow<'a, str>>,
    /// The system prompt.
    pub system: Option<Cow<'a, str>>,
    /// The turns, alternating, starting with a user turn.
    pub turns: Vec<(Role, Cow<'a, str>)>,
}

impl Conversation<'_> {
    /// The owned entry, for a record starting at `line`.
    pub fn into_entry(self, line: usize) -> DatasetEntry {
        DatasetEntry {
            id: self
                .id
                .map_or_else(|| format!("L{line}"), |id| id.into_owned()),
            line,
            system: self.system.map(Cow::into_owned),
            turns: self
                .turns
                .into_iter()
                .map(|(role, text)| Turn {
                    role,
                    text: text.into_owned(),
                })
                .collect(),
        }
    }

    /// The index of the last user turn (there is always one).
    fn last_user_turn(&self) -> usize {
        self.turns
            .iter()
            .rposition(|(role, _)| *role == Role::User)
            .unwrap_or(0)
    }

    /// Estimated tokens of the system prompt.
    fn system_tokens(&self) -> u32 {
        self.system.as_deref().map_or(0, estimate_tokens)
    }

    /// Estimated tokens of what a single-turn call sends: the system
    /// prompt and the turns up to the last user turn.
    pub fn prompt_tokens(&self) -> u32 {
        let end = self.last_user_turn() + 1;
        self.turns[..end.min(self.turns.len())]
            .iter()
            .fold(self.system_tokens(), |sum, (_, text)| {
                sum.saturating_add(estimate_tokens(text))
            })
    }

    /// Estimated tokens of the assistant turn after the last user turn.
    pub fn answer_tokens(&self) -> Option<u32> {
        self.turns
            .get(self.last_user_turn() + 1)
            .map(|(_, text)| estimate_tokens(text))
    }

    /// Estimated tokens of the system prompt and every turn.
    pub fn conversation_tokens(&self) -> u32 {
        self.turns
            .iter()
            .fold(self.system_tokens(), |sum, (_, text)| {
                sum.saturating_add(estimate_tokens(text))
            })
    }

    /// How many user turns there are.
    pub fn user_turn_count(&self) -> u32 {
        let count = self
            .turns
            .iter()
            .filter(|(role, _)| *role == Role::User)
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }
}

/// Builds a conversation's turns, checking that they start with a user
/// turn and alternate.
#[derive(Debug, Default)]
pub(crate) struct TurnSequence<'a> {
    /// The system prompt's parts, in order.
    system: Vec<Cow<'a, str>>,
    /// The turns so far.
    turns: Vec<(Role, Cow<'a, str>)>,
}

impl<'a> TurnSequence<'a> {
    /// Whether a turn was added yet (system parts come only before).
    pub fn has_turns(&self) -> bool {
        !self.turns.is_empty()
    }

    /// Add a part of the system prompt (checked non-empty by the caller).
    pub fn push_system(&mut self, text: Cow<'a, str>) {
        self.system.push(text);
    }

    /// Add a turn said by `role` (spelled `role_name` in the file, whose
    /// field is `role_field`), or the problem if it breaks alternation.
    pub fn push(
        &mut self,
        role: Role,
        text: Cow<'a, str>,
        role_name: &str,
        role_field: impl FnOnce() -> String,
    ) -> Result<(), RecordProblem> {
        match self.turns.last() {
            None if role != Role::User => {
                return Err(RecordProblem::shape(
                    role_field(),
                    "a user turn (the first turn, after any system prompt)",
                    quoted(role_name),
                ));
            }
            Some((previous, _)) if *previous == role => {
                let expected = match role {
                    Role::User => "an assistant turn after a user turn (roles alternate)",
                    Role::Assistant => "a user turn after an assistant turn (roles alternate)",
                };
                return Err(RecordProblem::shape(
                    role_field(),
                    expected,
                    quoted(role_name),
                ));
            }
            _ => {}
        }
        self.turns.push((role, text));
        Ok(())
    }

    /// The conversation, or the problem with `list_field` if it has no
    /// turn (then `found` says what the list held).
    pub fn finish(
        self,
        id: Option<Cow<'a, str>>,
        list_field: &str,
        found: impl FnOnce() -> String,
    ) -> Result<Conversation<'a>, RecordProblem> {
        if self.turns.is_empty() {
            return Err(RecordProblem::shape(
                list_field,
                "at least one user turn",
                found(),
            ));
        }
        Ok(Conversation {
            id,
            system: join(self.system),
            turns: self.turns,
        })
    }
}

/// `parts` joined by [`TEXT_SEPARATOR`], borrowed when there is one part;
/// `None` for no part.
pub(crate) fn join(mut parts: Vec<Cow<'_, str>>) -> Option<Cow<'_, str>> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Cow::Owned(parts.join(TEXT_SEPARATOR))),
    }
}
