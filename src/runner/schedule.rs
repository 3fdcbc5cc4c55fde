//! The Python tool's experiment schedule: `num_runs_per_experiment` runs;
//! each run shuffles the scenarios; a pool of `num_parallel_invocations`
//! workers takes one scenario at a time; each scenario makes
//! `invocations_per_scenario` calls with `sleep_between_invocations`
//! seconds between them (after `warmup_invocations` warm-up calls, none
//! by default).

use std::fmt::Write as _;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::config::{Experiment, Scenario};
use crate::emulator::ProfileSet;

/// The order of every run, fixed before the first call.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The seed the orders were drawn with.
    pub seed: u64,
    /// For each run, scenario indices in the order workers take them.
    pub runs: Vec<Vec<usize>>,
    /// Calls per scenario per run.
    pub invocations_per_scenario: u32,
    /// Warm-up calls before each scenario's invocations.
    pub warmup_invocations: u32,
    /// Workers.
    pub workers: u32,
    /// Seconds between two calls of one scenario.
    pub sleep_between_invocations: f64,
}

impl Schedule {
    /// Draw the order of every run from `seed`.
    pub fn new(scenario_count: usize, experiment: &Experiment, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let runs = (0..experiment.num_runs_per_experiment)
            .map(|_| {
                let mut order: Vec<usize> = (0..scenario_count).collect();
                order.shuffle(&mut rng);
                order
            })
            .collect();
        Schedule {
            seed,
            runs,
            invocations_per_scenario: experiment.invocations_per_scenario,
            warmup_invocations: experiment.warmup_invocations,
            workers: experiment.num_parallel_invocations,
            sleep_between_invocations: experiment.sleep_between_invocations,
        }
    }

    /// Calls the schedule makes when no call is retried, warm-ups
    /// included.
    pub fn planned_calls(&self) -> u64 {
        self.runs.iter().map(|r| r.len() as u64).sum::<u64>() * u64::from(self.calls_per_scenario())
    }

    /// Calls of one scenario in one run: warm-ups, then invocations.
    pub fn calls_per_scenario(&self) -> u32 {
        self.warmup_invocations
            .saturating_add(self.invocations_per_scenario)
    }

    /// Calls the schedule may make if every call is retried `max_retries` times.
    pub fn max_calls_with_retries(&self, max_retries: u32) -> u64 {
        self.planned_calls()
            .saturating_mul(1 + u64::from(max_retries))
    }

    /// Estimated duration when call `i` of scenario `s` takes
    /// `call_time[s]`: each run hands scenarios, in order, to the first
    /// free worker.
    pub fn estimate(&self, call_time: &[Duration]) -> Duration {
        let calls = self.calls_per_scenario();
        let sleeps = Duration::from_secs_f64(self.sleep_between_invocations)
            .saturating_mul(calls.saturating_sub(1));
        let mut total = Duration::ZERO;
        for order in &self.runs {
            let mut free_at = vec![Duration::ZERO; self.workers.max(1) as usize];
            for &s in order {
                let scenario_time = call_time
                    .get(s)
                    .copied()
                    .unwrap_or_default()
                    .saturating_mul(calls)
                    + sleeps;
                if let Some(earliest) = free_at.iter_mut().min() {
                    *earliest += scenario_time;
                }
            }
            total += free_at.into_iter().max().unwrap_or_default();
        }
        total
    }

    /// The dry-run listing: every run's order.
    pub fn describe(&self, scenarios: &[Scenario]) -> String {
        let mut text = String::new();
        for (run, order) in self.runs.iter().enumerate() {
            let warmups = match self.warmup_invocations {
                0 => String::new(),
                n => format!(" after {n} warm-up"),
            };
            let _ = writeln!(
                text,
                "run {} of {}: {} workers take the scenarios in this order, {} calls each{warmups}, {} s apart",
                run + 1,
                self.runs.len(),
                self.workers,
                self.invocations_per_scenario,
                self.sleep_between_invocations
            );
            for (position, &s) in order.iter().enumerate() {
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
        text
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
            sleep_between_invocations: sleep,
            ..Experiment::default()
        }
    }

    #[test]
    fn each_run_is_a_permutation_and_the_seed_fixes_the_orders() {
        let e = experiment(5, 10, 4, 30.0);
        let a = Schedule::new(6, &e, 7);
        assert_eq!(a, Schedule::new(6, &e, 7));
        assert_ne!(a.runs, Schedule::new(6, &e, 8).runs);
        for order in &a.runs {
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
