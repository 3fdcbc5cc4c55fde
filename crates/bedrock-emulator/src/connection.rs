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
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpStream;

use super::activity::{Activity, CloseReason};
use super::connections::Slot;
use super::handler::handle;
use super::limits::ConnectionLimits;
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
        tokio::pin!(connection);
        // A client that goes away mid-response is its own business; the
        // stream's ground truth records it.
        let closed = watch(connection.as_mut(), slot.activity(), slot.limits()).await;
        if let Closed::ByEmulator(reason) = closed {
            slot.note_closed(reason);
        }
        // Count and free the slot before the socket closes (when the
        // connection pinned above is dropped, as this task ends), so that a
        // client that sees the close also sees the counts.
        drop(slot);
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

/// Drive `connection` until it finishes, or return (for the caller to
/// drop it) when its deadline passes or it is asked to make room while
/// idle. A connection with a request in flight is never closed here.
pub async fn watch<F: Future>(
    mut connection: Pin<&mut F>,
    activity: &Activity,
    limits: &ConnectionLimits,
) -> Closed {
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
            _ = connection.as_mut() => return Closed::Finished,
            () = activity.woken() => {
                if activity.take_make_room() {
                    if activity.can_make_room() {
                        return Closed::ByEmulator(CloseReason::MakeRoom);
                    }
                    // Busy again, or its last response not flushed yet: let the
                    // accept loop ask another.
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
