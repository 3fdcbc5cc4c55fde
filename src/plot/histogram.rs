//! Per group: histograms of TTFT and of OTPS side by side, with the mean,
//! p50 and p90 marked (computed on every value; the p90 only from 10
//! values on, see `analysis::percentile_rule`).

use crate::analysis::percentile_rule::{is_shown, thin_mark};
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::Rectangle;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::{Color, RGBColor, WHITE};

use super::data::GroupData;
use super::frame::{axes, centred_note, styled_line, titled};
use super::legend::{self, Entry, Swatch};
use super::palette::{Dash, LineStyle};
use super::scale::Scale;
use super::style::{MEAN, P50, P90, WIDTH};
use super::writer::{DrawError, Figure};
use crate::analysis::Metric;
use crate::stats::{Summary, percentile};
use crate::table::format::{count, short, three_significant};

/// At most this many bins.
pub const MAX_BINS: usize = 40;

/// The two histograms of one group.
#[derive(Debug, Clone)]
pub struct Histograms<'a> {
    group: &'a GroupData<'a>,
    color: RGBColor,
}

impl<'a> Histograms<'a> {
    /// The histograms of `group` (which must have successful calls; see
    /// [`GroupData::has_no_success`]), bars in its variant's `color`.
    pub fn new(group: &'a GroupData<'a>, color: RGBColor) -> Histograms<'a> {
        Histograms { group, color }
    }
}

/// How the mean, the p50 and the p90 are marked.
const MEAN_LINE: LineStyle = LineStyle {
    color: MEAN,
    dash: Dash::Solid,
};
const P50_LINE: LineStyle = LineStyle {
    color: P50,
    dash: Dash::Dashed,
};
const P90_LINE: LineStyle = LineStyle {
    color: P90,
    dash: Dash::Dashed,
};

/// Counts of values per bin over `[lo, hi]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    /// Left edge of the first bin.
    pub lo: f64,
    /// Width of every bin.
    pub width: f64,
    /// Values per bin.
    pub counts: Vec<u64>,
    /// Values above the last bin (a long tail cut off to keep the bulk
    /// readable).
    pub above: u64,
    /// The largest value.
    pub max: f64,
}

impl Bins {
    /// Bin ascending `sorted` values: about `2 n^(1/3)` bins (at most
    /// [`MAX_BINS`]). Values beyond `p99 + (p99 - min) / 2` (a far
    /// tail that would squeeze the bulk into a few bins) are not binned
    /// but counted in [`Bins::above`].
    pub fn of_sorted(sorted: &[f64]) -> Option<Bins> {
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        let p99 = percentile(sorted, 99.0)?;
        let cut = p99 + 0.5 * (p99 - min);
        let hi = if max > cut {
            let kept = sorted.partition_point(|&v| v <= cut);
            sorted[kept.saturating_sub(1)]
        } else {
            max
        };
        let n = sorted.len() as f64;
        let k = ((2.0 * n.cbrt()).ceil() as usize).clamp(5, MAX_BINS);
        let (lo, width) = if hi > min {
            (min, (hi - min) / k as f64)
        } else {
            // All values equal: one narrow bin around them.
            let w = if min == 0.0 { 0.1 } else { min.abs() * 0.05 };
            (min - w / 2.0, w)
        };
        let bins = if hi > min { k } else { 1 };
        let mut counts = vec![0u64; bins];
        let mut above = 0;
        for &v in sorted {
            if v > hi {
                above += 1;
                continue;
            }
            let i = (((v - lo) / width).floor().max(0.0) as usize).min(bins - 1);
            counts[i] += 1;
        }
        Some(Bins {
            lo,
            width,
            counts,
            above,
            max,
        })
    }

    /// Right edge of the last bin.
    pub fn hi(&self) -> f64 {
        self.lo + self.width * self.counts.len() as f64
    }
}

struct Panel<'v> {
    name: &'static str,
    unit: &'static str,
    short_unit: &'static str,
    values: &'v [f64],
    summary: Option<&'v Summary>,
    color: RGBColor,
}

