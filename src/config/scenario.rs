//! One line of `scenarios_config.jsonl`: a model, a region, a performance
//! configuration and a prompt.
//!
//! Keys of the Python tool: `text_prompt`, `expected_output_tokens`
//! (default 100), `task_type` (default `Text-Generation`), `model_id`,
//! `region`, `performance_config`; the older notebook's alias
//! `inference_profile`; extensions: `scenario_name`, `prompt_file`,
//! `system_prompt`, `system_prompt_file`, `synthetic_input_tokens` (see
//! [`super::prompt`]).

use std::path::Path;

use bedrock_catalog::Api;
use serde_json::{Map, Value};

use super::catalog_checks;
use super::conversation_field::{self, Conversation};
use super::dataset_field;
use super::error::{ConfigError, ConfigWarning, SourceLocation};
use super::fields::{Fields, unknown_key_error};
use super::identifiers;
use super::latency_optimized;
use super::length_distribution::{LengthBounds, LengthDistribution, parse_length_distribution};
use super::prompt::{self, Prompt, PromptSource};
use super::variant::{self, Variant};

/// Every key a scenario line may have.
pub const SCENARIO_KEYS: &[&str] = &[
    "text_prompt",
    "expected_output_tokens",
    "task_type",
    "model_id",
    "region",
    "performance_config",
    "inference_profile",
    "scenario_name",
    "prompt_file",
    "system_prompt",
    "system_prompt_file",
    "synthetic_input_tokens",
    "api",
    "endpoint",
    "guardrail",
    "service_tier",
    "prompt_cache",
    "reasoning_budget_tokens",
    "tool_config",
    "additional_model_request_fields",
    "invoke_body",
    "weight",
    "dataset",
    "conversation",
    "cache_busting",
    "exact_input_tokens",
];

/// The largest accepted scenario `weight`.
pub const MAX_WEIGHT: u32 = 1_000_000;

/// `expected_output_tokens` when the line does not set it.
pub const DEFAULT_EXPECTED_OUTPUT_TOKENS: u32 = 100;

/// `task_type` when the line does not set it.
pub const DEFAULT_TASK_TYPE: &str = "Text-Generation";

/// The largest accepted `expected_output_tokens` (no model answers more).
pub const MAX_EXPECTED_OUTPUT_TOKENS: u32 = 1_000_000;

pub use bedrock_catalog::PerformanceConfig;

/// One benchmark scenario: what to call, where, and with what prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The file and 1-based line this scenario came from.
    pub source: SourceLocation,
    /// `scenario_name` if given, else `<model_id>/<variant label>@<region>`
    /// (see [`Scenario::variant_label`]).
    pub name: String,
    /// The model or inference profile id, e.g. `us.amazon.nova-pro-v1:0`
    /// (Bedrock's shape: [`bedrock_catalog::is_model_id`]).
    pub model_id: String,
    /// The AWS region, e.g. `us-east-2` (a region name's shape:
    /// [`bedrock_catalog::is_region_name`]).
    pub region: String,
    /// The configured performance setting; `None` means it is not sent.
    pub performance_config: Option<PerformanceConfig>,
    /// Sent as `maxTokens` (>= 1, default 100); with `output_tokens`, the
    /// largest length it can draw (what budgets and checks assume).
    pub expected_output_tokens: u32,
    /// `expected_output_tokens` given as a distribution: the answer length
    /// asked for (`maxTokens`) is drawn per call.
    pub output_tokens: Option<LengthDistribution>,
    /// Multi-turn sessions (`None`: every call is a single turn).
    pub conversation: Option<Conversation>,
    /// A marker no other call has at the very start of every request, so
    /// that no prompt cache it did not ask for can flatter it.
    pub cache_busting: bool,
    /// Size each synthetic prompt with CountTokens so that the request
    /// counts its target length exactly (where the model is counted).
    pub exact_input_tokens: bool,
    /// A free label carried into the results (default `Text-Generation`).
    pub task_type: String,
    /// The resolved prompt.
    pub prompt: Prompt,
    /// The other variant axes: service tier, prompt cache, reasoning,
    /// tools, additional request fields.
    pub variant: Variant,
    /// The scenario's share of an open-loop mix: each arrival picks a
    /// scenario with probability weight / sum of weights (a positive
    /// integer, default 1, at most [`MAX_WEIGHT`]). Unused by the closed
    /// loop, where every scenario makes its invocations.
    pub weight: u32,
}

