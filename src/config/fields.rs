//! Typed access to the fields of one JSONL line, with precise errors.
//!
//! [`Fields`] wraps the JSON object of one line. Each getter returns `None`
//! when the key is absent (JSON `null` counts as absent) or when the value is
//! invalid; in the latter case it records a [`ConfigError`] naming the field,
//! what was expected and what was found (with its JSON type when the type is
//! wrong). The caller collects the errors with [`Fields::finish`].
//!
//! Also here: parsing a line into an object ([`parse_object`]) and the
//! did-you-mean suggestions for unknown keys and near-miss values.

use serde_json::{Map, Number, Value};

use super::error::{ConfigError, SourceLocation};
use super::json_line;

/// Strings longer than this many characters are shortened in messages.
const MAX_SHOWN_CHARS: usize = 60;

/// Parses one non-blank JSONL line into a JSON object.
///
/// Malformed JSON and JSON that is not an object are errors without a
/// field. serde_json's position is reported as a column only, since the
/// line number is already in the location. A key given twice (at any
/// depth) is an error naming it: JSON parsers keep the last value
/// silently, which would turn `"max_calls": 1, "max_calls": 1000` into a
/// budget of 1000.
pub(crate) fn parse_object(
    line: &str,
    location: &SourceLocation,
) -> Result<Map<String, Value>, Vec<ConfigError>> {
    let expected = "a JSON object";
    let parsed = match json_line::parse(line) {
        Ok(parsed) => parsed,
        Err(error) => {
            return Err(vec![ConfigError::new(
                location.clone(),
                None,
                expected,
                format!("malformed JSON ({})", json_error_text(&error)),
            )]);
        }
    };
    if !parsed.duplicates.is_empty() {
        return Err(parsed
            .duplicates
            .iter()
            .map(|path| {
                ConfigError::new(
                    location.clone(),
                    Some(&shown_key(path)),
                    "each key once (JSON keeps only the last of repeated keys, silently)",
                    "the key more than once",
                )
            })
            .collect());
    }
    match parsed.value {
        Value::Object(map) => Ok(map),
        other => Err(vec![ConfigError::new(
            location.clone(),
            None,
            expected,
            describe_found(&other),
        )]),
    }
}

/// A key as shown in messages: control characters escaped, long keys
/// shortened.
pub(crate) fn shown_key(key: &str) -> String {
    if json_line::forbidden_control(key, false).is_some() {
        shorten(&key.escape_debug().to_string())
    } else {
        shorten(key)
    }
}

/// serde_json's message with ` at line 1 column N` shortened to ` at column N`.
fn json_error_text(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&suffix) {
        Some(message) => format!("{message} at column {}", error.column()),
        None => text,
    }
}

/// `value` described with its JSON type, for type errors:
/// `string "ten"`, `number 42`, `boolean true`, `null`, `array [1,2]`,
/// `object {"a":1}`.
pub(crate) fn describe_found(value: &Value) -> String {
    match value {
        Value::String(text) => format!("string {}", quote(text)),
        Value::Number(number) => format!("number {number}"),
        Value::Bool(flag) => format!("boolean {flag}"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => format!("array {}", shorten(&value.to_string())),
        Value::Object(_) => format!("object {}", shorten(&value.to_string())),
    }
}

/// `text` as a JSON string literal, shortened when long:
/// `"abc"`, or `"abc..."... (200 characters)`.
pub(crate) fn quote(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_SHOWN_CHARS {
        json_string(text)
    } else {
        let head: String = text.chars().take(MAX_SHOWN_CHARS - 10).collect();
        format!("{}... ({count} characters)", json_string(&head))
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX_SHOWN_CHARS - 3).collect();
        format!("{head}...")
    }
}

