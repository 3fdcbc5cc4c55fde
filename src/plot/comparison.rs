//! The comparisons of one variant axis (standard vs optimized, default
//! tier vs another...): per pair of groups, the ratio variant / baseline
//! of the medians of each compared metric that has values (TTFT, time to
//! first text, generation OTPS, total latency), with its bootstrap
//! confidence interval, on log axes centred on 1; one panel per metric,
//! two panels a row.

use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::element::{Circle, EmptyElement, PathElement, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{TITLE_HEIGHT, axes, titled};
use super::layout::distinct_labels;
use super::legend::{self, Entry, Swatch};
use super::palette::SAFE;
use super::scale::{Rows, Scale};
use super::style::{INK, LABEL_SIZE, MUTED, TICK_SIZE, WIDTH, bold, text, text_width};
use super::writer::{DrawError, Figure};
use crate::analysis::{Axis, COMPARED_METRICS, Comparison, Metric, RatioEstimate};

const ROW: u32 = 62;
/// A ratio better with the variant (blue and vermillion: told apart
/// with any colour vision).
const BETTER: RGBColor = SAFE[0];
/// A ratio worse with the variant.
const WORSE: RGBColor = SAFE[3];
const X_AREA: u32 = 56;
const CAPTION: u32 = 34;

/// The comparison chart of one axis.
#[derive(Debug, Clone)]
pub struct ComparisonChart<'a> {
    axis: Axis,
    comparisons: Vec<&'a Comparison>,
    labels: Vec<String>,
    /// The metrics drawn: (index in [`COMPARED_METRICS`], metric).
    metrics: Vec<(usize, Metric)>,
}

impl<'a> ComparisonChart<'a> {
    /// The chart of the comparisons along `axis` (`None` when there is
    /// none).
    pub fn new(all: &'a [Comparison], axis: Axis) -> Option<ComparisonChart<'a>> {
        let comparisons: Vec<&Comparison> = all.iter().filter(|c| c.axis == axis).collect();
        if comparisons.is_empty() {
            return None;
        }
        let models: Vec<&str> = comparisons.iter().map(|c| c.model.as_str()).collect();
        let mut labels = distinct_labels(&models);
        let regions: std::collections::HashSet<&str> =
            comparisons.iter().map(|c| c.region.as_str()).collect();
        let pairs: std::collections::HashSet<(&str, &str)> = comparisons
            .iter()
            .map(|c| (c.baseline.as_str(), c.variant.as_str()))
            .collect();
        for (label, c) in labels.iter_mut().zip(&comparisons) {
            if regions.len() > 1 {
                label.push_str(" · ");
                label.push_str(&c.region);
            }
            if pairs.len() > 1 {
                label.push_str(" · ");
                label.push_str(&c.variant);
            }
        }
        let mut metrics: Vec<(usize, Metric)> = COMPARED_METRICS
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| comparisons.iter().any(|c| c.ratios[i].ratio.is_some()))
            .collect();
        if metrics.is_empty() {
            // Nothing has a ratio: one panel saying why, per row.
            metrics.push((0, COMPARED_METRICS[0]));
        }
        Some(ComparisonChart {
            axis,
            comparisons,
            labels,
            metrics,
        })
    }

    fn panel_rows(&self) -> u32 {
        self.metrics.len().div_ceil(2) as u32
    }

    fn panel_height(&self) -> u32 {
        CAPTION + self.comparisons.len() as u32 * ROW + X_AREA + 10
    }

    /// What the colours of the points and bars mean.
    fn legend() -> Vec<Entry> {
        vec![
            Entry::new(
                Swatch::Dot(BETTER),
                "better with the variant (the whole interval on that side of 1)",
            ),
            Entry::new(
                Swatch::Dot(WORSE),
                "worse with the variant (the whole interval on the other side)",
            ),
            Entry::new(
                Swatch::Dot(MUTED),
                "no clear difference (the interval holds 1, or there is none)",
            ),
        ]
    }
}

/// Which ratio a panel shows, and which side of 1 is better.
struct Side {
    caption: String,
    x_desc: &'static str,
    lower_is_better: bool,
    index: usize,
}

fn side(index: usize, metric: Metric, axis: Axis) -> Side {
    let (name, x_desc, lower_is_better) = match metric {
        Metric::GenerationOtps => (
            "generation OTPS p50",
            "ratio (above 1: the variant decodes faster)",
            false,
        ),
        Metric::TimeToFirstText => (
            "time to first text p50",
            "ratio (below 1: the variant shows text sooner)",
            true,
        ),
        Metric::TotalLatency => (
            "total latency p50",
            "ratio (below 1: the variant ends sooner)",
            true,
        ),
        _ => (
            "TTFT p50",
            "ratio (below 1: the variant answers sooner)",
            true,
        ),
    };
    let caption = match axis {
        Axis::PerformanceConfig => format!("{name}, optimized / standard"),
        _ => format!("{name}, variant / baseline"),
    };
    Side {
        caption,
        x_desc,
        lower_is_better,
        index,
    }
}

