//! The prompt of a scenario and where it came from.
//!
//! A scenario has exactly one source for its user message:
//!
//! - `text_prompt`: the text itself (the Python tool's only way);
//! - `prompt_file`: a UTF-8 text file, relative to the scenarios file's
//!   directory unless absolute, read at load time, trailing newlines trimmed;
//! - `synthetic_input_tokens`: a deterministic filler prompt of that many
//!   tokens by [`bedrock_catalog::tokens::estimate_tokens`], from
//!   [`bedrock_catalog::tokens::synthetic_prompt`]; or, given as a length
//!   distribution ([`LengthDistribution`]), a filler prompt of a length
//!   drawn per call;
//! - `dataset`: a file of prompts or conversations, one picked per call
//!   ([`super::dataset_field`]).
//!
//! Optionally a system prompt, from `system_prompt` (text) or
//! `system_prompt_file` (a file, like `prompt_file`), not both.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::dataset_field::{self, DatasetSource};
use super::fields::{Fields, quote};
use super::length_distribution::{LengthBounds, LengthDistribution, parse_length_distribution};
use crate::side_file::{self, MAX_SIDE_FILE_BYTES};

/// The largest accepted `synthetic_input_tokens`: generating the prompt
/// takes memory (about 8 bytes per token), so absurd values are refused at
/// load time instead of exhausting memory later.
pub const MAX_SYNTHETIC_INPUT_TOKENS: u32 = 10_000_000;

/// The lengths `synthetic_input_tokens` accepts.
pub const SYNTHETIC_INPUT_BOUNDS: LengthBounds = LengthBounds {
    min: 1,
    max: MAX_SYNTHETIC_INPUT_TOKENS,
};

/// The resolved prompt of a scenario: exactly what is sent (for a prompt
/// drawn per call, `user_text` is empty and the source says how it is
/// drawn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The text sent as the user message.
    pub user_text: String,
    /// The system prompt, if any.
    pub system: Option<String>,
    /// Where `user_text` came from.
    pub source: PromptSource,
}

/// Where a scenario's user message came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptSource {
    /// `text_prompt`, written in the scenarios file.
    Inline,
    /// `prompt_file`: the path that was read (already joined to the
    /// scenarios file's directory when the configured path is relative).
    File(PathBuf),
    /// `synthetic_input_tokens`: a generated prompt of this many tokens.
    Synthetic {
        /// The configured token count (>= 1).
        input_tokens: u32,
    },
    /// `synthetic_input_tokens` as a distribution: a filler prompt of a
    /// length drawn per call.
    SyntheticDrawn(LengthDistribution),
    /// `dataset`: a record of a file per call.
    Dataset(DatasetSource),
}

impl PromptSource {
    /// Whether the prompt is chosen per call (the scenario's `user_text`
    /// is then empty).
    pub fn is_drawn(&self) -> bool {
        matches!(
            self,
            PromptSource::SyntheticDrawn(_) | PromptSource::Dataset(_)
        )
    }
}

const USER_SOURCES: [&str; 4] = [
    "text_prompt",
    "prompt_file",
    "synthetic_input_tokens",
    "dataset",
];
const ONE_OF: &str = "`text_prompt`, `prompt_file`, `synthetic_input_tokens` or `dataset`";

/// Resolves the prompt keys of one scenario line, reading files relative to
/// `base_dir`. Returns `None` (with errors recorded in `fields`) when any
/// prompt key is invalid, no source or several sources are given, or a file
/// cannot be used.
pub(crate) fn resolve(fields: &mut Fields<'_>, base_dir: &Path) -> Option<Prompt> {
    let present: Vec<&str> = USER_SOURCES
        .into_iter()
        .filter(|key| fields.is_present(key))
        .collect();

    // Validate every source that is there, so all errors are reported.
    let text = fields.non_empty_text("text_prompt");
    let file = read_text_file(fields, "prompt_file", base_dir);
    let synthetic = synthetic(fields, base_dir);
    let dataset = dataset_field::parse(fields, base_dir);
    let system = resolve_system(fields, base_dir);

    let (user_text, source) = match present.as_slice() {
        [] => {
            fields.error(None, format!("one of {ONE_OF}"), "none of them");
            return None;
        }
        [_] => match (text, file, synthetic, dataset) {
            (Some(text), None, None, None) => (text, PromptSource::Inline),
            (None, Some((text, path)), None, None) => (text, PromptSource::File(path)),
            (None, None, Some(LengthDistribution::Fixed(tokens)), None) => (
                bedrock_catalog::tokens::synthetic_prompt(tokens),
                PromptSource::Synthetic {
                    input_tokens: tokens,
                },
            ),
            (None, None, Some(drawn), None) => (String::new(), PromptSource::SyntheticDrawn(drawn)),
            (None, None, None, Some(dataset)) => (String::new(), PromptSource::Dataset(dataset)),
            // The one source present is invalid; its error is recorded.
            _ => return None,
        },
        several => {
            fields.error(None, format!("only one of {ONE_OF}"), list_keys(several));
            return None;
        }
    };
    Some(Prompt {
        user_text,
        system: system?,
        source,
    })
}

