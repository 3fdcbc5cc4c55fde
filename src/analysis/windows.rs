//! Time windows (`analyze --window`): a run cut into consecutive windows
//! of one width, and every group's statistics window by window.
//!
//! ```text
//! origin   = the first attempt's start (job_timestamp_iso, every group)
//! window k = [origin + k x width, origin + (k + 1) x width)
//! an attempt belongs to the window its start falls in
//! ```
//!
//! Times are the rows' own: the wall-clock starts the harness recorded.
//! With a time-scaled emulator they are real seconds of the run, not
//! seconds of simulated model time (at time scale 0.1 a 1 s window holds
//! what 10 simulated seconds would). The last window ends at the run's
//! end (the latest start plus its total latency), so that its rates are
//! over the time it covers. Every group has a row for every window, empty
//! ones included, so that windows line up across groups.
//!
//! Per window: the attempts, successes, errors and throttles (each also
//! as a share of the attempts), TTFT p50/p90/p99, total latency p50/p90
//! and generation OTPS p50 of the successful calls (warm-ups left out,
//! as everywhere), calls per second and output tokens per second. Tail
//! percentiles follow [`super::percentile_rule`] where they are shown.

use std::fmt;

use super::dataset::{Dataset, Group};
use super::drift::Drift;
use super::extended::{Counts, counts};
use super::metrics::{Metric, metric_values, summarize};
use crate::stats::Summary;

/// Why a time window cannot be used; each message names `--window`.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowError {
    /// The text is not a duration.
    Unparsable(String),
    /// The duration is 0 or negative.
    NotPositive(String),
    /// The window is longer than the span of the run's starts: every
    /// call in one window, nothing to see over time.
    LongerThanRun {
        /// The width asked for, seconds.
        width_s: f64,
        /// The first call's start to the last call's start, seconds.
        starts_s: f64,
    },
    /// No row has a start instant (`job_timestamp_iso`).
    NoStartTimes,
}

impl fmt::Display for WindowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowError::Unparsable(text) => write!(
                f,
                "--window {text:?} is not a duration: give a number and a unit, such as 500ms, 30s, 5m or 1h"
            ),
            WindowError::NotPositive(text) => {
                write!(f, "--window {text} must be longer than 0")
            }
            WindowError::LongerThanRun { width_s, starts_s } => write!(
                f,
                "--window {} is not shorter than the run (its calls started within {} of the first): every call would be in one window; choose a window that cuts it into several, such as --window {}",
                seconds(*width_s),
                seconds(*starts_s),
                seconds(suggested(*starts_s))
            ),
            WindowError::NoStartTimes => write!(
                f,
                "--window needs each call's start (the job_timestamp_iso column), and no row has one"
            ),
        }
    }
}

impl std::error::Error for WindowError {}

/// A width a tenth of `run_s`, rounded to a readable number of
/// milliseconds or seconds.
fn suggested(run_s: f64) -> f64 {
    let tenth = run_s / 10.0;
    if tenth >= 1.0 {
        tenth.floor()
    } else {
        ((tenth * 1000.0).floor() / 1000.0).max(0.001)
    }
}

/// `500ms`, `30s`, `1.5s`, `5m`: a duration for people.
pub fn seconds(value: f64) -> String {
    if value < 1.0 {
        format!("{}ms", (value * 1000.0 * 1000.0).round() / 1000.0)
    } else if value >= 120.0 && (value / 60.0).fract() == 0.0 {
        format!("{}m", value / 60.0)
    } else {
        format!("{}s", (value * 1000.0).round() / 1000.0)
    }
}

