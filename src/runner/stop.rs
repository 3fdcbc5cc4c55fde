//! Two-stage stop: first stop starting calls (let the ones in flight
//! finish), then cancel the ones in flight. The stop remembers what asked
//! for it (a signal, or the program itself), for the exit status.

use std::sync::{Arc, OnceLock};

use tokio::sync::watch;

/// What asked a run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopCause {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (what `timeout`, `docker stop`, Kubernetes and CI send).
    Terminate,
    /// SIGHUP (the terminal went away).
    Hangup,
    /// The program itself (a test, a caller of the library).
    Requested,
    /// A call was charged more than the worst case reserved for it, so the
    /// dollar budget could no longer be guaranteed (see
    /// `runner::Overrun`): new calls stop and calls in flight are
    /// cancelled.
    BudgetOverrun,
}

impl StopCause {
    /// The signal's name, such as `SIGTERM`, or `a stop request`.
    pub fn name(self) -> &'static str {
        match self {
            StopCause::Interrupt => "SIGINT (Ctrl-C)",
            StopCause::Terminate => "SIGTERM",
            StopCause::Hangup => "SIGHUP",
            StopCause::Requested => "a stop request",
            StopCause::BudgetOverrun => "the dollar budget (a call cost more than reserved)",
        }
    }

    /// The conventional exit status of a program stopped this way: 128 plus
    /// the signal number (130, 143, 129); 130 for a request; 1 for a
    /// budget overrun (a failure, not a signal).
    pub fn exit_code(self) -> u8 {
        match self {
            StopCause::Interrupt | StopCause::Requested => 130,
            StopCause::Terminate => 143,
            StopCause::Hangup => 129,
            StopCause::BudgetOverrun => 1,
        }
    }
}

const RUNNING: u8 = 0;
const STOP_NEW: u8 = 1;
const CANCEL: u8 = 2;

/// A shared stop request, cheap to clone.
#[derive(Debug, Clone)]
pub struct StopSignal {
    stage: Arc<watch::Sender<u8>>,
    cause: Arc<OnceLock<StopCause>>,
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
            cause: Arc::new(OnceLock::new()),
        }
    }

    /// Stop starting new calls; calls in flight finish.
    pub fn request_stop(&self) {
        self.request_stop_because(StopCause::Requested);
    }

    /// [`StopSignal::request_stop`], remembering why (the first cause
    /// wins).
    pub fn request_stop_because(&self, cause: StopCause) {
        let _ = self.cause.set(cause);
        self.stage.send_if_modified(|stage| raise(stage, STOP_NEW));
    }

    /// What asked for the stop, once one was asked for.
    pub fn cause(&self) -> Option<StopCause> {
        self.cause.get().copied()
    }

    /// Cancel the calls in flight too (they end as `Cancelled` rows).
    pub fn cancel_in_flight(&self) {
        self.cancel_because(StopCause::Requested);
    }

    /// Stop new calls and cancel those in flight at once, remembering why
    /// (the first cause wins).
    pub fn cancel_because(&self, cause: StopCause) {
        let _ = self.cause.set(cause);
        self.stage.send_if_modified(|stage| raise(stage, CANCEL));
    }

    /// Go one stage further (what a repeated Ctrl-C does); returns true
    /// when that cancelled the calls in flight.
    pub fn escalate(&self, cause: StopCause) -> bool {
        if self.is_stopping() {
            self.cancel_in_flight();
            true
        } else {
            self.request_stop_because(cause);
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
        assert_eq!(stop.cause(), None);
        assert!(!stop.escalate(StopCause::Terminate));
        assert!(stop.is_stopping() && !stop.is_cancelled());
        assert_eq!(stop.cause(), Some(StopCause::Terminate));
        stop.stopping().await;
        assert!(stop.escalate(StopCause::Interrupt));
        assert_eq!(
            stop.cause(),
            Some(StopCause::Terminate),
            "the first cause stays"
        );
        assert!(stop.is_cancelled());
        stop.request_stop();
        assert!(stop.is_cancelled());
        stop.cancelled().await;
    }
}
