//! A request's guardrail: ConverseStream's `guardrailConfig`
//! (`GuardrailStreamConfiguration`), Converse's (`GuardrailConfiguration`),
//! or InvokeModel's headers (`X-Amzn-Bedrock-GuardrailIdentifier`,
//! `X-Amzn-Bedrock-GuardrailVersion`, `X-Amzn-Bedrock-Trace`) and the
//! native body's `amazon-bedrock-guardrailConfig.streamProcessingMode`,
//! each checked as Bedrock checks it (Amazon Bedrock API Reference,
//! "GuardrailStreamConfiguration", "InvokeModelWithResponseStream"; User
//! Guide, "Use a guardrail with streaming").

use http::HeaderMap;
use serde_json::{Map, Value};

use bedrock_catalog::{
    GUARDRAIL_IDENTIFIER_PATTERN as IDENTIFIER_PATTERN,
    GUARDRAIL_VERSION_PATTERN as VERSION_PATTERN,
    guardrail_identifier_matches as identifier_matches,
    guardrail_version_matches as version_matches,
};
pub use bedrock_catalog::{GuardrailMode, GuardrailTrace};

use crate::api_error::ApiError;
use crate::native::fields;
use crate::request_options::{constraint, optional_object};

/// The request header naming the guardrail (InvokeModel*).
pub const IDENTIFIER_HEADER: &str = "x-amzn-bedrock-guardrailidentifier";
/// The request header naming the guardrail's version (InvokeModel*).
pub const VERSION_HEADER: &str = "x-amzn-bedrock-guardrailversion";
/// The request header asking for the guardrail trace (InvokeModel*).
pub const TRACE_HEADER: &str = "x-amzn-bedrock-trace";
/// The native body's field that sets the stream processing mode; removed
/// before the family's body is read.
pub const NATIVE_CONFIG_FIELD: &str = "amazon-bedrock-guardrailConfig";

/// A guardrail a request asked for, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardrailRequest {
    /// `guardrailIdentifier`: an id or a guardrail ARN.
    pub identifier: String,
    /// `guardrailVersion`: a number or `DRAFT`.
    pub version: String,
    /// Whether the answer carries the trace.
    pub trace: GuardrailTrace,
    /// Sync or async checks of the output (streams only).
    pub mode: GuardrailMode,
}

impl GuardrailRequest {
    /// The guardrail's id: the identifier, or the last part of its ARN
    /// (the key of the trace's assessment maps).
    pub fn id(&self) -> &str {
        self.identifier
            .rsplit_once("guardrail/")
            .map_or(self.identifier.as_str(), |(_, id)| id)
    }

    /// `<identifier>:<version>`, as the ground truth names it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.identifier, self.version)
    }
}

/// Check the identifier and version (named `id_name`, `version_name` in
/// errors): both or neither; each matching Bedrock's pattern. `None`
/// when neither is given (or both are empty).
fn pair(
    identifier: Option<&str>,
    version: Option<&str>,
    id_name: &str,
    version_name: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let identifier = identifier.filter(|s| !s.is_empty());
    let version = version.filter(|s| !s.is_empty());
    match (identifier, version) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::validation(format!(
            "1 validation error detected: Value null at '{version_name}' failed to satisfy constraint: Member must not be null (a guardrail identifier needs a guardrail version)"
        ))),
        (None, Some(_)) => Err(ApiError::validation(format!(
            "1 validation error detected: Value null at '{id_name}' failed to satisfy constraint: Member must not be null (a guardrail version needs a guardrail identifier)"
        ))),
        (Some(identifier), Some(version)) => {
            if !identifier_matches(identifier) {
                return Err(constraint(
                    &Value::String(identifier.to_string()),
                    id_name,
                    &format!(
                        "Member must satisfy regular expression pattern: {IDENTIFIER_PATTERN}"
                    ),
                ));
            }
            if !version_matches(version) {
                return Err(constraint(
                    &Value::String(version.to_string()),
                    version_name,
                    &format!("Member must satisfy regular expression pattern: {VERSION_PATTERN}"),
                ));
            }
            Ok(Some((identifier.to_string(), version.to_string())))
        }
    }
}

/// A string member of `config`, or the error naming it.
fn string_member<'a>(
    config: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, ApiError> {
    match config.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(constraint(
            other,
            &format!("{path}.{key}"),
            "Member must be a string",
        )),
    }
}

