//! One metric of one group, BASE against NEW: both values, the change,
//! its interval where the samples allow one, and the verdict.

use super::interval::{Interval, Resampling, difference_interval, quantile_ratio_interval};
use super::metric::{Better, CompareMetric, Kind};
use crate::analysis::percentile_rule::is_shown;
use crate::stats::percentile;

/// What the change of a metric says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A latency whose interval lies wholly below no change.
    Faster,
    /// A latency whose interval lies wholly above no change.
    Slower,
    /// Tokens per second, errors, throttles or cost that changed for
    /// the better (beyond the interval, or, for cost, at all).
    Better,
    /// The same, for the worse.
    Worse,
    /// The interval holds no change: within the noise (or, for cost,
    /// the same cost).
    NoChange,
    /// A side has too few calls for this percentile: no interval, no
    /// verdict.
    TooFew,
    /// A side has no value.
    NoData,
}

impl Verdict {
    /// In words: `faster`, `slower`, `better`, `worse`, `no change`,
    /// `too few calls`, `no data`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::NoChange => "no change",
            Verdict::TooFew => "too few calls",
            Verdict::NoData => "no data",
        }
    }
}

/// The samples of one group on one side that the metrics need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SideSample {
    /// TTFT of the successful calls (warm-ups left out), seconds.
    pub ttft: Vec<f64>,
    /// Total latency, seconds.
    pub total: Vec<f64>,
    /// Time to first text, seconds.
    pub ttft_text: Vec<f64>,
    /// Generation OTPS, tokens/s.
    pub otps: Vec<f64>,
    /// Attempts (retries included).
    pub attempts: u64,
    /// Failed attempts.
    pub errors: u64,
    /// Throttled attempts.
    pub throttles: u64,
    /// Cost per 1,000 calls, dollars; `None` when no call was priced.
    pub cost_per_1k: Option<f64>,
    /// Calls priced.
    pub priced: u64,
}

impl SideSample {
    /// The values behind a quantile metric.
    fn values(&self, metric: CompareMetric) -> &[f64] {
        match metric {
            CompareMetric::TtftP50 | CompareMetric::TtftP90 | CompareMetric::TtftP99 => &self.ttft,
            CompareMetric::TotalP50 | CompareMetric::TotalP90 | CompareMetric::TotalP99 => {
                &self.total
            }
            CompareMetric::TtftTextP50 => &self.ttft_text,
            CompareMetric::OtpsP50 => &self.otps,
            _ => &[],
        }
    }
}

/// One metric of one group, BASE against NEW.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricChange {
    /// Which metric.
    pub metric: CompareMetric,
    /// BASE's value (seconds, tokens/s, percent, dollars).
    pub base: Option<f64>,
    /// NEW's value.
    pub new: Option<f64>,
    /// The values behind BASE's (successful calls for a percentile,
    /// attempts for a percentage, priced calls for cost).
    pub base_n: u64,
    /// The values behind NEW's.
    pub new_n: u64,
    /// The change: relative (`0.3`: 30% higher) for percentiles and
    /// cost, in percentage points for percentages.
    pub change: Option<f64>,
    /// The 95% interval of the change, in the change's unit; `None`
    /// for cost and where a side has too few calls for the percentile.
    pub interval: Option<Interval>,
    /// The percentile a side has too few calls for (its thin mark).
    pub thin: Option<f64>,
    /// What the change says.
    pub verdict: Verdict,
}

/// Compare `metric` between two samples; `stream` seeds its bootstrap.
pub fn metric_change(
    metric: CompareMetric,
    base: &SideSample,
    new: &SideSample,
    resampling: &Resampling,
    stream: u64,
) -> MetricChange {
    match metric.kind() {
        Kind::Quantile { percentile: p, .. } => {
            quantile_change(metric, p, base, new, resampling, stream)
        }
        Kind::Percentage => percentage_change(metric, base, new),
        Kind::Cost => cost_change(base, new),
    }
}

