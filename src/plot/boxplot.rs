//! Box plots by model: one row per model (and region), its variants side
//! by side, each variant in its own colour (the same on every chart; see
//! `palette::Variants`). Used for TTFT, OTPS and the inter-chunk gaps.

use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::element::{Cross, EmptyElement, PathElement, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::data::{BoxStats, GroupData, variants};
use super::frame::{TITLE_HEIGHT, axes, titled};
use super::legend::{self, Entry, Swatch};
use super::palette::variant_order;
use super::scale::{Rows, Scale};
use super::style::{TICK_SIZE, WIDTH, text, text_width};
use super::writer::{DrawError, Figure};

/// Pixels per box.
const BOX_ROW: u32 = 30;
/// Extra pixels per model row.
const ROW_PAD: u32 = 22;
/// Height of the x-axis label area.
const X_AREA: u32 = 56;

/// One box (or a note where there is nothing to draw).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The variant label (`standard`, `standard+priority`...).
    pub config: String,
    /// The variant's colour.
    pub color: RGBColor,
    /// The numbers; `None` draws `note` instead.
    pub stats: Option<BoxStats>,
    /// Why there is no box.
    pub note: String,
}

/// One row: a model (and region) with its configs.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Row label.
    pub label: String,
    /// In variant order: standard, optimized, then the others by name.
    pub members: Vec<Member>,
}

/// A box-plot figure.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxChart {
    /// Title.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// x-axis description with unit.
    pub x_desc: String,
    /// Rows, top to bottom.
    pub slots: Vec<Slot>,
}

/// Which per-call metric a box chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxMetric {
    /// TTFT, seconds.
    Ttft,
    /// OTPS, tokens per second.
    Otps,
}

/// Group `data` into rows by (model, region), keeping the analysis order
/// of models; `member` makes each group's box.
pub fn slots<'a>(
    data: &'a [GroupData<'a>],
    member: impl Fn(&GroupData<'a>) -> Member,
) -> Vec<Slot> {
    let regions: std::collections::HashSet<&str> =
        data.iter().map(|g| g.stats.region.as_str()).collect();
    let mut out: Vec<(&str, &str, Slot)> = Vec::new();
    for g in data {
        let (model, region) = (g.stats.model.as_str(), g.stats.region.as_str());
        let m = member(g);
        match out
            .iter_mut()
            .find(|(mo, re, _)| *mo == model && *re == region)
        {
            Some((_, _, slot)) => slot.members.push(m),
            None => {
                let label = if regions.len() > 1 {
                    format!("{} · {}", g.label, region)
                } else {
                    g.label.clone()
                };
                out.push((
                    model,
                    region,
                    Slot {
                        label,
                        members: vec![m],
                    },
                ))
            }
        }
    }
    out.into_iter()
        .map(|(_, _, mut slot)| {
            slot.members
                .sort_by(|a, b| variant_order(&a.config).cmp(&variant_order(&b.config)));
            slot
        })
        .collect()
}

