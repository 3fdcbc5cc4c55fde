//! A chart that is only a note: what would have been drawn, and why it
//! is not (no successful call, no data of that kind).

use plotters::coord::Shift;
use plotters::element::{Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::style::{INK, LABEL_SIZE, MUTED, TITLE_SIZE, WIDTH, bold, text};
use super::writer::{DrawError, Figure};

/// A titled box of text lines, in place of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// What the chart would have shown.
    pub title: String,
    /// Why it is not drawn, one line each.
    pub lines: Vec<String>,
}

impl Note {
    /// A note.
    pub fn new(title: impl Into<String>, lines: Vec<String>) -> Note {
        Note {
            title: title.into(),
            lines,
        }
    }
}

impl Figure for Note {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 140 + 26 * self.lines.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let (w, h) = root.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        root.draw(&Rectangle::new(
            [(20, 20), (w - 20, h - 20)],
            RGBColor(250, 245, 230).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(20, 20), (w - 20, h - 20)],
            RGBColor(200, 170, 90).stroke_width(2),
        ))?;
        let centre = Pos::new(HPos::Center, VPos::Center);
        root.draw(&Text::new(
            self.title.clone(),
            (w / 2, 58),
            bold(TITLE_SIZE, INK).pos(centre),
        ))?;
        for (i, line) in self.lines.iter().enumerate() {
            let style = if i == 0 {
                text(LABEL_SIZE + 1.0, INK)
            } else {
                text(LABEL_SIZE, MUTED)
            };
            root.draw(&Text::new(
                line.clone(),
                (w / 2, 96 + 26 * i as i32),
                style.pos(centre),
            ))?;
        }
        Ok(())
    }
}
