//! What calls cost: the worst case of an attempt (before it starts), what
//! an attempt is charged against the dollar budget (after it ends), and
//! the worst case of a whole plan, checked against `max_cost_usd` /
//! `--max-cost` before any call.

use bedrock_catalog::prices::{Cost, PriceKey, PriceTable, RegionGroup};
use bedrock_catalog::tokens::{max_json_string_bytes, max_tokens};
use serde_json::{Value, json};

use crate::call::{CallSpec, CallStatus};
use crate::config::Scenario;
use crate::record::AttemptRecord;

/// Bytes the fresh-cache marker adds at most (see `CallSpec`): `[`, the
/// process id and a salt in hex, a counter, `] `.
const FRESH_MARKER_BYTES: u64 = 64;
/// Bytes a prefix group's marker adds at most (`[group 99999] `).
const GROUP_MARKER_BYTES: u64 = 16;
/// Bytes the cache-busting marker adds at most (the fresh marker).
pub const BUSTING_MARKER_BYTES: u64 = FRESH_MARKER_BYTES;
/// Tokens allowed for the model's prompt template (role markers, system
/// headers), which Bedrock counts in `inputTokens` on top of the text: up
/// to a few dozen tokens (the emulator's built-in models add 0 to 16,
/// after the seed's measurements).
pub const PROMPT_TEMPLATE_TOKENS: u64 = 64;
/// Tokens allowed for each earlier turn's framing in the template (its
/// role markers).
pub const TURN_TEMPLATE_TOKENS: u64 = 16;
/// Tokens allowed for the instructions a model's template adds when a
/// request offers tools (Anthropic documents a tool-use system prompt of
/// about 350 tokens).
pub const TOOL_PROMPT_TOKENS: u64 = 512;
/// Tokens allowed for each tool's framing in the template.
const TOOL_OVERHEAD_TOKENS: u64 = 32;
/// The most bytes any JSON encoder writes for a number (the shortest
/// round-trip form of an `f64` has at most 24 characters, an integer 20).
const MAX_NUMBER_BYTES: u64 = 24;

/// An upper bound of the input tokens an attempt of `spec` can be counted:
/// every byte of the user text, the system prompt and the cache prefix
/// ([`max_tokens`]: no tokenizer of Bedrock's, nor the emulator's
/// estimate, counts more tokens than a text has bytes), the model's prompt
/// template ([`PROMPT_TEMPLATE_TOKENS`]), and each tool's definition at
/// the most bytes any JSON encoder writes for it (escapes at their widest:
/// whitespace and control characters count), plus the template's tool
/// instructions. An estimate of what is typical would undercount some
/// texts (a description of 40,000 newlines is nothing to a word count and
/// 80,000 tokens to a model); this bound cannot, so the dollar budget's
/// reservation is a promise. See docs/explanation/cost.md.
pub fn worst_case_input_tokens(spec: &CallSpec) -> u64 {
    let mut tokens = PROMPT_TEMPLATE_TOKENS
        .saturating_add(max_tokens(&spec.user_text))
        .saturating_add(spec.system.as_deref().map_or(0, max_tokens));
    for turn in &spec.history {
        tokens = tokens
            .saturating_add(max_tokens(&turn.text))
            .saturating_add(TURN_TEMPLATE_TOKENS);
    }
    if let Some(cache) = &spec.variant.prompt_cache {
        tokens = tokens.saturating_add(max_tokens(&cache.prefix));
        if cache.fresh {
            tokens = tokens.saturating_add(FRESH_MARKER_BYTES);
        }
        if cache.groups > 1 {
            tokens = tokens.saturating_add(GROUP_MARKER_BYTES);
        }
    }
    if let Some(tools) = &spec.variant.tools {
        tokens = tokens.saturating_add(TOOL_PROMPT_TOKENS);
        for tool in &tools.tools {
            // The tool as it travels in `toolConfig.tools`.
            let wire = json!({"toolSpec": {
                "name": tool.name,
                "description": tool.description,
                "inputSchema": {"json": tool.input_schema},
            }});
            tokens = tokens
                .saturating_add(max_json_bytes(&wire))
                .saturating_add(TOOL_OVERHEAD_TOKENS);
        }
    }
    tokens
}