/// `synthetic_input_tokens`: a whole number (a fixed length, as before)
/// or a length distribution.
fn synthetic(fields: &mut Fields<'_>, base_dir: &Path) -> Option<LengthDistribution> {
    let key = "synthetic_input_tokens";
    match fields.value(key)? {
        Value::Object(_) => {
            let value = fields.value(key)?;
            match parse_length_distribution(key, value, base_dir, SYNTHETIC_INPUT_BOUNDS) {
                Ok(drawn) => Some(drawn),
                Err(errors) => {
                    for (field, expected, found) in errors {
                        fields.error(Some(&field), expected, found);
                    }
                    None
                }
            }
        }
        _ => fields
            .integer(
                key,
                1,
                MAX_SYNTHETIC_INPUT_TOKENS.into(),
                "a positive integer",
            )
            .and_then(|tokens| u32::try_from(tokens).ok())
            .map(LengthDistribution::Fixed),
    }
}

/// The system prompt: `Some(None)` when there is none, `None` when it is
/// invalid (errors recorded).
fn resolve_system(fields: &mut Fields<'_>, base_dir: &Path) -> Option<Option<String>> {
    let both = fields.is_present("system_prompt") && fields.is_present("system_prompt_file");
    let inline = fields.non_empty_text("system_prompt");
    let file = read_text_file(fields, "system_prompt_file", base_dir);
    if both {
        fields.error(
            None,
            "at most one of `system_prompt` or `system_prompt_file`",
            "both",
        );
        return None;
    }
    let invalid = (fields.is_present("system_prompt") && inline.is_none())
        || (fields.is_present("system_prompt_file") && file.is_none());
    if invalid {
        return None;
    }
    Some(inline.or(file.map(|(text, _)| text)))
}

/// Reads the text file named by `key`: `None` when the key is absent, or
/// invalid / unreadable / not a regular file / longer than
/// [`MAX_SIDE_FILE_BYTES`] / not UTF-8 / empty (errors recorded). Returns
/// the text without trailing newlines, and the path read.
fn read_text_file(
    fields: &mut Fields<'_>,
    key: &str,
    base_dir: &Path,
) -> Option<(String, PathBuf)> {
    let name = fields.non_empty_string(key)?;
    let path = base_dir.join(&name);
    let shown = if Path::new(&name).is_absolute() || path.as_os_str() == name.as_str() {
        quote(&name)
    } else {
        format!("{} ({})", quote(&name), path.display())
    };
    let expected = format!(
        "a readable regular UTF-8 text file of at most {}",
        side_file::Bytes(MAX_SIDE_FILE_BYTES)
    );
    let bytes = match side_file::read_regular_file(&path, MAX_SIDE_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => {
            let found = format!("{shown}: {}", side_file::describe_error(&path, &error));
            fields.error(Some(key), expected, found);
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let found = format!("{shown}: not UTF-8 ({})", error.utf8_error());
            fields.error(Some(key), expected, found);
            return None;
        }
    };
    let text = text.trim_end_matches(['\n', '\r']);
    if let Some((at, c)) = super::json_line::forbidden_control(text, true) {
        let line = text.chars().take(at).filter(|c| *c == '\n').count() + 1;
        fields.error(
            Some(key),
            "a text file without control characters (tabs and line breaks are allowed)",
            format!(
                "{shown}: {} on line {line}",
                super::json_line::code_point(c)
            ),
        );
        return None;
    }
    if text.trim().is_empty() {
        fields.error(
            Some(key),
            "a file with a non-empty prompt",
            format!("{shown}: empty"),
        );
        return None;
    }
    Some((text.to_owned(), path))
}