impl Figure for ComparisonChart<'_> {
    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            TITLE_HEIGHT
                + self.panel_rows() * self.panel_height()
                + 20
                + legend::height(&Self::legend(), WIDTH),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let title = format!("{}: ratio of medians", self.axis.title());
        let body = titled(
            root,
            &title,
            "point: ratio; bar: bootstrap 95% confidence interval; colour: the verdict (see the legend); log scale",
        )?;
        let label_width = self
            .labels
            .iter()
            .map(|l| text_width(l, TICK_SIZE))
            .max()
            .unwrap_or(0)
            + 24;
        let (w, _) = body.dim_in_pixel();
        let mut rest = body;
        for pair in self.metrics.chunks(2) {
            let (row, below) = rest.split_vertically(self.panel_height());
            rest = below;
            let (left, right) = row.split_horizontally(label_width + (w - label_width) / 2);
            let (i, metric) = pair[0];
            self.panel(&left, &side(i, metric, self.axis), label_width, true)?;
            if let Some(&(i, metric)) = pair.get(1) {
                self.panel(&right, &side(i, metric, self.axis), 20, false)?;
            }
        }
        let (_, legend_area) = rest.split_vertically(20);
        legend::draw(&legend_area, &Self::legend())
    }
}

impl ComparisonChart<'_> {
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        side: &Side,
        label_width: u32,
        labelled: bool,
    ) -> Result<(), DrawError<DB>> {
        let estimates: Vec<&RatioEstimate> = self
            .comparisons
            .iter()
            .map(|c| &c.ratios[side.index])
            .collect();
        let (mut lo, mut hi) = (1.0f64, 1.0f64);
        for e in &estimates {
            for v in [e.ratio, e.ci_low, e.ci_high].into_iter().flatten() {
                if v > 0.0 && v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        // Symmetric around 1 on the log axis, so that "twice as fast" and
        // "half as fast" look alike.
        let reach = (hi.ln().abs().max(lo.ln().abs()) * 1.25).max(0.15);
        let x = Scale::log((-reach).exp(), reach.exp());
        let labels = if labelled {
            self.labels.clone()
        } else {
            vec![String::new(); self.labels.len()]
        };
        let mut chart = ChartBuilder::on(area)
            .caption(&side.caption, bold(LABEL_SIZE, INK))
            .margin_top(6)
            .margin_right(24)
            .margin_left(6)
            .x_label_area_size(X_AREA)
            .y_label_area_size(label_width)
            .build_cartesian_2d(x, Rows::new(labels))?;
        axes(&mut chart, side.x_desc, "", 8, self.labels.len())?;
        let n = self.labels.len() as f64;
        chart.draw_series(DashedLineSeries::new(
            [(1.0, -0.5), (1.0, n - 0.5)],
            6,
            4,
            MUTED.stroke_width(1),
        ))?;
        for (row, (e, c)) in estimates.iter().zip(&self.comparisons).enumerate() {
            draw_row(&mut chart, &x, row as f64, e, c, side.lower_is_better)?;
        }
        Ok(())
    }
}

fn draw_row<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Scale, Rows>>,
    x: &Scale,
    y: f64,
    e: &RatioEstimate,
    c: &Comparison,
    lower_is_better: bool,
) -> Result<(), DrawError<DB>> {
    let Some(ratio) = e.ratio.filter(|r| *r > 0.0 && r.is_finite()) else {
        let why = format!(
            "no ratio: {} {}, {} {} successful calls",
            c.n_baseline, c.baseline, c.n_variant, c.variant
        );
        chart.draw_series(std::iter::once(
            EmptyElement::at((x.lo(), y))
                + Text::new(
                    why,
                    (10, 0),
                    text(TICK_SIZE, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
                ),
        ))?;
        return Ok(());
    };
    let color = verdict_color(e, lower_is_better);
    if let (Some(low), Some(high)) = (e.ci_low, e.ci_high) {
        let (low, high) = (x.clamp(low.max(x.lo())), x.clamp(high));
        chart.draw_series([
            PathElement::new(vec![(low, y), (high, y)], color.stroke_width(3)),
            PathElement::new(
                vec![(low, y - 0.12), (low, y + 0.12)],
                color.stroke_width(2),
            ),
            PathElement::new(
                vec![(high, y - 0.12), (high, y + 0.12)],
                color.stroke_width(2),
            ),
        ])?;
    }
    chart.draw_series(std::iter::once(Circle::new(
        (x.clamp(ratio), y),
        6,
        color.filled(),
    )))?;
    let label = match (e.ci_low, e.ci_high) {
        (Some(l), Some(h)) => format!("{ratio:.2}× [{l:.2}, {h:.2}]"),
        _ => format!("{ratio:.2}×"),
    };
    chart.draw_series(std::iter::once(
        EmptyElement::at((x.clamp(ratio), y))
            + Text::new(
                label,
                (0, -12),
                text(TICK_SIZE, INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ),
    ))?;
    Ok(())
}

/// [`BETTER`] when the whole interval is on the better side of 1,
/// [`WORSE`] when on the worse side, grey otherwise.
fn verdict_color(e: &RatioEstimate, lower_is_better: bool) -> RGBColor {
    let (Some(low), Some(high)) = (e.ci_low, e.ci_high) else {
        return MUTED;
    };
    let better = if lower_is_better {
        high < 1.0
    } else {
        low > 1.0
    };
    let worse = if lower_is_better {
        low > 1.0
    } else {
        high < 1.0
    };
    if better {
        BETTER
    } else if worse {
        WORSE
    } else {
        MUTED
    }
}
