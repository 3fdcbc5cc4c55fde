//! The calls over time: call start (since the first call of the data, or,
//! for rows without a wall-clock time, since its run started) against
//! TTFT, one panel per group with its own latency scale, coloured by
//! outcome, to show drift and throttling over a long run.

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::{Circle, Cross, TriangleMarker};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;

use super::data::{GroupData, MAX_TIMELINE_SUCCESSES, Outcome, TimeAxis, Timeline};
use super::frame::{TITLE_HEIGHT, axes, centred_note, fit, titled};
use super::layout::time_unit;
use super::legend::{self, Entry, Swatch};
use super::scale::Scale;
use super::style::{FAILED, INK, SUCCESS, THROTTLED, TICK_SIZE, WIDTH, bold};
use super::writer::{DrawError, Figure};
use crate::table::format::count;

/// Height of a panel; the last one also holds the x-axis description.
const PANEL: u32 = 175;
const LAST_EXTRA: u32 = 24;

/// The timeline figure.
#[derive(Debug, Clone)]
pub struct TimelineChart<'a> {
    data: &'a [GroupData<'a>],
    span: f64,
}

impl<'a> TimelineChart<'a> {
    /// The timeline of `data`, or `None` when no attempt has a start time
    /// (neither `job_timestamp_iso` nor `start_offset_s`).
    pub fn new(data: &'a [GroupData<'a>]) -> Option<TimelineChart<'a>> {
        let span = data
            .iter()
            .flat_map(|g| &g.timeline.points)
            .map(|p| p.start)
            .fold(f64::NEG_INFINITY, f64::max);
        if !span.is_finite() {
            return None;
        }
        Some(TimelineChart { data, span })
    }

    fn axis(&self) -> TimeAxis {
        self.data
            .first()
            .map_or(TimeAxis::SinceRunStart, |g| g.timeline.axis)
    }

    fn legend() -> Vec<Entry> {
        vec![
            Entry::new(Swatch::Dot(SUCCESS), "Success (at its TTFT)"),
            Entry::new(
                Swatch::Triangle(THROTTLED),
                "ThrottlingException (at its total latency)",
            ),
            Entry::new(
                Swatch::Cross(FAILED),
                "other errors (at their total latency; none: bottom edge)",
            ),
        ]
    }
}

/// "240 calls: 3 throttled, 1 other error; every 2nd success drawn".
fn panel_caption(g: &GroupData<'_>) -> String {
    let t: &Timeline = &g.timeline;
    let total: usize = t.totals.iter().sum();
    let mut text = format!("{}: {} calls", g.title(), count(total as u64));
    if t.totals[0] == 0 {
        text.push_str(", none successful");
    }
    if t.totals[1] > 0 {
        text.push_str(&format!(", {} throttled", count(t.totals[1] as u64)));
    }
    if t.totals[2] > 0 {
        text.push_str(&format!(
            ", {} other error{}",
            count(t.totals[2] as u64),
            if t.totals[2] == 1 { "" } else { "s" }
        ));
    }
    if t.drawn[0] < t.totals[0] {
        text.push_str(&format!(
            "; {} of {} successes drawn",
            count(t.drawn[0] as u64),
            count(t.totals[0] as u64)
        ));
    }
    if t.drawn[1] < t.totals[1] || t.drawn[2] < t.totals[2] {
        text.push_str("; failures thinned");
    }
    text
}

impl Figure for TimelineChart<'_> {
    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            TITLE_HEIGHT
                + PANEL * self.data.len() as u32
                + LAST_EXTRA
                + legend::height(&Self::legend(), WIDTH),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let thinned = self
            .data
            .iter()
            .any(|g| g.timeline.drawn != g.timeline.totals);
        let since_run = self.axis() == TimeAxis::SinceRunStart;
        let mut subtitle = if since_run {
            "x: call start since its run started (runs overlaid); y: per-panel scale"
        } else {
            "x: call start since the first call (runs and files in sequence); y: per-panel scale"
        }
        .to_string();
        if thinned {
            subtitle.push_str(&format!(
                "; at most {} successes drawn per panel (evenly spaced)",
                count(MAX_TIMELINE_SUCCESSES as u64)
            ));
        }
        let body = titled(root, "Calls over time: TTFT and failures", &subtitle)?;
        let (unit, per) = time_unit(self.span);
        let x = Scale::linear(0.0, (self.span / per) * 1.02 + f64::EPSILON);
        let mut rest = body;
        for (i, g) in self.data.iter().enumerate() {
            let last = i + 1 == self.data.len();
            let height = if last { PANEL + LAST_EXTRA } else { PANEL };
            let (area, below) = rest.split_vertically(height);
            let x_desc = if last {
                match since_run {
                    true => format!("call start ({unit} since the run started)"),
                    false => format!("call start ({unit} since the first call)"),
                }
            } else {
                String::new()
            };
            panel(&area, g, &x, &x_desc, per, last)?;
            rest = below;
        }
        legend::draw(&rest, &Self::legend())
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &GroupData<'_>,
    x: &Scale,
    x_desc: &str,
    per: f64,
    last: bool,
) -> Result<(), DrawError<DB>> {
    let points = &g.timeline.points;
    let (w, _) = area.dim_in_pixel();
    let caption = fit(&panel_caption(g), TICK_SIZE + 1.0, w - 60);
    if points.is_empty() {
        let (top, rest) = area.split_vertically(30);
        centred_note(&top, &[caption])?;
        let why = if g.timeline.without_start > 0 {
            "no start time in these rows (no job_timestamp_iso or start_offset_s)".to_string()
        } else {
            "no call".to_string()
        };
        return centred_note(&rest, &[why]);
    }
    let latencies = points.iter().map(|p| p.latency).filter(|v| *v > 0.0);
    let lo = latencies.clone().fold(f64::INFINITY, f64::min);
    let hi = latencies.fold(f64::NEG_INFINITY, f64::max);
    let y = if lo.is_finite() {
        Scale::auto(lo, hi)
    } else {
        Scale::linear(0.0, 1.0)
    };
    let y_desc = if y.is_log() {
        "latency (s, log)"
    } else {
        "latency (s)"
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, bold(TICK_SIZE + 1.0, INK))
        .margin_top(4)
        .margin_right(30)
        .margin_left(10)
        .x_label_area_size(if last { 24 + LAST_EXTRA } else { 24 })
        .y_label_area_size(70)
        .build_cartesian_2d(*x, y)?;
    axes(&mut chart, x_desc, y_desc, 12, 4)?;
    let at = |p: &super::data::TimelinePoint| {
        let latency = if p.latency.is_nan() {
            y.lo()
        } else {
            p.latency
        };
        (x.clamp(p.start / per), y.clamp(latency))
    };
    chart.draw_series(
        points
            .iter()
            .filter(|p| p.outcome == Outcome::Success)
            .map(|p| Circle::new(at(p), 2, SUCCESS.mix(0.65).filled())),
    )?;
    chart.draw_series(
        points
            .iter()
            .filter(|p| p.outcome == Outcome::Throttled)
            .map(|p| TriangleMarker::new(at(p), 4, THROTTLED.mix(0.85).filled())),
    )?;
    chart.draw_series(
        points
            .iter()
            .filter(|p| p.outcome == Outcome::Failed)
            .map(|p| Cross::new(at(p), 4, FAILED.stroke_width(2))),
    )?;
    Ok(())
}
