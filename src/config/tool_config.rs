//! `tool_config`: the tools a scenario's requests offer and which one the
//! model must use (`toolConfig` and `toolChoice` of the Converse API),
//! written inline or in a JSON file.
//!
//! ```json
//! "tool_config": {
//!   "tools": [{"toolSpec": {"name": "get_weather", "description": "...",
//!              "inputSchema": {"json": {"type": "object", "properties": {...}}}}}],
//!   "toolChoice": {"tool": {"name": "get_weather"}}
//! }
//! ```
//!
//! or `"tool_config": "tools/weather.json"` (relative to the scenarios
//! file's directory), whose content is that object. `toolChoice` is
//! `{"auto": {}}`, `{"any": {}}` or `{"tool": {"name": ...}}`; absent, none
//! is sent (the model decides, like `auto`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::fields::{describe_found, did_you_mean, quote, shown_key};
use super::json_line;
use crate::side_file::{self, MAX_SIDE_FILE_BYTES};

/// A tool name as Bedrock accepts it: 1 to 64 of `[a-zA-Z0-9_-]`.
fn valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// One tool a request offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolDefinition {
    /// `toolSpec.name`.
    pub name: String,
    /// `toolSpec.description`.
    pub description: Option<String>,
    /// `toolSpec.inputSchema.json`: a JSON schema object.
    pub input_schema: Value,
}

/// `toolChoice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoiceSetting {
    /// The model decides.
    Auto,
    /// The model must use a tool.
    Any,
    /// The model must use this tool.
    Tool(String),
}

impl ToolChoiceSetting {
    /// Whether the model is made to use a tool.
    pub fn forces_tool_use(&self) -> bool {
        !matches!(self, ToolChoiceSetting::Auto)
    }
}

/// A scenario's tools, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolSettings {
    /// The tools, in order.
    pub tools: Vec<ToolDefinition>,
    /// `toolChoice`; `None` sends none.
    pub choice: Option<ToolChoiceSetting>,
    /// The file it was read from, when not inline.
    pub file: Option<PathBuf>,
}

impl ToolSettings {
    /// How reports name the setting: `tools`, `tools:any`,
    /// `tools:get_weather`.
    pub fn label(&self) -> String {
        match &self.choice {
            None | Some(ToolChoiceSetting::Auto) => "tools".into(),
            Some(ToolChoiceSetting::Any) => "tools:any".into(),
            Some(ToolChoiceSetting::Tool(name)) => format!("tools:{name}"),
        }
    }
}

/// An error in `tool_config`: the field as a dotted path, what was
/// expected, what was found.
pub(crate) type ToolError = (String, String, String);

/// Parse `tool_config`: an object, or the name of a JSON file holding one
/// (relative to `base_dir`). The file is read as strictly as the
/// scenarios file: a regular file of at most
/// [`MAX_SIDE_FILE_BYTES`], UTF-8, each key once, no control character
/// (but tabs and line breaks in strings), at any depth; so is the inline
/// object.
pub(crate) fn parse(value: &Value, base_dir: &Path) -> Result<ToolSettings, Vec<ToolError>> {
    match value {
        Value::String(name) => {
            let path = base_dir.join(name);
            let shown = format!("{} ({})", quote(name), path.display());
            let value = read_file(&path, &shown)?;
            let mut settings = checked(&value).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|(field, expected, found)| {
                        (field, expected, format!("{found} in {shown}"))
                    })
                    .collect::<Vec<_>>()
            })?;
            settings.file = Some(path);
            Ok(settings)
        }
        other => checked(other),
    }
}

