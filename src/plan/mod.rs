//! The plan of a run, built once: what will be called (the scenarios'
//! requests), when (the schedule: the Python tool's closed loop, open-loop
//! arrivals or a fixed concurrency, and this process's share of it with a
//! shard), with which budgets and where each came from, and what it can
//! cost at worst. `--dry-run` prints it; `run`, every `sweep` step,
//! `cargo bench` and `calibrate` execute it.
//!
//! ```text
//! PlanInput (scenarios, experiment, seed, shard, prices, limits from flags)
//!   -> Plan::new      the schedule, every request, every worst case, the
//!                      budgets (the whole experiment's and this process's
//!                      part), and the verdict (does the plan fit?), once
//!   -> runner::run    executes it
//! ```

mod arrivals;
mod cost;
mod describe;
mod limit;
mod requests;
mod schedule;
pub mod shard;

use std::sync::Arc;

pub use arrivals::{ArrivalAt, ArrivalPlan, Arrivals, RunShare, ScenarioPick};
pub use cost::{
    CostError, CostPlan, PROMPT_TEMPLATE_TOKENS, TOOL_PROMPT_TOKENS, TURN_TEMPLATE_TOKENS,
    attempt_worst_case, attempt_worst_case_with, charged, us_priced_elsewhere,
    worst_case_input_tokens,
};
pub use describe::{planned_count, planned_text};
pub use limit::Limit;
pub use requests::{DrawnRequest, RequestSource, SessionDraw};
pub use schedule::{Schedule, estimated_call_time, human_duration};
pub use shard::{MAX_SHARDS, Shard, ShardError};

use crate::call::CallSpec;
use crate::config::{Experiment, Scenario};
use bedrock_catalog::prices::{Cost, PriceTable};

/// What a plan is made of. `max_calls` and `max_cost` are limits given
/// beside the experiment file (a flag, an environment variable, what a
/// sweep has left); they win over the file's `max_calls` and
/// `max_cost_usd`.
#[derive(Debug, Clone)]
pub struct PlanInput {
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// The experiment settings.
    pub experiment: Experiment,
    /// Seed of the shuffles, the arrivals and the retry jitter.
    pub seed: u64,
    /// Make only this shard's share of the experiment; `None`: all of it.
    pub shard: Option<Shard>,
    /// The prices of the calls.
    pub prices: Arc<PriceTable>,
    /// The most calls, over the file's `max_calls`.
    pub max_calls: Option<Limit<u64>>,
    /// The most dollars, over the file's `max_cost_usd`.
    pub max_cost: Option<Limit<Cost>>,
}

impl PlanInput {
    /// `scenarios` under `experiment`, seed 0, no shard, the built-in
    /// prices, only the file's limits.
    pub fn new(scenarios: Vec<Scenario>, experiment: Experiment) -> PlanInput {
        PlanInput {
            scenarios,
            experiment,
            seed: 0,
            shard: None,
            prices: Arc::default(),
            max_calls: None,
            max_cost: None,
        }
    }

    /// With this seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// With this shard (`None`: the whole experiment).
    pub fn shard(mut self, shard: Option<Shard>) -> Self {
        self.shard = shard;
        self
    }

    /// With these prices.
    pub fn prices(mut self, prices: Arc<PriceTable>) -> Self {
        self.prices = prices;
        self
    }

    /// With a call limit over the file's (`None` keeps the file's).
    pub fn max_calls(mut self, limit: Option<Limit<u64>>) -> Self {
        self.max_calls = limit;
        self
    }

    /// With a dollar limit over the file's (`None` keeps the file's).
    pub fn max_cost(mut self, limit: Option<Limit<Cost>>) -> Self {
        self.max_cost = limit;
        self
    }

    /// The plan.
    pub fn build(self) -> Plan {
        Plan::new(self)
    }
}

/// Why a plan cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The plan exceeds the call budget.
    #[error(
        "the run would make {planned} calls, more than the maximum of {max} (set by {source_of_max}); raise the maximum or lower num_runs_per_experiment, invocations_per_scenario, warmup_invocations or the number of scenarios"
    )]
    OverBudget {
        /// Calls planned.
        planned: u64,
        /// The maximum.
        max: u64,
        /// Where the maximum was set.
        source_of_max: String,
    },
    /// The shards' plans together exceed the call budget.
    #[error(
        "the {shards} shards together would make {planned} calls (each shard makes its own warm-ups), more than the maximum of {max} for the whole experiment (set by {source_of_max}); raise the maximum, use fewer shards, or lower num_runs_per_experiment, invocations_per_scenario, warmup_invocations or the number of scenarios"
    )]
    ShardsOverBudget {
        /// Calls planned by all the shards.
        planned: u64,
        /// The maximum.
        max: u64,
        /// Where the maximum was set.
        source_of_max: String,
        /// The number of shards.
        shards: u32,
    },
    /// Some shards would have nothing to do.
    #[error(
        "the experiment cannot be split into {shards} shards: {why}, so {} would make no call; use at most {most} shards",
        idle_shards(*.most, *.shards)
    )]
    EmptyShards {
        /// The number of shards.
        shards: u32,
        /// The most shards that each have a call.
        most: u64,
        /// Why: the count that is too small.
        why: String,
    },
    /// `--shard` with the `concurrent` load, which is not split.
    #[error(
        "arrival \"concurrent\" cannot be split into shards yet: run one process per machine with its own `concurrency`, or use an open loop (\"constant\", \"poisson\", \"gamma\") with --shard"
    )]
    ShardedConcurrency,
    /// The plan cannot keep the dollar budget (or a price is unknown).
    #[error(transparent)]
    OverCostBudget(#[from] CostError),
}

