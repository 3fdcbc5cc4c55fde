//! The variant axes of a scenario beyond `performance_config`: `api`,
//! `service_tier`, `prompt_cache`, `reasoning_budget_tokens`,
//! `tool_config`, and `additional_model_request_fields` passed through as
//! raw JSON. Each is validated against the model catalog where the catalog
//! knows the model; what the catalog cannot know is a warning, never a
//! silent change.

use std::path::Path;

use bedrock_catalog::{Api, Endpoint, Family, Reasoning, ServiceTier};
use serde_json::{Map, Value};

use super::error::ConfigWarning;
use super::fields::{Fields, describe_found};
use super::guardrail::{self, Guardrail};
use super::json_line;
use super::prompt_cache::{self, CachePlacement, PromptCache};
use super::tool_config::{self, ToolSettings};
use crate::axes::{CacheState, VariantKey};

/// The smallest thinking budget Anthropic models accept, for models the
/// catalog does not list.
const ANTHROPIC_MIN_BUDGET: u32 = 1024;

/// A scenario's settings on every variant axis except the performance
/// config (which stays [`super::Scenario::performance_config`], as in the
/// Python tool).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variant {
    /// The inference API the calls go through (ConverseStream unless set).
    pub api: Api,
    /// The endpoint the API is called on (`bedrock-runtime` unless set).
    pub endpoint: Endpoint,
    /// The guardrail applied to every call, if any.
    pub guardrail: Option<Guardrail>,
    /// `serviceTier.type`; `None` sends none (Bedrock serves `default`).
    pub service_tier: Option<ServiceTier>,
    /// Where the cache point goes, and the shared prefix.
    pub prompt_cache: Option<PromptCache>,
    /// The reasoning budget, sent in the model family's field.
    pub reasoning_budget_tokens: Option<u32>,
    /// `toolConfig`.
    pub tools: Option<ToolSettings>,
    /// `additionalModelRequestFields`, passed through as written.
    pub additional_fields: Option<Map<String, Value>>,
    /// InvokeModelWithResponseStream's body, as written with its
    /// placeholders (`{{prompt}}`, `{{system}}`, `{{max_tokens}}`...),
    /// in place of the family's built one.
    pub invoke_body: Option<Map<String, Value>>,
}

impl Variant {
    /// The tier reports show: the one asked for, `default` when none was.
    pub fn reported_tier(&self) -> ServiceTier {
        self.service_tier.unwrap_or(ServiceTier::Default)
    }

    /// What a scenario's calls are expected to be on every axis, as
    /// `analyze` will label them from what they did: a fresh prefix per
    /// call writes the cache, a shared prefix is read (after the first
    /// call, which `analyze` labels `cache:write`).
    pub fn expected_key(&self, performance_config: &str) -> VariantKey {
        VariantKey {
            performance_config: performance_config.to_string(),
            api: self.api,
            endpoint: self.endpoint,
            guardrail: self.guardrail.as_ref().map(|guardrail| guardrail.mode),
            service_tier: self.service_tier,
            cache: self.prompt_cache.as_ref().map(|cache| {
                if cache.fresh {
                    CacheState::Write
                } else {
                    CacheState::Read
                }
            }),
            reasoning_budget_tokens: self.reasoning_budget_tokens.map(u64::from),
            tools: self.tools.as_ref().map(ToolSettings::label),
        }
    }

    /// The scenario's label after `performance_config`: its
    /// [`Variant::expected_key`]'s label (the one format `analyze` writes
    /// and reads), then what is sent but not an axis: the cache's time to
    /// live (`+ttl1h`), `+fields` for `additional_model_request_fields` and
    /// `+body` for an `invoke_body`.
    /// `standard+priority+cache:read+ttl1h+think2048+tools:any`.
    pub fn label(&self, performance_config: &str) -> String {
        let mut label = self.expected_key(performance_config).label();
        if let Some(ttl) = self.prompt_cache.as_ref().and_then(|cache| cache.ttl) {
            label.push_str("+ttl");
            label.push_str(ttl.as_str());
        }
        if self.additional_fields.is_some() {
            label.push_str("+fields");
        }
        if self.invoke_body.is_some() {
            label.push_str("+body");
        }
        label
    }

