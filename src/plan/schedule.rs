//! The Python tool's experiment schedule: `num_runs_per_experiment` runs;
//! each run shuffles the scenarios; a pool of `num_parallel_invocations`
//! workers takes one scenario at a time; each scenario makes
//! `invocations_per_scenario` calls with `sleep_between_invocations`
//! seconds between them (after `warmup_invocations` warm-up calls, none
//! by default).
//!
//! With a shard (`--shard I/N`), the counts, the estimate and the listing
//! are the shard's share (see `shard.rs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::arrivals::ArrivalPlan;
use super::shard::{Shard, invocations};
use crate::config::{Experiment, Scenario};
use bedrock_emulator::ProfileSet;

/// The order of every run, fixed by the seed before the first call.
///
/// Orders are drawn when asked for ([`Schedule::order`]), so that the plan
/// of a large experiment takes no memory beyond one run's order, and every
/// count is computed with saturating arithmetic: no accepted config can
/// make planning overflow or exhaust memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The seed the orders are drawn with.
    pub seed: u64,
    /// Runs (`num_runs_per_experiment`).
    pub runs: u32,
    /// Scenarios shuffled in every run.
    pub scenarios: usize,
    /// Calls per scenario per run.
    pub invocations_per_scenario: u32,
    /// Warm-up calls before each scenario's invocations.
    pub warmup_invocations: u32,
    /// Workers (`num_parallel_invocations`).
    pub workers: u32,
    /// The pause between two calls of one scenario.
    pub sleep_between_invocations: Duration,
    /// The open-loop arrivals of each run; `None` for the closed loop
    /// (everything above but `seed`, `runs` and `scenarios` is then
    /// unused).
    pub open: Option<ArrivalPlan>,
    /// The open loop's cap on calls in flight.
    pub max_concurrency: Option<u32>,
    /// This process makes this shard's share of the experiment; `None`:
    /// all of it.
    pub shard: Option<Shard>,
    /// The most calls one planned call can make: a conversation's turns
    /// (1 without conversations). Every count is an upper bound with it.
    pub turns: u32,
}

/// Runs whose orders the dry-run listing prints; later runs are summarized.
const LISTED_RUNS: u32 = 10;
/// Runs simulated exactly by [`Schedule::estimate`]; the rest are
/// extrapolated from their mean.
const SIMULATED_RUNS: u32 = 32;

impl Schedule {
    /// The schedule of `scenario_count` scenarios under `experiment`.
    pub fn new(scenario_count: usize, experiment: &Experiment, seed: u64) -> Self {
        Schedule {
            seed,
            runs: experiment.num_runs_per_experiment,
            scenarios: scenario_count,
            invocations_per_scenario: experiment.invocations_per_scenario,
            warmup_invocations: experiment.warmup_invocations,
            workers: experiment.num_parallel_invocations,
            sleep_between_invocations: experiment.sleep_between_invocations,
            open: None,
            max_concurrency: experiment.load.max_concurrency,
            shard: None,
            turns: 1,
        }
    }

    /// The same schedule, of which this process makes `shard`'s share
    /// (`None`: all of it).
    pub fn sharded(mut self, shard: Option<Shard>) -> Self {
        self.shard = shard;
        self
    }

    /// With sessions of at most `turns` turns: every planned call may make
    /// that many calls, so an open loop's `max_calls` lets in that many
    /// times fewer arrivals.
    pub fn with_turns(mut self, turns: u32) -> Self {
        self.turns = turns.max(1);
        if let Some(open) = &mut self.open {
            open.max_calls = open.max_calls.map(|max| max / u64::from(self.turns));
        }
        self
    }

    /// The schedule of `scenarios` under `experiment`: the closed loop's,
    /// or open-loop arrivals (`max_calls` bounding them) when the
    /// experiment's `arrival` is open.
    pub fn for_scenarios(scenarios: &[Scenario], experiment: &Experiment, seed: u64) -> Self {
        let mut schedule = Self::new(scenarios.len(), experiment, seed);
        schedule.open = ArrivalPlan::new(
            &experiment.load,
            experiment.max_calls,
            scenarios.iter().map(|s| s.weight).collect(),
        );
        if let Some(plan) = &mut schedule.open
            && let Some(users) = plan.concurrency
        {
            plan.rate_per_s = f64::from(users) / mean_call_time(scenarios);
        }
        schedule
    }

