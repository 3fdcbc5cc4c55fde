//! What one connection is doing, for its timeouts and for the connection
//! limit: requests in flight, when it went idle, when the request head
//! being read started, and whether it was asked to make room.
//!
//! The connection's own task updates it (reads, requests, responses); the
//! accept loop reads it to choose which idle connection gives way.
//!
//! An HTTP/2 connection carries many requests at once, one per stream: it
//! is idle when no stream is open, and "in flight" counts its open streams.
//! Once it has carried a request, the bytes that reach it while idle are
//! control frames (window updates, pings, settings) as often as a new
//! request's head, so they start no header timeout there, nor put its idle
//! timeout off: that counts from the end of its last stream, so a client
//! that only pings does not hold a connection forever.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::limits::ConnectionLimits;

/// "No time": the field does not apply now.
const NONE: u64 = u64::MAX;

/// Why a connection was closed by the emulator rather than by its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// A request head was not complete within the header read timeout.
    HeaderTimeout,
    /// No request in flight and no byte within the idle timeout.
    Idle,
    /// The connection limit was reached and this one was the longest idle.
    MakeRoom,
}

/// One connection's activity.
#[derive(Debug)]
pub struct Activity {
    epoch: Instant,
    /// Requests whose handling or response is not finished.
    in_flight: AtomicU32,
    /// Requests started on this connection.
    requests: AtomicU64,
    /// When it last became idle (accept, or the end of the last response).
    idle_since: AtomicU64,
    /// When the head being read started: the accept for the first request,
    /// the first byte after going idle for the next ones; `NONE` otherwise.
    head_since: AtomicU64,
    /// When it last received a byte.
    last_read: AtomicU64,
    /// Bytes were written to the socket and not yet flushed: hyper may
    /// still hold part of the last response.
    unflushed: AtomicBool,
    /// It has carried an HTTP/2 request (one stream per request).
    multiplexed: AtomicBool,
    /// The accept loop asked it to close if idle.
    evict: AtomicBool,
    /// Wakes the connection's watchdog: its deadline moved, or it was asked
    /// to make room.
    wake: Notify,
    /// Wakes the accept loop when this connection becomes idle.
    became_idle: Arc<Notify>,
}

impl Activity {
    /// A connection accepted now; `epoch` is the registry's clock zero.
    pub fn new(epoch: Instant, became_idle: Arc<Notify>) -> Self {
        let now = nanos_since(epoch, Instant::now());
        Activity {
            epoch,
            in_flight: AtomicU32::new(0),
            requests: AtomicU64::new(0),
            idle_since: AtomicU64::new(now),
            head_since: AtomicU64::new(now),
            last_read: AtomicU64::new(now),
            unflushed: AtomicBool::new(false),
            multiplexed: AtomicBool::new(false),
            evict: AtomicBool::new(false),
            wake: Notify::new(),
            became_idle,
        }
    }

    fn now(&self) -> u64 {
        nanos_since(self.epoch, Instant::now())
    }

    fn instant(&self, nanos: u64) -> Instant {
        self.epoch
            .checked_add(Duration::from_nanos(nanos))
            .unwrap_or(self.epoch)
    }

    /// Bytes arrived. The first ones on an idle connection start a request
    /// head, and its header read timeout.
    /// On an HTTP/2 connection that has carried a request they only mark
    /// it as not quiet (see the module's doc).
    pub fn on_read(&self) {
        let now = self.now();
        self.last_read.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Acquire) == 0
            && !self.is_multiplexed()
            && self
                .head_since
                .compare_exchange(NONE, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            self.wake.notify_one();
        }
    }

    /// Bytes were written to the socket.
    pub fn on_write(&self) {
        self.unflushed.store(true, Ordering::Relaxed);
    }

    /// hyper flushed the socket: everything it had to write is written.
    pub fn on_flushed(&self) {
        self.unflushed.store(false, Ordering::Relaxed);
    }

    /// A request head was read and handed to the service: the connection is
    /// busy until the guard (kept by the response body) is dropped.
    pub fn request_started(self: &Arc<Self>) -> InFlightGuard {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.head_since.store(NONE, Ordering::Release);
        InFlightGuard(Arc::clone(self))
    }

    /// The connection speaks HTTP/2 (its requests are streams): from now
    /// on the bytes it receives while idle start no header timeout.
    /// Returns whether this call marked it (the first HTTP/2 request).
    pub fn mark_multiplexed(&self) -> bool {
        !self.is_multiplexed() && !self.multiplexed.swap(true, Ordering::AcqRel)
    }

    /// Whether the connection has carried an HTTP/2 request.
    pub fn is_multiplexed(&self) -> bool {
        self.multiplexed.load(Ordering::Acquire)
    }

    fn request_ended(&self) {
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle_since.store(self.now(), Ordering::Release);
            self.head_since.store(NONE, Ordering::Release);
            self.wake.notify_one();
            self.became_idle.notify_one();
        }
    }

    /// Requests started on this connection (read by the tests).
    #[cfg(test)]
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Whether no request is in flight.
    pub fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
    }

    /// Whether it may close to make room: idle, and the end of its last
    /// response flushed (closing sooner could cut it).
    pub fn can_make_room(&self) -> bool {
        self.is_idle() && !self.unflushed.load(Ordering::Relaxed)
    }

    /// Since when a connection that may make room has been quiet (no
    /// request, no byte); `None` if it may not. Longest quiet gives way
    /// first.
    pub fn quiet_since(&self) -> Option<u64> {
        if !self.can_make_room() {
            return None;
        }
        let idle = self.idle_since.load(Ordering::Acquire);
        let read = self.last_read.load(Ordering::Relaxed);
        Some(idle.max(read))
    }

    /// The instant this connection is to be closed, and why, if nothing
    /// happens before; `None` while a request is in flight (a stream is
    /// never cut by a timeout, however long it takes).
    pub fn deadline(&self, limits: &ConnectionLimits) -> Option<(Instant, CloseReason)> {
        if !self.is_idle() {
            return None;
        }
        let head = self.head_since.load(Ordering::Acquire);
        let (since, timeout, reason) = if head != NONE {
            (head, limits.header_read_timeout, CloseReason::HeaderTimeout)
        } else {
            (
                self.idle_since.load(Ordering::Acquire),
                limits.idle_timeout,
                CloseReason::Idle,
            )
        };
        let at = self.instant(since).checked_add(timeout)?;
        Some((at, reason))
    }

    /// Why the connection is to be closed now, if its deadline has passed.
    pub fn expired(&self, limits: &ConnectionLimits, now: Instant) -> Option<CloseReason> {
        self.deadline(limits)
            .and_then(|(at, reason)| (now >= at).then_some(reason))
    }

    /// Ask the connection to close if it is still idle when it wakes.
    pub fn ask_to_make_room(&self) {
        self.evict.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Whether it has been asked to make room and has not answered yet.
    pub fn asked_to_make_room(&self) -> bool {
        self.evict.load(Ordering::Acquire)
    }

    /// Answer a request to make room: `true` if it was asked (the flag is
    /// cleared either way).
    pub fn take_make_room(&self) -> bool {
        self.evict.swap(false, Ordering::AcqRel)
    }

    /// Wait for a wake-up (see [`Activity::deadline`] again after it).
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Wake the accept loop (an eviction it asked for was declined).
    pub fn nudge_accept_loop(&self) {
        self.became_idle.notify_one();
    }
}

