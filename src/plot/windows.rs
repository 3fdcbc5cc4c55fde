//! The time windows (`analyze --window`): TTFT p50 and p90 per window,
//! one panel per group in its variant's colour, the x axis the run's time
//! at each window's middle; the caption says the group's drift. A p90 is
//! drawn only where its window has the calls for one (see
//! [`crate::analysis::percentile_rule`]).

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::Circle;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::{Color, RGBColor};

use super::data::{GroupData, variants};
use super::frame::{TITLE_HEIGHT, axes, centred_note, fit, styled_line, titled};
use super::layout::time_unit;
use super::legend::{self, Entry, Swatch};
use super::palette::{Dash, LineStyle};
use super::scale::Scale;
use super::style::{INK, TICK_SIZE, WIDTH, bold};
use super::writer::{DrawError, Figure};
use crate::analysis::Analysis;
use crate::analysis::drift::{Drift, signed_pct};
use crate::analysis::percentile_rule::is_shown;
use crate::analysis::windows::{GroupWindows, seconds};

/// Height of a panel; the last one also holds the x-axis description.
const PANEL: u32 = 200;
const LAST_EXTRA: u32 = 24;

/// One group's line.
#[derive(Debug, Clone)]
struct Panel {
    /// `model · region · variant: drift: slower (TTFT p50 +31% ...)`.
    caption: String,
    color: RGBColor,
    /// (window middle in seconds, p50) of the windows with a call.
    p50: Vec<(f64, f64)>,
    /// (window middle, p90) of the windows with enough calls for one.
    p90: Vec<(f64, f64)>,
}

/// The time-window chart: a panel per group.
#[derive(Debug, Clone)]
pub struct WindowsChart {
    panels: Vec<Panel>,
    /// The run's length, seconds (the x axis).
    run_s: f64,
    /// The windows' width, for the subtitle.
    width_s: f64,
}

impl WindowsChart {
    /// The chart of `analysis`'s windows (`data` gives the groups' titles
    /// and colours), or `None` without windows.
    pub fn new(analysis: &Analysis, data: &[GroupData<'_>]) -> Option<WindowsChart> {
        let windows = analysis.windows.as_ref()?;
        let colors = variants(data);
        let panels = windows
            .groups
            .iter()
            .map(|g| {
                let title = data
                    .iter()
                    .find(|d| {
                        d.stats.model == g.model
                            && d.stats.region == g.region
                            && d.stats.performance_config == g.performance_config
                    })
                    .map_or_else(
                        || format!("{} · {} · {}", g.model, g.region, g.performance_config),
                        GroupData::title,
                    );
                panel(g, title, colors.color(&g.performance_config))
            })
            .collect();
        Some(WindowsChart {
            panels,
            run_s: windows.run_s,
            width_s: windows.width_s,
        })
    }

    fn legend(&self) -> Vec<Entry> {
        let color = self.panels.first().map_or(INK, |p| p.color);
        vec![
            Entry::new(
                Swatch::Line(LineStyle {
                    color,
                    dash: Dash::Solid,
                }),
                "TTFT p50 of the window's successful calls",
            ),
            Entry::new(
                Swatch::Line(LineStyle {
                    color,
                    dash: Dash::Dashed,
                }),
                "TTFT p90 (windows of 10 calls or more)",
            ),
        ]
    }
}

fn panel(g: &GroupWindows, title: String, color: RGBColor) -> Panel {
    let mut p50 = Vec::new();
    let mut p90 = Vec::new();
    for w in &g.windows {
        let Some(ttft) = w.ttft else { continue };
        let middle = w.start_s + w.span_s / 2.0;
        p50.push((middle, ttft.p50));
        if is_shown(90.0, ttft.count) {
            p90.push((middle, ttft.p90));
        }
    }
    Panel {
        caption: format!("{title}: {}", drift_words(&g.drift)),
        color,
        p50,
        p90,
    }
}

/// `drift: slower (TTFT p50 +31% [+22%, +40%])`, `no drift`, `too few
/// windows`.
fn drift_words(drift: &Drift) -> String {
    let Drift::Measured(m) = drift else {
        return drift.verdict().to_string();
    };
    let ttft = m.ttft.map(|s| match s.interval {
        Some((low, high)) => format!(
            " (TTFT p50 {} [{}, {}])",
            signed_pct(s.change),
            signed_pct(low),
            signed_pct(high)
        ),
        None => format!(" (TTFT p50 {})", signed_pct(s.change)),
    });
    format!("{}{}", drift.verdict(), ttft.unwrap_or_default())
}

impl Figure for WindowsChart {
    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            TITLE_HEIGHT
                + PANEL * self.panels.len().max(1) as u32
                + LAST_EXTRA
                + legend::height(&self.legend(), WIDTH),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let subtitle = format!(
            "windows of {} from the first call's start; each point at its window's middle",
            seconds(self.width_s)
        );
        let body = titled(root, "TTFT per time window", &subtitle)?;
        let (unit, per) = time_unit(self.run_s);
        let x = Scale::linear(0.0, self.run_s / per * 1.02 + f64::EPSILON);
        let mut rest = body;
        for (i, panel) in self.panels.iter().enumerate() {
            let last = i + 1 == self.panels.len();
            let height = if last { PANEL + LAST_EXTRA } else { PANEL };
            let (area, below) = rest.split_vertically(height);
            let x_desc = if last {
                format!("time since the first call ({unit})")
            } else {
                String::new()
            };
            draw_panel(&area, panel, &x, &x_desc, per, last)?;
            rest = below;
        }
        legend::draw(&rest, &self.legend())
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    x: &Scale,
    x_desc: &str,
    per: f64,
    last: bool,
) -> Result<(), DrawError<DB>> {
    let (w, _) = area.dim_in_pixel();
    let caption = fit(&panel.caption, TICK_SIZE + 1.0, w.saturating_sub(60));
    if panel.p50.is_empty() {
        let (top, rest) = area.split_vertically(30);
        centred_note(&top, &[caption])?;
        return centred_note(&rest, &["no successful call in any window".to_string()]);
    }
    let highest = panel
        .p50
        .iter()
        .chain(&panel.p90)
        .map(|&(_, v)| v)
        .fold(0.0f64, f64::max);
    let y = Scale::linear(0.0, highest * 1.1 + f64::EPSILON);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, bold(TICK_SIZE + 1.0, INK))
        .margin_top(4)
        .margin_right(30)
        .margin_left(10)
        .x_label_area_size(if last { 24 + LAST_EXTRA } else { 24 })
        .y_label_area_size(70)
        .build_cartesian_2d(*x, y)?;
    axes(&mut chart, x_desc, "TTFT (s)", 12, 5)?;
    let at = |&(t, v): &(f64, f64)| (x.clamp(t / per), y.clamp(v));
    for (points, dash) in [(&panel.p50, Dash::Solid), (&panel.p90, Dash::Dashed)] {
        let style = LineStyle {
            color: panel.color,
            dash,
        };
        styled_line(&mut chart, points.iter().map(at).collect(), style, 2)?;
        chart.draw_series(
            points
                .iter()
                .map(|p| Circle::new(at(p), 3, panel.color.mix(0.8).filled())),
        )?;
    }
    Ok(())
}
