//! Prices of Bedrock's on-demand calls, and the cost of a call from its
//! usage.
//!
//! - [`PRICES_AS_OF`]: the date of the built-in table ([`PriceTable::builtin`]);
//! - [`Price`]: input, output, cache-read and cache-write prices per million
//!   tokens ([`PerMillion`], exact to the micro-dollar); a price that is not
//!   known is `None`, never 0;
//! - [`PriceKey`]: what a price depends on: the base model, the region group
//!   of the model id ([`RegionGroup`]: in-region, `us.`, `eu.`, `apac.`,
//!   `global.`...), the [`ServiceTier`] and the [`PerformanceConfig`];
//! - [`PriceTable`]: the built-in entries, optionally overridden by entries
//!   from a price file (parsed by the harness), and [`PriceTable::price`];
//! - [`TokenUsage`] and [`Price::cost`]: a call's cost, an exact [`Cost`]
//!   in picodollars.
//!
//! Bedrock's `inputTokens` excludes the tokens read from or written to the
//! prompt cache; those are priced separately (`cacheReadInputTokens` at the
//! cache-read price, `cacheWriteInputTokens` at the cache-write price).

mod builtin;
mod money;

use std::fmt;
use std::str::FromStr;

pub use builtin::PRICES_AS_OF;
pub use money::{AmountError, Cost, PerMillion};

use crate::cache_ttl::CacheTtl;
use crate::model_id::{GEO_PREFIXES, base_model_id};
use crate::performance::{PerformanceConfig, UnknownValue};
use crate::tier::ServiceTier;

/// A model's price per million tokens of each kind; `None` where the price
/// is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Price {
    /// Input tokens (`usage.inputTokens`).
    pub input: Option<PerMillion>,
    /// Output tokens (`usage.outputTokens`, reasoning included).
    pub output: Option<PerMillion>,
    /// Tokens read from the prompt cache (`usage.cacheReadInputTokens`).
    pub cache_read: Option<PerMillion>,
    /// Tokens written to the prompt cache with the default 5-minute TTL
    /// (`usage.cacheWriteInputTokens`).
    pub cache_write: Option<PerMillion>,
    /// Tokens written to the prompt cache with a one-hour TTL (a cache
    /// point's `"ttl": "1h"`): Anthropic's models bill them at twice the
    /// input price, against 1.25 times for five minutes.
    pub cache_write_1h: Option<PerMillion>,
}

/// Token counts of one call, as Bedrock's `metadata.usage` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TokenUsage {
    /// `inputTokens`: input not read from or written to the cache.
    pub input: u64,
    /// `outputTokens`.
    pub output: u64,
    /// `cacheReadInputTokens` (0 when absent).
    pub cache_read: u64,
    /// `cacheWriteInputTokens` (0 when absent): every cache write,
    /// whatever its TTL.
    pub cache_write: u64,
    /// The part of `cache_write` written with a one-hour TTL (Bedrock's
    /// `usage.cacheDetails`, or every write when the call's only cache point
    /// asked for `1h`).
    pub cache_write_1h: u64,
}

impl Price {
    /// The exact cost of `usage`: each kind of token times its price. `None`
    /// when tokens of a kind whose price is unknown were used (zero tokens of
    /// an unknown kind cost nothing), or on overflow.
    pub fn cost(&self, usage: &TokenUsage) -> Option<Cost> {
        let part = |tokens: u64, price: Option<PerMillion>| match (tokens, price) {
            (0, _) => Some(Cost::ZERO),
            (n, Some(price)) => price.for_tokens(n),
            (_, None) => None,
        };
        let one_hour = usage.cache_write_1h.min(usage.cache_write);
        part(usage.input, self.input)?
            .checked_add(part(usage.output, self.output)?)?
            .checked_add(part(usage.cache_read, self.cache_read)?)?
            .checked_add(part(usage.cache_write - one_hour, self.cache_write)?)?
            .checked_add(part(one_hour, self.cache_write_1h)?)
    }

