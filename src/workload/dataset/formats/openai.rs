//! OpenAI chat records: `{"messages": [{"role": "system" | "developer" |
//! "user" | "assistant", "content": "..." | [{"type": "text", "text":
//! "..."}]}]}`. System and developer messages come only before the first
//! user message and become the system prompt; no tool messages, only
//! text parts.

use std::borrow::Cow;

use super::super::conversation::{Conversation, TurnSequence, join};
use super::super::detect::not_of_format;
use super::super::entry::Role;
use super::super::format::DatasetFormat;
use super::super::json_shape::{List, Object, Text};
use super::super::problem::{
    NO_SUCH_KEY, RecordProblem, check_not_blank, describe_text, non_empty_text, quoted,
};
use super::super::raw::{RawMessage, RawPart, RawRecord, TextOrParts};
use super::{empty_list_found, record_id, system_string};

/// The roles, as messages list them.
const ROLES: &str = r#""system", "developer", "user" or "assistant""#;

/// `record` as an OpenAI chat record.
pub(super) fn check(record: RawRecord<'_>) -> Result<Conversation<'_>, RecordProblem> {
    if record.messages.is_none() {
        return Err(not_of_format(DatasetFormat::OpenAiChat, &record));
    }
    let id = record_id(record.id)?;
    let mut turns = TurnSequence::default();
    system_string(record.system, &mut turns)?;
    let messages = match record.messages {
        Some(List::Items(messages)) => messages,
        Some(List::Other(kind)) => {
            return Err(RecordProblem::shape(
                "messages",
                "an array of messages",
                kind.to_string(),
            ));
        }
        None => Vec::new(),
    };
    let count = messages.len();
    for (index, message) in messages.into_iter().enumerate() {
        let field = format!("messages[{index}]");
        let message = match message {
            Object::Fields(message) => message,
            Object::Other(kind) => {
                return Err(RecordProblem::shape(
                    field,
                    r#"a message {"role": ..., "content": ...}"#,
                    kind.to_string(),
                ));
            }
        };
        add_message(message, &field, &mut turns)?;
    }
    turns.finish(id, "messages", || empty_list_found(count))
}

/// Who says a message: a turn's role, or the system prompt (a system or
/// developer message).
enum Speaker {
    /// A turn.
    Turn(Role),
    /// Part of the system prompt.
    System,
}

/// Add one message (at `field`) to `turns`.
fn add_message<'a>(
    message: RawMessage<'a>,
    field: &str,
    turns: &mut TurnSequence<'a>,
) -> Result<(), RecordProblem> {
    let role_field = || format!("{field}.role");
    let role_name = match &message.role {
        Some(Text::Str(name)) => name.as_ref(),
        other => {
            return Err(RecordProblem::shape(
                role_field(),
                ROLES,
                describe_text(other.as_ref()),
            ));
        }
    };
    let speaker = match role_name {
        "user" => Speaker::Turn(Role::User),
        "assistant" => Speaker::Turn(Role::Assistant),
        "system" | "developer" if turns.has_turns() => {
            return Err(RecordProblem::shape(
                role_field(),
                r#""user" or "assistant" (system and developer messages come only before the first user message)"#,
                quoted(role_name),
            ));
        }
        "system" | "developer" => Speaker::System,
        "tool" | "function" => {
            return Err(RecordProblem::shape(
                role_field(),
                format!("{ROLES} (tool messages are not supported)"),
                quoted(role_name),
            ));
        }
        other => {
            return Err(RecordProblem::shape(role_field(), ROLES, quoted(other)));
        }
    };
    let text = content_text(message.content, &format!("{field}.content"))?;
    match speaker {
        Speaker::System => {
            turns.push_system(text);
            Ok(())
        }
        Speaker::Turn(role) => turns.push(role, text, role_name, role_field),
    }
}

/// A message's content: a string, or the joined texts of a non-empty
/// array of text parts.
fn content_text<'a>(
    content: Option<TextOrParts<'a>>,
    field: &str,
) -> Result<Cow<'a, str>, RecordProblem> {
    let expected = r#"a string or an array of text parts [{"type": "text", "text": "..."}]"#;
    match content {
        Some(TextOrParts::Str(text)) => {
            check_not_blank(&text, || field.to_owned())?;
            Ok(text)
        }
        Some(TextOrParts::Parts(parts)) if parts.is_empty() => {
            Err(RecordProblem::shape(field, expected, "an empty array"))
        }
        Some(TextOrParts::Parts(parts)) => {
            let texts = text_parts(parts, field)?;
            Ok(join(texts).unwrap_or_default())
        }
        Some(TextOrParts::Other(kind)) => {
            Err(RecordProblem::shape(field, expected, kind.to_string()))
        }
        None => Err(RecordProblem::shape(field, expected, NO_SUCH_KEY)),
    }
}

/// The texts of an array of text parts at `field`.
fn text_parts<'a>(
    parts: Vec<Object<RawPart<'a>>>,
    field: &str,
) -> Result<Vec<Cow<'a, str>>, RecordProblem> {
    let mut texts = Vec::with_capacity(parts.len());
    for (index, part) in parts.into_iter().enumerate() {
        let part_field = format!("{field}[{index}]");
        let part = match part {
            Object::Fields(part) => part,
            Object::Other(kind) => {
                return Err(RecordProblem::shape(
                    part_field,
                    r#"a text part {"type": "text", "text": "..."}"#,
                    kind.to_string(),
                ));
            }
        };
        match &part.kind {
            Some(Text::Str(kind)) if kind == "text" => {}
            other => {
                return Err(RecordProblem::shape(
                    format!("{part_field}.type"),
                    r#""text" (only text parts are supported)"#,
                    describe_text(other.as_ref()),
                ));
            }
        }
        texts.push(non_empty_text(part.text, || format!("{part_field}.text"))?);
    }
    Ok(texts)
}
