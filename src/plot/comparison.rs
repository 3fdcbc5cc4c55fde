//! Standard vs optimized: per model and region, the ratio optimized /
//! standard of the TTFT median and of the generation-OTPS median, with
//! its bootstrap confidence interval, on log axes centred on 1.

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
use super::scale::{Rows, Scale};
use super::style::{FAILED, INK, LABEL_SIZE, MUTED, P50, TICK_SIZE, WIDTH, bold, text, text_width};
use super::writer::{DrawError, Figure};
use crate::analysis::{Comparison, RatioEstimate};

const ROW: u32 = 62;
const X_AREA: u32 = 56;
const CAPTION: u32 = 34;

/// The comparison chart (only when some model has both configs).
#[derive(Debug, Clone)]
pub struct ComparisonChart<'a> {
    comparisons: &'a [Comparison],
    labels: Vec<String>,
}

impl<'a> ComparisonChart<'a> {
    /// The chart of `comparisons` (`None` when there is none).
    pub fn new(comparisons: &'a [Comparison]) -> Option<ComparisonChart<'a>> {
        if comparisons.is_empty() {
            return None;
        }
        let models: Vec<&str> = comparisons.iter().map(|c| c.model.as_str()).collect();
        let mut labels = distinct_labels(&models);
        let regions: std::collections::HashSet<&str> =
            comparisons.iter().map(|c| c.region.as_str()).collect();
        if regions.len() > 1 {
            for (label, c) in labels.iter_mut().zip(comparisons) {
                label.push_str(" · ");
                label.push_str(&c.region);
            }
        }
        Some(ComparisonChart {
            comparisons,
            labels,
        })
    }
}

/// Which ratio a panel shows, and which side of 1 is better.
struct Side {
    caption: &'static str,
    x_desc: &'static str,
    lower_is_better: bool,
    pick: fn(&Comparison) -> &RatioEstimate,
}

const TTFT: Side = Side {
    caption: "TTFT p50, optimized / standard",
    x_desc: "ratio (below 1: optimized answers sooner)",
    lower_is_better: true,
    pick: |c| &c.ttft_p50,
};

const OTPS: Side = Side {
    caption: "generation OTPS p50, optimized / standard",
    x_desc: "ratio (above 1: optimized decodes faster)",
    lower_is_better: false,
    pick: |c| &c.generation_otps_p50,
};

impl Figure for ComparisonChart<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.comparisons.len() as u32;
        (WIDTH, TITLE_HEIGHT + CAPTION + rows * ROW + X_AREA + 30)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let body = titled(
            root,
            "Standard vs optimized: ratio of medians",
            "point: ratio; bar: bootstrap 95% confidence interval; green: better with optimized, red: worse, grey: no clear difference; log scale",
        )?;
        let label_width = self
            .labels
            .iter()
            .map(|l| text_width(l, TICK_SIZE))
            .max()
            .unwrap_or(0)
            + 24;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(label_width + (w - label_width) / 2);
        self.panel(&left, &TTFT, label_width, true)?;
        self.panel(&right, &OTPS, 20, false)
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
        let estimates: Vec<&RatioEstimate> = self.comparisons.iter().map(side.pick).collect();
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
            .caption(side.caption, bold(LABEL_SIZE, INK))
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
        for (row, (e, c)) in estimates.iter().zip(self.comparisons).enumerate() {
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
            "no ratio: {} standard, {} optimized successful calls",
            c.n_standard, c.n_optimized
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

/// Green when the whole interval is on the better side of 1, red when on
/// the worse side, grey otherwise.
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
        P50
    } else if worse {
        FAILED
    } else {
        MUTED
    }
}
