//! Bedrock Converse records: `{"messages": [{"role": "user", "content":
//! [{"text": "..."}]}], "system": [{"text": "..."}]}`, `system` optional
//! and also a plain string. Only text blocks.

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
use super::{empty_list_found, record_id};

/// A text block, as messages describe it.
const TEXT_BLOCK: &str = r#"a text block {"text": "..."} (only text blocks are supported)"#;

/// `record` as a Converse record.
pub(super) fn check(record: RawRecord<'_>) -> Result<Conversation<'_>, RecordProblem> {
    let Some(messages) = record.messages else {
        return Err(not_of_format(DatasetFormat::Converse, &record));
    };
    let id = record_id(record.id)?;
    let mut turns = TurnSequence::default();
    system(record.system, &mut turns)?;
    let messages = match messages {
        List::Items(messages) => messages,
        List::Other(kind) => {
            return Err(RecordProblem::shape(
                "messages",
                "an array of messages",
                kind.to_string(),
            ));
        }
    };
    let count = messages.len();
    for (index, message) in messages.into_iter().enumerate() {
        let field = format!("messages[{index}]");
        let message = match message {
            Object::Fields(message) => message,
            Object::Other(kind) => {
                return Err(RecordProblem::shape(
                    field,
                    r#"a message {"role": ..., "content": [...]}"#,
                    kind.to_string(),
                ));
            }
        };
        add_message(message, &field, &mut turns)?;
    }
    turns.finish(id, "messages", || empty_list_found(count))
}

/// Add one message (at `field`) to `turns`.
fn add_message<'a>(
    message: RawMessage<'a>,
    field: &str,
    turns: &mut TurnSequence<'a>,
) -> Result<(), RecordProblem> {
    let role_field = || format!("{field}.role");
    let (role, role_name) = match &message.role {
        Some(Text::Str(name)) if name == "user" => (Role::User, "user"),
        Some(Text::Str(name)) if name == "assistant" => (Role::Assistant, "assistant"),
        other => {
            return Err(RecordProblem::shape(
                role_field(),
                r#""user" or "assistant""#,
                describe_text(other.as_ref()),
            ));
        }
    };
    let content_field = format!("{field}.content");
    let blocks = match message.content {
        Some(TextOrParts::Parts(blocks)) => blocks,
        other => {
            let found = match other {
                Some(TextOrParts::Str(_)) => "a string".to_owned(),
                Some(TextOrParts::Other(kind)) => kind.to_string(),
                _ => NO_SUCH_KEY.to_owned(),
            };
            return Err(RecordProblem::shape(
                content_field,
                r#"an array of content blocks [{"text": "..."}]"#,
                found,
            ));
        }
    };
    let texts = text_blocks(blocks, &content_field)?;
    let text = join(texts).unwrap_or_default();
    turns.push(role, text, role_name, role_field)
}

/// A Converse `system`: a string or an array of text blocks.
fn system<'a>(
    system: Option<TextOrParts<'a>>,
    turns: &mut TurnSequence<'a>,
) -> Result<(), RecordProblem> {
    match system {
        None => Ok(()),
        Some(TextOrParts::Str(text)) => {
            check_not_blank(&text, || "system".to_owned())?;
            turns.push_system(text);
            Ok(())
        }
        Some(TextOrParts::Parts(blocks)) => {
            for text in text_blocks(blocks, "system")? {
                turns.push_system(text);
            }
            Ok(())
        }
        Some(TextOrParts::Other(kind)) => Err(RecordProblem::shape(
            "system",
            r#"a string or an array of text blocks [{"text": "..."}]"#,
            kind.to_string(),
        )),
    }
}

/// The texts of a non-empty array of text blocks at `field`.
fn text_blocks<'a>(
    blocks: Vec<Object<RawPart<'a>>>,
    field: &str,
) -> Result<Vec<Cow<'a, str>>, RecordProblem> {
    if blocks.is_empty() {
        return Err(RecordProblem::shape(
            field,
            "at least one text block",
            "an empty array",
        ));
    }
    let mut texts = Vec::with_capacity(blocks.len());
    for (index, block) in blocks.into_iter().enumerate() {
        let block_field = || format!("{field}[{index}]");
        let block = match block {
            Object::Fields(block) => block,
            Object::Other(kind) => {
                return Err(RecordProblem::shape(
                    block_field(),
                    TEXT_BLOCK,
                    kind.to_string(),
                ));
            }
        };
        if let Some(key) = &block.other_key {
            return Err(RecordProblem::shape(
                block_field(),
                TEXT_BLOCK,
                format!("a block with key {}", quoted(key)),
            ));
        }
        if block.kind.is_some() {
            return Err(RecordProblem::shape(
                block_field(),
                TEXT_BLOCK,
                r#"an object with a "type" key"#,
            ));
        }
        if block.text.is_none() {
            return Err(RecordProblem::shape(
                block_field(),
                TEXT_BLOCK,
                "an empty object",
            ));
        }
        texts.push(non_empty_text(block.text, || {
            format!("{}.text", block_field())
        })?);
    }
    Ok(texts)
}