    /// The price of a cache write with `ttl`.
    pub fn cache_write_at(&self, ttl: CacheTtl) -> Option<PerMillion> {
        match ttl {
            CacheTtl::FiveMinutes => self.cache_write,
            CacheTtl::OneHour => self.cache_write_1h,
        }
    }

    /// The dearest way `input_tokens` of input can be billed: the largest
    /// of the input price and, when the call has a cache point with
    /// `cache` TTL, the cache-write price of that TTL and the cache-read
    /// price (`None` when one of them is unknown). For worst cases.
    pub fn dearest_input(&self, cache: Option<CacheTtl>) -> Option<PerMillion> {
        let input = self.input?;
        let Some(ttl) = cache else {
            return Some(input);
        };
        Some(input.max(self.cache_write_at(ttl)?).max(self.cache_read?))
    }

    /// The most a call can cost: `input_tokens` at [`Price::dearest_input`]
    /// and `max_output_tokens` at the output price; `None` when a price
    /// needed is unknown.
    pub fn worst_case(
        &self,
        input_tokens: u64,
        max_output_tokens: u64,
        cache: Option<CacheTtl>,
    ) -> Option<Cost> {
        let input = self.dearest_input(cache)?.for_tokens(input_tokens)?;
        input.checked_add(self.output?.for_tokens(max_output_tokens)?)
    }
}

/// Where a model id's calls are served, as far as prices go: in the
/// region called (a base model id) or through a cross-region inference
/// profile of a geography (`us`, `eu`, `apac`, `global`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionGroup {
    /// A base model id, called in one region.
    InRegion,
    /// An inference profile: its geography prefix without the dot (one of
    /// [`GEO_PREFIXES`]).
    Profile(&'static str),
}

impl RegionGroup {
    /// The region group of a model id, inference profile id or ARN.
    pub fn of(model_id: &str) -> RegionGroup {
        let id = if model_id.starts_with("arn:") {
            model_id.rsplit('/').next().unwrap_or(model_id)
        } else {
            model_id
        };
        GEO_PREFIXES
            .iter()
            .find(|prefix| {
                id.strip_prefix(**prefix)
                    .is_some_and(|rest| rest.contains('.'))
            })
            .map_or(RegionGroup::InRegion, |prefix| {
                RegionGroup::Profile(prefix.trim_end_matches('.'))
            })
    }

    /// Every region group: in-region, then each geography.
    pub fn all() -> impl Iterator<Item = RegionGroup> {
        std::iter::once(RegionGroup::InRegion).chain(
            GEO_PREFIXES
                .iter()
                .map(|prefix| RegionGroup::Profile(prefix.trim_end_matches('.'))),
        )
    }

    /// `in-region`, `us`, `eu`, `apac`, `global`...: the price file's and the
    /// reports' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionGroup::InRegion => "in-region",
            RegionGroup::Profile(geography) => geography,
        }
    }

    /// Whether this is a `global.` profile.
    pub fn is_global(self) -> bool {
        self == RegionGroup::Profile("global")
    }
}

impl fmt::Display for RegionGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RegionGroup {
    type Err = UnknownValue;

    /// `in-region` or a geography (`us`, `eu`, `apac`, `global`, `us-gov`,
    /// `ca`, `jp`, `au`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        RegionGroup::all()
            .find(|group| group.as_str() == text)
            .ok_or_else(|| UnknownValue {
                expected: "\"in-region\" or a geography: \"us\", \"eu\", \"apac\", \"global\", \"us-gov\", \"ca\", \"jp\" or \"au\"",
                found: text.to_string(),
            })
    }
}

/// What a call's price depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PriceKey<'a> {
    /// The base model id (see [`base_model_id`]).
    pub model: &'a str,
    /// In-region or the inference profile's geography.
    pub region_group: RegionGroup,
    /// The service tier served (`default` when none was asked).
    pub tier: ServiceTier,
    /// The performance config served (`standard` when none was asked).
    pub performance: PerformanceConfig,
}

