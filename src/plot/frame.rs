//! The parts every chart shares: the title strip, axes with round ticks,
//! and a note drawn inside a panel.

use plotters::chart::ChartContext;
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::element::Text;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, TRANSPARENT};

use plotters::series::{DashedLineSeries, LineSeries};

use super::layout::truncate_middle;
use super::palette::LineStyle;
use super::style::{GRID, INK, LABEL_SIZE, MUTED, TICK_SIZE, TITLE_SIZE, bold, text, text_width};
use super::writer::DrawError;

/// Height of the title strip, pixels.
pub const TITLE_HEIGHT: u32 = 56;

/// Draw `title` (and a smaller `subtitle` under it) at the top of `root`;
/// returns the area below.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawError<DB>> {
    let (width, _) = root.dim_in_pixel();
    let (top, rest) = root.split_vertically(TITLE_HEIGHT);
    let centre = Pos::new(HPos::Center, VPos::Center);
    let title = fit(title, TITLE_SIZE, width.saturating_sub(40));
    top.draw(&Text::new(
        title,
        (width as i32 / 2, 18),
        bold(TITLE_SIZE, INK).pos(centre),
    ))?;
    if !subtitle.is_empty() {
        let subtitle = fit(subtitle, TICK_SIZE, width.saturating_sub(40));
        top.draw(&Text::new(
            subtitle,
            (width as i32 / 2, 42),
            text(TICK_SIZE, MUTED).pos(centre),
        ))?;
    }
    Ok(rest)
}

/// `text` cut in the middle until it is at most `width` pixels wide at
/// `size`.
pub fn fit(text: &str, size: f64, width: u32) -> String {
    let mut max = text.chars().count();
    let mut out = text.to_string();
    while max > 8 && text_width(&out, size) > width {
        max -= 2;
        out = truncate_middle(text, max);
    }
    out
}

/// Draw light grid lines, axes, tick labels and axis descriptions.
pub fn axes<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
    x_ticks: usize,
    y_ticks: usize,
) -> Result<(), DrawError<DB>>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(x_ticks)
        .y_labels(y_ticks)
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(1))
        .label_style(text(TICK_SIZE, INK))
        .axis_desc_style(text(LABEL_SIZE, INK))
        .draw()
}

/// Draw a line through `points` in `style`'s colour and pattern, `width`
/// pixels wide.
pub fn styled_line<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: Vec<(f64, f64)>,
    style: LineStyle,
    width: u32,
) -> Result<(), DrawError<DB>>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let stroke = style.color.stroke_width(width);
    match style.dash.pattern() {
        None => chart.draw_series(LineSeries::new(points, stroke))?,
        Some((dash, gap)) => chart.draw_series(DashedLineSeries::new(points, dash, gap, stroke))?,
    };
    Ok(())
}

/// A note in the middle of a drawing area (a panel without data).
pub fn centred_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
) -> Result<(), DrawError<DB>> {
    let (w, h) = area.dim_in_pixel();
    let centre = Pos::new(HPos::Center, VPos::Center);
    let top = h as i32 / 2 - 12 * lines.len() as i32;
    for (i, line) in lines.iter().enumerate() {
        let line = fit(line, LABEL_SIZE, w.saturating_sub(20));
        area.draw(&Text::new(
            line,
            (w as i32 / 2, top + 24 * i as i32),
            text(LABEL_SIZE, MUTED).pos(centre),
        ))?;
    }
    Ok(())
}
