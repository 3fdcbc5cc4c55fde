//! A service that slows down during a run: after a number of real seconds
//! since the emulator started, every planned latency (TTFT, per-token
//! time, the end of the stream) is multiplied by a factor. Tests use it to
//! make a run whose second half is slower than its first (drift).

use std::time::Duration;

/// Slow every request down by `factor` once `after` has passed since the
/// emulator started (real time: the time scale does not apply to it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlowDown {
    /// Real time after the emulator's start from which requests are slowed.
    pub after: Duration,
    /// What every planned delay of a request that arrives from then on is
    /// multiplied by (over 0; 2 takes twice as long).
    pub factor: f64,
}

impl SlowDown {
    /// Whether the factor is usable: finite and over 0.
    pub fn validate(&self) -> Result<(), String> {
        if self.factor.is_finite() && self.factor > 0.0 {
            Ok(())
        } else {
            Err(format!(
                "the slow-down factor must be a number over 0, found {}",
                self.factor
            ))
        }
    }

    /// The factor for a request that arrived `since_start` after the
    /// emulator started: `None` before [`SlowDown::after`].
    pub fn factor_at(&self, since_start: Duration) -> Option<f64> {
        (since_start >= self.after).then_some(self.factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_factor_applies_from_the_instant_on() {
        let slow = SlowDown {
            after: Duration::from_secs(2),
            factor: 1.5,
        };
        assert_eq!(slow.factor_at(Duration::from_millis(1999)), None);
        assert_eq!(slow.factor_at(Duration::from_secs(2)), Some(1.5));
        assert!(slow.validate().is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = SlowDown {
                factor: bad,
                ..slow
            }
            .validate()
            .unwrap_err();
            assert!(e.contains("slow-down factor"), "{e}");
        }
    }
}
