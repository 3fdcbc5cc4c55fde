//! What one ConverseStream request asks for.

use std::time::Duration;

use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, AutoToolChoice, CachePointBlock, CachePointType, ContentBlock, ConversationRole,
    InferenceConfiguration, Message, PerformanceConfigLatency, PerformanceConfiguration,
    ServiceTier as SdkServiceTier, ServiceTierType, SpecificToolChoice, SystemContentBlock, Tool,
    ToolChoice, ToolConfiguration, ToolInputSchema, ToolSpecification,
};
use aws_smithy_types::Document;
use bedrock_catalog::{Family, ServiceTier};
use serde_json::{Map, Value};

use super::json_document::to_document;
use crate::config::{
    CachePlacement, CacheTtl, Experiment, PerformanceConfig, PromptCache, Scenario,
    ToolChoiceSetting, ToolSettings, Variant,
};
use crate::workload::dataset::{Role, Turn};

/// One request, prepared once and sent as many times as needed.
#[derive(Debug, Clone)]
pub struct CallSpec {
    /// Model or inference profile id (or ARN).
    pub model_id: String,
    /// `performanceConfig.latency`; `None` sends no performanceConfig.
    pub performance: Option<PerformanceConfig>,
    /// The user message.
    pub user_text: String,
    /// The conversation before the user message (alternating turns that
    /// start with a user turn; empty for a single-turn request).
    pub history: Vec<Turn>,
    /// A conversation's cache points: after the last user message of the
    /// history and after the user message, so that each turn reads what
    /// the turn before wrote.
    pub conversation_cache: bool,
    /// Keep the answer's text (a conversation sends it back next turn).
    pub keep_answer: bool,
    /// The system prompt, if any.
    pub system: Option<String>,
    /// `inferenceConfig.maxTokens`.
    pub max_tokens: u32,
    /// `inferenceConfig.temperature`, when set.
    pub temperature: Option<f32>,
    /// `inferenceConfig.topP`, when set.
    pub top_p: Option<f32>,
    /// top-k, sent in `additionalModelRequestFields` for model families
    /// that take it (see [`top_k_fields`]).
    pub top_k: Option<u32>,
    /// The call's overall deadline, from just before `send()`.
    pub timeout: Duration,
    /// Service tier, prompt cache, reasoning budget, tools and additional
    /// request fields.
    pub variant: Variant,
}

impl CallSpec {
    /// A plain request: `user_text` to `model_id`, at most `max_tokens`
    /// tokens back, 60 s timeout, model defaults for everything else.
    pub fn new(model_id: impl Into<String>, user_text: impl Into<String>, max_tokens: u32) -> Self {
        CallSpec {
            model_id: model_id.into(),
            performance: None,
            user_text: user_text.into(),
            history: Vec::new(),
            conversation_cache: false,
            keep_answer: false,
            system: None,
            max_tokens,
            temperature: None,
            top_p: None,
            top_k: None,
            timeout: Duration::from_secs(60),
            variant: Variant::default(),
        }
    }

    /// The request a scenario makes under an experiment's settings.
    pub fn from_scenario(scenario: &Scenario, experiment: &Experiment) -> Self {
        CallSpec {
            model_id: scenario.model_id.clone(),
            performance: scenario.performance_config,
            user_text: scenario.prompt.user_text.clone(),
            history: Vec::new(),
            conversation_cache: false,
            keep_answer: false,
            system: scenario.prompt.system.clone(),
            max_tokens: scenario.expected_output_tokens,
            temperature: experiment.temperature,
            top_p: experiment.top_p,
            top_k: experiment.top_k,
            timeout: experiment.call_timeout,
            variant: scenario.variant.clone(),
        }
    }

