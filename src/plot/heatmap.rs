//! The length grid's heatmaps: one value per cell (TTFT p50, or the
//! generation speed's median), input lengths down the rows and output
//! lengths across the columns, each cell coloured on one sequential scale
//! from the lowest value to the highest and labelled with its value. A
//! cell that did not run, or has no value, is grey and labelled `-`.

use plotters::coord::Shift;
use plotters::element::{Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor};

use super::frame::{TITLE_HEIGHT, centred_note, titled};
use super::style::{GRID, INK, LABEL_SIZE, MUTED, TICK_SIZE, WIDTH, bold, text};
use super::writer::{DrawError, Figure};
use crate::sweep::grid_result::{CellResult, GridView};

/// Which value a heatmap shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeatmapValue {
    /// Time to first token from the call's start, median, seconds.
    TtftP50,
    /// Generation speed after the first token, median, tokens per second.
    GenerationOtpsP50,
}

impl HeatmapValue {
    /// Both, in the order the page shows them.
    pub const ALL: [HeatmapValue; 2] = [HeatmapValue::TtftP50, HeatmapValue::GenerationOtpsP50];

    /// The chart's file stem.
    pub fn file_stem(self) -> &'static str {
        match self {
            HeatmapValue::TtftP50 => "heatmap_ttft_p50",
            HeatmapValue::GenerationOtpsP50 => "heatmap_generation_otps_p50",
        }
    }

    /// The chart's title.
    pub fn title(self) -> &'static str {
        match self {
            HeatmapValue::TtftP50 => "TTFT p50 (seconds) by input and output length",
            HeatmapValue::GenerationOtpsP50 => {
                "Generation speed p50 (tokens/s after the first token) by input and output length"
            }
        }
    }

    /// The value of `cell`.
    pub fn of(self, cell: &CellResult) -> Option<f64> {
        match self {
            HeatmapValue::TtftP50 => cell.ttft_p50(),
            HeatmapValue::GenerationOtpsP50 => cell.generation_otps_p50,
        }
        .filter(|v| v.is_finite())
    }

    /// `value` as a cell's label.
    pub fn label(self, value: f64) -> String {
        match self {
            HeatmapValue::TtftP50 if value < 10.0 => format!("{value:.3} s"),
            HeatmapValue::TtftP50 => format!("{value:.1} s"),
            HeatmapValue::GenerationOtpsP50 => format!("{value:.1}"),
        }
    }
}

/// A heatmap of one value over a grid's cells.
#[derive(Debug, Clone)]
pub struct Heatmap<'a> {
    grid: GridView<'a>,
    value: HeatmapValue,
    subtitle: String,
}

/// The colour of the lowest value (light).
const LOW: RGBColor = RGBColor(255, 247, 214);
/// The colour of the highest value (dark).
const HIGH: RGBColor = RGBColor(122, 1, 119);
/// A cell without a value.
const NONE: RGBColor = RGBColor(235, 235, 235);

const LEFT: u32 = 150;
const RIGHT: u32 = 30;
const TOP_AXIS: u32 = 50;
const BOTTOM: u32 = 40;

