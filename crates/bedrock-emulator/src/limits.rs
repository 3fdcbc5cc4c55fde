//! Connection limits: how long a connection may take to send a request
//! head, how long it may sit idle between requests, and how many may be
//! open at once. These are protocol timeouts: the time scale does not
//! apply to them.

use std::time::Duration;

/// Default of [`ConnectionLimits::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`ConnectionLimits::idle_timeout`]: longer than the 90 s for
/// which the AWS SDK for Rust (hyper's pool) keeps an idle connection, so
/// that the client, not the emulator, retires it. The other way round, a
/// call that reuses a connection at the instant the emulator closes it
/// fails, and the harness runs with retries off.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// File descriptors left for everything but client connections (listener,
/// ground-truth file, runtime, standard streams) by
/// [`default_max_connections`].
pub const RESERVED_FILES: u64 = 64;
/// The largest [`default_max_connections`] ever returns.
pub const MAX_CONNECTIONS_CAP: usize = 8192;
/// The smallest [`default_max_connections`] ever returns.
pub const MIN_DEFAULT_CONNECTIONS: usize = 8;

/// A connection limit that is unusable (see [`ConnectionLimits::validate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitsError {
    /// [`ConnectionLimits::header_read_timeout`] is 0.
    #[error("the header read timeout must be longer than 0 s")]
    HeaderReadTimeout,
    /// [`ConnectionLimits::idle_timeout`] is 0.
    #[error("the idle timeout must be longer than 0 s")]
    IdleTimeout,
    /// [`ConnectionLimits::max_connections`] is 0.
    #[error("max connections must be at least 1")]
    MaxConnections,
}

/// The three limits, as the connections see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request head (request line and headers) must be complete within
    /// this time: counted from the accept for a connection's first request,
    /// and from its first byte for the next ones.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight that receives no byte for
    /// this long is closed.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: default_max_connections(),
        }
    }
}

impl ConnectionLimits {
    /// Check that every limit is usable; the error names the setting.
    pub fn validate(&self) -> Result<(), LimitsError> {
        if self.header_read_timeout.is_zero() {
            return Err(LimitsError::HeaderReadTimeout);
        }
        if self.idle_timeout.is_zero() {
            return Err(LimitsError::IdleTimeout);
        }
        if self.max_connections == 0 {
            return Err(LimitsError::MaxConnections);
        }
        Ok(())
    }
}

/// The default connection limit: half of the soft open-file limit
/// (`RLIMIT_NOFILE`, `ulimit -n`) after `RESERVED_FILES` (64), because an
/// in-process client uses one descriptor per connection from the same
/// table; at least `MIN_DEFAULT_CONNECTIONS` (8), at most
/// `MAX_CONNECTIONS_CAP` (8192). With `ulimit -n 1024` that is 480.
pub fn default_max_connections() -> usize {
    connections_for_open_files(open_file_limit())
}

/// The limit [`default_max_connections`] derives from a soft open-file
/// limit (`None`: unknown or unlimited).
pub fn connections_for_open_files(open_files: Option<u64>) -> usize {
    match open_files {
        Some(files) => {
            let half = files.saturating_sub(RESERVED_FILES) / 2;
            usize::try_from(half)
                .unwrap_or(MAX_CONNECTIONS_CAP)
                .clamp(MIN_DEFAULT_CONNECTIONS, MAX_CONNECTIONS_CAP)
        }
        None => MAX_CONNECTIONS_CAP,
    }
}

/// The soft `RLIMIT_NOFILE`, or `None` when unlimited or unknown.
fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given.
        let status = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
        if status != 0 || limit.rlim_cur == libc::RLIM_INFINITY {
            return None;
        }
        #[allow(clippy::useless_conversion)] // rlim_t is u32 on some targets
        u64::try_from(limit.rlim_cur).ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_limit_leaves_room_for_clients_and_is_capped() {
        assert_eq!(connections_for_open_files(Some(1024)), 480);
        assert_eq!(connections_for_open_files(Some(0)), MIN_DEFAULT_CONNECTIONS);
        assert_eq!(
            connections_for_open_files(Some(70)),
            MIN_DEFAULT_CONNECTIONS
        );
        assert_eq!(
            connections_for_open_files(Some(1 << 40)),
            MAX_CONNECTIONS_CAP
        );
        assert_eq!(connections_for_open_files(None), MAX_CONNECTIONS_CAP);
        let this_process = default_max_connections();
        assert!((MIN_DEFAULT_CONNECTIONS..=MAX_CONNECTIONS_CAP).contains(&this_process));
    }

    #[test]
    fn zero_limits_are_refused_by_name() {
        let zero = Duration::ZERO;
        let cases = [
            (
                ConnectionLimits {
                    header_read_timeout: zero,
                    ..ConnectionLimits::default()
                },
                "header read timeout",
            ),
            (
                ConnectionLimits {
                    idle_timeout: zero,
                    ..ConnectionLimits::default()
                },
                "idle timeout",
            ),
            (
                ConnectionLimits {
                    max_connections: 0,
                    ..ConnectionLimits::default()
                },
                "max connections",
            ),
        ];
        for (limits, name) in cases {
            let error = limits.validate().expect_err("refused").to_string();
            assert!(error.contains(name), "{error}");
        }
        assert!(ConnectionLimits::default().validate().is_ok());
    }
}