fn quantile_change(
    metric: CompareMetric,
    p: f64,
    base: &SideSample,
    new: &SideSample,
    resampling: &Resampling,
    stream: u64,
) -> MetricChange {
    let sorted = |values: &[f64]| {
        let mut v = values.to_vec();
        v.sort_unstable_by(f64::total_cmp);
        v
    };
    let (b, n) = (sorted(base.values(metric)), sorted(new.values(metric)));
    let (bv, nv) = (percentile(&b, p), percentile(&n, p));
    let thin = (!b.is_empty() && !n.is_empty() && (!is_shown(p, b.len()) || !is_shown(p, n.len())))
        .then_some(p);
    let change = match (bv, nv) {
        (Some(b), Some(n)) if b > 0.0 => Some(n / b - 1.0),
        _ => None,
    };
    let interval = match (change, thin) {
        (Some(_), None) => {
            quantile_ratio_interval(&b, &n, p, resampling, stream).map(|i| Interval {
                low: i.low - 1.0,
                high: i.high - 1.0,
            })
        }
        _ => None,
    };
    let verdict = if change.is_none() {
        Verdict::NoData
    } else if thin.is_some() {
        Verdict::TooFew
    } else {
        verdict_of(metric.better(), interval)
    };
    MetricChange {
        metric,
        base: bv,
        new: nv,
        base_n: b.len() as u64,
        new_n: n.len() as u64,
        change,
        interval,
        thin,
        verdict,
    }
}

fn percentage_change(metric: CompareMetric, base: &SideSample, new: &SideSample) -> MetricChange {
    let hits = |s: &SideSample| match metric {
        CompareMetric::ThrottlePct => s.throttles,
        _ => s.errors,
    };
    let pct = |s: &SideSample| (s.attempts > 0).then(|| hits(s) as f64 / s.attempts as f64 * 100.0);
    let (bv, nv) = (pct(base), pct(new));
    let change = bv.zip(nv).map(|(b, n)| n - b);
    let interval =
        difference_interval(hits(base), base.attempts, hits(new), new.attempts).map(|i| Interval {
            low: i.low * 100.0,
            high: i.high * 100.0,
        });
    let verdict = if change.is_none() {
        Verdict::NoData
    } else {
        verdict_of(metric.better(), interval)
    };
    MetricChange {
        metric,
        base: bv,
        new: nv,
        base_n: base.attempts,
        new_n: new.attempts,
        change,
        interval,
        thin: None,
        verdict,
    }
}

fn cost_change(base: &SideSample, new: &SideSample) -> MetricChange {
    let change = match (base.cost_per_1k, new.cost_per_1k) {
        (Some(b), Some(n)) if b > 0.0 => Some(n / b - 1.0),
        _ => None,
    };
    let verdict = match (base.cost_per_1k, new.cost_per_1k) {
        (Some(b), Some(n)) if n < b => Verdict::Better,
        (Some(b), Some(n)) if n > b => Verdict::Worse,
        (Some(_), Some(_)) => Verdict::NoChange,
        _ => Verdict::NoData,
    };
    MetricChange {
        metric: CompareMetric::CostPer1k,
        base: base.cost_per_1k,
        new: new.cost_per_1k,
        base_n: base.priced,
        new_n: new.priced,
        change,
        interval: None,
        thin: None,
        verdict,
    }
}