    /// The SDK pieces of the request, built before the clock starts. With
    /// a `fresh` prompt cache, each call to this gets a prefix of its own.
    pub fn to_request_parts(&self) -> RequestParts {
        let cache = self.variant.prompt_cache.as_ref();
        let prefix = |cache: &PromptCache| -> String {
            if cache.fresh {
                format!("[{}] {}", fresh_marker(), cache.prefix)
            } else {
                cache.prefix.clone()
            }
        };
        let cache_at = |placement| cache.filter(|cache| cache.at == placement);
        let mut user = Vec::new();
        if let Some(cache) = cache_at(CachePlacement::Messages) {
            if cache.prefix.is_empty() && !cache.fresh {
                user.push(ContentBlock::Text(self.user_text.clone()));
                user.push(ContentBlock::CachePoint(cache_point(cache.ttl)));
            } else {
                user.push(ContentBlock::Text(prefix(cache)));
                user.push(ContentBlock::CachePoint(cache_point(cache.ttl)));
                user.push(ContentBlock::Text(self.user_text.clone()));
            }
        } else {
            user.push(ContentBlock::Text(self.user_text.clone()));
        }
        if self.conversation_cache {
            user.push(ContentBlock::CachePoint(cache_point(None)));
        }
        let last_user = self
            .history
            .iter()
            .rposition(|turn| turn.role == Role::User);
        let message = Message::builder()
            .role(ConversationRole::User)
            .set_content(Some(user))
            .build()
            .ok();
        let messages = self
            .history
            .iter()
            .enumerate()
            .filter_map(|(index, turn)| {
                let mut blocks = vec![ContentBlock::Text(turn.text.clone())];
                if self.conversation_cache && Some(index) == last_user {
                    blocks.push(ContentBlock::CachePoint(cache_point(None)));
                }
                Message::builder()
                    .role(match turn.role {
                        Role::User => ConversationRole::User,
                        Role::Assistant => ConversationRole::Assistant,
                    })
                    .set_content(Some(blocks))
                    .build()
                    .ok()
            })
            .chain(message)
            .collect();
        let mut system = Vec::new();
        let system_cache = cache_at(CachePlacement::System);
        if let Some(cache) = system_cache.filter(|cache| !cache.prefix.is_empty() || cache.fresh) {
            system.push(SystemContentBlock::Text(prefix(cache)));
        }
        if let Some(text) = &self.system {
            system.push(SystemContentBlock::Text(text.clone()));
        }
        if let Some(cache) = system_cache {
            system.push(SystemContentBlock::CachePoint(cache_point(cache.ttl)));
        }
        let inference = InferenceConfiguration::builder()
            .max_tokens(i32::try_from(self.max_tokens).unwrap_or(i32::MAX))
            .set_temperature(self.temperature)
            .set_top_p(self.top_p)
            .build();
        let performance = self.performance.map(|p| {
            PerformanceConfiguration::builder()
                .latency(match p {
                    PerformanceConfig::Standard => PerformanceConfigLatency::Standard,
                    PerformanceConfig::Optimized => PerformanceConfigLatency::Optimized,
                })
                .build()
        });
        let tool_cache = cache_at(CachePlacement::Tools).map(|cache| cache.ttl);
        RequestParts {
            messages,
            system: (!system.is_empty()).then_some(system),
            inference,
            performance,
            additional_fields: self
                .additional_fields()
                .map(|map| to_document(&Value::Object(map))),
            service_tier: self.variant.service_tier.map(sdk_service_tier),
            tool_config: self
                .variant
                .tools
                .as_ref()
                .and_then(|tools| tool_configuration(tools, tool_cache)),
        }
    }

    /// The text this request sends (system prompt, earlier turns, the
    /// user message), by the token estimate: a conversation's context
    /// length.
    pub fn context_tokens(&self) -> u32 {
        use bedrock_catalog::tokens::estimate_tokens;
        let earlier: u32 = self
            .history
            .iter()
            .map(|turn| estimate_tokens(&turn.text))
            .fold(0, u32::saturating_add);
        self.system
            .as_deref()
            .map_or(0, estimate_tokens)
            .saturating_add(earlier)
            .saturating_add(estimate_tokens(&self.user_text))
    }

    /// Put a marker no other call has at the very start of what this
    /// request sends (its system prompt, else its first message), so that
    /// no prompt cache can serve any of it.
    pub fn bust_cache(&mut self) {
        let marker = format!("[{}] ", fresh_marker());
        match &mut self.system {
            Some(system) => system.insert_str(0, &marker),
            None => match self.history.first_mut() {
                Some(first) => first.text.insert_str(0, &marker),
                None => self.user_text.insert_str(0, &marker),
            },
        }
    }