/// The width of `--window TEXT` in seconds: a number over 0 and a unit,
/// `ms`, `s`, `m` or `h` (`500ms`, `60s`, `1m`, `1.5h`).
pub fn parse_window(text: &str) -> Result<f64, WindowError> {
    let trimmed = text.trim();
    let unparsable = || WindowError::Unparsable(text.to_string());
    let (number, scale) = [("ms", 1e-3), ("s", 1.0), ("m", 60.0), ("h", 3600.0)]
        .into_iter()
        .find_map(|(unit, scale)| trimmed.strip_suffix(unit).map(|n| (n, scale)))
        .ok_or_else(unparsable)?;
    let value = number.trim().parse::<f64>().map_err(|_| unparsable())? * scale;
    if value.is_nan() || value.is_infinite() {
        return Err(unparsable());
    }
    if value <= 0.0 {
        return Err(WindowError::NotPositive(text.to_string()));
    }
    Ok(value)
}

/// The window a start `offset_s` seconds after the origin falls in.
pub fn window_of(offset_s: f64, width_s: f64) -> usize {
    let k = (offset_s / width_s).floor();
    if k.is_finite() && k > 0.0 {
        k as usize
    } else {
        0
    }
}

/// How many windows of `width_s` a run whose last start is `last_start_s`
/// after the origin has: enough for that start to fall in the last one.
pub fn window_count(last_start_s: f64, width_s: f64) -> usize {
    window_of(last_start_s, width_s) + 1
}

/// One window of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowStats {
    /// The window's number, from 0.
    pub index: usize,
    /// Its start, seconds after the run's first start.
    pub start_s: f64,
    /// The seconds it covers: the width, but for the last window, which
    /// ends with the run (its last call's end).
    pub span_s: f64,
    /// What happened to the attempts that started in it (warm-ups
    /// included in the counts, as in the extended summary).
    pub counts: Counts,
    /// TTFT of its successful calls, seconds.
    pub ttft: Option<Summary>,
    /// Total latency, seconds.
    pub total: Option<Summary>,
    /// Generation OTPS, tokens/s.
    pub generation_otps: Option<Summary>,
    /// Output tokens of its successful calls.
    pub output_tokens: f64,
}

impl WindowStats {
    /// Errors as a share of the attempts, percent; `None` without one.
    pub fn error_pct(&self) -> Option<f64> {
        pct(self.counts.errors, self.counts.attempts)
    }

    /// Throttles as a share of the attempts, percent.
    pub fn throttle_pct(&self) -> Option<f64> {
        pct(self.counts.throttles, self.counts.attempts)
    }

    /// Successes as a share of the attempts, percent.
    pub fn success_pct(&self) -> Option<f64> {
        pct(self.counts.successes, self.counts.attempts)
    }

    /// Attempts started per second of the window.
    pub fn calls_per_s(&self) -> Option<f64> {
        (self.span_s > 0.0).then(|| self.counts.attempts as f64 / self.span_s)
    }

    /// Output tokens of its successful calls per second of the window.
    pub fn output_tokens_per_s(&self) -> Option<f64> {
        (self.span_s > 0.0).then(|| self.output_tokens / self.span_s)
    }

    /// Successful calls in the statistics (warm-ups left out).
    pub fn successes_in_statistics(&self) -> usize {
        self.ttft.map_or(0, |s| s.count)
    }
}

fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

/// The windows of one (model, region, variant).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupWindows {
    /// Model or inference profile id.
    pub model: String,
    /// Region.
    pub region: String,
    /// The variant label (as [`super::GroupStats::performance_config`]).
    pub performance_config: String,
    /// One per window of the run, in order (empty ones included).
    pub windows: Vec<WindowStats>,
    /// Per window, the indices into [`Dataset::attempts`] of the attempts
    /// that started in it.
    pub members: Vec<Vec<u32>>,
    /// Whether the group's latencies drifted from its first windows to
    /// its last (see [`super::drift`]); filled by `compare::drift`, which
    /// holds the interval machinery ([`Drift::NotMeasured`] until then).
    pub drift: Drift,
}

impl GroupWindows {
    /// `model region variant`.
    pub fn describe(&self) -> String {
        format!("{} {} {}", self.model, self.region, self.performance_config)
    }