impl Figure for Histograms<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 520)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let g = self.group;
        let c = &g.stats.counts;
        let title = format!(
            "{} · {} · {}",
            g.stats.model, g.stats.region, g.stats.performance_config
        );
        let mut subtitle = format!(
            "{} successful calls of {} attempts",
            count(g.ttft.len() as u64),
            count(c.attempts)
        );
        if c.throttles > 0 {
            subtitle.push_str(&format!(", {} throttled", count(c.throttles)));
        }
        let other = c.errors - c.throttles;
        if other > 0 {
            subtitle.push_str(&format!(
                ", {} other error{}",
                count(other),
                if other == 1 { "" } else { "s" }
            ));
        }
        let body = titled(root, &title, &subtitle)?;
        let (left, right) = body.split_horizontally(WIDTH / 2);
        let color = self.color;
        panel(
            &left,
            &Panel {
                name: "TTFT",
                unit: "s",
                short_unit: "s",
                values: &g.ttft,
                summary: g.stats.metric(Metric::Ttft),
                color,
            },
        )?;
        panel(
            &right,
            &Panel {
                name: "OTPS",
                unit: "tokens/s",
                short_unit: "tok/s",
                values: &g.otps,
                summary: g.stats.metric(Metric::Otps),
                color,
            },
        )
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel<'_>,
) -> Result<(), DrawError<DB>> {
    let entries = match panel.summary {
        Some(s) => vec![
            Entry::new(
                Swatch::Line(MEAN_LINE),
                format!("mean {} {}", three_significant(s.mean), panel.short_unit),
            ),
            Entry::new(
                Swatch::Line(P50_LINE),
                format!("p50 {} {}", three_significant(s.p50), panel.short_unit),
            ),
            Entry::new(
                Swatch::Line(P90_LINE),
                if is_shown(90.0, s.count) {
                    format!("p90 {} {}", three_significant(s.p90), panel.short_unit)
                } else {
                    format!("p90 not shown: {}", thin_mark(90.0))
                },
            ),
        ],
        None => Vec::new(),
    };
    let (w, h) = area.dim_in_pixel();
    let legend_height = legend::height(&entries, w).max(20);
    let (plot, legend_area) = area.split_vertically(h - legend_height - 8);
    let Some(bins) = Bins::of_sorted(panel.values) else {
        return centred_note(&plot, &[format!("no {} values", panel.name)]);
    };
    let x = Scale::linear(
        bins.lo - bins.width * 0.5,
        bins.hi().max(bins.lo) + bins.width * 0.5,
    );
    let top = bins.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let y = Scale::linear(0.0, top * 1.12);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(12)
        .margin_left(10)
        .margin_right(24)
        .x_label_area_size(52)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)?;
    axes(
        &mut chart,
        &format!("{} ({})", panel.name, panel.unit),
        "calls",
        8,
        6,
    )?;
    chart.draw_series(bins.counts.iter().enumerate().map(|(i, &n)| {
        let x0 = bins.lo + bins.width * i as f64;
        Rectangle::new(
            [(x0, 0.0), (x0 + bins.width, n as f64)],
            panel.color.mix(0.8).filled(),
        )
    }))?;
    chart.draw_series(bins.counts.iter().enumerate().map(|(i, &n)| {
        let x0 = bins.lo + bins.width * i as f64;
        Rectangle::new(
            [(x0, 0.0), (x0 + bins.width, n as f64)],
            WHITE.stroke_width(1),
        )
    }))?;
    if let Some(s) = panel.summary {
        let ymax = top * 1.12;
        // A p90 of too few values is not drawn (see
        // `analysis::percentile_rule`).
        let p90 = is_shown(90.0, s.count).then_some((s.p90, P90_LINE));
        for (v, style) in [(s.mean, MEAN_LINE), (s.p50, P50_LINE)]
            .into_iter()
            .chain(p90)
        {
            styled_line(
                &mut chart,
                vec![(x.clamp(v), 0.0), (x.clamp(v), ymax)],
                style,
                2,
            )?;
        }
    }
    let mut entries = entries;
    if bins.above > 0 {
        entries.push(Entry::new(
            Swatch::Box(panel.color),
            format!(
                "{} above the axis (max {})",
                count(bins.above),
                short(bins.max)
            ),
        ));
    }
    legend::draw(&legend_area, &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_far_tail_is_counted_not_drawn() {
        let mut values: Vec<f64> = (0..1000).map(|i| 0.5 + i as f64 / 10_000.0).collect();
        values.push(60.0);
        let bins = Bins::of_sorted(&values).unwrap();
        assert_eq!(bins.above, 1, "only the far tail is cut");
        assert!(bins.hi() < 1.0);
        assert_eq!(
            bins.counts.iter().sum::<u64>() + bins.above,
            values.len() as u64
        );
    }

    #[test]
    fn equal_values_make_one_bin() {
        let bins = Bins::of_sorted(&[2.0, 2.0, 2.0]).unwrap();
        assert_eq!(bins.counts, [3]);
        assert_eq!(bins.above, 0);
    }
}