    /// `additionalModelRequestFields` as sent: the scenario's own fields,
    /// its reasoning field, and top-k where the family takes it.
    pub fn additional_fields(&self) -> Option<Map<String, Value>> {
        let mut fields = self
            .variant
            .request_fields(&self.model_id)
            .unwrap_or_default();
        if let Some(top_k) = self.top_k {
            insert_top_k(&mut fields, &self.model_id, top_k);
        }
        (!fields.is_empty()).then_some(fields)
    }
}

/// A marker no other call of this process (or, practically, of another)
/// has: the process id, a per-process random value and a counter.
pub fn fresh_marker() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SALT: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let salt = SALT.get_or_init(rand::random::<u64>);
    format!(
        "{:x}-{salt:016x}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A `cachePoint` block.
fn cache_point(ttl: Option<CacheTtl>) -> CachePointBlock {
    CachePointBlock::builder()
        .r#type(CachePointType::Default)
        .set_ttl(ttl.map(|ttl| match ttl {
            CacheTtl::FiveMinutes => aws_sdk_bedrockruntime::types::CacheTtl::FiveMinutes,
            CacheTtl::OneHour => aws_sdk_bedrockruntime::types::CacheTtl::OneHour,
        }))
        .build()
        .expect("the type is set")
}

/// `serviceTier`.
fn sdk_service_tier(tier: ServiceTier) -> SdkServiceTier {
    SdkServiceTier::builder()
        .r#type(sdk_service_tier_type(tier))
        .build()
        .expect("the type is set")
}

/// The SDK's name of a service tier.
pub(crate) fn sdk_service_tier_type(tier: ServiceTier) -> ServiceTierType {
    match tier {
        ServiceTier::Priority => ServiceTierType::Priority,
        ServiceTier::Default => ServiceTierType::Default,
        ServiceTier::Flex => ServiceTierType::Flex,
        ServiceTier::Reserved => ServiceTierType::Reserved,
    }
}

/// `toolConfig`, with a cache point after the tools when asked
/// (`cache_ttl` is `Some` then).
fn tool_configuration(
    tools: &ToolSettings,
    cache_ttl: Option<Option<CacheTtl>>,
) -> Option<ToolConfiguration> {
    let mut specs: Vec<Tool> = tools
        .tools
        .iter()
        .filter_map(|tool| {
            ToolSpecification::builder()
                .name(tool.name.clone())
                .set_description(tool.description.clone())
                .input_schema(ToolInputSchema::Json(to_document(&tool.input_schema)))
                .build()
                .ok()
                .map(Tool::ToolSpec)
        })
        .collect();
    if let Some(ttl) = cache_ttl {
        specs.push(Tool::CachePoint(cache_point(ttl)));
    }
    let choice = tools.choice.as_ref().and_then(|choice| match choice {
        ToolChoiceSetting::Auto => Some(ToolChoice::Auto(AutoToolChoice::builder().build())),
        ToolChoiceSetting::Any => Some(ToolChoice::Any(AnyToolChoice::builder().build())),
        ToolChoiceSetting::Tool(name) => SpecificToolChoice::builder()
            .name(name.clone())
            .build()
            .ok()
            .map(ToolChoice::Tool),
    });
    ToolConfiguration::builder()
        .set_tools(Some(specs))
        .set_tool_choice(choice)
        .build()
        .ok()
}

/// The SDK values of one request.
#[derive(Debug, Clone)]
pub struct RequestParts {
    /// `messages`.
    pub messages: Vec<Message>,
    /// `system`.
    pub system: Option<Vec<SystemContentBlock>>,
    /// `inferenceConfig`.
    pub inference: InferenceConfiguration,
    /// `performanceConfig`.
    pub performance: Option<PerformanceConfiguration>,
    /// `additionalModelRequestFields`.
    pub additional_fields: Option<Document>,
    /// `serviceTier`.
    pub service_tier: Option<SdkServiceTier>,
    /// `toolConfig`.
    pub tool_config: Option<ToolConfiguration>,
}

/// `additionalModelRequestFields` carrying top-k for the families whose
/// native API takes it: Anthropic (`top_k`) and Amazon Nova
/// (`inferenceConfig.topK`). Other families (Meta Llama among them) have no
/// top-k, so nothing is sent and `None` is returned.
pub fn top_k_fields(model_id: &str, top_k: u32) -> Option<Document> {
    let mut fields = Map::new();
    insert_top_k(&mut fields, model_id, top_k);
    (!fields.is_empty()).then(|| to_document(&Value::Object(fields)))
}

/// Put `top_k` at its family's path in `fields` (nothing for families
/// without top-k), keeping whatever else the objects on the way hold.
fn insert_top_k(fields: &mut Map<String, Value>, model_id: &str, top_k: u32) {
    let Some((last, parents)) = Family::of(model_id)
        .top_k_path()
        .and_then(|path| path.split_last())
    else {
        return;
    };
    let mut at = fields;
    for key in parents {
        let entry = at
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else {
            return;
        };
        at = inner;
    }
    at.insert(last.to_string(), Value::from(top_k));
}

/// Whether `model_id` belongs to a family that takes top-k.
pub fn takes_top_k(model_id: &str) -> bool {
    Family::of(model_id).takes_top_k()
}

/// A scenario guardrail as ConverseStream's `guardrailConfig`.
pub(crate) fn sdk_guardrail_stream(
    guardrail: &crate::config::Guardrail,
) -> aws_sdk_bedrockruntime::types::GuardrailStreamConfiguration {
    use aws_sdk_bedrockruntime::types::{
        GuardrailStreamConfiguration, GuardrailStreamProcessingMode,
    };
    GuardrailStreamConfiguration::builder()
        .guardrail_identifier(guardrail.id.clone())
        .guardrail_version(guardrail.version.clone())
        .stream_processing_mode(match guardrail.mode {
            bedrock_catalog::GuardrailMode::Sync => GuardrailStreamProcessingMode::Sync,
            bedrock_catalog::GuardrailMode::Async => GuardrailStreamProcessingMode::Async,
        })
        .trace(sdk_guardrail_trace(guardrail.trace))
        .build()
}

/// A scenario guardrail as Converse's `guardrailConfig`.
pub(crate) fn sdk_guardrail(
    guardrail: &crate::config::Guardrail,
) -> aws_sdk_bedrockruntime::types::GuardrailConfiguration {
    aws_sdk_bedrockruntime::types::GuardrailConfiguration::builder()
        .guardrail_identifier(guardrail.id.clone())
        .guardrail_version(guardrail.version.clone())
        .trace(sdk_guardrail_trace(guardrail.trace))
        .build()
}

fn sdk_guardrail_trace(
    trace: crate::config::GuardrailTrace,
) -> aws_sdk_bedrockruntime::types::GuardrailTrace {
    use aws_sdk_bedrockruntime::types::GuardrailTrace as Sdk;
    match trace {
        crate::config::GuardrailTrace::Disabled => Sdk::Disabled,
        crate::config::GuardrailTrace::Enabled => Sdk::Enabled,
        crate::config::GuardrailTrace::EnabledFull => Sdk::EnabledFull,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::Number;

    #[test]
    fn top_k_goes_only_where_the_family_takes_it() {
        assert!(takes_top_k("us.anthropic.claude-3-5-haiku-20241022-v1:0"));
        assert!(takes_top_k("us.amazon.nova-pro-v1:0"));
        assert!(!takes_top_k("us.meta.llama3-1-70b-instruct-v1:0"));
        let Some(Document::Object(fields)) = top_k_fields("us.amazon.nova-pro-v1:0", 250) else {
            panic!("nova takes topK");
        };
        let Some(Document::Object(inner)) = fields.get("inferenceConfig") else {
            panic!("nested inferenceConfig");
        };
        assert_eq!(
            inner.get("topK"),
            Some(&Document::Number(Number::PosInt(250)))
        );
    }

    #[test]
    fn parts_carry_every_setting() {
        let mut spec = CallSpec::new("us.anthropic.claude-3-5-haiku-20241022-v1:0", "hello", 50);
        spec.performance = Some(PerformanceConfig::Optimized);
        spec.temperature = Some(0.9);
        spec.system = Some("be brief".into());
        spec.top_k = Some(5);
        let parts = spec.to_request_parts();
        assert_eq!(parts.messages.len(), 1);
        assert_eq!(parts.inference.max_tokens(), Some(50));
        assert_eq!(parts.inference.temperature(), Some(0.9));
        assert_eq!(
            parts.performance.as_ref().map(|p| p.latency()),
            Some(&PerformanceConfigLatency::Optimized)
        );
        assert!(parts.system.is_some() && parts.additional_fields.is_some());
    }
}
