//! Which format a record is in, by its keys: the first record of a file
//! decides the file's format unless the caller names one.

use super::format::DatasetFormat;
use super::json_shape::{List, Object};
use super::problem::{RecordProblem, quoted};
use super::raw::{RawMessage, RawRecord, TextOrParts};

/// The format `record` is in, if it has one's keys: `conversations` is
/// ShareGPT; `messages` is Converse when its first message's `content` is
/// an array whose first element is an object without `type`, else OpenAI
/// chat; `prompt` or `text` is prompts.
pub(crate) fn classify(record: &RawRecord<'_>) -> Option<DatasetFormat> {
    if record.conversations.is_some() {
        return Some(DatasetFormat::ShareGpt);
    }
    if let Some(messages) = &record.messages {
        return Some(if first_content_is_converse(messages) {
            DatasetFormat::Converse
        } else {
            DatasetFormat::OpenAiChat
        });
    }
    if record.prompt.is_some() || record.text.is_some() {
        return Some(DatasetFormat::Prompts);
    }
    None
}

/// Whether the first message's content is an array starting with an
/// object that has no `type` key (a Converse content block).
fn first_content_is_converse(messages: &List<Object<RawMessage<'_>>>) -> bool {
    let List::Items(messages) = messages else {
        return false;
    };
    let Some(Object::Fields(first)) = messages.first() else {
        return false;
    };
    let Some(TextOrParts::Parts(parts)) = &first.content else {
        return false;
    };
    matches!(parts.first(), Some(Object::Fields(part)) if part.kind.is_none())
}

/// The problem with a record of none of the formats' shapes.
pub(crate) fn unrecognized(record: &RawRecord<'_>) -> RecordProblem {
    RecordProblem::shape(
        "",
        format!(
            "a record of one of the shapes {}",
            DatasetFormat::all_shapes()
        ),
        describe_keys(record),
    )
}

/// The problem with a record that lacks the main key of `format` (the
/// caller's, or the file's first record's).
pub(crate) fn not_of_format(format: DatasetFormat, record: &RawRecord<'_>) -> RecordProblem {
    let found = match classify(record) {
        Some(other) => format!("a {other} record"),
        None => describe_keys(record),
    };
    RecordProblem::shape("", format!("a {format} record {}", format.shape()), found)
}

/// `an object with keys "a", "b"`, or `an object with no keys`.
fn describe_keys(record: &RawRecord<'_>) -> String {
    let mut keys: Vec<String> = Vec::new();
    if record.id.is_some() {
        keys.push(quoted("id"));
    }
    if record.system.is_some() {
        keys.push(quoted("system"));
    }
    keys.extend(record.unknown_keys.iter().map(|key| quoted(key)));
    if record.more_unknown_keys {
        keys.push("...".to_owned());
    }
    if keys.is_empty() {
        "an object with no keys".to_owned()
    } else {
        format!("an object with keys {}", keys.join(", "))
    }
}