/// The most bytes any compact JSON encoder writes for `value`: strings at
/// their widest escapes, numbers at [`MAX_NUMBER_BYTES`].
fn max_json_bytes(value: &Value) -> u64 {
    let separators = |n: usize| n.saturating_sub(1) as u64;
    match value {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => MAX_NUMBER_BYTES,
        Value::String(text) => max_json_string_bytes(text),
        Value::Array(items) => items
            .iter()
            .map(max_json_bytes)
            .fold(2 + separators(items.len()), u64::saturating_add),
        Value::Object(members) => members
            .iter()
            .map(|(key, value)| {
                (max_json_string_bytes(key) + 1).saturating_add(max_json_bytes(value))
            })
            .fold(2 + separators(members.len()), u64::saturating_add),
    }
}

/// The most one attempt of `spec` can cost: [`worst_case_input_tokens`]
/// at the dearest input price (the cache-write price of the cache point's
/// TTL, or the cache-read price, when it is dearer and the call uses the
/// cache) and `maxTokens` output tokens,
/// at the price of the tier and performance config sent. `None` when a
/// price needed is unknown.
pub fn attempt_worst_case(spec: &CallSpec, prices: &PriceTable) -> Option<Cost> {
    attempt_worst_case_with(spec, 0, prices)
}

