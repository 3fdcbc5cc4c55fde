//! Per-model rate quotas: requests per minute and tokens per minute, as
//! Bedrock's on-demand quotas are set (per account, per model), beside the
//! in-flight limit of [`crate::quota`].
//!
//! Each quota is a token bucket per model (by base id, so geography
//! prefixes and ARNs share it; a model's latency-optimized calls have a
//! bucket of their own when it has an `optimized_quota`) holding `burst_s`
//! seconds of the quota and refilled continuously at `per_minute / 60` per
//! second of model time: a minute lasts `60 x time_scale` real seconds, so
//! at time scale 0.1 a quota admits ten times its calls per real minute,
//! and at time scale 0, where a minute of model time takes no real time,
//! no quota is ever reached. A request is admitted
//! when both buckets hold its cost: 1 request, and for tokens the prompt's
//! tokens plus its `maxTokens` (the model's largest output when unset), as
//! Bedrock reserves them when a request starts. Once the answer is planned
//! the tokens not used by the answer go back, since Bedrock charges the
//! quota with the tokens the answer really had. A `flex` request is
//! admitted only while the bucket is above `1 - flex_share` of its size, so
//! flex is throttled first as the quota fills.
//!
//! An offered rate above the quota is refused after about `burst_s x
//! quota / (rate - quota)` seconds, and from then on requests are admitted
//! at the quota's rate: the throttling point of a load sweep is the quota.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// The default `quota_burst_s`: a bucket holds this many seconds of its
/// quota.
pub const DEFAULT_BURST_S: f64 = 10.0;

/// One model's rate quotas (profile fields).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateQuota {
    /// Requests per minute; `None` is unlimited.
    pub requests_per_minute: Option<u32>,
    /// Input plus output tokens per minute; `None` is unlimited.
    pub tokens_per_minute: Option<u64>,
    /// Seconds of quota a bucket holds: the burst admitted after a quiet
    /// spell.
    pub burst_s: f64,
}

impl Default for RateQuota {
    fn default() -> Self {
        RateQuota {
            requests_per_minute: None,
            tokens_per_minute: None,
            burst_s: DEFAULT_BURST_S,
        }
    }
}

impl RateQuota {
    /// Whether any rate is limited.
    pub fn is_limited(&self) -> bool {
        self.requests_per_minute.is_some() || self.tokens_per_minute.is_some()
    }

    /// The first problem with these values, if any.
    pub fn problem(&self) -> Option<&'static str> {
        if self.requests_per_minute == Some(0) {
            return Some("`requests_per_minute` must be at least 1 or null");
        }
        if self.tokens_per_minute == Some(0) {
            return Some("`tokens_per_minute` must be at least 1 or null");
        }
        if !(self.burst_s.is_finite() && self.burst_s > 0.0 && self.burst_s <= 3600.0) {
            return Some("`burst_s` must be above 0 and at most 3600");
        }
        None
    }
}

/// Which quota refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// Requests per minute.
    Requests,
    /// Tokens per minute.
    Tokens,
}

impl Exceeded {
    /// The message of the 429 ThrottlingException, as Bedrock words it.
    pub fn message(self) -> &'static str {
        match self {
            Exceeded::Requests => "Too many requests, please wait before trying again.",
            Exceeded::Tokens => "Too many tokens, please wait before trying again.",
        }
    }
}

/// A token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Instant,
}

impl Bucket {
    /// The level at `now`, refilled at `per_s` up to `capacity`.
    fn refill(&mut self, now: Instant, per_s: f64, capacity: f64) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.level = (self.level + elapsed * per_s).min(capacity);
        self.at = now;
    }
}

/// One model's buckets.
#[derive(Debug, Default)]
struct ModelBuckets {
    requests: Option<Bucket>,
    tokens: Option<Bucket>,
}

/// What an admitted request took from the token bucket, to give back
/// what its answer did not use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Admission {
    /// Tokens reserved (0 when tokens are not limited).
    pub reserved_tokens: u64,
}

