//! A group's variant, axis by axis, read back from its label (the third
//! part of the group key, built per row by `parse.rs`'s `variant_label`):
//! `standard`, `optimized+priority`, `standard+cache:read+think2048+tools:any`.
//!
//! The label stays the group key (interned once per distinct string, so
//! the per-row work is unchanged); the typed [`Variant`] is parsed once
//! per group, for the extended summary's axis columns and for the
//! comparisons along one axis.

use std::fmt;

/// What a call did with the prompt cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheState {
    /// No cache point was sent.
    NotCached,
    /// A cache point was sent, and the call neither read nor wrote the
    /// cache (label `cache:none`): the cache point never hit.
    Unused,
    /// The call wrote the cache (and read none of it).
    Write,
    /// The call read the cache.
    Read,
}

impl CacheState {
    /// As written in the extended summary's `cache` column and in the
    /// label after `cache:` (empty for [`CacheState::NotCached`]).
    pub fn as_str(self) -> &'static str {
        match self {
            CacheState::NotCached => "",
            CacheState::Unused => "none",
            CacheState::Write => "write",
            CacheState::Read => "read",
        }
    }
}

/// A group's variant: one field per axis.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// `standard`, `optimized` (what the file says; `standard` when empty).
    pub performance_config: String,
    /// The service tier sent; `default` when none was sent.
    pub service_tier: String,
    /// What the calls did with the prompt cache.
    pub cache: CacheState,
    /// The reasoning budget sent, in tokens (`None`: no reasoning asked).
    pub reasoning_budget_tokens: Option<u64>,
    /// The tools sent (`tools`, `tools:any`, `tools:<name>`; empty: none).
    pub tools: String,
}

/// The service tier of a variant that sent none.
pub const DEFAULT_TIER: &str = "default";

impl Variant {
    /// Parse a group label: the performance config, then `+`-separated
    /// axes as `variant_label` writes them: `cache:<state>`,
    /// `think<budget>`, `tools` or `tools:<choice>`, and anything else is
    /// the service tier sent. A label without `+` (every file written
    /// before the variant axes, and the Python tool's) is a performance
    /// config alone.
    pub fn parse(label: &str) -> Variant {
        let mut parts = label.split('+');
        let mut variant = Variant {
            performance_config: parts.next().unwrap_or("").to_string(),
            service_tier: DEFAULT_TIER.to_string(),
            cache: CacheState::NotCached,
            reasoning_budget_tokens: None,
            tools: String::new(),
        };
        for part in parts {
            if let Some(state) = part.strip_prefix("cache:") {
                variant.cache = match state {
                    "read" => CacheState::Read,
                    "write" => CacheState::Write,
                    _ => CacheState::Unused,
                };
            } else if let Some(budget) = part
                .strip_prefix("think")
                .and_then(|b| b.parse::<u64>().ok())
            {
                variant.reasoning_budget_tokens = Some(budget);
            } else if part == "tools" || part.starts_with("tools:") {
                variant.tools = part.to_string();
            } else {
                variant.service_tier = part.to_string();
            }
        }
        variant
    }

    /// The value of `axis`, as shown in tables (`default`, `write`,
    /// `none`/`2048` for reasoning, `none`/`tools:any` for tools).
    pub fn value(&self, axis: Axis) -> String {
        match axis {
            Axis::PerformanceConfig => self.performance_config.clone(),
            Axis::ServiceTier => self.service_tier.clone(),
            Axis::Cache => match self.cache {
                CacheState::NotCached => "not cached".to_string(),
                state => state.as_str().to_string(),
            },
            Axis::Reasoning => self
                .reasoning_budget_tokens
                .map_or_else(|| "none".to_string(), |b| b.to_string()),
            Axis::Tools if self.tools.is_empty() => "none".to_string(),
            Axis::Tools => self.tools.clone(),
        }
    }

    /// The only axis on which `self` and `other` differ; `None` when they
    /// differ on none or on several.
    pub fn single_difference(&self, other: &Variant) -> Option<Axis> {
        let mut differing = Axis::ALL
            .into_iter()
            .filter(|&axis| !self.same_on(other, axis));
        let axis = differing.next()?;
        differing.next().is_none().then_some(axis)
    }