    /// Scenario indices of run `run` (from 0) in the order workers take
    /// them: a shuffle drawn from the seed and the run number.
    pub fn order(&self, run: u32) -> Vec<usize> {
        let run_seed = self
            .seed
            .wrapping_add(u64::from(run).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut rng = StdRng::seed_from_u64(run_seed);
        let mut order: Vec<usize> = (0..self.scenarios).collect();
        order.shuffle(&mut rng);
        order
    }

    /// Workers that can be busy at once: a worker takes one scenario at a
    /// time, so there is no use for more workers than scenarios.
    pub fn active_workers(&self) -> u32 {
        let scenarios = u32::try_from(self.scenarios).unwrap_or(u32::MAX);
        self.workers.min(scenarios).max(1)
    }

    /// Calls this process makes when no call is retried, warm-ups
    /// included (saturating at `u64::MAX`): the shard's share with one.
    pub fn planned_calls(&self) -> u64 {
        if self.open.is_some() {
            let all = self.experiment_planned_calls();
            return self.shard.map_or(all, |shard| shard.share_of(all));
        }
        u64::from(self.runs)
            .saturating_mul(self.scenarios as u64)
            .saturating_mul(u64::from(self.calls_per_scenario()))
            .saturating_mul(u64::from(self.turns))
    }

    /// Calls the whole experiment makes when no call is retried: every
    /// shard's together, each shard's own warm-ups included;
    /// [`Schedule::planned_calls`] without a shard.
    pub fn experiment_planned_calls(&self) -> u64 {
        if let Some(open) = &self.open {
            let all = u64::from(self.runs).saturating_mul(open.expected_calls());
            // max_calls bounds the whole experiment (the call budget).
            let arrivals = open.max_calls.map_or(all, |max| all.min(max));
            return arrivals.saturating_mul(u64::from(self.turns));
        }
        let shards = self.shard.map_or(1, Shard::count);
        let per_scenario = u64::from(self.warmup_invocations)
            .saturating_mul(u64::from(shards))
            .saturating_add(u64::from(self.invocations_per_scenario));
        u64::from(self.runs)
            .saturating_mul(self.scenarios as u64)
            .saturating_mul(per_scenario)
            .saturating_mul(u64::from(self.turns))
    }

    /// Calls of one scenario in one run made by this process: warm-ups,
    /// then its invocations.
    pub fn calls_per_scenario(&self) -> u32 {
        self.warmup_invocations
            .saturating_add(self.own_invocations())
    }

    /// Invocations of one scenario in one run made by this process: all
    /// of them, or the shard's share.
    pub fn own_invocations(&self) -> u32 {
        let all = self.invocations_per_scenario;
        self.shard.map_or(all, |shard| {
            u32::try_from(shard.share_of(u64::from(all))).unwrap_or(all)
        })
    }

    /// This process's part of a call maximum `max` set for the whole
    /// experiment: `max` itself without a shard. A shard's part: in the
    /// open loop (no retries), its share of `max`, which its arrivals
    /// never pass; in the closed loop, its planned calls plus its share of
    /// what every shard's planned calls leave of `max` for retries. The
    /// parts of all the shards add up to `max`. `None` when the planned
    /// calls of the whole experiment exceed `max`.
    pub fn call_budget(&self, max: u64) -> Option<u64> {
        let all = self.experiment_planned_calls();
        if all > max {
            return None;
        }
        match self.shard {
            None => Some(max),
            Some(shard) if self.open.is_some() => Some(shard.share_of(max)),
            Some(shard) => shard.budget(max, self.planned_calls(), all),
        }
    }

    /// Calls the schedule may make if every call is retried `max_retries` times.
    pub fn max_calls_with_retries(&self, max_retries: u32) -> u64 {
        if self.open.is_some() {
            // The open loop does not retry.
            return self.planned_calls();
        }
        self.planned_calls()
            .saturating_mul(1 + u64::from(max_retries))
    }

    /// Estimated duration when every call of scenario `s` takes
    /// `call_time[s]`: each run hands scenarios, in order, to the first
    /// free worker. The first runs are simulated exactly and the others
    /// extrapolated from them; the result saturates at [`Duration::MAX`].
    pub fn estimate(&self, call_time: &[Duration]) -> Duration {
        if let Some(open) = &self.open {
            // Arrivals, then the longest call to end.
            let tail = call_time.iter().max().map_or(0.0, Duration::as_secs_f64);
            let seconds = f64::from(self.runs) * (open.expected_duration_s() + tail);
            return Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX);
        }
        let calls = f64::from(self.calls_per_scenario());
        let sleeps = self.sleep_between_invocations.as_secs_f64() * (calls - 1.0).max(0.0);
        let simulated = self.runs.min(SIMULATED_RUNS);
        let mut seconds = 0.0;
        for run in 0..simulated {
            // Workers by the time they are free, earliest first.
            let mut free_at: BinaryHeap<Reverse<Seconds>> = (0..self.active_workers())
                .map(|_| Reverse(Seconds(0.0)))
                .collect();
            for s in self.order(run) {
                let call = call_time.get(s).map_or(0.0, Duration::as_secs_f64);
                if let Some(Reverse(Seconds(earliest))) = free_at.pop() {
                    free_at.push(Reverse(Seconds(earliest + call * calls + sleeps)));
                }
            }
            seconds += free_at
                .into_iter()
                .map(|Reverse(Seconds(at))| at)
                .fold(0.0, f64::max);
        }
        if simulated > 0 {
            seconds *= f64::from(self.runs) / f64::from(simulated);
        }
        Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
    }