/// Converse's and ConverseStream's `guardrailConfig`, when given.
pub fn converse_config(root: &Map<String, Value>) -> Result<Option<GuardrailRequest>, ApiError> {
    let path = "guardrailConfig";
    let Some(config) = optional_object(root, path, path)? else {
        return Ok(None);
    };
    let trace = match string_member(config, "trace", path)? {
        None | Some("disabled") => GuardrailTrace::Disabled,
        Some("enabled") => GuardrailTrace::Enabled,
        Some("enabled_full") => GuardrailTrace::EnabledFull,
        Some(other) => {
            return Err(constraint(
                &Value::String(other.to_string()),
                "guardrailConfig.trace",
                "Member must satisfy enum value set: [enabled, disabled, enabled_full]",
            ));
        }
    };
    let mode = match string_member(config, "streamProcessingMode", path)? {
        None | Some("sync") => GuardrailMode::Sync,
        Some("async") => GuardrailMode::Async,
        Some(other) => {
            return Err(constraint(
                &Value::String(other.to_string()),
                "guardrailConfig.streamProcessingMode",
                "Member must satisfy enum value set: [sync, async]",
            ));
        }
    };
    let identifier = string_member(config, "guardrailIdentifier", path)?;
    let version = string_member(config, "guardrailVersion", path)?;
    Ok(pair(
        identifier,
        version,
        "guardrailConfig.guardrailIdentifier",
        "guardrailConfig.guardrailVersion",
    )?
    .map(|(identifier, version)| GuardrailRequest {
        identifier,
        version,
        trace,
        mode,
    }))
}

/// The value of header `name` as text, `None` when absent; a header
/// that is not text is a ValidationException naming `member`.
pub(crate) fn header<'a>(
    headers: &'a HeaderMap,
    name: &str,
    member: &str,
) -> Result<Option<&'a str>, ApiError> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map_err(|_| constraint(&Value::Null, member, "Member must be a printable string"))
        })
        .transpose()
}

/// Take `amazon-bedrock-guardrailConfig` out of a native body (so that
/// the family's body is read without it): the stream processing mode it
/// sets, `None` when absent.
pub fn take_native_mode(root: &mut Map<String, Value>) -> Result<Option<GuardrailMode>, ApiError> {
    let Some(config) = root.remove(NATIVE_CONFIG_FIELD) else {
        return Ok(None);
    };
    let path = format!("#/{NATIVE_CONFIG_FIELD}");
    let config = match &config {
        Value::Null => return Ok(None),
        other => fields::as_object(other, &path)?,
    };
    match config.get("streamProcessingMode") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "SYNCHRONOUS" => Ok(Some(GuardrailMode::Sync)),
        Some(Value::String(s)) if s == "ASYNCHRONOUS" => Ok(Some(GuardrailMode::Async)),
        Some(Value::String(s)) => Err(fields::malformed(
            &format!("{path}/streamProcessingMode"),
            &format!("{s} is not a valid enum value (SYNCHRONOUS, ASYNCHRONOUS)"),
        )),
        Some(other) => Err(fields::wrong_type(
            &format!("{path}/streamProcessingMode"),
            "String",
            other,
        )),
    }
}