    fn same_on(&self, other: &Variant, axis: Axis) -> bool {
        match axis {
            Axis::PerformanceConfig => self.performance_config == other.performance_config,
            Axis::ServiceTier => self.service_tier == other.service_tier,
            Axis::Cache => self.cache == other.cache,
            Axis::Reasoning => self.reasoning_budget_tokens == other.reasoning_budget_tokens,
            Axis::Tools => self.tools == other.tools,
        }
    }

    /// Whether `self` holds the baseline value of `axis`: `standard`, the
    /// default tier (none sent), a cache write, no reasoning, no tools.
    pub fn is_baseline_on(&self, axis: Axis) -> bool {
        match axis {
            Axis::PerformanceConfig => self.performance_config == "standard",
            Axis::ServiceTier => self.service_tier == DEFAULT_TIER,
            Axis::Cache => self.cache == CacheState::Write,
            Axis::Reasoning => self.reasoning_budget_tokens.is_none(),
            Axis::Tools => self.tools.is_empty(),
        }
    }

    /// Whether `self` holds a value of `axis` compared with the baseline:
    /// `optimized`, any tier sent but `default`, a cache read, a budget,
    /// tools.
    pub fn is_compared_on(&self, axis: Axis) -> bool {
        match axis {
            Axis::PerformanceConfig => self.performance_config == "optimized",
            Axis::Cache => self.cache == CacheState::Read,
            _ => !self.is_baseline_on(axis),
        }
    }
}

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
}

impl Axis {
    /// Every axis, in the order comparisons are listed.
    pub const ALL: [Axis; 5] = [
        Axis::PerformanceConfig,
        Axis::ServiceTier,
        Axis::Cache,
        Axis::Reasoning,
        Axis::Tools,
    ];

    /// The name in the comparison CSV's `axis` column (the extended
    /// summary's column of that axis).
    pub fn name(self) -> &'static str {
        match self {
            Axis::PerformanceConfig => "performance_config",
            Axis::ServiceTier => "service_tier",
            Axis::Cache => "cache",
            Axis::Reasoning => "reasoning_budget_tokens",
            Axis::Tools => "tools",
        }
    }

    /// A title for tables and charts.
    pub fn title(self) -> &'static str {
        match self {
            Axis::PerformanceConfig => "Standard vs optimized",
            Axis::ServiceTier => "Default tier vs another service tier",
            Axis::Cache => "Cache write vs cache read",
            Axis::Reasoning => "No reasoning vs a reasoning budget",
            Axis::Tools => "No tools vs tools",
        }
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

    #[test]
    fn labels_parse_axis_by_axis() {
        let plain = Variant::parse("standard");
        assert_eq!(plain.performance_config, "standard");
        assert_eq!(plain.service_tier, "default");
        assert_eq!(plain.cache, CacheState::NotCached);
        assert_eq!(plain.reasoning_budget_tokens, None);
        assert_eq!(plain.tools, "");

        let full = Variant::parse("optimized+flex+cache:read+think2048+tools:any");
        assert_eq!(full.performance_config, "optimized");
        assert_eq!(full.service_tier, "flex");
        assert_eq!(full.cache, CacheState::Read);
        assert_eq!(full.reasoning_budget_tokens, Some(2048));
        assert_eq!(full.tools, "tools:any");
        assert_eq!(
            Variant::parse("standard+cache:none").cache,
            CacheState::Unused
        );
        assert_eq!(Variant::parse("standard+tools").tools, "tools");
    }

    #[test]
    fn one_axis_apart_is_a_comparison() {
        let base = Variant::parse("standard+cache:write");
        let read = Variant::parse("standard+cache:read");
        let two = Variant::parse("optimized+cache:read");
        assert_eq!(base.single_difference(&read), Some(Axis::Cache));
        assert_eq!(base.single_difference(&two), None);
        assert_eq!(base.single_difference(&base), None);
        assert!(base.is_baseline_on(Axis::Cache) && read.is_compared_on(Axis::Cache));
        assert!(!Variant::parse("standard+cache:none").is_compared_on(Axis::Cache));
    }
}
