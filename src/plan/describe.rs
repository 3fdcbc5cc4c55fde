//! The plan in words: what `run` prints before its first call and
//! `--dry-run` prints instead of calling: the schedule, the budgets, the
//! worst case, the seed.

use super::{Plan, Schedule, us_priced_elsewhere};
use crate::config::{Arrival, TargetChoice};

impl Plan {
    /// The lines that describe the plan, for calls to `choice` (the
    /// emulator runs at `time_scale`).
    pub fn describe(&self, choice: TargetChoice, time_scale: f64) -> Vec<String> {
        let mut lines = vec![self.describe_schedule(choice, time_scale)];
        lines.extend(self.describe_requests());
        lines.extend(self.describe_budgets(choice));
        lines
    }

    fn describe_schedule(&self, choice: TargetChoice, time_scale: f64) -> String {
        let schedule = &self.schedule;
        if let Some((open, users)) = schedule
            .open
            .as_ref()
            .and_then(|open| Some((open, open.concurrency?)))
        {
            return format!(
                "plan: {} runs x {users} concurrent calls (each user starts its next call when its last one ends) {}: {} from the built-in latency table (no retries); {} scenarios picked by weight",
                schedule.runs,
                open.bound(),
                planned_text(schedule, schedule.experiment_planned_calls()),
                self.scenarios.len()
            );
        }
        if let Some(open) = &schedule.open {
            let arrivals = match &open.trace {
                Some(replay) => format!("arrivals replayed from {}", replay.describe()),
                None => format!(
                    "open-loop {} arrivals at {} requests/s",
                    open.arrival, open.rate_per_s
                ),
            };
            let share = match self.shard {
                Some(shard) => format!(
                    " in all, of which shard {shard} makes {} (one arrival in {}, at {} requests/s)",
                    planned_count(schedule, schedule.planned_calls()),
                    shard.count(),
                    shard.rate_share(open.rate_per_s)
                ),
                None => String::new(),
            };
            return format!(
                "plan: {} runs x {arrivals} = {}{share} (no retries in the open loop) over {:.1} s per run; {} scenarios picked by weight",
                schedule.runs,
                planned_text(schedule, schedule.experiment_planned_calls()),
                open.expected_duration_s(),
                self.scenarios.len()
            );
        }
        self.describe_closed(&self.scaled_sleep(choice, time_scale))
    }

    /// What the emulator's time scale makes of the sleep between
    /// invocations: ` (0.1 s on the emulator at time scale 0.05)`; empty at
    /// scale 1, for AWS, or without a sleep.
    fn scaled_sleep(&self, choice: TargetChoice, time_scale: f64) -> String {
        let sleep = self.experiment.sleep_between_invocations;
        if time_scale == 1.0 || sleep.is_zero() {
            return String::new();
        }
        // Microseconds, as the timings: 0.3 x 0.1 is 0.03, not 0.030000000000000002.
        let scaled = format!(
            "{:.6}",
            self.experiment
                .sleep_between_at(Some(time_scale))
                .as_secs_f64()
        );
        let scaled = scaled.trim_end_matches('0').trim_end_matches('.');
        match choice {
            TargetChoice::Emulator => {
                format!(" ({scaled} s on the emulator at time scale {time_scale})")
            }
            TargetChoice::Auto => {
                format!(" ({scaled} s if the target is the emulator, at time scale {time_scale})")
            }
            TargetChoice::Aws => String::new(),
        }
    }

    fn describe_closed(&self, scaled_sleep: &str) -> String {
        let schedule = &self.schedule;
        let e = &self.experiment;
        let invocations = match self.shard {
            Some(_) => format!(
                "{} of {} invocations",
                schedule.own_invocations(),
                e.invocations_per_scenario
            ),
            None => format!("{} invocations", e.invocations_per_scenario),
        };
        let per_scenario = match e.warmup_invocations {
            0 => invocations,
            n => format!("({invocations} + {n} warm-up)"),
        };
        let per_scenario = match schedule.turns {
            1 => per_scenario,
            turns => format!("{per_scenario} x at most {turns} turns"),
        };
        let (shard, all) = match self.shard {
            Some(shard) => (
                format!("shard {shard}: "),
                format!(
                    "; the {} shards: {} calls in all",
                    shard.count(),
                    schedule.experiment_planned_calls()
                ),
            ),
            None => Default::default(),
        };
        format!(
            "plan: {shard}{} runs x {} scenarios x {per_scenario} = {} calls (at most {} with max_retries = {}), {} parallel workers, {} s between invocations{scaled_sleep}{all}",
            schedule.runs,
            self.scenarios.len(),
            schedule.planned_calls(),
            schedule.max_calls_with_retries(e.max_retries),
            e.max_retries,
            schedule.active_workers(),
            e.sleep_between_invocations.as_secs_f64()
        )
    }

