//! The numbers the charts draw, taken once from an analysis: per group,
//! the sorted TTFT and OTPS values, the inter-chunk gaps' box, and the
//! timeline points. Statistics use every value; only drawing thins
//! points out (see [`stride`]).

use crate::analysis::{
    Analysis, Attempt, Counts, Dataset, Group, GroupStats, Metric, metric_values,
};
use crate::stats::percentile;

use super::layout::distinct_labels;
use super::palette::Variants;

/// Timelines draw at most this many successful calls per group.
pub const MAX_TIMELINE_SUCCESSES: usize = 4000;
/// Timelines draw at most this many failed calls of each kind per group.
pub const MAX_TIMELINE_FAILURES: usize = 400;

/// What happened to a call, for the timeline's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `Success`.
    Success,
    /// `ThrottlingException`.
    Throttled,
    /// Any other status.
    Failed,
}

/// What the timeline's x axis counts from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum TimeAxis {
    /// Seconds since the first call of the whole dataset (from each row's
    /// `job_timestamp_iso`, whose Unix time is `origin`): runs, files and
    /// machines side by side, so drift between runs shows.
    SinceFirstCall {
        /// The first call's start, Unix seconds.
        origin: f64,
    },
    /// Seconds since each call's run started (`start_offset_s`), runs
    /// overlaid: for rows without a wall-clock start.
    #[default]
    SinceRunStart,
}

impl TimeAxis {
    /// The wall-clock axis when any row has a start time, else run
    /// offsets.
    pub fn of(dataset: &Dataset) -> TimeAxis {
        let origin = dataset
            .attempts()
            .iter()
            .map(|a| a.started_at)
            .filter(|t| t.is_finite())
            .fold(f64::INFINITY, f64::min);
        if origin.is_finite() {
            TimeAxis::SinceFirstCall { origin }
        } else {
            TimeAxis::SinceRunStart
        }
    }

    /// Where `attempt` goes on this axis (NaN: it has no start time).
    pub fn position(self, attempt: &Attempt) -> f64 {
        match self {
            TimeAxis::SinceFirstCall { origin } => attempt.started_at - origin,
            TimeAxis::SinceRunStart => attempt.start_offset,
        }
    }
}

/// One call on the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelinePoint {
    /// Start on the [`TimeAxis`], seconds.
    pub start: f64,
    /// TTFT for a success; total latency (or NaN) for a failure.
    pub latency: f64,
    /// What happened.
    pub outcome: Outcome,
}

/// The calls of one group on the timeline, thinned out for drawing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// The points drawn.
    pub points: Vec<TimelinePoint>,
    /// Attempts with a start time, per outcome (success, throttled, failed).
    pub totals: [usize; 3],
    /// Points drawn per outcome.
    pub drawn: [usize; 3],
    /// Attempts without a start time on the axis.
    pub without_start: usize,
    /// What `start` counts from.
    pub axis: TimeAxis,
}

/// Box-plot numbers: p5, p25, p50, p75, p95, min, max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    /// Number of values.
    pub count: usize,
    /// Smallest value.
    pub min: f64,
    /// 5th percentile (lower whisker).
    pub p5: f64,
    /// 25th percentile (box start).
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile (box end).
    pub p75: f64,
    /// 95th percentile (upper whisker).
    pub p95: f64,
    /// Largest value.
    pub max: f64,
}

impl BoxStats {
    /// The numbers of ascending `sorted` values (`None` when empty).
    pub fn of_sorted(sorted: &[f64]) -> Option<BoxStats> {
        let p = |q: f64| percentile(sorted, q);
        Some(BoxStats {
            count: sorted.len(),
            min: *sorted.first()?,
            p5: p(5.0)?,
            p25: p(25.0)?,
            p50: p(50.0)?,
            p75: p(75.0)?,
            p95: p(95.0)?,
            max: *sorted.last()?,
        })
    }

    /// The numbers of `values` in any order (reordered), by selection
    /// rather than a full sort.
    pub fn of_unsorted(values: &mut [f64]) -> Option<BoxStats> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        if n < 4096 {
            values.sort_unstable_by(f64::total_cmp);
            return BoxStats::of_sorted(values);
        }
        let q = crate::analysis::metrics::selected_percentiles(
            values,
            [0.0, 5.0, 25.0, 50.0, 75.0, 95.0, 100.0],
        );
        Some(BoxStats {
            count: n,
            min: q[0],
            p5: q[1],
            p25: q[2],
            p50: q[3],
            p75: q[4],
            p95: q[5],
            max: q[6],
        })
    }
}

/// Every `stride`-th item keeps at most `max` of `n`.
pub fn stride(n: usize, max: usize) -> usize {
    n.div_ceil(max.max(1)).max(1)
}

/// What the charts need of one group.
#[derive(Debug, Clone)]
pub struct GroupData<'a> {
    /// Counts, names and summaries (all data).
    pub stats: &'a GroupStats,
    /// Short label of the model (distinct across the analysis).
    pub label: String,
    /// TTFT of the successful calls, ascending, seconds.
    pub ttft: Vec<f64>,
    /// OTPS (output tokens / total latency) of the successful calls,
    /// ascending.
    pub otps: Vec<f64>,
    /// Inter-chunk gaps, pooled over the successful calls.
    pub gaps: Option<BoxStats>,
    /// The calls over time.
    pub timeline: Timeline,
}

