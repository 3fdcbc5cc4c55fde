//! The models bedrock-bench knows, by base model id: a display name, the
//! regions whose inference profiles offer latency-optimized inference (the
//! Python tool's table; a preview feature, so the harness warns rather than
//! refuses when a scenario asks for it elsewhere), the largest `maxTokens`,
//! the service tiers offered, how the model reasons, whether it caches
//! prompts (and from how many tokens), and the geographies of its
//! cross-region inference profiles. The emulator serves exactly these
//! models and validates requests against this table.
//!
//! The table is the crate's knowledge as of November 2026, from AWS's
//! public model and pricing pages where they say; where they do not (tier
//! availability per model changes often), the values are plausible and
//! marked so. Check the Bedrock user guide before relying on a detail.

use crate::family::Family;
use crate::model_id::base_model_id;
use crate::reasoning::Reasoning;
use crate::tier::ServiceTier;

/// One known model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    /// The base model id, such as `amazon.nova-pro-v1:0`.
    pub id: &'static str,
    /// A display name, such as `Nova Pro`.
    pub name: &'static str,
    /// Regions whose inference profiles offer `performanceConfig.latency =
    /// optimized`; empty when the model does not offer it.
    pub optimized_regions: &'static [&'static str],
    /// The largest `inferenceConfig.maxTokens` accepted.
    pub max_output_tokens: u32,
    /// The service tiers offered (always `default`).
    pub tiers: &'static [ServiceTier],
    /// How the model reasons.
    pub reasoning: Reasoning,
    /// Prompt caching: the fewest tokens a cached prefix may have; `None`
    /// when the model does not cache prompts.
    pub min_cache_tokens: Option<u32>,
    /// The geography prefixes of its cross-region inference profiles
    /// (`us`, `eu`, `apac`, `global`...); empty when it is called in one
    /// region only.
    pub geographies: &'static [&'static str],
    /// Whether the runtime's CountTokens operation counts this model's
    /// input (by its base id; Bedrock refuses inference profile ids). The
    /// models AWS's count-tokens page lists: Claude 3.5 Haiku, 3.5 Sonnet
    /// (v1 and v2), 3.7 Sonnet, Opus 4 and Sonnet 4; Nova models are
    /// refused, and newer Claude models are not listed for the runtime.
    pub counts_tokens: bool,
    /// The context window in tokens: the input and `maxTokens` together
    /// must fit in it (Bedrock refuses a longer request with a
    /// `ValidationException`), as the model cards state it.
    pub context_tokens: u32,
}

impl ModelInfo {
    /// The model's family.
    pub fn family(&self) -> Family {
        Family::of(self.id)
    }

    /// Whether latency-optimized inference is offered in any region.
    pub fn offers_optimized(&self) -> bool {
        !self.optimized_regions.is_empty()
    }

    /// Whether `tier` is offered.
    pub fn offers_tier(&self, tier: ServiceTier) -> bool {
        self.tiers.contains(&tier)
    }
}

const DEFAULT_ONLY: &[ServiceTier] = &[ServiceTier::Default];
const STANDARD_TIERS: &[ServiceTier] = &[
    ServiceTier::Priority,
    ServiceTier::Default,
    ServiceTier::Flex,
];
const ALL_TIERS: &[ServiceTier] = &ServiceTier::ALL;
const THINKING: Reasoning = Reasoning::ThinkingBudget { min_budget: 1024 };
const US: &[&str] = &["us"];
const US_EU_APAC: &[&str] = &["us", "eu", "apac"];
const WORLD: &[&str] = &["us", "eu", "apac", "global"];

/// A model with the common defaults: standard only, default tier, no
/// reasoning, no caching, US profiles, 8,192 output tokens, a context of
/// 128,000 tokens.
const fn entry(id: &'static str, name: &'static str) -> ModelInfo {
    ModelInfo {
        id,
        name,
        optimized_regions: &[],
        max_output_tokens: 8192,
        tiers: DEFAULT_ONLY,
        reasoning: Reasoning::None,
        min_cache_tokens: None,
        geographies: US,
        counts_tokens: false,
        context_tokens: 128_000,
    }
}

