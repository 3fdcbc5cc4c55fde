//! The budgets: a maximum number of calls (attempts, warm-ups and retries
//! included) and a maximum of US dollars, neither ever exceeded.
//!
//! The dollar budget works by reservation: before an attempt starts, its
//! worst case (every input token at its dearest price, `maxTokens` output
//! tokens) is reserved; when it ends, the reservation is replaced by what
//! the attempt cost. No attempt starts when the dollars spent, plus those
//! reserved by the attempts in flight, plus its own worst case would pass
//! the maximum.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use bedrock_catalog::prices::Cost;

/// Which budget refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The call budget is spent.
    Calls,
    /// The call's worst case would pass the dollar budget (or is unknown).
    Dollars,
}

/// Counts calls against an optional maximum, and dollars against another.
#[derive(Debug, Default)]
pub struct CallBudget {
    max: Option<u64>,
    used: AtomicU64,
    dollars: Option<DollarBudget>,
}

#[derive(Debug)]
struct DollarBudget {
    max: Cost,
    /// (spent, reserved by attempts in flight).
    state: Mutex<(Cost, Cost)>,
}

impl CallBudget {
    /// A budget of at most `max` calls (`None`: unlimited), no dollar
    /// budget.
    pub fn new(max: Option<u64>) -> Self {
        CallBudget {
            max,
            used: AtomicU64::new(0),
            dollars: None,
        }
    }

    /// The same budget with at most `max_cost` dollars (`None`: unlimited).
    pub fn with_max_cost(mut self, max_cost: Option<Cost>) -> Self {
        self.dollars = max_cost.map(|max| DollarBudget {
            max,
            state: Mutex::new((Cost::ZERO, Cost::ZERO)),
        });
        self
    }

    /// Take one call from the budget; false when it is spent. (No dollars
    /// are reserved: for callers without a dollar budget.)
    pub fn try_take(&self) -> bool {
        self.try_take_costing(Some(Cost::ZERO)).is_ok()
    }

    /// Take one call whose worst case is `worst` (`None`: unknown): reserve
    /// `worst` dollars and one call, or neither. With a dollar budget, an
    /// unknown worst case is refused. Every successful take must be followed
    /// by [`CallBudget::settle`] with the same `worst`.
    pub fn try_take_costing(&self, worst: Option<Cost>) -> Result<(), Refusal> {
        if let Some(dollars) = &self.dollars {
            let worst = worst.ok_or(Refusal::Dollars)?;
            let mut state = dollars.state.lock().unwrap_or_else(|p| p.into_inner());
            let (spent, reserved) = *state;
            let committed = spent
                .checked_add(reserved)
                .and_then(|c| c.checked_add(worst));
            if committed.is_none_or(|committed| committed > dollars.max) {
                return Err(Refusal::Dollars);
            }
            if !self.take_call() {
                return Err(Refusal::Calls);
            }
            state.1 = reserved.saturating_add(worst);
            return Ok(());
        }
        if self.take_call() {
            Ok(())
        } else {
            Err(Refusal::Calls)
        }
    }

    fn take_call(&self) -> bool {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| match self.max {
                Some(max) if used >= max => None,
                _ => Some(used + 1),
            })
            .is_ok()
    }

    /// An attempt that reserved `worst` ended having cost `charged`.
    pub fn settle(&self, worst: Option<Cost>, charged: Cost) {
        if let Some(dollars) = &self.dollars {
            let mut state = dollars.state.lock().unwrap_or_else(|p| p.into_inner());
            state.0 = state.0.saturating_add(charged);
            state.1 = state.1.saturating_sub(worst.unwrap_or(Cost::ZERO));
        }
    }

    /// Calls taken so far.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }

    /// The maximum, if any.
    pub fn max(&self) -> Option<u64> {
        self.max
    }

    /// The dollar maximum, if any.
    pub fn max_cost(&self) -> Option<Cost> {
        self.dollars.as_ref().map(|d| d.max)
    }

    /// Dollars spent (settled) so far; zero without a dollar budget.
    pub fn spent(&self) -> Cost {
        self.dollars.as_ref().map_or(Cost::ZERO, |d| {
            d.state.lock().unwrap_or_else(|p| p.into_inner()).0
        })
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

    #[test]
    fn dollars_are_reserved_then_settled() {
        let pico = Cost::from_picodollars;
        let budget = CallBudget::new(None).with_max_cost(Some(pico(100)));
        assert_eq!(budget.try_take_costing(Some(pico(40))), Ok(()));
        assert_eq!(budget.try_take_costing(Some(pico(40))), Ok(()));
        // 40 + 40 reserved: a third worst case of 40 would pass 100.
        assert_eq!(
            budget.try_take_costing(Some(pico(40))),
            Err(Refusal::Dollars)
        );
        assert_eq!(budget.try_take_costing(None), Err(Refusal::Dollars));
        budget.settle(Some(pico(40)), pico(10));
        // 10 spent + 40 reserved + 40 = 90.
        assert_eq!(budget.try_take_costing(Some(pico(40))), Ok(()));
        budget.settle(Some(pico(40)), pico(40));
        budget.settle(Some(pico(40)), pico(40));
        assert_eq!(budget.spent(), pico(90));
        assert_eq!(
            budget.try_take_costing(Some(pico(11))),
            Err(Refusal::Dollars)
        );
        assert_eq!(budget.try_take_costing(Some(pico(10))), Ok(()));
        assert_eq!(budget.used(), 4);
        // Both budgets: the call budget refuses without reserving dollars.
        let both = CallBudget::new(Some(1)).with_max_cost(Some(pico(100)));
        assert_eq!(both.try_take_costing(Some(pico(1))), Ok(()));
        assert_eq!(both.try_take_costing(Some(pico(1))), Err(Refusal::Calls));
        both.settle(Some(pico(1)), pico(1));
        assert_eq!(both.spent(), pico(1));
    }
}