/// [`attempt_worst_case`] of `spec` with at most `drawn_text_bytes` more
/// bytes of text (and their turns' framing) drawn per call: a dataset's
/// longest record, the longest synthetic prompt a distribution can draw.
pub fn attempt_worst_case_with(
    spec: &CallSpec,
    drawn_text_bytes: u64,
    prices: &PriceTable,
) -> Option<Cost> {
    let key = PriceKey::of(&spec.model_id, spec.variant.service_tier, spec.performance);
    let cache = spec
        .variant
        .prompt_cache
        .as_ref()
        .map(|cache| cache.ttl.unwrap_or(bedrock_catalog::CacheTtl::FiveMinutes));
    prices.price(&key)?.worst_case(
        worst_case_input_tokens(spec).saturating_add(drawn_text_bytes),
        u64::from(spec.max_tokens),
        cache,
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
    /// The plan of `calls_per_scenario` calls of each scenario (its name
    /// and the worst case of one of its attempts, `None` when a price is
    /// unknown), each retried at most `max_retries` times.
    pub fn new<'a>(
        scenarios: impl IntoIterator<Item = (&'a str, Option<Cost>)>,
        calls_per_scenario: u64,
        max_retries: u32,
    ) -> CostPlan {
        let attempts: Vec<(String, Option<Cost>)> = scenarios
            .into_iter()
            .map(|(name, worst)| (name.to_string(), worst))
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
        scenarios: impl IntoIterator<Item = (&'a str, Option<Cost>)>,
        calls: u64,
    ) -> CostPlan {
        let attempts: Vec<(String, Option<Cost>)> = scenarios
            .into_iter()
            .map(|(name, worst)| (name.to_string(), worst))
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

/// Warnings for the scenarios the built-in table prices at US prices
/// although they are called outside the US: an in-region call in a region
/// that is not a US one, or a geography profile other than `us.` and
/// `global.` (`eu.`, `apac.`, `jp.`...). The table has US East (N.
/// Virginia) prices and cannot tell; Bedrock's prices elsewhere can be
/// higher, so a dollar budget could be low. A price-file entry that
/// matches the call silences its warning: the user gave its price.
pub fn us_priced_elsewhere(scenarios: &[Scenario], prices: &PriceTable) -> Vec<String> {
    let mut warnings = Vec::new();
    for scenario in scenarios {
        let key = PriceKey::of(&scenario.model_id, scenario.variant.service_tier, None);
        let Some(entry) = prices.lookup(&key) else {
            continue;
        };
        if !entry.source.starts_with("built-in") {
            continue;
        }
        let outside = match key.region_group {
            RegionGroup::InRegion => {
                !scenario.region.starts_with("us-") || scenario.region.starts_with("us-gov")
            }
            RegionGroup::Profile(geography) => !matches!(geography, "us" | "global"),
        };
        if outside {
            warnings.push(format!(
                "warning: scenario {} ({} in {}) is priced at the built-in table's US East (N. Virginia) prices; Bedrock's prices outside the US can be higher, so costs and the dollar budget may be low: add a price file (--prices) with the prices of {}",
                scenario.name,
                scenario.model_id,
                scenario.region,
                key.region_group
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ToolDefinition, ToolSettings};
    use bedrock_catalog::tokens::estimate_tokens;
    use proptest::prelude::*;

    fn spec_with_tool(user: &str, description: &str, schema: Value) -> CallSpec {
        let mut spec = CallSpec::new("us.amazon.nova-lite-v1:0", user, 10);
        spec.variant.tools = Some(ToolSettings {
            tools: vec![ToolDefinition {
                name: "get_weather".into(),
                description: Some(description.into()),
                input_schema: schema,
            }],
            choice: None,
            file: None,
        });
        spec
    }

    /// What the emulator counts for the spec: the estimate of each text
    /// and of each tool as JSON (see its request parser).
    fn emulator_count(spec: &CallSpec) -> u64 {
        let mut count = u64::from(estimate_tokens(&spec.user_text));
        for tool in &spec.variant.tools.as_ref().expect("tools").tools {
            let wire = json!({"toolSpec": {
                "name": tool.name,
                "description": tool.description,
                "inputSchema": {"json": tool.input_schema},
            }});
            count += u64::from(estimate_tokens(&wire.to_string()));
        }
        count
    }

    fn scenarios(lines: &str) -> Vec<Scenario> {
        crate::config::parse_scenarios(lines, "s.jsonl", std::path::Path::new("."))
            .expect("scenarios")
            .value
    }

    #[test]
    fn calls_outside_the_us_at_built_in_prices_are_warned_about() {
        let all = scenarios(
            r#"{"scenario_name": "us", "text_prompt": "Hi.", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1"}
{"scenario_name": "eu", "text_prompt": "Hi.", "model_id": "eu.amazon.nova-pro-v1:0", "region": "eu-west-1"}
{"scenario_name": "global", "text_prompt": "Hi.", "model_id": "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "region": "eu-west-1"}
{"scenario_name": "tokyo", "text_prompt": "Hi.", "model_id": "amazon.nova-pro-v1:0", "region": "ap-northeast-1"}"#,
        );
        let warnings = us_priced_elsewhere(&all, &PriceTable::default());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("scenario eu (eu.amazon.nova-pro-v1:0 in eu-west-1)"));
        assert!(warnings[1].contains("scenario tokyo"));
        // A price file's entry for the calls is the user's own price.
        let table = PriceTable::with_overrides(vec![bedrock_catalog::prices::PriceEntry {
            model: "amazon.nova-pro-v1:0".into(),
            region_group: None,
            tier: None,
            performance: None,
            price: bedrock_catalog::prices::Price::default(),
            source: "prices.jsonl:1".into(),
        }]);
        assert!(us_priced_elsewhere(&all, &table).is_empty());
    }

    #[test]
    fn a_one_hour_cache_point_is_reserved_at_the_one_hour_write_price() {
        let cached = |ttl: &str| {
            let line = format!(
                r#"{{"text_prompt": "Hi.", "expected_output_tokens": 10, "model_id": "us.anthropic.claude-sonnet-4-20250514-v1:0", "region": "us-east-1", "prompt_cache": {{"at": "system", "ttl": "{ttl}", "shared_prefix_tokens": 2048}}}}"#
            );
            let scenario = &scenarios(&line)[0];
            let spec = CallSpec::from_scenario(scenario, &crate::config::Experiment::default());
            let worst = attempt_worst_case(&spec, &PriceTable::default()).expect("priced");
            (worst, worst_case_input_tokens(&spec))
        };
        let (five, tokens) = cached("5m");
        let (hour, same) = cached("1h");
        assert_eq!(tokens, same);
        // Input at $3.75 against $6 per million (Sonnet 4), output the same.
        let output = 10 * 15_000_000;
        assert_eq!(five.picodollars() - output, tokens * 3_750_000);
        assert_eq!(hour.picodollars() - output, tokens * 6_000_000);
    }

    #[test]
    fn forty_thousand_newlines_are_reserved_in_full() {
        let spec = spec_with_tool("Hi", &"\n".repeat(40_000), json!({"type": "object"}));
        // The emulator counted 80,045 tokens for such a request.
        assert!(emulator_count(&spec) >= 80_000);
        assert!(worst_case_input_tokens(&spec) >= emulator_count(&spec));
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            any::<i64>().prop_map(|i| json!(i)),
            ".*".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(".*", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_bound_is_never_below_what_the_emulator_counts_or_the_bytes_sent(
            user in ".*",
            description in "[ \n\t\r\u{1}\u{1b}\"\\\\a-zé日😀]{0,200}",
            schema in json_value(),
        ) {
            let spec = spec_with_tool(&user, &description, schema.clone());
            let bound = worst_case_input_tokens(&spec);
            prop_assert!(bound >= emulator_count(&spec) + PROMPT_TEMPLATE_TOKENS);
            let wire = json!({"toolSpec": {
                "name": "get_weather",
                "description": description,
                "inputSchema": {"json": schema},
            }});
            prop_assert!(max_json_bytes(&wire) >= wire.to_string().len() as u64);
            prop_assert!(bound >= user.len() as u64 + wire.to_string().len() as u64);
        }
    }
}