/// InvokeModel's guardrail: the identifier, version and trace headers,
/// and the mode taken from the body (`None`: sync).
pub fn invoke_config(
    headers: &HeaderMap,
    mode: Option<GuardrailMode>,
) -> Result<Option<GuardrailRequest>, ApiError> {
    let trace = match header(headers, TRACE_HEADER, "trace")? {
        None | Some("DISABLED") => GuardrailTrace::Disabled,
        Some("ENABLED") => GuardrailTrace::Enabled,
        Some("ENABLED_FULL") => GuardrailTrace::EnabledFull,
        Some(other) => {
            return Err(constraint(
                &Value::String(other.to_string()),
                "trace",
                "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_FULL] (header X-Amzn-Bedrock-Trace)",
            ));
        }
    };
    let identifier = header(headers, IDENTIFIER_HEADER, "guardrailIdentifier")?;
    let version = header(headers, VERSION_HEADER, "guardrailVersion")?;
    Ok(pair(
        identifier,
        version,
        "guardrailIdentifier (header X-Amzn-Bedrock-GuardrailIdentifier)",
        "guardrailVersion (header X-Amzn-Bedrock-GuardrailVersion)",
    )?
    .map(|(identifier, version)| GuardrailRequest {
        identifier,
        version,
        trace,
        mode: mode.unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn converse(config: Value) -> Result<Option<GuardrailRequest>, ApiError> {
        let root = json!({ "guardrailConfig": config });
        converse_config(root.as_object().expect("object"))
    }

    #[test]
    fn patterns_match_as_bedrock_s() {
        for good in [
            "abc123",
            "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123",
            "arn:aws-cn:bedrock:cn-north-1:123456789012:guardrail/x1",
        ] {
            assert!(identifier_matches(good), "{good}");
        }
        for bad in [
            "ABC",
            "a_b",
            "arn:aws:bedrock:us-east-1:12345678901:guardrail/abc",
            "arn:aws:bedrock:us-east-1:123456789012:guardrail/",
            "arn:aws:s3:us-east-1:123456789012:guardrail/abc",
            "arn:aws-:bedrock:us-east-1:123456789012:guardrail/abc",
        ] {
            assert!(!identifier_matches(bad), "{bad}");
        }
        for good in ["1", "12345678", "DRAFT"] {
            assert!(version_matches(good), "{good}");
        }
        for bad in ["0", "01", "123456789", "draft", "1.0"] {
            assert!(!version_matches(bad), "{bad}");
        }
    }

    #[test]
    fn converse_config_defaults_and_errors() {
        let r = converse(json!({"guardrailIdentifier": "gr1", "guardrailVersion": "DRAFT"}))
            .expect("valid")
            .expect("set");
        assert_eq!(
            (r.trace, r.mode),
            (GuardrailTrace::Disabled, GuardrailMode::Sync)
        );
        let r = converse(
            json!({"guardrailIdentifier": "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1",
            "guardrailVersion": "2", "trace": "enabled_full", "streamProcessingMode": "async"}),
        )
        .expect("valid")
        .expect("set");
        assert_eq!(r.id(), "gr1");
        assert_eq!(
            (r.trace, r.mode),
            (GuardrailTrace::EnabledFull, GuardrailMode::Async)
        );
        let cases = [
            (
                json!({"guardrailIdentifier": "gr1"}),
                "guardrailConfig.guardrailVersion",
            ),
            (
                json!({"guardrailVersion": "1"}),
                "guardrailConfig.guardrailIdentifier",
            ),
            (
                json!({"guardrailIdentifier": "GR", "guardrailVersion": "1"}),
                "'GR' at 'guardrailConfig.guardrailIdentifier'",
            ),
            (
                json!({"guardrailIdentifier": "gr", "guardrailVersion": "v1"}),
                "'v1' at 'guardrailConfig.guardrailVersion'",
            ),
            (
                json!({"guardrailIdentifier": "gr", "guardrailVersion": "1", "trace": "on"}),
                "'on' at 'guardrailConfig.trace'",
            ),
            (
                json!({"guardrailIdentifier": "gr", "guardrailVersion": "1", "streamProcessingMode": "SYNC"}),
                "'SYNC' at 'guardrailConfig.streamProcessingMode'",
            ),
        ];
        for (config, needle) in cases {
            let err = converse(config.clone()).expect_err("refused");
            assert_eq!(err.status, 400);
            assert!(err.message.contains(needle), "{config}: {}", err.message);
        }
    }

    #[test]
    fn invoke_headers_and_the_native_mode() {
        let mut headers = HeaderMap::new();
        assert_eq!(invoke_config(&headers, None), Ok(None));
        headers.insert(IDENTIFIER_HEADER, "gr1".parse().expect("value"));
        let err = invoke_config(&headers, None).expect_err("no version");
        assert!(err.message.contains("guardrailVersion"), "{}", err.message);
        headers.insert(VERSION_HEADER, "3".parse().expect("value"));
        headers.insert(TRACE_HEADER, "ENABLED".parse().expect("value"));
        let r = invoke_config(&headers, Some(GuardrailMode::Async))
            .expect("valid")
            .expect("set");
        assert_eq!(
            (r.trace, r.mode),
            (GuardrailTrace::Enabled, GuardrailMode::Async)
        );
        assert_eq!(r.label(), "gr1:3");
        headers.insert(TRACE_HEADER, "enabled".parse().expect("value"));
        let err = invoke_config(&headers, None).expect_err("lower case");
        assert!(
            err.message.contains("X-Amzn-Bedrock-Trace"),
            "{}",
            err.message
        );

        let mut root =
            json!({"prompt": "x", NATIVE_CONFIG_FIELD: {"streamProcessingMode": "ASYNCHRONOUS"}})
                .as_object()
                .cloned()
                .expect("object");
        assert_eq!(take_native_mode(&mut root), Ok(Some(GuardrailMode::Async)));
        assert!(!root.contains_key(NATIVE_CONFIG_FIELD));
        let mut root = json!({NATIVE_CONFIG_FIELD: {"streamProcessingMode": "async"}})
            .as_object()
            .cloned()
            .expect("object");
        let err = take_native_mode(&mut root).expect_err("casing");
        assert!(
            err.message.contains("streamProcessingMode"),
            "{}",
            err.message
        );
    }
}
