//! Per-model concurrency quota: requests beyond `max_in_flight` streams in
//! flight get 429 ThrottlingException, as Bedrock does under load.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Streams in flight per model (keyed by base model id).
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Mutex<HashMap<String, u32>>,
}

/// A slot held for as long as a stream is in flight; released on drop.
#[derive(Debug)]
pub struct InFlightSlot {
    owner: Arc<InFlight>,
    model: String,
}

impl InFlight {
    /// Take a slot for `model` unless `limit` streams are already in flight.
    pub fn try_acquire(self: &Arc<Self>, model: &str, limit: Option<u32>) -> Option<InFlightSlot> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(model.to_string()).or_insert(0);
        if limit.is_some_and(|limit| *count >= limit) {
            return None;
        }
        *count += 1;
        Some(InFlightSlot {
            owner: Arc::clone(self),
            model: model.to_string(),
        })
    }

    /// Streams in flight for `model` now.
    pub fn current(&self, model: &str) -> u32 {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.get(model).copied().unwrap_or(0)
    }
}

impl Drop for InFlightSlot {
    fn drop(&mut self) {
        let mut counts = self.owner.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(&self.model) {
            *count = count.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_and_slots_come_back() {
        let quota = Arc::new(InFlight::default());
        let a = quota.try_acquire("m", Some(2)).expect("first");
        let _b = quota.try_acquire("m", Some(2)).expect("second");
        assert!(quota.try_acquire("m", Some(2)).is_none());
        assert!(quota.try_acquire("other", Some(2)).is_some());
        drop(a);
        assert_eq!(quota.current("m"), 1);
        assert!(quota.try_acquire("m", Some(2)).is_some());
        assert!(quota.try_acquire("m", None).is_some());
    }
}