/// The rate quotas of every model.
#[derive(Debug, Default)]
pub struct RateQuotas {
    buckets: Mutex<HashMap<String, ModelBuckets>>,
}

/// A request's claim on the quotas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// Tokens reserved: the prompt's plus `maxTokens`.
    pub tokens: u64,
    /// Whether it is a `flex` request.
    pub flex: bool,
    /// The share of each bucket flex requests may use (0 to 1].
    pub flex_share: f64,
}

impl RateQuotas {
    /// Admit `claim` to `bucket` (a model's, see
    /// [`crate::ModelProfile::quota_for`]) under `quota` at `now`,
    /// `minute_s` real seconds being one minute of quota (0: every claim is
    /// admitted), or say which quota is full.
    pub fn try_admit(
        &self,
        bucket: &str,
        quota: &RateQuota,
        claim: Claim,
        now: Instant,
        minute_s: f64,
    ) -> Result<Admission, Exceeded> {
        if !quota.is_limited() || minute_s <= 0.0 {
            // Unlimited, or a time scale of 0: a minute of model time takes
            // no real time, and any rate is below the quota.
            return Ok(Admission { reserved_tokens: 0 });
        }
        let burst = quota.burst_s / 60.0;
        // A flex request must leave this much in the bucket.
        let floor = |capacity: f64| {
            if claim.flex {
                capacity * (1.0 - claim.flex_share.clamp(0.0, 1.0))
            } else {
                0.0
            }
        };
        let mut all = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let buckets = all.entry(bucket.to_string()).or_default();
        let mut requests = None;
        if let Some(per_minute) = quota.requests_per_minute {
            let per_minute = f64::from(per_minute);
            let capacity = (per_minute * burst).max(1.0);
            let bucket = buckets.requests.get_or_insert(Bucket {
                level: capacity,
                at: now,
            });
            bucket.refill(now, per_minute / minute_s, capacity);
            if bucket.level - 1.0 < floor(capacity) - 1e-9 {
                return Err(Exceeded::Requests);
            }
            requests = Some(bucket);
        }
        let mut reserved_tokens = 0;
        if let Some(per_minute) = quota.tokens_per_minute {
            let per_minute = per_minute as f64;
            // A bucket always holds at least one request's worth, so that a
            // single large request can pass once the bucket is full.
            let capacity = (per_minute * burst).max(claim.tokens as f64);
            let bucket = buckets.tokens.get_or_insert(Bucket {
                level: capacity,
                at: now,
            });
            bucket.refill(now, per_minute / minute_s, capacity);
            let cost = claim.tokens as f64;
            if bucket.level - cost < floor(capacity) - 1e-9 {
                return Err(Exceeded::Tokens);
            }
            bucket.level -= cost;
            reserved_tokens = claim.tokens;
        }
        if let Some(bucket) = requests {
            bucket.level -= 1.0;
        }
        Ok(Admission { reserved_tokens })
    }