/// The JSON value of a tool config file, read strictly.
fn read_file(path: &Path, shown: &str) -> Result<Value, Vec<ToolError>> {
    let error = |expected: String, found: String| vec![("tool_config".to_owned(), expected, found)];
    let bytes = side_file::read_regular_file(path, MAX_SIDE_FILE_BYTES).map_err(|e| {
        error(
            format!(
                "a regular JSON file of at most {}",
                side_file::Bytes(MAX_SIDE_FILE_BYTES)
            ),
            format!("{shown}: {}", side_file::describe_error(path, &e)),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        error(
            "a UTF-8 JSON file".to_owned(),
            format!("{shown}: not UTF-8 ({})", e.utf8_error()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let parsed = json_line::parse(text).map_err(|e| {
        error(
            "a file holding one JSON object".to_owned(),
            format!("{shown}: {e}"),
        )
    })?;
    if !parsed.duplicates.is_empty() {
        return Err(parsed
            .duplicates
            .iter()
            .map(|path| {
                (
                    format!("tool_config.{}", shown_key(path)),
                    "each key once (JSON keeps only the last of repeated keys, silently)"
                        .to_owned(),
                    format!("the key more than once in {shown}"),
                )
            })
            .collect());
    }
    Ok(parsed.value)
}

/// [`parse_object`] after refusing control characters anywhere in `value`.
fn checked(value: &Value) -> Result<ToolSettings, Vec<ToolError>> {
    if let Some((at, c)) = json_line::nested_control(value, "tool_config") {
        return Err(vec![(
            at,
            "text without control characters (tabs and line breaks are allowed in strings)"
                .to_owned(),
            json_line::code_point(c),
        )]);
    }
    parse_object(value)
}

fn parse_object(value: &Value) -> Result<ToolSettings, Vec<ToolError>> {
    let Value::Object(map) = value else {
        return Err(vec![(
            "tool_config".into(),
            "an object with `tools` (and `toolChoice`), or a JSON file's name".into(),
            describe_found(value),
        )]);
    };
    let mut errors = Vec::new();
    unknown_keys(map, "tool_config", &["tools", "toolChoice"], &mut errors);
    let tools = match map.get("tools") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| tool(item, index, &mut errors))
            .collect(),
        other => {
            errors.push((
                "tool_config.tools".into(),
                "a non-empty array of {\"toolSpec\": ...}".into(),
                other.map_or("nothing (the field is required)".into(), describe_found),
            ));
            Vec::new()
        }
    };
    let choice = map
        .get("toolChoice")
        .filter(|value| !value.is_null())
        .and_then(|value| tool_choice(value, &tools, &mut errors));
    if errors.is_empty() {
        Ok(ToolSettings {
            tools,
            choice,
            file: None,
        })
    } else {
        Err(errors)
    }
}

fn tool(item: &Value, index: usize, errors: &mut Vec<ToolError>) -> Option<ToolDefinition> {
    let at = format!("tool_config.tools[{index}]");
    let Some(Value::Object(spec)) = item.get("toolSpec") else {
        errors.push((
            at,
            "{\"toolSpec\": {\"name\", \"inputSchema\": {\"json\": ...}}}".into(),
            describe_found(item),
        ));
        return None;
    };
    if let Value::Object(outer) = item {
        unknown_keys(outer, &at, &["toolSpec"], errors);
    }
    let at = format!("{at}.toolSpec");
    unknown_keys(spec, &at, &["name", "description", "inputSchema"], errors);
    let name = match spec.get("name") {
        Some(Value::String(name)) if valid_tool_name(name) => Some(name.clone()),
        other => {
            errors.push((
                format!("{at}.name"),
                "1 to 64 letters, digits, `_` or `-`".into(),
                other.map_or("nothing (the field is required)".into(), describe_found),
            ));
            None
        }
    };
    let description = match spec.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
        Some(other) => {
            errors.push((
                format!("{at}.description"),
                "a non-empty string".into(),
                describe_found(other),
            ));
            None
        }
    };
    let schema = match spec.get("inputSchema") {
        Some(Value::Object(schema)) => match schema.get("json") {
            Some(json @ Value::Object(_)) if schema.len() == 1 => Some(json.clone()),
            _ => None,
        },
        _ => None,
    };
    if schema.is_none() {
        errors.push((
            format!("{at}.inputSchema"),
            "{\"json\": <a JSON schema object>}".into(),
            spec.get("inputSchema")
                .map_or("nothing (the field is required)".into(), describe_found),
        ));
    }
    Some(ToolDefinition {
        name: name?,
        description,
        input_schema: schema?,
    })
}

fn tool_choice(
    value: &Value,
    tools: &[ToolDefinition],
    errors: &mut Vec<ToolError>,
) -> Option<ToolChoiceSetting> {
    let expected = "{\"auto\": {}}, {\"any\": {}} or {\"tool\": {\"name\": ...}}";
    let field = "tool_config.toolChoice".to_owned();
    let Value::Object(map) = value else {
        errors.push((field, expected.into(), describe_found(value)));
        return None;
    };
    let mut members = map.iter();
    let (Some((key, inner)), None) = (members.next(), members.next()) else {
        errors.push((field, expected.into(), describe_found(value)));
        return None;
    };
    match (key.as_str(), inner) {
        ("auto", Value::Object(empty)) if empty.is_empty() => Some(ToolChoiceSetting::Auto),
        ("any", Value::Object(empty)) if empty.is_empty() => Some(ToolChoiceSetting::Any),
        ("tool", Value::Object(named)) => match named.get("name") {
            Some(Value::String(name)) if tools.iter().any(|tool| &tool.name == name) => {
                Some(ToolChoiceSetting::Tool(name.clone()))
            }
            Some(Value::String(name)) => {
                let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_str()).collect();
                let suggestion = did_you_mean(name, &names)
                    .map(|s| format!(" (did you mean \"{s}\"?)"))
                    .unwrap_or_default();
                errors.push((
                    format!("{field}.tool.name"),
                    format!("the name of a tool in `tools`{suggestion}"),
                    quote(name),
                ));
                None
            }
            _ => {
                errors.push((
                    format!("{field}.tool"),
                    "{\"name\": <a tool's name>}".into(),
                    describe_found(inner),
                ));
                None
            }
        },
        _ => {
            errors.push((field, expected.into(), describe_found(value)));
            None
        }
    }
}

fn unknown_keys(map: &Map<String, Value>, at: &str, known: &[&str], errors: &mut Vec<ToolError>) {
    for key in map.keys().filter(|key| !known.contains(&key.as_str())) {
        let expected = match did_you_mean(key, known) {
            Some(suggestion) => format!("a known key (did you mean `{suggestion}`?)"),
            None => format!(
                "a known key: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        errors.push((format!("{at}.{key}"), expected, "an unknown key".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn weather() -> Value {
        json!({
            "tools": [{"toolSpec": {"name": "get_weather", "description": "Weather of a city",
                "inputSchema": {"json": {"type": "object",
                    "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}],
            "toolChoice": {"tool": {"name": "get_weather"}}
        })
    }

    #[test]
    fn inline_and_from_a_file() {
        let settings = parse(&weather(), Path::new(".")).expect("valid");
        assert_eq!(settings.tools[0].name, "get_weather");
        assert_eq!(
            settings.choice,
            Some(ToolChoiceSetting::Tool("get_weather".into()))
        );
        assert_eq!(settings.label(), "tools:get_weather");
        let dir = std::env::temp_dir().join(format!("bb-tools-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("tools.json"), weather().to_string()).expect("write");
        let from_file = parse(&json!("tools.json"), &dir).expect("valid file");
        assert_eq!(from_file.tools, settings.tools);
        assert_eq!(from_file.file, Some(dir.join("tools.json")));
        let missing = parse(&json!("nope.json"), &dir).expect_err("missing file");
        assert!(missing[0].2.contains("nope.json"), "{missing:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_tool_file_is_read_as_strictly_as_the_scenarios_file() {
        let dir = std::env::temp_dir().join(format!("bb-tools-strict-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let tools = weather().to_string();
        let repeated = tools.replacen(
            "\"tools\":",
            "\"toolChoice\": {\"auto\": {}}, \"tools\":",
            1,
        );
        std::fs::write(dir.join("repeated.json"), &repeated).expect("write");
        let errors = parse(&json!("repeated.json"), &dir).expect_err("a repeated key");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "tool_config.toolChoice");
        assert!(errors[0].1.starts_with("each key once"), "{errors:?}");
        assert!(errors[0].2.contains("repeated.json"), "{errors:?}");
        let escaped = tools.replace("Weather of a city", "Weather\\u001b[31m");
        std::fs::write(dir.join("escape.json"), escaped).expect("write");
        let errors = parse(&json!("escape.json"), &dir).expect_err("an ESC");
        assert_eq!(
            errors[0].0, "tool_config.tools.0.toolSpec.description",
            "{errors:?}"
        );
        assert!(
            errors[0].2.starts_with("U+001B in") && errors[0].2.contains("escape.json"),
            "{errors:?}"
        );
        let mut inline = weather();
        inline["tools"][0]["toolSpec"]["description"] = json!("a\u{7}b");
        let errors = parse(&inline, &dir).expect_err("a BEL inline");
        assert_eq!(errors[0].0, "tool_config.tools.0.toolSpec.description");
        inline["tools"][0]["toolSpec"]["description"] = json!("two\nlines\tok");
        assert!(parse(&inline, &dir).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn every_mistake_is_named_by_its_path() {
        let errors = parse(
            &json!({"tools": [{"toolSpec": {"name": "a b", "inputSchema": {}}}],
                    "toolChoice": {"tool": {"name": "get_wether"}}, "toolchoice": 1}),
            Path::new("."),
        )
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(f, _, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "tool_config.toolchoice",
                "tool_config.tools[0].toolSpec.name",
                "tool_config.tools[0].toolSpec.inputSchema",
                "tool_config.toolChoice.tool.name"
            ]
        );
        assert!(errors[0].1.contains("did you mean `toolChoice`"));
        assert!(parse(&json!({"tools": []}), Path::new(".")).is_err());
        let any = parse(
            &json!({"tools": weather()["tools"], "toolChoice": {"any": {}}}),
            Path::new("."),
        )
        .expect("any");
        assert!(any.choice.expect("set").forces_tool_use());
    }
}