/// The candidate that `word` most plausibly misspells, if any is close
/// enough: the same ignoring case, or Jaro-Winkler similarity >= 0.8, or at
/// most 3 edits (and fewer edits than half the longer word's length, so that
/// short unrelated words are not matched).
pub(crate) fn did_you_mean<'k>(word: &str, candidates: &[&'k str]) -> Option<&'k str> {
    let lower = word.to_lowercase();
    let mut best: Option<(&'k str, f64)> = None;
    for &candidate in candidates {
        if lower == candidate.to_lowercase() {
            return Some(candidate);
        }
        let similarity = strsim::jaro_winkler(&lower, candidate);
        let edits = strsim::levenshtein(&lower, candidate);
        let longer = lower.chars().count().max(candidate.chars().count());
        let convincing = similarity >= 0.8 || (edits <= 3 && edits * 2 < longer);
        if convincing && best.is_none_or(|(_, score)| similarity > score) {
            best = Some((candidate, similarity));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// The error for an unknown key: unknown keys are refused, so that a
/// misspelled setting (a budget, a performance config) never goes
/// unnoticed. Names the key it most likely misspells, or lists the known
/// keys.
pub(crate) fn unknown_key_error(
    location: &SourceLocation,
    key: &str,
    suggestion: Option<&str>,
    known: &[&str],
) -> ConfigError {
    let expected = match suggestion {
        Some(suggestion) => format!("a known key (did you mean `{suggestion}`?)"),
        None => format!(
            "a known key: {}",
            known
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    ConfigError::new(
        location.clone(),
        Some(&shown_key(key)),
        expected,
        "an unknown key",
    )
}

/// `"a" or "b"`, `"a", "b" or "c"`: the allowed values of an enum field.
fn list_options(options: &[&str]) -> String {
    let quoted: Vec<String> = options
        .iter()
        .map(|option| format!("\"{option}\""))
        .collect();
    match quoted.split_last() {
        None => "nothing".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The integer a JSON number holds, if it is one. A float with a zero
/// fraction (`10.0`, as Python's json writes it) counts as an integer.
fn integral(number: &Number) -> Option<i128> {
    if let Some(value) = number.as_u64() {
        return Some(value.into());
    }
    if let Some(value) = number.as_i64() {
        return Some(value.into());
    }
    let value = number.as_f64()?;
    // 1e38 is below i128::MAX, so the cast below is exact for these values.
    (value.is_finite() && value.fract() == 0.0 && value.abs() < 1e38).then_some(value as i128)
}

/// The fields of one JSON object (one line), with error collection.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    location: SourceLocation,
    known: &'static [&'static str],
    errors: Vec<ConfigError>,
}

impl<'a> Fields<'a> {
    /// Wraps `map`, the object found at `location`, whose valid keys are
    /// `known`.
    pub(crate) fn new(
        map: &'a Map<String, Value>,
        location: SourceLocation,
        known: &'static [&'static str],
    ) -> Self {
        Self {
            map,
            location,
            known,
            errors: Vec::new(),
        }
    }

    /// The value of `key`; `None` when absent or JSON `null`.
    pub(crate) fn value(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|value| !value.is_null())
    }

    /// Whether `key` has a non-null value.
    pub(crate) fn is_present(&self, key: &str) -> bool {
        self.value(key).is_some()
    }

    /// Records an error at this line.
    pub(crate) fn error(
        &mut self,
        field: Option<&str>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        self.errors.push(ConfigError::new(
            self.location.clone(),
            field,
            expected,
            found,
        ));
    }

    /// A string field, which may be empty (no control characters).
    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        self.string_with(key, "a string", false, false)
    }

    /// A string field that must not be empty or whitespace only (no
    /// control characters).
    pub(crate) fn non_empty_string(&mut self, key: &str) -> Option<String> {
        self.string_with(key, "a non-empty string", true, false)
    }

    /// Prompt text: a non-empty string which may hold tabs and line breaks,
    /// but no other control character.
    pub(crate) fn non_empty_text(&mut self, key: &str) -> Option<String> {
        self.string_with(key, "a non-empty string", true, true)
    }

    /// A required non-empty string field. When it is absent, the error says
    /// so (a misspelling of it is an unknown key, reported on its own).
    pub(crate) fn required_string(&mut self, key: &str) -> Option<String> {
        if self.map.get(key).is_none() {
            self.error(
                Some(key),
                "a non-empty string",
                "nothing (the field is required)",
            );
            return None;
        }
        match self.map.get(key) {
            Some(Value::Null) => {
                self.error(Some(key), "a non-empty string", "null");
                None
            }
            _ => self.non_empty_string(key),
        }
    }

    fn string_with(
        &mut self,
        key: &str,
        expected: &str,
        non_empty: bool,
        line_breaks: bool,
    ) -> Option<String> {
        match self.value(key)? {
            Value::String(text) if non_empty && text.trim().is_empty() => {
                self.error(Some(key), expected, quote(text));
                None
            }
            Value::String(text) => {
                if let Some((at, c)) = json_line::forbidden_control(text, line_breaks) {
                    let allowed = if line_breaks {
                        " (tabs and line breaks are allowed)"
                    } else {
                        ""
                    };
                    self.error(
                        Some(key),
                        format!("{expected} without control characters{allowed}"),
                        format!(
                            "{} at character {} in {}",
                            json_line::code_point(c),
                            at + 1,
                            quote(text)
                        ),
                    );
                    return None;
                }
                Some(text.clone())
            }
            other => {
                self.error(Some(key), expected, describe_found(other));
                None
            }
        }
    }

    /// An integer field in `min..=max`; `expected` describes the valid
    /// values (e.g. `a positive integer`); a value above `max` gets
    /// ` no larger than MAX` added to it.
    pub(crate) fn integer(&mut self, key: &str, min: u64, max: u64, expected: &str) -> Option<u64> {
        let value = self.value(key)?;
        let Value::Number(number) = value else {
            self.error(Some(key), expected, describe_found(value));
            return None;
        };
        let Some(integer) = integral(number) else {
            self.error(Some(key), expected, number.to_string());
            return None;
        };
        if integer < i128::from(min) {
            self.error(Some(key), expected, number.to_string());
            return None;
        }
        match u64::try_from(integer) {
            Ok(integer) if integer <= max => Some(integer),
            _ => {
                self.error(
                    Some(key),
                    format!("{expected} no larger than {max}"),
                    number.to_string(),
                );
                None
            }
        }
    }

    /// A field naming a file `what` (`a dataset file`): either its path,
    /// or an object with `file` and settings; the path and the object
    /// (`None` for the path form). `None` when absent or invalid (error
    /// recorded at `key` or `key.file`).
    pub(crate) fn path_or_object(
        &mut self,
        key: &str,
        what: &str,
    ) -> Option<(String, Option<&'a Map<String, Value>>)> {
        let value = self.value(key)?;
        match value {
            Value::String(file) if !file.trim().is_empty() => Some((file.clone(), None)),
            Value::Object(map) => match map.get("file") {
                Some(Value::String(file)) if !file.trim().is_empty() => {
                    Some((file.clone(), Some(map)))
                }
                other => {
                    let found = other.map_or_else(|| "none".to_owned(), describe_found);
                    self.error(
                        Some(&format!("{key}.file")),
                        format!("the path of {what}"),
                        found,
                    );
                    None
                }
            },
            other => {
                let found = describe_found(other);
                self.error(
                    Some(key),
                    format!("the path of {what}, or an object with `file`"),
                    found,
                );
                None
            }
        }
    }

    /// A boolean field; `None` when absent or invalid (error recorded).
    pub(crate) fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.value(key)? {
            Value::Bool(flag) => Some(*flag),
            other => {
                let found = describe_found(other);
                self.error(Some(key), "true or false", found);
                None
            }
        }
    }

    /// An integer field in `1..=max`.
    pub(crate) fn positive_u32(&mut self, key: &str, max: u32) -> Option<u32> {
        self.u32_field(key, 1, max, "a positive integer")
    }

    /// An integer field in `0..=max`.
    pub(crate) fn non_negative_u32(&mut self, key: &str, max: u32) -> Option<u32> {
        self.u32_field(key, 0, max, "a non-negative integer")
    }

    fn u32_field(&mut self, key: &str, min: u64, max: u32, expected: &str) -> Option<u32> {
        let value = self.integer(key, min, max.into(), expected)?;
        u32::try_from(value).ok()
    }

    /// A number field for which `valid` holds; `expected` describes the
    /// valid values (e.g. `a number from 0 to 1`).
    pub(crate) fn number(
        &mut self,
        key: &str,
        expected: &str,
        valid: impl Fn(f64) -> bool,
    ) -> Option<f64> {
        let value = self.value(key)?;
        let Value::Number(number) = value else {
            self.error(Some(key), expected, describe_found(value));
            return None;
        };
        match number.as_f64() {
            Some(float) if float.is_finite() && valid(float) => Some(float),
            _ => {
                self.error(Some(key), expected, number.to_string());
                None
            }
        }
    }

    /// A number field in `0..=1` (temperature, top_p).
    pub(crate) fn unit_interval(&mut self, key: &str) -> Option<f32> {
        let value = self.number(key, "a number from 0 to 1", |x| (0.0..=1.0).contains(&x))?;
        // In 0..=1 the conversion to f32 only rounds.
        Some(value as f32)
    }

    /// A string field that must be one of `options` (exact spelling). A near
    /// miss gets a did-you-mean in the error's `expected` text.
    pub(crate) fn choice<T: Copy>(&mut self, key: &str, options: &[(&str, T)]) -> Option<T> {
        let value = self.value(key)?;
        let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
        let mut expected = list_options(&names);
        let Value::String(text) = value else {
            self.error(Some(key), expected, describe_found(value));
            return None;
        };
        if let Some((_, choice)) = options.iter().find(|(name, _)| name == text) {
            return Some(*choice);
        }
        if let Some(suggestion) = did_you_mean(text, &names) {
            expected.push_str(&format!(" (did you mean \"{suggestion}\"?)"));
        }
        self.error(Some(key), expected, quote(text));
        None
    }

    /// The keys of this object that are not known, each with its
    /// did-you-mean suggestion if there is a convincing one, in key order.
    pub(crate) fn unknown_keys(&self) -> Vec<(&'a str, Option<&'static str>)> {
        let mut unknown: Vec<(&'a str, Option<&'static str>)> = self
            .map
            .keys()
            .filter(|key| !self.known.contains(&key.as_str()))
            .map(|key| (key.as_str(), did_you_mean(key, self.known)))
            .collect();
        unknown.sort_unstable();
        unknown
    }

    /// The errors recorded so far, in the order they were found.
    pub(crate) fn finish(self) -> Vec<ConfigError> {
        self.errors
    }
}

#[cfg(test)]
mod tests;
