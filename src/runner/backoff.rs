//! Exponential backoff with full jitter between retries of one
//! invocation.

use std::time::Duration;

use rand::{Rng, RngExt};

/// Backoff settings: the wait before retry `n` (from 1) is uniform in
/// `[0, min(cap, base * 2^(n-1))]` (full jitter).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Upper bound of the first wait.
    pub base: Duration,
    /// Upper bound of any wait.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(20),
        }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32, rng: &mut impl Rng) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1 << exponent).min(self.cap);
        ceiling.mul_f64(rng.random_range(0.0..=1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn delays_grow_and_stay_under_the_cap() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(350),
        };
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..200 {
            assert!(backoff.delay(1, &mut rng) <= Duration::from_millis(100));
            assert!(backoff.delay(2, &mut rng) <= Duration::from_millis(200));
            assert!(backoff.delay(9, &mut rng) <= Duration::from_millis(350));
        }
        let mean_late: f64 = (0..400)
            .map(|_| backoff.delay(9, &mut rng).as_secs_f64())
            .sum::<f64>()
            / 400.0;
        assert!(
            mean_late > 0.1,
            "full jitter averages half the cap, got {mean_late}"
        );
    }
}
