//! The sweep's chart: against the offered load (rate or concurrency),
//! three panels sharing the
//! x axis: latency percentiles (from the scheduled instant), calls per
//! second (achieved, successful, good), and the throttle and error
//! percentages. The knee and the throttling onset are marked.

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::Circle;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;

use super::frame::{axes, centred_note, styled_line, titled};
use super::legend::{self, Entry, Swatch};
use super::palette::{Dash, LineStyle, SAFE};
use super::scale::Scale;
use super::style::{INK, TICK_SIZE, WIDTH, bold};
use super::writer::{DrawError, Figure};
use crate::analysis::percentile_rule::is_shown;
use crate::sweep::result::{Knee, LatencyMetric, LevelKind, Percentiles, SweepStep};

/// The `p`-th percentile when its calls are enough to give it (see
/// `analysis::percentile_rule`): a step with fewer has no point.
fn shown(q: Option<Percentiles>, p: u8) -> Option<f64> {
    q.filter(|q| is_shown(f64::from(p), q.count))?.get(p)
}

const PANEL: u32 = 300;
const X_AXIS: u32 = 40;

/// The sweep chart of some steps.
#[derive(Debug, Clone)]
pub struct SweepChart<'a> {
    steps: Vec<&'a SweepStep>,
    knee: &'a Knee,
    slo: String,
}

/// One line: its points (offered rate, value) and how it is drawn.
struct Line {
    points: Vec<(f64, f64)>,
    style: LineStyle,
    label: String,
}

/// A line of the `index`-th safe colour in pattern `dash`. Every line
/// and mark of the chart has its own pair, as its legend has one entry
/// for all three panels; a mark shares its colour with the line it
/// belongs to (the knee with goodput, the throttling onset with the
/// throttled share), dotted.
const fn style(index: usize, dash: Dash) -> LineStyle {
    LineStyle {
        color: SAFE[index],
        dash,
    }
}
const BLUE: usize = 0;
const ORANGE: usize = 1;
const GREEN: usize = 2;
const VERMILLION: usize = 3;
const PURPLE: usize = 4;
const SKY: usize = 5;
const BLACK: usize = 6;
/// The knee's mark.
const KNEE: LineStyle = style(GREEN, Dash::Dotted);
/// The throttling onset's mark.
const ONSET: LineStyle = style(PURPLE, Dash::Dotted);

impl<'a> SweepChart<'a> {
    /// The chart of `steps` (in the order of their offered rates; steps
    /// cut short are left out), marking `knee`, subtitled with `slo`.
    pub fn new(steps: &'a [SweepStep], knee: &'a Knee, slo: String) -> SweepChart<'a> {
        let mut steps: Vec<&SweepStep> = steps.iter().filter(|s| !s.interrupted).collect();
        steps.sort_by(|a, b| a.stats.level.total_cmp(&b.stats.level));
        SweepChart { steps, knee, slo }
    }

    fn line(
        &self,
        label: &str,
        style: LineStyle,
        value: impl Fn(&SweepStep) -> Option<f64>,
    ) -> Line {
        Line {
            points: self
                .steps
                .iter()
                .filter_map(|s| value(s).map(|v| (s.stats.level, v)))
                .collect(),
            style,
            label: label.to_string(),
        }
    }

    fn latency_lines(&self) -> Vec<Line> {
        let metric = LatencyMetric::TtftFromScheduled;
        let total = LatencyMetric::TotalFromScheduled;
        vec![
            self.line("TTFT p50", style(BLUE, Dash::Solid), |s| {
                shown(s.stats.latency(metric), 50)
            }),
            self.line("TTFT p90", style(ORANGE, Dash::Solid), |s| {
                shown(s.stats.latency(metric), 90)
            }),
            self.line("TTFT p99", style(VERMILLION, Dash::Solid), |s| {
                shown(s.stats.latency(metric), 99)
            }),
            self.line("total p90", style(ORANGE, Dash::Dashed), |s| {
                shown(s.stats.latency(total), 90)
            }),
        ]
    }

    fn rate_lines(&self) -> Vec<Line> {
        vec![
            self.line("offered", style(BLACK, Dash::Dashed), |s| {
                (self.knee.kind == LevelKind::Rate).then_some(s.stats.level)
            }),
            self.line("achieved", style(BLACK, Dash::Solid), |s| {
                Some(s.stats.achieved_rate())
            }),
            self.line("successful", style(SKY, Dash::Solid), |s| {
                Some(s.stats.success_rate())
            }),
            self.line("good (goodput)", style(GREEN, Dash::Solid), |s| {
                Some(s.stats.goodput())
            }),
        ]
    }

    fn failure_lines(&self) -> Vec<Line> {
        vec![
            self.line("throttled %", style(PURPLE, Dash::Solid), |s| {
                Some(s.stats.throttle_pct())
            }),
            self.line("other errors %", style(VERMILLION, Dash::Dashed), |s| {
                Some(s.stats.error_pct())
            }),
        ]
    }

    fn x_scale(&self) -> Scale {
        let lo = self.steps.first().map_or(0.0, |s| s.stats.level);
        let hi = self.steps.last().map_or(1.0, |s| s.stats.level);
        if hi / lo.max(f64::MIN_POSITIVE) >= 8.0 {
            Scale::log_padded(lo, hi)
        } else {
            Scale::linear(0.0, hi * 1.08 + f64::EPSILON)
        }
    }

    fn legend(&self) -> Vec<Entry> {
        self.latency_lines()
            .into_iter()
            .chain(self.rate_lines())
            .chain(self.failure_lines())
            .map(|l| Entry::new(Swatch::Line(l.style), l.label))
            .chain([
                Entry::new(Swatch::Line(KNEE), "knee (highest rate meeting the SLO)"),
                Entry::new(Swatch::Line(ONSET), "throttling began"),
            ])
            .collect()
    }
}