impl BoxChart {
    /// TTFT or OTPS boxes of every group.
    pub fn metric(data: &[GroupData<'_>], metric: BoxMetric) -> BoxChart {
        let variants = variants(data);
        let slots = slots(data, |g| {
            let values = match metric {
                BoxMetric::Ttft => &g.ttft,
                BoxMetric::Otps => &g.otps,
            };
            Member {
                config: g.stats.performance_config.clone(),
                color: variants.color(&g.stats.performance_config),
                stats: BoxStats::of_sorted(values),
                note: if g.has_no_success() {
                    g.no_success_note()
                } else {
                    "no values".to_string()
                },
            }
        });
        let (title, x_desc) = match metric {
            BoxMetric::Ttft => ("Time to first token by model", "TTFT (s)"),
            BoxMetric::Otps => (
                "Output tokens per second by model",
                "OTPS (output tokens / total latency, tokens/s)",
            ),
        };
        BoxChart {
            title: title.to_string(),
            subtitle: String::new(),
            x_desc: x_desc.to_string(),
            slots,
        }
    }

    /// The axis: every box and note, log when the values span more than
    /// `LOG_RATIO` (see [`Scale`]).
    pub fn scale(&self) -> Scale {
        let stats: Vec<BoxStats> = self
            .slots
            .iter()
            .flat_map(|s| &s.members)
            .filter_map(|m| m.stats)
            .collect();
        let hi = stats
            .iter()
            .map(|s| s.max)
            .fold(f64::NEG_INFINITY, f64::max);
        // The smallest positive number drawn: zeros (two chunks in the
        // same microsecond) sit on the left edge of a log axis.
        let lo = stats
            .iter()
            .flat_map(|s| [s.min, s.p5, s.p25, s.p50])
            .filter(|v| *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        if !hi.is_finite() {
            return Scale::linear(0.0, 1.0);
        }
        if lo.is_finite() && hi / lo > super::scale::LOG_RATIO {
            return Scale::log_padded(lo, hi);
        }
        Scale::linear(0.0, hi * 1.08)
    }

    fn subtitle_text(&self, scale: &Scale) -> String {
        let mut text = "box p25–p75, bar at the median, whiskers p5–p95, × min and max".to_string();
        if scale.is_log() {
            text.push_str("; log scale");
        }
        if !self.subtitle.is_empty() {
            text.push_str("; ");
            text.push_str(&self.subtitle);
        }
        text
    }

    /// One entry per variant drawn, in variant order, in its colour.
    pub(crate) fn legend(&self) -> Vec<Entry> {
        let mut members: Vec<&Member> = self.slots.iter().flat_map(|s| &s.members).collect();
        members.sort_by(|a, b| variant_order(&a.config).cmp(&variant_order(&b.config)));
        members.dedup_by(|a, b| a.config == b.config);
        members
            .into_iter()
            .map(|m| Entry::new(Swatch::Box(m.color), m.config.clone()))
            .collect()
    }

    fn plot_height(&self) -> u32 {
        let rows: u32 = self
            .slots
            .iter()
            .map(|s| s.members.len() as u32 * BOX_ROW + ROW_PAD)
            .sum();
        rows.max(120) + X_AREA + 20
    }
}

impl Figure for BoxChart {
    fn size(&self) -> (u32, u32) {
        let legend = legend::height(&self.legend(), WIDTH);
        (WIDTH, TITLE_HEIGHT + self.plot_height() + legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let scale = self.scale();
        let body = titled(root, &self.title, &self.subtitle_text(&scale))?;
        let (plot, legend_area) = body.split_vertically(self.plot_height());
        let labels: Vec<String> = self.slots.iter().map(|s| s.label.clone()).collect();
        let label_width = labels
            .iter()
            .map(|l| text_width(l, TICK_SIZE))
            .max()
            .unwrap_or(0)
            + 24;
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(10)
            .margin_right(30)
            .margin_left(10)
            .x_label_area_size(X_AREA)
            .y_label_area_size(label_width.max(60))
            .build_cartesian_2d(scale, Rows::new(labels))?;
        axes(&mut chart, &self.x_desc, "", 10, self.slots.len())?;
        for (row, slot) in self.slots.iter().enumerate() {
            let m = slot.members.len().max(1) as f64;
            let band = 0.72 / m;
            for (j, member) in slot.members.iter().enumerate() {
                let y = row as f64 - 0.36 + band * (j as f64 + 0.5);
                let half = band * 0.36;
                let color = member.color;
                match member.stats {
                    Some(s) => draw_box(&mut chart, &scale, s, y, half, color)?,
                    None => {
                        chart.draw_series(std::iter::once(
                            EmptyElement::at((scale.lo(), y))
                                + Text::new(
                                    format!("{}: {}", member.config, member.note),
                                    (10, 0),
                                    text(TICK_SIZE, color).pos(Pos::new(HPos::Left, VPos::Center)),
                                ),
                        ))?;
                    }
                }
            }
        }
        legend::draw(&legend_area, &self.legend())
    }
}

fn draw_box<DB: DrawingBackend>(
    chart: &mut plotters::chart::ChartContext<
        '_,
        DB,
        plotters::coord::cartesian::Cartesian2d<Scale, Rows>,
    >,
    scale: &Scale,
    s: BoxStats,
    y: f64,
    half: f64,
    color: RGBColor,
) -> Result<(), DrawError<DB>> {
    let x = |v: f64| scale.clamp(v);
    let line = color.stroke_width(2);
    chart.draw_series([
        PathElement::new(vec![(x(s.p5), y), (x(s.p25), y)], line),
        PathElement::new(vec![(x(s.p75), y), (x(s.p95), y)], line),
        PathElement::new(
            vec![(x(s.p5), y - half * 0.6), (x(s.p5), y + half * 0.6)],
            line,
        ),
        PathElement::new(
            vec![(x(s.p95), y - half * 0.6), (x(s.p95), y + half * 0.6)],
            line,
        ),
    ])?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x(s.p25), y - half), (x(s.p75), y + half)],
        color.mix(0.35).filled(),
    )))?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x(s.p25), y - half), (x(s.p75), y + half)],
        color.stroke_width(1),
    )))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x(s.p50), y - half), (x(s.p50), y + half)],
        color.stroke_width(4),
    )))?;
    chart.draw_series([
        Cross::new((x(s.min), y), 4, color.stroke_width(1)),
        Cross::new((x(s.max), y), 4, color.stroke_width(1)),
    ])?;
    Ok(())
}
