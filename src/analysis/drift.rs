//! Drift: whether a group's latencies changed during its run, from its
//! first time windows to its last (see [`super::windows`]).
//!
//! ```text
//! windows  >= MIN_WINDOWS (4)
//! q        = max(1, windows / 4)
//! first    = the successful calls of windows 0..q, pooled
//! last     = those of windows (windows - q)..windows, pooled
//! each side >= MIN_CALLS (8) successful calls
//! TTFT p50 and total latency p50: last / first - 1, with the 95% interval
//!   of the ratio and its verdict, as `compare` computes them
//! ```
//!
//! A group drifts when a metric's whole interval lies beyond no change,
//! the rule of `compare`'s verdicts. With fewer windows or calls there is
//! no verdict ("too few windows", "too few calls"), never a false one.
//! This module holds the rule and the result; the interval is computed by
//! `compare::drift` with `compare`'s own machinery (analysis sits below
//! `compare` and does not import it).

use std::fmt;
use std::ops::Range;

use super::dataset::Dataset;

/// A drift needs at least this many windows.
pub const MIN_WINDOWS: usize = 4;

/// And at least this many successful calls in its first windows, and in
/// its last.
pub const MIN_CALLS: usize = 8;

/// The windows compared, out of `count`: the first quarter and the last
/// (at least one window each); `None` below [`MIN_WINDOWS`].
pub fn quarters(count: usize) -> Option<(Range<usize>, Range<usize>)> {
    if count < MIN_WINDOWS {
        return None;
    }
    let q = (count / 4).max(1);
    Some((0..q, count - q..count))
}

/// The successful calls of some windows, pooled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pool {
    /// The windows pooled.
    pub windows: Range<usize>,
    /// TTFT of their successful calls (warm-ups left out), seconds.
    pub ttft: Vec<f64>,
    /// Total latency of the same calls, seconds.
    pub total: Vec<f64>,
}

impl Pool {
    /// The successful calls pooled.
    pub fn calls(&self) -> usize {
        self.ttft.len().max(self.total.len())
    }
}

/// Why a group has no drift verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooFew {
    /// Fewer than [`MIN_WINDOWS`] windows.
    Windows {
        /// The windows there are.
        windows: usize,
    },
    /// Fewer than [`MIN_CALLS`] successful calls on a side.
    Calls {
        /// Successful calls in the first windows.
        first: usize,
        /// In the last windows.
        last: usize,
    },
}

impl fmt::Display for TooFew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TooFew::Windows { windows } => write!(
                f,
                "too few windows: {windows} ({MIN_WINDOWS} needed to compare the first quarter with the last; choose a shorter --window)"
            ),
            TooFew::Calls { first, last } => write!(
                f,
                "too few calls: {first} successful in the first windows and {last} in the last ({MIN_CALLS} needed on each side)"
            ),
        }
    }
}

/// The two sides of a group's drift, or why there are too few: `members`
/// holds, per window, the indices into [`Dataset::attempts`] of the
/// group's attempts that started in it (`GroupWindows::members`).
pub fn sides(dataset: &Dataset, members: &[Vec<u32>]) -> Result<(Pool, Pool), TooFew> {
    let count = members.len();
    let (first, last) = quarters(count).ok_or(TooFew::Windows { windows: count })?;
    let pool = |windows: Range<usize>| {
        let attempts = dataset.attempts();
        let mut pool = Pool {
            windows: windows.clone(),
            ..Pool::default()
        };
        for ids in members.get(windows).unwrap_or(&[]) {
            for a in ids.iter().filter_map(|&i| attempts.get(i as usize)) {
                if a.in_statistics() {
                    if a.ttft.is_finite() {
                        pool.ttft.push(a.ttft);
                    }
                    if a.total_latency.is_finite() {
                        pool.total.push(a.total_latency);
                    }
                }
            }
        }
        pool
    };
    let (first, last) = (pool(first), pool(last));
    if first.ttft.len() < MIN_CALLS || last.ttft.len() < MIN_CALLS {
        return Err(TooFew::Calls {
            first: first.ttft.len(),
            last: last.ttft.len(),
        });
    }
    Ok((first, last))
}

/// Which way a metric went, by its interval (`compare`'s verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// The whole interval above no change.
    Slower,
    /// The whole interval below no change.
    Faster,
    /// The interval holds no change.
    Steady,
}

/// One metric's change from the first windows to the last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shift {
    /// The first windows' p50, seconds.
    pub first: f64,
    /// The last windows' p50, seconds.
    pub last: f64,
    /// `last / first - 1` (0.31: 31% higher).
    pub change: f64,
    /// The 95% interval of the change, in the same unit; `None` when the
    /// bootstrap gave none (then no verdict beyond steady).
    pub interval: Option<(f64, f64)>,
    /// What the interval says.
    pub trend: Trend,
}

impl Shift {
    /// `TTFT p50 rose 31% (95% CI +22% to +40%) from the first 3 windows
    /// to the last 3`.
    pub fn sentence(&self, metric: &str, first: &Range<usize>, last: &Range<usize>) -> String {
        let verb = if self.change >= 0.0 { "rose" } else { "fell" };
        let interval = self.interval.map_or_else(String::new, |(low, high)| {
            format!(" (95% CI {} to {})", signed_pct(low), signed_pct(high))
        });
        let windows = match (first.len(), last.len()) {
            (1, 1) => "from the first window to the last".to_string(),
            (a, b) => format!("from the first {a} windows to the last {b}"),
        };
        format!(
            "{metric} {verb} {:.0}%{interval} {windows}",
            self.change.abs() * 100.0
        )
    }
}

