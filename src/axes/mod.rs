//! The variant axes, declared once: for each axis, the scenario field that
//! sets it, the raw CSV columns that record what was sent and served, its
//! part of a group's label, its baseline and its mismatch (a call not
//! served what it asked); and the cost rule that reads
//! the axes that set a call's price ([`CallPricing`]). Config, the record, `analyze`, the extended
//! summary and the comparisons read these declarations; a new axis is a
//! new [`Axis`] variant, its [`AxisSpec`] here, a field of
//! [`VariantKey`], and the parser of its scenario field: the compiler
//! points at every `match` that must learn it.
//!
//! A leaf: it imports only the catalog's typed values.

mod key;
mod price;

pub use key::{CacheState, DEFAULT_TIER, LabelError, VariantKey};
pub use price::{BilledTokens, CallPricing, ServedOrSent};

use std::fmt;

/// A variant axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Axis {
    /// `performanceConfig.latency`: standard (baseline) vs optimized.
    PerformanceConfig,
    /// `serviceTier.type`: default (baseline: none sent) vs priority,
    /// flex, reserved.
    ServiceTier,
    /// The prompt cache: a write (baseline) vs a read.
    Cache,
    /// The reasoning budget: none (baseline) vs a budget.
    Reasoning,
    /// Tools: none (baseline) vs tools sent.
    Tools,
    /// The inference API: ConverseStream (baseline) vs Converse,
    /// InvokeModelWithResponseStream, Chat Completions or Messages.
    Api,
    /// The endpoint: `bedrock-runtime` (baseline) vs `bedrock-mantle`.
    Endpoint,
    /// A guardrail: none (baseline) vs sync or async processing.
    Guardrail,
}

/// What the project knows about one axis, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisSpec {
    /// The name of the extended summary's column and of the comparison
    /// CSV's `axis` value.
    pub name: &'static str,
    /// A title for tables and charts: the baseline vs the compared value.
    pub title: &'static str,
    /// The scenario field that sets the axis.
    pub scenario_field: &'static str,
    /// The raw CSV columns that record it: what was sent, then what was
    /// served or observed.
    pub raw_columns: &'static [&'static str],
    /// What comes before the axis's value in a group's label (nothing for
    /// the performance config, which starts every label).
    pub label_prefix: &'static str,
    /// The baseline value, as shown in tables.
    pub baseline: &'static str,
    /// Calls not served what they asked on this axis: counted in a column
    /// of the extended summary and warned about. `None` for an axis Bedrock
    /// serves as sent or refuses (reasoning, tools).
    pub mismatch: Option<Mismatch>,
    /// A pair of values compared besides the baseline with each other
    /// value, as (baseline, compared) in [`VariantKey::value`]'s words:
    /// a guardrail's sync against its async processing.
    pub also_compared: Option<(&'static str, &'static str)>,
}

/// A call not served what it asked on an axis (an optimized request
/// served as standard, a tier served as another, a cache point that never
/// hit), as the extended summary counts it and `analyze` warns about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch {
    /// The extended summary's column counting such successful calls.
    pub column: &'static str,
    /// What happened, after "N of M successful requests"; `{value}` stands
    /// for the group's value on the axis.
    pub happened: &'static str,
    /// What it means for the numbers and what to do.
    pub advice: &'static str,
}

impl Mismatch {
    /// The warning for `count` of `of` successful requests of a group
    /// whose value on the axis is `value`, described by `group` (model,
    /// region and label).
    pub fn warning(&self, count: u64, of: u64, value: &str, group: &str) -> String {
        format!(
            "{count} of {of} successful requests {} for {group}: {}",
            self.happened.replace("{value}", value),
            self.advice.replace("{value}", value)
        )
    }
}

const PERFORMANCE_CONFIG: AxisSpec = AxisSpec {
    name: "performance_config",
    title: "Standard vs optimized",
    scenario_field: "performance_config",
    raw_columns: &["performance_config", "served_performance_config"],
    label_prefix: "",
    baseline: "standard",
    mismatch: Some(Mismatch {
        column: "fallbacks",
        happened: "sent as optimized were served as standard",
        advice: "their latencies are standard latencies",
    }),
    also_compared: None,
};

const SERVICE_TIER: AxisSpec = AxisSpec {
    name: "service_tier",
    title: "Default tier vs another service tier",
    scenario_field: "service_tier",
    raw_columns: &["service_tier", "served_service_tier"],
    label_prefix: "+",
    baseline: key::DEFAULT_TIER,
    mismatch: Some(Mismatch {
        column: "tier_downgrades",
        happened: "sent with service tier {value} were served at another tier (served_service_tier)",
        advice: "their latencies are that tier's, not {value}'s; check the tier's availability and quotas for this model and region, and look at served_service_tier in the raw CSV before comparing tiers",
    }),
    also_compared: None,
};

