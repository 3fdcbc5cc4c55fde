//! The emulator as a standalone server: the `bedrock-emulator` binary and
//! the `bedrock-bench emulator` subcommand share these options and
//! [`run`]. The first line on stdout is its base URL.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use crate::{
    ApiKeys, Emulator, EmulatorConfig, EmulatorError, GuardrailTiming, OverrideError, ProfileSet,
    SlowDown, default_max_connections,
};

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The profile file is unusable.
    #[error("{0}")]
    Profiles(OverrideError),
    /// The emulator did not start.
    #[error("starting the emulator: {0}")]
    Start(#[from] EmulatorError),
    /// Writing the URL or installing the signal handlers failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The server's options.
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
    /// Serve without the built-in rate quotas (Bedrock's default tokens per
    /// minute per model); a --profiles file may still set some.
    #[arg(long)]
    no_quotas: bool,
    /// Write one JSON line of ground truth per request to FILE.
    #[arg(long, value_name = "FILE")]
    ground_truth: Option<PathBuf>,
    /// Serve unknown model ids with a generic profile instead of a ValidationException.
    #[arg(long)]
    accept_any_model: bool,
    /// Worker threads of the emulator's runtime.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Close a connection whose request head (request line and headers) is
    /// not complete SECS after it opened or, between requests, after its
    /// first byte. Not scaled by --time-scale.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = positive_seconds)]
    header_timeout: Duration,
    /// Close a connection with no request in flight that sends nothing for
    /// SECS (streams in flight are never cut). Not scaled by --time-scale.
    #[arg(long, value_name = "SECS", default_value = "120", value_parser = positive_seconds)]
    idle_timeout: Duration,
    /// Serve at most N connections at once; at the limit the connection idle
    /// longest is closed to make room [default: half of `ulimit -n` after 64
    /// reserved, 8 to 8192].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
    /// Answer 408 RequestTimeoutException to a request whose body is not
    /// complete SECS after its headers were read (an HTTP/1.1 connection is
    /// then closed). Not scaled by --time-scale.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = positive_seconds)]
    body_timeout: Duration,
    /// Hold at most MIB mebibytes of request bodies at once, over all
    /// connections; a body that would pass it is refused with 503
    /// ServiceUnavailableException.
    #[arg(long, value_name = "MIB", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    max_buffered_body_mib: u32,
    /// Slow the service down during the run: every request that arrives
    /// SECS or more (real seconds, not scaled by --time-scale) after the
    /// start is planned --slow-down-factor times slower (its TTFT and every
    /// per-token time); the ground truth records the slowed plan.
    #[arg(long, value_name = "SECS", value_parser = non_negative_seconds)]
    slow_down_after: Option<Duration>,
    /// What --slow-down-after multiplies every planned delay by (over 0;
    /// 2 = twice as slow).
    #[arg(long, value_name = "F", default_value_t = 2.0, requires = "slow_down_after", value_parser = positive_factor)]
    slow_down_factor: f64,
    /// Accept only this Bedrock API key (`Authorization: Bearer KEY`) and
    /// refuse others with 403 AccessDeniedException, as Bedrock does;
    /// repeat for more keys. Without it any key is accepted. SigV4
    /// signatures are accepted either way (never verified).
    #[arg(long = "api-key", value_name = "KEY", value_parser = secret_key)]
    api_keys: Vec<SecretKey>,
    /// A request with a guardrail starts its model MS milliseconds later
    /// (the input assessment). Illustrative: no public figure gives it.
    #[arg(long, value_name = "MS", default_value = "0", value_parser = non_negative_millis)]
    guardrail_input_check_ms: Duration,
    /// A guardrail in synchronous mode checks the output N tokens at a
    /// time, holding each unit's deltas until it is checked (at least 1).
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    guardrail_unit_tokens: u32,
    /// The check of one output unit, milliseconds: a synchronous unit goes
    /// out MS after its last token exists. Illustrative: no public figure
    /// gives it.
    #[arg(long, value_name = "MS", default_value = "150", value_parser = non_negative_millis)]
    guardrail_unit_check_ms: Duration,
    /// A guardrail blocks a request whose user messages contain WORD
    /// (case-insensitive): the answer is the blocked message with the stop
    /// reason guardrail_intervened. Repeat for more words.
    #[arg(long = "guardrail-blocked-word", value_name = "WORD", value_parser = blocked_word)]
    guardrail_blocked_words: Vec<String>,
}

/// A number of milliseconds from 0 to a week, such as `150` or `2.5`.
fn non_negative_millis(text: &str) -> Result<Duration, String> {
    let millis: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of milliseconds"))?;
    if !(millis.is_finite() && (0.0..=604_800_000.0).contains(&millis)) {
        return Err(format!(
            "{text} must be a number of milliseconds from 0 to a week"
        ));
    }
    Ok(Duration::from_secs_f64(millis / 1000.0))
}

/// A `--guardrail-blocked-word`: not blank.
fn blocked_word(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("a blocked word must not be empty".into())
    } else {
        Ok(text.trim().to_string())
    }
}

/// A number of seconds of at least 0, such as `0` or `30.5`.
/// An `--api-key` value: its `Debug` never shows it.
#[derive(Clone)]
struct SecretKey(String);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

