//! `bedrock-bench docs` (for contributors; `figures` is its old name):
//! regenerate the references in docs/reference/ from the code and the
//! measured figures that README.md and docs/ quote from the results files
//! in docs/figures/ (after re-measuring), or check that they agree.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use bedrock_bench::docs::generate;

/// Options of `bedrock-bench docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Only check: exit 1 and name each document that differs from what
    /// would be generated, writing nothing.
    #[arg(long)]
    check: bool,
    /// The repository's root.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Run `docs` for the program whose command line is `cli`.
pub fn run(args: DocsArgs, cli: clap::Command) -> anyhow::Result<ExitCode> {
    let documents = generate(&args.root, &cli).context("generating the documents")?;
    let mut stale = 0;
    for document in documents.iter().filter(|d| d.is_stale()) {
        stale += 1;
        let path = document.path.display();
        if args.check {
            let why = if document.current.is_none() {
                "is missing"
            } else {
                "differs from what the code and docs/figures/ generate"
            };
            eprintln!("{path}: {why} (run `cargo run --release -- docs`)");
        } else {
            document
                .write()
                .with_context(|| format!("writing {path}"))?;
            eprintln!("rewrote {path}");
        }
    }
    if args.check && stale > 0 {
        return Ok(ExitCode::FAILURE);
    }
    if stale == 0 {
        eprintln!(
            "every reference matches the code, and every quoted figure its results file ({} documents)",
            documents.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
