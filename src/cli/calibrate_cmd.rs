//! `bedrock-bench calibrate`: measure the harness against the emulator's
//! ground truth at several concurrency levels.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::calibrate::{
    CalibrateOptions, EmulatorProgram, calibrate, figures, table, write_csv,
};
use bedrock_bench::runner::ProgressMode;
use bedrock_bench::timestamps::local_stamp;
use clap::Args;

/// Options of `bedrock-bench calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Concurrency levels (parallel calls, 1 to 10000), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,256,1000",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    concurrency: Vec<u32>,
    /// Calls per level, 1 to 10000000 (default: twice the concurrency, at least 10).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    calls: Option<u64>,
    /// Output tokens per call, one per event (1 to 100000).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    tokens: u32,
    /// Decode rate of the emulator's fixed profile, tokens per second (1 to 1000000).
    #[arg(long, default_value_t = 100.0, value_parser = rate)]
    tokens_per_s: f64,
    /// Time to first token of the fixed profile, seconds (0 to 3600).
    #[arg(long, default_value_t = 0.1, value_parser = seconds)]
    ttft: f64,
    /// Worker threads of the client runtime, 1 to 256 [default: one per
    /// core, as the runner]
    #[arg(long, default_value_t = default_threads(), hide_default_value = true, value_parser = threads)]
    client_threads: usize,
    /// Worker threads of the emulator process, 1 to 256.
    #[arg(long, default_value_t = 2, value_parser = threads)]
    emulator_threads: usize,
    /// Use this model's built-in emulator profile (TTFT spread, rate, jitter,
    /// chunking) instead of the fixed one, e.g. us.amazon.nova-pro-v1:0.
    #[arg(long, value_name = "MODEL_ID", value_parser = model_id)]
    model: Option<String>,
    /// The inference API the calls go through: converse-stream,
    /// invoke-stream, openai-chat or anthropic-messages (converse has no
    /// time to first token to calibrate).
    #[arg(long, value_name = "API", default_value = "converse-stream", value_parser = streaming_api)]
    api: bedrock_catalog::Api,
    /// The endpoint of the API: bedrock-runtime, or bedrock-mantle for
    /// openai-chat and anthropic-messages (the emulator serves both at one
    /// address).
    #[arg(long, value_name = "ENDPOINT", default_value = "bedrock-runtime", value_parser = endpoint)]
    endpoint: bedrock_catalog::Endpoint,
    /// Measure this standalone `bedrock-emulator` program (another build of
    /// the emulator, to compare builds against the same client) instead of
    /// this program's own emulator.
    #[arg(long, value_name = "PATH")]
    emulator_program: Option<PathBuf>,
    /// Progress of the measured calls: off (one line per level), plain,
    /// or live (the live view drawing while the harness is measured, even
    /// off a terminal: its figures must not change).
    #[arg(long, value_name = "MODE", default_value = "off", value_parser = progress)]
    progress: ProgressMode,
    /// Report root; results go to DIR/calibrate/<timestamp>/.
    #[arg(long, value_name = "DIR", default_value = "target-reports")]
    out: PathBuf,
    /// Also write the results as a results file (the command, date,
    /// machine and commit with every figure), for the documents to quote:
    /// for example docs/figures/calibrate.json.
    #[arg(long, value_name = "FILE")]
    figures: Option<PathBuf>,
}

/// Create `parent/<stamp>` (or `<stamp>_2`, `_3`... when taken) and
/// return it: a calibration never writes into an earlier one's directory.
fn claim_directory(parent: &std::path::Path, stamp: &str) -> anyhow::Result<PathBuf> {
    bedrock_bench::files::create_new_dir(parent, stamp)
        .with_context(|| format!("creating a new directory in {}", parent.display()))
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (1.0..=1e6).contains(&value) => Ok(value),
        _ => Err(format!(
            "expected a rate from 1 to 1000000 tokens per second, found {text:?}"
        )),
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && (0.0..=3600.0).contains(&value) => Ok(value),
        _ => Err(format!("expected seconds from 0 to 3600, found {text:?}")),
    }
}

fn model_id(text: &str) -> Result<String, String> {
    if bedrock_catalog::is_model_id(text) {
        Ok(text.to_string())
    } else {
        Err(format!("expected {}", bedrock_catalog::MODEL_ID_SHAPE))
    }
}

fn streaming_api(text: &str) -> Result<bedrock_catalog::Api, String> {
    match text.parse::<bedrock_catalog::Api>() {
        Ok(bedrock_catalog::Api::Converse) => Err(
            "converse answers all at once: it has no time to first token to calibrate; choose a streaming API".into(),
        ),
        Ok(api) => Ok(api),
        Err(error) => Err(error.to_string()),
    }
}

fn endpoint(text: &str) -> Result<bedrock_catalog::Endpoint, String> {
    text.parse()
        .map_err(|error: bedrock_catalog::UnknownValue| error.to_string())
}

fn progress(text: &str) -> Result<ProgressMode, String> {
    match ProgressMode::from_name(text) {
        Some(ProgressMode::Auto) | None => {
            Err(format!("expected off, plain or live, found {text:?}"))
        }
        Some(mode) => Ok(mode),
    }
}

fn threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if (1..=256).contains(&value) => Ok(value),
        _ => Err(format!("expected 1 to 256 threads, found {text:?}")),
    }
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(256))
}

/// Measure every level, print the table, write the CSV.
pub fn run(args: CalibrateArgs) -> anyhow::Result<ExitCode> {
    if args.concurrency.is_empty() {
        anyhow::bail!("--concurrency needs levels of at least 1, for example 1,16,256,1000");
    }
    let args_figures = args.figures.clone();
    let stamp = local_stamp();
    let out_dir = claim_directory(&args.out.join("calibrate"), &stamp)?;
    let options = CalibrateOptions {
        concurrency: args.concurrency,
        calls: args.calls,
        tokens: args.tokens,
        tokens_per_s: args.tokens_per_s,
        ttft_s: args.ttft,
        out_dir: out_dir.clone(),
        emulator: match args.emulator_program {
            Some(program) => EmulatorProgram::Standalone(program),
            None => EmulatorProgram::Harness(
                std::env::current_exe().context("finding this program to start the emulator")?,
            ),
        },
        client_threads: args.client_threads,
        model: args.model,
        api: args.api,
        endpoint: args.endpoint,
        progress: args.progress,
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
    if let Some(path) = &args_figures {
        figures(
            &results,
            &bedrock_bench::figures::invocation("bedrock-bench"),
        )
        .write(path)
        .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
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
