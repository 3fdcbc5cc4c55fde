//! `bedrock-bench calibrate`: measure the harness against the emulator's
//! ground truth at several concurrency levels.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::analysis::local_timestamp;
use bedrock_bench::calibrate::{CalibrateOptions, calibrate, table, write_csv};
use clap::Args;

/// Options of `bedrock-bench calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Concurrency levels (parallel calls), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,256,1000")]
    concurrency: Vec<u32>,
    /// Calls per level (default: twice the concurrency, at least 10).
    #[arg(long, value_name = "N")]
    calls: Option<u64>,
    /// Output tokens per call, one per event.
    #[arg(long, default_value_t = 500)]
    tokens: u32,
    /// Decode rate of the emulator's fixed profile, tokens per second.
    #[arg(long, default_value_t = 100.0)]
    tokens_per_s: f64,
    /// Time to first token of the fixed profile, seconds.
    #[arg(long, default_value_t = 0.1)]
    ttft: f64,
    /// Worker threads of the client runtime (the runner's default: one per core).
    #[arg(long, default_value_t = default_threads())]
    client_threads: usize,
    /// Worker threads of the emulator process.
    #[arg(long, default_value_t = 2)]
    emulator_threads: usize,
    /// Use this model's built-in emulator profile (TTFT spread, rate, jitter,
    /// chunking) instead of the fixed one, e.g. us.amazon.nova-pro-v1:0.
    #[arg(long, value_name = "MODEL_ID")]
    model: Option<String>,
    /// Report root; results go to DIR/calibrate/<timestamp>/.
    #[arg(long, value_name = "DIR", default_value = "target-reports")]
    out: PathBuf,
}

/// Create `parent/<stamp>` (or `<stamp>_2`, `_3`... when taken) and
/// return it: a calibration never writes into an earlier one's directory.
fn claim_directory(parent: &std::path::Path, stamp: &str) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    for n in 1.. {
        let name = if n == 1 {
            stamp.to_string()
        } else {
            format!("{stamp}_{n}")
        };
        let dir = parent.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("creating {}", dir.display())),
        }
    }
    unreachable!("an unbounded range always yields")
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Measure every level, print the table, write the CSV.
pub fn run(args: CalibrateArgs) -> anyhow::Result<ExitCode> {
    if args.concurrency.is_empty() || args.concurrency.contains(&0) {
        anyhow::bail!("--concurrency needs levels of at least 1, for example 1,16,256,1000");
    }
    let stamp = local_timestamp();
    let out_dir = claim_directory(&args.out.join("calibrate"), &stamp)?;
    let options = CalibrateOptions {
        concurrency: args.concurrency,
        calls: args.calls,
        tokens: args.tokens,
        tokens_per_s: args.tokens_per_s,
        ttft_s: args.ttft,
        out_dir: out_dir.clone(),
        emulator_binary: std::env::current_exe()
            .context("finding this program to start the emulator")?,
        client_threads: args.client_threads,
        model: args.model,
        emulator_threads: args.emulator_threads,
    };
    match &options.model {
        Some(model) => eprintln!(
            "calibrate: emulator in a separate process, the built-in profile of {model}, {} tokens per call; levels {:?}",
            options.tokens, options.concurrency
        ),
        None => eprintln!(
            "calibrate: emulator in a separate process, fixed profile (TTFT {} s, {} tokens at {} tok/s, one token per event); levels {:?}",
            options.ttft_s, options.tokens, options.tokens_per_s, options.concurrency
        ),
    }
    let results = calibrate(&options)?;
    print!("{}", table(&results));
    let csv = out_dir.join(format!("calibrate_{stamp}.csv"));
    write_csv(&results, &csv).with_context(|| format!("writing {}", csv.display()))?;
    println!("wrote {}", csv.display());
    let failed: u64 = results
        .iter()
        .map(|r| r.errors + r.accuracy.unmatched as u64)
        .sum();
    if failed > 0 {
        eprintln!(
            "{failed} calls failed or had no ground truth: see the raw CSVs under {}",
            out_dir.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
