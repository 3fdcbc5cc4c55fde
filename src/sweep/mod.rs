//! `sweep`: raise the offered load step by step until the service-level
//! objective fails (by default: the service throttles, or more than 1% of
//! calls fail), then report the knee.
//!
//! ```text
//! LevelSearch (levels.rs)      next rate: listed, or climbed x factor then bisected
//!   -> one open-loop run per step (the runner, its raw CSV under step-NN/)
//!   -> SampleSink (step.rs)    what each call did
//!   -> StepStats               rates, throttles, errors, latency percentiles, goodput
//!   -> Slo (slo.rs)            met or not: the search's next rate
//!   -> Knee (knee.rs)          the highest rate that met the SLO, where throttling began
//! ```
//!
//! What the sweep found (its steps, their statistics, the knee) is in
//! [`result`], which depends on nothing of the engine or the runner: the
//! sweep's CSV, chart and page read only that.
//!
//! Each step runs the experiment's open-loop arrival (`poisson` when the
//! experiment is a closed loop) at the step's rate for the step's
//! duration, one run, no retries. The call budget and the dollar budget
//! cover the whole sweep: each step gets what the steps before it left,
//! and a step whose planned calls or worst case do not fit is not started.
//! Steps are `pause_s` apart (a drained quota refills). A stop request
//! ends the step in progress and the sweep; every step
//! done keeps its files.
//!
//! A length grid (`grid.rs`, `grid_run.rs`) runs at one load instead:
//! every cell of input and output lengths is a step of its own
//! (`step_run.rs`, shared with the sweep), under `cell-in<I>-out<O>/`,
//! judged by the SLO without ending the grid; what it found is in
//! [`grid_result`].

mod grid;
pub mod grid_result;
mod grid_run;
mod knee;
mod levels;
mod quota_note;
pub mod result;
mod slo;
mod step;
mod step_run;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use levels::{LevelSearch, Levels, LevelsError, MAX_STEPS, MIN_RESOLUTION};
pub use quota_note::{QuotaOnset, quota_lines, quota_onsets};
pub use result::{Knee, LatencyMetric, LevelKind, PERCENTILES, Percentiles, StepStats, SweepStep};
pub use slo::{Objective, Slo, SloParseError};
pub use step::{Sample, SampleSink};

pub use grid::{
    GridError, LengthGrid, MAX_GRID_CELLS, MAX_GRID_INPUT_TOKENS, MAX_GRID_LENGTHS,
    MAX_GRID_OUTPUT_TOKENS, cell_scenarios, check_scenarios, parse_lengths,
};
pub use grid_result::{CellResult, GridCell, GridView};
pub use grid_run::{GridOptions, GridOutcome, generation_otps_p50, run_grid};

use crate::client::Clients;
use crate::config::{Arrival, Experiment, Scenario};
use crate::plan::{Limit, Schedule};
use crate::runner::{self, ProgressMode, StopCause, StopSignal};
use bedrock_catalog::prices::{Cost, PriceTable};
use step_run::{Spent, StepRun, StepSpec, run_step};

/// Everything a sweep needs besides the clients.
pub struct SweepOptions {
    /// The scenarios, in file order (picked by weight at every step).
    pub scenarios: Vec<Scenario>,
    /// The experiment; its open-loop arrival, burstiness and
    /// `max_concurrency` are kept, its rate and duration replaced per step.
    pub experiment: Experiment,
    /// What the levels are: rates or concurrencies.
    pub kind: LevelKind,
    /// The levels to try.
    pub levels: Levels,
    /// How long each step offers its rate, seconds.
    pub step_duration_s: f64,
    /// The pause before each step after the first, so that a quota a
    /// throttled step drained refills before the next step is measured.
    pub pause_s: f64,
    /// What each step must meet.
    pub slo: Slo,
    /// The sweep's directory: step `N` writes under `step-NN-<rate>/`.
    pub out_dir: PathBuf,
    /// Seed of step 1's arrivals (step `N` uses seed + N - 1).
    pub seed: u64,
    /// The most calls of the whole sweep, and where it was set.
    pub max_calls: Option<Limit<u64>>,
    /// The most US dollars of the whole sweep, and where it was set.
    pub max_cost: Option<Limit<Cost>>,
    /// The prices of the calls.
    pub prices: Arc<PriceTable>,
    /// Progress display of each step.
    pub progress: ProgressMode,
    /// Stop requests (Ctrl-C).
    pub stop: StopSignal,
}

