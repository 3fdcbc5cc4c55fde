//! Latency profiles: how fast each emulated model answers.
//!
//! A [`ModelProfile`] holds one [`LatencyProfile`] for `standard` and, for
//! the models that Bedrock serves latency-optimized, one for `optimized`.
//! The built-in table (see [`super::builtin`]) covers every inference
//! profile in the Python tool's list; a JSON file can override any field
//! (see `emulator-profiles.example.json` and docs/emulator/profiles.md).

use serde::{Deserialize, Serialize};

use super::faults::FaultRates;
use super::provenance::ProfileSources;
use super::rate_quota::RateQuota;
use super::reasoning_profile::ReasoningProfile;
use super::tier_profile::TierProfiles;
use crate::profile_error::ProfileError;
use bedrock_catalog::PerformanceConfig;

/// How one model answers under one performance configuration.
///
/// Every duration is in seconds of model time; the emulator's time scale
/// multiplies all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyProfile {
    /// Median time to first token for a short prompt.
    pub ttft_p50_s: f64,
    /// 90th percentile of the time to first token; with `ttft_p50_s` it fixes
    /// the log-normal distribution TTFT is drawn from. Equal to the median
    /// gives a fixed TTFT.
    pub ttft_p90_s: f64,
    /// Extra TTFT per input token (prefill cost).
    pub ttft_per_input_token_s: f64,
    /// Mean decode rate in output tokens per second.
    pub tokens_per_s: f64,
    /// Spread of each inter-chunk gap: the gap is multiplied by a
    /// log-normal factor with this sigma and mean 1. Zero gives exact gaps.
    pub decode_jitter: f64,
    /// Output tokens carried by each `contentBlockDelta`.
    pub tokens_per_chunk: u32,
    /// Median length of the answer the model would give with no `maxTokens`
    /// cap; the answer is `min(maxTokens, natural length)` tokens.
    pub natural_output_tokens_p50: u32,
    /// 90th percentile of that natural length (log-normal). Equal to the
    /// median gives a fixed length.
    pub natural_output_tokens_p90: u32,
    /// When the response headers are written, after the request arrives
    /// (never later than the first token).
    pub response_headers_s: f64,
    /// Fault probabilities, all zero by default.
    #[serde(default)]
    pub faults: FaultRates,
}

impl LatencyProfile {
    /// Log-normal `(mu, sigma)` of TTFT fitted to the median and p90.
    pub fn ttft_lognormal(&self) -> (f64, f64) {
        lognormal_from_p50_p90(self.ttft_p50_s, self.ttft_p90_s)
    }

    /// Log-normal `(mu, sigma)` of the natural output length.
    pub fn natural_length_lognormal(&self) -> (f64, f64) {
        lognormal_from_p50_p90(
            f64::from(self.natural_output_tokens_p50.max(1)),
            f64::from(self.natural_output_tokens_p90.max(1)),
        )
    }

    /// Check that every field is usable; `what` names the profile in the
    /// message (for example `us.amazon.nova-pro-v1:0 optimized`).
    pub fn validate(&self, what: &str) -> Result<(), ProfileError> {
        let positive = [
            ("ttft_p50_s", self.ttft_p50_s),
            ("ttft_p90_s", self.ttft_p90_s),
            ("tokens_per_s", self.tokens_per_s),
        ];
        for (field, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(ProfileError::NotPositive {
                    what: what.to_string(),
                    field,
                    value,
                });
            }
        }
        let non_negative = [
            ("ttft_per_input_token_s", self.ttft_per_input_token_s),
            ("decode_jitter", self.decode_jitter),
            ("response_headers_s", self.response_headers_s),
        ];
        for (field, value) in non_negative {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ProfileError::Negative {
                    what: what.to_string(),
                    field,
                    value,
                });
            }
        }
        if self.ttft_p90_s < self.ttft_p50_s {
            return Err(ProfileError::TtftQuantiles {
                what: what.to_string(),
                p50: self.ttft_p50_s,
                p90: self.ttft_p90_s,
            });
        }
        if self.tokens_per_chunk == 0 {
            return Err(ProfileError::NoTokensPerChunk {
                what: what.to_string(),
            });
        }
        if self.natural_output_tokens_p50 == 0
            || self.natural_output_tokens_p90 < self.natural_output_tokens_p50
        {
            return Err(ProfileError::NaturalLength {
                what: what.to_string(),
                p50: self.natural_output_tokens_p50,
                p90: self.natural_output_tokens_p90,
            });
        }
        self.faults.validate(what).map_err(ProfileError::from)
    }
}

