//! Faults the emulator can inject, each a per-profile probability.
//!
//! All are off by default. Before the stream: 429 ThrottlingException and
//! 503 ServiceUnavailableException. During the stream: a
//! `throttlingException` or `modelStreamErrorException` exception frame, or
//! a stall. And for `optimized` requests: being served as `standard`, which
//! the metadata event then says; for `priority` requests, being served in
//! the `default` tier.

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use crate::profile_error::FaultRatesError;

/// Probabilities (0 to 1) of each fault for one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultRates {
    /// 429 ThrottlingException before the stream starts.
    pub throttle_before_stream: f64,
    /// 503 ServiceUnavailableException before the stream starts.
    pub service_unavailable: f64,
    /// A `throttlingException` frame in place of a later delta.
    pub throttle_mid_stream: f64,
    /// A `modelStreamErrorException` frame in place of a later delta.
    pub model_stream_error: f64,
    /// A pause of `stall_s` seconds before one delta.
    pub stall_mid_stream: f64,
    /// Length of a stall, in seconds of model time.
    pub stall_s: f64,
    /// An `optimized` request served with the standard profile (the
    /// metadata says `standard`). Only read from `optimized` profiles.
    pub optimized_served_as_standard: f64,
    /// A `priority` request served in the `default` tier (the metadata
    /// says `default`, and the default tier's latency applies).
    pub priority_served_as_default: f64,
}

impl Default for FaultRates {
    fn default() -> Self {
        FaultRates {
            throttle_before_stream: 0.0,
            service_unavailable: 0.0,
            throttle_mid_stream: 0.0,
            model_stream_error: 0.0,
            stall_mid_stream: 0.0,
            stall_s: 30.0,
            optimized_served_as_standard: 0.0,
            priority_served_as_default: 0.0,
        }
    }
}

/// A fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// 429 ThrottlingException drawn from `throttle_before_stream`.
    ThrottleBeforeStream,
    /// 429 ThrottlingException because the model's `max_in_flight` was reached.
    QuotaExceeded,
    /// 429 ThrottlingException because the model's requests-per-minute
    /// quota was reached.
    RequestsPerMinute,
    /// 429 ThrottlingException because the model's tokens-per-minute quota
    /// was reached.
    TokensPerMinute,
    /// 503 ServiceUnavailableException.
    ServiceUnavailable,
    /// `throttlingException` frame mid-stream.
    ThrottleMidStream,
    /// `modelStreamErrorException` frame mid-stream.
    ModelStreamError,
    /// A pause mid-stream.
    Stall,
    /// Requested `optimized`, served `standard`.
    ServedAsStandard,
    /// Requested the `priority` tier, served `default`.
    ServedAsDefault,
    /// 408 RequestTimeoutException: the request body was not complete
    /// within the body read timeout.
    BodyReadTimeout,
    /// 503 ServiceUnavailableException: the request body would have passed
    /// the limit on request-body bytes held at once.
    BodyBufferFull,
}

impl Fault {
    /// The snake_case name used in the ground truth.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::ThrottleBeforeStream => "throttle_before_stream",
            Fault::QuotaExceeded => "quota_exceeded",
            Fault::RequestsPerMinute => "requests_per_minute",
            Fault::TokensPerMinute => "tokens_per_minute",
            Fault::ServiceUnavailable => "service_unavailable",
            Fault::ThrottleMidStream => "throttle_mid_stream",
            Fault::ModelStreamError => "model_stream_error",
            Fault::Stall => "stall",
            Fault::ServedAsStandard => "served_as_standard",
            Fault::ServedAsDefault => "served_as_default",
            Fault::BodyReadTimeout => "body_read_timeout",
            Fault::BodyBufferFull => "body_buffer_full",
        }
    }
}