/// `shard 3/4`, `shards 2/4 to 3/4`: the shards from `first` on.
fn idle_shards(first: u64, shards: u32) -> String {
    let last = u64::from(shards) - 1;
    if first >= last {
        format!("shard {last}/{shards}")
    } else {
        format!("shards {first}/{shards} to {last}/{shards}")
    }
}

/// A run, planned: built once by [`Plan::new`], printed by the dry runs,
/// executed by `runner::run` (and by each sweep step, `cargo bench` and
/// `calibrate`).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// The experiment settings.
    pub experiment: Experiment,
    /// Seed of the shuffles, the arrivals and the retry jitter.
    pub seed: u64,
    /// This process makes this shard's share; `None`: all of it.
    pub shard: Option<Shard>,
    /// The prices of the calls.
    pub prices: Arc<PriceTable>,
    /// Where each scenario's requests come from (one fixed request, or
    /// one drawn per call).
    pub requests: Vec<RequestSource>,
    /// The worst case of one attempt of each scenario (`None`: a price is
    /// unknown).
    pub worst_costs: Vec<Option<Cost>>,
    /// This process's schedule (its shard's share of the experiment's).
    pub schedule: Schedule,
    /// The worst case of this process's calls.
    pub costs: CostPlan,
    /// The worst case of the whole experiment's calls (every shard's).
    pub experiment_costs: CostPlan,
    /// The experiment's call budget and where it was set.
    pub max_calls: Option<Limit<u64>>,
    /// The experiment's dollar budget and where it was set.
    pub max_cost: Option<Limit<Cost>>,
    /// The calls this process may make: the budget, or its shard's part.
    pub own_max_calls: Option<u64>,
    /// The dollars this process may spend: the budget, or its shard's
    /// part.
    pub own_max_cost: Option<Cost>,
    verdict: Result<(), PlanError>,
}

impl Plan {
    /// Plan `input`: draw nothing yet (the orders and arrivals are drawn
    /// lazily from the seed), compute every count, worst case and budget,
    /// and decide once whether the plan fits its budgets.
    pub fn new(input: PlanInput) -> Plan {
        let PlanInput {
            scenarios,
            experiment,
            seed,
            shard,
            prices,
            max_calls,
            max_cost,
        } = input;
        let file = &experiment.source.file;
        let max_calls = max_calls.or_else(|| {
            experiment
                .max_calls
                .map(|value| Limit::new(value, format!("max_calls in {file}")))
        });
        let max_cost = max_cost.or_else(|| {
            experiment
                .max_cost_usd
                .map(|value| Limit::new(value, format!("max_cost_usd in {file}")))
        });
        let requests: Vec<RequestSource> = scenarios
            .iter()
            .enumerate()
            .map(|(index, s)| {
                RequestSource::new(
                    s,
                    index,
                    CallSpec::from_scenario(s, &experiment),
                    seed,
                    experiment.load.trace.as_ref(),
                )
            })
            .collect();
        let worst_costs: Vec<Option<Cost>> = requests
            .iter()
            .map(|requests| requests.attempt_worst_case(&prices))
            .collect();
        let turns: Vec<u32> = requests.iter().map(RequestSource::max_turns).collect();
        let schedule = Schedule::for_scenarios(&scenarios, &experiment, seed)
            .sharded(shard)
            .with_turns(turns.iter().copied().max().unwrap_or(1));
        // A session makes up to its most turns, each at most the worst
        // attempt: the closed loop prices each scenario's sessions so; the
        // open loop's planned calls already count every turn.
        let session_costs: Vec<Option<Cost>> = worst_costs
            .iter()
            .zip(&turns)
            .map(|(worst, turns)| match &schedule.open {
                Some(_) => *worst,
                None => worst.map(|w| w.saturating_mul(u64::from(*turns))),
            })
            .collect();
        let named = || {
            scenarios
                .iter()
                .map(|s| s.name.as_str())
                .zip(session_costs.iter().copied())
        };
        let costs = cost_plan(named(), &schedule, &experiment, shard, false);
        let experiment_costs = cost_plan(named(), &schedule, &experiment, shard, true);
        let own_max_calls = max_calls
            .as_ref()
            // A plan over the maximum is refused by its verdict; were it
            // run, a zero budget would refuse every call rather than allow
            // any.
            .map(|limit| schedule.call_budget(limit.value).unwrap_or(0));
        let own_max_cost = max_cost.as_ref().map(|limit| match shard {
            None => limit.value,
            Some(shard) => {
                let part = costs
                    .planned
                    .zip(experiment_costs.planned)
                    .and_then(|(own, all)| {
                        shard.budget(
                            limit.value.picodollars(),
                            own.picodollars(),
                            all.picodollars(),
                        )
                    });
                Cost::from_picodollars(part.unwrap_or(0))
            }
        });
        let mut plan = Plan {
            scenarios,
            experiment,
            seed,
            shard,
            prices,
            requests,
            worst_costs,
            schedule,
            costs,
            experiment_costs,
            max_calls,
            max_cost,
            own_max_calls,
            own_max_cost,
            verdict: Ok(()),
        };
        plan.verdict = plan.judge();
        plan
    }

