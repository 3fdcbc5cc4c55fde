//! `guardrail`: a guardrail applied to every call of a scenario.
//!
//! ```json
//! "guardrail": {"id": "abc123def456", "version": "1", "mode": "async", "trace": "enabled"}
//! ```
//!
//! - `id`: the guardrail's identifier or ARN (Bedrock's pattern:
//!   lowercase letters and digits, or
//!   `arn:aws:bedrock:<region>:<account>:guardrail/<id>`);
//! - `version`: a version number (`1` to `99999999`) or `DRAFT`;
//! - `mode`: `sync` (the default: each chunk is held until checked) or
//!   `async` (chunks go out at once);
//! - `trace`: `disabled` (the default), `enabled` or `enabled_full`.

pub use bedrock_catalog::GuardrailTrace;
use bedrock_catalog::{GuardrailMode, guardrail_identifier_matches, guardrail_version_matches};
use serde_json::Value;

use super::fields::{describe_found, did_you_mean, quote};
use super::prompt_cache::choice;

/// The keys `guardrail` may have.
const KEYS: &[&str] = &["id", "version", "mode", "trace"];

/// A scenario's guardrail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Guardrail {
    /// `guardrailIdentifier`.
    pub id: String,
    /// `guardrailVersion`.
    pub version: String,
    /// `streamProcessingMode`.
    pub mode: GuardrailMode,
    /// `trace`.
    pub trace: GuardrailTrace,
}

impl Guardrail {
    /// `id:version`, as the raw CSV's `guardrail` column holds it.
    pub fn name(&self) -> String {
        format!("{}:{}", self.id, self.version)
    }
}

/// Parse a scenario's `guardrail` value; errors as (field, expected,
/// found).
pub(crate) fn parse(value: &Value) -> Result<Guardrail, Vec<(String, String, String)>> {
    let field = |key: &str| format!("guardrail.{key}");
    let Value::Object(map) = value else {
        return Err(vec![(
            "guardrail".into(),
            "an object with `id` and `version` (and `mode`, `trace`)".into(),
            describe_found(value),
        )]);
    };
    let mut errors = Vec::new();
    for key in map.keys().filter(|key| !KEYS.contains(&key.as_str())) {
        let expected = match did_you_mean(key, KEYS) {
            Some(suggestion) => format!("a known key (did you mean `{suggestion}`?)"),
            None => "a known key: `id`, `version`, `mode`, `trace`".into(),
        };
        errors.push((field(key), expected, "an unknown key".into()));
    }
    let mut text = |key: &str, matches: fn(&str) -> bool, expected: &str| -> Option<String> {
        match map.get(key) {
            Some(Value::String(text)) if matches(text) => Some(text.clone()),
            Some(Value::String(text)) => {
                errors.push((field(key), expected.into(), quote(text)));
                None
            }
            Some(Value::Number(number)) if key == "version" && matches(&number.to_string()) => {
                Some(number.to_string())
            }
            Some(other) => {
                errors.push((field(key), expected.into(), describe_found(other)));
                None
            }
            None => {
                errors.push((field(key), expected.into(), "nothing".into()));
                None
            }
        }
    };
    let id = text(
        "id",
        guardrail_identifier_matches,
        "a guardrail identifier (lowercase letters and digits) or its ARN",
    );
    let version = text(
        "version",
        guardrail_version_matches,
        "a version number from 1 to 99999999, or \"DRAFT\"",
    );
    let mode = match choice(map, "guardrail", "mode", &["sync", "async"], &mut errors) {
        Some("async") => GuardrailMode::Async,
        _ => GuardrailMode::Sync,
    };
    let trace = match choice(
        map,
        "guardrail",
        "trace",
        &["disabled", "enabled", "enabled_full"],
        &mut errors,
    ) {
        Some("enabled") => GuardrailTrace::Enabled,
        Some("enabled_full") => GuardrailTrace::EnabledFull,
        _ => GuardrailTrace::Disabled,
    };
    match (id, version) {
        (Some(id), Some(version)) if errors.is_empty() => Ok(Guardrail {
            id,
            version,
            mode,
            trace,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_guardrail_reads_with_its_defaults() {
        let guardrail = parse(&json!({"id": "abc123", "version": "DRAFT"})).expect("valid");
        assert_eq!(guardrail.mode, GuardrailMode::Sync);
        assert_eq!(guardrail.trace, GuardrailTrace::Disabled);
        assert_eq!(guardrail.name(), "abc123:DRAFT");
        let arn = "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123";
        let guardrail =
            parse(&json!({"id": arn, "version": 2, "mode": "async", "trace": "enabled"}))
                .expect("valid");
        assert_eq!(
            (guardrail.version.as_str(), guardrail.mode, guardrail.trace),
            ("2", GuardrailMode::Async, GuardrailTrace::Enabled)
        );
    }

    #[test]
    fn each_bad_part_is_named() {
        let fields = |value: Value| -> Vec<String> {
            parse(&value)
                .expect_err("invalid")
                .into_iter()
                .map(|(field, _, _)| field)
                .collect()
        };
        assert_eq!(fields(json!("abc")), ["guardrail"]);
        assert_eq!(
            fields(json!({"id": "ABC", "version": "1"})),
            ["guardrail.id"]
        );
        assert_eq!(fields(json!({"id": "abc"})), ["guardrail.version"]);
        assert_eq!(
            fields(json!({"id": "abc", "version": "0"})),
            ["guardrail.version"]
        );
        assert_eq!(
            fields(json!({"id": "abc", "version": "1", "mode": "later"})),
            ["guardrail.mode"]
        );
        assert_eq!(
            fields(json!({"id": "abc", "version": "1", "modes": "sync"})),
            ["guardrail.modes"]
        );
    }
}
