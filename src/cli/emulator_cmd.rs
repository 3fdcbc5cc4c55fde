//! `bedrock-bench emulator`: the ConverseStream emulator as a standalone
//! server. The first line on stdout is its base URL.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bedrock_bench::emulator::{Emulator, EmulatorConfig, ProfileSet};
use clap::Args;

/// Options of `bedrock-bench emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on. Loopback by default; anything else is reachable
    /// from other machines.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Multiply every delay by this factor (0.1 = ten times faster, 0 = no delays).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Seed for every random draw, for repeatable runs.
    #[arg(long)]
    seed: Option<u64>,
    /// JSON file overriding the built-in latency profiles (see emulator-profiles.example.json).
    #[arg(long, value_name = "FILE")]
    profiles: Option<PathBuf>,
    /// Write one JSON line of ground truth per request to FILE.
    #[arg(long, value_name = "FILE")]
    ground_truth: Option<PathBuf>,
    /// Serve unknown model ids with a generic profile instead of a ValidationException.
    #[arg(long)]
    accept_any_model: bool,
    /// Worker threads of the emulator's runtime.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// Serve until Ctrl-C or SIGTERM, then shut down cleanly.
pub fn run(args: EmulatorArgs) -> anyhow::Result<ExitCode> {
    let profiles = match &args.profiles {
        Some(path) => ProfileSet::from_override_file(path).map_err(anyhow::Error::msg)?,
        None => ProfileSet::builtin(),
    };
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "warning: the emulator listens on {}, which other machines may reach; it accepts any credentials.",
            args.addr
        );
    }
    let config = EmulatorConfig {
        addr: args.addr,
        time_scale: args.time_scale,
        seed: args.seed,
        profiles,
        accept_any_model: args.accept_any_model,
        ground_truth_file: args.ground_truth.clone(),
        keep_ground_truth: false,
        worker_threads: args.threads,
        ..EmulatorConfig::default()
    };
    // Handlers first: a SIGTERM sent as soon as the URL is read must stop
    // the emulator cleanly, not kill the process.
    let stop = StopSignal::install().context("installing the Ctrl-C and SIGTERM handlers")?;
    let emulator = Emulator::start(config).context("starting the emulator")?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", emulator.base_url()).context("writing the base URL to stdout")?;
    stdout.flush().context("flushing stdout")?;
    drop(stdout);
    eprintln!(
        "bedrock-bench emulator: serving POST /model/{{modelId}}/converse-stream at {} (time scale {}); Ctrl-C or SIGTERM stops it.",
        emulator.base_url(),
        args.time_scale
    );

    stop.wait().context("waiting for Ctrl-C or SIGTERM")?;
    let lateness = emulator.lateness();
    emulator.shutdown();
    eprintln!(
        "bedrock-bench emulator: stopped after {} frames (lateness p50 {:?}, p99 {:?}, max {:?}){}",
        lateness.frames,
        lateness.p50,
        lateness.p99,
        lateness.max,
        args.ground_truth
            .as_ref()
            .map(|p| format!("; ground truth in {}", p.display()))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// SIGINT (Ctrl-C) and SIGTERM handlers, installed before the emulator
/// starts so that no signal finds the default action (death) in place.
struct StopSignal {
    runtime: tokio::runtime::Runtime,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn install() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (terminate, interrupt) = runtime.block_on(async {
                Ok::<_, std::io::Error>((
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::interrupt())?,
                ))
            })?;
            Ok(StopSignal {
                runtime,
                terminate,
                interrupt,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignal { runtime })
        }
    }

    /// Block until SIGINT (Ctrl-C) or SIGTERM arrives.
    fn wait(self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            let StopSignal {
                runtime,
                mut terminate,
                mut interrupt,
            } = self;
            runtime.block_on(async {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = interrupt.recv() => {}
                }
            });
            Ok(())
        }
        #[cfg(not(unix))]
        {
            self.runtime.block_on(tokio::signal::ctrl_c())
        }
    }
}
