//! The models bedrock-bench knows, by base model id: a display name, and
//! the regions whose inference profiles offer latency-optimized inference
//! (the Python tool's table; a preview feature, so the harness warns
//! rather than refuses when a scenario asks for it elsewhere). The
//! emulator serves exactly these models, with an optimized profile exactly
//! where this table offers one.

use crate::family::Family;
use crate::model_id::base_model_id;

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
}

const fn standard_only(id: &'static str, name: &'static str) -> ModelInfo {
    ModelInfo {
        id,
        name,
        optimized_regions: &[],
    }
}

/// Every known model.
pub static MODELS: &[ModelInfo] = &[
    ModelInfo {
        id: "amazon.nova-pro-v1:0",
        name: "Nova Pro",
        optimized_regions: &["us-east-1", "us-east-2"],
    },
    ModelInfo {
        id: "anthropic.claude-3-5-haiku-20241022-v1:0",
        name: "Claude 3.5 Haiku",
        optimized_regions: &["us-east-2", "us-west-2"],
    },
    ModelInfo {
        id: "meta.llama3-1-405b-instruct-v1:0",
        name: "Llama 3.1 405B Instruct",
        optimized_regions: &["us-east-2"],
    },
    ModelInfo {
        id: "meta.llama3-1-70b-instruct-v1:0",
        name: "Llama 3.1 70B Instruct",
        optimized_regions: &["us-east-2", "us-west-2"],
    },
    standard_only("amazon.nova-micro-v1:0", "Nova Micro"),
    standard_only("amazon.nova-lite-v1:0", "Nova Lite"),
    standard_only("amazon.nova-premier-v1:0", "Nova Premier"),
    standard_only("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku"),
    standard_only(
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "Claude 3.5 Sonnet",
    ),
    standard_only(
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "Claude 3.5 Sonnet v2",
    ),
    standard_only(
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        "Claude 3.7 Sonnet",
    ),
    standard_only("anthropic.claude-sonnet-4-20250514-v1:0", "Claude Sonnet 4"),
    standard_only("anthropic.claude-opus-4-20250514-v1:0", "Claude Opus 4"),
    standard_only("meta.llama3-2-1b-instruct-v1:0", "Llama 3.2 1B Instruct"),
    standard_only("meta.llama3-2-3b-instruct-v1:0", "Llama 3.2 3B Instruct"),
    standard_only("meta.llama3-2-11b-instruct-v1:0", "Llama 3.2 11B Instruct"),
    standard_only("meta.llama3-2-90b-instruct-v1:0", "Llama 3.2 90B Instruct"),
    standard_only("meta.llama3-1-8b-instruct-v1:0", "Llama 3.1 8B Instruct"),
    standard_only("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct"),
    standard_only(
        "meta.llama4-scout-17b-instruct-v1:0",
        "Llama 4 Scout 17B Instruct",
    ),
    standard_only(
        "meta.llama4-maverick-17b-instruct-v1:0",
        "Llama 4 Maverick 17B Instruct",
    ),
    standard_only("deepseek.r1-v1:0", "DeepSeek-R1"),
    standard_only("mistral.pixtral-large-2502-v1:0", "Pixtral Large"),
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
