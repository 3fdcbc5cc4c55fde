//! `bedrock-bench analyze`: raw CSVs in; the Python tool's summary, the
//! extended summary and the standard-vs-optimized comparison out, and
//! the same on the terminal; then the charts and the HTML report.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::analysis::terminal::{self, SIMULATED};
use bedrock_bench::analysis::{AnalyzeOptions, analyze, local_timestamp};
use bedrock_bench::report::write_report;
use clap::Args;

/// Options of `bedrock-bench analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Raw CSV files, or directories (every *.csv directly inside).
    #[arg(value_name = "FILES|DIRS", default_value = "target-reports/results")]
    paths: Vec<PathBuf>,
    /// The report root: summaries under DIR/results-analysis/, charts
    /// under DIR/plots/<ts>/, the report page at DIR/index.html.
    #[arg(long, value_name = "DIR", default_value = "target-reports")]
    out: PathBuf,
}

/// Analyze, write the files, print the tables.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let analysis = analyze(&args.paths, &AnalyzeOptions::default())?;
    let simulated = analysis.is_simulated();
    if simulated {
        println!("{SIMULATED}\n");
    }
    for warning in &analysis.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", terminal::overview(&analysis));
    let files = analysis
        .write_files(&args.out, &local_timestamp())
        .with_context(|| {
            format!(
                "writing the analysis files under {}",
                args.out.join("results-analysis").display()
            )
        })?;
    // The charts and the page, announced before the summary files (whose
    // list ends the output, as scripts read it).
    let report = write_report(&analysis, &args.out, &files);
    if let Ok(report) = &report {
        println!(
            "Charts: {} ({} charts, SVG and PNG)",
            report.plots.display(),
            report.charts.charts.len()
        );
        println!(
            "Report: {} (kept as {})",
            report.index.display(),
            report.copy.display()
        );
    }
    println!("Wrote:");
    for path in [&files.summary, &files.extended, &files.comparison] {
        println!("  {}", path.display());
    }
    report.with_context(|| {
        format!(
            "writing the charts and the report under {}",
            args.out.display()
        )
    })?;
    if simulated {
        println!("\n{SIMULATED}");
    }
    Ok(ExitCode::SUCCESS)
}
