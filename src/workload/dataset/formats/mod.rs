//! The checks of each format: a parsed record becomes a
//! [`Conversation`], or the problem with its first wrong field.

mod converse;
mod openai;
mod prompts;
mod sharegpt;

use std::borrow::Cow;

use super::conversation::{Conversation, TurnSequence};
use super::format::DatasetFormat;
use super::json_shape::{Id, Text};
use super::problem::{RecordProblem, check_not_blank};
use super::raw::{RawRecord, TextOrParts};

/// `record` checked as a record of `format`.
pub(crate) fn check(
    record: RawRecord<'_>,
    format: DatasetFormat,
) -> Result<Conversation<'_>, RecordProblem> {
    match format {
        DatasetFormat::Prompts => prompts::check(record),
        DatasetFormat::Converse => converse::check(record),
        DatasetFormat::OpenAiChat => openai::check(record),
        DatasetFormat::ShareGpt => sharegpt::check(record),
    }
}

/// The record's `id`: a string or an integer, if given.
fn record_id(id: Option<Id<'_>>) -> Result<Option<Cow<'_, str>>, RecordProblem> {
    match id {
        None => Ok(None),
        Some(Id(Text::Str(text))) => Ok(Some(text)),
        Some(Id(Text::Other(kind))) => Err(RecordProblem::shape(
            "id",
            "a string or an integer",
            kind.to_string(),
        )),
    }
}

/// Add a top-level `system` string to `turns`' system prompt (formats
/// other than Converse, whose `system` may also be an array of blocks).
fn system_string<'a>(
    system: Option<TextOrParts<'a>>,
    turns: &mut TurnSequence<'a>,
) -> Result<(), RecordProblem> {
    let found = match system {
        None => return Ok(()),
        Some(TextOrParts::Str(text)) => {
            check_not_blank(&text, || "system".to_owned())?;
            turns.push_system(text);
            return Ok(());
        }
        Some(TextOrParts::Parts(_)) => "an array".to_owned(),
        Some(TextOrParts::Other(kind)) => kind.to_string(),
    };
    Err(RecordProblem::shape("system", "a string", found))
}

/// What a list of turns held when it yielded no turn.
fn empty_list_found(len: usize) -> String {
    if len == 0 {
        "an empty array".to_owned()
    } else {
        "only a system prompt".to_owned()
    }
}
