//! Model profiles: how each emulated model answers.
//!
//! A [`ModelProfile`] holds one [`LatencyProfile`] for `standard` and, for
//! the models that Bedrock serves latency-optimized, one for `optimized`.
//! The built-in table (see [`super::builtin`]) covers every inference
//! profile in the Python tool's list; a JSON file can override any field
//! (see `emulator-profiles.example.json` and docs/emulator/profiles.md).

use serde::{Deserialize, Serialize};

use super::latency_profile::LatencyProfile;
use super::provenance::ProfileSources;
use super::rate_quota::RateQuota;
use super::reasoning_profile::ReasoningProfile;
use super::tier_profile::TierProfiles;
use crate::profile_error::ProfileError;
use bedrock_catalog::PerformanceConfig;

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