impl Figure for SweepChart<'_> {
    fn size(&self) -> (u32, u32) {
        let legend = legend::height(&self.legend(), WIDTH);
        (
            WIDTH,
            super::frame::TITLE_HEIGHT + 3 * PANEL + X_AXIS + legend,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let subtitle = format!(
            "x: {}; latencies from each call's scheduled instant (a p90 drawn from 10 calls, a p99 from 100); SLO: {}",
            self.knee.kind.axis(),
            self.slo
        );
        let body = titled(
            root,
            "Sweep: latency, throughput and throttling against offered load",
            &subtitle,
        )?;
        if self.steps.is_empty() {
            return centred_note(&body, &["no step finished".to_string()]);
        }
        let x = self.x_scale();
        let (top, rest) = body.split_vertically(PANEL);
        let (middle, rest) = rest.split_vertically(PANEL);
        let (bottom, rest) = rest.split_vertically(PANEL + X_AXIS);
        self.panel(&top, &x, "latency", "seconds", &self.latency_lines(), false)?;
        self.panel(
            &middle,
            &x,
            "calls per second",
            "calls/s",
            &self.rate_lines(),
            false,
        )?;
        self.panel(
            &bottom,
            &x,
            "throttled and failed calls",
            "% of calls",
            &self.failure_lines(),
            true,
        )?;
        legend::draw(&rest, &self.legend())
    }
}

impl SweepChart<'_> {
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        x: &Scale,
        caption: &str,
        y_desc: &str,
        lines: &[Line],
        last: bool,
    ) -> Result<(), DrawError<DB>> {
        let hi = lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .fold(0.0f64, f64::max);
        let y = Scale::linear(0.0, if hi > 0.0 { hi * 1.1 } else { 1.0 });
        let x_desc = if last { self.knee.kind.axis() } else { "" };
        let mut chart = ChartBuilder::on(area)
            .caption(caption, bold(TICK_SIZE + 1.0, INK))
            .margin_top(4)
            .margin_right(30)
            .margin_left(10)
            .x_label_area_size(if last { 24 + X_AXIS } else { 24 })
            .y_label_area_size(70)
            .build_cartesian_2d(*x, y)?;
        axes(&mut chart, x_desc, y_desc, 10, 5)?;
        for line in lines {
            let points: Vec<(f64, f64)> =
                line.points.iter().map(|&(a, b)| (x.clamp(a), b)).collect();
            styled_line(&mut chart, points.clone(), line.style, 2)?;
            chart.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(*p, 3, line.style.color.filled())),
            )?;
        }
        let marks = [
            (self.knee.highest_passing.map(|k| k.0), KNEE),
            (self.knee.throttle_onset, ONSET),
        ];
        for (rate, style) in marks {
            if let Some(rate) = rate {
                let at = x.clamp(rate);
                styled_line(&mut chart, vec![(at, 0.0), (at, y.hi())], style, 2)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_and_mark_has_its_own_colour_and_pattern() {
        let knee = Knee {
            kind: LevelKind::Rate,
            ..Knee::default()
        };
        let chart = SweepChart::new(&[], &knee, String::new());
        let legend = chart.legend();
        assert_eq!(legend.len(), 12, "ten lines and two marks");
        for (i, a) in legend.iter().enumerate() {
            for b in &legend[..i] {
                assert_ne!(a.swatch, b.swatch, "{} and {}", a.label, b.label);
            }
        }
    }
}
