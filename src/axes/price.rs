//! The cost rule, once: a call is priced at its model's prices for its
//! region group, at the service tier and performance config it was served
//! (as the service reported them; else as sent; else `default` and
//! `standard`), its cache writes at the price of its cache point's TTL.
//! The recorder (`record::AttemptRecord::cost`) and `analyze`'s repricing
//! both call [`CallPricing::cost`].

use bedrock_catalog::prices::{Cost, PriceKey, PriceTable, TokenUsage};
use bedrock_catalog::{PerformanceConfig, ServiceTier};

/// An axis value as the service reported serving it, and as it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedOrSent<T> {
    /// What the service reported serving, when it did.
    pub served: Option<T>,
    /// What was sent, when anything was.
    pub sent: Option<T>,
}

impl<T> Default for ServedOrSent<T> {
    /// Neither reported nor sent.
    fn default() -> Self {
        ServedOrSent {
            served: None,
            sent: None,
        }
    }
}

impl<T: Copy> ServedOrSent<T> {
    /// What prices the call: the served value, else the sent one.
    pub fn priced(self) -> Option<T> {
        self.served.or(self.sent)
    }
}

/// The tokens a call was billed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BilledTokens {
    /// Input tokens not read from or written to the cache.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Input tokens read from the cache.
    pub cache_read: u64,
    /// Input tokens written to the cache.
    pub cache_write: u64,
}

/// What decides a call's price besides its tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPricing<'a> {
    /// The model or inference profile id (its prefix names the region
    /// group).
    pub model: &'a str,
    /// The service tier.
    pub tier: ServedOrSent<ServiceTier>,
    /// The performance config.
    pub performance: ServedOrSent<PerformanceConfig>,
    /// Whether the request's only cache point had a one-hour TTL: its
    /// writes are at the one-hour price.
    pub one_hour_cache: bool,
}

impl<'a> CallPricing<'a> {
    /// The key of the prices that apply.
    pub fn key(&self) -> PriceKey<'a> {
        PriceKey::of(self.model, self.tier.priced(), self.performance.priced())
    }

    /// The cost of `tokens`; `None` when a price needed is unknown.
    pub fn cost(&self, prices: &PriceTable, tokens: BilledTokens) -> Option<Cost> {
        let usage = TokenUsage {
            input: tokens.input,
            output: tokens.output,
            cache_read: tokens.cache_read,
            cache_write: tokens.cache_write,
            cache_write_1h: if self.one_hour_cache {
                tokens.cache_write
            } else {
                0
            },
        };
        prices.cost(&self.key(), &usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_value_prices_the_call_else_the_sent_one() {
        let both = ServedOrSent {
            served: Some(ServiceTier::Default),
            sent: Some(ServiceTier::Priority),
        };
        assert_eq!(both.priced(), Some(ServiceTier::Default));
        let sent = ServedOrSent {
            served: None,
            sent: Some(ServiceTier::Flex),
        };
        assert_eq!(sent.priced(), Some(ServiceTier::Flex));
        assert_eq!(ServedOrSent::<ServiceTier>::default().priced(), None);
    }

    #[test]
    fn one_hour_cache_writes_cost_more_than_five_minute_ones() {
        let prices = PriceTable::builtin();
        let tokens = BilledTokens {
            input: 10,
            output: 10,
            cache_read: 0,
            cache_write: 10_000,
        };
        let pricing = |one_hour_cache| CallPricing {
            model: "us.anthropic.claude-sonnet-4-20250514-v1:0",
            tier: ServedOrSent::default(),
            performance: ServedOrSent::default(),
            one_hour_cache,
        };
        let five = pricing(false).cost(&prices, tokens).expect("priced");
        let hour = pricing(true).cost(&prices, tokens).expect("priced");
        assert!(hour > five, "{hour} vs {five}");
    }
}