/// The verdict of an interval of a change (0: no change): beyond no
/// change on one side, or no change.
pub fn verdict_of(better: Better, interval: Option<Interval>) -> Verdict {
    let Some(i) = interval else {
        return Verdict::NoChange;
    };
    let up = i.low > 0.0;
    let down = i.high < 0.0;
    match (better, up, down) {
        (Better::LowerTime, true, _) => Verdict::Slower,
        (Better::LowerTime, _, true) => Verdict::Faster,
        (Better::Lower, true, _) | (Better::Higher, _, true) => Verdict::Worse,
        (Better::Lower, _, true) | (Better::Higher, true, _) => Verdict::Better,
        _ => Verdict::NoChange,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, scale: f64) -> SideSample {
        let values: Vec<f64> = (0..n)
            .map(|i| scale * (0.5 + ((i * 7919) % n) as f64 / n as f64))
            .collect();
        SideSample {
            ttft: values.clone(),
            total: values.iter().map(|v| v + 1.0).collect(),
            ttft_text: values.clone(),
            otps: values.iter().map(|v| 100.0 / v).collect(),
            attempts: n as u64,
            ..SideSample::default()
        }
    }

    #[test]
    fn verdicts_follow_the_interval_and_the_direction() {
        let up = Some(Interval {
            low: 0.1,
            high: 0.3,
        });
        let across = Some(Interval {
            low: -0.1,
            high: 0.3,
        });
        let down = Some(Interval {
            low: -0.3,
            high: -0.1,
        });
        assert_eq!(verdict_of(Better::LowerTime, up), Verdict::Slower);
        assert_eq!(verdict_of(Better::LowerTime, down), Verdict::Faster);
        assert_eq!(verdict_of(Better::LowerTime, across), Verdict::NoChange);
        assert_eq!(verdict_of(Better::Higher, up), Verdict::Better);
        assert_eq!(verdict_of(Better::Higher, down), Verdict::Worse);
        assert_eq!(verdict_of(Better::Lower, up), Verdict::Worse);
    }

    #[test]
    fn thirty_percent_slower_is_slower_and_the_same_sample_no_change() {
        let r = Resampling::default();
        let base = sample(200, 1.0);
        let slower = sample(200, 1.3);
        let c = metric_change(CompareMetric::TtftP50, &base, &slower, &r, 3);
        assert!((c.change.unwrap() - 0.3).abs() < 0.02, "{c:?}");
        assert_eq!(c.verdict, Verdict::Slower);
        assert!(c.interval.unwrap().low > 0.1, "{c:?}");
        let otps = metric_change(CompareMetric::OtpsP50, &base, &slower, &r, 3);
        assert_eq!(otps.verdict, Verdict::Worse);
        let same = metric_change(CompareMetric::TtftP90, &base, &base, &r, 3);
        assert_eq!(same.change, Some(0.0));
        assert_eq!(same.verdict, Verdict::NoChange);
        // 50 calls: too few for a p99.
        let p99 = metric_change(CompareMetric::TtftP99, &sample(50, 1.0), &slower, &r, 3);
        assert_eq!(
            (p99.thin, p99.interval, p99.verdict),
            (Some(99.0), None, Verdict::TooFew)
        );
    }

    #[test]
    fn percentages_are_differences_in_points_and_cost_has_no_interval() {
        let base = SideSample {
            attempts: 1000,
            errors: 10,
            cost_per_1k: Some(2.0),
            priced: 990,
            ..SideSample::default()
        };
        let new = SideSample {
            attempts: 1000,
            errors: 80,
            cost_per_1k: Some(1.5),
            priced: 920,
            ..SideSample::default()
        };
        let r = Resampling::default();
        let e = metric_change(CompareMetric::ErrorPct, &base, &new, &r, 0);
        assert_eq!((e.base, e.new), (Some(1.0), Some(8.0)));
        assert!((e.change.unwrap() - 7.0).abs() < 1e-9);
        assert!(e.interval.unwrap().low > 5.0, "{e:?}");
        assert_eq!(e.verdict, Verdict::Worse);
        let c = metric_change(CompareMetric::CostPer1k, &base, &new, &r, 0);
        assert_eq!(
            (c.change, c.interval, c.verdict),
            (Some(-0.25), None, Verdict::Better)
        );
        let t = metric_change(CompareMetric::ThrottlePct, &base, &new, &r, 0);
        assert_eq!((t.change, t.verdict), (Some(0.0), Verdict::NoChange));
    }
}
