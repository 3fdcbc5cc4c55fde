//! Running a length grid: every cell at one load, in order (input
//! lengths outer, output lengths inner), each a step of the sweep's
//! (its plan within what the cells before it left of the budgets, its
//! raw CSV under `cell-in<I>-out<O>/`), `pause_s` apart. The SLO is
//! judged per cell and never ends the grid; a budget refusal, a stop
//! request or a recording failure does, keeping every cell done.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::grid::{GridError, LengthGrid, cell_scenarios, check_scenarios};
use super::grid_result::{CellResult, GridCell};
use super::result::LevelKind;
use super::step_run::{Spent, StepRun, StepSpec, run_step};
use super::{Levels, SweepEnd, SweepOptions, step_experiment};
use crate::analysis::{Metric, ReadError, metric_values, read_paths};
use crate::call::CallSpec;
use crate::client::Clients;
use crate::plan::{CostPlan, RequestSource, Schedule};
use crate::record::RunFile;
use crate::runner;
use crate::stats::percentile;
use bedrock_catalog::prices::Cost;

/// A length grid to run: the sweep's settings (one level) and the grid.
pub struct GridOptions {
    /// The experiment, the load's kind, the step duration, the pause, the
    /// SLO, the budgets, the output directory...; its levels hold the one
    /// load.
    pub sweep: SweepOptions,
    /// The lengths.
    pub grid: LengthGrid,
    /// The load every cell runs at.
    pub level: f64,
}

impl GridOptions {
    /// The grid of `sweep` (whose levels, parsed from `levels_text`, must
    /// be one rate or one concurrency) and `grid`; its scenarios must be
    /// single-turn.
    pub fn new(
        sweep: SweepOptions,
        grid: LengthGrid,
        levels_text: &str,
    ) -> Result<GridOptions, GridError> {
        let level = match &sweep.levels {
            Levels::List(levels) if levels.len() == 1 => levels[0],
            _ => {
                return Err(GridError::NotOneLoad {
                    option: sweep.kind.option(),
                    value: levels_text.to_string(),
                });
            }
        };
        check_scenarios(&sweep.scenarios)?;
        Ok(GridOptions { sweep, grid, level })
    }

    /// Every cell, in the order they run.
    pub fn cells(&self) -> Vec<GridCell> {
        self.grid.cells()
    }

    /// The directory of `cell` under the sweep's.
    pub fn cell_dir(&self, cell: GridCell) -> PathBuf {
        self.sweep.out_dir.join(cell.dir_name())
    }

    /// The calls `cell` plans (an upper bound for constant arrivals, the
    /// expected count for random ones, an estimate for a concurrency).
    pub fn cell_calls(&self, cell: GridCell) -> u64 {
        let experiment = step_experiment(
            &self.sweep.experiment,
            self.sweep.kind,
            self.level,
            self.sweep.step_duration_s,
        );
        Schedule::for_scenarios(
            &cell_scenarios(&self.sweep.scenarios, cell),
            &experiment,
            self.sweep.seed,
        )
        .planned_calls()
    }

    /// The worst case of `cell`: its planned calls, each at `maxTokens`
    /// with the dearest scenario's prices (`None`: a price is unknown).
    pub fn cell_worst_case(&self, cell: GridCell) -> Option<Cost> {
        let scenarios = cell_scenarios(&self.sweep.scenarios, cell);
        let worst = scenarios.iter().enumerate().map(|(index, s)| {
            RequestSource::new(
                s,
                index,
                CallSpec::from_scenario(s, &self.sweep.experiment),
                0,
                None,
            )
            .attempt_worst_case(&self.sweep.prices)
        });
        let names = scenarios.iter().map(|s| s.name.as_str());
        CostPlan::for_mix(names.zip(worst), self.cell_calls(cell)).planned
    }

    /// The calls of every cell.
    pub fn total_calls(&self) -> u64 {
        self.cells()
            .into_iter()
            .map(|cell| self.cell_calls(cell))
            .fold(0, u64::saturating_add)
    }

    /// The worst case of every cell together (`None`: a price is
    /// unknown).
    pub fn total_worst_case(&self) -> Option<Cost> {
        self.cells().into_iter().try_fold(Cost::ZERO, |sum, cell| {
            Some(sum.saturating_add(self.cell_worst_case(cell)?))
        })
    }

    /// What the load is.
    pub fn kind(&self) -> LevelKind {
        self.sweep.kind
    }
}

/// A whole length grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridOutcome {
    /// Every cell done, in order.
    pub cells: Vec<CellResult>,
    /// Why it ended ([`SweepEnd::Done`]: every cell ran).
    pub end: SweepEnd,
    /// Calls of the whole grid.
    pub calls: u64,
    /// What they cost, where known.
    pub cost: Cost,
    /// What they were charged against the dollar budget.
    pub charged: Cost,
    /// A call was charged more than its reserved worst case; the grid
    /// ended at once.
    pub overrun: Option<runner::Overrun>,
}

/// The median generation speed (`Metric::GenerationOtps`) over the
/// successful calls of `files`, every group pooled.
pub fn generation_otps_p50(files: &[RunFile]) -> Result<Option<f64>, ReadError> {
    let paths: Vec<&std::path::Path> = files
        .iter()
        .filter(|f| f.rows > 0)
        .map(|f| f.path.as_path())
        .collect();
    if paths.is_empty() {
        return Ok(None);
    }
    let dataset = read_paths(&paths)?;
    let mut values: Vec<f64> = dataset
        .groups()
        .iter()
        .flat_map(|group| metric_values(&dataset, group, Metric::GenerationOtps))
        .collect();
    values.sort_by(f64::total_cmp);
    Ok(percentile(&values, 50.0))
}

/// Run every cell of `options`; `on_cell` sees the cells done as each
/// ends (to print it and write the grid's CSV).
pub async fn run_grid(
    clients: Arc<Clients>,
    options: GridOptions,
    mut on_cell: impl FnMut(&[CellResult]),
) -> GridOutcome {
    let mut cells: Vec<CellResult> = Vec::new();
    let mut spent = Spent::default();
    let sweep = &options.sweep;
    let mut pending = options.cells().into_iter();
    let end = loop {
        if let Some(cause) = sweep.stop.cause().filter(|_| sweep.stop.is_stopping()) {
            break SweepEnd::Stopped(cause);
        }
        let Some(cell) = pending.next() else {
            break SweepEnd::Done;
        };
        let index = cells.len() + 1;
        if index > 1 {
            let resume = Instant::now() + Duration::from_secs_f64(sweep.pause_s);
            if !runner::sleep_until_or_stop(resume, &sweep.stop).await {
                continue;
            }
        }
        let spec = StepSpec {
            scenarios: cell_scenarios(&sweep.scenarios, cell),
            level: options.level,
            index,
            dir: options.cell_dir(cell),
        };
        let (step, step_end) = match run_step(&clients, sweep, spec, &mut spent).await {
            StepRun::NotStarted(end) => break end,
            StepRun::Ran { step, end } => (*step, end),
        };
        let (generation_otps_p50, analysis_error) = match generation_otps_p50(&step.files) {
            Ok(p50) => (p50, None),
            Err(error) => (None, Some(error.to_string())),
        };
        cells.push(CellResult {
            cell,
            step,
            generation_otps_p50,
            analysis_error,
        });
        on_cell(&cells);
        if let Some(end) = step_end {
            break end;
        }
    };
    GridOutcome {
        cells,
        end,
        calls: spent.calls,
        cost: spent.cost,
        charged: spent.charged,
        overrun: spent.overrun,
    }
}
