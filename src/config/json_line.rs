//! One JSONL line parsed strictly: a JSON value, plus every key that the
//! line (or an object nested in it) names more than once.
//!
//! `serde_json` keeps the last of duplicated keys silently, so that
//! `{"max_calls": 1, "max_calls": 1000}` would run with 1000. Parsing
//! through [`StrictValue`] builds the same [`Value`] but notes each
//! duplicate, with its path (`max_calls`, `tool_config.toolChoice`), so
//! that the loader can refuse the line.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A parsed line and the dotted paths of its duplicated keys, in the order
/// they were met.
#[derive(Debug)]
pub(crate) struct ParsedLine {
    /// The value, with the last occurrence of a duplicated key kept.
    pub value: Value,
    /// Every duplicated key, as a dotted path from the top object.
    pub duplicates: Vec<String>,
}

/// Parse `line` as JSON, noting duplicated keys.
pub(crate) fn parse(line: &str) -> Result<ParsedLine, serde_json::Error> {
    let duplicates = RefCell::new(Vec::new());
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let value = StrictValue {
        path: String::new(),
        duplicates: &duplicates,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(ParsedLine {
        value,
        duplicates: duplicates.into_inner(),
    })
}

/// A [`Value`] deserializer that records duplicated keys under `path`.
struct StrictValue<'a> {
    path: String,
    duplicates: &'a RefCell<Vec<String>>,
}

impl<'a> StrictValue<'a> {
    fn child(&self, key: &str) -> StrictValue<'a> {
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        StrictValue {
            path,
            duplicates: self.duplicates,
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        let mut index = 0usize;
        while let Some(item) = seq.next_element_seed(self.child(&index.to_string()))? {
            items.push(item);
            index += 1;
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.child(&key))?;
            if object.insert(key.clone(), value).is_some() {
                let path = self.child(&key).path;
                let mut duplicates = self.duplicates.borrow_mut();
                if !duplicates.contains(&path) {
                    duplicates.push(path);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

/// A control character that config text must not hold: C0 (below U+0020),
/// DEL and C1 (U+0080 to U+009F). `allow_line_breaks` permits tab, line
/// feed and carriage return (prompt text).
pub(crate) fn forbidden_control(text: &str, allow_line_breaks: bool) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && !(allow_line_breaks && matches!(c, '\t' | '\n' | '\r')))
}

/// What makes `text` (one JSON document, such as an emulator profile
/// file) less strict than a config line, in words: malformed JSON, a key
/// given twice, a control character (tabs and line breaks in strings
/// are allowed); `None` when there is nothing.
pub fn strict_json_problem(text: &str) -> Option<String> {
    let parsed = match parse(text.strip_prefix('\u{feff}').unwrap_or(text)) {
        Ok(parsed) => parsed,
        Err(error) => return Some(format!("expected JSON, found malformed JSON ({error})")),
    };
    if let Some(path) = parsed.duplicates.first() {
        return Some(format!(
            "expected each key once (JSON keeps only the last of repeated keys, silently), found `{path}` more than once"
        ));
    }
    nested_control(&parsed.value, "").map(|(path, c)| {
        format!(
            "expected text without control characters, found {} at `{path}`",
            code_point(c)
        )
    })
}

/// The first control character in `value`: in any key (never allowed),
/// or in any string (tabs and line breaks allowed, as in prompt text),
/// at any depth. Returns the dotted path of the key or string below
/// `path` (`tools.0.toolSpec.description`) and the character.
pub(crate) fn nested_control(value: &Value, path: &str) -> Option<(String, char)> {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) => forbidden_control(text, true).map(|(_, c)| (path.to_owned(), c)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| nested_control(item, &child(&index.to_string()))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if let Some((_, c)) = forbidden_control(key, false) {
                return Some((child(&key.escape_debug().to_string()), c));
            }
            nested_control(item, &child(key))
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// `U+001B` for a character.
pub(crate) fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicated_keys_are_noted_with_their_path() {
        let line = parse(r#"{"max_calls": 1, "a": {"b": 1, "b": 2}, "max_calls": 1000}"#)
            .expect("valid JSON");
        assert_eq!(line.duplicates, ["a.b", "max_calls"]);
        assert_eq!(line.value["max_calls"], 1000, "serde_json keeps the last");
        let clean = parse(r#"{"a": [{"b": 1}, {"b": 2}]}"#).expect("valid JSON");
        assert!(clean.duplicates.is_empty());
    }

    #[test]
    fn the_value_is_what_serde_json_gives() {
        let text = r#"{"x": [1, -2, 2.5, "s", null, true, {"y": {}}], "n": 18446744073709551615}"#;
        let strict = parse(text).expect("valid JSON").value;
        let plain: Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(strict, plain);
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(parse(r#"{"a": 1} x"#).is_err());
        assert!(parse(r#"{"a": 1"#).is_err());
    }

    #[test]
    fn control_characters_are_found() {
        assert_eq!(forbidden_control("ok", false), None);
        assert_eq!(forbidden_control("a\nb", false), Some((1, '\n')));
        assert_eq!(forbidden_control("a\nb\tc\r", true), None);
        assert_eq!(forbidden_control("a\u{1b}[31m", true), Some((1, '\u{1b}')));
        assert_eq!(forbidden_control("\u{0}", true), Some((0, '\u{0}')));
        assert_eq!(forbidden_control("\u{85}", true), Some((0, '\u{85}')));
        assert_eq!(code_point('\u{1b}'), "U+001B");
    }

    #[test]
    fn a_strict_document_has_no_repeated_key_nor_control_character() {
        assert_eq!(strict_json_problem("{\"all\": {\"a\": 1}}"), None);
        let repeated = strict_json_problem("{\"all\": {\"a\": 1, \"a\": 2}}").expect("repeated");
        assert!(
            repeated.contains("found `all.a` more than once"),
            "{repeated}"
        );
        let escape = strict_json_problem("{\"all\": \"\\u001b\"}").expect("ESC");
        assert!(escape.contains("U+001B at `all`"), "{escape}");
        assert!(strict_json_problem("{").is_some());
    }

    #[test]
    fn nested_control_characters_are_found_with_their_path() {
        let value = serde_json::json!({"tools": [{"toolSpec": {"name": "a",
            "description": "multi\nline\tok"}}, {"toolSpec": {"description": "x\u{1b}[31m"}}]});
        assert_eq!(
            nested_control(&value, "tool_config"),
            Some((
                "tool_config.tools.1.toolSpec.description".to_owned(),
                '\u{1b}'
            ))
        );
        let key = serde_json::json!({"a": {"b\nc": 1}});
        assert_eq!(nested_control(&key, ""), Some(("a.b\\nc".to_owned(), '\n')));
        assert_eq!(
            nested_control(&serde_json::json!({"a": ["x\r\n"]}), ""),
            None
        );
    }
}