/// Every known model.
pub static MODELS: &[ModelInfo] = &[
    // Amazon Nova.
    ModelInfo {
        context_tokens: 300_000,
        optimized_regions: &["us-east-1", "us-east-2"],
        max_output_tokens: 10_000,
        tiers: STANDARD_TIERS,
        min_cache_tokens: Some(1000),
        geographies: US_EU_APAC,
        ..entry("amazon.nova-pro-v1:0", "Nova Pro")
    },
    ModelInfo {
        max_output_tokens: 10_000,
        tiers: STANDARD_TIERS,
        min_cache_tokens: Some(1000),
        geographies: US_EU_APAC,
        ..entry("amazon.nova-micro-v1:0", "Nova Micro")
    },
    ModelInfo {
        context_tokens: 300_000,
        max_output_tokens: 10_000,
        tiers: STANDARD_TIERS,
        min_cache_tokens: Some(1000),
        geographies: US_EU_APAC,
        ..entry("amazon.nova-lite-v1:0", "Nova Lite")
    },
    ModelInfo {
        context_tokens: 1_000_000,
        max_output_tokens: 32_000,
        min_cache_tokens: Some(1000),
        ..entry("amazon.nova-premier-v1:0", "Nova Premier")
    },
    ModelInfo {
        context_tokens: 1_000_000,
        max_output_tokens: 65_536,
        tiers: STANDARD_TIERS,
        min_cache_tokens: Some(1000),
        geographies: &["us", "eu", "global"],
        ..entry("amazon.nova-2-lite-v1:0", "Nova 2 Lite")
    },
    // Anthropic Claude.
    ModelInfo {
        counts_tokens: true,
        optimized_regions: &["us-east-2", "us-west-2"],
        min_cache_tokens: Some(2048),
        ..entry(
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            "Claude 3.5 Haiku",
        )
    },
    ModelInfo {
        context_tokens: 200_000,
        max_output_tokens: 4096,
        geographies: US_EU_APAC,
        ..entry("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku")
    },
    ModelInfo {
        context_tokens: 200_000,
        counts_tokens: true,
        geographies: US_EU_APAC,
        ..entry(
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "Claude 3.5 Sonnet",
        )
    },
    ModelInfo {
        context_tokens: 200_000,
        counts_tokens: true,
        min_cache_tokens: Some(1024),
        geographies: &["us", "apac"],
        ..entry(
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "Claude 3.5 Sonnet v2",
        )
    },
    ModelInfo {
        context_tokens: 200_000,
        counts_tokens: true,
        max_output_tokens: 64_000,
        reasoning: THINKING,
        min_cache_tokens: Some(1024),
        geographies: US_EU_APAC,
        ..entry(
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            "Claude 3.7 Sonnet",
        )
    },
    ModelInfo {
        context_tokens: 200_000,
        counts_tokens: true,
        max_output_tokens: 64_000,
        reasoning: THINKING,
        min_cache_tokens: Some(1024),
        geographies: WORLD,
        ..entry("anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4")
    },
    ModelInfo {
        context_tokens: 200_000,
        counts_tokens: true,
        max_output_tokens: 32_000,
        reasoning: THINKING,
        min_cache_tokens: Some(1024),
        ..entry("anthropic.claude-opus-4-20250514-v1:0", "Claude Opus 4")
    },
    ModelInfo {
        context_tokens: 200_000,
        max_output_tokens: 32_000,
        reasoning: THINKING,
        min_cache_tokens: Some(1024),
        ..entry("anthropic.claude-opus-4-1-20250805-v1:0", "Claude Opus 4.1")
    },
    ModelInfo {
        context_tokens: 200_000,
        max_output_tokens: 64_000,
        tiers: ALL_TIERS,
        reasoning: THINKING,
        min_cache_tokens: Some(1024),
        geographies: WORLD,
        ..entry(
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "Claude Sonnet 4.5",
        )
    },
    ModelInfo {
        context_tokens: 200_000,
        max_output_tokens: 64_000,
        tiers: STANDARD_TIERS,
        reasoning: THINKING,
        min_cache_tokens: Some(4096),
        geographies: WORLD,
        ..entry(
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            "Claude Haiku 4.5",
        )
    },
    ModelInfo {
        context_tokens: 200_000,
        max_output_tokens: 64_000,
        tiers: &[ServiceTier::Priority, ServiceTier::Default],
        reasoning: THINKING,
        min_cache_tokens: Some(4096),
        geographies: &["us", "eu", "global"],
        ..entry("anthropic.claude-opus-4-5-20251101-v1:0", "Claude Opus 4.5")
    },
    // Meta Llama.
    ModelInfo {
        optimized_regions: &["us-east-2"],
        ..entry(
            "meta.llama3-1-405b-instruct-v1:0",
            "Llama 3.1 405B Instruct",
        )
    },
    ModelInfo {
        optimized_regions: &["us-east-2", "us-west-2"],
        ..entry("meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B Instruct")
    },
    entry("meta.llama3-1-8b-instruct-v1:0", "Llama 3.1 8B Instruct"),
    ModelInfo {
        geographies: &["us", "eu"],
        ..entry("meta.llama3-2-1b-instruct-v1:0", "Llama 3.2 1B Instruct")
    },
    ModelInfo {
        geographies: &["us", "eu"],
        ..entry("meta.llama3-2-3b-instruct-v1:0", "Llama 3.2 3B Instruct")
    },
    entry("meta.llama3-2-11b-instruct-v1:0", "Llama 3.2 11B Instruct"),
    entry("meta.llama3-2-90b-instruct-v1:0", "Llama 3.2 90B Instruct"),
    entry("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct"),
    ModelInfo {
        context_tokens: 3_500_000,
        tiers: STANDARD_TIERS,
        ..entry(
            "meta.llama4-scout-17b-instruct-v1:0",
            "Llama 4 Scout 17B Instruct",
        )
    },
    ModelInfo {
        context_tokens: 1_000_000,
        tiers: STANDARD_TIERS,
        ..entry(
            "meta.llama4-maverick-17b-instruct-v1:0",
            "Llama 4 Maverick 17B Instruct",
        )
    },
    // Mistral AI.
    ModelInfo {
        geographies: &["us", "eu"],
        ..entry("mistral.pixtral-large-2502-v1:0", "Pixtral Large")
    },
    ModelInfo {
        geographies: &[],
        ..entry("mistral.mistral-large-2407-v1:0", "Mistral Large 2")
    },
    // DeepSeek.
    ModelInfo {
        max_output_tokens: 32_768,
        reasoning: Reasoning::Always,
        ..entry("deepseek.r1-v1:0", "DeepSeek-R1")
    },
    ModelInfo {
        tiers: STANDARD_TIERS,
        geographies: &[],
        ..entry("deepseek.v3-v1:0", "DeepSeek-V3.1")
    },
];

