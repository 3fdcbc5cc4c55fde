//! A run for a test to make: its plan's input and its controls, each
//! adjustable before it runs (a budget, a shard, a sink, the stop signal).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::client::Clients;
use bedrock_bench::config::{Experiment, Scenario};
use bedrock_bench::plan::PlanInput;
use bedrock_bench::runner::{self, Backoff, RunControls, RunError, RunSummary};

/// What a test runs.
pub struct Job {
    /// The plan's input (scenarios, experiment, seed, shard, prices,
    /// limits).
    pub input: PlanInput,
    /// Where the files go, the stop signal, sinks, the backoff.
    pub controls: RunControls,
}

impl Job {
    /// `scenarios` under `experiment`, seed 0, files under `out_dir`, quick
    /// retries (5 ms, at most 20 ms), no progress display.
    pub fn new(scenarios: Vec<Scenario>, experiment: Experiment, out_dir: PathBuf) -> Job {
        Job {
            input: PlanInput::new(scenarios, experiment),
            controls: RunControls::new(out_dir).backoff(Backoff {
                base: Duration::from_millis(5),
                cap: Duration::from_millis(20),
            }),
        }
    }

    /// With this seed.
    pub fn seed(mut self, seed: u64) -> Job {
        self.input.seed = seed;
        self
    }

    /// Plan it and run it against `clients`.
    pub async fn run(self, clients: Arc<Clients>) -> Result<RunSummary, RunError> {
        let plan = self.input.build();
        runner::run(clients, &plan, self.controls).await
    }
}