    /// The first window with a successful call, and the last.
    pub fn first_and_last(&self) -> Option<(&WindowStats, &WindowStats)> {
        let mut busy = self.windows.iter().filter(|w| w.ttft.is_some());
        let first = busy.next()?;
        Some((first, busy.next_back().unwrap_or(first)))
    }
}

/// A run cut into windows, every group's statistics per window.
#[derive(Debug, Clone, PartialEq)]
pub struct Windows {
    /// The width, seconds.
    pub width_s: f64,
    /// The first attempt's start, seconds since the Unix epoch.
    pub origin: f64,
    /// The run's length: its first start to its last call's end, seconds.
    pub run_s: f64,
    /// How many windows.
    pub count: usize,
    /// Per group, in the order of [`Dataset::groups`].
    pub groups: Vec<GroupWindows>,
    /// Attempts without a start instant, left out of every window.
    pub unplaced: u64,
}

impl Windows {
    /// What a reader should know: attempts left out for want of a start.
    pub fn note(&self) -> Option<String> {
        (self.unplaced > 0).then(|| {
            format!(
                "{} call(s) without a start instant (job_timestamp_iso) are in no time window",
                self.unplaced
            )
        })
    }
}

/// Cut `dataset`'s run into windows of `width_s` seconds from its first
/// start and compute each group's statistics per window. Warm-up calls
/// are left out. [`WindowError::LongerThanRun`] when every start falls in
/// the first window (the width is longer than the span of the starts).
pub fn cut_windows(dataset: &Dataset, width_s: f64) -> Result<Windows, WindowError> {
    let attempts = dataset.attempts();
    let placed = || {
        attempts
            .iter()
            .filter(|a| !a.is_warmup() && a.started_at.is_finite())
    };
    let unplaced = attempts
        .iter()
        .filter(|a| !a.is_warmup() && !a.started_at.is_finite())
        .count() as u64;
    let origin = placed()
        .map(|a| a.started_at)
        .min_by(f64::total_cmp)
        .ok_or(WindowError::NoStartTimes)?;
    let last_start = placed().map(|a| a.started_at - origin).fold(0.0, f64::max);
    let run_s = placed()
        .map(|a| a.started_at - origin + a.total_latency.max(0.0))
        .filter(|end| end.is_finite())
        .fold(last_start, f64::max);
    if width_s > last_start {
        return Err(WindowError::LongerThanRun {
            width_s,
            starts_s: last_start,
        });
    }
    let count = window_count(last_start, width_s);
    let groups = dataset
        .groups()
        .iter()
        .map(|group| {
            let mut members = vec![Vec::new(); count];
            for &i in &group.attempts {
                let a = &attempts[i as usize];
                if !a.is_warmup() && a.started_at.is_finite() {
                    let k = window_of(a.started_at - origin, width_s).min(count - 1);
                    members[k].push(i);
                }
            }
            let windows = members
                .iter()
                .enumerate()
                .map(|(index, ids)| {
                    let start_s = index as f64 * width_s;
                    let span_s = (run_s - start_s).clamp(0.0, width_s);
                    window_stats(dataset, group, ids, index, start_s, span_s)
                })
                .collect();
            GroupWindows {
                model: group.model.to_string(),
                region: group.region.to_string(),
                performance_config: group.performance_config.to_string(),
                windows,
                members,
                drift: Drift::NotMeasured,
            }
        })
        .collect();
    Ok(Windows {
        width_s,
        origin,
        run_s,
        count,
        groups,
        unplaced,
    })
}

