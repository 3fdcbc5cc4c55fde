//! Error and warning types of the config loaders.
//!
//! Every problem with a config file, including a file that cannot be read,
//! is a [`ConfigError`] naming the file, the 1-based line (0 for the file as
//! a whole), the field when there is one, what was expected and what was
//! found. A load collects all of them into [`ConfigErrors`].

use std::fmt;

use std::path::Path;

use crate::side_file::{Bytes, MAX_CONFIG_FILE_BYTES, SideFileError, describe_error};

/// Where a scenario, an experiment, an error or a warning comes from.
///
/// `file` is the path as the caller gave it (display form); `line` is
/// 1-based, or 0 when the message is about the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceLocation {
    /// The config file's path, as given by the caller.
    pub file: String,
    /// The 1-based line number, or 0 for the whole file.
    pub line: usize,
}

impl SourceLocation {
    /// A location in `file` at 1-based `line` (0: the whole file).
    pub fn new(file: impl Into<String>, line: usize) -> Self {
        Self {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for SourceLocation {
    /// `file:line`, or `file` alone for the whole file (line 0).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// A value and the warnings produced while loading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    /// What was loaded.
    pub value: T,
    /// Non-fatal findings (unknown keys, ignored lines), in file order.
    pub warnings: Vec<ConfigWarning>,
}

/// A non-fatal finding, such as an unknown key that is ignored.
///
/// Displays as `file:line: warning: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// Where the finding is.
    pub location: SourceLocation,
    /// What is wrong and what happens because of it.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.location, self.message)
    }
}

/// One problem that stops a config file from loading.
///
/// Displays as
/// ``file:line: field `name`: expected EXPECTED, found FOUND``, or without
/// the `` field `name`: `` part when the problem is not about one field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{location}: {}expected {expected}, found {found}",
    field_prefix(.field.as_deref())
)]
pub struct ConfigError {
    /// Where the problem is (line 0: the file as a whole).
    pub location: SourceLocation,
    /// The key the problem is about, if it is about one key.
    pub field: Option<String>,
    /// What a valid file has there, e.g. `a positive integer`.
    pub expected: String,
    /// What the file has there, e.g. `string "ten"`.
    pub found: String,
}

/// `` field `name`: `` or nothing.
fn field_prefix(field: Option<&str>) -> String {
    field.map_or_else(String::new, |field| format!("field `{field}`: "))
}

impl ConfigError {
    /// An error at `location`, about `field` if given.
    pub fn new(
        location: SourceLocation,
        field: Option<&str>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            location,
            field: field.map(str::to_owned),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// The error for a config file that cannot be read (missing, not a
    /// regular file, longer than [`MAX_CONFIG_FILE_BYTES`]): line 0 (the
    /// file as a whole), no field, the reason found.
    /// A missing file is `no such file`, with the file next to it that its
    /// name most likely misspells.
    pub fn unreadable(file: impl Into<String>, path: &Path, error: &SideFileError) -> Self {
        Self::new(
            SourceLocation::new(file, 0),
            None,
            format!(
                "a readable regular file of at most {}",
                Bytes(MAX_CONFIG_FILE_BYTES)
            ),
            describe_error(path, error),
        )
    }
}

/// Every error found in one config file (never empty when returned by a
/// loader).
///
/// Displays one [`ConfigError`] per line, in file order, without a trailing
/// newline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", one_per_line(.0))]
pub struct ConfigErrors(pub Vec<ConfigError>);

fn one_per_line(errors: &[ConfigError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ConfigErrors {
    /// The errors, in file order.
    pub fn errors(&self) -> &[ConfigError] {
        &self.0
    }

    /// How many errors there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (never true for a loader's result).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(error: ConfigError) -> Self {
        Self(vec![error])
    }
}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_with_field_displays_file_line_field_expected_found() {
        let error = ConfigError::new(
            SourceLocation::new("scenarios_config.jsonl", 3),
            Some("performance_config"),
            "\"standard\" or \"optimized\"",
            "\"fast\"",
        );
        assert_eq!(
            error.to_string(),
            "scenarios_config.jsonl:3: field `performance_config`: \
             expected \"standard\" or \"optimized\", found \"fast\""
        );
    }

    #[test]
    fn error_without_field_omits_the_field_part() {
        let error = ConfigError::new(
            SourceLocation::new("scenarios_config.jsonl", 4),
            None,
            "a JSON object",
            "malformed JSON (EOF while parsing an object at column 37)",
        );
        assert_eq!(
            error.to_string(),
            "scenarios_config.jsonl:4: expected a JSON object, \
             found malformed JSON (EOF while parsing an object at column 37)"
        );
    }

    #[test]
    fn an_unreadable_file_is_a_config_error_on_line_zero() {
        let os = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let path = Path::new("/nonexistent-dir-for-tests/missing.jsonl");
        let error = ConfigError::unreadable("missing.jsonl", path, &SideFileError::Io(os));
        assert_eq!(error.location, SourceLocation::new("missing.jsonl", 0));
        assert_eq!(error.field, None);
        assert_eq!(
            error.to_string(),
            "missing.jsonl: expected a readable regular file of at most 64 MiB (67108864 bytes), found no such file"
        );
    }

    #[test]
    fn errors_display_one_per_line() {
        let one = ConfigError::new(SourceLocation::new("f", 1), None, "a", "b");
        let two = ConfigError::new(SourceLocation::new("f", 2), Some("k"), "c", "d");
        let errors = ConfigErrors(vec![one, two]);
        assert_eq!(
            errors.to_string(),
            "f:1: expected a, found b\nf:2: field `k`: expected c, found d"
        );
        assert_eq!(errors.len(), 2);
        assert!(!errors.is_empty());
    }

    #[test]
    fn warning_displays_with_warning_marker() {
        let warning = ConfigWarning {
            location: SourceLocation::new("e.jsonl", 2),
            message: "line ignored".to_owned(),
        };
        assert_eq!(warning.to_string(), "e.jsonl:2: warning: line ignored");
    }
}
