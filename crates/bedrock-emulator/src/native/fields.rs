//! Reading the fields of a native InvokeModel body, with the errors
//! Bedrock gives for a body of the wrong shape: `Malformed input request:
//! #/<path>: <problem>, please reformat your input and try again.`, the
//! path in JSON-pointer form (`#/messages/0/content`).

use serde_json::{Map, Value};

use crate::api_error::ApiError;

/// A ValidationException for the field at `path` (`#` is the body).
pub fn malformed(path: &str, problem: &str) -> ApiError {
    ApiError::validation(format!(
        "Malformed input request: {path}: {problem}, please reformat your input and try again."
    ))
}

/// A required key missing from the object at `path`.
pub fn required(path: &str, key: &str) -> ApiError {
    malformed(path, &format!("required key [{key}] not found"))
}

/// A value of the wrong JSON type at `path`.
pub fn wrong_type(path: &str, expected: &str, found: &Value) -> ApiError {
    malformed(
        path,
        &format!("expected type: {expected}, found: {}", type_name(found)),
    )
}

/// The JSON type of `value`, named as Bedrock's schema errors name it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

/// `path` followed by `key`.
pub fn child(path: &str, key: impl std::fmt::Display) -> String {
    format!("{path}/{key}")
}

/// The body as a JSON object.
pub fn object_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(root)) => Ok(root),
        Ok(other) => Err(wrong_type("#", "JSONObject", &other)),
        Err(e) => Err(ApiError::validation(format!(
            "Malformed input request: the body is not valid JSON ({e}), please reformat your input and try again."
        ))),
    }
}

/// `object[key]` unless absent or null.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

/// An integer of at least `min` at `object[key]`, `None` when absent.
pub fn integer(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
    min: u32,
) -> Result<Option<u32>, ApiError> {
    let Some(value) = present(object, key) else {
        return Ok(None);
    };
    let path = child(path, key);
    match value.as_u64() {
        Some(n) if n >= u64::from(min) => Ok(Some(u32::try_from(n).unwrap_or(u32::MAX))),
        Some(_) => Err(malformed(
            &path,
            &format!("{value} is not greater or equal to {min}"),
        )),
        None if value.as_i64().is_some() => Err(malformed(
            &path,
            &format!("{value} is not greater or equal to {min}"),
        )),
        None => Err(wrong_type(&path, "Integer", value)),
    }
}

/// A number within 0..=1 at `object[key]` (temperature, top-p), `None`
/// when absent.
pub fn unit_number(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<f64>, ApiError> {
    let Some(value) = present(object, key) else {
        return Ok(None);
    };
    let path = child(path, key);
    match value.as_f64() {
        Some(x) if (0.0..=1.0).contains(&x) => Ok(Some(x)),
        Some(x) if x < 0.0 => Err(malformed(
            &path,
            &format!("{value} is not greater or equal to 0"),
        )),
        Some(_) => Err(malformed(
            &path,
            &format!("{value} is not less or equal to 1"),
        )),
        None => Err(wrong_type(&path, "Number", value)),
    }
}

/// A list of non-empty strings at `object[key]` (stop sequences), empty
/// when absent.
pub fn string_list(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Vec<String>, ApiError> {
    let Some(value) = present(object, key) else {
        return Ok(Vec::new());
    };
    let path = child(path, key);
    let Value::Array(items) = value else {
        return Err(wrong_type(&path, "JSONArray", value));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            Value::String(_) => Err(malformed(
                &child(&path, i),
                "expected minLength: 1, actual: 0",
            )),
            other => Err(wrong_type(&child(&path, i), "String", other)),
        })
        .collect()
}

/// A non-blank string at `object[key]`, required.
pub fn text(object: &Map<String, Value>, key: &str, path: &str) -> Result<String, ApiError> {
    match object.get(key) {
        None => Err(required(path, key)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(malformed(
            &child(path, key),
            "text content must contain non-whitespace characters",
        )),
        Some(other) => Err(wrong_type(&child(path, key), "String", other)),
    }
}

/// A required array at `object[key]`.
pub fn array<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a Vec<Value>, ApiError> {
    match object.get(key) {
        None => Err(required(path, key)),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(wrong_type(&child(path, key), "JSONArray", other)),
    }
}

/// The object `value` at `path`.
pub fn as_object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(wrong_type(path, "JSONObject", other)),
    }
}

/// `object[key]` as a role: `user` or `assistant`.
pub fn role(object: &Map<String, Value>, path: &str) -> Result<&'static str, ApiError> {
    match object.get("role") {
        None => Err(required(path, "role")),
        Some(Value::String(s)) if s == "user" => Ok("user"),
        Some(Value::String(s)) if s == "assistant" => Ok("assistant"),
        Some(Value::String(s)) => Err(malformed(
            &child(path, "role"),
            &format!("{s} is not a valid enum value (user, assistant)"),
        )),
        Some(other) => Err(wrong_type(&child(path, "role"), "String", other)),
    }
}

/// The Converse body that stands for a native one: its messages, system
/// blocks and the inference options the plan uses.
#[derive(Debug, Default)]
pub struct ConverseParts {
    /// Converse `messages`.
    pub messages: Vec<Value>,
    /// Converse `system` blocks.
    pub system: Vec<Value>,
    /// `inferenceConfig.maxTokens`.
    pub max_tokens: Option<u32>,
    /// `inferenceConfig.stopSequences`.
    pub stop_sequences: Vec<String>,
}

impl ConverseParts {
    /// The Converse body.
    pub fn into_body(self) -> Map<String, Value> {
        let mut root = Map::new();
        root.insert("messages".into(), Value::Array(self.messages));
        if !self.system.is_empty() {
            root.insert("system".into(), Value::Array(self.system));
        }
        let mut inference = Map::new();
        if let Some(max_tokens) = self.max_tokens {
            inference.insert("maxTokens".into(), max_tokens.into());
        }
        if !self.stop_sequences.is_empty() {
            inference.insert("stopSequences".into(), self.stop_sequences.into());
        }
        root.insert("inferenceConfig".into(), Value::Object(inference));
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn errors_name_the_field_by_its_path() {
        let o = obj(json!({"n": "x", "t": 1.5, "s": ["a", 3], "m": -1}));
        let e = integer(&o, "n", "#", 1).unwrap_err();
        assert!(
            e.message
                .contains("#/n: expected type: Integer, found: String"),
            "{}",
            e.message
        );
        let e = integer(&o, "m", "#", 1).unwrap_err();
        assert!(
            e.message.contains("#/m: -1 is not greater or equal to 1"),
            "{}",
            e.message
        );
        let e = unit_number(&o, "t", "#").unwrap_err();
        assert!(
            e.message.contains("#/t: 1.5 is not less or equal to 1"),
            "{}",
            e.message
        );
        let e = string_list(&o, "s", "#").unwrap_err();
        assert!(
            e.message
                .contains("#/s/1: expected type: String, found: Integer"),
            "{}",
            e.message
        );
        let e = text(&o, "absent", "#").unwrap_err();
        assert!(e.message.contains("#: required key [absent] not found"));
        assert_eq!(e.status, 400);
        assert_eq!(integer(&o, "absent", "#", 1).unwrap(), None);
    }
}
