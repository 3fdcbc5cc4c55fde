//! The prefill cost: TTFT against input tokens, one panel per group with
//! a fit (see [`crate::analysis::prefill`]), its calls as points in its
//! variant's colour and the least-squares line over the input lengths
//! fitted, the fit in the panel's caption.

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::Circle;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::{Color, RGBColor};

use super::data::{GroupData, stride, variants};
use super::frame::{TITLE_HEIGHT, axes, fit as fit_text, styled_line, titled};
use super::legend::{self, Entry, Swatch};
use super::palette::{Dash, LineStyle};
use super::scale::Scale;
use super::style::{INK, TICK_SIZE, WIDTH, bold};
use super::writer::{DrawError, Figure};
use crate::analysis::Analysis;
use crate::analysis::prefill::{PrefillFit, PrefillPoint, points};
use crate::table::Format;
use crate::table::format::count;

/// Panels draw at most this many calls each (every k-th, in row order);
/// the fit uses every call.
pub const MAX_PREFILL_POINTS: usize = 4000;

/// Height of a panel; the last one also holds the x-axis description.
const PANEL: u32 = 260;
const LAST_EXTRA: u32 = 24;

/// One fitted group.
#[derive(Debug, Clone)]
struct Panel {
    /// `model · region · variant`, the model's short label.
    title: String,
    /// The variant's colour.
    color: RGBColor,
    fit: PrefillFit,
    /// The calls drawn.
    points: Vec<PrefillPoint>,
}

/// The prefill chart: a panel per group with a fit.
#[derive(Debug, Clone)]
pub struct PrefillChart {
    panels: Vec<Panel>,
}

impl PrefillChart {
    /// The chart of `analysis`'s fits (`data` names the groups and gives
    /// their colours), or `None` when no group has a fit.
    pub fn new(analysis: &Analysis, data: &[GroupData<'_>]) -> Option<PrefillChart> {
        let dataset = &analysis.dataset;
        let groups = dataset.groups();
        let colors = variants(data);
        let panels: Vec<Panel> = analysis
            .prefill
            .iter()
            .filter_map(|prefill| {
                let fit = prefill.fit.ok()?;
                let same = |model: &str, region: &str, config: &str| {
                    model == prefill.model
                        && region == prefill.region
                        && config == prefill.performance_config
                };
                let group = groups
                    .iter()
                    .find(|g| same(g.model, g.region, g.performance_config))?;
                let title = data
                    .iter()
                    .find(|g| same(&g.stats.model, &g.stats.region, &g.stats.performance_config))
                    .map_or_else(
                        || {
                            format!(
                                "{} · {} · {}",
                                prefill.model, prefill.region, prefill.performance_config
                            )
                        },
                        GroupData::title,
                    );
                let all = points(dataset, group);
                let step = stride(all.len(), MAX_PREFILL_POINTS);
                Some(Panel {
                    title,
                    color: colors.color(&prefill.performance_config),
                    fit,
                    points: all.into_iter().step_by(step).collect(),
                })
            })
            .collect();
        (!panels.is_empty()).then_some(PrefillChart { panels })
    }

    fn legend(&self) -> Vec<Entry> {
        let dot = self.panels.first().map_or(INK, |p| p.color);
        vec![
            Entry::new(
                Swatch::Dot(dot),
                "a successful call: its TTFT at its input tokens",
            ),
            Entry::new(
                Swatch::Line(LineStyle {
                    color: INK,
                    dash: Dash::Solid,
                }),
                "least-squares line, over the input lengths fitted",
            ),
        ]
    }
}

/// "model · region · standard: 240 calls, TTFT = 0.200 s + 500.000 ms
/// per 1,000 input tokens, R² 0.981; narrow range; 4,000 of 9,000 calls
/// drawn".
fn caption(panel: &Panel) -> String {
    let fit = &panel.fit;
    let mut text = format!(
        "{}: {} calls, TTFT = {} s + {} ms per 1,000 input tokens",
        panel.title,
        count(fit.calls as u64),
        Format::SECONDS.human(fit.intercept.value),
        Format::MILLISECONDS.human(fit.slope_per_1k.value),
    );
    if fit.r_squared.is_finite() {
        text.push_str(&format!(", R² {}", Format::RATIO.human(fit.r_squared)));
    }
    if fit.is_narrow() {
        text.push_str("; narrow range");
    }
    if panel.points.len() < fit.calls {
        text.push_str(&format!(
            "; {} of {} calls drawn",
            count(panel.points.len() as u64),
            count(fit.calls as u64)
        ));
    }
    text
}

impl Figure for PrefillChart {
    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            TITLE_HEIGHT
                + PANEL * self.panels.len() as u32
                + LAST_EXTRA
                + legend::height(&self.legend(), WIDTH),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let body = titled(
            root,
            "Prefill cost: TTFT against input tokens",
            "one panel per group with a fit; the intercept in seconds, the slope in ms per 1,000 input tokens",
        )?;
        let mut rest = body;
        for (i, panel) in self.panels.iter().enumerate() {
            let last = i + 1 == self.panels.len();
            let height = if last { PANEL + LAST_EXTRA } else { PANEL };
            let (area, below) = rest.split_vertically(height);
            draw_panel(&area, panel, last)?;
            rest = below;
        }
        legend::draw(&rest, &self.legend())
    }
}

/// The x axis of a panel: from 0 when the inputs reach down to half the
/// longest (the intercept then shows), else around the inputs.
fn x_scale(fit: &PrefillFit) -> Scale {
    let (min, max) = (fit.min_input_tokens, fit.max_input_tokens);
    let pad = (max - min) * 0.05;
    if min <= max / 2.0 {
        Scale::linear(0.0, max + pad)
    } else {
        Scale::linear(min - pad, max + pad)
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    last: bool,
) -> Result<(), DrawError<DB>> {
    let (w, _) = area.dim_in_pixel();
    let caption = fit_text(&caption(panel), TICK_SIZE + 1.0, w.saturating_sub(60));
    let x = x_scale(&panel.fit);
    let fitted =
        [panel.fit.min_input_tokens, panel.fit.max_input_tokens].map(|t| panel.fit.ttft_at(t));
    let highest = panel
        .points
        .iter()
        .map(|p| p.ttft)
        .chain(fitted)
        .fold(0.0f64, f64::max);
    let lowest = panel
        .points
        .iter()
        .map(|p| p.ttft)
        .chain(fitted)
        .fold(0.0f64, f64::min);
    let y = Scale::linear(lowest, highest * 1.08);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, bold(TICK_SIZE + 1.0, INK))
        .margin_top(4)
        .margin_right(30)
        .margin_left(10)
        .x_label_area_size(if last { 24 + LAST_EXTRA } else { 24 })
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)?;
    let x_desc = if last {
        "input tokens (model_input_tokens)"
    } else {
        ""
    };
    axes(&mut chart, x_desc, "TTFT (s)", 10, 5)?;
    chart.draw_series(panel.points.iter().map(|p| {
        Circle::new(
            (x.clamp(p.input_tokens), y.clamp(p.ttft)),
            3,
            panel.color.mix(0.6).filled(),
        )
    }))?;
    let line = [panel.fit.min_input_tokens, panel.fit.max_input_tokens]
        .into_iter()
        .zip(fitted)
        .collect();
    let style = LineStyle {
        color: INK,
        dash: Dash::Solid,
    };
    styled_line(&mut chart, line, style, 2)?;
    Ok(())
}
