//! The sweep's page, `<sweep dir>/index.html`: what the sweep found (the
//! knee, the throttling onset), its chart (also written beside it as
//! `sweep.svg` and `sweep.png`) and the table of its steps. One
//! self-contained file, like the analysis report.
//!
//! A length grid's page ([`GridPage`]) is the same page with the grid's
//! load, its two heatmaps (TTFT p50 and the generation speed's median,
//! also written beside it as SVG and PNG) and the table of its cells.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::ReportError;
use super::assets::{CONTENT_SECURITY_POLICY, SCRIPT, STYLE};
use super::base64;
use super::escape::escape;
use super::html_table;
use crate::analysis::Simulation;
use crate::plot::heatmap::{Heatmap, HeatmapValue};
use crate::plot::render_noted;
use crate::plot::sweep::SweepChart;
use crate::sweep::grid_result::GridView;
use crate::sweep::result::{Knee, SweepStep};

/// What the sweep's page shows besides its steps.
#[derive(Debug, Clone, Copy)]
pub struct SweepPage<'a> {
    /// The steps done.
    pub steps: &'a [SweepStep],
    /// What they found.
    pub knee: &'a Knee,
    /// The SLO, in words.
    pub slo: &'a str,
    /// How the sweep ended, in words.
    pub end: &'a str,
    /// The emulator and its time scale, when the numbers come from it
    /// (said in a banner and on the chart).
    pub simulation: Option<&'a Simulation>,
}

/// The files the page wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepPageFiles {
    /// `index.html`.
    pub index: PathBuf,
    /// `sweep.svg`.
    pub svg: PathBuf,
    /// `sweep.png`.
    pub png: PathBuf,
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    std::fs::write(path, bytes).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

impl SweepPage<'_> {
    /// Draw the chart and write the page into `dir`.
    pub fn write(&self, dir: &Path) -> Result<SweepPageFiles, ReportError> {
        let note = self.simulation.map(Simulation::note);
        let chart = render_noted(
            "sweep",
            &SweepChart::new(self.steps, self.knee, self.slo.to_string()),
            note.as_deref(),
        )?;
        let files = SweepPageFiles {
            index: dir.join("index.html"),
            svg: dir.join("sweep.svg"),
            png: dir.join("sweep.png"),
        };
        write(&files.svg, chart.svg.as_bytes())?;
        write(&files.png, &chart.png)?;
        write(
            &files.index,
            self.html(&base64::encode(&chart.png)).as_bytes(),
        )?;
        Ok(files)
    }

    /// The document, with the chart as a base64 PNG.
    pub fn html(&self, chart_png_base64: &str) -> String {
        let mut out = String::with_capacity(chart_png_base64.len() + 32 * 1024);
        head(&mut out, "sweep", self.slo, self.end, self.simulation);
        out.push_str("<section id=\"knee\">\n<h2>What the sweep found</h2>\n<ul>\n");
        for line in self.knee.describe().lines() {
            let _ = writeln!(out, "<li>{}</li>", escape(line));
        }
        out.push_str("</ul>\n</section>\n");
        let _ = write!(
            out,
            "<section id=\"chart\">\n<h2>Against offered load</h2>\n\
             <figure><img src=\"data:image/png;base64,{chart_png_base64}\" alt=\"sweep chart\" style=\"max-width:100%\"></figure>\n</section>\n"
        );
        out.push_str(
            "<section id=\"steps\">\n<h2>Steps</h2>\n<p class=\"hint\">A tail percentile of too few calls is not given: a p90 needs 10 successful calls, a p99 100 (<code>n&lt;100</code>); the step's raw CSV has every call.</p>\n",
        );
        out.push_str(&self.table());
        out.push_str("</section>\n</main>\n</body>\n</html>\n");
        out
    }

    fn table(&self) -> String {
        html_table::html(&crate::tables::sweep::steps(self.knee.kind, self.steps))
    }
}