impl<'a> PriceKey<'a> {
    /// The key of a call to `model_id` (any form: model id, profile id,
    /// ARN) served at `tier` and `performance` (`None`: `default` and
    /// `standard`).
    pub fn of(
        model_id: &'a str,
        tier: Option<ServiceTier>,
        performance: Option<PerformanceConfig>,
    ) -> Self {
        PriceKey {
            model: base_model_id(model_id),
            region_group: RegionGroup::of(model_id),
            tier: tier.unwrap_or(ServiceTier::Default),
            performance: performance.unwrap_or(PerformanceConfig::Standard),
        }
    }
}

/// One entry of a price table: a model's price where its selectors match
/// (`None`: any value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceEntry {
    /// The base model id.
    pub model: String,
    /// The region group it applies to; `None`: every one.
    pub region_group: Option<RegionGroup>,
    /// The service tier it applies to; `None`: every one.
    pub tier: Option<ServiceTier>,
    /// The performance config it applies to; `None`: both.
    pub performance: Option<PerformanceConfig>,
    /// The prices.
    pub price: Price,
    /// Where the entry comes from: `built-in (<date>)` or `file:line`.
    pub source: String,
}

impl PriceEntry {
    /// Whether the entry applies to `key`.
    pub fn matches(&self, key: &PriceKey<'_>) -> bool {
        self.model == key.model
            && self.region_group.is_none_or(|g| g == key.region_group)
            && self.tier.is_none_or(|t| t == key.tier)
            && self.performance.is_none_or(|p| p == key.performance)
    }

    /// How many selectors are set: a more specific entry wins.
    pub fn specificity(&self) -> usize {
        usize::from(self.region_group.is_some())
            + usize::from(self.tier.is_some())
            + usize::from(self.performance.is_some())
    }
}

/// The prices in use: entries from a price file first, then the built-in
/// table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriceTable {
    overrides: Vec<PriceEntry>,
}

impl PriceTable {
    /// The built-in prices only ([`PRICES_AS_OF`]).
    pub fn builtin() -> Self {
        PriceTable::default()
    }

    /// The built-in prices overridden by `entries` (from a price file):
    /// for a call, the most specific matching entry of `entries` (the first
    /// of equally specific ones) wins over every built-in entry; a model or
    /// selection they do not match keeps its built-in price.
    pub fn with_overrides(entries: Vec<PriceEntry>) -> Self {
        PriceTable { overrides: entries }
    }

    /// The override entries.
    pub fn overrides(&self) -> &[PriceEntry] {
        &self.overrides
    }

    /// Every built-in entry, in the catalog's model order.
    pub fn builtin_entries() -> &'static [PriceEntry] {
        builtin::entries()
    }

    /// The entry that prices `key`: the most specific matching override,
    /// else the most specific matching built-in entry; `None` when the
    /// price is unknown.
    pub fn lookup(&self, key: &PriceKey<'_>) -> Option<&PriceEntry> {
        best(&self.overrides, key).or_else(|| best(builtin::entries(), key))
    }

    /// The price of `key`; `None` when unknown.
    pub fn price(&self, key: &PriceKey<'_>) -> Option<Price> {
        self.lookup(key).map(|entry| entry.price)
    }

    /// The exact cost of a call with `usage` priced at `key`; `None` when a
    /// price needed is unknown.
    pub fn cost(&self, key: &PriceKey<'_>, usage: &TokenUsage) -> Option<Cost> {
        self.price(key)?.cost(usage)
    }
}

fn best<'t>(entries: &'t [PriceEntry], key: &PriceKey<'_>) -> Option<&'t PriceEntry> {
    let mut best: Option<&PriceEntry> = None;
    for entry in entries.iter().filter(|entry| entry.matches(key)) {
        if best.is_none_or(|b| entry.specificity() > b.specificity()) {
            best = Some(entry);
        }
    }
    best
}

#[cfg(test)]
mod tests;