    /// One line per scenario whose requests vary from call to call.
    fn describe_requests(&self) -> Vec<String> {
        self.scenarios
            .iter()
            .zip(&self.requests)
            .filter_map(|(scenario, requests)| {
                let varies = requests.describe()?;
                Some(format!(
                    "requests of {}: {varies}; drawn per call from the seed",
                    scenario.name
                ))
            })
            .collect()
    }

    fn describe_budgets(&self, choice: TargetChoice) -> Vec<String> {
        let mut lines = Vec::new();
        // A shard's parts exist when the plan fits (else it is refused).
        let shard = self.shard.filter(|_| self.check().is_ok());
        if let Some(limit) = &self.max_calls {
            let (max, source) = (limit.value, &limit.source);
            lines.push(match (shard, self.own_max_calls) {
                (Some(shard), Some(own)) => format!(
                    "call budget: at most {own} calls for shard {shard}, retries included: its part of the whole experiment's {max} ({source}); the parts of the {} shards add up to {max}",
                    shard.count()
                ),
                _ => format!("call budget: at most {max} calls ({source}), retries included"),
            });
        }
        let costs = self.costs.describe();
        lines.push(match self.shard {
            Some(shard) => format!("shard {shard}'s {costs}"),
            None => costs,
        });
        lines.extend(us_priced_elsewhere(&self.scenarios, &self.prices));
        if let Some(limit) = &self.max_cost {
            let (max, source) = (limit.value, &limit.source);
            lines.push(match (shard, self.own_max_cost) {
                (Some(shard), Some(own)) => format!(
                    "dollar budget: at most ${own} for shard {shard}: the worst case of its planned calls and 1/{} of what the worst case of every shard's planned calls leaves of the whole experiment's ${max} ({source}); no call starts once the dollars spent and the worst case of the calls in flight could pass it",
                    shard.count()
                ),
                _ => format!(
                    "dollar budget: at most ${max} ({source}); no call starts once the dollars spent and the worst case of the calls in flight could pass it"
                ),
            });
        }
        lines.push(match self.shard {
            Some(shard) => format!(
                "seed: {} (every one of the {} shards must run with --seed {}); target: {choice}",
                self.seed,
                shard.count(),
                self.seed
            ),
            None => format!(
                "seed: {} (--seed {} repeats this order); target: {choice}",
                self.seed, self.seed
            ),
        });
        lines
    }

    /// `calls` planned calls of this plan in words that are true of it
    /// (see [`planned_text`]).
    pub fn planned_text(&self, calls: u64) -> String {
        planned_text(&self.schedule, calls)
    }
}

/// `calls` planned calls in words that are true of `schedule`: `10
/// calls` for the closed loop (retries come on top) and constant
/// arrivals, `about 10 calls` for random arrivals and a concurrent load
/// (an expected count, or an estimate from the latency table), `at most
/// 10 calls` when max_calls caps them.
pub fn planned_text(schedule: &Schedule, calls: u64) -> String {
    format!("{} calls", planned_count(schedule, calls))
}

/// [`planned_text`] without the word `calls`: `10`, `about 10`, `at most
/// 10`.
pub fn planned_count(schedule: &Schedule, calls: u64) -> String {
    let Some(open) = &schedule.open else {
        if schedule.turns > 1 {
            return format!("at most {calls}");
        }
        return calls.to_string();
    };
    let capped = schedule.turns > 1
        || open
            .max_calls
            .is_some_and(|max| schedule.experiment_planned_calls() >= max);
    if capped {
        format!("at most {calls}")
    } else if matches!(open.arrival, Arrival::Constant | Arrival::Trace) {
        calls.to_string()
    } else {
        format!("about {calls}")
    }
}
