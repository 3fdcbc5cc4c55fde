//! The checks that depend on the model, from the catalog: the largest
//! `maxTokens`, the service tiers offered, reasoning budgets and prompt
//! caching. Models the catalog does not know (served with the generic
//! profile, or added by a profile file) pass every check except the
//! thinking budget's own bounds.

use super::api_error::ApiError;
use super::request::ConverseRequest;
use bedrock_catalog::{ModelInfo, Reasoning};

/// The smallest thinking budget of models the catalog does not know.
pub const UNKNOWN_MODEL_MIN_BUDGET: u32 = 1024;

/// Check `request` against what `info` (the catalog's model, if known)
/// accepts.
pub fn check(request: &ConverseRequest, info: Option<&ModelInfo>) -> Result<(), ApiError> {
    if let (Some(info), Some(max)) = (info, request.max_tokens)
        && max > info.max_output_tokens
    {
        return Err(ApiError::validation(format!(
            "The maximum tokens you requested ({max}) exceeds the model limit of {limit}. Try again with a maximum tokens value (inferenceConfig.maxTokens) of at most {limit}.",
            limit = info.max_output_tokens
        )));
    }
    if let (Some(info), Some(tier)) = (info, request.service_tier)
        && !info.offers_tier(tier)
    {
        let offered: Vec<&str> = info.tiers.iter().map(|t| t.as_str()).collect();
        return Err(ApiError::validation(format!(
            "The service tier {tier} (serviceTier.type) is not available for {model}. Available tiers: {}.",
            offered.join(", "),
            model = request.model_id
        )));
    }
    if let Some(budget) = request.thinking_budget {
        let min_budget = match info.map(|i| i.reasoning) {
            None => UNKNOWN_MODEL_MIN_BUDGET,
            Some(Reasoning::ThinkingBudget { min_budget }) => min_budget,
            Some(_) => {
                return Err(ApiError::validation(format!(
                    "The model returned the following errors: thinking: Extra inputs are not permitted ({} does not take additionalModelRequestFields.thinking).",
                    request.model_id
                )));
            }
        };
        if budget < min_budget {
            return Err(ApiError::validation(format!(
                "The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to {min_budget} (found {budget})."
            )));
        }
        let max_tokens = request
            .max_tokens
            .or(info.map(|i| i.max_output_tokens))
            .unwrap_or(u32::MAX);
        if budget >= max_tokens {
            return Err(ApiError::validation(format!(
                "The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens` (max_tokens {max_tokens}, budget_tokens {budget})."
            )));
        }
    }
    if let Some(info) = info
        && info.min_cache_tokens.is_none()
        && !request.cache_checkpoints.is_empty()
    {
        return Err(ApiError::validation(format!(
            "You invoked an unsupported model or your request did not allow prompt caching: {} does not support cachePoint blocks.",
            request.model_id
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bedrock_catalog::{ServiceTier, model};

    fn request(id: &str) -> ConverseRequest {
        ConverseRequest::plain(id, 10)
    }

    #[test]
    fn max_tokens_is_bounded_by_the_catalog() {
        let haiku = model("anthropic.claude-3-haiku-20240307-v1:0");
        let mut r = request("us.anthropic.claude-3-haiku-20240307-v1:0");
        r.max_tokens = Some(4096);
        assert!(check(&r, haiku).is_ok());
        r.max_tokens = Some(4097);
        let err = check(&r, haiku).unwrap_err();
        assert!(err.message.contains("4096"), "{}", err.message);
        assert!(check(&r, None).is_ok(), "unknown models keep no limit");
    }

    #[test]
    fn tiers_must_be_offered() {
        let micro = model("amazon.nova-micro-v1:0");
        let mut r = request("us.amazon.nova-micro-v1:0");
        r.service_tier = Some(ServiceTier::Flex);
        assert!(check(&r, micro).is_ok());
        r.service_tier = Some(ServiceTier::Reserved);
        let err = check(&r, micro).unwrap_err();
        assert!(err.message.contains("reserved"), "{}", err.message);
    }

    #[test]
    fn thinking_budgets_follow_anthropics_rules() {
        let sonnet = model("anthropic.claude-sonnet-4-20250514-v1:0");
        let mut r = request("us.anthropic.claude-sonnet-4-20250514-v1:0");
        r.max_tokens = Some(4000);
        r.thinking_budget = Some(2000);
        assert!(check(&r, sonnet).is_ok());
        r.thinking_budget = Some(1000);
        assert!(check(&r, sonnet).unwrap_err().message.contains("1024"));
        r.thinking_budget = Some(4000);
        assert!(
            check(&r, sonnet)
                .unwrap_err()
                .message
                .contains("greater than `thinking.budget_tokens`")
        );
        r.thinking_budget = Some(2000);
        assert!(
            check(&r, model("amazon.nova-pro-v1:0"))
                .unwrap_err()
                .message
                .contains("Extra inputs")
        );
    }
}
