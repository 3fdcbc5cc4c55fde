//! Model families: who makes the model, and so which native request fields
//! it takes.

use crate::model_id::base_model_id;

/// The provider family of a model, from its base id's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Amazon Nova (`amazon.nova-*`).
    AmazonNova,
    /// Other Amazon models (Titan...).
    Amazon,
    /// Anthropic Claude (`anthropic.*`).
    Anthropic,
    /// Meta Llama (`meta.*`).
    Meta,
    /// Mistral AI (`mistral.*`).
    Mistral,
    /// DeepSeek (`deepseek.*`).
    DeepSeek,
    /// Anyone else.
    Other,
}

impl Family {
    /// The family of `model_id` (any form: see [`base_model_id`]).
    pub fn of(model_id: &str) -> Family {
        let base = base_model_id(model_id);
        if base.starts_with("amazon.nova") {
            Family::AmazonNova
        } else if base.starts_with("amazon.") {
            Family::Amazon
        } else if base.starts_with("anthropic.") {
            Family::Anthropic
        } else if base.starts_with("meta.") {
            Family::Meta
        } else if base.starts_with("mistral.") {
            Family::Mistral
        } else if base.starts_with("deepseek.") {
            Family::DeepSeek
        } else {
            Family::Other
        }
    }

    /// Where top-k goes in `additionalModelRequestFields`, as a path of
    /// object keys, for the families whose native API takes it: Anthropic
    /// (`top_k`) and Amazon Nova (`inferenceConfig.topK`). Other families
    /// (Meta Llama among them) have no top-k.
    pub fn top_k_path(self) -> Option<&'static [&'static str]> {
        match self {
            Family::Anthropic => Some(&["top_k"]),
            Family::AmazonNova => Some(&["inferenceConfig", "topK"]),
            _ => None,
        }
    }

    /// Whether the family takes top-k.
    pub fn takes_top_k(self) -> bool {
        self.top_k_path().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_come_from_the_base_id() {
        assert_eq!(Family::of("us.amazon.nova-pro-v1:0"), Family::AmazonNova);
        assert_eq!(
            Family::of("anthropic.claude-3-5-haiku-20241022-v1:0"),
            Family::Anthropic
        );
        assert_eq!(
            Family::of("us.meta.llama3-1-70b-instruct-v1:0"),
            Family::Meta
        );
        assert_eq!(Family::of("example.model"), Family::Other);
        assert!(Family::Anthropic.takes_top_k() && Family::AmazonNova.takes_top_k());
        assert!(!Family::Meta.takes_top_k());
        assert_eq!(
            Family::AmazonNova.top_k_path(),
            Some(["inferenceConfig", "topK"].as_slice())
        );
    }
}
