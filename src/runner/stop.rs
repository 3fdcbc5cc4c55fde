//! Two-stage stop: first stop starting calls (let the ones in flight
//! finish), then cancel the ones in flight.

use std::sync::Arc;

use tokio::sync::watch;

const RUNNING: u8 = 0;
const STOP_NEW: u8 = 1;
const CANCEL: u8 = 2;

/// A shared stop request, cheap to clone.
#[derive(Debug, Clone)]
pub struct StopSignal {
    stage: Arc<watch::Sender<u8>>,
}

impl Default for StopSignal {
    fn default() -> Self {
        Self::new()
    }
}

impl StopSignal {
    /// Not stopping.
    pub fn new() -> Self {
        StopSignal {
            stage: Arc::new(watch::Sender::new(RUNNING)),
        }
    }

    /// Stop starting new calls; calls in flight finish.
    pub fn request_stop(&self) {
        self.stage.send_if_modified(|stage| raise(stage, STOP_NEW));
    }

    /// Cancel the calls in flight too (they end as `Cancelled` rows).
    pub fn cancel_in_flight(&self) {
        self.stage.send_if_modified(|stage| raise(stage, CANCEL));
    }

    /// Go one stage further (what a repeated Ctrl-C does); returns true
    /// when that cancelled the calls in flight.
    pub fn escalate(&self) -> bool {
        if self.is_stopping() {
            self.cancel_in_flight();
            true
        } else {
            self.request_stop();
            false
        }
    }

    /// Whether new calls must not start.
    pub fn is_stopping(&self) -> bool {
        *self.stage.borrow() >= STOP_NEW
    }

    /// Whether calls in flight must end now.
    pub fn is_cancelled(&self) -> bool {
        *self.stage.borrow() >= CANCEL
    }

    /// Completes once a stop is requested.
    pub async fn stopping(&self) {
        let mut rx = self.stage.subscribe();
        let _ = rx.wait_for(|stage| *stage >= STOP_NEW).await;
    }

    /// Completes once calls in flight must be cancelled.
    pub async fn cancelled(&self) {
        let mut rx = self.stage.subscribe();
        let _ = rx.wait_for(|stage| *stage >= CANCEL).await;
    }
}

fn raise(stage: &mut u8, to: u8) -> bool {
    if *stage < to {
        *stage = to;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stages_only_go_up() {
        let stop = StopSignal::new();
        assert!(!stop.is_stopping());
        assert!(!stop.escalate());
        assert!(stop.is_stopping() && !stop.is_cancelled());
        stop.stopping().await;
        assert!(stop.escalate());
        assert!(stop.is_cancelled());
        stop.request_stop();
        assert!(stop.is_cancelled());
        stop.cancelled().await;
    }
}