    /// The dry-run listing: the order of the first runs (each later run is
    /// another shuffle of the same scenarios).
    pub fn describe(&self, scenarios: &[Scenario]) -> String {
        let mut text = String::new();
        if let Some(open) = &self.open {
            self.describe_open(open, scenarios, &mut text);
            return text;
        }
        self.describe_closed_shard(&mut text);
        for run in 0..self.runs.min(LISTED_RUNS) {
            let warmups = match self.warmup_invocations {
                0 => String::new(),
                n => format!(" after {n} warm-up"),
            };
            let _ = writeln!(
                text,
                "run {} of {}: {} workers take the scenarios in this order, {} calls each{warmups}, {} s apart",
                run + 1,
                self.runs,
                self.active_workers(),
                self.own_invocations(),
                self.sleep_between_invocations.as_secs_f64()
            );
            for (position, s) in self.order(run).into_iter().enumerate() {
                if let Some(scenario) = scenarios.get(s) {
                    let _ = writeln!(
                        text,
                        "  {:>3}. {} ({})",
                        position + 1,
                        scenario.name,
                        scenario.source
                    );
                }
            }
        }
        if self.runs > LISTED_RUNS {
            let _ = writeln!(
                text,
                "runs {} to {}: each another shuffle of the same scenarios (the seed fixes them)",
                LISTED_RUNS + 1,
                self.runs
            );
        }
        text
    }
}

impl Schedule {
    /// The closed loop's shard line: which invocations the shard makes.
    fn describe_closed_shard(&self, text: &mut String) {
        let Some(shard) = self.shard else {
            return;
        };
        let own = self.own_invocations();
        let mut numbers: Vec<String> = invocations(self.shard, self.invocations_per_scenario)
            .take(3)
            .map(|n| n.to_string())
            .collect();
        if own > 4 {
            numbers.push("...".into());
        }
        if own > 3 {
            let last = invocations(self.shard, self.invocations_per_scenario).last();
            numbers.extend(last.map(|n| n.to_string()));
        }
        let warmups = match self.warmup_invocations {
            0 => String::new(),
            n => format!(", after this shard's own {n} warm-up"),
        };
        let _ = writeln!(
            text,
            "shard {shard} of the experiment: of each scenario's {} invocations per run, the {own} numbered {} (n with (n - 1) mod {} = {}){warmups}; the other shards make the rest",
            self.invocations_per_scenario,
            numbers.join(", "),
            shard.count(),
            shard.index(),
        );
    }

