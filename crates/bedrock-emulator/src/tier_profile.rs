//! Service tiers' latencies, as factors applied to a model's profile,
//! and how much of a model's quota `flex` may use.
//!
//! A tier changes the served profile (`standard` or `optimized`) thus:
//! the TTFT median and the prefill cost are multiplied by `ttft_factor`;
//! the TTFT's log-normal spread (the log of p90/p50) by
//! `ttft_spread_factor`, so `p90 = p50 * (p90/p50)^spread`; the decode
//! rate by `tokens_per_s_factor`; and the decode jitter by
//! `jitter_factor`. Defaults: `priority` 0.75 / 1 / 1.25 / 1 (faster),
//! `default` and `reserved` unchanged, `flex` 1.6 / 2 / 0.75 / 1.5
//! (slower and more variable).

use serde::{Deserialize, Serialize};

use super::latency_profile::LatencyProfile;
use crate::profile_error::ProfileError;
use bedrock_catalog::ServiceTier;

/// How one tier changes a profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierAdjust {
    /// Multiplies the TTFT median and `ttft_per_input_token_s`. > 0.
    pub ttft_factor: f64,
    /// Multiplies the TTFT's log-normal sigma (how far p90 is above the
    /// median). >= 0.
    pub ttft_spread_factor: f64,
    /// Multiplies the decode rate. > 0.
    pub tokens_per_s_factor: f64,
    /// Multiplies `decode_jitter`. >= 0.
    pub jitter_factor: f64,
}

impl TierAdjust {
    /// No change.
    pub const IDENTITY: TierAdjust = TierAdjust {
        ttft_factor: 1.0,
        ttft_spread_factor: 1.0,
        tokens_per_s_factor: 1.0,
        jitter_factor: 1.0,
    };

    /// `profile` as served in this tier.
    pub fn apply(&self, profile: &LatencyProfile) -> LatencyProfile {
        let mut served = profile.clone();
        served.ttft_p50_s = profile.ttft_p50_s * self.ttft_factor;
        let ratio = (profile.ttft_p90_s / profile.ttft_p50_s).max(1.0);
        served.ttft_p90_s = served.ttft_p50_s * ratio.powf(self.ttft_spread_factor);
        served.ttft_per_input_token_s = profile.ttft_per_input_token_s * self.ttft_factor;
        served.tokens_per_s = profile.tokens_per_s * self.tokens_per_s_factor;
        served.decode_jitter = profile.decode_jitter * self.jitter_factor;
        served
    }

    fn validate(&self, what: &str) -> Result<(), ProfileError> {
        for (field, value, strict) in [
            ("ttft_factor", self.ttft_factor, true),
            ("ttft_spread_factor", self.ttft_spread_factor, false),
            ("tokens_per_s_factor", self.tokens_per_s_factor, true),
            ("jitter_factor", self.jitter_factor, false),
        ] {
            let ok = value.is_finite() && if strict { value > 0.0 } else { value >= 0.0 };
            if !ok {
                return Err(ProfileError::TierFactor {
                    what: what.to_string(),
                    field,
                    value,
                });
            }
        }
        Ok(())
    }
}

/// Every tier's adjustment for one model, and the flex share of its quota.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TierProfiles {
    /// `priority`.
    pub priority: TierAdjust,
    /// `default` (also what is served when no tier is asked).
    pub default: TierAdjust,
    /// `flex`.
    pub flex: TierAdjust,
    /// `reserved`.
    pub reserved: TierAdjust,
    /// The share of `max_in_flight` that `flex` requests may fill: a flex
    /// request is throttled when the model already has
    /// `max(1, floor(flex_share * max_in_flight))` streams in flight, so
    /// flex is throttled first as the quota fills. From 0 (exclusive) to 1.
    pub flex_share: f64,
}

impl Default for TierProfiles {
    fn default() -> Self {
        TierProfiles {
            priority: TierAdjust {
                ttft_factor: 0.75,
                ttft_spread_factor: 1.0,
                tokens_per_s_factor: 1.25,
                jitter_factor: 1.0,
            },
            default: TierAdjust::IDENTITY,
            flex: TierAdjust {
                ttft_factor: 1.6,
                ttft_spread_factor: 2.0,
                tokens_per_s_factor: 0.75,
                jitter_factor: 1.5,
            },
            reserved: TierAdjust::IDENTITY,
            flex_share: 0.75,
        }
    }
}

impl TierProfiles {
    /// The adjustment of `tier`.
    pub fn of(&self, tier: ServiceTier) -> &TierAdjust {
        match tier {
            ServiceTier::Priority => &self.priority,
            ServiceTier::Default => &self.default,
            ServiceTier::Flex => &self.flex,
            ServiceTier::Reserved => &self.reserved,
        }
    }

    /// The in-flight limit a request of `tier` sees, given the model's.
    pub fn limit_for(&self, tier: ServiceTier, max_in_flight: Option<u32>) -> Option<u32> {
        match (tier, max_in_flight) {
            (ServiceTier::Flex, Some(limit)) => {
                Some(((f64::from(limit) * self.flex_share).floor() as u32).max(1))
            }
            (_, limit) => limit,
        }
    }

    /// Check every factor; `model` names the model in messages.
    pub fn validate(&self, model: &str) -> Result<(), ProfileError> {
        for tier in ServiceTier::ALL {
            self.of(tier).validate(&format!("{model} tiers.{tier}"))?;
        }
        if !(self.flex_share.is_finite() && self.flex_share > 0.0 && self.flex_share <= 1.0) {
            return Err(ProfileError::FlexShare {
                model: model.to_string(),
                value: self.flex_share,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultRates;

    fn profile() -> LatencyProfile {
        LatencyProfile {
            ttft_p50_s: 1.0,
            ttft_p90_s: 2.0,
            ttft_per_input_token_s: 0.001,
            tokens_per_s: 100.0,
            decode_jitter: 0.2,
            tokens_per_chunk: 2,
            natural_output_tokens_p50: 10,
            natural_output_tokens_p90: 10,
            response_headers_s: 0.0,
            faults: FaultRates::default(),
        }
    }

    #[test]
    fn priority_is_faster_and_flex_slower_and_wider() {
        let tiers = TierProfiles::default();
        let priority = tiers.priority.apply(&profile());
        let flex = tiers.flex.apply(&profile());
        assert!(priority.ttft_p50_s < 1.0 && priority.tokens_per_s > 100.0);
        assert!(flex.ttft_p50_s > 1.0 && flex.tokens_per_s < 100.0);
        assert!((flex.ttft_p90_s / flex.ttft_p50_s - 4.0).abs() < 1e-9);
        assert_eq!(tiers.default.apply(&profile()), profile());
    }

    #[test]
    fn flex_sees_a_smaller_quota() {
        let tiers = TierProfiles::default();
        assert_eq!(tiers.limit_for(ServiceTier::Flex, Some(4)), Some(3));
        assert_eq!(tiers.limit_for(ServiceTier::Flex, Some(1)), Some(1));
        assert_eq!(tiers.limit_for(ServiceTier::Priority, Some(4)), Some(4));
        assert_eq!(tiers.limit_for(ServiceTier::Flex, None), None);
    }
}