impl<'a> Heatmap<'a> {
    /// The heatmap of `value` over `grid`, subtitled with `subtitle` (the
    /// load and the SLO).
    pub fn new(grid: GridView<'a>, value: HeatmapValue, subtitle: String) -> Heatmap<'a> {
        Heatmap {
            grid,
            value,
            subtitle,
        }
    }

    /// Each cell's value: rows are input lengths, columns output lengths.
    pub fn values(&self) -> Vec<Vec<Option<f64>>> {
        self.grid
            .inputs
            .iter()
            .map(|&input| {
                self.grid
                    .outputs
                    .iter()
                    .map(|&output| self.grid.cell(input, output).and_then(|c| self.value.of(c)))
                    .collect()
            })
            .collect()
    }

    fn cell_height(&self) -> u32 {
        match self.grid.inputs.len() {
            0..=6 => 64,
            7..=12 => 44,
            _ => 30,
        }
    }
}

/// The colour of `value` between `lo` and `hi`.
pub fn shade(value: f64, lo: f64, hi: f64) -> RGBColor {
    let t = if hi > lo {
        ((value - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(LOW.0, HIGH.0), mix(LOW.1, HIGH.1), mix(LOW.2, HIGH.2))
}

/// Ink that reads on `fill`.
fn ink_on(fill: RGBColor) -> RGBColor {
    let luma = 0.299 * f64::from(fill.0) + 0.587 * f64::from(fill.1) + 0.114 * f64::from(fill.2);
    if luma < 140.0 {
        RGBColor(255, 255, 255)
    } else {
        INK
    }
}

impl Figure for Heatmap<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.grid.inputs.len().max(1) as u32;
        (
            WIDTH,
            TITLE_HEIGHT + TOP_AXIS + rows * self.cell_height() + BOTTOM,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>> {
        let body = titled(root, self.value.title(), &self.subtitle)?;
        let values = self.values();
        let known: Vec<f64> = values.iter().flatten().flatten().copied().collect();
        if self.grid.inputs.is_empty() || self.grid.outputs.is_empty() {
            return centred_note(&body, &["no cell finished".to_string()]);
        }
        let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let columns = self.grid.outputs.len() as u32;
        let cell_w = (WIDTH - LEFT - RIGHT) / columns;
        let cell_h = self.cell_height();
        let centre = Pos::new(HPos::Center, VPos::Center);
        let right = Pos::new(HPos::Right, VPos::Center);
        let grid_left = LEFT as i32;
        let grid_top = TOP_AXIS as i32;
        body.draw(&Text::new(
            "output tokens (maxTokens)",
            (grid_left + (cell_w * columns) as i32 / 2, grid_top - 36),
            text(LABEL_SIZE, INK).pos(centre),
        ))?;
        body.draw(&Text::new(
            "input tokens",
            (12, grid_top - 14),
            text(LABEL_SIZE, INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        for (column, output) in self.grid.outputs.iter().enumerate() {
            let x = grid_left + (column as u32 * cell_w + cell_w / 2) as i32;
            body.draw(&Text::new(
                output.to_string(),
                (x, grid_top - 12),
                bold(TICK_SIZE, INK).pos(centre),
            ))?;
        }
        for (row, (input, row_values)) in self.grid.inputs.iter().zip(&values).enumerate() {
            let top = grid_top + (row as u32 * cell_h) as i32;
            body.draw(&Text::new(
                input.to_string(),
                (grid_left - 10, top + cell_h as i32 / 2),
                bold(TICK_SIZE, INK).pos(right),
            ))?;
            for (column, value) in row_values.iter().enumerate() {
                let left = grid_left + (column as u32 * cell_w) as i32;
                let fill = value.map_or(NONE, |v| shade(v, lo, hi));
                let corners = [
                    (left, top),
                    (left + cell_w as i32 - 1, top + cell_h as i32 - 1),
                ];
                body.draw(&Rectangle::new(corners, fill.filled()))?;
                body.draw(&Rectangle::new(corners, GRID.stroke_width(1)))?;
                let label = value.map_or_else(|| "-".to_string(), |v| self.value.label(v));
                let ink = if value.is_some() { ink_on(fill) } else { MUTED };
                body.draw(&Text::new(
                    label,
                    (left + cell_w as i32 / 2, top + cell_h as i32 / 2),
                    bold(LABEL_SIZE, ink).pos(centre),
                ))?;
            }
        }
        let rows = self.grid.inputs.len() as u32;
        let scale = if known.is_empty() {
            "no cell has a value".to_string()
        } else {
            format!(
                "light = {}, dark = {}",
                self.value.label(lo),
                self.value.label(hi)
            )
        };
        body.draw(&Text::new(
            scale,
            (
                grid_left + (cell_w * columns) as i32 / 2,
                grid_top + (rows * cell_h) as i32 + BOTTOM as i32 / 2,
            ),
            text(TICK_SIZE, MUTED).pos(centre),
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_value_is_light_and_the_highest_dark() {
        assert_eq!(shade(1.0, 1.0, 3.0), LOW);
        assert_eq!(shade(3.0, 1.0, 3.0), HIGH);
        let middle = shade(2.0, 1.0, 3.0);
        assert!(middle.0 < LOW.0 && middle.0 > HIGH.0, "{middle:?}");
        assert_eq!(ink_on(HIGH), RGBColor(255, 255, 255));
        assert_eq!(ink_on(LOW), INK);
    }

    #[test]
    fn labels_say_the_value_in_its_unit() {
        assert_eq!(HeatmapValue::TtftP50.label(0.4321), "0.432 s");
        assert_eq!(HeatmapValue::TtftP50.label(12.34), "12.3 s");
        assert_eq!(HeatmapValue::GenerationOtpsP50.label(87.66), "87.7");
    }
}
