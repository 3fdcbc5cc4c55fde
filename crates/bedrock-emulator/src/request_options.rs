//! The request's options outside the conversation: `inferenceConfig`,
//! `performanceConfig`, `serviceTier` and the reasoning fields of
//! `additionalModelRequestFields`, each checked as Bedrock checks it.

use serde_json::{Map, Value};

use super::api_error::ApiError;
use bedrock_catalog::{PerformanceConfig, ServiceTier};

/// `inferenceConfig`, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InferenceOptions {
    /// `maxTokens`, when given.
    pub max_tokens: Option<u32>,
    /// `stopSequences` (empty when not given).
    pub stop_sequences: Vec<String>,
}

/// A ValidationException in Bedrock's "1 validation error detected" form.
pub fn constraint(value: &Value, path: &str, rule: &str) -> ApiError {
    let shown = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    ApiError::validation(format!(
        "1 validation error detected: Value '{shown}' at '{path}' failed to satisfy constraint: {rule}"
    ))
}

/// The object at `root[key]`, `None` when absent or null.
pub fn optional_object<'a>(
    root: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match root.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(object)) => Ok(Some(object)),
        Some(other) => Err(constraint(other, path, "Member must be a structure")),
    }
}

/// `inferenceConfig`: `maxTokens` >= 1, `temperature` and `topP` within
/// 0..1, `stopSequences` a list of non-empty strings.
pub fn inference_config(root: &Map<String, Value>) -> Result<InferenceOptions, ApiError> {
    let Some(config) = optional_object(root, "inferenceConfig", "inferenceConfig")? else {
        return Ok(InferenceOptions::default());
    };
    let max_tokens = match config.get("maxTokens") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let n = value.as_f64().filter(|n| n.fract() == 0.0);
            match n {
                Some(n) if n >= 1.0 => Some(n.min(f64::from(u32::MAX)) as u32),
                Some(_) => {
                    return Err(constraint(
                        value,
                        "inferenceConfig.maxTokens",
                        "Member must have value greater than or equal to 1",
                    ));
                }
                None => {
                    return Err(constraint(
                        value,
                        "inferenceConfig.maxTokens",
                        "Member must be an integer",
                    ));
                }
            }
        }
    };
    for field in ["temperature", "topP"] {
        let Some(value) = config.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        let path = format!("inferenceConfig.{field}");
        match value.as_f64() {
            Some(x) if (0.0..=1.0).contains(&x) => {}
            Some(x) if x < 0.0 => {
                return Err(constraint(
                    value,
                    &path,
                    "Member must have value greater than or equal to 0",
                ));
            }
            Some(_) => {
                return Err(constraint(
                    value,
                    &path,
                    "Member must have value less than or equal to 1",
                ));
            }
            None => return Err(constraint(value, &path, "Member must be a number")),
        }
    }
    let stop_sequences = match config.get("stopSequences") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                other => Err(constraint(
                    other,
                    &format!("inferenceConfig.stopSequences.{}", i + 1),
                    "Member must be a string of at least 1 character",
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(constraint(
                other,
                "inferenceConfig.stopSequences",
                "Member must be a list",
            ));
        }
    };
    Ok(InferenceOptions {
        max_tokens,
        stop_sequences,
    })
}

/// `performanceConfig.latency`, when given.
pub fn performance_config(
    root: &Map<String, Value>,
) -> Result<Option<PerformanceConfig>, ApiError> {
    let Some(config) = optional_object(root, "performanceConfig", "performanceConfig")? else {
        return Ok(None);
    };
    match config.get("latency") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "standard" => Ok(Some(PerformanceConfig::Standard)),
        Some(Value::String(s)) if s == "optimized" => Ok(Some(PerformanceConfig::Optimized)),
        Some(other) => Err(constraint(
            other,
            "performanceConfig.latency",
            "Member must satisfy enum value set: [standard, optimized]",
        )),
    }
}

/// `serviceTier.type`, when given: one of the four tiers (whether the
/// model offers it is checked against the catalog later).
pub fn service_tier(root: &Map<String, Value>) -> Result<Option<ServiceTier>, ApiError> {
    let Some(config) = optional_object(root, "serviceTier", "serviceTier")? else {
        return Ok(None);
    };
    match config.get("type") {
        None | Some(Value::Null) => Err(ApiError::validation(
            "1 validation error detected: Value null at 'serviceTier.type' failed to satisfy constraint: Member must not be null",
        )),
        Some(value) => value
            .as_str()
            .and_then(|s| s.parse::<ServiceTier>().ok())
            .map(Some)
            .ok_or_else(|| {
                constraint(
                    value,
                    "serviceTier.type",
                    "Member must satisfy enum value set: [priority, default, flex, reserved]",
                )
            }),
    }
}

/// Anthropic's extended thinking,
/// `additionalModelRequestFields.thinking = {"type": "enabled",
/// "budget_tokens": N}`: the budget when enabled, `None` when absent or
/// `{"type": "disabled"}`. Whether the model reasons, and the budget's
/// bounds, are checked against the catalog later.
pub fn thinking_budget(root: &Map<String, Value>) -> Result<Option<u32>, ApiError> {
    let Some(fields) = optional_object(
        root,
        "additionalModelRequestFields",
        "additionalModelRequestFields",
    )?
    else {
        return Ok(None);
    };
    let Some(thinking) = fields.get("thinking").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let bad = |what: &str| {
        ApiError::validation(format!(
            "The model returned the following errors: thinking: {what}"
        ))
    };
    let Value::Object(thinking) = thinking else {
        return Err(bad("Input should be an object"));
    };
    match thinking.get("type").and_then(Value::as_str) {
        Some("disabled") => return Ok(None),
        Some("enabled") => {}
        _ => {
            return Err(bad(
                "type: Input should be 'enabled' or 'disabled' (thinking.type)",
            ));
        }
    }
    let budget = thinking
        .get("budget_tokens")
        .and_then(Value::as_f64)
        .filter(|n| n.fract() == 0.0 && *n >= 0.0)
        .ok_or_else(|| bad("enabled.budget_tokens: Field required, an integer"))?;
    Ok(Some(budget.min(f64::from(u32::MAX)) as u32))
}