/// `` `a` and `b` `` or `` `a`, `b` and `c` ``.
fn list_keys(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::error::SourceLocation;
    use serde_json::{Value, json};

    const KEYS: &[&str] = &[
        "text_prompt",
        "prompt_file",
        "synthetic_input_tokens",
        "system_prompt",
        "system_prompt_file",
    ];

    fn resolve_json(value: Value) -> (Option<Prompt>, Vec<String>) {
        let Value::Object(map) = value else {
            panic!("test input must be an object");
        };
        let mut fields = Fields::new(&map, SourceLocation::new("p.jsonl", 2), KEYS);
        let prompt = resolve(&mut fields, Path::new("/nonexistent-dir-for-tests"));
        let errors = fields.finish().iter().map(ToString::to_string).collect();
        (prompt, errors)
    }

    #[test]
    fn inline_prompt_with_system_prompt() {
        let (prompt, errors) =
            resolve_json(json!({"text_prompt": "Hi", "system_prompt": "Be brief."}));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            prompt,
            Some(Prompt {
                user_text: "Hi".to_owned(),
                system: Some("Be brief.".to_owned()),
                source: PromptSource::Inline,
            })
        );
    }

    #[test]
    fn synthetic_prompt_has_the_requested_token_count() {
        let (prompt, errors) = resolve_json(json!({"synthetic_input_tokens": 500}));
        assert!(errors.is_empty(), "{errors:?}");
        let prompt = prompt.expect("valid synthetic prompt");
        assert_eq!(prompt.source, PromptSource::Synthetic { input_tokens: 500 });
        assert_eq!(
            bedrock_catalog::tokens::estimate_tokens(&prompt.user_text),
            500
        );
        assert_eq!(prompt.system, None);
    }

    #[test]
    fn synthetic_prompt_must_be_a_positive_bounded_integer() {
        let (_, errors) = resolve_json(json!({"synthetic_input_tokens": 0}));
        assert_eq!(
            errors,
            ["p.jsonl:2: field `synthetic_input_tokens`: expected a positive integer, found 0"]
        );
        let (_, errors) = resolve_json(json!({"synthetic_input_tokens": 20_000_000}));
        assert_eq!(
            errors,
            [
                "p.jsonl:2: field `synthetic_input_tokens`: expected a positive integer \
              no larger than 10000000, found 20000000"
            ]
        );
    }

    #[test]
    fn no_prompt_source_is_an_error() {
        let (prompt, errors) = resolve_json(json!({"system_prompt": "x"}));
        assert_eq!(prompt, None);
        assert_eq!(
            errors,
            ["p.jsonl:2: expected one of `text_prompt`, `prompt_file`, \
              `synthetic_input_tokens` or `dataset`, found none of them"]
        );
    }

    #[test]
    fn two_or_three_prompt_sources_are_named() {
        let (prompt, errors) =
            resolve_json(json!({"text_prompt": "a", "synthetic_input_tokens": 5}));
        assert_eq!(prompt, None);
        assert_eq!(
            errors,
            [
                "p.jsonl:2: expected only one of `text_prompt`, `prompt_file`, \
              `synthetic_input_tokens` or `dataset`, found `text_prompt` and `synthetic_input_tokens`"
            ]
        );
        assert_eq!(
            list_keys(&["a", "b", "c"]),
            "`a`, `b` and `c`",
            "three sources"
        );
    }

    #[test]
    fn empty_text_prompt_is_an_error() {
        let (prompt, errors) = resolve_json(json!({"text_prompt": ""}));
        assert_eq!(prompt, None);
        assert_eq!(
            errors,
            ["p.jsonl:2: field `text_prompt`: expected a non-empty string, found \"\""]
        );
    }

    #[test]
    fn missing_prompt_file_names_the_field_and_the_path() {
        let (prompt, errors) = resolve_json(json!({"prompt_file": "missing.txt"}));
        assert_eq!(prompt, None);
        assert_eq!(errors.len(), 1);
        let expected_start = "p.jsonl:2: field `prompt_file`: expected a readable regular UTF-8 text \
                              file of at most 16 MiB (16777216 bytes), found \"missing.txt\" \
                              (/nonexistent-dir-for-tests/missing.txt): ";
        assert!(errors[0].starts_with(expected_start), "{}", errors[0]);
    }

    #[test]
    fn both_system_prompts_are_an_error() {
        let (prompt, errors) = resolve_json(json!({
            "text_prompt": "a", "system_prompt": "s", "system_prompt_file": "/nonexistent/s.txt"
        }));
        assert_eq!(prompt, None);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("field `system_prompt_file`"),
            "{errors:?}"
        );
        assert_eq!(
            errors[1],
            "p.jsonl:2: expected at most one of `system_prompt` or `system_prompt_file`, found both"
        );
    }
}