/// Why the sweep ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepEnd {
    /// The search found the knee (or tried every level).
    Done,
    /// A stop request (Ctrl-C...).
    Stopped(StopCause),
    /// The next step's planned calls do not fit in the calls left.
    CallBudget {
        /// The step not started.
        step: usize,
        /// Its planned calls.
        planned: u64,
        /// Calls left.
        left: u64,
    },
    /// The next step's worst case does not fit in the dollars left (or a
    /// price is unknown), or a step ran out of dollars.
    DollarBudget {
        /// The step not started or cut short.
        step: usize,
        /// What the runner said.
        reason: String,
    },
    /// A step could not record its calls.
    RecordFailed(String),
    /// A call was charged more than its reserved worst case (see
    /// [`SweepOutcome::overrun`]).
    Overrun,
}

/// A whole sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOutcome {
    /// Every step done, in order.
    pub steps: Vec<SweepStep>,
    /// Why it ended.
    pub end: SweepEnd,
    /// The knee of the steps done.
    pub knee: Knee,
    /// Calls of the whole sweep.
    pub calls: u64,
    /// What they cost, where known.
    pub cost: Cost,
    /// What they were charged against the dollar budget (see
    /// [`SweepStep::charged`]).
    pub charged: Cost,
    /// A call was charged more than its reserved worst case; the sweep
    /// ended at once.
    pub overrun: Option<runner::Overrun>,
}

/// The experiment of one step, one run for `duration_s`: at a rate, the
/// base experiment's open-loop settings (`poisson` unless it is an open
/// loop); at a concurrency, `concurrent` with that many calls in flight.
pub fn step_experiment(
    base: &Experiment,
    kind: LevelKind,
    level: f64,
    duration_s: f64,
) -> Experiment {
    let mut experiment = base.clone();
    match kind {
        LevelKind::Rate => {
            if !experiment.load.arrival.is_open() {
                experiment.load.arrival = Arrival::Poisson;
            }
            experiment.load.rate_per_s = Some(level);
            experiment.load.concurrency = None;
        }
        LevelKind::Concurrency => {
            experiment.load.arrival = Arrival::Concurrent;
            experiment.load.concurrency = Some(level as u32);
            experiment.load.rate_per_s = None;
            experiment.load.burstiness = None;
            experiment.load.max_concurrency = None;
        }
    }
    experiment.load.duration_s = Some(duration_s);
    experiment.num_runs_per_experiment = 1;
    experiment.max_calls = None;
    experiment.max_cost_usd = None;
    experiment.max_retries = 0;
    experiment.warmup_invocations = 0;
    experiment
}

/// The calls the step at `level` plans (an upper bound for constant
/// arrivals, the expected count for random ones, an estimate from the
/// built-in latency table for a concurrency).
pub fn step_calls(options: &SweepOptions, level: f64) -> u64 {
    let experiment = step_experiment(
        &options.experiment,
        options.kind,
        level,
        options.step_duration_s,
    );
    Schedule::for_scenarios(&options.scenarios, &experiment, options.seed).planned_calls()
}

/// The calls of the whole sweep at most: every level it may try.
pub fn max_sweep_calls(options: &SweepOptions) -> u64 {
    let climb = options.levels.climb();
    let highest = climb.last().copied().unwrap_or(0.0);
    let climbing: u64 = climb.iter().map(|r| step_calls(options, *r)).sum();
    let bisections = options.levels.max_steps().saturating_sub(climb.len()) as u64;
    climbing.saturating_add(bisections.saturating_mul(step_calls(options, highest)))
}