    /// `additionalModelRequestFields` as sent, without top-k: the raw
    /// pass-through plus the reasoning field of `model_id`'s family.
    pub fn request_fields(&self, model_id: &str) -> Option<Map<String, Value>> {
        let mut fields = self.additional_fields.clone().unwrap_or_default();
        if let Some(budget) = self.reasoning_budget_tokens
            && Family::of(model_id) == Family::Anthropic
        {
            fields.insert(
                "thinking".into(),
                serde_json::json!({"type": "enabled", "budget_tokens": budget}),
            );
        }
        (!fields.is_empty()).then_some(fields)
    }
}

/// What an API's requests carry, for the error that refuses a setting it
/// cannot carry here.
pub(crate) fn unsent_reason(api: Api) -> &'static str {
    match api {
        Api::InvokeStream => {
            "the native bodies carry the prompt, system prompt, lengths, sampling and the reasoning budget"
        }
        Api::OpenAiChat => {
            "Chat Completions requests carry the prompt, system prompt, max_tokens, temperature and top_p"
        }
        Api::AnthropicMessages => {
            "Messages requests carry the prompt, system prompt, max_tokens, sampling and the reasoning budget; Bedrock documents no performance or service-tier setting for them"
        }
        Api::ConverseStream | Api::Converse => "",
    }
}

/// The largest accepted `reasoning_budget_tokens` (also below any model's
/// largest output).
pub const MAX_REASONING_BUDGET_TOKENS: u32 = 1_000_000;

/// The variant of one scenario line; its errors go to `fields`, its
/// warnings to `warnings`. `max_tokens` is the line's
/// `expected_output_tokens` (for the reasoning budget's upper bound).
pub(crate) fn parse(
    fields: &mut Fields<'_>,
    model_id: Option<&str>,
    max_tokens: u32,
    has_system_prompt: bool,
    base_dir: &Path,
    warnings: &mut Vec<String>,
) -> Variant {
    let apis = Api::ALL.map(|api| (api.as_str(), api));
    let api = fields.choice("api", &apis).unwrap_or_default();
    let endpoints = Endpoint::ALL.map(|endpoint| (endpoint.as_str(), endpoint));
    let endpoint = fields.choice("endpoint", &endpoints).unwrap_or_default();
    let guardrail = fields
        .value("guardrail")
        .and_then(|value| report(fields, guardrail::parse(value)));
    let options = ServiceTier::ALL.map(|tier| (tier.as_str(), tier));
    let service_tier = fields.choice("service_tier", &options);
    let prompt_cache = fields
        .value("prompt_cache")
        .and_then(|value| report(fields, prompt_cache::parse(value)));
    let tools = fields
        .value("tool_config")
        .and_then(|value| report(fields, tool_config::parse(value, base_dir)));
    let additional_fields = match fields.value("additional_model_request_fields") {
        None => None,
        Some(value @ Value::Object(map)) => {
            match json_line::nested_control(value, "additional_model_request_fields") {
                None => Some(map.clone()),
                Some((at, c)) => {
                    fields.error(
                        Some(&at),
                        "text without control characters (tabs and line breaks are allowed in strings)",
                        json_line::code_point(c),
                    );
                    None
                }
            }
        }
        Some(other) => {
            let found = describe_found(other);
            fields.error(
                Some("additional_model_request_fields"),
                "a JSON object (sent as additionalModelRequestFields)",
                found,
            );
            None
        }
    };
    let invoke_body = match fields.value("invoke_body") {
        None => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(other) => {
            let found = describe_found(other);
            fields.error(
                Some("invoke_body"),
                "a JSON object (the native request body, with placeholders)",
                found,
            );
            None
        }
    };
    let reasoning_budget_tokens = fields.integer(
        "reasoning_budget_tokens",
        1,
        MAX_REASONING_BUDGET_TOKENS.into(),
        "a positive integer",
    );
    let variant = Variant {
        api,
        endpoint,
        guardrail,
        service_tier,
        prompt_cache,
        reasoning_budget_tokens: reasoning_budget_tokens.map(|budget| budget as u32),
        tools,
        additional_fields,
        invoke_body,
    };
    if let Some(model_id) = model_id {
        check_against_model(fields, &variant, model_id, max_tokens, warnings);
    }
    if let Some(cache) = &variant.prompt_cache {
        match cache.at {
            CachePlacement::Tools if variant.tools.is_none() => fields.error(
                Some("prompt_cache.at"),
                "\"system\" or \"messages\" (\"tools\" needs `tool_config`)",
                "\"tools\" without `tool_config`",
            ),
            CachePlacement::System
                if cache.shared_prefix_tokens == 0 && !cache.fresh && !has_system_prompt =>
            {
                fields.error(
                    Some("prompt_cache"),
                    "something to cache before a system cache point: `shared_prefix_tokens` or a system prompt",
                    "neither",
                )
            }
            _ => {}
        }
    }
    variant
}

