//! Publishing an analysis, for `analyze` and `cargo bench` alike, in one
//! order:
//!
//! 1. on the terminal: the banners (files analyzed together, simulated
//!    numbers), the warnings (on stderr), the tables and where the costs
//!    come from;
//! 2. `results-analysis/analysis_{summary,extended,comparison}_<ts>.csv`
//!    (and `analysis_prefill_<ts>.csv` when a group has a prefill fit,
//!    `analysis_{windows,drift}_<ts>.csv` with time windows), each
//!    written whole;
//! 3. the charts (`plots/<ts>/`) and the report page (`index.html` and its
//!    kept copy), linking the CSVs that were written;
//! 4. what was written (`Charts:`, `Report:`, then `Wrote:` and the CSVs,
//!    one per line: scripts read that list last), and the banners again.
//!
//! A failure of one output does not keep the outputs after it from being
//! written; every failure is returned ([`Published::errors`]) for the
//! command to report.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{PublishError, PublishErrors};
use crate::analysis::Analysis;
use crate::export::write_csvs;
use crate::report::{ReportFiles, csv_links, stamp_of_summary, write_report_with};
use crate::terminal::{MIXED, cost_note, overview, simulated_banner};

/// Where an analysis is published.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    /// The report root: the CSVs under `results-analysis/`, the charts
    /// under `plots/<ts>/`, the page at `index.html`.
    pub out: &'a Path,
    /// The files' timestamp ([`crate::timestamps::local_stamp`]); a taken
    /// one gets `_2`, `_3`...
    pub stamp: &'a str,
    /// The price file that re-priced the rows (`analyze --prices`), named
    /// by the cost note.
    pub price_file: Option<&'a Path>,
}

/// What was published.
#[derive(Debug)]
pub struct Published {
    /// The CSVs written whole, in order.
    pub csvs: Vec<PathBuf>,
    /// The charts and the page, when they were written.
    pub report: Option<ReportFiles>,
    /// What could not be written, in order.
    pub errors: PublishErrors,
}

/// Publish `analysis` to `to`: the terminal's part on `out` (warnings on
/// `err`), the files under `to.out`.
pub fn publish(
    analysis: &Analysis,
    to: Destination<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Published {
    let mut errors = Vec::new();
    let banners = banners(analysis);
    if let Err(source) = print_tables(analysis, to.price_file, &banners, out, err) {
        errors.push(PublishError::Terminal { source });
    }

    let mut csvs = Vec::new();
    let mut stamp = to.stamp.to_string();
    match write_csvs(analysis, to.out, to.stamp) {
        Ok(outcomes) => {
            // The report takes the CSVs' stamp, suffix included.
            if let Some(taken) = outcomes.first().and_then(|o| stamp_of_summary(&o.path)) {
                stamp = taken;
            }
            for outcome in outcomes {
                match outcome.written {
                    Ok(()) => csvs.push((outcome.label, outcome.path)),
                    Err(source) => errors.push(PublishError::Csv {
                        label: outcome.label,
                        path: outcome.path,
                        source,
                    }),
                }
            }
        }
        Err(source) => errors.push(PublishError::CreateCsvs {
            dir: to.out.join("results-analysis"),
            source,
        }),
    }

    let linked = csv_links(csvs.iter().map(|(label, path)| (*label, path.as_path())));
    let report = match write_report_with(analysis, to.out, &stamp, &linked) {
        Ok(report) => Some(report),
        Err(source) => {
            errors.push(PublishError::Report {
                dir: to.out.to_path_buf(),
                source,
            });
            None
        }
    };

    let csvs: Vec<PathBuf> = csvs.into_iter().map(|(_, path)| path).collect();
    if let Err(source) = announce(&csvs, report.as_ref(), &banners, out) {
        errors.push(PublishError::Terminal { source });
    }
    Published {
        csvs,
        report,
        errors: PublishErrors(errors),
    }
}

/// The loud lines printed first and last: files of different settings
/// analyzed together, numbers simulated by the emulator.
fn banners(analysis: &Analysis) -> Vec<String> {
    let mut banners = Vec::new();
    if analysis.is_mixed() {
        banners.push(MIXED.to_string());
    }
    if let Some(simulation) = analysis.simulation() {
        banners.push(simulated_banner(&simulation));
    }
    banners
}

fn print_tables(
    analysis: &Analysis,
    price_file: Option<&Path>,
    banners: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    for banner in banners {
        writeln!(out, "{banner}\n")?;
    }
    out.flush()?;
    for warning in &analysis.warnings {
        writeln!(err, "warning: {warning}")?;
    }
    write!(out, "{}", overview(analysis))?;
    writeln!(out, "{}\n", cost_note(analysis, price_file))?;
    out.flush()
}

fn announce(
    csvs: &[PathBuf],
    report: Option<&ReportFiles>,
    banners: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if let Some(report) = report {
        writeln!(
            out,
            "Charts: {} ({} charts, SVG and PNG)",
            report.plots.display(),
            report.charts.charts.len()
        )?;
        writeln!(
            out,
            "Report: {} (kept as {})",
            report.index.display(),
            report.copy.display()
        )?;
    }
    if !csvs.is_empty() {
        writeln!(out, "Wrote:")?;
        for path in csvs {
            writeln!(out, "  {}", path.display())?;
        }
    }
    for banner in banners.iter().rev() {
        writeln!(out, "\n{banner}")?;
    }
    out.flush()
}