/// `+22%`, `-8%`.
pub fn signed_pct(change: f64) -> String {
    format!("{:+.0}%", change * 100.0)
}

/// A group's drift, measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The first windows compared.
    pub first_windows: Range<usize>,
    /// The last windows compared.
    pub last_windows: Range<usize>,
    /// Successful calls pooled in the first windows.
    pub first_calls: usize,
    /// In the last windows.
    pub last_calls: usize,
    /// TTFT p50 (`None`: no change measurable, a first p50 of 0).
    pub ttft: Option<Shift>,
    /// Total latency p50.
    pub total: Option<Shift>,
}

impl Measured {
    /// The metrics measured, with their names.
    pub fn shifts(&self) -> impl Iterator<Item = (&'static str, Shift)> + '_ {
        [("TTFT p50", self.ttft), ("total latency p50", self.total)]
            .into_iter()
            .filter_map(|(name, shift)| shift.map(|s| (name, s)))
    }
}

/// Whether a group drifted during its run.
#[derive(Debug, Clone, PartialEq)]
pub enum Drift {
    /// Not computed (yet).
    NotMeasured,
    /// Too few windows or calls for a verdict.
    TooFew(TooFew),
    /// Measured.
    Measured(Measured),
}

impl Drift {
    /// Whether a metric's whole interval lies beyond no change.
    pub fn drifts(&self) -> bool {
        match self {
            Drift::Measured(m) => m.shifts().any(|(_, s)| s.trend != Trend::Steady),
            _ => false,
        }
    }

    /// In words: `drift: slower`, `drift: faster`, `drift: mixed`, `no
    /// drift`, `too few windows`, `too few calls`, `not measured`.
    pub fn verdict(&self) -> &'static str {
        match self {
            Drift::NotMeasured => "not measured",
            Drift::TooFew(TooFew::Windows { .. }) => "too few windows",
            Drift::TooFew(TooFew::Calls { .. }) => "too few calls",
            Drift::Measured(m) => {
                let any = |t| m.shifts().any(|(_, s)| s.trend == t);
                match (any(Trend::Slower), any(Trend::Faster)) {
                    (true, true) => "drift: mixed",
                    (true, false) => "drift: slower",
                    (false, true) => "drift: faster",
                    (false, false) => "no drift",
                }
            }
        }
    }

    /// Why there is no verdict (too few windows or calls), else empty.
    pub fn note(&self) -> String {
        match self {
            Drift::TooFew(too_few) => too_few.to_string(),
            _ => String::new(),
        }
    }

    /// One line per metric that drifted, saying what it means:
    /// `model region variant: TTFT p50 rose 31% (95% CI +22% to +40%) from
    /// the first 3 windows to the last 3: the service slowed during the
    /// run`.
    pub fn warnings(&self, group: &str) -> Vec<String> {
        let Drift::Measured(m) = self else {
            return Vec::new();
        };
        m.shifts()
            .filter(|(_, s)| s.trend != Trend::Steady)
            .map(|(name, s)| {
                let meaning = match s.trend {
                    Trend::Slower => "the service slowed during the run",
                    _ => "the service sped up during the run",
                };
                format!(
                    "{group}: {}: {meaning}; its statistics mix both and describe neither",
                    s.sentence(name, &m.first_windows, &m.last_windows)
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_quarter_is_compared_with_the_last() {
        assert_eq!(quarters(3), None);
        assert_eq!(quarters(4), Some((0..1, 3..4)));
        assert_eq!(quarters(7), Some((0..1, 6..7)));
        assert_eq!(quarters(8), Some((0..2, 6..8)));
        assert_eq!(quarters(13), Some((0..3, 10..13)));
    }

    fn measured(trend: Trend) -> Drift {
        let shift = Shift {
            first: 1.0,
            last: 1.31,
            change: 0.31,
            interval: Some((0.22, 0.40)),
            trend,
        };
        Drift::Measured(Measured {
            first_windows: 0..3,
            last_windows: 9..12,
            first_calls: 40,
            last_calls: 40,
            ttft: Some(shift),
            total: Some(Shift {
                trend: Trend::Steady,
                interval: Some((-0.05, 0.4)),
                ..shift
            }),
        })
    }

    #[test]
    fn a_drift_needs_a_whole_interval_beyond_no_change() {
        let slower = measured(Trend::Slower);
        assert!(slower.drifts());
        assert_eq!(slower.verdict(), "drift: slower");
        assert_eq!(
            slower.warnings("m us-east-1 standard"),
            [
                "m us-east-1 standard: TTFT p50 rose 31% (95% CI +22% to +40%) from the first 3 windows to the last 3: the service slowed during the run; its statistics mix both and describe neither"
            ]
        );
        let steady = measured(Trend::Steady);
        assert!(!steady.drifts());
        assert_eq!(steady.verdict(), "no drift");
        assert!(steady.warnings("g").is_empty());
        let few = Drift::TooFew(TooFew::Windows { windows: 3 });
        assert!(!few.drifts());
        assert_eq!(few.verdict(), "too few windows");
        assert!(few.note().starts_with("too few windows: 3 (4 needed"));
        let calls = Drift::TooFew(TooFew::Calls { first: 5, last: 9 });
        assert_eq!(calls.verdict(), "too few calls");
        assert!(!calls.drifts() && calls.warnings("g").is_empty());
    }
}