    /// Give back `tokens` of a reservation from `bucket` (the part of
    /// `maxTokens` the answer did not use).
    pub fn give_back(&self, bucket: &str, tokens: u64) {
        if tokens == 0 {
            return;
        }
        let mut all = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bucket) = all.get_mut(bucket).and_then(|b| b.tokens.as_mut()) {
            // The refill at the next admission caps the level.
            bucket.level += tokens as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn claim(tokens: u64) -> Claim {
        Claim {
            tokens,
            flex: false,
            flex_share: 0.75,
        }
    }

    #[test]
    fn requests_beyond_the_burst_are_refused_then_admitted_at_the_quota_rate() {
        let quotas = RateQuotas::default();
        let quota = RateQuota {
            requests_per_minute: Some(60),
            tokens_per_minute: None,
            burst_s: 5.0,
        };
        let start = Instant::now();
        let admitted = (0..10)
            .filter(|_| quotas.try_admit("m", &quota, claim(1), start, 60.0).is_ok())
            .count();
        assert_eq!(admitted, 5, "the bucket holds 5 s of 1 request per second");
        assert_eq!(
            quotas.try_admit("m", &quota, claim(1), start, 60.0),
            Err(Exceeded::Requests)
        );
        // One second later one more request fits, not two.
        let later = start + Duration::from_secs(1);
        assert!(quotas.try_admit("m", &quota, claim(1), later, 60.0).is_ok());
        assert!(
            quotas
                .try_admit("m", &quota, claim(1), later, 60.0)
                .is_err()
        );
        // Another model has its own bucket.
        assert!(
            quotas
                .try_admit("other", &quota, claim(1), later, 60.0)
                .is_ok()
        );
    }

    #[test]
    fn a_scaled_minute_refills_faster() {
        let quotas = RateQuotas::default();
        let quota = RateQuota {
            requests_per_minute: Some(60),
            tokens_per_minute: None,
            burst_s: 1.0,
        };
        let start = Instant::now();
        assert!(quotas.try_admit("m", &quota, claim(1), start, 6.0).is_ok());
        assert!(quotas.try_admit("m", &quota, claim(1), start, 6.0).is_err());
        // At time scale 0.1 a minute lasts 6 s: one request per 0.1 s.
        let later = start + Duration::from_millis(100);
        assert!(quotas.try_admit("m", &quota, claim(1), later, 6.0).is_ok());
    }

    #[test]
    fn tokens_are_reserved_and_the_unused_part_comes_back() {
        let quotas = RateQuotas::default();
        let quota = RateQuota {
            requests_per_minute: None,
            tokens_per_minute: Some(6000),
            burst_s: 10.0,
        };
        let now = Instant::now();
        // The bucket holds 1000 tokens; a request reserves 600.
        let first = quotas
            .try_admit("m", &quota, claim(600), now, 60.0)
            .expect("fits");
        assert_eq!(first.reserved_tokens, 600);
        assert_eq!(
            quotas.try_admit("m", &quota, claim(600), now, 60.0),
            Err(Exceeded::Tokens)
        );
        // Its answer used 100 of them: 500 come back, and the next fits.
        quotas.give_back("m", 500);
        assert!(quotas.try_admit("m", &quota, claim(600), now, 60.0).is_ok());
    }

    #[test]
    fn flex_is_refused_first() {
        let quotas = RateQuotas::default();
        let quota = RateQuota {
            requests_per_minute: Some(240),
            tokens_per_minute: None,
            burst_s: 1.0,
        };
        let now = Instant::now();
        let flex = Claim {
            flex: true,
            ..claim(1)
        };
        // 4 requests fit; flex may use 3 of them.
        assert_eq!(
            (0..4)
                .filter(|_| quotas.try_admit("m", &quota, flex, now, 60.0).is_ok())
                .count(),
            3
        );
        assert!(quotas.try_admit("m", &quota, claim(1), now, 60.0).is_ok());
        assert!(quotas.try_admit("m", &quota, claim(1), now, 60.0).is_err());
    }

    #[test]
    fn at_time_scale_zero_no_quota_is_reached() {
        let quotas = RateQuotas::default();
        let quota = RateQuota {
            requests_per_minute: Some(1),
            tokens_per_minute: Some(1),
            burst_s: 1.0,
        };
        let now = Instant::now();
        assert!((0..100).all(|_| {
            quotas
                .try_admit("m", &quota, claim(1000), now, 0.0)
                .is_ok_and(|a| a.reserved_tokens == 0)
        }));
    }

    #[test]
    fn unlimited_admits_everything_and_bad_values_are_named() {
        let quotas = RateQuotas::default();
        let now = Instant::now();
        assert!((0..1000).all(|_| {
            quotas
                .try_admit("m", &RateQuota::default(), claim(1_000_000), now, 60.0)
                .is_ok()
        }));
        let zero = RateQuota {
            requests_per_minute: Some(0),
            ..RateQuota::default()
        };
        assert!(
            zero.problem()
                .is_some_and(|p| p.contains("requests_per_minute"))
        );
        let burst = RateQuota {
            burst_s: 0.0,
            ..RateQuota::default()
        };
        assert!(burst.problem().is_some_and(|p| p.contains("burst_s")));
    }
}