/// A request in flight; dropped when its response is finished or
/// abandoned.
#[derive(Debug)]
pub struct InFlightGuard(Arc<Activity>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.request_ended();
    }
}

fn nanos_since(epoch: Instant, instant: Instant) -> u64 {
    u64::try_from(instant.saturating_duration_since(epoch).as_nanos()).unwrap_or(NONE - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(3),
            idle_timeout: Duration::from_secs(7),
            max_connections: 4,
        }
    }

    fn activity() -> Arc<Activity> {
        Arc::new(Activity::new(Instant::now(), Arc::new(Notify::new())))
    }

    #[test]
    fn a_new_connection_must_send_its_head_within_the_header_timeout() {
        let activity = activity();
        let (at, reason) = activity.deadline(&limits()).expect("a deadline");
        assert_eq!(reason, CloseReason::HeaderTimeout);
        assert!(at <= Instant::now() + Duration::from_secs(3));
        // Bytes of the first head do not extend it.
        activity.on_read();
        assert_eq!(activity.deadline(&limits()), Some((at, reason)));
        assert_eq!(activity.expired(&limits(), at), Some(reason));
        assert_eq!(
            activity.expired(&limits(), at - Duration::from_millis(1)),
            None
        );
    }

    #[test]
    fn a_request_in_flight_has_no_deadline_and_its_end_starts_the_idle_one() {
        let activity = activity();
        let guard = activity.request_started();
        assert_eq!(activity.deadline(&limits()), None);
        assert_eq!(activity.quiet_since(), None);
        activity.on_read(); // body bytes: still busy
        assert_eq!(activity.deadline(&limits()), None);
        let before = Instant::now();
        drop(guard);
        let (at, reason) = activity.deadline(&limits()).expect("a deadline");
        assert_eq!(reason, CloseReason::Idle);
        assert!(at >= before + Duration::from_secs(7));
        assert!(activity.quiet_since().is_some());
    }

    #[test]
    fn the_first_byte_after_idle_starts_a_header_timeout() {
        let activity = activity();
        drop(activity.request_started());
        let (idle_at, _) = activity.deadline(&limits()).expect("idle deadline");
        activity.on_read();
        let (head_at, reason) = activity.deadline(&limits()).expect("head deadline");
        assert_eq!(reason, CloseReason::HeaderTimeout);
        assert!(head_at < idle_at, "3 s head timeout comes before 7 s idle");
        assert_eq!(activity.requests(), 1);
    }

    #[test]
    fn an_unflushed_response_end_keeps_a_connection_from_making_room() {
        let activity = activity();
        assert!(activity.can_make_room());
        activity.on_write();
        assert!(!activity.can_make_room());
        assert_eq!(activity.quiet_since(), None);
        activity.on_flushed();
        assert!(activity.can_make_room());
    }

    #[test]
    fn an_idle_http2_connection_starts_no_header_timeout_on_a_byte() {
        let activity = activity();
        assert!(activity.mark_multiplexed());
        let first = activity.request_started();
        let second = activity.request_started();
        drop(first);
        // One stream still open: busy.
        assert_eq!(activity.deadline(&limits()), None);
        drop(second);
        let (idle_at, reason) = activity.deadline(&limits()).expect("idle deadline");
        assert_eq!(reason, CloseReason::Idle);
        // A window update or ping: no head timeout, the same idle deadline.
        activity.on_read();
        assert_eq!(
            activity.deadline(&limits()),
            Some((idle_at, CloseReason::Idle))
        );
        assert!(!activity.mark_multiplexed(), "marked once");
    }

    #[test]
    fn make_room_is_asked_once_and_answered_once() {
        let activity = activity();
        assert!(!activity.asked_to_make_room());
        activity.ask_to_make_room();
        assert!(activity.asked_to_make_room());
        assert!(activity.take_make_room());
        assert!(!activity.take_make_room());
    }
}
