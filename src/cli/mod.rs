//! Argument parsing and dispatch, one file per subcommand.

mod analyze_cmd;
mod calibrate_cmd;
mod compare_cmd;
mod docs_cmd;
mod emulator_cmd;
mod models_cmd;
mod plan_args;
mod run_cmd;
mod sweep_cmd;
mod sweep_grid;
mod sweep_words;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// How fast do Amazon Bedrock models really stream? Benchmarks
/// ConverseStream (TTFT, total latency, OTPS) per model and performance
/// configuration, against Bedrock or a local emulator.
#[derive(Debug, Parser)]
#[command(name = "bedrock-bench", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the experiment: the Python tool's schedule, one raw CSV per run.
    Run(run_cmd::RunArgs),
    /// Raise the offered rate until the SLO fails: the knee, goodput and where throttling began.
    Sweep(sweep_cmd::SweepArgs),
    /// Summarize raw CSVs: the Python tool's summary CSV, an extended summary, standard vs optimized.
    Analyze(analyze_cmd::AnalyzeArgs),
    /// Compare two sets of raw CSVs group by group (change, 95% interval, verdict); --fail-if gates for CI.
    Compare(compare_cmd::CompareArgs),
    /// List a region's models and inference profiles: latency-optimized, tiers, streaming; write scenarios for them.
    Models(models_cmd::ModelsArgs),
    /// Serve the ConverseStream emulator on loopback for any client (SDKs, boto3).
    Emulator(emulator_cmd::EmulatorArgs),
    /// Measure the harness itself against the emulator's ground truth.
    Calibrate(calibrate_cmd::CalibrateArgs),
    /// For contributors: regenerate docs/reference/ (commands, config fields, raw CSV columns) from the code, and the figures the documents quote from docs/figures/.
    #[command(visible_alias = "figures")]
    Docs(docs_cmd::DocsArgs),
}

/// Run the chosen subcommand; the exit code says how it went.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run_cmd::run(args),
        Command::Sweep(args) => sweep_cmd::run(args),
        Command::Analyze(args) => analyze_cmd::run(args),
        Command::Compare(args) => compare_cmd::run(args),
        Command::Models(args) => models_cmd::run(args),
        Command::Emulator(args) => emulator_cmd::run(args),
        Command::Calibrate(args) => calibrate_cmd::run(args),
        Command::Docs(args) => docs_cmd::run(args, Cli::command()),
    }
}
