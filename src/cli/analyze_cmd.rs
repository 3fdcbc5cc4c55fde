//! `bedrock-bench analyze`: raw CSVs in; the Python tool's summary, the
//! extended summary and the standard-vs-optimized comparison out, and
//! the same on the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::analysis::{
    Analysis, AnalyzeOptions, Comparison, RatioEstimate, analyze, local_timestamp, table,
};
use bedrock_bench::export::summary_csv;
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

const SIMULATED: &str = "!!! SIMULATED: these numbers come from the built-in emulator, not from measurements on Amazon Bedrock !!!";

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
    print_overview(&analysis);
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

fn print_overview(analysis: &Analysis) {
    let data = &analysis.dataset;
    let attempts = data.attempts();
    let successes = attempts.iter().filter(|a| a.is_success()).count();
    println!(
        "{} attempts ({} invocations) from {} file(s): {} succeeded, {} failed.\n",
        attempts.len(),
        data.invocation_count(),
        data.sources().len(),
        successes,
        attempts.len() - successes
    );

    println!("Summary (successful calls only; seconds, tokens, tokens/s):");
    let rows: Vec<Vec<String>> = analysis.summary.iter().map(summary_csv::record).collect();
    print!("{}", table::render(&summary_csv::SUMMARY_COLUMNS, &rows));
    println!();

    println!("Standard vs optimized (ratio of medians optimized/standard, bootstrap 95% CI):");
    if analysis.comparisons.is_empty() {
        println!("  no model and region has both a standard and an optimized group.");
    } else {
        let header = [
            "model",
            "region",
            "n_standard",
            "n_optimized",
            "TTFT_p50_standard",
            "TTFT_p50_optimized",
            "TTFT_ratio",
            "TTFT_ratio_95%_CI",
            "gen_OTPS_p50_standard",
            "gen_OTPS_p50_optimized",
            "gen_OTPS_ratio",
            "gen_OTPS_ratio_95%_CI",
            "fallbacks",
        ];
        let rows: Vec<Vec<String>> = analysis.comparisons.iter().map(comparison_row).collect();
        print!("{}", table::render(&header, &rows));
    }
    println!();

    println!("Attempts and failures per group:");
    let header = [
        "model",
        "region",
        "performance_config",
        "attempts",
        "successes",
        "errors",
        "throttles",
        "timeouts",
        "failed_invocations",
        "fallbacks",
    ];
    let rows: Vec<Vec<String>> = analysis
        .groups
        .iter()
        .map(|g| {
            let c = &g.counts;
            let mut row = vec![
                g.model.clone(),
                g.region.clone(),
                g.performance_config.clone(),
            ];
            row.extend(
                [
                    c.attempts,
                    c.successes,
                    c.errors,
                    c.throttles,
                    c.timeouts,
                    c.failed_invocations,
                    c.fallbacks,
                ]
                .map(|n| n.to_string()),
            );
            row
        })
        .collect();
    print!("{}", table::render(&header, &rows));
    println!();
}

fn comparison_row(c: &Comparison) -> Vec<String> {
    let three = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    let ci = |e: &RatioEstimate| match (e.ci_low, e.ci_high) {
        (Some(low), Some(high)) => format!("[{low:.3}, {high:.3}]"),
        _ => String::new(),
    };
    vec![
        c.model.clone(),
        c.region.clone(),
        c.n_standard.to_string(),
        c.n_optimized.to_string(),
        three(c.ttft_p50.standard),
        three(c.ttft_p50.optimized),
        three(c.ttft_p50.ratio),
        ci(&c.ttft_p50),
        three(c.generation_otps_p50.standard),
        three(c.generation_otps_p50.optimized),
        three(c.generation_otps_p50.ratio),
        ci(&c.generation_otps_p50),
        c.fallbacks.to_string(),
    ]
}