/// `2.5per_s` or `8conc` for a directory name.
fn level_label(kind: LevelKind, level: f64) -> String {
    match kind {
        LevelKind::Rate => {
            format!("{level:.3}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
                + "per_s"
        }
        LevelKind::Concurrency => format!("{level:.0}conc"),
    }
}

/// Run the sweep; `on_step` sees each step as it ends (to print it and
/// write the sweep's files, so that nothing is lost if the process dies).
pub async fn run_sweep(
    clients: Arc<Clients>,
    options: SweepOptions,
    mut on_step: impl FnMut(&[SweepStep]),
) -> SweepOutcome {
    let mut search = LevelSearch::new(options.levels.clone());
    let mut steps: Vec<SweepStep> = Vec::new();
    // Carried from step to step into the budgets left: every call, and
    // every call's charge (a timed-out call at its worst case), as `run`
    // charges it.
    let mut spent = Spent::default();
    let end = loop {
        if let Some(cause) = options.stop.cause().filter(|_| options.stop.is_stopping()) {
            break SweepEnd::Stopped(cause);
        }
        let Some(rate) = search.next_rate() else {
            break SweepEnd::Done;
        };
        let index = steps.len() + 1;
        if index > 1 {
            let resume = Instant::now() + Duration::from_secs_f64(options.pause_s);
            if !runner::sleep_until_or_stop(resume, &options.stop).await {
                continue;
            }
        }
        let dir = options.out_dir.join(format!(
            "step-{index:02}-{}",
            level_label(options.kind, rate)
        ));
        let spec = StepSpec {
            scenarios: options.scenarios.clone(),
            level: rate,
            index,
            dir,
        };
        let (step, step_end) = match run_step(&clients, &options, spec, &mut spent).await {
            StepRun::NotStarted(end) => break end,
            StepRun::Ran { step, end } => (*step, end),
        };
        if !step.interrupted {
            search.record(rate, step.passed());
        }
        steps.push(step);
        on_step(&steps);
        if let Some(end) = step_end {
            break end;
        }
    };
    let knee = Knee::of(options.kind, &steps, &search);
    SweepOutcome {
        steps,
        end,
        knee,
        calls: spent.calls,
        cost: spent.cost,
        charged: spent.charged,
        overrun: spent.overrun,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Load, parse_scenarios};

    fn options(levels: Levels, arrival: Arrival) -> SweepOptions {
        let scenarios = parse_scenarios(
            r#"{"text_prompt": "Hi.", "expected_output_tokens": 5, "model_id": "us.amazon.nova-lite-v1:0", "region": "us-east-1"}"#,
            "s.jsonl",
            std::path::Path::new("."),
        )
        .expect("scenarios")
        .value;
        SweepOptions {
            scenarios,
            experiment: Experiment {
                load: Load {
                    arrival,
                    rate_per_s: Some(1.0),
                    duration_s: Some(1.0),
                    ..Load::default()
                },
                ..Experiment::default()
            },
            kind: LevelKind::Rate,
            levels,
            step_duration_s: 3.0,
            pause_s: 0.0,
            slo: Slo::with_defaults(Vec::new()),
            out_dir: PathBuf::from("unused"),
            seed: 1,
            max_calls: None,
            max_cost: None,
            prices: Arc::default(),
            progress: ProgressMode::Off,
            stop: StopSignal::new(),
        }
    }

    proptest::proptest! {
        /// The dry run's "at most N calls" holds for the real climb: constant
        /// arrivals make exactly the calls each step plans.
        #[test]
        fn the_dry_runs_call_bound_holds_for_any_climb(
            start in 0.01f64..50.0,
            span in 1.01f64..1000.0,
            factor in 1.05f64..10.0,
            resolution in MIN_RESOLUTION..0.99,
            limit_at in 0.0f64..1.2,
        ) {
            let levels = Levels::Stepped { start, max: start * span, factor, resolution, whole: false };
            proptest::prop_assume!(levels.max_steps() <= MAX_STEPS);
            let options = options(levels.clone(), Arrival::Constant);
            let bound = max_sweep_calls(&options);
            let limit = start * span.powf(limit_at);
            let mut search = LevelSearch::new(levels);
            let mut calls = 0u64;
            while let Some(rate) = search.next_rate() {
                calls += step_calls(&options, rate);
                search.record(rate, rate <= limit);
            }
            proptest::prop_assert!(calls <= bound, "{calls} calls > the bound {bound}");
        }
    }
}
