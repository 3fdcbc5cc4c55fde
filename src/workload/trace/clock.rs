//! How a trace writes its instants, to show them in messages as the file
//! has them.

use std::time::Duration;

/// The unit of a format's timestamps. Instants are kept as nanoseconds
/// (since the format's zero: the Unix epoch for date-times, the trace's
/// own zero otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Clock {
    /// Seconds (BurstGPT, plain): shown as `12.5 s`.
    Seconds,
    /// Milliseconds (Mooncake): shown as `12500 ms`.
    Milliseconds,
    /// Date-times (Azure): shown as `2023-11-16 18:15:46.680590`.
    DateTime,
}

impl Clock {
    /// The instant `nanos` as the file writes it.
    pub(super) fn describe(self, nanos: i64) -> String {
        match self {
            Clock::Seconds => format!("{} s", decimal(nanos, 1_000_000_000, true)),
            Clock::Milliseconds => format!("{} ms", decimal(nanos, 1_000_000, false)),
            Clock::DateTime => chrono::DateTime::from_timestamp_nanos(nanos)
                .naive_utc()
                .format("%Y-%m-%d %H:%M:%S%.f")
                .to_string(),
        }
    }
}

/// A duration in seconds, exactly, trailing zeros dropped but one decimal
/// kept: `13.0`, `12.5`, `0.68059`.
pub(crate) fn seconds_text(duration: Duration) -> String {
    let whole = duration.as_secs();
    let fraction = format!("{:09}", duration.subsec_nanos());
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{whole}.0")
    } else {
        format!("{whole}.{fraction}")
    }
}

/// `nanos / unit` exactly, as a decimal number, with `.0` when whole and
/// `keep_point`.
fn decimal(nanos: i64, unit: i64, keep_point: bool) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let magnitude = nanos.unsigned_abs();
    let unit = unit.unsigned_abs();
    let whole = magnitude / unit;
    let digits = unit.ilog10() as usize;
    let fraction = format!("{:0digits$}", magnitude % unit);
    let fraction = fraction.trim_end_matches('0');
    match (fraction.is_empty(), keep_point) {
        (true, true) => format!("{sign}{whole}.0"),
        (true, false) => format!("{sign}{whole}"),
        (false, _) => format!("{sign}{whole}.{fraction}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_shown_in_the_files_unit() {
        assert_eq!(Clock::Seconds.describe(12_500_000_000), "12.5 s");
        assert_eq!(Clock::Seconds.describe(13_000_000_000), "13.0 s");
        assert_eq!(Clock::Milliseconds.describe(12_500_000_000), "12500 ms");
        assert_eq!(Clock::Milliseconds.describe(1_500_000), "1.5 ms");
        assert_eq!(
            Clock::DateTime.describe(1_700_158_546_680_590_000),
            "2023-11-16 18:15:46.680590"
        );
    }

    #[test]
    fn seconds_are_exact() {
        assert_eq!(seconds_text(Duration::from_nanos(680_590_000)), "0.68059");
        assert_eq!(seconds_text(Duration::from_secs(13)), "13.0");
        assert_eq!(seconds_text(Duration::from_nanos(1)), "0.000000001");
    }
}