/// The document's start, up to the header: `bedrock-bench <title>`, the
/// simulation banner, the SLO and how the sweep ended.
fn head(out: &mut String, title: &str, slo: &str, end: &str, simulation: Option<&Simulation>) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <title>bedrock-bench {}</title>\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n",
        escape(CONTENT_SECURITY_POLICY),
        escape(title),
    );
    if let Some(simulation) = simulation {
        let _ = writeln!(
            out,
            "<div class=\"banner\" id=\"simulated\">{}</div>",
            escape(&simulation.sentence())
        );
    }
    let _ = write!(
        out,
        "<main>\n<header>\n<h1>bedrock-bench {}</h1>\n<p class=\"meta\">SLO: {} · {}</p>\n</header>\n",
        escape(title),
        escape(slo),
        escape(end)
    );
}

/// A length grid's page: its load, its heatmaps and its cells.
#[derive(Debug, Clone, Copy)]
pub struct GridPage<'a> {
    /// The grid's cells and lengths.
    pub grid: GridView<'a>,
    /// The SLO, in words (judged per cell).
    pub slo: &'a str,
    /// How the grid ended, in words.
    pub end: &'a str,
    /// The emulator and its time scale, when the numbers come from it.
    pub simulation: Option<&'a Simulation>,
}

/// The files a grid's page wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridPageFiles {
    /// `index.html`.
    pub index: PathBuf,
    /// Each heatmap's SVG and PNG, in the page's order.
    pub heatmaps: Vec<(PathBuf, PathBuf)>,
}

impl GridPage<'_> {
    /// The subtitle of the heatmaps: the load and the SLO.
    fn subtitle(&self) -> String {
        format!(
            "at {}; each cell the median of its successful calls; SLO judged per cell: {}",
            self.grid.kind.describe(self.grid.level),
            self.slo
        )
    }

    /// Draw the heatmaps and write the page into `dir`.
    pub fn write(&self, dir: &Path) -> Result<GridPageFiles, ReportError> {
        let note = self.simulation.map(Simulation::note);
        let mut heatmaps = Vec::new();
        let mut images = Vec::new();
        for value in HeatmapValue::ALL {
            let chart = render_noted(
                value.file_stem(),
                &Heatmap::new(self.grid, value, self.subtitle()),
                note.as_deref(),
            )?;
            let svg = dir.join(format!("{}.svg", value.file_stem()));
            let png = dir.join(format!("{}.png", value.file_stem()));
            write(&svg, chart.svg.as_bytes())?;
            write(&png, &chart.png)?;
            heatmaps.push((svg, png));
            images.push((value, base64::encode(&chart.png)));
        }
        let index = dir.join("index.html");
        write(&index, self.html(&images).as_bytes())?;
        Ok(GridPageFiles { index, heatmaps })
    }

    /// The document, with each heatmap as a base64 PNG.
    pub fn html(&self, heatmaps: &[(HeatmapValue, String)]) -> String {
        let size: usize = heatmaps.iter().map(|(_, png)| png.len()).sum();
        let mut out = String::with_capacity(size + 32 * 1024);
        head(&mut out, "length grid", self.slo, self.end, self.simulation);
        let cells = self.grid.inputs.len() * self.grid.outputs.len();
        let _ = write!(
            out,
            "<section id=\"grid\">\n<h2>The length grid</h2>\n<ul>\n<li>{} cells ({} input lengths × {} output lengths), {} done, each at {}</li>\n<li>{} of them met the SLO</li>\n</ul>\n</section>\n",
            cells,
            self.grid.inputs.len(),
            self.grid.outputs.len(),
            self.grid.cells.len(),
            escape(&self.grid.kind.describe(self.grid.level)),
            self.grid.cells.iter().filter(|c| c.step.passed()).count(),
        );
        out.push_str("<section id=\"heatmaps\">\n<h2>Heatmaps</h2>\n");
        for (value, png) in heatmaps {
            let _ = writeln!(
                out,
                "<figure><img src=\"data:image/png;base64,{png}\" alt=\"{}\" style=\"max-width:100%\"></figure>",
                escape(value.title())
            );
        }
        out.push_str("</section>\n");
        out.push_str(
            "<section id=\"cells\">\n<h2>Cells</h2>\n<p class=\"hint\">TTFT and total latency from each call's start; a p90 of fewer than 10 successful calls is not given. Each cell's raw CSV is in its directory.</p>\n",
        );
        out.push_str(&html_table::html(&crate::tables::length_grid::cells(
            &self.grid,
        )));
        out.push_str("</section>\n</main>\n</body>\n</html>\n");
        out
    }
}
