//! What can be wrong with a dataset file, each problem a sentence that
//! names the file, the 1-based line, what was expected and what was found.

use std::fmt;
use std::io;

/// A dataset that cannot be used, or a record that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file cannot be opened or read.
    #[error("{file}: cannot read the dataset: {source}")]
    Unreadable {
        /// The file, as given.
        file: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The file holds no record, or every record was skipped as invalid.
    #[error("{file}: no records: expected at least one record, found {found}")]
    Empty {
        /// The file, as given.
        file: String,
        /// What the file holds instead (`only whitespace`, `an empty
        /// array`, or how many records were skipped and why).
        found: String,
    },
    /// A record is not valid JSON.
    #[error("{file}:{line}: malformed JSON: {message}")]
    Syntax {
        /// The file, as given.
        file: String,
        /// The 1-based line of the mistake.
        line: usize,
        /// serde_json's message, with the column in the line.
        message: String,
    },
    /// The file's JSON array is broken (unterminated, a missing comma):
    /// its records cannot be told apart, so this is never skipped.
    #[error("{file}:{line}: malformed JSON array: expected {expected}, found {found}")]
    Structure {
        /// The file, as given.
        file: String,
        /// The 1-based line of the mistake.
        line: usize,
        /// What the array needs there.
        expected: String,
        /// What is there instead.
        found: String,
    },
    /// A record is valid JSON of the wrong shape, or breaks a rule of
    /// conversations.
    #[error(
        "{file}:{line}: {}expected {expected}, found {found}",
        field_prefix(field)
    )]
    Record {
        /// The file, as given.
        file: String,
        /// The 1-based line where the record starts.
        line: usize,
        /// The field's path in the record (`messages[2].content`), or
        /// empty for the record as a whole.
        field: String,
        /// What the field must be.
        expected: String,
        /// What it is.
        found: String,
    },
    /// [`Dataset::entry`](super::Dataset::entry) was asked for a record
    /// that does not exist.
    #[error("{file}: record index out of range: expected an index below {len}, found {index}")]
    IndexOutOfRange {
        /// The file, as given.
        file: String,
        /// The index asked for.
        index: usize,
        /// The number of records.
        len: usize,
    },
    /// A record read again for a call differs from what was checked when
    /// the dataset was opened: the file changed since.
    #[error("{file}:{line}: the file changed since the dataset was opened: {reason}")]
    Changed {
        /// The file, as given.
        file: String,
        /// The 1-based line where the record started.
        line: usize,
        /// What is wrong with the record now.
        reason: String,
    },
}

/// `field: `, or nothing for the record as a whole.
fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    }
}

/// A record left out of the dataset because it is invalid (with
/// [`DatasetOptions::skip_invalid`](super::DatasetOptions::skip_invalid)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    /// The 1-based line where the record starts.
    pub line: usize,
    /// Why it was skipped, without the file and line: `messages[1].role:
    /// expected "assistant" ..., found "user"`.
    pub reason: String,
}

impl fmt::Display for SkippedRecord {
    /// `line N: reason`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}