fn secret_key(text: &str) -> Result<SecretKey, String> {
    if text.trim().is_empty() {
        Err("an API key must not be empty".into())
    } else {
        Ok(SecretKey(text.trim().to_string()))
    }
}

fn non_negative_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(format!("{text} must be a number of seconds of at least 0"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text} seconds is too long"))
}

/// A factor over 0, such as `1.5`.
fn positive_factor(text: &str) -> Result<f64, String> {
    let factor: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(factor.is_finite() && factor > 0.0) {
        return Err(format!("{text} must be a number over 0"));
    }
    Ok(factor)
}

/// A number of seconds over 0, such as `30` or `0.5`.
fn positive_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(format!("{text} must be a number of seconds over 0"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text} seconds is too long"))
}

/// Serve until Ctrl-C or SIGTERM, then shut down cleanly. `name` is how
/// the program calls itself in its messages. Exit status 1 when ground
/// truth was lost.
pub fn run(args: EmulatorArgs, name: &str) -> Result<ExitCode, ServeError> {
    let io = |what| move |source| ServeError::Io { what, source };
    let mut profiles = ProfileSet::builtin();
    if args.no_quotas {
        profiles.remove_rate_quotas("--no-quotas");
    }
    if let Some(path) = &args.profiles {
        profiles
            .apply_override_file(path)
            .map_err(ServeError::Profiles)?;
    }
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "warning: the emulator listens on {}, which other machines may reach; it accepts {}.",
            args.addr,
            if args.api_keys.is_empty() {
                "any credentials"
            } else {
                "any SigV4 signature (and only the --api-key keys)"
            }
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
        header_read_timeout: args.header_timeout,
        idle_timeout: args.idle_timeout,
        max_connections: args
            .max_connections
            .map_or_else(default_max_connections, |n| n as usize),
        body_read_timeout: args.body_timeout,
        max_buffered_body_bytes: (args.max_buffered_body_mib as usize).saturating_mul(1024 * 1024),
        slow_down: args.slow_down_after.map(|after| SlowDown {
            after,
            factor: args.slow_down_factor,
        }),
        api_keys: ApiKeys::new(args.api_keys.iter().map(|k| k.0.as_str())),
        guardrail: GuardrailTiming {
            input_check: args.guardrail_input_check_ms,
            unit_tokens: args.guardrail_unit_tokens,
            unit_check: args.guardrail_unit_check_ms,
        },
        guardrail_blocked_words: args.guardrail_blocked_words.clone(),
        ..EmulatorConfig::default()
    };
    // Handlers first: a SIGTERM sent as soon as the URL is read must stop
    // the emulator cleanly, not kill the process.
    let stop = StopSignal::install().map_err(io("installing the Ctrl-C and SIGTERM handlers"))?;
    let emulator = Emulator::start(config)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .map_err(io("writing the base URL to stdout"))?;
    drop(stdout);
    let limits = emulator.connection_limits();
    eprintln!(
        "{name}: serving POST /model/{{modelId}}/converse-stream at {} (time scale {}, {}; \
         header timeout {:?}, idle timeout {:?}, body timeout {:?}, at most {} connections \
         and {} MiB of request bodies); Ctrl-C or SIGTERM stops it.",
        emulator.base_url(),
        args.time_scale,
        if args.no_quotas {
            "no built-in rate quotas"
        } else {
            "Bedrock's default rate quotas"
        },
        limits.header_read_timeout,
        limits.idle_timeout,
        args.body_timeout,
        limits.max_connections,
        args.max_buffered_body_mib,
    );
    if let Some(after) = args.slow_down_after {
        eprintln!(
            "{name}: requests arriving {after:?} or more after the start are planned {}x slower (--slow-down-after).",
            args.slow_down_factor
        );
    }

    stop.wait().map_err(io("waiting for Ctrl-C or SIGTERM"))?;
    let lateness = emulator.lateness();
    let connections = emulator.connection_stats();
    let bodies = emulator.body_stats();
    let lost = emulator.shutdown();
    eprintln!(
        "{name}: stopped after {} frames (lateness p50 {:?}, p99 {:?}, max {:?}); \
         {} connections ({} closed idle, {} for the header timeout, {} to make room, {} waited at the limit); \
         {} request bodies timed out, {} refused for the body buffer (at most {} bytes held){}",
        lateness.frames,
        lateness.p50,
        lateness.p99,
        lateness.max,
        connections.accepted,
        connections.closed_idle,
        connections.closed_header_timeout,
        connections.closed_for_room,
        connections.deferred_at_limit,
        bodies.timed_out,
        bodies.refused_buffer_full,
        bodies.peak_buffered_bytes,
        args.ground_truth
            .as_ref()
            .map(|p| format!("; ground truth in {}", p.display()))
            .unwrap_or_default()
    );
    if lost.any_lost() {
        eprintln!(
            "{name}: {} ground-truth record{} lost ({} failed write{}); {} is incomplete",
            lost.records_lost,
            if lost.records_lost == 1 {
                " was"
            } else {
                "s were"
            },
            lost.write_errors,
            if lost.write_errors == 1 { "" } else { "s" },
            args.ground_truth.as_ref().map_or_else(
                || "the ground truth".to_string(),
                |p| p.display().to_string()
            ),
        );
        return Ok(ExitCode::FAILURE);
    }
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
