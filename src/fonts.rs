//! The font every chart is drawn with, built into the binary.
//!
//! plotters needs a font to measure and draw text (criterion's SVG charts
//! and our PNG charts). Instead of depending on the machine's fonts
//! (fontconfig), DejaVu Sans (Bitstream Vera license, see
//! `assets/fonts/LICENSE-DejaVu.txt`) is embedded and registered for every
//! family and style plotters may ask for.

use std::sync::Once;

use plotters::style::FontStyle;
use plotters::style::register_font;

static DEJAVU_SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Register the embedded font (once; later calls do nothing).
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in ["sans-serif", "serif", "monospace"] {
            for style in [
                FontStyle::Normal,
                FontStyle::Bold,
                FontStyle::Italic,
                FontStyle::Oblique,
            ] {
                // The bytes are a valid TrueType font, checked by the test
                // below; a failure would only mean charts without text.
                let _ = register_font(family, style, DEJAVU_SANS);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{FontFamily, IntoFont};

    #[test]
    fn the_embedded_font_measures_text() {
        register();
        let font = (FontFamily::SansSerif, 12.0).into_font();
        let (width, height) = font.box_size("TTFT p50").expect("the font is usable");
        assert!(width > 20 && height > 5, "{width}x{height}");
    }
}
