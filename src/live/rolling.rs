//! The recent values of one metric: every value of the last
//! [`ROLLING_WINDOW`] (and at least the last [`MIN_VALUES`], however old,
//! so that a group whose calls are over still shows its last figures), at
//! most [`MAX_VALUES`] of them, for the live view's rolling percentiles.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::stats::percentile;

/// How far back the rolling percentiles look.
pub const ROLLING_WINDOW: Duration = Duration::from_secs(30);

/// The fewest values kept, however old.
pub const MIN_VALUES: usize = 20;

/// The most values kept per metric and group: beyond it the oldest go
/// first (the percentiles are then over the newest values).
pub const MAX_VALUES: usize = 20_000;

/// Values with the instant each was recorded, oldest first.
#[derive(Debug, Default, Clone)]
pub struct Rolling {
    values: VecDeque<(Instant, f64)>,
}

impl Rolling {
    /// Keep `value`, recorded `at`.
    pub fn push(&mut self, at: Instant, value: f64) {
        if self.values.len() == MAX_VALUES {
            self.values.pop_front();
        }
        self.values.push_back((at, value));
    }

    /// Forget the values recorded before `now - ROLLING_WINDOW`, but for
    /// the last [`MIN_VALUES`].
    pub fn expire(&mut self, now: Instant) {
        let Some(oldest) = now.checked_sub(ROLLING_WINDOW) else {
            return;
        };
        while self.values.len() > MIN_VALUES
            && self.values.front().is_some_and(|(at, _)| *at < oldest)
        {
            self.values.pop_front();
        }
    }

    /// How many values are kept.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no value is kept.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values kept, sorted ascending.
    pub fn sorted(&self) -> Vec<f64> {
        let mut values: Vec<f64> = self.values.iter().map(|(_, v)| *v).collect();
        values.sort_by(f64::total_cmp);
        values
    }

    /// The percentiles `ps` (0 to 100) of the values kept, by the crate's
    /// rule (linear interpolation); `None` when empty.
    pub fn percentiles<const N: usize>(&self, ps: [f64; N]) -> Option<[f64; N]> {
        let sorted = self.sorted();
        if sorted.is_empty() {
            return None;
        }
        Some(ps.map(|p| percentile(&sorted, p).unwrap_or(f64::NAN)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_over_the_values_kept() {
        let start = Instant::now();
        let mut rolling = Rolling::default();
        for i in 1..=100 {
            rolling.push(start, f64::from(i));
        }
        let [p50, p90] = rolling.percentiles([50.0, 90.0]).expect("values");
        assert!((p50 - 50.5).abs() < 1e-9, "{p50}");
        assert!((p90 - 90.1).abs() < 1e-9, "{p90}");
    }

    #[test]
    fn old_values_expire() {
        let start = Instant::now();
        let mut rolling = Rolling::default();
        for _ in 0..MIN_VALUES {
            rolling.push(start, 10.0);
        }
        for _ in 0..5 {
            rolling.push(start + Duration::from_secs(20), 20.0);
        }
        rolling.expire(start + ROLLING_WINDOW + Duration::from_secs(1));
        // The five recent values and the newest old ones, MIN_VALUES in all.
        let kept = rolling.sorted();
        assert_eq!(kept.len(), MIN_VALUES);
        assert_eq!(kept.iter().filter(|v| **v == 20.0).count(), 5);
        // Long after, the last MIN_VALUES stay.
        rolling.expire(start + Duration::from_secs(100));
        assert_eq!(rolling.len(), MIN_VALUES);
        assert_eq!(Rolling::default().percentiles([50.0]), None);
    }

    #[test]
    fn at_most_max_values_are_kept_the_newest() {
        let start = Instant::now();
        let mut rolling = Rolling::default();
        for i in 0..(MAX_VALUES + 10) {
            rolling.push(start, i as f64);
        }
        assert_eq!(rolling.len(), MAX_VALUES);
        assert_eq!(rolling.sorted()[0], 10.0);
    }
}
