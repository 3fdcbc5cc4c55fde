//! What one ConverseStream request asks for.

use std::time::Duration;

use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, InferenceConfiguration, Message, PerformanceConfigLatency,
    PerformanceConfiguration, SystemContentBlock,
};
use aws_smithy_types::{Document, Number};
use bedrock_catalog::Family;

use crate::config::{Experiment, PerformanceConfig, Scenario};

/// One request, prepared once and sent as many times as needed.
#[derive(Debug, Clone)]
pub struct CallSpec {
    /// Model or inference profile id (or ARN).
    pub model_id: String,
    /// `performanceConfig.latency`; `None` sends no performanceConfig.
    pub performance: Option<PerformanceConfig>,
    /// The user message.
    pub user_text: String,
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
}

impl CallSpec {
    /// A plain request: `user_text` to `model_id`, at most `max_tokens`
    /// tokens back, 60 s timeout, model defaults for everything else.
    pub fn new(model_id: impl Into<String>, user_text: impl Into<String>, max_tokens: u32) -> Self {
        CallSpec {
            model_id: model_id.into(),
            performance: None,
            user_text: user_text.into(),
            system: None,
            max_tokens,
            temperature: None,
            top_p: None,
            top_k: None,
            timeout: Duration::from_secs(60),
        }
    }

    /// The request a scenario makes under an experiment's settings.
    pub fn from_scenario(scenario: &Scenario, experiment: &Experiment) -> Self {
        CallSpec {
            model_id: scenario.model_id.clone(),
            performance: scenario.performance_config,
            user_text: scenario.prompt.user_text.clone(),
            system: scenario.prompt.system.clone(),
            max_tokens: scenario.expected_output_tokens,
            temperature: experiment.temperature,
            top_p: experiment.top_p,
            top_k: experiment.top_k,
            timeout: Duration::from_secs_f64(experiment.call_timeout_s),
        }
    }

    /// The SDK pieces of the request, built before the clock starts.
    pub fn to_request_parts(&self) -> RequestParts {
        let message = Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text(self.user_text.clone()))
            .build()
            .ok();
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
        RequestParts {
            messages: message.into_iter().collect(),
            system: self
                .system
                .clone()
                .map(|s| vec![SystemContentBlock::Text(s)]),
            inference,
            performance,
            additional_fields: self.top_k.and_then(|k| top_k_fields(&self.model_id, k)),
        }
    }
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
}

/// `additionalModelRequestFields` carrying top-k for the families whose
/// native API takes it: Anthropic (`top_k`) and Amazon Nova
/// (`inferenceConfig.topK`). Other families (Meta Llama among them) have no
/// top-k, so nothing is sent and `None` is returned.
pub fn top_k_fields(model_id: &str, top_k: u32) -> Option<Document> {
    let path = Family::of(model_id).top_k_path()?;
    let k = Document::Number(Number::PosInt(u64::from(top_k)));
    Some(path.iter().rev().fold(k, |inner, key| {
        Document::Object([(key.to_string(), inner)].into())
    }))
}

/// Whether `model_id` belongs to a family that takes top-k.
pub fn takes_top_k(model_id: &str) -> bool {
    Family::of(model_id).takes_top_k()
}

#[cfg(test)]
mod tests {
    use super::*;

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
