//! `bedrock-bench emulator`: the emulator crate's standalone server (the
//! same as the `bedrock-emulator` binary), for users of this binary and for
//! `calibrate`, which starts it as a child process.

use std::process::ExitCode;

pub use bedrock_emulator::cli::EmulatorArgs;

/// Serve until Ctrl-C or SIGTERM.
pub fn run(args: EmulatorArgs) -> anyhow::Result<ExitCode> {
    Ok(bedrock_emulator::cli::run(args, "bedrock-bench emulator")?)
}
