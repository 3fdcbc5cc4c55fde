//! The open connections of one emulator: the connection limit, which idle
//! connection gives way when it is reached, and the counts shown by
//! `GET /_emulator/stats`.
//!
//! The limit counts connections, whatever they carry: an HTTP/2
//! connection with many streams open takes one slot, and it is idle (may
//! give way) only when none of its streams is open.
//!
//! At the limit the accept loop holds the connection it just accepted (and
//! accepts no other) until a slot frees; to free one it asks the
//! connection that has been idle longest (no request in flight) to close.
//! A connection with a request in flight is never asked. Accept errors
//! (such as running out of file descriptors) are counted, reported once on
//! stderr, and met with a growing pause rather than a busy loop.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Notify;

use super::activity::{Activity, CloseReason};
use super::limits::ConnectionLimits;

/// Connection counts since the emulator started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConnectionStats {
    /// TCP connections accepted.
    pub accepted: u64,
    /// Connections being served now.
    pub open: u64,
    /// Closed after the idle timeout (no request in flight, no byte).
    pub closed_idle: u64,
    /// Closed because a request head was not complete within the header
    /// read timeout (including clients that sent nothing).
    pub closed_header_timeout: u64,
    /// Idle connections closed to make room for a new one at the limit.
    pub closed_for_room: u64,
    /// Accepted connections that had to wait for a free slot.
    pub deferred_at_limit: u64,
    /// `accept` calls that failed (out of file descriptors, ...).
    pub accept_errors: u64,
    /// Connections that carried HTTP/2 (prior knowledge, h2c) rather than
    /// HTTP/1.1, counted at their first request.
    pub http2: u64,
}

/// The registry of open connections.
#[derive(Debug)]
pub struct Connections {
    limits: ConnectionLimits,
    epoch: Instant,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    next_id: AtomicU64,
    /// A slot freed or a connection became idle.
    changed: Arc<Notify>,
    accepted: AtomicU64,
    closed_idle: AtomicU64,
    closed_header_timeout: AtomicU64,
    closed_for_room: AtomicU64,
    deferred_at_limit: AtomicU64,
    accept_errors: AtomicU64,
    http2: AtomicU64,
}

