//! The built-in price table: AWS's public Amazon Bedrock on-demand prices
//! for US East (N. Virginia), per million tokens, as of [`PRICES_AS_OF`].
//!
//! How the entries are derived from one base price per model:
//!
//! - **Region group**: cross-region inference through a geography profile
//!   (`us.`, `eu.`, `apac.`) costs what the source region charges, so one
//!   entry covers in-region and every geography, except for the models
//!   marked `regional_premium` (Claude Sonnet 4.5, Haiku 4.5, Opus 4.5),
//!   whose `global.` profile has the base price and every other endpoint
//!   (in-region and geography profiles) costs 10% more.
//! - **Service tier**: `default` is the base price; `priority` is a 75%
//!   premium and `flex` a 50% discount on every kind of token (AWS's
//!   announced rates), for the models whose catalog entry offers the tier;
//!   `reserved` is bought as capacity, so it has no per-token price
//!   (unknown). A tier the model does not offer has no price.
//! - **Performance config**: `optimized` has its own published prices for
//!   the four models that offer it, with the `default` tier only; its
//!   cache prices are not published (unknown).
//! - Derived prices are rounded to the nearest micro-dollar per million
//!   tokens.
//!
//! Prices change, differ by region (the table has US East's), and some of
//! these were not re-checked against the pricing page: the ones marked
//! "unsure" below. Use a price file (`--prices`) to correct them; the
//! table's values are what `cost_usd` uses otherwise.

use std::sync::OnceLock;

use super::money::PerMillion;
use super::{Price, PriceEntry, RegionGroup};
use crate::models::MODELS;
use crate::performance::PerformanceConfig;
use crate::tier::ServiceTier;

/// The date of the built-in prices (year and month): AWS's public Bedrock
/// on-demand pricing as the table's authors knew it then. Not re-checked
/// since; see the module documentation of `prices` and docs/reference/prices.md.
pub const PRICES_AS_OF: &str = "2025-11";

/// One model's published prices, in micro-dollars per million tokens.
struct Base {
    id: &'static str,
    input: u64,
    output: u64,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    /// One-hour cache writes.
    cache_write_1h: Option<u64>,
    /// Latency-optimized input and output prices.
    optimized: Option<(u64, u64)>,
    /// Non-global endpoints cost 10% more than `global.`.
    regional_premium: bool,
}

/// A price written in micro-dollars per million tokens: `micro(800_000)`
/// is $0.80 per million tokens.
const fn micro(micro_usd: u64) -> u64 {
    micro_usd
}

const fn base(id: &'static str, input: u64, output: u64) -> Base {
    Base {
        id,
        input,
        output,
        cache_read: None,
        cache_write: None,
        cache_write_1h: None,
        optimized: None,
        regional_premium: false,
    }
}

/// Anthropic's prompt caching: writes at 1.25 times the input price for
/// the default five-minute TTL and twice the input price for one hour,
/// reads at 0.1 times (Anthropic's published multipliers, which Bedrock's
/// pricing page applies to Claude).
const fn claude(id: &'static str, input: u64, output: u64) -> Base {
    Base {
        cache_read: Some(input / 10),
        cache_write: Some(input * 5 / 4),
        cache_write_1h: Some(input * 2),
        ..base(id, input, output)
    }
}

/// Amazon Nova's prompt caching: reads at a 75% discount; writes are not
/// charged more than input (priced at the input price here; unsure). Nova
/// caches for five minutes only: a one-hour write has no price.
const fn nova(id: &'static str, input: u64, output: u64) -> Base {
    Base {
        cache_read: Some(input / 4),
        cache_write: Some(input),
        ..base(id, input, output)
    }
}