/// The known model behind `model_id` (any form: see [`base_model_id`]).
pub fn model(model_id: &str) -> Option<&'static ModelInfo> {
    let base = base_model_id(model_id);
    MODELS.iter().find(|m| m.id == base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_base_ids_and_lookups_take_any_form() {
        for (i, m) in MODELS.iter().enumerate() {
            assert_eq!(base_model_id(m.id), m.id);
            assert!(
                MODELS[i + 1..].iter().all(|other| other.id != m.id),
                "{}",
                m.id
            );
        }
        let nova = model("us.amazon.nova-pro-v1:0").expect("known");
        assert_eq!(nova.name, "Nova Pro");
        assert!(nova.offers_optimized());
        assert!(
            !model("amazon.nova-lite-v1:0")
                .expect("known")
                .offers_optimized()
        );
        assert!(model("example.unknown-v1:0").is_none());
    }

    #[test]
    fn optimized_is_offered_by_the_python_tools_four_models() {
        let mut optimized: Vec<&str> = MODELS
            .iter()
            .filter(|m| m.offers_optimized())
            .map(|m| m.id)
            .collect();
        optimized.sort_unstable();
        assert_eq!(
            optimized,
            [
                "amazon.nova-pro-v1:0",
                "anthropic.claude-3-5-haiku-20241022-v1:0",
                "meta.llama3-1-405b-instruct-v1:0",
                "meta.llama3-1-70b-instruct-v1:0",
            ]
        );
    }
}
