//! `bedrock-bench figures`: rewrite the figures that README.md and docs/
//! quote from the results files in docs/figures/ (for contributors, after
//! re-measuring), or check that they agree.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use bedrock_bench::figures::render_documents;

/// Options of `bedrock-bench figures`.
#[derive(Debug, Args)]
pub struct FiguresArgs {
    /// Only check: exit 1 and name each document whose figures differ from
    /// the results files, writing nothing.
    #[arg(long)]
    check: bool,
    /// The repository's root.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

/// Run `figures`.
pub fn run(args: FiguresArgs) -> anyhow::Result<ExitCode> {
    let documents = render_documents(&args.root).context("rendering the figures")?;
    let mut stale = 0;
    for (path, current, rendered) in documents {
        if current == rendered {
            continue;
        }
        stale += 1;
        if args.check {
            eprintln!(
                "{}: its figures differ from docs/figures/ (run `bedrock-bench figures`)",
                path.display()
            );
        } else {
            std::fs::write(&path, rendered)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("rewrote the figures in {}", path.display());
        }
    }
    if args.check && stale > 0 {
        return Ok(ExitCode::FAILURE);
    }
    if stale == 0 {
        eprintln!("every quoted figure matches its results file");
    }
    Ok(ExitCode::SUCCESS)
}
