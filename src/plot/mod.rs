//! Charts of an analysis, drawn with plotters as SVG and PNG.
//!
//! ```text
//! Analysis -> data::chart_data (per group: sorted values, gap boxes, timeline)
//!   -> one Figure per chart (comparison, box plots, CDF, gaps, timeline,
//!      the prefill fits, TTFT per time window, histograms per group; a
//!      Note where there is nothing to draw)
//!   -> writer::render (SVG + PNG) -> <dir>/<name>.{svg,png}
//! ```
//!
//! Statistics are computed on every value; only drawing thins points out
//! (the timeline and large CDFs say so on the chart). Every chart uses the
//! embedded font ([`crate::fonts`]).

pub mod boxplot;
pub(crate) mod cdf;
pub mod compare_ttft;
pub(crate) mod comparison;
pub mod data;
mod error;
pub(crate) mod frame;
pub(crate) mod gaps;
pub mod heatmap;
pub(crate) mod histogram;
pub(crate) mod layout;
pub(crate) mod legend;
pub(crate) mod note;
pub(crate) mod noted;
pub mod palette;
pub(crate) mod prefill;
pub(crate) mod scale;
pub(crate) mod style;
pub mod sweep;
pub(crate) mod timeline;
pub(crate) mod windows;
pub(crate) mod writer;

use std::path::{Path, PathBuf};

pub use error::PlotError;
pub use noted::{NOTE_HEIGHT, render_noted};
pub use scale::Scale;
pub use writer::{ChartFiles, Figure, Rendered, render};

use crate::analysis::{Analysis, Axis};
use boxplot::{BoxChart, BoxMetric};
use cdf::Cdf;
use comparison::ComparisonChart;
use data::{GroupData, chart_data, variants};
use histogram::Histograms;
use note::Note;
use prefill::PrefillChart;
use timeline::TimelineChart;
use windows::WindowsChart;

/// Where a chart belongs in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Standard vs optimized ratios.
    Comparison,
    /// TTFT and OTPS box plots.
    Distributions,
    /// The TTFT CDF.
    Cdf,
    /// Inter-chunk gaps.
    Gaps,
    /// Calls over time.
    Timeline,
    /// TTFT against input tokens, with the prefill fits.
    Prefill,
    /// TTFT per time window (`analyze --window`).
    Windows,
    /// Histograms of one group.
    Group,
}

/// One chart written.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem (`box_ttft`, `hist_01_...`).
    pub name: String,
    /// What it shows, for the report.
    pub title: String,
    /// Where it belongs.
    pub section: Section,
    /// For [`Section::Group`]: the index of the group in
    /// [`Analysis::groups`].
    pub group: Option<usize>,
    /// Whether the image is a note in place of a chart (no data).
    pub is_note: bool,
    /// The drawn figure (SVG text and PNG bytes).
    pub rendered: Rendered,
    /// The files written.
    pub files: ChartFiles,
}

/// A chart left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omitted {
    /// What it would have shown.
    pub title: String,
    /// Where it would have been.
    pub section: Section,
    /// Why it is not drawn.
    pub reason: String,
}

/// Every chart of an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSet {
    /// The directory holding the files.
    pub dir: PathBuf,
    /// The charts, in report order.
    pub charts: Vec<Chart>,
    /// Charts not drawn, with the reason.
    pub omitted: Vec<Omitted>,
    /// How the charts name each model: (model id, label), in analysis
    /// order, each model once.
    pub labels: Vec<(String, String)>,
}

/// Create a new directory `<root>/<stamp>` (or `<stamp>_2`, `_3`... when
/// taken): earlier charts are never overwritten.
pub fn new_dir(root: &Path, stamp: &str) -> Result<PathBuf, PlotError> {
    crate::files::create_new_dir(root, stamp).map_err(|source| PlotError::Io {
        path: root.to_path_buf(),
        source,
    })
}

/// A figure to draw, before drawing.
struct Job<'a> {
    name: String,
    title: String,
    section: Section,
    group: Option<usize>,
    figure: AnyFigure<'a>,
}