impl Connections {
    /// An empty registry enforcing `limits`.
    pub fn new(limits: ConnectionLimits) -> Self {
        Connections {
            limits,
            epoch: Instant::now(),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            changed: Arc::new(Notify::new()),
            accepted: AtomicU64::new(0),
            closed_idle: AtomicU64::new(0),
            closed_header_timeout: AtomicU64::new(0),
            closed_for_room: AtomicU64::new(0),
            deferred_at_limit: AtomicU64::new(0),
            accept_errors: AtomicU64::new(0),
            http2: AtomicU64::new(0),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &ConnectionLimits {
        &self.limits
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Activity>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Count an accepted TCP connection.
    pub fn note_accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether another connection may be served now.
    pub fn has_room(&self) -> bool {
        self.lock().len() < self.limits.max_connections
    }

    /// Count a connection that waits for a slot.
    pub fn note_deferred(&self) {
        self.deferred_at_limit.fetch_add(1, Ordering::Relaxed);
    }

    /// Register a connection being served from now; it leaves the registry
    /// when the returned slot is dropped.
    pub fn open(self: &Arc<Self>) -> Slot {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new(self.epoch, Arc::clone(&self.changed)));
        self.lock().insert(id, Arc::clone(&activity));
        Slot {
            registry: Arc::clone(self),
            id,
            activity,
        }
    }

    /// Ask the connection idle longest to close, unless one was asked
    /// already and has not answered. Returns whether one was asked.
    pub fn make_room(&self) -> bool {
        let open = self.lock();
        if open.values().any(|a| a.asked_to_make_room()) {
            return false;
        }
        let longest_idle = open
            .values()
            .filter_map(|a| a.quiet_since().map(|since| (since, a)))
            .min_by_key(|(since, _)| *since);
        match longest_idle {
            Some((_, activity)) => {
                activity.ask_to_make_room();
                true
            }
            None => false,
        }
    }

    /// Wait until a slot may have freed (a connection closed or went idle).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Wait until every connection has closed (at shutdown, once the accept
    /// loop has stopped).
    pub async fn all_closed(&self) {
        while !self.lock().is_empty() {
            self.changed.notified().await;
        }
    }

    /// Count a connection that turned out to speak HTTP/2.
    pub fn note_http2(&self) {
        self.http2.fetch_add(1, Ordering::Relaxed);
    }

    /// Count a failed `accept` and say what to do about the first one.
    /// Out of file descriptors, an idle connection is asked to close.
    pub fn note_accept_error(&self, error: &std::io::Error) {
        let before = self.accept_errors.fetch_add(1, Ordering::Relaxed);
        if before == 0 {
            eprintln!(
                "emulator: cannot accept a connection: {error}; pausing before the next try \
                 (raise the open-file limit with `ulimit -n`, or lower the connection limit, now {})",
                self.limits.max_connections
            );
        }
        if is_out_of_files(error) {
            self.make_room();
        }
    }

    /// The counts so far.
    pub fn stats(&self) -> ConnectionStats {
        ConnectionStats {
            accepted: self.accepted.load(Ordering::Relaxed),
            open: self.lock().len() as u64,
            closed_idle: self.closed_idle.load(Ordering::Relaxed),
            closed_header_timeout: self.closed_header_timeout.load(Ordering::Relaxed),
            closed_for_room: self.closed_for_room.load(Ordering::Relaxed),
            deferred_at_limit: self.deferred_at_limit.load(Ordering::Relaxed),
            accept_errors: self.accept_errors.load(Ordering::Relaxed),
            http2: self.http2.load(Ordering::Relaxed),
        }
    }

    fn note_closed(&self, reason: CloseReason) {
        let counter = match reason {
            CloseReason::Idle => &self.closed_idle,
            CloseReason::HeaderTimeout => &self.closed_header_timeout,
            CloseReason::MakeRoom => &self.closed_for_room,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether an accept error means the process or system is out of file
/// descriptors.
fn is_out_of_files(error: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(error.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// One served connection's place in the registry.
#[derive(Debug)]
pub struct Slot {
    registry: Arc<Connections>,
    id: u64,
    activity: Arc<Activity>,
}

impl Slot {
    /// The connection's activity.
    pub fn activity(&self) -> &Arc<Activity> {
        &self.activity
    }

    /// The limits in force.
    pub fn limits(&self) -> &ConnectionLimits {
        &self.registry.limits
    }

    /// Count why the emulator closed this connection.
    pub fn note_closed(&self, reason: CloseReason) {
        self.registry.note_closed(reason);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
        self.registry.changed.notify_one();
    }
}

/// The pause after a failed `accept`: 5 ms, doubling up to 1 s, back to
/// 5 ms after a success.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1);

    /// The pause to take now; the next one is twice as long.
    pub fn next_pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        pause
    }

    /// Start again from the shortest pause.
    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: Self::FIRST }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(max: usize) -> Arc<Connections> {
        Arc::new(Connections::new(ConnectionLimits {
            header_read_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            max_connections: max,
        }))
    }

    #[test]
    fn slots_count_against_the_limit_until_dropped() {
        let registry = registry(2);
        let a = registry.open();
        assert!(registry.has_room());
        let b = registry.open();
        assert!(!registry.has_room());
        assert_eq!(registry.stats().open, 2);
        drop(a);
        assert!(registry.has_room());
        drop(b);
        assert_eq!(registry.stats().open, 0);
    }

    #[test]
    fn the_longest_idle_connection_is_asked_and_a_busy_one_never() {
        let registry = registry(3);
        let oldest_busy = registry.open();
        std::thread::sleep(Duration::from_millis(2));
        let older_idle = registry.open();
        std::thread::sleep(Duration::from_millis(2));
        let newer_idle = registry.open();
        let _request = oldest_busy.activity().request_started();

        assert!(registry.make_room());
        assert!(older_idle.activity().asked_to_make_room());
        assert!(!newer_idle.activity().asked_to_make_room());
        assert!(!oldest_busy.activity().asked_to_make_room());
        // Nobody else is asked while the first has not answered.
        assert!(!registry.make_room());
        assert!(!newer_idle.activity().asked_to_make_room());

        // It declined (a request came in): the next idle one is asked.
        assert!(older_idle.activity().take_make_room());
        let _late_request = older_idle.activity().request_started();
        assert!(registry.make_room());
        assert!(newer_idle.activity().asked_to_make_room());
        assert!(newer_idle.activity().take_make_room());

        // Only busy connections: nobody is asked.
        let _third = newer_idle.activity().request_started();
        assert!(!registry.make_room());
    }

    #[test]
    fn closes_are_counted_by_reason() {
        let registry = registry(4);
        let slot = registry.open();
        slot.note_closed(CloseReason::Idle);
        slot.note_closed(CloseReason::HeaderTimeout);
        slot.note_closed(CloseReason::HeaderTimeout);
        slot.note_closed(CloseReason::MakeRoom);
        let stats = registry.stats();
        assert_eq!(
            (
                stats.closed_idle,
                stats.closed_header_timeout,
                stats.closed_for_room
            ),
            (1, 2, 1)
        );
    }

    #[test]
    fn the_backoff_grows_to_a_second_and_resets() {
        let mut backoff = Backoff::default();
        let pauses: Vec<_> = (0..12).map(|_| backoff.next_pause()).collect();
        assert_eq!(pauses[0], Duration::from_millis(5));
        assert_eq!(pauses[1], Duration::from_millis(10));
        assert!(pauses.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*pauses.last().expect("pauses"), Duration::from_secs(1));
        backoff.reset();
        assert_eq!(backoff.next_pause(), Duration::from_millis(5));
    }

    #[test]
    fn out_of_files_is_recognised() {
        #[cfg(unix)]
        assert!(is_out_of_files(&std::io::Error::from_raw_os_error(
            libc::EMFILE
        )));
        assert!(!is_out_of_files(&std::io::Error::other("other")));
    }
}
