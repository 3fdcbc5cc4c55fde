//! `{"prompt": "..."}` (or `"text"`), with an optional `"system"` string
//! and `"id"`: one user turn.

use super::super::conversation::{Conversation, TurnSequence};
use super::super::detect::not_of_format;
use super::super::entry::Role;
use super::super::format::DatasetFormat;
use super::super::problem::{RecordProblem, non_empty_text};
use super::super::raw::RawRecord;
use super::{record_id, system_string};

/// `record` as a prompts record.
pub(super) fn check(record: RawRecord<'_>) -> Result<Conversation<'_>, RecordProblem> {
    if record.prompt.is_none() && record.text.is_none() {
        return Err(not_of_format(DatasetFormat::Prompts, &record));
    }
    let (value, key) = match record.prompt {
        Some(prompt) => (Some(prompt), "prompt"),
        None => (record.text, "text"),
    };
    let id = record_id(record.id)?;
    let mut turns = TurnSequence::default();
    system_string(record.system, &mut turns)?;
    let prompt = non_empty_text(value, || key.to_owned())?;
    turns.push(Role::User, prompt, "user", || key.to_owned())?;
    turns.finish(id, key, || "no prompt".to_owned())
}