impl FaultRates {
    /// Check every probability is within 0..=1, each group sums to at most
    /// 1, and the stall length is usable.
    pub fn validate(&self, what: &str) -> Result<(), FaultRatesError> {
        let rates = [
            ("throttle_before_stream", self.throttle_before_stream),
            ("service_unavailable", self.service_unavailable),
            ("throttle_mid_stream", self.throttle_mid_stream),
            ("model_stream_error", self.model_stream_error),
            ("stall_mid_stream", self.stall_mid_stream),
            (
                "optimized_served_as_standard",
                self.optimized_served_as_standard,
            ),
            (
                "priority_served_as_default",
                self.priority_served_as_default,
            ),
        ];
        for (field, p) in rates {
            if !(0.0..=1.0).contains(&p) {
                return Err(FaultRatesError::NotAProbability {
                    what: what.to_string(),
                    field,
                    value: p,
                });
            }
        }
        if self.throttle_before_stream + self.service_unavailable > 1.0 {
            return Err(FaultRatesError::BeforeStreamOverOne {
                what: what.to_string(),
            });
        }
        if self.throttle_mid_stream + self.model_stream_error + self.stall_mid_stream > 1.0 {
            return Err(FaultRatesError::MidStreamOverOne {
                what: what.to_string(),
            });
        }
        if !(self.stall_s.is_finite() && self.stall_s >= 0.0) {
            return Err(FaultRatesError::StallLength {
                what: what.to_string(),
                value: self.stall_s,
            });
        }
        Ok(())
    }

    /// Draw the fault that happens before the stream, if any.
    pub fn draw_before_stream(&self, rng: &mut impl Rng) -> Option<Fault> {
        let u: f64 = rng.random();
        if u < self.throttle_before_stream {
            Some(Fault::ThrottleBeforeStream)
        } else if u < self.throttle_before_stream + self.service_unavailable {
            Some(Fault::ServiceUnavailable)
        } else {
            None
        }
    }

    /// Draw the fault that happens during the stream, if any.
    pub fn draw_mid_stream(&self, rng: &mut impl Rng) -> Option<Fault> {
        let u: f64 = rng.random();
        let throttle = self.throttle_mid_stream;
        let stream_error = throttle + self.model_stream_error;
        let stall = stream_error + self.stall_mid_stream;
        if u < throttle {
            Some(Fault::ThrottleMidStream)
        } else if u < stream_error {
            Some(Fault::ModelStreamError)
        } else if u < stall {
            Some(Fault::Stall)
        } else {
            None
        }
    }

    /// Whether a `priority` request is served in the `default` tier.
    pub fn draw_tier_fallback(&self, rng: &mut impl Rng) -> bool {
        self.priority_served_as_default > 0.0
            && rng.random::<f64>() < self.priority_served_as_default
    }

    /// Whether an `optimized` request falls back to `standard`.
    pub fn draw_fallback(&self, rng: &mut impl Rng) -> bool {
        self.optimized_served_as_standard > 0.0
            && rng.random::<f64>() < self.optimized_served_as_standard
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn defaults_never_inject_anything() {
        let rates = FaultRates::default();
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..1000 {
            assert_eq!(rates.draw_before_stream(&mut rng), None);
            assert_eq!(rates.draw_mid_stream(&mut rng), None);
            assert!(!rates.draw_fallback(&mut rng));
        }
    }

    #[test]
    fn certain_faults_always_happen() {
        let rates = FaultRates {
            service_unavailable: 1.0,
            model_stream_error: 1.0,
            optimized_served_as_standard: 1.0,
            ..FaultRates::default()
        };
        let mut rng = StdRng::seed_from_u64(2);
        assert_eq!(
            rates.draw_before_stream(&mut rng),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(
            rates.draw_mid_stream(&mut rng),
            Some(Fault::ModelStreamError)
        );
        assert!(rates.draw_fallback(&mut rng));
    }

    #[test]
    fn rates_are_validated() {
        let bad = FaultRates {
            stall_mid_stream: 1.5,
            ..FaultRates::default()
        };
        let error = bad.validate("m").unwrap_err().to_string();
        assert!(error.contains("stall_mid_stream"), "{error}");
        let sum = FaultRates {
            throttle_before_stream: 0.6,
            service_unavailable: 0.6,
            ..FaultRates::default()
        };
        assert!(sum.validate("m").is_err());
    }
}
