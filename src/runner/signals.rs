//! Stop signals. SIGINT (Ctrl-C), SIGTERM (what `timeout`, `docker stop`,
//! Kubernetes and CI send) and SIGHUP all stop a run the same way: no new
//! call starts, the calls in flight get [`STOP_GRACE`] to finish, and are
//! then cancelled, each keeping its row with its partial timings. A second
//! signal cancels them at once; a third ends the process.

use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::task::JoinHandle;

use super::stop::{StopCause, StopSignal};

/// How long calls in flight may run on after a stop signal before they are
/// cancelled: short enough that their rows are written before a container
/// runtime's kill (Docker waits 10 s after SIGTERM).
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Watch SIGINT, SIGTERM and SIGHUP for the rest of the program (see the
/// module documentation). Must be called inside a tokio runtime; the
/// handlers replace the signals' default action (ending the process).
pub fn watch_stop_signals(stop: StopSignal, grace: Duration) -> std::io::Result<JoinHandle<()>> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    Ok(tokio::spawn(async move {
        let mut received = 0u32;
        loop {
            let cause = tokio::select! {
                Some(()) = interrupt.recv() => StopCause::Interrupt,
                Some(()) = terminate.recv() => StopCause::Terminate,
                Some(()) = hangup.recv() => StopCause::Hangup,
                else => return,
            };
            received += 1;
            match received {
                1 => {
                    stop.request_stop_because(cause);
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(grace).await;
                        stop.cancel_in_flight();
                    });
                }
                2 => stop.cancel_in_flight(),
                _ => {
                    let first = stop.cause().unwrap_or(cause);
                    std::process::exit(i32::from(first.exit_code()));
                }
            }
        }
    }))
}
