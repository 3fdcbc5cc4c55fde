//! The sweep's page, `<sweep dir>/index.html`: what the sweep found (the
//! knee, the throttling onset), its chart (also written beside it as
//! `sweep.svg` and `sweep.png`) and the table of its steps. One
//! self-contained file, like the analysis report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::ReportError;
use super::assets::{CONTENT_SECURITY_POLICY, SCRIPT, STYLE};
use super::base64;
use super::escape::escape;
use super::html_table;
use crate::analysis::Simulation;
use crate::plot::render_noted;
use crate::plot::sweep::SweepChart;
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
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
             <title>bedrock-bench sweep</title>\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n",
            escape(CONTENT_SECURITY_POLICY),
        );
        if let Some(simulation) = self.simulation {
            let _ = writeln!(
                out,
                "<div class=\"banner\" id=\"simulated\">{}</div>",
                escape(&simulation.sentence())
            );
        }
        let _ = write!(
            out,
            "<main>\n<header>\n<h1>bedrock-bench sweep</h1>\n<p class=\"meta\">SLO: {} · {}</p>\n</header>\n",
            escape(self.slo),
            escape(self.end)
        );
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