/// Every model's base price, micro-dollars per million tokens
/// (`micro(800_000)` is $0.80 per million tokens).
const BASES: &[Base] = &[
    Base {
        optimized: Some((micro(1_000_000), micro(4_000_000))),
        ..nova("amazon.nova-pro-v1:0", micro(800_000), micro(3_200_000))
    },
    nova("amazon.nova-micro-v1:0", micro(35_000), micro(140_000)),
    nova("amazon.nova-lite-v1:0", micro(60_000), micro(240_000)),
    nova(
        "amazon.nova-premier-v1:0",
        micro(2_500_000),
        micro(12_500_000),
    ),
    // Unsure: Nova 2 Lite's prices.
    nova("amazon.nova-2-lite-v1:0", micro(300_000), micro(2_500_000)),
    Base {
        optimized: Some((micro(1_000_000), micro(5_000_000))),
        ..claude(
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            micro(800_000),
            micro(4_000_000),
        )
    },
    base(
        "anthropic.claude-3-haiku-20240307-v1:0",
        micro(250_000),
        micro(1_250_000),
    ),
    base(
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        micro(3_000_000),
        micro(15_000_000),
    ),
    claude(
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        micro(3_000_000),
        micro(15_000_000),
    ),
    claude(
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        micro(3_000_000),
        micro(15_000_000),
    ),
    claude(
        "anthropic.claude-sonnet-4-20250514-v1:0",
        micro(3_000_000),
        micro(15_000_000),
    ),
    claude(
        "anthropic.claude-opus-4-20250514-v1:0",
        micro(15_000_000),
        micro(75_000_000),
    ),
    claude(
        "anthropic.claude-opus-4-1-20250805-v1:0",
        micro(15_000_000),
        micro(75_000_000),
    ),
    Base {
        regional_premium: true,
        ..claude(
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            micro(3_000_000),
            micro(15_000_000),
        )
    },
    Base {
        regional_premium: true,
        ..claude(
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            micro(1_000_000),
            micro(5_000_000),
        )
    },
    Base {
        regional_premium: true,
        ..claude(
            "anthropic.claude-opus-4-5-20251101-v1:0",
            micro(5_000_000),
            micro(25_000_000),
        )
    },
    Base {
        optimized: Some((micro(3_000_000), micro(3_000_000))),
        ..base(
            "meta.llama3-1-405b-instruct-v1:0",
            micro(2_400_000),
            micro(2_400_000),
        )
    },
    Base {
        optimized: Some((micro(990_000), micro(990_000))),
        ..base(
            "meta.llama3-1-70b-instruct-v1:0",
            micro(720_000),
            micro(720_000),
        )
    },
    base(
        "meta.llama3-1-8b-instruct-v1:0",
        micro(220_000),
        micro(220_000),
    ),
    base(
        "meta.llama3-2-1b-instruct-v1:0",
        micro(100_000),
        micro(100_000),
    ),
    base(
        "meta.llama3-2-3b-instruct-v1:0",
        micro(150_000),
        micro(150_000),
    ),
    base(
        "meta.llama3-2-11b-instruct-v1:0",
        micro(160_000),
        micro(160_000),
    ),
    base(
        "meta.llama3-2-90b-instruct-v1:0",
        micro(720_000),
        micro(720_000),
    ),
    base(
        "meta.llama3-3-70b-instruct-v1:0",
        micro(720_000),
        micro(720_000),
    ),
    base(
        "meta.llama4-scout-17b-instruct-v1:0",
        micro(170_000),
        micro(660_000),
    ),
    base(
        "meta.llama4-maverick-17b-instruct-v1:0",
        micro(240_000),
        micro(970_000),
    ),
    base(
        "mistral.pixtral-large-2502-v1:0",
        micro(2_000_000),
        micro(6_000_000),
    ),
    // Unsure: Mistral Large 2's prices.
    base(
        "mistral.mistral-large-2407-v1:0",
        micro(2_000_000),
        micro(6_000_000),
    ),
    base("deepseek.r1-v1:0", micro(1_350_000), micro(5_400_000)),
    // Unsure: DeepSeek-V3.1's prices.
    base("deepseek.v3-v1:0", micro(580_000), micro(1_680_000)),
];

fn scaled(price: Price, numerator: u64, denominator: u64) -> Price {
    let scale = |p: Option<PerMillion>| p.map(|p| p.scaled(numerator, denominator));
    Price {
        input: scale(price.input),
        output: scale(price.output),
        cache_read: scale(price.cache_read),
        cache_write: scale(price.cache_write),
        cache_write_1h: scale(price.cache_write_1h),
    }
}

fn per_million(value: Option<u64>) -> Option<PerMillion> {
    value.map(PerMillion::from_micro_usd)
}

fn entries_of(base: &Base, out: &mut Vec<PriceEntry>) {
    let Some(model) = MODELS.iter().find(|m| m.id == base.id) else {
        return;
    };
    let source = format!("built-in ({PRICES_AS_OF})");
    let standard = Price {
        input: per_million(Some(base.input)),
        output: per_million(Some(base.output)),
        cache_read: per_million(base.cache_read),
        cache_write: per_million(base.cache_write),
        cache_write_1h: per_million(base.cache_write_1h),
    };
    // (region group selector, multiplier): the base, and for the newest
    // Claude models the global base with a 10% premium everywhere else.
    let groups: Vec<(Option<RegionGroup>, Price)> = if base.regional_premium {
        vec![
            (Some(RegionGroup::Profile("global")), standard),
            (None, scaled(standard, 11, 10)),
        ]
    } else {
        vec![(None, standard)]
    };
    for (region_group, price) in groups {
        for &tier in model.tiers {
            let tier_price = match tier {
                ServiceTier::Default => price,
                ServiceTier::Priority => scaled(price, 7, 4),
                ServiceTier::Flex => scaled(price, 1, 2),
                ServiceTier::Reserved => continue,
            };
            out.push(PriceEntry {
                model: model.id.to_string(),
                region_group,
                tier: Some(tier),
                performance: Some(PerformanceConfig::Standard),
                price: tier_price,
                source: source.clone(),
            });
        }
        if let Some((input, output)) = base.optimized {
            let optimized = Price {
                input: per_million(Some(input)),
                output: per_million(Some(output)),
                cache_read: None,
                cache_write: None,
                cache_write_1h: None,
            };
            out.push(PriceEntry {
                model: model.id.to_string(),
                region_group,
                tier: Some(ServiceTier::Default),
                performance: Some(PerformanceConfig::Optimized),
                price: if base.regional_premium {
                    scaled(optimized, 11, 10)
                } else {
                    optimized
                },
                source: source.clone(),
            });
        }
    }
}

/// Every built-in entry.
pub(super) fn entries() -> &'static [PriceEntry] {
    static ENTRIES: OnceLock<Vec<PriceEntry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut out = Vec::new();
        for base in BASES {
            entries_of(base, &mut out);
        }
        out
    })
}

/// Whether every catalog model has a base price (checked by the tests).
#[cfg(test)]
pub(super) fn priced_models() -> impl Iterator<Item = &'static str> {
    BASES.iter().map(|b| b.id)
}