    fn describe_open(&self, open: &ArrivalPlan, scenarios: &[Scenario], text: &mut String) {
        let shape = match open.arrival {
            crate::config::Arrival::Gamma => {
                format!(" (burstiness {})", 1.0 / open.gamma_shape)
            }
            _ => String::new(),
        };
        let bound = open.bound();
        // Without a duration, max_calls is the count; a constant rate's
        // count is exact; a random process's is only expected.
        let exact = if open.arrival == crate::config::Arrival::Constant || open.duration_s.is_none()
        {
            " calls (an upper bound: a stop or a budget may end the run early)"
        } else {
            " calls expected (a random count: max_calls caps it)"
        };
        let cap = match self.max_concurrency {
            Some(n) => {
                format!("at most {n} calls in flight (more wait for a slot, recorded as queued_s)")
            }
            None => "no cap on calls in flight".to_string(),
        };
        if let Some(users) = open.concurrency {
            let _ = writeln!(
                text,
                "each of {} runs: {users} concurrent calls (each user starts its next call when its last one ends) {bound}: about {} calls (from the built-in latency table at about {:.2} calls/s; the real count follows the latencies), no retries",
                self.runs,
                open.expected_calls(),
                open.rate_per_s,
            );
            return;
        }
        let _ = writeln!(
            text,
            "each of {} runs: open loop, {}{shape} arrivals at {} requests/s {bound}: {}{exact}, no retries, over {:.1} s; {cap}",
            self.runs,
            open.arrival,
            open.rate_per_s,
            open.expected_calls(),
            open.expected_duration_s(),
        );
        if let Some(shard) = self.shard {
            let _ = writeln!(
                text,
                "shard {shard} of the experiment: the arrivals numbered k with k mod {} = {} (every shard draws them all from the seed, numbered from 0 across the runs): {} of the {} calls, at {} requests/s; the other shards make the rest",
                shard.count(),
                shard.index(),
                self.planned_calls(),
                self.experiment_planned_calls(),
                shard.rate_share(open.rate_per_s),
            );
        }
        let total: u64 = open.weights.iter().map(|&w| u64::from(w)).sum();
        for (scenario, weight) in scenarios.iter().zip(&open.weights) {
            let _ = writeln!(
                text,
                "  {:>5.1}% {} ({}), weight {weight}",
                100.0 * f64::from(*weight) / total.max(1) as f64,
                scenario.name,
                scenario.source
            );
        }
    }
}

/// Seconds ordered by `f64::total_cmp`, for the worker heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seconds(f64);

impl Eq for Seconds {}

