//! Axes: a numeric [`Scale`] that is linear or logarithmic with round
//! ticks, and [`Rows`], a categorical axis of labelled rows. Both are
//! plotters coordinates, so one drawing function serves every case.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

use crate::table::format::short;

/// Above this ratio between the largest and the smallest value,
/// [`Scale::auto`] goes logarithmic.
pub const LOG_RATIO: f64 = 8.0;

/// A numeric axis from `lo` to `hi`, linear or logarithmic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    lo: f64,
    hi: f64,
    log: bool,
}

impl Scale {
    /// A linear axis (an empty range is widened).
    pub fn linear(lo: f64, hi: f64) -> Scale {
        let (lo, hi) = widen(lo, hi);
        Scale { lo, hi, log: false }
    }

    /// A logarithmic axis; `lo` must be positive (it is clamped to a tiny
    /// positive number otherwise).
    pub fn log(lo: f64, hi: f64) -> Scale {
        let lo = if lo > 0.0 && lo.is_finite() { lo } else { 1e-6 };
        let hi = if hi > lo && hi.is_finite() {
            hi
        } else {
            lo * 10.0
        };
        Scale { lo, hi, log: true }
    }

    /// An axis for data from `min` to `max`: logarithmic (padded by 10%
    /// on each side) when both are positive and `max / min` is above
    /// `LOG_RATIO` (8), else linear from 0 (or from `min` when it is
    /// negative) to `max` plus 8%.
    pub fn auto(min: f64, max: f64) -> Scale {
        if min > 0.0 && max / min > LOG_RATIO {
            Scale::log(min / 1.1, max * 1.1)
        } else {
            let lo = min.min(0.0);
            Scale::linear(lo, max + (max - lo).abs() * 0.08)
        }
    }

    /// A logarithmic axis for positive data from `min` to `max`, padded
    /// by 10% on each side.
    pub fn log_padded(min: f64, max: f64) -> Scale {
        Scale::log(min / 1.1, max * 1.1)
    }

    /// Whether the axis is logarithmic.
    pub fn is_log(&self) -> bool {
        self.log
    }

    /// The lower end.
    pub fn lo(&self) -> f64 {
        self.lo
    }

    /// The upper end.
    pub fn hi(&self) -> f64 {
        self.hi
    }

    /// `value` moved inside the axis.
    pub fn clamp(&self, value: f64) -> f64 {
        value.clamp(self.lo, self.hi)
    }

    /// Position of `value` between the ends, 0 to 1.
    fn fraction(&self, value: f64) -> f64 {
        if self.log {
            let v = value.max(self.lo * 1e-3);
            (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (value - self.lo) / (self.hi - self.lo)
        }
    }

    /// Round tick values inside the axis, at most `max` of them.
    pub fn ticks(&self, max: usize) -> Vec<f64> {
        if max == 0 {
            return Vec::new();
        }
        if !self.log {
            return linear_ticks(self.lo, self.hi, max);
        }
        // Mantissas per decade, sparsest first; take the densest that fits.
        const SETS: [&[f64]; 4] = [
            &[1.0],
            &[1.0, 3.0],
            &[1.0, 2.0, 5.0],
            &[1.0, 2.0, 3.0, 5.0, 7.0],
        ];
        let first = self.lo.log10().floor() as i32;
        let last = self.hi.log10().ceil() as i32;
        let in_range = |set: &[f64]| -> Vec<f64> {
            let mut out = Vec::new();
            for exp in first..=last {
                for m in set {
                    let v = m * 10f64.powi(exp);
                    if v >= self.lo * (1.0 - 1e-9) && v <= self.hi * (1.0 + 1e-9) {
                        out.push(v);
                    }
                }
            }
            out
        };
        let mut best: Option<Vec<f64>> = None;
        for set in SETS {
            let ticks = in_range(set);
            if ticks.len() <= max {
                best = Some(ticks);
            } else {
                break;
            }
        }
        match best {
            Some(ticks) if ticks.len() >= 3 => ticks,
            Some(ticks) if ticks.len() >= 2 && max < 4 => ticks,
            Some(_) => {
                // A narrow range: round linear steps read better.
                linear_ticks(self.lo, self.hi, max.min(6))
            }
            None => {
                // Too many decades even for one tick each: every k-th.
                let decades = in_range(&[1.0]);
                let step = decades.len().div_ceil(max).max(1);
                decades.into_iter().step_by(step).collect()
            }
        }
    }
}

/// Round ticks of a linear range (steps of 1, 2 or 5 times a power of 10).
fn linear_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || max == 0 {
        return vec![lo];
    }
    let rough = span / max.max(1) as f64;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| span / s <= max as f64)
        .unwrap_or(power * 10.0);
    let start = (lo / step).ceil() as i64;
    let end = (hi / step).floor() as i64;
    // Decimals of the step, to snap away binary noise (0.6000000000000001).
    let decimals = (1 - step.log10().floor() as i32).clamp(0, 15) as usize;
    (start..=end)
        .map(|k| {
            let v = k as f64 * step;
            format!("{v:.decimals$}").parse().unwrap_or(v)
        })
        .collect()
}

fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    if hi > lo {
        (lo, hi)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    }
}

impl Ranged for Scale {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = self.fraction(*value).clamp(-0.2, 1.2);
        let t = if t.is_nan() { 0.0 } else { t };
        limit.0 + ((limit.1 - limit.0) as f64 * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold lines: a light-line request (more points than the bold
        // ones) gets nothing.
        if hint.max_num_points() > hint.bold_points() {
            return Vec::new();
        }
        self.ticks(hint.max_num_points())
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Scale {
    fn format_ext(&self, value: &f64) -> String {
        short(*value)
    }
}

/// A categorical axis: row `i` is centred at `i as f64`, the first row on
/// top, each labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    labels: Vec<String>,
}

impl Rows {
    /// Rows with these labels, top to bottom.
    pub fn new(labels: Vec<String>) -> Rows {
        Rows { labels }
    }
}

impl Ranged for Rows {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // limit.0 is the bottom pixel for a vertical axis: row 0 at the top.
        let n = self.labels.len().max(1) as f64;
        let t = (n - 0.5 - value) / n;
        limit.0 + ((limit.1 - limit.0) as f64 * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.max_num_points() > hint.bold_points() {
            return Vec::new();
        }
        (0..self.labels.len()).map(|i| i as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..(self.labels.len() as f64 - 0.5)
    }
}

impl ValueFormatter<f64> for Rows {
    fn format_ext(&self, value: &f64) -> String {
        let i = value.round();
        if i < 0.0 {
            return String::new();
        }
        self.labels.get(i as usize).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(
            Scale::linear(0.0, 1.0).ticks(6),
            [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        );
        let t = Scale::linear(0.0, 0.9).ticks(10);
        assert!(t.iter().all(|v| short(*v).len() <= 3), "{t:?}");
    }

    #[test]
    fn log_ticks_follow_decades() {
        assert_eq!(
            Scale::log(0.1, 10.0).ticks(10),
            [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
        );
        assert_eq!(Scale::log(0.1, 10.0).ticks(4), [0.1, 1.0, 10.0]);
        let narrow = Scale::log(0.4, 1.3).ticks(8);
        assert!(narrow.len() >= 3, "{narrow:?}");
        let wide = Scale::log(1e-6, 1e6).ticks(5);
        assert!(wide.len() <= 5 && wide.len() >= 3, "{wide:?}");
    }

    #[test]
    fn auto_goes_log_for_wide_ranges() {
        assert!(Scale::auto(0.1, 5.0).is_log());
        assert!(!Scale::auto(0.5, 2.0).is_log());
        assert_eq!(Scale::auto(0.5, 2.0).lo(), 0.0);
    }

    #[test]
    fn rows_put_the_first_row_on_top() {
        let rows = Rows::new(vec!["a".into(), "b".into()]);
        // Vertical pixel limits run bottom (400) to top (0).
        assert!(rows.map(&0.0, (400, 0)) < rows.map(&1.0, (400, 0)));
        assert_eq!(rows.format_ext(&1.0), "b");
    }
}