    /// Whether the plan fits its budgets and can be split as asked: the
    /// verdict computed once when it was built.
    pub fn check(&self) -> Result<(), &PlanError> {
        self.verdict.as_ref().copied()
    }

    /// The dollar budget's check, by itself: refused when a price is
    /// unknown under a budget or the planned calls' worst case passes it.
    fn judge(&self) -> Result<(), PlanError> {
        if let Some(shard) = self.shard {
            self.check_shards(shard)?;
        }
        if let Some(limit) = &self.max_cost {
            let source = match self.shard {
                Some(shard) => format!(
                    "{}, the budget of the {} shards together",
                    limit.source,
                    shard.count()
                ),
                None => limit.source.clone(),
            };
            self.experiment_costs.check(Some((limit.value, source)))?;
        }
        if let Some(limit) = &self.max_calls {
            let planned = self.schedule.experiment_planned_calls();
            if planned > limit.value {
                return Err(match self.shard {
                    Some(shard) => PlanError::ShardsOverBudget {
                        planned,
                        max: limit.value,
                        source_of_max: limit.source.clone(),
                        shards: shard.count(),
                    },
                    None => PlanError::OverBudget {
                        planned,
                        max: limit.value,
                        source_of_max: limit.source.clone(),
                    },
                });
            }
        }
        Ok(())
    }

    /// Refuse a split in which the last shard (the one with the fewest
    /// calls) would make none.
    fn check_shards(&self, shard: Shard) -> Result<(), PlanError> {
        let schedule = &self.schedule;
        let shards = shard.count();
        if schedule
            .open
            .as_ref()
            .is_some_and(|plan| plan.concurrency.is_some())
        {
            return Err(PlanError::ShardedConcurrency);
        }
        let (items, why) = if schedule.open.is_some() {
            let calls = schedule.experiment_planned_calls();
            (
                calls,
                format!("the experiment plans {calls} calls (arrivals)"),
            )
        } else {
            let invocations = u64::from(schedule.invocations_per_scenario);
            (
                invocations,
                format!(
                    "invocations_per_scenario is {invocations} and each shard makes one invocation in {shards} of every scenario"
                ),
            )
        };
        if items < u64::from(shards) {
            return Err(PlanError::EmptyShards {
                shards,
                most: items,
                why,
            });
        }
        Ok(())
    }
}

/// The worst case of `schedule`'s calls: this process's share, or with
/// `every_shard` the whole experiment's (each shard with its own warm-ups).
///
/// In the open loop (and the concurrent load) any call may call any
/// scenario, so every planned call is counted at the dearest scenario's
/// worst case, without retries.
fn cost_plan<'a>(
    scenarios: impl IntoIterator<Item = (&'a str, Option<Cost>)>,
    schedule: &Schedule,
    experiment: &Experiment,
    shard: Option<Shard>,
    every_shard: bool,
) -> CostPlan {
    if schedule.open.is_some() {
        let calls = if every_shard {
            schedule.experiment_planned_calls()
        } else {
            schedule.planned_calls()
        };
        return CostPlan::for_mix(scenarios, calls);
    }
    let per_run = if every_shard {
        let shards = shard.map_or(1, Shard::count);
        u64::from(experiment.invocations_per_scenario)
            + u64::from(experiment.warmup_invocations) * u64::from(shards)
    } else {
        u64::from(schedule.calls_per_scenario())
    };
    let calls = u64::from(experiment.num_runs_per_experiment) * per_run;
    CostPlan::new(scenarios, calls, experiment.max_retries)
}
