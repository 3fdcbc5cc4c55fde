//! ShareGPT records: `{"id": "...", "conversations": [{"from": "human",
//! "value": "..."}, {"from": "gpt", "value": "..."}]}`. Leading `system`
//! turns become the system prompt.

use super::super::conversation::{Conversation, TurnSequence};
use super::super::detect::not_of_format;
use super::super::entry::Role;
use super::super::format::DatasetFormat;
use super::super::json_shape::{List, Object, Text};
use super::super::problem::{RecordProblem, describe_text, non_empty_text, quoted};
use super::super::raw::{RawRecord, RawShareGptTurn};
use super::{empty_list_found, record_id, system_string};

/// The speakers, as messages list them.
const SPEAKERS: &str =
    r#""human", "user", "gpt", "assistant", "chatgpt", "bard", "bing" or "system""#;

/// `record` as a ShareGPT record.
pub(super) fn check(record: RawRecord<'_>) -> Result<Conversation<'_>, RecordProblem> {
    if record.conversations.is_none() {
        return Err(not_of_format(DatasetFormat::ShareGpt, &record));
    }
    let id = record_id(record.id)?;
    let mut turns = TurnSequence::default();
    system_string(record.system, &mut turns)?;
    let conversation = match record.conversations {
        Some(List::Items(conversation)) => conversation,
        Some(List::Other(kind)) => {
            return Err(RecordProblem::shape(
                "conversations",
                "an array of turns",
                kind.to_string(),
            ));
        }
        None => Vec::new(),
    };
    let count = conversation.len();
    for (index, turn) in conversation.into_iter().enumerate() {
        let field = format!("conversations[{index}]");
        let turn = match turn {
            Object::Fields(turn) => turn,
            Object::Other(kind) => {
                return Err(RecordProblem::shape(
                    field,
                    r#"a turn {"from": ..., "value": "..."}"#,
                    kind.to_string(),
                ));
            }
        };
        add_turn(turn, &field, &mut turns)?;
    }
    turns.finish(id, "conversations", || empty_list_found(count))
}

/// Add one turn (at `field`) to `turns`.
fn add_turn<'a>(
    turn: RawShareGptTurn<'a>,
    field: &str,
    turns: &mut TurnSequence<'a>,
) -> Result<(), RecordProblem> {
    let from_field = || format!("{field}.from");
    let speaker = match &turn.from {
        Some(Text::Str(name)) => name.as_ref(),
        other => {
            return Err(RecordProblem::shape(
                from_field(),
                SPEAKERS,
                describe_text(other.as_ref()),
            ));
        }
    };
    let role = match speaker {
        "human" | "user" => Some(Role::User),
        "gpt" | "assistant" | "chatgpt" | "bard" | "bing" => Some(Role::Assistant),
        "system" if turns.has_turns() => {
            return Err(RecordProblem::shape(
                from_field(),
                r#""human" or "gpt" (a system turn comes only before the first human turn)"#,
                quoted(speaker),
            ));
        }
        "system" => None,
        other => {
            return Err(RecordProblem::shape(from_field(), SPEAKERS, quoted(other)));
        }
    };
    let text = non_empty_text(turn.value, || format!("{field}.value"))?;
    match role {
        None => {
            turns.push_system(text);
            Ok(())
        }
        Some(role) => turns.push(role, text, speaker, from_field),
    }
}