impl GroupData<'_> {
    /// `model · region · config` with the short model label.
    pub fn title(&self) -> String {
        format!(
            "{} · {} · {}",
            self.label, self.stats.region, self.stats.performance_config
        )
    }

    /// Whether no call entered the statistics.
    pub fn has_no_success(&self) -> bool {
        self.ttft.is_empty() && self.otps.is_empty()
    }

    /// "no successful call: 12 attempts, 10 throttled, 2 other errors"
    /// (see [`no_success_note`]).
    pub fn no_success_note(&self) -> String {
        no_success_note(&self.stats.counts)
    }
}

/// "no successful call: 12 attempts, 10 throttled, 2 other errors" (and
/// ", 1 warm-up only" when the only successes were warm-up calls).
pub fn no_success_note(c: &Counts) -> String {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let other = c.errors - c.throttles;
    let mut note = format!("no successful call: {}", plural(c.attempts, "attempt"));
    if c.throttles > 0 {
        note.push_str(&format!(", {} throttled", c.throttles));
    }
    if other > 0 {
        note.push_str(&format!(", {}", plural(other, "other error")));
    }
    if c.warmups > 0 {
        note.push_str(&format!(", {} only", plural(c.warmups, "warm-up")));
    }
    note
}

/// The variants of `data`'s groups: the colour and pattern of each on
/// every chart of the analysis.
pub fn variants(data: &[GroupData<'_>]) -> Variants {
    Variants::new(data.iter().map(|g| g.stats.performance_config.as_str()))
}

/// The chart data of every group of `analysis`, in its order.
pub fn chart_data(analysis: &Analysis) -> Vec<GroupData<'_>> {
    let dataset = &analysis.dataset;
    let groups = dataset.groups();
    let models: Vec<&str> = analysis.groups.iter().map(|g| g.model.as_str()).collect();
    let labels = distinct_labels(&models);
    let axis = TimeAxis::of(dataset);
    analysis
        .groups
        .iter()
        .zip(labels)
        .map(|(stats, label)| {
            let group = groups.iter().find(|g| {
                g.model == stats.model
                    && g.region == stats.region
                    && g.performance_config == stats.performance_config
            });
            let sorted = |metric| {
                let mut v = group.map_or_else(Vec::new, |g| metric_values(dataset, g, metric));
                v.sort_unstable_by(f64::total_cmp);
                v
            };
            let gaps = group.and_then(|g| {
                let mut v = metric_values(dataset, g, Metric::InterChunkGap);
                BoxStats::of_unsorted(&mut v)
            });
            GroupData {
                stats,
                label,
                ttft: sorted(Metric::Ttft),
                otps: sorted(Metric::Otps)
                    .into_iter()
                    .filter(|v| v.is_finite())
                    .collect(),
                gaps,
                timeline: group.map_or_else(Timeline::default, |g| timeline(dataset, g, axis)),
            }
        })
        .collect()
}

fn outcome(attempt: &Attempt, throttle: Option<u32>) -> Outcome {
    if attempt.is_success() {
        Outcome::Success
    } else if Some(attempt.status) == throttle {
        Outcome::Throttled
    } else {
        Outcome::Failed
    }
}

/// The timeline of one group: every attempt with a start time, thinned
/// to at most [`MAX_TIMELINE_SUCCESSES`] successes and
/// [`MAX_TIMELINE_FAILURES`] failures of each kind (every k-th, in row
/// order).
pub fn timeline(dataset: &Dataset, group: &Group<'_>, axis: TimeAxis) -> Timeline {
    let attempts = dataset.attempts();
    let throttle = dataset.sym("ThrottlingException");
    let mut out = Timeline {
        axis,
        ..Timeline::default()
    };
    for &i in &group.attempts {
        let a = &attempts[i as usize];
        if axis.position(a).is_nan() {
            out.without_start += 1;
            continue;
        }
        out.totals[outcome(a, throttle) as usize] += 1;
    }
    let strides = [
        stride(out.totals[0], MAX_TIMELINE_SUCCESSES),
        stride(out.totals[1], MAX_TIMELINE_FAILURES),
        stride(out.totals[2], MAX_TIMELINE_FAILURES),
    ];
    let mut seen = [0usize; 3];
    for &i in &group.attempts {
        let a = &attempts[i as usize];
        let start = axis.position(a);
        if start.is_nan() {
            continue;
        }
        let kind = outcome(a, throttle);
        let k = kind as usize;
        seen[k] += 1;
        if (seen[k] - 1) % strides[k] != 0 {
            continue;
        }
        out.drawn[k] += 1;
        let latency = match kind {
            Outcome::Success => a.ttft,
            _ => a.total_latency,
        };
        out.points.push(TimelinePoint {
            start,
            latency,
            outcome: kind,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_and_sorting_agree() {
        let mut x: u64 = 7;
        let values: Vec<f64> = (0..10_000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                (x >> 40) as f64 / 1000.0
            })
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let a = BoxStats::of_sorted(&sorted).unwrap();
        let mut work = values.clone();
        let b = BoxStats::of_unsorted(&mut work).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn stride_keeps_at_most_max() {
        assert_eq!(stride(10, 4000), 1);
        assert_eq!(stride(8000, 4000), 2);
        assert_eq!(stride(8001, 4000), 3);
        assert_eq!(stride(0, 4000), 1);
    }
}
