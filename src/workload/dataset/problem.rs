//! What is wrong with one record, before the file and line are known:
//! malformed JSON, or a field that is not what its format needs.

use super::error::DatasetError;
use std::borrow::Cow;

use super::json_shape::Text;

/// Longest string value (in characters) that messages quote in full.
const QUOTED_CHARS: usize = 40;

/// Why a record cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RecordProblem {
    /// The record is not valid JSON.
    Syntax {
        /// Lines from the record's first line to the mistake (0: the
        /// record's first line).
        line_offset: usize,
        /// serde_json's message, with the column.
        message: String,
    },
    /// A field is missing or of the wrong shape.
    Shape {
        /// The field's path (`messages[2].content`), empty for the record.
        field: String,
        /// What the field must be.
        expected: String,
        /// What it is.
        found: String,
    },
}

impl RecordProblem {
    /// A problem with `field`.
    pub fn shape(
        field: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> RecordProblem {
        RecordProblem::Shape {
            field: field.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// serde_json's error for a record's bytes.
    pub fn syntax(error: &serde_json::Error) -> RecordProblem {
        let text = error.to_string();
        let location = format!(" at line {} column {}", error.line(), error.column());
        let message = match text.strip_suffix(&location) {
            Some(message) => format!("{message} at column {}", error.column()),
            None => text,
        };
        RecordProblem::Syntax {
            line_offset: error.line().saturating_sub(1),
            message,
        }
    }

    /// The 1-based line of the problem in a record starting at
    /// `record_line`.
    pub fn line(&self, record_line: usize) -> usize {
        match self {
            RecordProblem::Syntax { line_offset, .. } => record_line + line_offset,
            RecordProblem::Shape { .. } => record_line,
        }
    }

    /// The problem as a sentence without file and line.
    pub fn reason(&self) -> String {
        match self {
            RecordProblem::Syntax { message, .. } => format!("malformed JSON: {message}"),
            RecordProblem::Shape {
                field,
                expected,
                found,
            } if field.is_empty() => format!("expected {expected}, found {found}"),
            RecordProblem::Shape {
                field,
                expected,
                found,
            } => format!("{field}: expected {expected}, found {found}"),
        }
    }

    /// The problem as an error in `file`, for a record starting at
    /// `record_line`.
    pub fn into_error(self, file: &str, record_line: usize) -> DatasetError {
        let line = self.line(record_line);
        match self {
            RecordProblem::Syntax { message, .. } => DatasetError::Syntax {
                file: file.to_owned(),
                line,
                message,
            },
            RecordProblem::Shape {
                field,
                expected,
                found,
            } => DatasetError::Record {
                file: file.to_owned(),
                line,
                field,
                expected,
                found,
            },
        }
    }
}

/// What a missing key is reported as.
pub(crate) const NO_SUCH_KEY: &str = "no such key";

/// `text` as a JSON string, shortened to its first characters when long:
/// `"tool"`, `"a long tex..."`.
pub(crate) fn quoted(text: &str) -> String {
    let mut shown: String = text.chars().take(QUOTED_CHARS).collect();
    if shown.len() < text.len() {
        shown.push_str("...");
    }
    serde_json::to_string(&shown).unwrap_or_else(|_| format!("{shown:?}"))
}

/// A lenient string as found: the quoted string, its JSON kind, or
/// [`NO_SUCH_KEY`].
pub(crate) fn describe_text(value: Option<&Text<'_>>) -> String {
    match value {
        Some(Text::Str(text)) => quoted(text),
        Some(Text::Other(kind)) => kind.to_string(),
        None => NO_SUCH_KEY.to_owned(),
    }
}

/// `value` itself, if it is a string that is non-empty after trimming;
/// else the problem with `field` (a missing key or another kind is one
/// too).
pub(crate) fn non_empty_text<'a>(
    value: Option<Text<'a>>,
    field: impl FnOnce() -> String,
) -> Result<Cow<'a, str>, RecordProblem> {
    match value {
        Some(Text::Str(text)) => {
            check_not_blank(&text, field)?;
            Ok(text)
        }
        Some(Text::Other(kind)) => Err(RecordProblem::shape(field(), "a string", kind.to_string())),
        None => Err(RecordProblem::shape(field(), "a string", NO_SUCH_KEY)),
    }
}

/// A problem with `field` if `text` is empty after trimming.
pub(crate) fn check_not_blank(
    text: &str,
    field: impl FnOnce() -> String,
) -> Result<(), RecordProblem> {
    if !text.trim().is_empty() {
        return Ok(());
    }
    let found = if text.is_empty() {
        "an empty string"
    } else {
        "a string of only whitespace"
    };
    Err(RecordProblem::shape(field(), "a non-empty text", found))
}