/// Record a nested parser's errors on `fields`.
fn report<T>(
    fields: &mut Fields<'_>,
    parsed: Result<T, Vec<(String, String, String)>>,
) -> Option<T> {
    match parsed {
        Ok(value) => Some(value),
        Err(errors) => {
            for (field, expected, found) in errors {
                fields.error(Some(&field), expected, found);
            }
            None
        }
    }
}

/// The checks that need the model: tiers and caching it offers (warnings:
/// the catalog may be older than the service), and the reasoning budget
/// (errors: Bedrock refuses the call).
fn check_against_model(
    fields: &mut Fields<'_>,
    variant: &Variant,
    model_id: &str,
    max_tokens: u32,
    warnings: &mut Vec<String>,
) {
    let (api, endpoint) = (variant.api, variant.endpoint);
    if !api.endpoints().contains(&endpoint) {
        let served: Vec<&str> = api.endpoints().iter().map(|e| e.as_str()).collect();
        fields.error(
            Some("endpoint"),
            format!(
                "an endpoint `api` \"{api}\" is served on ({})",
                served.join(", ")
            ),
            format!("\"{endpoint}\""),
        );
    } else if !api.offered_on(model_id, endpoint) {
        fields.error(
            Some("api"),
            format!(
                "an API {model_id} is offered on ({}, as of {})",
                Api::offered_routes(model_id).join(", "),
                bedrock_catalog::APIS_AS_OF
            ),
            match endpoint {
                Endpoint::Runtime => format!("\"{api}\""),
                Endpoint::Mantle => format!("\"{api}\" on {endpoint}"),
            },
        );
    }
    if variant.invoke_body.is_some() && api != Api::InvokeStream {
        fields.error(
            Some("invoke_body"),
            "no `invoke_body` unless `api` is \"invoke-stream\" (it is InvokeModelWithResponseStream's body)",
            format!("`api` \"{api}\""),
        );
    }
    if api == Api::InvokeStream
        && variant.invoke_body.is_none()
        && !Api::native_body_built(model_id)
    {
        fields.error(
            Some("api"),
            format!(
                "an `invoke_body` with `api` \"invoke-stream\" for {model_id}: bedrock-bench builds the native bodies of Anthropic, Amazon Nova, Meta Llama, Mistral AI and DeepSeek models only; write this model's (see its provider's request format) with `{{{{prompt}}}}` where the prompt goes"
            ),
            "none",
        );
    }
    if let Some(guardrail) = &variant.guardrail {
        match api {
            Api::OpenAiChat | Api::AnthropicMessages => fields.error(
                Some("guardrail"),
                format!(
                    "no guardrail with `api` \"{api}\" (Bedrock documents guardrails for ConverseStream, Converse and InvokeModelWithResponseStream)"
                ),
                "one",
            ),
            Api::Converse if guardrail.mode == bedrock_catalog::GuardrailMode::Async => {
                fields.error(
                    Some("guardrail.mode"),
                    "no stream processing mode with `api` \"converse\" (Converse's answer does not stream; its guardrail checks it whole)",
                    "\"async\"",
                )
            }
            _ => {}
        }
    }
    if !matches!(api, Api::ConverseStream | Api::Converse) {
        let mut unsent = vec![
            (variant.prompt_cache.is_some(), "prompt_cache"),
            (variant.tools.is_some(), "tool_config"),
            (
                variant.additional_fields.is_some(),
                "additional_model_request_fields",
            ),
        ];
        if matches!(api, Api::OpenAiChat | Api::AnthropicMessages) {
            unsent.push((variant.service_tier.is_some(), "service_tier"));
        }
        if api == Api::OpenAiChat {
            unsent.push((
                variant.reasoning_budget_tokens.is_some(),
                "reasoning_budget_tokens",
            ));
        }
        for (_, field) in unsent.iter().filter(|(set, _)| *set) {
            fields.error(
                Some(field),
                format!(
                    "no such setting with `api` \"{api}\" (this project sends it through ConverseStream and Converse only; {})",
                    unsent_reason(api)
                ),
                "one",
            );
        }
    }
    let info = bedrock_catalog::model(model_id);
    if let (Some(tier), Some(info)) = (variant.service_tier, info)
        && !info.offers_tier(tier)
    {
        let offered: Vec<&str> = info.tiers.iter().map(|tier| tier.as_str()).collect();
        warnings.push(format!(
            "`service_tier` \"{tier}\": the built-in catalog lists {} for {model_id} ({}); Bedrock is likely to refuse the call with a ValidationException",
            offered.join(", "),
            info.name
        ));
    }
    if let (Some(cache), Some(info)) = (&variant.prompt_cache, info) {
        match info.min_cache_tokens {
            None => warnings.push(format!(
                "`prompt_cache`: the built-in catalog does not list prompt caching for {model_id} ({}); the cache point may be refused or never hit",
                info.name
            )),
            Some(min) if cache.shared_prefix_tokens > 0 && cache.shared_prefix_tokens < min => {
                warnings.push(format!(
                    "`prompt_cache.shared_prefix_tokens` {} is below {model_id}'s minimum cacheable prefix of {min} tokens: the cache will not engage unless the rest of the prompt makes up the difference",
                    cache.shared_prefix_tokens
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(budget) = variant.reasoning_budget_tokens {
        check_budget(fields, variant, model_id, budget, max_tokens);
    }
}

fn check_budget(
    fields: &mut Fields<'_>,
    variant: &Variant,
    model_id: &str,
    budget: u32,
    max_tokens: u32,
) {
    let field = Some("reasoning_budget_tokens");
    let reasoning = match bedrock_catalog::model(model_id) {
        Some(info) => info.reasoning,
        None if Family::of(model_id) == Family::Anthropic => Reasoning::ThinkingBudget {
            min_budget: ANTHROPIC_MIN_BUDGET,
        },
        None => {
            fields.error(
                field,
                "no value for a model the built-in catalog does not know (send the model's own field through `additional_model_request_fields`)",
                format!("{budget} for {model_id}"),
            );
            return;
        }
    };
    match reasoning {
        Reasoning::None => fields.error(
            field,
            "no value: this model does not reason",
            format!("{budget} for {model_id}"),
        ),
        Reasoning::Always => fields.error(
            field,
            "no value: this model always reasons and takes no budget",
            format!("{budget} for {model_id}"),
        ),
        Reasoning::ThinkingBudget { min_budget } => {
            if budget < min_budget || budget >= max_tokens {
                fields.error(
                    field,
                    format!(
                        "at least {min_budget} and less than `expected_output_tokens` ({max_tokens}), which is sent as maxTokens"
                    ),
                    budget.to_string(),
                );
            }
            if variant
                .additional_fields
                .as_ref()
                .is_some_and(|map| map.contains_key("thinking"))
            {
                fields.error(
                    Some("additional_model_request_fields.thinking"),
                    "no `thinking` when `reasoning_budget_tokens` is set (it writes that field)",
                    "both",
                );
            }
            if variant
                .tools
                .as_ref()
                .and_then(|tools| tools.choice.as_ref())
                .is_some_and(|choice| choice.forces_tool_use())
            {
                fields.error(
                    Some("tool_config.toolChoice"),
                    "`auto` or none with extended thinking (Anthropic models refuse a forced tool while thinking)",
                    "a forced tool",
                );
            }
        }
    }
}

/// `warnings` as config warnings at `location`.
pub(crate) fn located(
    location: &super::error::SourceLocation,
    warnings: Vec<String>,
) -> impl Iterator<Item = ConfigWarning> + '_ {
    warnings.into_iter().map(move |message| ConfigWarning {
        location: location.clone(),
        message,
    })
}
