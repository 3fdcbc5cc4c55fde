//! `toolConfig`: the tools a request offers, its `toolChoice`, which tool
//! the emulated model calls, and the input it passes.
//!
//! Rule: with `toolChoice` `{"tool": {"name": N}}` the model calls N; with
//! `{"any": {}}` it calls the first tool; with `{"auto": {}}` (or no
//! `toolChoice`) it calls the first tool, in `tools` order, whose name
//! appears in the text of the last user message, and answers with text
//! when none does.

use serde_json::{Map, Value, json};

use super::api_error::ApiError;
use super::request_content::ContentWalk;
use super::request_options::{constraint, optional_object};
use bedrock_catalog::tokens::estimate_tokens;

/// One `toolSpec`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    /// `name`.
    pub name: String,
    /// `inputSchema.json`.
    pub schema: Value,
}

/// `toolChoice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// `{"auto": {}}`, also when absent.
    Auto,
    /// `{"any": {}}`.
    Any,
    /// `{"tool": {"name": ...}}`.
    Tool(String),
}

/// A validated `toolConfig`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tools {
    /// The tools, in order.
    pub specs: Vec<ToolSpec>,
    /// The choice.
    pub choice: ToolChoice,
}

impl Tools {
    /// The tool the emulated model calls (see the module documentation).
    pub fn called(&self, last_user_text: &str) -> Option<&ToolSpec> {
        match &self.choice {
            ToolChoice::Tool(name) => self.specs.iter().find(|t| &t.name == name),
            ToolChoice::Any => self.specs.first(),
            ToolChoice::Auto => self
                .specs
                .iter()
                .find(|t| last_user_text.contains(t.name.as_str())),
        }
    }
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Parse `toolConfig` (tools are the first section of the prompt, so
/// their tokens and cache points go to `walk`).
pub fn tool_config(
    root: &Map<String, Value>,
    walk: &mut ContentWalk,
) -> Result<Option<Tools>, ApiError> {
    walk.section("tools");
    let Some(config) = optional_object(root, "toolConfig", "toolConfig")? else {
        return Ok(None);
    };
    let list = match config.get("tools") {
        Some(Value::Array(list)) => list,
        other => {
            return Err(constraint(
                other.unwrap_or(&Value::Null),
                "toolConfig.tools",
                "Member must be a list of at least 1 tool",
            ));
        }
    };
    let mut specs: Vec<ToolSpec> = Vec::new();
    for (i, tool) in list.iter().enumerate() {
        let path = format!("toolConfig.tools.{}", i + 1);
        if let Some(point) = tool.get("cachePoint") {
            walk.cache_point(point, &format!("{path}.cachePoint"))?;
            continue;
        }
        let Some(Value::Object(spec)) = tool.get("toolSpec") else {
            return Err(constraint(
                tool,
                &path,
                "Member must have exactly one of toolSpec or cachePoint",
            ));
        };
        let name = match spec.get("name") {
            Some(Value::String(name)) if valid_name(name) => name.clone(),
            other => {
                return Err(constraint(
                    other.unwrap_or(&Value::Null),
                    &format!("{path}.toolSpec.name"),
                    "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+ and have length between 1 and 64",
                ));
            }
        };
        if specs.iter().any(|t| t.name == name) {
            return Err(ApiError::validation(format!(
                "The toolConfig field has two tools named {name}. Tool names must be unique."
            )));
        }
        let schema = match spec.get("inputSchema").and_then(|s| s.get("json")) {
            Some(schema @ Value::Object(_)) => schema.clone(),
            other => {
                return Err(constraint(
                    other.unwrap_or(&Value::Null),
                    &format!("{path}.toolSpec.inputSchema.json"),
                    "Member must be a JSON object (a JSON schema)",
                ));
            }
        };
        walk.add(tool, estimate_tokens(&tool.to_string()));
        specs.push(ToolSpec { name, schema });
    }
    if specs.is_empty() {
        return Err(constraint(
            &Value::Array(list.clone()),
            "toolConfig.tools",
            "Member must contain at least 1 toolSpec",
        ));
    }
    let choice = tool_choice(config, &specs)?;
    Ok(Some(Tools { specs, choice }))
}

fn tool_choice(config: &Map<String, Value>, specs: &[ToolSpec]) -> Result<ToolChoice, ApiError> {
    let Some(choice) = optional_object(config, "toolChoice", "toolConfig.toolChoice")? else {
        return Ok(ToolChoice::Auto);
    };
    let keys: Vec<&str> = choice.keys().map(String::as_str).collect();
    match keys.as_slice() {
        ["auto"] => Ok(ToolChoice::Auto),
        ["any"] => Ok(ToolChoice::Any),
        ["tool"] => {
            let name = choice
                .get("tool")
                .and_then(|t| t.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if specs.iter().any(|t| t.name == name) {
                Ok(ToolChoice::Tool(name.to_string()))
            } else {
                Err(ApiError::validation(format!(
                    "The tool {name:?} named in toolConfig.toolChoice.tool.name is not in toolConfig.tools. Name one of: {}.",
                    specs
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
        _ => Err(constraint(
            &Value::Object(choice.clone()),
            "toolConfig.toolChoice",
            "Member must have exactly one of auto, any or tool",
        )),
    }
}

/// The input the model passes to a tool: an object with every property
/// of the schema (`string`: `"<name> value"` or the first `enum` value;
/// `number`: 1.5; `integer`: 1; `boolean`: true; `array`: []; `object`:
/// {}; anything else: null). Deterministic, and valid for simple schemas.
pub fn tool_input(schema: &Value) -> Value {
    let mut input = Map::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            let value = if let Some(first) = property
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
            {
                first.clone()
            } else {
                match property.get("type").and_then(Value::as_str) {
                    Some("string") => json!(format!("{name} value")),
                    Some("number") => json!(1.5),
                    Some("integer") => json!(1),
                    Some("boolean") => json!(true),
                    Some("array") => json!([]),
                    Some("object") => json!({}),
                    _ => Value::Null,
                }
            };
            input.insert(name.clone(), value);
        }
    }
    Value::Object(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Option<Tools>, ApiError> {
        let root: Value = serde_json::from_str(json).expect("json");
        tool_config(root.as_object().expect("object"), &mut ContentWalk::new())
    }

    const TOOLS: &str = r#"{"toolConfig":{"tools":[
        {"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"unit":{"type":"string","enum":["C","F"]}},"required":["city"]}}}},
        {"toolSpec":{"name":"lookup","inputSchema":{"json":{"type":"object"}}}}],
        "toolChoice": CHOICE}}"#;

    #[test]
    fn choices_pick_the_documented_tool() {
        let auto = parse(&TOOLS.replace("CHOICE", r#"{"auto":{}}"#))
            .expect("valid")
            .expect("tools");
        assert!(auto.called("What is the weather?").is_none());
        assert_eq!(
            auto.called("please lookup this").map(|t| t.name.as_str()),
            Some("lookup")
        );
        let any = parse(&TOOLS.replace("CHOICE", r#"{"any":{}}"#))
            .expect("valid")
            .expect("tools");
        assert_eq!(any.called("").map(|t| t.name.as_str()), Some("get_weather"));
        let named = parse(&TOOLS.replace("CHOICE", r#"{"tool":{"name":"lookup"}}"#))
            .expect("valid")
            .expect("tools");
        assert_eq!(named.called("").map(|t| t.name.as_str()), Some("lookup"));
        let err = parse(&TOOLS.replace("CHOICE", r#"{"tool":{"name":"nope"}}"#)).unwrap_err();
        assert!(err.message.contains("\"nope\""), "{}", err.message);
    }

    #[test]
    fn inputs_follow_the_schema() {
        let tools = parse(&TOOLS.replace("CHOICE", "null"))
            .expect("valid")
            .expect("tools");
        let input = tool_input(&tools.specs[0].schema);
        assert_eq!(input, json!({"city": "city value", "days": 1, "unit": "C"}));
    }

    #[test]
    fn bad_tools_are_refused() {
        assert!(parse(r#"{"toolConfig":{"tools":[]}}"#).is_err());
        assert!(
            parse(r#"{"toolConfig":{"tools":[{"toolSpec":{"name":"a b","inputSchema":{"json":{}}}}]}}"#)
                .unwrap_err()
                .message
                .contains("toolConfig.tools.1.toolSpec.name")
        );
    }
}
