//! Running one step, shared by the sweep and the length grid: its plan
//! within what the steps before it left of the budgets, one run of the
//! runner into its own directory, its statistics, and whether the sweep
//! (or grid) ends after it.

use std::path::PathBuf;
use std::sync::Arc;

use super::result::{StepStats, SweepStep};
use super::step::SampleSink;
use super::{SweepEnd, SweepOptions, step_experiment};
use crate::client::Clients;
use crate::config::Scenario;
use crate::plan::{Limit, PlanError, PlanInput};
use crate::runner::{self, RunControls, RunError, StopCause};
use bedrock_catalog::prices::Cost;

/// What the steps done so far spent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spent {
    /// Calls made.
    pub calls: u64,
    /// What they cost, where known.
    pub cost: Cost,
    /// What they were charged against the dollar budget (a timed-out call
    /// at its worst case), carried into the dollars left.
    pub charged: Cost,
    /// A call was charged more than its reserved worst case.
    pub overrun: Option<runner::Overrun>,
}

/// One step to run.
pub(crate) struct StepSpec {
    /// Its scenarios (the sweep's, or a grid cell's).
    pub scenarios: Vec<Scenario>,
    /// The load offered: a rate or a concurrency.
    pub level: f64,
    /// From 1.
    pub index: usize,
    /// Where its raw CSVs go.
    pub dir: PathBuf,
}

/// How a step went.
pub(crate) enum StepRun {
    /// It was not started (a budget had no room for it) or recorded
    /// nothing: the sweep ends so.
    NotStarted(SweepEnd),
    /// It ran; `end` says when the sweep must end after it.
    Ran {
        /// The step.
        step: Box<SweepStep>,
        /// Why the sweep ends after it, if it does.
        end: Option<SweepEnd>,
    },
}

/// Run `spec` with `options`' experiment, SLO and budgets (less what
/// `spent` says was used), adding what it spends to `spent`.
pub(crate) async fn run_step(
    clients: &Arc<Clients>,
    options: &SweepOptions,
    spec: StepSpec,
    spent: &mut Spent,
) -> StepRun {
    let StepSpec {
        scenarios,
        level,
        index,
        dir,
    } = spec;
    let max_cost = options.max_cost.as_ref().map(|limit| limit.value);
    let calls_left = options
        .max_calls
        .as_ref()
        .map(|limit| limit.value.saturating_sub(spent.calls));
    // The step's plan, within what the steps before it left.
    let plan = PlanInput::new(
        scenarios,
        step_experiment(
            &options.experiment,
            options.kind,
            level,
            options.step_duration_s,
        ),
    )
    .seed(options.seed.wrapping_add(index as u64 - 1))
    .prices(Arc::clone(&options.prices))
    .max_calls(options.max_calls.as_ref().map(|limit| {
        Limit::new(
            limit.value.saturating_sub(spent.calls),
            format!("{}, what the earlier steps left", limit.source),
        )
    }))
    .max_cost(options.max_cost.as_ref().map(|limit| {
        Limit::new(
            limit.value.saturating_sub(spent.charged),
            format!("{}, what the earlier steps left", limit.source),
        )
    }))
    .build();
    let planned = plan.schedule.planned_calls();
    match plan.check() {
        Ok(()) => {}
        Err(PlanError::OverBudget { .. } | PlanError::ShardsOverBudget { .. }) => {
            return StepRun::NotStarted(SweepEnd::CallBudget {
                step: index,
                planned,
                left: calls_left.unwrap_or(0),
            });
        }
        Err(error) => {
            return StepRun::NotStarted(SweepEnd::DollarBudget {
                step: index,
                reason: error.to_string(),
            });
        }
    }
    let sink = SampleSink::default();
    let controls = RunControls::new(dir.clone())
        .progress(options.progress)
        .stop(options.stop.clone())
        .sink(Box::new(sink.clone()));
    let (summary, record_error) = match runner::run(Arc::clone(clients), &plan, controls).await {
        Ok(summary) => (summary, None),
        Err(RunError::Report { error, summary }) => (*summary, Some(error.to_string())),
        Err(other) => return StepRun::NotStarted(SweepEnd::RecordFailed(other.to_string())),
    };
    spent.calls = spent.calls.saturating_add(summary.attempts);
    spent.cost = spent.cost.saturating_add(summary.cost);
    spent.charged = spent.charged.saturating_add(summary.charged);
    if let Some(step_overrun) = summary.overrun {
        // The step's budget was what the steps before it left: the
        // whole sweep's charges against the whole sweep's budget.
        spent.overrun = Some(runner::Overrun {
            total: spent.charged,
            max: max_cost.unwrap_or(step_overrun.max),
            ..step_overrun
        });
    }
    let stats = StepStats::of(&sink.take(), level, options.step_duration_s, &options.slo);
    let failures = stats.failures(&options.slo);
    let step = SweepStep {
        index,
        failures,
        stats,
        files: summary.files.clone(),
        dir,
        cost: summary.cost,
        charged: summary.charged,
        interrupted: summary.interrupted || summary.budget_exhausted,
    };
    let end = if let Some(error) = record_error {
        Some(SweepEnd::RecordFailed(error))
    } else if spent.overrun.is_some() {
        Some(SweepEnd::Overrun)
    } else if summary.interrupted {
        Some(SweepEnd::Stopped(
            summary.stop_cause.unwrap_or(StopCause::Interrupt),
        ))
    } else if summary.budget_exhausted {
        Some(match summary.budget_refusal {
            Some(runner::Refusal::Dollars) => SweepEnd::DollarBudget {
                step: index,
                reason: "the dollars left had no room for another call at its worst case".into(),
            },
            _ => SweepEnd::CallBudget {
                step: index,
                planned,
                left: calls_left.unwrap_or(0),
            },
        })
    } else {
        None
    };
    StepRun::Ran {
        step: Box::new(step),
        end,
    }
}
