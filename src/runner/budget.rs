//! The call budget: a maximum number of calls (attempts, warm-ups and
//! retries included) that is never exceeded.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counts calls against an optional maximum.
#[derive(Debug, Default)]
pub struct CallBudget {
    max: Option<u64>,
    used: AtomicU64,
}

impl CallBudget {
    /// A budget of at most `max` calls (`None`: unlimited).
    pub fn new(max: Option<u64>) -> Self {
        CallBudget {
            max,
            used: AtomicU64::new(0),
        }
    }

    /// Take one call from the budget; false when it is spent.
    pub fn try_take(&self) -> bool {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| match self.max {
                Some(max) if used >= max => None,
                _ => Some(used + 1),
            })
            .is_ok()
    }

    /// Calls taken so far.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }

    /// The maximum, if any.
    pub fn max(&self) -> Option<u64> {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maximum_is_never_exceeded() {
        let budget = CallBudget::new(Some(2));
        assert!(budget.try_take() && budget.try_take());
        assert!(!budget.try_take());
        assert_eq!(budget.used(), 2);
        let unlimited = CallBudget::new(None);
        assert!((0..1000).all(|_| unlimited.try_take()));
    }
}
