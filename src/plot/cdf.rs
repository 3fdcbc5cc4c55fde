//! TTFT cumulative distribution per group on a log time axis, to compare
//! tails: each group its own colour, and a line pattern per variant
//! (solid: standard, dashed: optimized, then dotted, long dashes...), so
//! that every line is told apart even when variants of one model overlap.

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::series::DashedLineSeries;
use plotters::style::Color;

use super::data::{GroupData, variants};
use super::frame::{TITLE_HEIGHT, axes, styled_line, titled};
use super::legend::{self, Entry, Swatch};
use super::palette::{LineStyle, color};
use super::scale::Scale;
use super::style::{MUTED, WIDTH};
use super::writer::{DrawError, Figure};
use crate::stats::percentile;
use crate::table::format::count;

/// Groups with more values than this are drawn from [`CDF_QUANTILES`]
/// quantiles instead of every value.
pub const CDF_EXACT_UP_TO: usize = 2000;
/// Quantiles drawn per large group.
pub const CDF_QUANTILES: usize = 1000;

const PLOT_HEIGHT: u32 = 520;

/// The TTFT CDF chart.
#[derive(Debug, Clone)]
pub struct Cdf<'a> {
    data: &'a [GroupData<'a>],
}

impl<'a> Cdf<'a> {
    /// The CDF of every group of `data` (groups without a success get a
    /// legend note instead of a line).
    pub fn new(data: &'a [GroupData<'a>]) -> Cdf<'a> {
        Cdf { data }
    }

    /// Each group's line: its own colour, its variant's pattern.
    pub fn styles(&self) -> Vec<LineStyle> {
        let variants = variants(self.data);
        self.data
            .iter()
            .enumerate()
            .map(|(i, g)| LineStyle {
                color: color(i),
                dash: variants.dash(&g.stats.performance_config),
            })
            .collect()
    }

    fn legend(&self) -> Vec<Entry> {
        self.data
            .iter()
            .zip(self.styles())
            .map(|(g, style)| {
                if g.ttft.is_empty() {
                    let text = format!("{}: {}", g.title(), g.no_success_note());
                    Entry::new(Swatch::Cross(style.color), text)
                } else {
                    let text = format!("{} (n={})", g.title(), count(g.ttft.len() as u64));
                    Entry::new(Swatch::Line(style), text)
                }
            })
            .collect()
    }
}

/// The points of a CDF line of ascending `sorted` values, in percent:
/// the exact steps up to [`CDF_EXACT_UP_TO`] values, else
/// [`CDF_QUANTILES`] + 1 quantiles.
pub fn cdf_points(sorted: &[f64]) -> Vec<(f64, f64)> {
    let n = sorted.len();
    if n <= CDF_EXACT_UP_TO {
        let mut out = Vec::with_capacity(2 * n);
        for (i, &v) in sorted.iter().enumerate() {
            out.push((v, 100.0 * i as f64 / n as f64));
            out.push((v, 100.0 * (i + 1) as f64 / n as f64));
        }
        out
    } else {
        (0..=CDF_QUANTILES)
            .filter_map(|k| {
                let p = 100.0 * k as f64 / CDF_QUANTILES as f64;
                percentile(sorted, p).map(|v| (v, p))
            })
            .collect()
    }
}

impl Figure for Cdf<'_> {
    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            TITLE_HEIGHT + PLOT_HEIGHT + legend::height(&self.legend(), WIDTH),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let thinned = self.data.iter().any(|g| g.ttft.len() > CDF_EXACT_UP_TO);
        let mut subtitle =
            "share of successful calls with a TTFT at most x; log time axis; a colour per group, a line pattern per variant (solid: standard, dashed: optimized); grey lines at 90% and 99%"
                .to_string();
        if thinned {
            subtitle.push_str(&format!(
                "; large groups drawn from {} quantiles",
                count(CDF_QUANTILES as u64)
            ));
        }
        let body = titled(root, "TTFT distribution (CDF)", &subtitle)?;
        let (plot, legend_area) = body.split_vertically(PLOT_HEIGHT);
        let lo = self
            .data
            .iter()
            .filter_map(|g| g.ttft.iter().copied().find(|v| *v > 0.0))
            .fold(f64::INFINITY, f64::min);
        let hi = self
            .data
            .iter()
            .filter_map(|g| g.ttft.last().copied())
            .fold(f64::NEG_INFINITY, f64::max);
        let x = if lo.is_finite() && hi.is_finite() {
            Scale::log_padded(lo, hi.max(lo * 1.5))
        } else {
            Scale::log(0.1, 10.0)
        };
        let y = Scale::linear(0.0, 100.0);
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(10)
            .margin_right(30)
            .margin_left(10)
            .x_label_area_size(56)
            .y_label_area_size(70)
            .build_cartesian_2d(x, y)?;
        axes(
            &mut chart,
            "TTFT (s, log scale)",
            "calls with TTFT ≤ x (%)",
            12,
            11,
        )?;
        for level in [90.0, 99.0] {
            chart.draw_series(DashedLineSeries::new(
                [(x.lo(), level), (x.hi(), level)],
                4,
                4,
                MUTED.mix(0.6).stroke_width(1),
            ))?;
        }
        for (g, style) in self.data.iter().zip(self.styles()) {
            if g.ttft.is_empty() {
                continue;
            }
            let points: Vec<(f64, f64)> = cdf_points(&g.ttft)
                .into_iter()
                .map(|(v, p)| (x.clamp(v), p))
                .collect();
            styled_line(&mut chart, points, style, 2)?;
        }
        legend::draw(&legend_area, &self.legend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_are_exact_steps_large_ones_quantiles() {
        let small = cdf_points(&[1.0, 2.0]);
        assert_eq!(small, [(1.0, 0.0), (1.0, 50.0), (2.0, 50.0), (2.0, 100.0)]);
        let many: Vec<f64> = (0..10_000).map(f64::from).collect();
        let large = cdf_points(&many);
        assert_eq!(large.len(), CDF_QUANTILES + 1);
        assert_eq!(large.first(), Some(&(0.0, 0.0)));
        assert_eq!(large.last(), Some(&(9999.0, 100.0)));
    }
}