/// `(mu, sigma)` of the log-normal whose median is `p50` and whose 90th
/// percentile is `p90` (z(0.9) = 1.2815515655446004).
pub fn lognormal_from_p50_p90(p50: f64, p90: f64) -> (f64, f64) {
    const Z90: f64 = 1.281_551_565_544_600_4;
    let mu = p50.ln();
    let sigma = ((p90.ln() - mu) / Z90).max(0.0);
    (mu, sigma)
}

/// One emulated model: its profiles and per-model settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelProfile {
    /// Tokens the model's prompt template adds to the user's text in
    /// `usage.inputTokens` (system headers, role markers).
    pub input_token_overhead: u32,
    /// Requests in flight for this model beyond which Bedrock answers 429
    /// ThrottlingException; `null` means unlimited.
    pub max_in_flight: Option<u32>,
    /// Requests and tokens per minute (see [`RateQuota`]) of every call
    /// of the model (latency-optimized ones too, unless `optimized_quota`
    /// is set). The built-in models carry Bedrock's default quota (see
    /// docs/emulator/quotas.md); `null` in a profile file, or absent, is unlimited.
    #[serde(default, deserialize_with = "unlimited_if_null")]
    pub quota: RateQuota,
    /// The quota of latency-optimized calls, when they have one of their
    /// own (a separate bucket); `null`: they count against `quota`.
    #[serde(default)]
    pub optimized_quota: Option<RateQuota>,
    /// The default (`standard`) profile.
    pub standard: LatencyProfile,
    /// The latency-optimized profile; `null` when the model does not offer
    /// it (a request for `optimized` is then a ValidationException).
    pub optimized: Option<LatencyProfile>,
    /// How each service tier changes the served profile, and the share of
    /// `max_in_flight` flex requests may use (see [`TierProfiles`]).
    #[serde(default)]
    pub tiers: TierProfiles,
    /// How long the model reasons, when it does (see [`ReasoningProfile`]).
    #[serde(default)]
    pub reasoning: ReasoningProfile,
    /// Where the latencies, tier factors and quotas come from.
    #[serde(default)]
    pub sources: ProfileSources,
}

/// A `quota` of `null` is no quota.
fn unlimited_if_null<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<RateQuota, D::Error> {
    Ok(Option::<RateQuota>::deserialize(deserializer)?.unwrap_or_default())
}

impl ModelProfile {
    /// The rate quota a call of this model (base id `base_id`) with
    /// `latency` counts against, and the name of its bucket: the
    /// latency-optimized quota for an optimized call when the model has
    /// one, otherwise the model's `quota`.
    pub fn quota_for(
        &self,
        base_id: &str,
        latency: Option<PerformanceConfig>,
    ) -> (&RateQuota, String) {
        match (latency, &self.optimized_quota) {
            (Some(PerformanceConfig::Optimized), Some(quota)) => {
                (quota, format!("{base_id} (latency-optimized)"))
            }
            _ => (&self.quota, base_id.to_string()),
        }
    }

    /// Validate both profiles; `model` names the model in messages.
    pub fn validate(&self, model: &str) -> Result<(), ProfileError> {
        self.standard.validate(&format!("{model} standard"))?;
        if let Some(optimized) = &self.optimized {
            optimized.validate(&format!("{model} optimized"))?;
        }
        self.tiers.validate(model)?;
        self.reasoning.validate(model)?;
        let quotas = std::iter::once(("quota", &self.quota))
            .chain(self.optimized_quota.iter().map(|q| ("optimized_quota", q)));
        for (field, quota) in quotas {
            if let Some(problem) = quota.problem() {
                return Err(ProfileError::Quota {
                    model: model.to_string(),
                    field,
                    problem,
                });
            }
        }
        if self.max_in_flight == Some(0) {
            return Err(ProfileError::NoInFlight {
                model: model.to_string(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lognormal_fit_reproduces_the_quantiles() {
        let (mu, sigma) = lognormal_from_p50_p90(0.5, 0.9);
        assert!((mu.exp() - 0.5).abs() < 1e-12);
        let p90 = (mu + sigma * 1.281_551_565_544_600_4).exp();
        assert!((p90 - 0.9).abs() < 1e-9);
        let (_, flat) = lognormal_from_p50_p90(0.5, 0.5);
        assert_eq!(flat, 0.0);
    }
}
