//! How long a model reasons: the length of its reasoning, drawn like the
//! answer's natural length.
//!
//! A model that always reasons (the catalog's `Reasoning::Always`) writes
//! a log-normal draw of `tokens_p50` / `tokens_p90` reasoning tokens; a
//! model asked for extended thinking writes the same draw capped by
//! `budget_tokens`. Reasoning tokens are decoded at the served profile's
//! rate, in deltas of `tokens_per_chunk`, and count in `outputTokens`.

use serde::{Deserialize, Serialize};

use super::latency_profile::lognormal_from_p50_p90;
use crate::profile_error::ProfileError;

/// The reasoning length of one model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReasoningProfile {
    /// Median reasoning tokens. >= 1.
    pub tokens_p50: u32,
    /// 90th percentile of reasoning tokens; >= the median.
    pub tokens_p90: u32,
}

impl Default for ReasoningProfile {
    fn default() -> Self {
        ReasoningProfile {
            tokens_p50: 800,
            tokens_p90: 2000,
        }
    }
}

impl ReasoningProfile {
    /// Log-normal `(mu, sigma)` of the reasoning length.
    pub fn lognormal(&self) -> (f64, f64) {
        lognormal_from_p50_p90(
            f64::from(self.tokens_p50.max(1)),
            f64::from(self.tokens_p90.max(1)),
        )
    }

    /// Check the quantiles; `model` names the model in messages.
    pub fn validate(&self, model: &str) -> Result<(), ProfileError> {
        if self.tokens_p50 == 0 || self.tokens_p90 < self.tokens_p50 {
            return Err(ProfileError::ReasoningLength {
                model: model.to_string(),
                p50: self.tokens_p50,
                p90: self.tokens_p90,
            });
        }
        Ok(())
    }
}
