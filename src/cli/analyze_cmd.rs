//! `bedrock-bench analyze`: raw CSVs in; the Python tool's summary, the
//! extended summary and the standard-vs-optimized comparison out, and
//! the same on the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::analysis::terminal::{self, SIMULATED};
use bedrock_bench::analysis::{AnalyzeOptions, analyze, local_timestamp};
use clap::Args;

/// Options of `bedrock-bench analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Raw CSV files, or directories (every *.csv directly inside).
    #[arg(value_name = "FILES|DIRS", default_value = "target-reports/results")]
    paths: Vec<PathBuf>,
    /// Write the analysis files under DIR/results-analysis/.
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
    println!("Wrote:");
    for path in [&files.summary, &files.extended, &files.comparison] {
        println!("  {}", path.display());
    }
    if simulated {
        println!("\n{SIMULATED}");
    }
    Ok(ExitCode::SUCCESS)
}
