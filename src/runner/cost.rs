//! What calls cost: the worst case of an attempt (before it starts), what
//! an attempt is charged against the dollar budget (after it ends), and
//! the worst case of a whole plan, checked against `max_cost_usd` /
//! `--max-cost` before any call.

use bedrock_catalog::prices::{Cost, PriceKey, PriceTable};
use bedrock_catalog::tokens::estimate_tokens;

use crate::call::{CallSpec, CallStatus};
use crate::record::AttemptRecord;

/// Tokens the fresh-cache marker adds at most (see `CallSpec`).
const FRESH_MARKER_TOKENS: u64 = 16;
/// Tokens allowed for the model's prompt template (role markers, system
/// headers), which Bedrock counts in `inputTokens` on top of the text: up
/// to a few dozen tokens (the emulator's built-in models add 0 to 16,
/// after the seed's measurements).
pub const PROMPT_TEMPLATE_TOKENS: u64 = 64;

/// Tokens allowed for each tool's framing beyond twice its estimate.
const TOOL_OVERHEAD_TOKENS: u64 = 32;

/// The input tokens an attempt of `spec` is assumed to use at most: the
/// catalog's estimate ([`estimate_tokens`], the emulator's count) of the
/// user text, the system prompt and the cache prefix, the model's prompt
/// template ([`PROMPT_TEMPLATE_TOKENS`]), and twice the estimate of each
/// tool's definition plus a margin. Amazon Bedrock's
/// tokenizers count differently; see the README ("Cost").
pub fn worst_case_input_tokens(spec: &CallSpec) -> u64 {
    let text = |s: &str| u64::from(estimate_tokens(s));
    let mut tokens =
        PROMPT_TEMPLATE_TOKENS + text(&spec.user_text) + spec.system.as_deref().map_or(0, text);
    if let Some(cache) = &spec.variant.prompt_cache {
        tokens += text(&cache.prefix);
        if cache.fresh {
            tokens += FRESH_MARKER_TOKENS;
        }
    }
    if let Some(tools) = &spec.variant.tools {
        for tool in &tools.tools {
            let definition = text(&tool.name)
                + tool.description.as_deref().map_or(0, text)
                + text(&tool.input_schema.to_string());
            tokens += 2 * definition + TOOL_OVERHEAD_TOKENS;
        }
    }
    tokens
}

/// The most one attempt of `spec` can cost: [`worst_case_input_tokens`]
/// at the dearest input price (the cache-write or cache-read price when it
/// is dearer and the call uses the cache) and `maxTokens` output tokens,
/// at the price of the tier and performance config sent. `None` when a
/// price needed is unknown.
pub fn attempt_worst_case(spec: &CallSpec, prices: &PriceTable) -> Option<Cost> {
    let key = PriceKey::of(&spec.model_id, spec.variant.service_tier, spec.performance);
    prices.price(&key)?.worst_case(
        worst_case_input_tokens(spec),
        u64::from(spec.max_tokens),
        spec.variant.prompt_cache.is_some(),
    )
}

/// What an attempt that reserved `worst` is charged: its cost when known;
/// nothing when it failed with an error before the model answered (no
/// usage, no stream: throttled, refused); otherwise (a timeout, a
/// cancellation or a broken stream without usage, or an unknown price) its
/// whole worst case, since the service may bill tokens it generated.
pub fn charged(record: &AttemptRecord, worst: Option<Cost>) -> Cost {
    if let Some(cost) = record.cost() {
        return cost;
    }
    let call = &record.call;
    let refused = call.usage.is_none()
        && call.message_start_at.is_none()
        && call.deltas.is_empty()
        && matches!(call.status, CallStatus::Error(_));
    if refused {
        Cost::ZERO
    } else {
        worst.unwrap_or(Cost::ZERO)
    }
}

/// The worst case of a plan: each scenario's attempts at their worst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostPlan {
    /// Each scenario's name and the worst case of one of its attempts
    /// (`None`: a price is unknown), in file order.
    pub attempts: Vec<(String, Option<Cost>)>,
    /// The planned calls at their worst (no retry); `None` when a price is
    /// unknown.
    pub planned: Option<Cost>,
    /// Every planned call and every retry at its worst.
    pub with_retries: Option<Cost>,
}