impl PartialOrd for Seconds {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Seconds {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The mean estimated call time of `scenarios` weighted by their
/// `weight`, seconds (at least 1 ms).
fn mean_call_time(scenarios: &[Scenario]) -> f64 {
    let total: f64 = scenarios.iter().map(|s| f64::from(s.weight)).sum();
    let weighted: f64 = scenarios
        .iter()
        .map(|s| f64::from(s.weight) * estimated_call_time(s, 1.0).as_secs_f64())
        .sum();
    if total > 0.0 {
        (weighted / total).max(0.001)
    } else {
        1.0
    }
}

/// A rough duration of one call of `scenario`, from the built-in latency
/// table (the seed's measurements where it has them): median TTFT plus
/// the answer at the profile's decode rate. `time_scale` shrinks it for
/// the emulator.
pub fn estimated_call_time(scenario: &Scenario, time_scale: f64) -> Duration {
    let profiles = ProfileSet::builtin();
    let model = profiles
        .lookup(&scenario.model_id)
        .unwrap_or(profiles.generic());
    let profile = match (scenario.performance_config, &model.optimized) {
        (Some(crate::config::PerformanceConfig::Optimized), Some(optimized)) => optimized,
        _ => &model.standard,
    };
    let tokens = scenario
        .expected_output_tokens
        .min(profile.natural_output_tokens_p50);
    let seconds = profile.ttft_p50_s + f64::from(tokens) / profile.tokens_per_s;
    Duration::from_secs_f64((seconds * time_scale).max(0.0))
}

/// `1 h 02 min`, `3 min 05 s`, `12.3 s`.
pub fn human_duration(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else if secs < 3600.0 {
        format!(
            "{} min {:02} s",
            (secs / 60.0).floor(),
            (secs % 60.0).round() as u64 % 60
        )
    } else {
        format!(
            "{} h {:02} min",
            (secs / 3600.0).floor(),
            ((secs % 3600.0) / 60.0).floor()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn experiment(runs: u32, invocations: u32, workers: u32, sleep: f64) -> Experiment {
        Experiment {
            num_runs_per_experiment: runs,
            invocations_per_scenario: invocations,
            num_parallel_invocations: workers,
            sleep_between_invocations: Duration::from_secs_f64(sleep),
            ..Experiment::default()
        }
    }

    #[test]
    fn each_run_is_a_permutation_and_the_seed_fixes_the_orders() {
        let e = experiment(5, 10, 4, 30.0);
        let a = Schedule::new(6, &e, 7);
        let orders = |s: &Schedule| (0..s.runs).map(|r| s.order(r)).collect::<Vec<_>>();
        assert_eq!(orders(&a), orders(&Schedule::new(6, &e, 7)));
        assert_ne!(orders(&a), orders(&Schedule::new(6, &e, 8)));
        for order in orders(&a) {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..6).collect::<Vec<_>>());
        }
        assert_eq!(a.planned_calls(), 5 * 6 * 10);
        assert_eq!(a.max_calls_with_retries(3), 4 * 300);
    }

    #[test]
    fn warm_ups_count_as_calls_and_take_time() {
        let mut e = experiment(2, 3, 1, 10.0);
        e.warmup_invocations = 1;
        let s = Schedule::new(2, &e, 1);
        assert_eq!(s.calls_per_scenario(), 4);
        assert_eq!(s.planned_calls(), 2 * 2 * 4);
        // One worker, 2 scenarios of 4 one-second calls 10 s apart, twice.
        let one_second = vec![Duration::from_secs(1); 2];
        assert_eq!(
            s.estimate(&one_second),
            Duration::from_secs(2 * 2 * (4 + 30))
        );
        assert!(s.describe(&[]).contains("3 calls each after 1 warm-up"));
    }

    #[test]
    fn the_largest_accepted_settings_neither_overflow_nor_exhaust_memory() {
        use crate::config::{
            MAX_INVOCATIONS_PER_SCENARIO, MAX_PARALLEL_INVOCATIONS, MAX_RETRIES,
            MAX_RUNS_PER_EXPERIMENT, MAX_SCENARIOS, MAX_SECONDS, MAX_WARMUP_INVOCATIONS,
        };
        let mut e = experiment(
            MAX_RUNS_PER_EXPERIMENT,
            MAX_INVOCATIONS_PER_SCENARIO,
            MAX_PARALLEL_INVOCATIONS,
            MAX_SECONDS,
        );
        e.warmup_invocations = MAX_WARMUP_INVOCATIONS;
        let s = Schedule::new(MAX_SCENARIOS, &e, u64::MAX);
        assert_eq!(
            s.planned_calls(),
            u64::from(MAX_RUNS_PER_EXPERIMENT)
                * MAX_SCENARIOS as u64
                * u64::from(MAX_INVOCATIONS_PER_SCENARIO + MAX_WARMUP_INVOCATIONS)
        );
        assert!(s.max_calls_with_retries(MAX_RETRIES) >= s.planned_calls());
        assert_eq!(s.active_workers(), MAX_PARALLEL_INVOCATIONS);
        let day = vec![Duration::from_secs(86_400); MAX_SCENARIOS];
        assert!(s.estimate(&day) > Duration::from_secs(86_400 * 365));
        let listing = s.describe(&[]);
        assert!(listing.lines().count() <= 11, "{listing}");
        assert!(listing.ends_with("(the seed fixes them)\n"), "{listing}");
        // One scenario and many workers: one worker can be busy.
        let few = Schedule::new(1, &e, 0);
        assert_eq!(few.active_workers(), 1);
        assert_eq!(few.order(MAX_RUNS_PER_EXPERIMENT - 1), vec![0]);
    }

    #[test]
    fn a_shard_plans_its_share_and_its_part_of_the_budget() {
        let mut e = experiment(2, 10, 2, 1.0);
        e.warmup_invocations = 1;
        let whole = Schedule::new(6, &e, 1);
        let shards: Vec<Schedule> = (0..3)
            .map(|i| {
                whole
                    .clone()
                    .sharded(Some(Shard::new(i, 3).expect("shard")))
            })
            .collect();
        // Invocations 10 = 4 + 3 + 3, and every shard its own warm-up.
        let planned: Vec<u64> = shards.iter().map(Schedule::planned_calls).collect();
        assert_eq!(planned, [2 * 6 * 5, 2 * 6 * 4, 2 * 6 * 4]);
        assert!(
            shards
                .iter()
                .all(|s| s.experiment_planned_calls() == 2 * 6 * 13)
        );
        assert_eq!(whole.experiment_planned_calls(), whole.planned_calls());
        let parts: Vec<Option<u64>> = shards.iter().map(|s| s.call_budget(200)).collect();
        assert_eq!(parts, [Some(60 + 15), Some(48 + 15), Some(48 + 14)]);
        assert!(shards.iter().all(|s| s.call_budget(155).is_none()));
        assert_eq!(whole.call_budget(200), Some(200));
        let calls = vec![Duration::from_secs(1); 6];
        assert!(shards[2].estimate(&calls) < whole.estimate(&calls));
        let listing = shards[0].describe(&[]);
        assert!(
            listing.contains("of each scenario's 10 invocations per run, the 4 numbered 1, 4, 7, 10 (n with (n - 1) mod 3 = 0), after this shard's own 1 warm-up"),
            "{listing}"
        );
        assert!(
            listing.contains("4 calls each after 1 warm-up"),
            "{listing}"
        );
        // Without a shard the listing is unchanged.
        assert!(!whole.describe(&[]).contains("shard"));
    }

    #[test]
    fn an_open_loop_shard_plans_its_share_of_the_arrivals() {
        let e = Experiment {
            load: crate::config::Load {
                arrival: crate::config::Arrival::Constant,
                rate_per_s: Some(20.0),
                burstiness: None,
                duration_s: Some(2.0),
                max_concurrency: None,
                concurrency: None,
                trace: None,
            },
            ..Experiment::default()
        };
        let mut whole = Schedule::new(1, &e, 1);
        whole.open = ArrivalPlan::new(&e.load, None, vec![1]);
        let shards: Vec<Schedule> = (0..3)
            .map(|i| {
                whole
                    .clone()
                    .sharded(Some(Shard::new(i, 3).expect("shard")))
            })
            .collect();
        let planned: Vec<u64> = shards.iter().map(Schedule::planned_calls).collect();
        assert_eq!(planned, [14, 13, 13]);
        let parts: Vec<u64> = shards.iter().filter_map(|s| s.call_budget(50)).collect();
        assert_eq!(parts, [17, 17, 16]);
        let calls = [Duration::from_millis(100)];
        assert_eq!(shards[1].estimate(&calls), whole.estimate(&calls));
        let listing = shards[1].describe(&[]);
        assert!(
            listing
                .contains("shard 1/3 of the experiment: the arrivals numbered k with k mod 3 = 1")
                && listing.contains("13 of the 40 calls"),
            "{listing}"
        );
    }

    #[test]
    fn the_estimate_simulates_the_worker_pool() {
        // 3 scenarios of 2 calls (1 s each) 10 s apart on 2 workers: two
        // scenarios run side by side (12 s), then the third (12 s).
        let e = experiment(1, 2, 2, 10.0);
        let s = Schedule::new(3, &e, 1);
        let one_second = vec![Duration::from_secs(1); 3];
        assert_eq!(s.estimate(&one_second), Duration::from_secs(24));
        assert_eq!(human_duration(Duration::from_secs(24)), "24.0 s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2 min 05 s");
        assert_eq!(human_duration(Duration::from_secs(3725)), "1 h 02 min");
    }
}
