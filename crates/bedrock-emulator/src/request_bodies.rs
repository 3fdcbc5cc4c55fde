//! The request bodies being read, across every connection: how long a body
//! may take to arrive, how many of its bytes the emulator holds at once,
//! and the counts shown by `GET /_emulator/stats`.
//!
//! A client that sends a request head and then a body slowly, or never
//! finishes it, holds its connection (HTTP/1.1) or its stream (HTTP/2)
//! while the body is read, and the bytes it did send stay in memory until
//! the body is complete. Two limits keep such clients from starving or
//! bloating the emulator:
//!
//! - the **body read timeout**: a body not complete within it (counted
//!   from the moment the request head was read) is answered with 408
//!   `RequestTimeoutException`, and on HTTP/1.1 the connection is closed,
//!   which frees its slot;
//! - the **buffer limit**: the bytes of every request body being read or
//!   waiting to be parsed, over all connections, never exceed it. A body
//!   whose next bytes would pass it is refused with 503
//!   `ServiceUnavailableException`, and what it held is released at once.
//!
//! Like the connection limits, these are protocol limits: the time scale
//! does not apply to them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use serde::Serialize;

/// Default of [`BodyLimits::read_timeout`]: a 20 MiB body (the largest the
/// emulator accepts by default) arrives within it at about 3 Mbit/s.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Default of [`BodyLimits::max_buffered_bytes`]: 256 MiB, a dozen bodies
/// of the largest size accepted by default.
pub const DEFAULT_MAX_BUFFERED_BODY_BYTES: usize = 256 * 1024 * 1024;

/// The limits on request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// The largest body accepted, bytes (a larger one gets 413).
    pub max_body_bytes: usize,
    /// A body must be complete within this time of its request head.
    pub read_timeout: Duration,
    /// The bytes of request bodies held at once, over all connections.
    pub max_buffered_bytes: usize,
}

/// A body limit that is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BodyLimitsError {
    /// [`BodyLimits::read_timeout`] is 0.
    #[error("the body read timeout must be longer than 0 s")]
    ReadTimeout,
    /// [`BodyLimits::max_buffered_bytes`] is 0.
    #[error("the request body buffer limit must be at least 1 byte")]
    MaxBuffered,
}

impl BodyLimits {
    /// Check that every limit is usable; the error names the setting.
    pub fn validate(&self) -> Result<(), BodyLimitsError> {
        if self.read_timeout.is_zero() {
            return Err(BodyLimitsError::ReadTimeout);
        }
        if self.max_buffered_bytes == 0 {
            return Err(BodyLimitsError::MaxBuffered);
        }
        Ok(())
    }
}

/// Request-body counts since the emulator started, and the limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BodyStats {
    /// Bytes of request bodies held now.
    pub buffered_bytes: u64,
    /// The most bytes of request bodies held at once.
    pub peak_buffered_bytes: u64,
    /// Requests whose body was not complete within the read timeout.
    pub timed_out: u64,
    /// Requests refused because their body would have passed the buffer
    /// limit.
    pub refused_buffer_full: u64,
}

/// The request bodies of one emulator.
#[derive(Debug)]
pub struct RequestBodies {
    limits: BodyLimits,
    buffered: AtomicUsize,
    peak: AtomicUsize,
    timed_out: AtomicU64,
    refused: AtomicU64,
}

/// The bytes that would have passed the buffer limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferFull {
    /// Bytes held when the request asked for more.
    pub held: usize,
    /// Bytes it asked for.
    pub asked: usize,
}

impl RequestBodies {
    /// No body read yet, under `limits`.
    pub fn new(limits: BodyLimits) -> Self {
        RequestBodies {
            limits,
            buffered: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            timed_out: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &BodyLimits {
        &self.limits
    }

    /// An empty share of the buffer for one body; it grows with the body
    /// and is released when dropped.
    pub fn share(self: &Arc<Self>) -> BufferShare {
        BufferShare {
            bodies: Arc::clone(self),
            bytes: 0,
        }
    }

    /// Count a body that was not complete within the read timeout.
    pub fn note_timed_out(&self) {
        self.timed_out.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn stats(&self) -> BodyStats {
        BodyStats {
            buffered_bytes: self.buffered.load(Ordering::Relaxed) as u64,
            peak_buffered_bytes: self.peak.load(Ordering::Relaxed) as u64,
            timed_out: self.timed_out.load(Ordering::Relaxed),
            refused_buffer_full: self.refused.load(Ordering::Relaxed),
        }
    }

    /// Take `bytes` more, unless that passes the limit.
    fn take(&self, bytes: usize) -> Result<(), BufferFull> {
        let mut held = self.buffered.load(Ordering::Relaxed);
        loop {
            let next = held.saturating_add(bytes);
            if next > self.limits.max_buffered_bytes {
                self.refused.fetch_add(1, Ordering::Relaxed);
                return Err(BufferFull { held, asked: bytes });
            }
            match self.buffered.compare_exchange_weak(
                held,
                next,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    self.peak.fetch_max(next, Ordering::Relaxed);
                    return Ok(());
                }
                Err(now) => held = now,
            }
        }
    }

    fn give_back(&self, bytes: usize) {
        self.buffered.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// One body's bytes in the buffer; released when dropped.
#[derive(Debug)]
pub struct BufferShare {
    bodies: Arc<RequestBodies>,
    bytes: usize,
}

impl BufferShare {
    /// Hold `bytes` more of this body, or say that the buffer is full (the
    /// refusal is counted; what this share holds stays until it is
    /// dropped).
    pub fn grow(&mut self, bytes: usize) -> Result<(), BufferFull> {
        self.bodies.take(bytes)?;
        self.bytes += bytes;
        Ok(())
    }
}

impl Drop for BufferShare {
    fn drop(&mut self) {
        self.bodies.give_back(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(max: usize) -> Arc<RequestBodies> {
        Arc::new(RequestBodies::new(BodyLimits {
            max_body_bytes: 100,
            read_timeout: Duration::from_secs(1),
            max_buffered_bytes: max,
        }))
    }

    #[test]
    fn shares_never_pass_the_limit_and_are_released_when_dropped() {
        let bodies = bodies(10);
        let mut a = bodies.share();
        let mut b = bodies.share();
        a.grow(6).expect("fits");
        assert_eq!(b.grow(5), Err(BufferFull { held: 6, asked: 5 }));
        b.grow(4).expect("fits exactly");
        assert_eq!(bodies.stats().buffered_bytes, 10);
        drop(a);
        assert_eq!(bodies.stats().buffered_bytes, 4);
        b.grow(6).expect("room again");
        drop(b);
        let stats = bodies.stats();
        assert_eq!(
            (
                stats.buffered_bytes,
                stats.peak_buffered_bytes,
                stats.refused_buffer_full
            ),
            (0, 10, 1)
        );
    }

    #[test]
    fn zero_limits_are_refused_by_name() {
        let limits = BodyLimits {
            max_body_bytes: 1,
            read_timeout: Duration::ZERO,
            max_buffered_bytes: 1,
        };
        assert!(
            limits
                .validate()
                .expect_err("0 s")
                .to_string()
                .contains("body read timeout")
        );
        let limits = BodyLimits {
            read_timeout: Duration::from_secs(1),
            max_buffered_bytes: 0,
            ..limits
        };
        assert!(
            limits
                .validate()
                .expect_err("0 bytes")
                .to_string()
                .contains("buffer limit")
        );
    }
}