impl CostPlan {
    /// The plan of `calls_per_scenario` calls of each scenario (`specs`,
    /// named by `names`), each retried at most `max_retries` times.
    pub fn new<'a>(
        scenarios: impl IntoIterator<Item = (&'a str, &'a CallSpec)>,
        prices: &PriceTable,
        calls_per_scenario: u64,
        max_retries: u32,
    ) -> CostPlan {
        let attempts: Vec<(String, Option<Cost>)> = scenarios
            .into_iter()
            .map(|(name, spec)| (name.to_string(), attempt_worst_case(spec, prices)))
            .collect();
        let planned = attempts
            .iter()
            .map(|(_, worst)| worst.map(|w| w.saturating_mul(calls_per_scenario)))
            .sum::<Option<Cost>>();
        let with_retries = planned.map(|p| p.saturating_mul(1 + u64::from(max_retries)));
        CostPlan {
            attempts,
            planned,
            with_retries,
        }
    }

    /// The plan of `calls` calls that may each call any of `scenarios`
    /// (the open loop and the concurrent load pick one by weight per
    /// call), without retries: every call at the dearest scenario's worst
    /// case, an upper bound whatever the draw.
    pub fn for_mix<'a>(
        scenarios: impl IntoIterator<Item = (&'a str, &'a CallSpec)>,
        prices: &PriceTable,
        calls: u64,
    ) -> CostPlan {
        let attempts: Vec<(String, Option<Cost>)> = scenarios
            .into_iter()
            .map(|(name, spec)| (name.to_string(), attempt_worst_case(spec, prices)))
            .collect();
        let planned = attempts
            .iter()
            .map(|(_, worst)| *worst)
            .try_fold(Cost::ZERO, |most, worst| worst.map(|w| most.max(w)))
            .map(|dearest| dearest.saturating_mul(calls));
        CostPlan {
            attempts,
            planned,
            with_retries: planned,
        }
    }

    /// The scenarios whose price is unknown.
    pub fn unpriced(&self) -> impl Iterator<Item = &str> {
        self.attempts
            .iter()
            .filter(|(_, worst)| worst.is_none())
            .map(|(name, _)| name.as_str())
    }

    /// One line for the plan: `cost: at most $X for the planned calls
    /// ($Y with every retry), every call at maxTokens`.
    pub fn describe(&self) -> String {
        match (self.planned, self.with_retries) {
            (Some(planned), Some(retries)) => format!(
                "cost: at most ${} for the planned calls, ${} with every retry (worst case: every call at maxTokens; prices as of {})",
                planned,
                retries,
                bedrock_catalog::prices::PRICES_AS_OF
            ),
            _ => {
                let names: Vec<&str> = self.unpriced().collect();
                format!(
                    "cost: unknown (no price for {}); a --prices file can add one",
                    names.join(", ")
                )
            }
        }
    }

    /// Refuse the plan when a dollar budget `max` (set by `source`) is set
    /// and a price is unknown, or the planned calls' worst case passes it.
    pub fn check(&self, max: Option<(Cost, String)>) -> Result<(), CostError> {
        let Some((max, source)) = max else {
            return Ok(());
        };
        let unpriced: Vec<String> = self.unpriced().map(str::to_string).collect();
        if !unpriced.is_empty() {
            return Err(CostError::Unpriced {
                unpriced,
                set_by: source,
            });
        }
        let planned = self.planned.unwrap_or(Cost::ZERO);
        if planned > max {
            return Err(CostError::OverBudget {
                worst: planned,
                max,
                set_by: source,
            });
        }
        Ok(())
    }
}

/// A dollar budget the plan cannot keep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CostError {
    /// A scenario's price is unknown, so the budget cannot be guaranteed.
    #[error(
        "a dollar budget is set ({set_by}), but no price is known for {}, so it cannot be kept; add the model's prices in a price file (--prices) or remove the budget",
        .unpriced.join(", ")
    )]
    Unpriced {
        /// The scenarios without a price.
        unpriced: Vec<String>,
        /// `--max-cost` or the experiment file.
        set_by: String,
    },
    /// The planned calls' worst case passes the budget.
    #[error(
        "the run could cost up to ${worst} (every planned call at maxTokens, no retry), more than the budget of ${max} ({set_by}); raise the budget, or lower expected_output_tokens, invocations_per_scenario, num_runs_per_experiment, warmup_invocations or the number of scenarios"
    )]
    OverBudget {
        /// The planned calls' worst case.
        worst: Cost,
        /// The budget.
        max: Cost,
        /// `--max-cost` or the experiment file.
        set_by: String,
    },
}
