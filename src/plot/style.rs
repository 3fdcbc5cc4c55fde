//! Colours, fonts and sizes shared by every chart (the colours of
//! groups and series are in `palette`).

use plotters::style::{FontFamily, FontStyle, IntoFont, RGBColor, TextStyle};

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1100;

/// Size of chart titles.
pub const TITLE_SIZE: f64 = 20.0;
/// Size of axis descriptions and legends.
pub const LABEL_SIZE: f64 = 15.0;
/// Size of tick labels and notes.
pub const TICK_SIZE: f64 = 13.0;

/// Successful calls on the timeline.
pub const SUCCESS: RGBColor = RGBColor(31, 119, 180);
/// Throttled calls.
pub const THROTTLED: RGBColor = RGBColor(230, 120, 20);
/// Other failed calls.
pub const FAILED: RGBColor = RGBColor(200, 30, 45);

/// The mean marker of histograms.
pub const MEAN: RGBColor = RGBColor(200, 30, 45);
/// The median marker.
pub const P50: RGBColor = RGBColor(20, 140, 60);
/// The p90 marker.
pub const P90: RGBColor = RGBColor(120, 60, 170);

/// The strip of a chart's note (simulated numbers).
pub const NOTE_FILL: RGBColor = RGBColor(255, 228, 181);
/// The note's text.
pub const NOTE_INK: RGBColor = RGBColor(120, 50, 0);

/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// Secondary text (notes, hints).
pub const MUTED: RGBColor = RGBColor(90, 90, 90);
/// Text and axes.
pub const INK: RGBColor = RGBColor(20, 20, 20);

/// A text style of the embedded sans-serif font.
pub fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FontFamily::SansSerif, size).into_font().color(&color)
}

/// A bold text style.
pub fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FontFamily::SansSerif, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&color)
}

/// Width of `text` in pixels at `size` (measured with the embedded font,
/// estimated when the font is unavailable).
pub fn text_width(text: &str, size: f64) -> u32 {
    match (FontFamily::SansSerif, size).into_font().box_size(text) {
        Ok((width, _)) => width,
        Err(_) => (text.chars().count() as f64 * size * 0.62).ceil() as u32,
    }
}
