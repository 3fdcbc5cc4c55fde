//! How the charts tell groups apart: a colour for every series, with as
//! many distinct colours as there are series (first the colour-blind-safe
//! palette of Okabe and Ito, then evenly spread hues), line patterns, and
//! one fixed order of the variants (`standard`, `optimized`, then the
//! others by name) so that a variant has the same colour and pattern on
//! every chart of an analysis.

use plotters::style::RGBColor;

/// Okabe and Ito's colour-blind-safe colours, without their yellow
/// (too pale on white): blue, orange, bluish green, vermillion, reddish
/// purple, sky blue, black.
pub const SAFE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// The colour of series `index`: [`SAFE`] first, then hues spread by the
/// golden angle at alternating lightness. Different indices always give
/// different colours.
pub fn color(index: usize) -> RGBColor {
    if let Some(color) = SAFE.get(index) {
        return *color;
    }
    let k = index - SAFE.len();
    // The golden angle never brings a hue back; the lightness steps keep
    // neighbours in hue apart.
    let hue = (k as f64 * 137.507_764_05 + 20.0) % 360.0;
    let lightness = [0.38, 0.52, 0.30][k % 3];
    let mut rgb = hsl(hue, 0.70, lightness);
    // Keep clear of the safe colours (a generated colour never equals one).
    while SAFE.contains(&rgb) {
        rgb = RGBColor(rgb.0.wrapping_add(1), rgb.1, rgb.2);
    }
    rgb
}

/// A colour from hue (degrees), saturation and lightness (0 to 1).
fn hsl(hue: f64, saturation: f64, lightness: f64) -> RGBColor {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    RGBColor(byte(r), byte(g), byte(b))
}

/// A line's pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dash {
    /// Unbroken.
    Solid,
    /// Dashes of 10 px.
    Dashed,
    /// Dots (3 px).
    Dotted,
    /// Dashes of 22 px.
    LongDash,
}

impl Dash {
    /// Every pattern, in the order they are handed out.
    pub const ALL: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::LongDash];

    /// The `index`-th pattern, cycling.
    pub fn of(index: usize) -> Dash {
        Self::ALL[index % Self::ALL.len()]
    }

    /// Dash and gap lengths in pixels; `None` for a solid line.
    pub fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((10, 6)),
            Dash::Dotted => Some((3, 4)),
            Dash::LongDash => Some((22, 6)),
        }
    }

    /// The pattern in words, for subtitles: `solid`, `dashed`...
    pub fn name(self) -> &'static str {
        match self {
            Dash::Solid => "solid",
            Dash::Dashed => "dashed",
            Dash::Dotted => "dotted",
            Dash::LongDash => "long dashes",
        }
    }
}

/// How one line is drawn: its colour and pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineStyle {
    /// Colour.
    pub color: RGBColor,
    /// Pattern.
    pub dash: Dash,
}

/// The style of line `index` among lines told apart by style alone: the
/// safe colours solid, then again dashed, dotted and with long dashes,
/// then [`color`]'s other colours. Different indices always give
/// different styles.
pub fn line_style(index: usize) -> LineStyle {
    let round = index / SAFE.len();
    if round < Dash::ALL.len() {
        LineStyle {
            color: SAFE[index % SAFE.len()],
            dash: Dash::ALL[round],
        }
    } else {
        LineStyle {
            color: color(index),
            dash: Dash::Solid,
        }
    }
}

/// Where a variant label sorts: `standard` first, then `optimized`, then
/// the others (`standard+priority`...) by name.
pub fn variant_order(label: &str) -> (u8, &str) {
    match label {
        "standard" => (0, label),
        "optimized" => (1, label),
        _ => (2, label),
    }
}

/// The variants of the groups a chart set draws, in [`variant_order`]: a
/// variant's index gives its colour ([`color`]) and pattern
/// ([`Dash::of`]) on every chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variants {
    labels: Vec<String>,
}

impl Variants {
    /// The distinct variant labels of `labels`, in order.
    pub fn new<'a>(labels: impl IntoIterator<Item = &'a str>) -> Variants {
        let mut labels: Vec<String> = labels.into_iter().map(str::to_string).collect();
        labels.sort_by(|a, b| variant_order(a).cmp(&variant_order(b)));
        labels.dedup();
        Variants { labels }
    }

    /// The labels, in order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The index of `label` (a label not known sorts after the others).
    pub fn index(&self, label: &str) -> usize {
        self.labels
            .iter()
            .position(|l| l == label)
            .unwrap_or(self.labels.len())
    }

    /// The colour of `label`.
    pub fn color(&self, label: &str) -> RGBColor {
        color(self.index(label))
    }

    /// The pattern of `label`: solid for the first variant (standard),
    /// dashed for the second (optimized)...
    pub fn dash(&self, label: &str) -> Dash {
        Dash::of(self.index(label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_has_its_own_colour_and_style() {
        let colors: Vec<RGBColor> = (0..500).map(color).collect();
        let styles: Vec<LineStyle> = (0..500).map(line_style).collect();
        for i in 0..500 {
            for j in 0..i {
                assert_ne!(colors[i], colors[j], "colours {i} and {j}");
                assert_ne!(styles[i], styles[j], "styles {i} and {j}");
            }
        }
        assert_eq!(color(0), SAFE[0]);
        assert_eq!(line_style(7).dash, Dash::Dashed);
    }

    #[test]
    fn variants_sort_standard_optimized_then_by_name() {
        let v = Variants::new([
            "standard+priority",
            "optimized",
            "standard+flex",
            "standard",
            "standard+flex",
        ]);
        assert_eq!(
            v.labels(),
            [
                "standard",
                "optimized",
                "standard+flex",
                "standard+priority"
            ]
        );
        assert_eq!(v.dash("standard"), Dash::Solid);
        assert_eq!(v.dash("optimized"), Dash::Dashed);
        assert_ne!(v.color("standard+flex"), v.color("standard+priority"));
    }
}