impl Scenario {
    /// What reports show: the configured value, or `Standard` when absent
    /// (that is what Bedrock serves).
    pub fn reported_performance(&self) -> PerformanceConfig {
        self.performance_config
            .unwrap_or(PerformanceConfig::Standard)
    }

    /// The variant as one label: the reported performance config, then
    /// each other axis that is set, as `analyze` labels the calls
    /// (`standard`, `optimized+priority`, `standard+cache:read+ttl1h+think2048`;
    /// see [`Variant::label`]).
    pub fn variant_label(&self) -> String {
        self.variant.label(self.reported_performance().as_str())
    }

    /// Builds the scenario of one line from its JSON object. Prompt files
    /// are read relative to `base_dir`. Unknown keys and every invalid
    /// field are errors; warnings are findings that do not stop the load.
    pub(crate) fn from_object(
        map: &Map<String, Value>,
        location: SourceLocation,
        base_dir: &Path,
        warnings: &mut Vec<ConfigWarning>,
    ) -> Result<Self, Vec<ConfigError>> {
        let mut fields = Fields::new(map, location.clone(), SCENARIO_KEYS);
        let unknown: Vec<ConfigError> = fields
            .unknown_keys()
            .into_iter()
            .map(|(key, suggestion)| unknown_key_error(&location, key, suggestion, SCENARIO_KEYS))
            .collect();

        let model_id = identifiers::model_id(&mut fields, "model_id");
        let region = identifiers::region(&mut fields, "region");
        let performance_config = performance_config(&mut fields);
        let output_tokens = output_tokens(&mut fields, base_dir);
        let expected_output_tokens = output_tokens
            .as_ref()
            .map(|drawn| drawn.max_draw(OUTPUT_TOKEN_BOUNDS));
        let task_type = fields.string("task_type");
        let task_type = identifiers::label(&mut fields, "task_type", task_type);
        let scenario_name = fields.non_empty_string("scenario_name");
        let scenario_name = identifiers::label(&mut fields, "scenario_name", scenario_name);
        let weight = fields.positive_u32("weight", MAX_WEIGHT);
        let mut prompt = prompt::resolve(&mut fields, base_dir);
        let cache_busting = fields.boolean("cache_busting");
        if cache_busting == Some(true) && fields.is_present("prompt_cache") {
            fields.error(
                Some("cache_busting"),
                "no `cache_busting` with a `prompt_cache` (busting would defeat the cache the scenario asks for)",
                "both",
            );
        }
        let exact_input_tokens = fields.boolean("exact_input_tokens");
        if exact_input_tokens == Some(true) && !fields.is_present("synthetic_input_tokens") {
            fields.error(
                Some("exact_input_tokens"),
                "`exact_input_tokens` with a `synthetic_input_tokens` (it sizes synthetic prompts)",
                "no synthetic prompt",
            );
        }
        let has_dataset = fields.is_present("dataset");
        let conversation = conversation_field::parse(&mut fields, base_dir, has_dataset);
        if conversation.as_ref().is_some_and(|c| c.cache)
            && let Some(cache) = fields.value("prompt_cache")
            && cache.get("at").and_then(Value::as_str) == Some("messages")
        {
            fields.error(
                Some("conversation.cache"),
                "no `conversation.cache` with a `prompt_cache` at `messages` (both place cache points in the messages; keep one)",
                "both",
            );
        }
        let mut variant_warnings = Vec::new();
        let variant = variant::parse(
            &mut fields,
            model_id.as_deref(),
            expected_output_tokens.unwrap_or(DEFAULT_EXPECTED_OUTPUT_TOKENS),
            prompt
                .as_ref()
                .is_some_and(|prompt| prompt.system.is_some()),
            base_dir,
            &mut variant_warnings,
        );

        let http_api = matches!(variant.api, Api::OpenAiChat | Api::AnthropicMessages);
        if http_api && performance_config == Some(PerformanceConfig::Optimized) {
            fields.error(
                Some("performance_config"),
                format!(
                    "no `performance_config` \"optimized\" with `api` \"{}\" ({})",
                    variant.api,
                    variant::unsent_reason(variant.api)
                ),
                "one",
            );
        }
        if !matches!(variant.api, Api::ConverseStream | Api::Converse)
            && conversation.as_ref().is_some_and(|c| c.cache)
        {
            fields.error(
                Some("conversation.cache"),
                format!(
                    "no `conversation.cache` with `api` \"{}\" (cache points are sent through ConverseStream and Converse only)",
                    variant.api
                ),
                "true",
            );
        }

        if exact_input_tokens == Some(true)
            && let Some(model_id) = &model_id
            && !bedrock_catalog::model(model_id).is_some_and(|m| m.counts_tokens)
        {
            variant_warnings.push(format!(
                "`exact_input_tokens`: the built-in catalog does not list token counting (CountTokens) for {model_id}, so its prompts are sized by the estimate (`counted_input_tokens` stays empty)"
            ));
        }
        if let (Some(model_id), Some(region)) = (&model_id, &region) {
            catalog_checks::check(
                &mut fields,
                model_id,
                region,
                expected_output_tokens.unwrap_or(DEFAULT_EXPECTED_OUTPUT_TOKENS),
                &mut variant_warnings,
            );
            if let Some(PromptSource::Dataset(source)) =
                prompt.as_mut().map(|prompt| &mut prompt.source)
                && let Some(info) = bedrock_catalog::model(model_id)
            {
                let answer = expected_output_tokens.unwrap_or(DEFAULT_EXPECTED_OUTPUT_TOKENS);
                let room = info.context_tokens.saturating_sub(answer);
                if let Some(warning) =
                    dataset_field::check_lengths(&mut fields, source, room, info.name)
                {
                    variant_warnings.push(warning);
                }
            }
        }
        let mut errors = unknown;
        errors.extend(fields.finish());
        match (model_id, region, prompt) {
            (Some(model_id), Some(region), Some(prompt)) if errors.is_empty() => {
                let reported = performance_config.unwrap_or(PerformanceConfig::Standard);
                if reported == PerformanceConfig::Optimized
                    && let Some(message) = latency_optimized::mismatch(&model_id, &region)
                {
                    warnings.push(ConfigWarning {
                        location: location.clone(),
                        message,
                    });
                }
                warnings.extend(variant::located(&location, variant_warnings));
                let label = variant.label(reported.as_str());
                Ok(Self {
                    name: scenario_name.unwrap_or_else(|| format!("{model_id}/{label}@{region}")),
                    source: location,
                    model_id,
                    region,
                    performance_config,
                    expected_output_tokens: expected_output_tokens
                        .unwrap_or(DEFAULT_EXPECTED_OUTPUT_TOKENS),
                    output_tokens: output_tokens
                        .filter(|drawn| !matches!(drawn, LengthDistribution::Fixed(_))),
                    conversation,
                    cache_busting: cache_busting.unwrap_or(false),
                    exact_input_tokens: exact_input_tokens.unwrap_or(false),
                    task_type: task_type.unwrap_or_else(|| DEFAULT_TASK_TYPE.to_owned()),
                    prompt,
                    variant,
                    weight: weight.unwrap_or(1),
                })
            }
            _ => Err(errors),
        }
    }
}

