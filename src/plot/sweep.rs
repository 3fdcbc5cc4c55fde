//! The sweep's chart: against the offered load (rate or concurrency),
//! three panels sharing the
//! x axis: latency percentiles (from the scheduled instant), calls per
//! second (achieved, successful, good), and the throttle and error
//! percentages. The knee and the throttling onset are marked.

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::Circle;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::series::{DashedLineSeries, LineSeries};
use plotters::style::{Color, RGBColor};

use super::frame::{axes, centred_note, titled};
use super::legend::{self, Entry, Swatch};
use super::scale::Scale;
use super::style::{FAILED, INK, MUTED, P50, P90, STANDARD, THROTTLED, TICK_SIZE, WIDTH, bold};
use super::writer::{DrawError, Figure};
use crate::sweep::{Knee, LatencyMetric, LevelKind, SweepStep};

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
    color: RGBColor,
    dashed: bool,
    label: String,
}

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
        color: RGBColor,
        dashed: bool,
        value: impl Fn(&SweepStep) -> Option<f64>,
    ) -> Line {
        Line {
            points: self
                .steps
                .iter()
                .filter_map(|s| value(s).map(|v| (s.stats.level, v)))
                .collect(),
            color,
            dashed,
            label: label.to_string(),
        }
    }

    fn latency_lines(&self) -> Vec<Line> {
        let metric = LatencyMetric::TtftFromScheduled;
        let total = LatencyMetric::TotalFromScheduled;
        vec![
            self.line("TTFT p50", P50, false, |s| {
                s.stats.latency(metric).map(|p| p.p50)
            }),
            self.line("TTFT p90", P90, false, |s| {
                s.stats.latency(metric).map(|p| p.p90)
            }),
            self.line("TTFT p99", FAILED, false, |s| {
                s.stats.latency(metric).map(|p| p.p99)
            }),
            self.line("total p90", P90, true, |s| {
                s.stats.latency(total).map(|p| p.p90)
            }),
        ]
    }

    fn rate_lines(&self) -> Vec<Line> {
        vec![
            self.line("offered", MUTED, true, |s| {
                (self.knee.kind == LevelKind::Rate).then_some(s.stats.level)
            }),
            self.line("achieved", INK, false, |s| Some(s.stats.achieved_rate())),
            self.line("successful", STANDARD, false, |s| {
                Some(s.stats.success_rate())
            }),
            self.line("good (goodput)", P50, false, |s| Some(s.stats.goodput())),
        ]
    }

    fn failure_lines(&self) -> Vec<Line> {
        vec![
            self.line("throttled %", THROTTLED, false, |s| {
                Some(s.stats.throttle_pct())
            }),
            self.line("other errors %", FAILED, false, |s| {
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
            .map(|l| {
                let swatch = if l.dashed {
                    Swatch::Dashed(l.color)
                } else {
                    Swatch::Line(l.color)
                };
                Entry::new(swatch, l.label)
            })
            .chain([
                Entry::new(Swatch::Dashed(P50), "knee (highest rate meeting the SLO)"),
                Entry::new(Swatch::Dashed(THROTTLED), "throttling began"),
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
            "x: {}; latencies from each call's scheduled instant; SLO: {}",
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
            if line.dashed {
                chart.draw_series(DashedLineSeries::new(
                    points.clone(),
                    6,
                    4,
                    line.color.stroke_width(2),
                ))?;
            } else {
                chart.draw_series(LineSeries::new(points.clone(), line.color.stroke_width(2)))?;
            }
            chart.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(*p, 3, line.color.filled())),
            )?;
        }
        let marks = [
            (self.knee.highest_passing.map(|k| k.0), P50),
            (self.knee.throttle_onset, THROTTLED),
        ];
        for (rate, color) in marks {
            if let Some(rate) = rate {
                let at = x.clamp(rate);
                chart.draw_series(DashedLineSeries::new(
                    [(at, 0.0), (at, y.hi())],
                    5,
                    5,
                    color.stroke_width(1),
                ))?;
            }
        }
        Ok(())
    }
}
