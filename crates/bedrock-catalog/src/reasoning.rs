//! Which models reason before they answer, and how a request asks them to.

/// How a model reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reasoning {
    /// No reasoning content.
    None,
    /// Anthropic extended thinking, asked for with
    /// `additionalModelRequestFields.thinking = {"type": "enabled",
    /// "budget_tokens": N}`, with `min_budget <= N < maxTokens`.
    ThinkingBudget {
        /// The smallest budget accepted.
        min_budget: u32,
    },
    /// The model always reasons first (DeepSeek-R1): no field asks for it,
    /// and none turns it off.
    Always,
}

impl Reasoning {
    /// Whether a request can set a reasoning budget.
    pub fn takes_budget(self) -> bool {
        matches!(self, Reasoning::ThinkingBudget { .. })
    }

    /// Whether the model may stream reasoning content.
    pub fn reasons(self) -> bool {
        !matches!(self, Reasoning::None)
    }
}
