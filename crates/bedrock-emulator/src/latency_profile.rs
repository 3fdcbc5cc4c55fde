//! One latency profile (how a model answers under one performance
//! configuration: TTFT, decode rate, answer length, faults), and the
//! log-normal fit its draws use. A leaf of the profiles: the model
//! profile, the service-tier and the reasoning profiles all build on it.

use serde::{Deserialize, Serialize};

use super::faults::FaultRates;
use crate::profile_error::ProfileError;

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
