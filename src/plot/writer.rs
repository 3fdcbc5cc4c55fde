//! Drawing a figure twice, as SVG and as PNG, and writing both files.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::{
    BitMapBackend, DrawingArea, DrawingAreaErrorKind, DrawingBackend, IntoDrawingArea, SVGBackend,
};
use plotters::style::WHITE;

use super::error::PlotError;

/// The error of drawing on backend `DB`.
pub type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// A chart that can be drawn on any plotters backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);

    /// Draw on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawError<DB>>;
}

/// A figure drawn: the SVG text and the PNG bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The SVG document.
    pub svg: String,
    /// The PNG file.
    pub png: Vec<u8>,
}

/// Draw `figure` as SVG and as PNG; `name` names it in errors.
pub fn render<F: Figure>(name: &str, figure: &F) -> Result<Rendered, PlotError> {
    crate::fonts::register();
    let (width, height) = figure.size();
    let draw_error = |message: String| PlotError::Draw {
        chart: name.to_string(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_error(e.to_string()))?;
        figure.draw(&root).map_err(|e| draw_error(e.to_string()))?;
        root.present().map_err(|e| draw_error(e.to_string()))?;
    }
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_error(e.to_string()))?;
        figure.draw(&root).map_err(|e| draw_error(e.to_string()))?;
        root.present().map_err(|e| draw_error(e.to_string()))?;
    }
    let png = encode_png(&pixels, width, height).map_err(|e| PlotError::Encode {
        chart: name.to_string(),
        message: e.to_string(),
    })?;
    Ok(Rendered {
        width,
        height,
        svg,
        png,
    })
}

/// RGB pixels as a PNG file.
fn encode_png(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(pixels)?;
        writer.finish()?;
    }
    Ok(out)
}

/// The two files of one chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFiles {
    /// `<dir>/<name>.svg`.
    pub svg: PathBuf,
    /// `<dir>/<name>.png`.
    pub png: PathBuf,
}

/// Write `<dir>/<name>.svg` and `<dir>/<name>.png`; existing files are
/// never overwritten (an error instead).
pub fn write_files(dir: &Path, name: &str, rendered: &Rendered) -> Result<ChartFiles, PlotError> {
    let svg = dir.join(format!("{name}.svg"));
    let png = dir.join(format!("{name}.png"));
    write_new(&svg, rendered.svg.as_bytes())?;
    write_new(&png, &rendered.png)?;
    Ok(ChartFiles { svg, png })
}

/// Create `path` (which must not exist) with `bytes`.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    let io = |source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.flush().map_err(io)
}
