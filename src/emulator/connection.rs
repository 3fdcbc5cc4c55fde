//! Serving one connection: hyper's HTTP/1.1 connection, watched for the
//! header read timeout, the idle timeout and requests to make room.
//!
//! hyper 1.x has a `header_read_timeout` of its own, but its clock starts
//! as soon as hyper waits for a head, which on a kept-alive connection is
//! right after the previous response: it would close idle connections
//! after the header timeout, not the idle one. It is therefore disabled,
//! and this watchdog keeps both deadlines (see [`Activity::deadline`]).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpStream;

use super::activity::{Activity, CloseReason};
use super::connections::Slot;
use super::limits::ConnectionLimits;
use super::server::handle;
use super::state::Shared;
use super::tracked::{TrackedBody, TrackedIo};

/// Serve `stream` on its own task, in `slot`, until the client leaves,
/// a timeout closes it, it makes room, or the emulator stops.
pub fn spawn(stream: TcpStream, slot: Slot, shared: &Arc<Shared>, graceful: &GracefulShutdown) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::clone(slot.activity());
    let service_activity = Arc::clone(&activity);
    let shared = Arc::clone(shared);
    let service = service_fn(move |request| {
        let in_flight = service_activity.request_started();
        let shared = Arc::clone(&shared);
        async move {
            let response = handle(shared, request).await;
            Ok::<_, Infallible>(response.map(|body| TrackedBody::new(body, in_flight)))
        }
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(TrackedIo::new(stream, activity)), service);
    let connection = graceful.watch(connection);
    tokio::spawn(async move {
        // A client that goes away mid-response is its own business; the
        // stream's ground truth records it.
        if let Closed::ByEmulator(reason) = watch(connection, slot.activity(), slot.limits()).await
        {
            slot.note_closed(reason);
        }
        // Dropping the slot frees it for the accept loop.
    });
}

/// How a watched connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The connection future finished (client left, error, or stop).
    Finished,
    /// The emulator closed it, and why.
    ByEmulator(CloseReason),
}

/// Drive `connection` until it finishes, or close it (by dropping it) when
/// its deadline passes or it is asked to make room while idle. A
/// connection with a request in flight is never closed here.
pub async fn watch<F: Future>(
    connection: F,
    activity: &Activity,
    limits: &ConnectionLimits,
) -> Closed {
    tokio::pin!(connection);
    loop {
        let deadline = activity.deadline(limits);
        let sleep = async {
            match deadline {
                Some((at, _)) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = &mut connection => return Closed::Finished,
            () = activity.woken() => {
                if activity.take_make_room() {
                    if activity.is_idle() {
                        return Closed::ByEmulator(CloseReason::MakeRoom);
                    }
                    // Busy again: let the accept loop ask another.
                    activity.nudge_accept_loop();
                }
            }
            () = sleep => {
                if let Some(reason) = activity.expired(limits, Instant::now()) {
                    return Closed::ByEmulator(reason);
                }
            }
        }
    }
}