enum AnyFigure<'a> {
    Box(BoxChart),
    Cdf(Cdf<'a>),
    Comparison(ComparisonChart<'a>),
    Timeline(TimelineChart<'a>),
    Histograms(Histograms<'a>),
    Prefill(PrefillChart),
    Windows(WindowsChart),
    Note(Note),
}

impl AnyFigure<'_> {
    fn render(&self, name: &str, note: Option<&str>) -> Result<Rendered, PlotError> {
        match self {
            AnyFigure::Box(f) => render_noted(name, f, note),
            AnyFigure::Cdf(f) => render_noted(name, f, note),
            AnyFigure::Comparison(f) => render_noted(name, f, note),
            AnyFigure::Timeline(f) => render_noted(name, f, note),
            AnyFigure::Histograms(f) => render_noted(name, f, note),
            AnyFigure::Prefill(f) => render_noted(name, f, note),
            AnyFigure::Windows(f) => render_noted(name, f, note),
            AnyFigure::Note(f) => render_noted(name, f, note),
        }
    }
}

/// Draw every chart of `analysis` into `dir` (which should be new, see
/// [`new_dir`]) as SVG and PNG. When any row comes from the emulator,
/// every chart says so, with its time scale, in a strip across its top
/// ([`crate::analysis::Simulation::note`]).
pub fn draw_all(analysis: &Analysis, dir: &Path) -> Result<ChartSet, PlotError> {
    let data = chart_data(analysis);
    let (jobs, omitted) = jobs(analysis, &data);
    let note = analysis.simulation().map(|s| s.note());
    let rendered = render_parallel(&jobs, note.as_deref())?;
    let mut charts = Vec::with_capacity(jobs.len());
    for (job, rendered) in jobs.into_iter().zip(rendered) {
        let files = writer::write_files(dir, &job.name, &rendered)?;
        charts.push(Chart {
            name: job.name,
            title: job.title,
            section: job.section,
            group: job.group,
            is_note: matches!(job.figure, AnyFigure::Note(_)),
            rendered,
            files,
        });
    }
    let mut labels: Vec<(String, String)> = Vec::new();
    for g in &data {
        if !labels.iter().any(|(model, _)| *model == g.stats.model) {
            labels.push((g.stats.model.clone(), g.label.clone()));
        }
    }
    Ok(ChartSet {
        dir: dir.to_path_buf(),
        charts,
        omitted,
        labels,
    })
}

/// Render on every core: the charts are independent.
fn render_parallel(jobs: &[Job<'_>], note: Option<&str>) -> Result<Vec<Rendered>, PlotError> {
    use rayon::prelude::*;
    jobs.par_iter()
        .map(|job| job.figure.render(&job.name, note))
        .collect()
}

fn jobs<'a>(analysis: &'a Analysis, data: &'a [GroupData<'a>]) -> (Vec<Job<'a>>, Vec<Omitted>) {
    let mut jobs = Vec::new();
    let mut omitted = Vec::new();
    let mut job = |name: &str, title: &str, section, figure| {
        jobs.push(Job {
            name: name.to_string(),
            title: title.to_string(),
            section,
            group: None,
            figure,
        })
    };
    for axis in Axis::ALL {
        let title = format!("{}: ratio of medians with 95% CI", axis.title());
        let name = match axis {
            Axis::PerformanceConfig => "comparison".to_string(),
            axis => format!("comparison_{}", axis.name()),
        };
        match ComparisonChart::new(&analysis.comparisons, axis) {
            Some(chart) => job(
                &name,
                &title,
                Section::Comparison,
                AnyFigure::Comparison(chart),
            ),
            // The performance-config chart is the one most runs have:
            // say why it is missing. Other axes appear when measured.
            None if axis == Axis::PerformanceConfig => omitted.push(Omitted {
                title,
                section: Section::Comparison,
                reason: "no model and region has both a standard and an optimized group"
                    .to_string(),
            }),
            None => {}
        }
    }
    job(
        "box_ttft",
        "TTFT by model",
        Section::Distributions,
        AnyFigure::Box(BoxChart::metric(data, BoxMetric::Ttft)),
    );
    job(
        "box_otps",
        "OTPS by model",
        Section::Distributions,
        AnyFigure::Box(BoxChart::metric(data, BoxMetric::Otps)),
    );
    job(
        "cdf_ttft",
        "TTFT distribution (CDF, log time axis)",
        Section::Cdf,
        AnyFigure::Cdf(Cdf::new(data)),
    );
    let gaps_title = "Inter-chunk gaps by model";
    match gaps::gap_chart(data) {
        Some(chart) => job("gaps", gaps_title, Section::Gaps, AnyFigure::Box(chart)),
        None => omitted.push(Omitted {
            title: gaps_title.to_string(),
            section: Section::Gaps,
            reason: "no successful call has two chunks or more with their times (delta_offsets; the Python tool's files have none)".to_string(),
        }),
    }
    let timeline_title = "Calls over time";
    match TimelineChart::new(data) {
        Some(chart) => job(
            "timeline",
            timeline_title,
            Section::Timeline,
            AnyFigure::Timeline(chart),
        ),
        None => omitted.push(Omitted {
            title: timeline_title.to_string(),
            section: Section::Timeline,
            reason: "no row has a start time (job_timestamp_iso or start_offset_s)".to_string(),
        }),
    }
    // Drawn only when a group has a fit: the inputs of most runs do not
    // vary, and the prefill table is not shown either.
    if let Some(chart) = PrefillChart::new(analysis, data) {
        job(
            "prefill",
            "Prefill cost: TTFT against input tokens, with the least-squares line",
            Section::Prefill,
            AnyFigure::Prefill(chart),
        );
    }
    // Drawn only with time windows (`analyze --window`).
    if let Some(chart) = WindowsChart::new(analysis, data) {
        job(
            "windows_ttft",
            "TTFT p50 and p90 per time window",
            Section::Windows,
            AnyFigure::Windows(chart),
        );
    }
    let variants = variants(data);
    for (i, g) in data.iter().enumerate() {
        let name = format!(
            "hist_{:02}_{}",
            i + 1,
            layout::slug(&format!(
                "{}-{}-{}",
                g.stats.model, g.stats.region, g.stats.performance_config
            ))
        );
        let title = format!("TTFT and OTPS histograms: {}", g.title());
        let figure = if g.has_no_success() {
            AnyFigure::Note(Note::new(
                format!(
                    "{} · {} · {}",
                    g.stats.model, g.stats.region, g.stats.performance_config
                ),
                vec![
                    g.no_success_note(),
                    "nothing to draw: TTFT and OTPS exist only for successful calls".to_string(),
                ],
            ))
        } else {
            AnyFigure::Histograms(Histograms::new(
                g,
                variants.color(&g.stats.performance_config),
            ))
        };
        jobs.push(Job {
            name,
            title,
            section: Section::Group,
            group: Some(i),
            figure,
        });
    }
    (jobs, omitted)
}
