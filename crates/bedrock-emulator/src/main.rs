//! `bedrock-emulator`: the ConverseStream emulator as a standalone server
//! (the same as `bedrock-bench emulator`, without the harness).

use std::process::ExitCode;

use clap::Parser;

/// A local Amazon Bedrock ConverseStream emulator: point any AWS SDK at the
/// URL it prints on its first line.
#[derive(Debug, Parser)]
#[command(name = "bedrock-emulator", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    args: bedrock_emulator::cli::EmulatorArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match bedrock_emulator::cli::run(cli.args, "bedrock-emulator") {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