const CACHE: AxisSpec = AxisSpec {
    name: "cache",
    title: "Cache write vs cache read",
    scenario_field: "prompt_cache",
    raw_columns: &[
        "prompt_cache",
        "cache_read_input_tokens",
        "cache_write_input_tokens",
    ],
    label_prefix: "+cache:",
    baseline: "write",
    mismatch: Some(Mismatch {
        column: "cache_unused",
        happened: "sent a cache point but neither read nor wrote the prompt cache",
        advice: "they were not cached at all (the prefix before the cache point is likely shorter than the model's minimum cacheable length, or the model does not cache here); lengthen the shared prefix or check the model's prompt-caching support",
    }),
    also_compared: None,
};

const REASONING: AxisSpec = AxisSpec {
    name: "reasoning_budget_tokens",
    title: "No reasoning vs a reasoning budget",
    scenario_field: "reasoning_budget_tokens",
    raw_columns: &["reasoning_budget_tokens"],
    label_prefix: "+think",
    baseline: "none",
    mismatch: None,
    also_compared: None,
};

const TOOLS: AxisSpec = AxisSpec {
    name: "tools",
    title: "No tools vs tools",
    scenario_field: "tool_config",
    raw_columns: &["tools"],
    label_prefix: "+",
    baseline: "none",
    mismatch: None,
    also_compared: None,
};

const API: AxisSpec = AxisSpec {
    name: "api",
    title: "ConverseStream vs another API",
    scenario_field: "api",
    raw_columns: &["api"],
    label_prefix: "+via:",
    baseline: "converse-stream",
    mismatch: None,
    also_compared: None,
};

const ENDPOINT: AxisSpec = AxisSpec {
    name: "endpoint",
    title: "bedrock-runtime vs bedrock-mantle",
    scenario_field: "endpoint",
    raw_columns: &["endpoint"],
    label_prefix: "+at:",
    baseline: "bedrock-runtime",
    mismatch: None,
    also_compared: None,
};

const GUARDRAIL: AxisSpec = AxisSpec {
    name: "guardrail",
    title: "No guardrail vs a guardrail (and sync vs async)",
    scenario_field: "guardrail",
    raw_columns: &["guardrail", "guardrail_mode", "guardrail_action"],
    label_prefix: "+guard:",
    baseline: "none",
    mismatch: None,
    also_compared: Some(("sync", "async")),
};

impl Axis {
    /// Every axis, in the order labels write them and comparisons are
    /// listed.
    pub const ALL: [Axis; 8] = [
        Axis::PerformanceConfig,
        Axis::ServiceTier,
        Axis::Cache,
        Axis::Reasoning,
        Axis::Tools,
        Axis::Api,
        Axis::Endpoint,
        Axis::Guardrail,
    ];

    /// The axis's declaration.
    pub const fn spec(self) -> &'static AxisSpec {
        match self {
            Axis::PerformanceConfig => &PERFORMANCE_CONFIG,
            Axis::ServiceTier => &SERVICE_TIER,
            Axis::Cache => &CACHE,
            Axis::Reasoning => &REASONING,
            Axis::Tools => &TOOLS,
            Axis::Api => &API,
            Axis::Endpoint => &ENDPOINT,
            Axis::Guardrail => &GUARDRAIL,
        }
    }

    /// The name in the comparison CSV's `axis` column (the extended
    /// summary's column of that axis).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// A title for tables and charts.
    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// The label prefix of the axis.
    pub fn label_prefix(self) -> &'static str {
        self.spec().label_prefix
    }
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Column;

    #[test]
    fn every_raw_column_an_axis_names_is_a_column_of_the_raw_csv() {
        for axis in Axis::ALL {
            for name in axis.spec().raw_columns {
                assert!(
                    Column::PYTHON
                        .iter()
                        .chain(&Column::EXTENDED)
                        .any(|column| column.name() == *name),
                    "{axis}: `{name}` is not a raw CSV column"
                );
            }
        }
    }

    #[test]
    fn every_scenario_field_an_axis_names_is_accepted_by_the_config() {
        for axis in Axis::ALL {
            let field = axis.spec().scenario_field;
            assert!(
                crate::config::SCENARIO_KEYS.contains(&field),
                "{axis}: `{field}` is not a scenario field"
            );
        }
    }

    #[test]
    fn every_mismatch_has_a_column_of_the_extended_summary_and_a_count() {
        let columns = crate::tables::groups::KEY_COLUMNS;
        let counts = crate::analysis::Counts::default();
        for axis in Axis::ALL {
            let declared = axis.spec().mismatch;
            assert_eq!(
                declared.is_some(),
                counts.mismatched(axis).is_some(),
                "{axis}: a mismatch is declared in AxisSpec and counted in Counts::mismatched, or neither"
            );
            if let Some(mismatch) = declared {
                assert!(
                    columns.contains(&mismatch.column),
                    "{axis}: `{}` is not in the extended summary's KEY_COLUMNS",
                    mismatch.column
                );
            }
        }
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<&str> = Axis::ALL.iter().map(|axis| axis.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Axis::ALL.len());
    }
}
