//! Why `cargo bench` could not run or finish, and how `cargo bench` prints it.

use std::fmt;
use std::path::PathBuf;

use crate::analysis::ReadError;
use crate::client::ClientError;
use crate::config::ConfigErrors;

use super::args::ArgsError;

/// The environment variable of `cargo bench`'s dollar budget (overrides
/// the experiment file's `max_cost_usd`).
pub const MAX_COST_ENV: &str = "BEDROCK_BENCH_MAX_COST";

/// The environment variable naming `cargo bench`'s price file.
pub const PRICES_ENV: &str = "BEDROCK_BENCH_PRICES";

/// Why [`run`](super::run) stopped with an error. A variant that wraps
/// what went wrong says what was being done and returns the cause from
/// [`source`](std::error::Error::source); [`ErrorChain`] prints both.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// criterion's command line asks for something this harness refuses.
    #[error(transparent)]
    Args(#[from] ArgsError),
    /// `--test` was given to a harness that does not read the command line.
    #[error("--test needs criterion to read the command line (criterion_reads_process_args)")]
    TestNeedsProcessArgs,
    /// The scenarios or the experiment file have errors.
    #[error("the configuration has errors; nothing was called:\n{0}")]
    Config(ConfigErrors),
    /// The benchmark filter is not a regular expression.
    #[error("the benchmark filter {filter:?}")]
    Filter {
        /// The filter as given.
        filter: String,
        /// Why it does not parse.
        source: regex::Error,
    },
    /// The selected benchmarks need more calls than `max_calls` allows.
    #[error(
        "cargo bench would make {planned} calls ({per_scenario} per scenario), more than max_calls = {max} in {file}; raise it, lower invocations_per_scenario, or filter benchmarks (cargo bench -- <filter>)"
    )]
    OverBudget {
        /// Calls the selected benchmarks need.
        planned: u64,
        /// Calls per scenario.
        per_scenario: usize,
        /// The experiment file's `max_calls`.
        max: u64,
        /// The experiment file.
        file: String,
    },
    /// The selected benchmarks' worst case passes the dollar budget, or a
    /// price is unknown under one.
    #[error(transparent)]
    Cost(#[from] crate::plan::CostError),
    /// The plan cannot be carried out (split into shards).
    #[error(transparent)]
    Plan(crate::plan::PlanError),
    /// `BEDROCK_BENCH_MAX_COST` is not a dollar budget.
    #[error("{MAX_COST_ENV}={value:?}: {reason}")]
    MaxCostEnv {
        /// The value.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `BEDROCK_BENCH_PROGRESS` names no progress mode (the message says
    /// which it can name).
    #[error("{0}")]
    ProgressEnv(String),
    /// The price file (`BEDROCK_BENCH_PRICES`) has errors.
    #[error("the price file {PRICES_ENV} names has errors; nothing was called:\n{0}")]
    Prices(ConfigErrors),
    /// The target could not be chosen or set up.
    #[error(transparent)]
    Target(#[from] ClientError),
    /// The async runtime did not start.
    #[error("starting the async runtime")]
    Runtime {
        /// The OS error.
        source: std::io::Error,
    },
    /// The clients for the target could not be made.
    #[error("preparing the target")]
    Connect {
        /// Why.
        source: ClientError,
    },
    /// The signal handlers could not be installed.
    #[error("installing the SIGINT, SIGTERM and SIGHUP handlers")]
    Signals {
        /// The OS error.
        source: std::io::Error,
    },
    /// The raw CSV could not be created.
    #[error("creating the raw CSV in {}", dir.display())]
    CreateCsv {
        /// The directory it was to go in.
        dir: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A row could not be written, so no further call was made.
    #[error(
        "the raw CSV could not be written, so cargo bench stopped after {calls} calls ({rows} rows written)"
    )]
    WriteCsv {
        /// Calls made.
        calls: u64,
        /// Rows written.
        rows: u64,
    },
    /// A sink of the calls' events failed, so no further call was made.
    #[error(
        "a sink of the calls' events failed, so cargo bench stopped after {calls} calls ({rows} rows written)"
    )]
    Sink {
        /// Calls made.
        calls: u64,
        /// Rows written.
        rows: u64,
    },
    /// A sink of the calls' events could not finish.
    #[error("finishing a sink of the calls' events")]
    FinishSink {
        /// Its error.
        source: crate::runner::SinkError,
    },
    /// The raw CSV could not be synced to disk.
    #[error("finishing the raw CSV")]
    FinishCsv {
        /// The OS error.
        source: std::io::Error,
    },
    /// The raw CSV just written could not be analyzed.
    #[error("analyzing {}", path.display())]
    Analyze {
        /// The raw CSV.
        path: PathBuf,
        /// Why (boxed: a read error is large).
        source: Box<ReadError>,
    },
    /// Some of the analysis's outputs (CSVs, charts, report page) could
    /// not be written; the others were.
    #[error("publishing the analysis under {}", dir.display())]
    Publish {
        /// The report root.
        dir: PathBuf,
        /// Each output that failed, with why.
        source: crate::publish::PublishErrors,
    },
}

/// An error followed by each of its causes, `: `-separated: the line
/// `cargo bench` prints after `error: ` (the same text `{:#}` gives for an
/// `anyhow::Error`).
#[derive(Debug, Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_names_what_was_done_then_each_cause() {
        let error = BenchError::CreateCsv {
            dir: PathBuf::from("reports/results"),
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(error.to_string(), "creating the raw CSV in reports/results");
        assert_eq!(
            ErrorChain(&error).to_string(),
            "creating the raw CSV in reports/results: disk full"
        );
        let error = BenchError::TestNeedsProcessArgs;
        assert_eq!(ErrorChain(&error).to_string(), error.to_string());
    }
}
