//! Legends drawn in their own strip beside or below a chart, so that they
//! never cover data.

use plotters::coord::Shift;
use plotters::element::{Circle, Cross, PathElement, Rectangle, Text, TriangleMarker};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::palette::{Dash, LineStyle};
use super::style::{INK, LABEL_SIZE, text, text_width};
use super::writer::DrawError;

/// Height of one legend row, pixels.
pub const ROW_HEIGHT: u32 = 24;
const SWATCH: i32 = 28;
const PAD: i32 = 12;
const GAP: i32 = 22;

/// How an entry is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A line in its colour and pattern.
    Line(LineStyle),
    /// A filled box.
    Box(RGBColor),
    /// A dot.
    Dot(RGBColor),
    /// A triangle.
    Triangle(RGBColor),
    /// A cross.
    Cross(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The mark.
    pub swatch: Swatch,
    /// The text.
    pub label: String,
}

impl Entry {
    /// An entry.
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Entry {
        Entry {
            swatch,
            label: label.into(),
        }
    }
}

fn column_width(entries: &[Entry]) -> i32 {
    let widest = entries
        .iter()
        .map(|e| text_width(&e.label, LABEL_SIZE))
        .max()
        .unwrap_or(0) as i32;
    SWATCH + 8 + widest + GAP
}

fn columns(entries: &[Entry], width: u32) -> usize {
    let usable = (width as i32 - 2 * PAD).max(1);
    ((usable / column_width(entries).max(1)) as usize).clamp(1, entries.len().max(1))
}

/// Height a legend of `entries` needs in a strip `width` pixels wide.
pub fn height(entries: &[Entry], width: u32) -> u32 {
    if entries.is_empty() {
        return 0;
    }
    let rows = entries.len().div_ceil(columns(entries, width));
    rows as u32 * ROW_HEIGHT + 2 * PAD as u32
}

/// Draw `entries` in `area`, in as many columns as fit, top to bottom
/// then left to right.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
) -> Result<(), DrawError<DB>> {
    if entries.is_empty() {
        return Ok(());
    }
    let (width, _) = area.dim_in_pixel();
    let cols = columns(entries, width);
    // Column by column, so that entries read top to bottom.
    let rows = entries.len().div_ceil(cols);
    let used_cols = entries.len().div_ceil(rows) as i32;
    let col_width = column_width(entries);
    let used = used_cols * col_width - GAP;
    let left = ((width as i32 - used) / 2).max(PAD);
    let label_style = text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, entry) in entries.iter().enumerate() {
        let x = left + (i / rows) as i32 * col_width;
        let y = PAD + (i % rows) as i32 * ROW_HEIGHT as i32 + ROW_HEIGHT as i32 / 2;
        swatch(area, entry.swatch, x, y)?;
        area.draw(&Text::new(
            entry.label.clone(),
            (x + SWATCH + 8, y),
            label_style.clone(),
        ))?;
    }
    Ok(())
}

/// Draw one swatch centred vertically on `y`, starting at `x`.
fn swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: Swatch,
    x: i32,
    y: i32,
) -> Result<(), DrawError<DB>> {
    let mid = x + SWATCH / 2;
    match kind {
        Swatch::Line(style) => {
            let c = style.color;
            let Some((dash, gap)) = style.dash.pattern() else {
                return area.draw(&PathElement::new(
                    vec![(x, y), (x + SWATCH, y)],
                    c.stroke_width(3),
                ));
            };
            // The pattern at the chart's scale, at least two dashes.
            let (dash, gap) = match style.dash {
                Dash::LongDash => (18, 4),
                _ => (dash as i32, gap as i32),
            };
            let mut a = x;
            while a < x + SWATCH {
                area.draw(&PathElement::new(
                    vec![(a, y), ((a + dash).min(x + SWATCH), y)],
                    c.stroke_width(3),
                ))?;
                a += dash + gap;
            }
            Ok(())
        }
        Swatch::Box(c) => area.draw(&Rectangle::new(
            [(x + 4, y - 7), (x + SWATCH - 4, y + 7)],
            c.mix(0.75).filled(),
        )),
        Swatch::Dot(c) => area.draw(&Circle::new((mid, y), 5, c.filled())),
        Swatch::Triangle(c) => area.draw(&TriangleMarker::new((mid, y), 7, c.filled())),
        Swatch::Cross(c) => area.draw(&Cross::new((mid, y), 5, c.stroke_width(2))),
    }
}
