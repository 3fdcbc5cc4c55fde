//! A scenario's `conversation`: multi-turn sessions whose context grows
//! with the model's real answers.
//!
//! ```json
//! "conversation": {"turns": 4, "think_time_ms": {"uniform": {"min": 500, "max": 3000}},
//!                  "follow_up_tokens": 40, "cache": true}
//! ```
//!
//! - `turns`: the user turns of a session (a whole number or a length
//!   distribution, from 1 to [`MAX_TURNS`]); with a `dataset`, at most
//!   that many of each record's user turns (all of them when absent).
//! - `think_time_ms`: the pause after an answer before the next turn
//!   (default 0).
//! - `follow_up_tokens`: the length of each later user message of a
//!   synthetic session (default 30); a dataset's sessions send the
//!   record's own user turns.
//! - `cache`: a cache point after the previous turn's user message and
//!   after this one's, so that each turn reads what the one before wrote.

use std::path::Path;

use serde_json::Value;

use super::fields::{Fields, describe_found};
use super::length_distribution::{LengthBounds, LengthDistribution, parse_length_distribution};

/// The most user turns of a session.
pub const MAX_TURNS: u32 = 100;
/// The longest think time, milliseconds (an hour).
pub const MAX_THINK_TIME_MS: u32 = 3_600_000;
/// The longest follow-up message, tokens.
pub const MAX_FOLLOW_UP_TOKENS: u32 = 100_000;
/// A synthetic session's follow-up messages when `follow_up_tokens` is
/// absent, tokens.
pub const DEFAULT_FOLLOW_UP_TOKENS: u32 = 30;

const KEYS: [&str; 4] = ["turns", "think_time_ms", "follow_up_tokens", "cache"];

/// The bounds of `turns`.
pub const TURN_BOUNDS: LengthBounds = LengthBounds {
    min: 1,
    max: MAX_TURNS,
};
/// The bounds of `think_time_ms`.
pub const THINK_TIME_BOUNDS: LengthBounds = LengthBounds {
    min: 0,
    max: MAX_THINK_TIME_MS,
};
/// The bounds of `follow_up_tokens`.
pub const FOLLOW_UP_BOUNDS: LengthBounds = LengthBounds {
    min: 1,
    max: MAX_FOLLOW_UP_TOKENS,
};

/// How a scenario's sessions go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// User turns per session (`None`: a dataset record's own).
    pub turns: Option<LengthDistribution>,
    /// The pause before each later turn, milliseconds.
    pub think_time_ms: LengthDistribution,
    /// The length of a synthetic session's later user messages, tokens.
    pub follow_up_tokens: LengthDistribution,
    /// Cache points so that each turn reads the conversation so far.
    pub cache: bool,
}

impl Conversation {
    /// The most user turns a session can have (a dataset's sessions: at
    /// most its records' user turns, given as `record_turns`).
    pub fn max_turns(&self, record_turns: Option<u32>) -> u32 {
        let drawn = self.turns.as_ref().map(|t| t.max_draw(TURN_BOUNDS));
        match (drawn, record_turns) {
            (Some(drawn), Some(record)) => drawn.min(record).max(1),
            (Some(drawn), None) => drawn,
            (None, Some(record)) => record.max(1),
            (None, None) => 1,
        }
    }

    /// In words, for plans: `sessions of 4 turns, think time 500..3000 ms,
    /// cached`.
    pub fn describe(&self) -> String {
        let turns = self
            .turns
            .as_ref()
            .map_or_else(|| "each record's".to_string(), LengthDistribution::describe);
        let mut text = format!("sessions of {turns} turns");
        if self.think_time_ms != LengthDistribution::Fixed(0) {
            text.push_str(&format!(
                ", think time {} ms",
                self.think_time_ms.describe()
            ));
        }
        if self.cache {
            text.push_str(", each turn reading the one before from the prompt cache");
        }
        text
    }
}

/// The `conversation` field; `None` when absent or invalid (errors
/// recorded). `has_dataset`: the scenario's prompts come from a dataset
/// (then `turns` may be left to its records).
pub(crate) fn parse(
    fields: &mut Fields<'_>,
    base_dir: &Path,
    has_dataset: bool,
) -> Option<Conversation> {
    let value = fields.value("conversation")?;
    let Value::Object(map) = value else {
        fields.error(
            Some("conversation"),
            "an object with `turns` (and `think_time_ms`, `follow_up_tokens`, `cache`)",
            describe_found(value),
        );
        return None;
    };
    let mut ok = true;
    let mut length = |fields: &mut Fields<'_>, key: &str, bounds: LengthBounds| {
        let value = map.get(key)?;
        match parse_length_distribution(&format!("conversation.{key}"), value, base_dir, bounds) {
            Ok(drawn) => Some(drawn),
            Err(errors) => {
                ok = false;
                for (field, expected, found) in errors {
                    fields.error(Some(&field), expected, found);
                }
                None
            }
        }
    };
    let turns = length(fields, "turns", TURN_BOUNDS);
    let think_time_ms = length(fields, "think_time_ms", THINK_TIME_BOUNDS);
    let follow_up_tokens = length(fields, "follow_up_tokens", FOLLOW_UP_BOUNDS);
    let cache = match map.get("cache") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(other) => {
            ok = false;
            fields.error(
                Some("conversation.cache"),
                "true or false",
                describe_found(other),
            );
            false
        }
    };
    for key in map.keys().filter(|key| !KEYS.contains(&key.as_str())) {
        ok = false;
        fields.error(
            Some(&format!("conversation.{key}")),
            format!("one of {}", KEYS.map(|k| format!("`{k}`")).join(", ")),
            "an unknown key",
        );
    }
    if turns.is_none() && !map.contains_key("turns") && !has_dataset {
        ok = false;
        fields.error(
            Some("conversation.turns"),
            "the number of user turns per session (a dataset's records give their own)",
            "none",
        );
    }
    if !ok {
        return None;
    }
    Some(Conversation {
        turns,
        think_time_ms: think_time_ms.unwrap_or(LengthDistribution::Fixed(0)),
        follow_up_tokens: follow_up_tokens
            .unwrap_or(LengthDistribution::Fixed(DEFAULT_FOLLOW_UP_TOKENS)),
        cache,
    })
}
