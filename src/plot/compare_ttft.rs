//! `compare`'s chart: the TTFT distributions of BASE and NEW for one
//! group, overlaid as cumulative distributions (blue BASE, orange NEW
//! dashed), so that a shift of the body or of the tail shows at once.

use plotters::chart::{ChartBuilder, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, PathElement};
use plotters::series::{DashedLineSeries, LineSeries};
use plotters::style::{Color, WHITE};

use super::cdf::cdf_points;
use super::frame::titled;
use super::palette::SAFE;
use super::style::{INK, LABEL_SIZE, TICK_SIZE, WIDTH, text};
use super::writer::{DrawError, Figure};

const HEIGHT: u32 = 420;

/// Both sides' TTFT of one group.
#[derive(Debug, Clone)]
pub struct CompareTtft {
    title: String,
    base: Vec<f64>,
    new: Vec<f64>,
}

impl CompareTtft {
    /// The chart of `base` against `new` (seconds, any order), titled
    /// `title` (the group).
    pub fn new(title: &str, base: &[f64], new: &[f64]) -> CompareTtft {
        let sorted = |v: &[f64]| {
            let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            v.sort_unstable_by(f64::total_cmp);
            v
        };
        CompareTtft {
            title: title.to_string(),
            base: sorted(base),
            new: sorted(new),
        }
    }
}

impl Figure for CompareTtft {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let subtitle = format!(
            "TTFT, cumulative share of calls: BASE n={}, NEW n={}",
            self.base.len(),
            self.new.len()
        );
        let area = titled(root, &self.title, &subtitle)?;
        let max = self
            .base
            .last()
            .into_iter()
            .chain(self.new.last())
            .fold(0.0f64, |a, &b| a.max(b));
        let min = self
            .base
            .first()
            .into_iter()
            .chain(self.new.first())
            .fold(max, |a, &b| a.min(b));
        let x_max = if max > 0.0 { max * 1.05 } else { 1.0 };
        // From a little below the fastest call, so that close
        // distributions are told apart.
        let x_min = (min - (max - min) * 0.1).clamp(0.0, x_max * 0.99);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x_min..x_max, 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc("TTFT (s)")
            .y_desc("calls (%)")
            .label_style(text(TICK_SIZE, INK))
            .axis_desc_style(text(LABEL_SIZE, INK))
            .draw()?;
        let (blue, orange) = (SAFE[0], SAFE[1]);
        chart
            .draw_series(LineSeries::new(
                cdf_points(&self.base),
                blue.stroke_width(2),
            ))?
            .label(format!("BASE (n={})", self.base.len()))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], blue.stroke_width(2))
            });
        chart
            .draw_series(DashedLineSeries::new(
                cdf_points(&self.new),
                8,
                5,
                orange.stroke_width(2),
            ))?
            .label(format!("NEW (n={})", self.new.len()))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], orange.stroke_width(2))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(INK)
            .label_font(text(LABEL_SIZE, INK))
            .draw()?;
        Ok(())
    }
}

/// The chart as an SVG document.
pub fn compare_ttft_svg(
    title: &str,
    base: &[f64],
    new: &[f64],
) -> Result<String, super::PlotError> {
    Ok(super::render("compare_ttft", &CompareTtft::new(title, base, new))?.svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_are_drawn_with_their_counts() {
        let svg =
            compare_ttft_svg("m us-east-1 standard", &[0.5, 0.4, 0.6], &[0.7, 0.8]).expect("drawn");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(
            svg.contains("BASE (n=3)") && svg.contains("NEW (n=2)"),
            "legend"
        );
        assert!(svg.contains("m us-east-1 standard"), "title");
        // An empty side is drawn as no line, not an error.
        assert!(compare_ttft_svg("empty", &[], &[0.5]).is_ok());
    }
}
