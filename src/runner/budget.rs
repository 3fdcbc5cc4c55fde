//! The budgets: a maximum number of calls (attempts, warm-ups and retries
//! included) and a maximum of US dollars, neither ever exceeded.
//!
//! The dollar budget works by reservation: before an attempt starts, its
//! worst case (an upper bound of every input token at its dearest price,
//! `maxTokens` output tokens) is reserved; when it ends, the reservation is
//! replaced by what the attempt is charged. No attempt starts when the
//! dollars charged, plus those reserved by the attempts in flight, plus its
//! own worst case would pass the maximum.
//!
//! A charge above its reservation means the worst case was wrong (a price
//! file, or a service that counted more than the bound): the budget then
//! records an [`Overrun`], refuses every later call, and the caller ends
//! the run at once.

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
    /// An earlier attempt was charged more than it reserved: the budget's
    /// bound no longer holds, so no call may start.
    Overrun,
}

/// An attempt charged more than the worst case reserved for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overrun {
    /// What the attempt reserved (its worst case; zero when unknown).
    pub reserved: Cost,
    /// What it was charged.
    pub charged: Cost,
    /// Everything charged once it was settled.
    pub total: Cost,
    /// The dollar budget.
    pub max: Cost,
}

impl Overrun {
    /// How far the charges passed the dollar budget (zero when they did
    /// not).
    pub fn exceeded_by(&self) -> Cost {
        self.total.saturating_sub(self.max)
    }

    /// One sentence for the user: `budget exceeded by $X` when the charges
    /// passed the budget, else how much the call passed its reservation.
    pub fn describe(&self) -> String {
        let call = format!(
            "a call was charged ${}, more than the ${} reserved for it (its worst case)",
            self.charged, self.reserved
        );
        if self.total > self.max {
            format!(
                "budget exceeded by ${}: {call}, bringing the charges to ${} against the budget of ${}",
                self.exceeded_by(),
                self.total,
                self.max
            )
        } else {
            format!(
                "{call}, so the budget of ${} could no longer be guaranteed (${} charged so far, within it)",
                self.max, self.total
            )
        }
    }
}

/// Counts calls against an optional maximum, and dollars against another.
#[derive(Debug, Default)]
pub struct CallBudget {
    max: Option<u64>,
    used: AtomicU64,
    max_cost: Option<Cost>,
    dollars: Mutex<Dollars>,
}

/// The dollars of a budget: charged by the attempts that ended, reserved by
/// those in flight, and the first overrun.
#[derive(Debug, Default)]
struct Dollars {
    charged: Cost,
    reserved: Cost,
    overrun: Option<Overrun>,
}

impl CallBudget {
    /// A budget of at most `max` calls (`None`: unlimited), no dollar
    /// budget.
    pub fn new(max: Option<u64>) -> Self {
        CallBudget {
            max,
            used: AtomicU64::new(0),
            max_cost: None,
            dollars: Mutex::new(Dollars::default()),
        }
    }

    /// The same budget with at most `max_cost` dollars (`None`: unlimited).
    pub fn with_max_cost(mut self, max_cost: Option<Cost>) -> Self {
        self.max_cost = max_cost;
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
        let mut dollars = self.lock();
        if dollars.overrun.is_some() {
            return Err(Refusal::Overrun);
        }
        let Some(max) = self.max_cost else {
            return if self.take_call() {
                Ok(())
            } else {
                Err(Refusal::Calls)
            };
        };
        let worst = worst.ok_or(Refusal::Dollars)?;
        let committed = dollars
            .charged
            .checked_add(dollars.reserved)
            .and_then(|c| c.checked_add(worst));
        if committed.is_none_or(|committed| committed > max) {
            return Err(Refusal::Dollars);
        }
        if !self.take_call() {
            return Err(Refusal::Calls);
        }
        dollars.reserved = dollars.reserved.saturating_add(worst);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Dollars> {
        self.dollars.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take_call(&self) -> bool {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| match self.max {
                Some(max) if used >= max => None,
                _ => Some(used + 1),
            })
            .is_ok()
    }

    /// An attempt that reserved `worst` ended and is charged `charged`.
    /// Under a dollar budget, returns the overrun when the charge passed
    /// the reservation: from then on every call is refused
    /// ([`Refusal::Overrun`]) and the caller must end the run.
    pub fn settle(&self, worst: Option<Cost>, charged: Cost) -> Option<Overrun> {
        let mut dollars = self.lock();
        dollars.charged = dollars.charged.saturating_add(charged);
        let max = self.max_cost?;
        let worst = worst.unwrap_or(Cost::ZERO);
        dollars.reserved = dollars.reserved.saturating_sub(worst);
        if charged <= worst {
            return None;
        }
        let overrun = Overrun {
            reserved: worst,
            charged,
            total: dollars.charged,
            max,
        };
        dollars.overrun.get_or_insert(overrun);
        Some(overrun)
    }

    /// The first overrun under the dollar budget, if any.
    pub fn overrun(&self) -> Option<Overrun> {
        self.lock().overrun
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
        self.max_cost
    }

    /// Dollars charged so far (with or without a dollar budget): each
    /// ended attempt's cost, or its whole worst case when it may have been
    /// billed without a known cost (see `plan::charged`).
    pub fn spent(&self) -> Cost {
        self.lock().charged
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

    #[test]
    fn a_charge_above_its_reservation_is_an_overrun_that_refuses_every_later_call() {
        let pico = Cost::from_picodollars;
        let budget = CallBudget::new(None).with_max_cost(Some(pico(100)));
        assert_eq!(budget.try_take_costing(Some(pico(30))), Ok(()));
        assert_eq!(budget.try_take_costing(Some(pico(30))), Ok(()));
        assert_eq!(budget.settle(Some(pico(30)), pico(30)), None);
        let overrun = budget
            .settle(Some(pico(30)), pico(90))
            .expect("90 > 30 reserved");
        assert_eq!(overrun.reserved, pico(30));
        assert_eq!(overrun.charged, pico(90));
        assert_eq!(overrun.total, pico(120));
        assert_eq!(overrun.exceeded_by(), pico(20));
        assert!(
            overrun.describe().starts_with("budget exceeded by $"),
            "{}",
            overrun.describe()
        );
        assert_eq!(budget.overrun(), Some(overrun));
        assert_eq!(
            budget.try_take_costing(Some(pico(1))),
            Err(Refusal::Overrun)
        );
        // Within the budget, an overrun still stops: the bound is broken.
        let within = CallBudget::new(None).with_max_cost(Some(pico(1000)));
        assert_eq!(within.try_take_costing(Some(pico(10))), Ok(()));
        let overrun = within.settle(Some(pico(10)), pico(11)).expect("11 > 10");
        assert_eq!(overrun.exceeded_by(), Cost::ZERO);
        assert!(overrun.describe().contains("could no longer be guaranteed"));
        assert_eq!(
            within.try_take_costing(Some(pico(1))),
            Err(Refusal::Overrun)
        );
        // Without a dollar budget, charges are counted and nothing is refused.
        let free = CallBudget::new(None);
        assert!(free.try_take());
        assert_eq!(free.settle(Some(pico(1)), pico(5)), None);
        assert_eq!(free.spent(), pico(5));
        assert!(free.try_take());
    }
}