/// The statistics of the attempts `ids` of `group` (one window).
fn window_stats(
    dataset: &Dataset,
    group: &Group<'_>,
    ids: &[u32],
    index: usize,
    start_s: f64,
    span_s: f64,
) -> WindowStats {
    let part = Group {
        id: group.id,
        model: group.model,
        region: group.region,
        performance_config: group.performance_config,
        attempts: ids.to_vec(),
    };
    let summary = |metric| summarize(&mut metric_values(dataset, &part, metric));
    let output_tokens = metric_values(dataset, &part, Metric::OutputTokens)
        .into_iter()
        .filter(|v| v.is_finite())
        .sum();
    WindowStats {
        index,
        start_s,
        span_s,
        counts: counts(dataset, &part),
        ttft: summary(Metric::Ttft),
        total: summary(Metric::TotalLatency),
        generation_otps: summary(Metric::GenerationOtps),
        output_tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::dataset::{Attempt, GroupKey, NO_COST, SUCCESS, WARMUP};
    use crate::analysis::drift::{TooFew, sides};

    /// A dataset of one group: an attempt per (start, TTFT, flags), total
    /// latency TTFT + 1 s, 10 output tokens.
    fn dataset(calls: &[(f64, f64, u16)]) -> Dataset {
        let mut d = Dataset::default();
        let key = GroupKey {
            model: d.intern("m"),
            region: d.intern("us-east-1"),
            performance_config: d.intern("standard"),
        };
        let group = d.key_id(key);
        let (ok, throttled) = (d.intern("Success"), d.intern("ThrottlingException"));
        for (i, &(start, ttft, flags)) in calls.iter().enumerate() {
            d.attempts.push(Attempt {
                ttft,
                total_latency: ttft + 1.0,
                time_to_response: f64::NAN,
                generation_otps: 9.0,
                tpot: f64::NAN,
                server_latency: f64::NAN,
                start_offset: f64::NAN,
                started_at: 1_700_000_000.0 + start,
                time_to_first_text: f64::NAN,
                reasoning_time: f64::NAN,
                dispatch_lag: f64::NAN,
                queued: f64::NAN,
                input_tokens: 10.0,
                output_tokens: 10.0,
                group,
                source: 0,
                invocation: i as u32,
                status: if flags & SUCCESS != 0 { ok } else { throttled },
                target: 0,
                flags,
                turn: 0,
                cost: NO_COST,
                gaps_start: 0,
                gaps_len: 0,
            });
        }
        d
    }

    #[test]
    fn a_run_is_cut_from_its_first_start_and_each_call_counted_where_it_began() {
        // 40 calls every 0.25 s from t = 5 s; TTFT 1 s, then 2 s from the
        // middle on; a throttle at 6.1 s, a warm-up and a call without a
        // start are in no window's statistics.
        let mut calls: Vec<(f64, f64, u16)> = (0..40)
            .map(|i| {
                (
                    5.0 + 0.25 * f64::from(i),
                    if i < 20 { 1.0 } else { 2.0 },
                    SUCCESS,
                )
            })
            .collect();
        calls.push((6.1, f64::NAN, 0));
        calls.push((0.0, 0.5, SUCCESS | WARMUP));
        calls.push((f64::NAN, 0.5, SUCCESS));
        let d = dataset(&calls);
        let w = cut_windows(&d, 1.0).expect("windows");
        assert_eq!((w.count, w.unplaced), (10, 1));
        assert_eq!(w.origin, 1_700_000_005.0);
        // The last start is at 14.75 s after t = 5 and lasts 3 s.
        assert!((w.run_s - 12.75).abs() < 1e-9, "{}", w.run_s);
        assert!(w.note().is_some_and(|n| n.starts_with("1 call(s) without")));
        let g = &w.groups[0];
        assert_eq!(g.windows.len(), 10);
        let second = &g.windows[1];
        assert_eq!((second.counts.attempts, second.counts.successes), (5, 4));
        assert_eq!(second.counts.throttles, 1);
        assert_eq!(second.throttle_pct(), Some(20.0));
        assert_eq!(second.calls_per_s(), Some(5.0));
        assert_eq!(second.output_tokens_per_s(), Some(40.0));
        assert_eq!(second.ttft.map(|s| s.p50), Some(1.0));
        assert_eq!(g.windows[9].ttft.map(|s| s.p50), Some(2.0));
        assert_eq!(g.windows[9].span_s, 1.0);
        let (first, last) = g.first_and_last().expect("busy windows");
        assert_eq!((first.index, last.index), (0, 9));
        let members: usize = g.members.iter().map(Vec::len).sum();
        assert_eq!(
            members, 41,
            "the warm-up and the call without a start are out"
        );

        // The first two windows against the last two: 8 calls a side.
        let (a, b) = sides(&d, &g.members).expect("enough calls");
        assert_eq!((a.windows.clone(), b.windows.clone()), (0..2, 8..10));
        assert_eq!((a.calls(), b.calls()), (8, 8));
        assert!(a.ttft.iter().all(|&t| t == 1.0) && b.ttft.iter().all(|&t| t == 2.0));
        // Windows of 1.5 s: 7 windows, one a side, 6 calls: too few.
        let w = cut_windows(&d, 1.5).expect("windows");
        assert_eq!(
            sides(&d, &w.groups[0].members),
            Err(TooFew::Calls { first: 6, last: 4 })
        );
        let w = cut_windows(&d, 4.0).expect("windows");
        assert_eq!(
            sides(&d, &w.groups[0].members),
            Err(TooFew::Windows { windows: 3 })
        );
    }

    #[test]
    fn a_window_not_shorter_than_the_run_or_a_run_without_starts_is_refused() {
        // Starts 9 s apart, the run 11 s long: 10 s holds every start.
        let d = dataset(&[(0.0, 1.0, SUCCESS), (9.0, 1.0, SUCCESS)]);
        assert_eq!(
            cut_windows(&d, 10.0),
            Err(WindowError::LongerThanRun {
                width_s: 10.0,
                starts_s: 9.0
            })
        );
        assert_eq!(cut_windows(&d, 9.0).map(|w| w.count), Ok(2));
        let d = dataset(&[(f64::NAN, 1.0, SUCCESS)]);
        assert_eq!(cut_windows(&d, 1.0), Err(WindowError::NoStartTimes));
    }

    #[test]
    fn durations_parse_with_their_unit_and_bad_ones_name_the_flag() {
        assert_eq!(parse_window("500ms"), Ok(0.5));
        assert_eq!(parse_window("60s"), Ok(60.0));
        assert_eq!(parse_window("1m"), Ok(60.0));
        assert_eq!(parse_window(" 1.5h "), Ok(5400.0));
        for bad in ["", "abc", "10", "5 minutes", "s", "infs", "NaNs"] {
            let e = parse_window(bad).unwrap_err();
            assert!(matches!(e, WindowError::Unparsable(_)), "{bad}: {e:?}");
            assert!(e.to_string().starts_with("--window "), "{e}");
        }
        for bad in ["0s", "-5s", "0ms", "-1m"] {
            let e = parse_window(bad).unwrap_err();
            assert_eq!(e, WindowError::NotPositive(bad.to_string()));
            assert!(e.to_string().contains("longer than 0"), "{e}");
        }
    }

    #[test]
    fn starts_fall_in_the_window_they_begin_in() {
        assert_eq!(window_of(0.0, 10.0), 0);
        assert_eq!(window_of(9.999, 10.0), 0);
        assert_eq!(window_of(10.0, 10.0), 1);
        assert_eq!(window_of(25.0, 10.0), 2);
        assert_eq!(window_of(-1.0, 10.0), 0);
        assert_eq!(window_count(0.0, 10.0), 1);
        assert_eq!(window_count(29.9, 10.0), 3);
        assert_eq!(window_count(30.0, 10.0), 4);
    }

    #[test]
    fn a_window_too_long_says_how_long_the_run_was() {
        let e = WindowError::LongerThanRun {
            width_s: 600.0,
            starts_s: 42.5,
        };
        assert_eq!(
            e.to_string(),
            "--window 10m is not shorter than the run (its calls started within 42.5s of the first): every call would be in one window; choose a window that cuts it into several, such as --window 4s"
        );
        assert_eq!(seconds(0.5), "500ms");
        assert_eq!(seconds(90.0), "90s");
    }
}