/// The lengths `expected_output_tokens` accepts.
pub const OUTPUT_TOKEN_BOUNDS: LengthBounds = LengthBounds {
    min: 1,
    max: MAX_EXPECTED_OUTPUT_TOKENS,
};

/// `expected_output_tokens`: a whole number (the Python tool's form) or a
/// length distribution drawn per call. `None` when absent or invalid
/// (errors recorded).
fn output_tokens(fields: &mut Fields<'_>, base_dir: &Path) -> Option<LengthDistribution> {
    let key = "expected_output_tokens";
    match fields.value(key)? {
        value @ Value::Object(_) => {
            match parse_length_distribution(key, value, base_dir, OUTPUT_TOKEN_BOUNDS) {
                Ok(drawn) => Some(drawn),
                Err(errors) => {
                    for (field, expected, found) in errors {
                        fields.error(Some(&field), expected, found);
                    }
                    None
                }
            }
        }
        _ => fields
            .positive_u32(key, MAX_EXPECTED_OUTPUT_TOKENS)
            .map(LengthDistribution::Fixed),
    }
}

/// `performance_config`, or its alias `inference_profile`; both present with
/// different values is an error.
fn performance_config(fields: &mut Fields<'_>) -> Option<PerformanceConfig> {
    let options = PerformanceConfig::ALL.map(|value| (value.as_str(), value));
    let primary = fields.choice("performance_config", &options);
    let alias = fields.choice("inference_profile", &options);
    match (primary, alias) {
        (Some(primary), Some(alias)) if primary != alias => {
            fields.error(
                Some("inference_profile"),
                "the same value as `performance_config` (it is an alias of it) or no value",
                format!("\"{alias}\" while `performance_config` is \"{primary}\""),
            );
            None
        }
        (primary, alias) => primary.or(alias),
    }
}

#[cfg(test)]
mod catalog_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod workload_tests;
