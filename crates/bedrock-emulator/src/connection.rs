//! Serving one connection: HTTP/1.1 or HTTP/2 with prior knowledge (h2c)
//! on the same port, told apart by the first bytes (hyper-util's auto
//! server), watched for the header read timeout, the idle timeout,
//! requests to make room and the emulator's stop.
//!
//! hyper 1.x has a `header_read_timeout` of its own, but its clock starts
//! as soon as hyper waits for a head, which on a kept-alive connection is
//! right after the previous response: it would close idle connections
//! after the header timeout, not the idle one. It is therefore disabled,
//! and this watchdog keeps both deadlines (see [`Activity::deadline`]).
//!
//! On HTTP/2 each request is a stream, served on a task of its own; the
//! connection is idle when no stream is open. When the emulator closes an
//! idle HTTP/2 connection it says so first (GOAWAY), so that the client
//! opens its next stream elsewhere instead of losing it.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::activity::{Activity, CloseReason};
use super::connections::Slot;
use super::handler::handle;
use super::limits::ConnectionLimits;
use super::state::Shared;
use super::tracked::{TrackedBody, TrackedIo};

/// Streams one HTTP/2 connection may have open at once (hyper's default is
/// 200). A client that multiplexes every call on one connection, as the
/// AWS SDK for JavaScript does, would otherwise queue the rest on its side,
/// unseen by the emulator; the per-model quotas count requests, whatever
/// connection carries them.
pub const MAX_STREAMS_PER_CONNECTION: u32 = 1000;

/// The flow-control window of each HTTP/2 request body, in bytes: a
/// request of up to this size arrives without waiting for a window update.
pub const STREAM_WINDOW: u32 = 1024 * 1024;

/// The flow-control window of a whole HTTP/2 connection, in bytes: room
/// for many request bodies at once, so that no stream waits on the others.
pub const CONNECTION_WINDOW: u32 = 16 * 1024 * 1024;

/// How long an HTTP/2 connection closed by the emulator has, after its
/// GOAWAY, to finish the exchange before its socket closes, unless a
/// stream that crossed the GOAWAY is still open (that one runs to its end).
const GOAWAY_DRAIN: Duration = Duration::from_secs(1);

/// The protocols served: HTTP/1.1 (keep-alive, hyper's own header timeout
/// off) and HTTP/2 with prior knowledge, each stream on its own task.
pub fn protocols() -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().keep_alive(true).header_read_timeout(None);
    builder
        .http2()
        .max_concurrent_streams(MAX_STREAMS_PER_CONNECTION)
        .initial_stream_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONNECTION_WINDOW);
    builder
}

/// Serve `stream` on its own task, in `slot`, until the client leaves,
/// a timeout closes it, it makes room, or the emulator stops (`stop`
/// turns true: what is in flight finishes first).
pub fn spawn(
    stream: TcpStream,
    slot: Slot,
    shared: &Arc<Shared>,
    protocols: &Arc<auto::Builder<TokioExecutor>>,
    stop: &watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::clone(slot.activity());
    let service_activity = Arc::clone(&activity);
    let shared = Arc::clone(shared);
    let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
        if request.version() == http::Version::HTTP_2 && service_activity.mark_multiplexed() {
            shared.connections.note_http2();
        }
        let in_flight = service_activity.request_started();
        let shared = Arc::clone(&shared);
        async move {
            let response = handle(shared, request).await;
            Ok::<_, Infallible>(response.map(|body| TrackedBody::new(body, in_flight)))
        }
    });
    let protocols = Arc::clone(protocols);
    let mut stop = stop.clone();
    tokio::spawn(async move {
        let io = TokioIo::new(TrackedIo::new(stream, activity));
        let connection = protocols.serve_connection(io, service);
        tokio::pin!(connection);
        let shut_down = |connection: Pin<&mut _>| auto::Connection::graceful_shutdown(connection);
        // A client that goes away mid-response is its own business; the
        // stream's ground truth records it.
        let closed = watch(
            connection.as_mut(),
            slot.activity(),
            slot.limits(),
            &mut stop,
            shut_down,
        )
        .await;
        if let Closed::ByEmulator(reason) = closed {
            slot.note_closed(reason);
            if slot.activity().is_multiplexed() {
                drain(connection.as_mut(), slot.activity(), shut_down).await;
            }
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
/// idle. A connection with a request in flight is never closed here. When
/// `stop` turns true (or its sender is gone), `shut_down` asks the
/// connection to finish what it has in flight and close.
pub async fn watch<F: Future>(
    mut connection: Pin<&mut F>,
    activity: &Activity,
    limits: &ConnectionLimits,
    stop: &mut watch::Receiver<bool>,
    shut_down: impl Fn(Pin<&mut F>),
) -> Closed {
    let mut stopping = false;
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
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                shut_down(connection.as_mut());
            }
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

/// Close an idle HTTP/2 connection politely: GOAWAY (hyper's graceful
/// shutdown tells the client which streams it took), then drive it until
/// it ends, for at most [`GOAWAY_DRAIN`] once no stream is open.
async fn drain<F: Future>(
    mut connection: Pin<&mut F>,
    activity: &Activity,
    shut_down: impl Fn(Pin<&mut F>),
) {
    shut_down(connection.as_mut());
    loop {
        match tokio::time::timeout(GOAWAY_DRAIN, connection.as_mut()).await {
            Ok(_) => return,
            Err(_) if activity.is_idle() => return,
            // A stream that crossed the GOAWAY runs to its end.
            Err(_) => {}
        }
    }
}
