//! A note across the top of a chart (what its numbers are, such as
//! `SIMULATED (emulator, time scale 0.05)...`), drawn on the image itself
//! so that a chart copied out of the report keeps it.

use plotters::coord::Shift;
use plotters::element::Text;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::PlotError;
use super::frame::fit;
use super::style::{NOTE_FILL, NOTE_INK, TICK_SIZE, bold};
use super::writer::{DrawError, Figure, Rendered, render};

/// Height of the strip that carries a chart's note, pixels.
pub const NOTE_HEIGHT: u32 = 30;

/// [`render`] `figure`, with `note` (when given) in a strip across the
/// top of the image.
pub fn render_noted<F: Figure>(
    name: &str,
    figure: &F,
    note: Option<&str>,
) -> Result<Rendered, PlotError> {
    match note {
        Some(note) => render(name, &Noted { figure, note }),
        None => render(name, figure),
    }
}

/// A figure under a note strip.
struct Noted<'a, F> {
    figure: &'a F,
    note: &'a str,
}

impl<F: Figure> Figure for Noted<'_, F> {
    fn size(&self) -> (u32, u32) {
        let (width, height) = self.figure.size();
        (width, height + NOTE_HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let (strip, rest) = root.split_vertically(NOTE_HEIGHT);
        let (width, _) = strip.dim_in_pixel();
        strip.fill(&NOTE_FILL)?;
        let size = TICK_SIZE + 1.0;
        strip.draw(&Text::new(
            fit(self.note, size, width.saturating_sub(24)),
            (width as i32 / 2, NOTE_HEIGHT as i32 / 2),
            bold(size, NOTE_INK).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        self.figure.draw(&rest)
    }
}
