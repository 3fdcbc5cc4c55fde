//! Open-loop arrivals: the instants calls are due, drawn lazily from a
//! seeded generator (a plan of any size takes no memory), each with the
//! scenario it calls, picked by weight.
//!
//! - `constant`: call k at k / rate seconds (the first at 0).
//! - `poisson`: the first call at 0, then exponential gaps of mean 1 / rate.
//! - `gamma`: the first call at 0, then gamma gaps of mean 1 / rate and
//!   shape 1 / burstiness (burstiness 1 is Poisson).
//! - `trace`: call k at the trace's k-th instant (from its window's start,
//!   divided by its speed-up), with the trace's lengths
//!   ([`ArrivalAt::trace_record`]); the trace's end ends the arrivals.
//!
//! Arrivals end at `duration_s` (an arrival at or after it is not made)
//! or after `max_calls` arrivals, whichever comes first.
//!
//! A shard (`--shard I/N`) draws every arrival, the same as every other
//! shard, and makes its own only: see [`ArrivalPlan::for_shard_run`].

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Exp, Gamma};

use super::shard::Shard;
use crate::config::{Arrival, Load, TraceReplay};

/// The arrival process of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalPlan {
    /// How calls arrive (open loop).
    pub arrival: Arrival,
    /// Requests per second.
    pub rate_per_s: f64,
    /// The gamma shape (1 / burstiness).
    pub gamma_shape: f64,
    /// Arrivals end at this offset, seconds.
    pub duration_s: Option<f64>,
    /// Arrivals end after this many.
    pub max_calls: Option<u64>,
    /// The scenarios' weights, in file order.
    pub weights: Vec<u32>,
    /// `concurrent`: the calls kept in flight (`rate_per_s` is then the
    /// expected rate, from the built-in latency table, for the plan's
    /// estimates only).
    pub concurrency: Option<u32>,
    /// Only this shard's arrivals are made; `None`: every arrival.
    pub share: Option<RunShare>,
    /// `trace`: the trace replayed.
    pub trace: Option<TraceReplay>,
}

/// The arrivals of one run that a shard makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunShare {
    /// The shard.
    pub shard: Shard,
    /// The number, in the whole experiment (from 0), of the run's first
    /// arrival: the arrivals of the earlier runs.
    pub first: u64,
}

impl ArrivalPlan {
    /// The plan of an open-loop or `concurrent` `load` over scenarios of
    /// `weights`; `None` for the closed loop.
    pub fn new(load: &Load, max_calls: Option<u64>, weights: Vec<u32>) -> Option<Self> {
        if !load.arrival.is_load_driven() {
            return None;
        }
        let trace_rate = load
            .trace
            .as_ref()
            .and_then(|replay| replay.trace.arrival_rate());
        Some(ArrivalPlan {
            arrival: load.arrival,
            rate_per_s: load.rate_per_s.or(trace_rate).unwrap_or(1.0),
            gamma_shape: load.gamma_shape(),
            duration_s: load.duration_s,
            max_calls,
            weights,
            concurrency: load.concurrency,
            share: None,
            trace: load.trace.clone(),
        })
    }

    /// The plan of `shard` for a run after `before` arrivals of earlier
    /// runs (every shard's): the experiment's arrivals are numbered across
    /// its runs, and the shard makes those whose number `k` has
    /// `k mod N = I`; `max_calls` bounds the experiment's arrivals before
    /// they are shared out, so the shards together make exactly the
    /// arrivals of the unsharded experiment.
    pub fn for_shard_run(&self, shard: Shard, before: u64) -> ArrivalPlan {
        ArrivalPlan {
            max_calls: self.max_calls.map(|max| max.saturating_sub(before)),
            share: Some(RunShare {
                shard,
                first: before,
            }),
            ..self.clone()
        }
    }

    /// Every shard's arrivals of run `run` (from 0) under this plan: what
    /// the next run's [`ArrivalPlan::for_shard_run`] takes as `before`.
    /// Draws them all again: about 30 ns each, once per run.
    pub fn drawn(&self, seed: u64, run: u32) -> u64 {
        let every = ArrivalPlan {
            share: None,
            ..self.clone()
        };
        every.arrivals(seed, run).count() as u64
    }

    /// The calls of one run when nothing stops it early: exact for
    /// `constant`, the expected count (rate x duration) for the random
    /// processes; never more than `max_calls`. Saturates at `u64::MAX`.
    pub fn expected_calls(&self) -> u64 {
        if let Some(replay) = &self.trace {
            let records = replay.trace.records();
            let within = match self.duration_s {
                Some(d) => records.partition_point(|r| r.at.as_secs_f64() < d),
                None => records.len(),
            } as u64;
            return self.max_calls.map_or(within, |max| within.min(max));
        }
        let by_duration = self.duration_s.map(|d| {
            let calls = match self.arrival {
                // Offsets 0, 1/rate, ... strictly before d.
                Arrival::Constant => (d * self.rate_per_s).ceil(),
                _ => (d * self.rate_per_s).round().max(1.0),
            };
            if calls >= u64::MAX as f64 {
                u64::MAX
            } else {
                calls as u64
            }
        });
        match (by_duration, self.max_calls) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => u64::MAX,
        }
    }

    /// How long arrivals last: `duration_s`, or the expected calls over
    /// the rate.
    pub fn expected_duration_s(&self) -> f64 {
        if let Some(replay) = &self.trace {
            let calls = self.expected_calls() as usize;
            return calls
                .checked_sub(1)
                .and_then(|last| replay.trace.records().get(last))
                .map_or(0.0, |record| record.at.as_secs_f64());
        }
        let by_calls = self
            .max_calls
            .map(|calls| calls.saturating_sub(1) as f64 / self.rate_per_s);
        match (self.duration_s, by_calls) {
            (Some(d), Some(c)) => d.min(c),
            (Some(d), None) => d,
            (None, Some(c)) => c,
            (None, None) => f64::INFINITY,
        }
    }

    /// What ends a run's calls, in words: `for 60 s`, `until 500 calls`
    /// or `for 60 s or 500 calls, whichever ends first`.
    pub fn bound(&self) -> String {
        match (self.duration_s, self.max_calls) {
            (Some(d), Some(m)) => format!("for {d} s or {m} calls, whichever ends first"),
            (Some(d), None) => format!("for {d} s"),
            (None, Some(m)) => format!("until {m} calls"),
            (None, None) => String::new(),
        }
    }

    /// The arrivals of run `run` (from 0), seeded by `seed`.
    pub fn arrivals(&self, seed: u64, run: u32) -> Arrivals {
        let run_seed = seed.wrapping_add(u64::from(run).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            ^ 0x6F70_656E_6C6F_6F70;
        Arrivals {
            plan: self.clone(),
            rng: StdRng::seed_from_u64(run_seed),
            scenarios: ScenarioPick::new(&self.weights),
            next: 0,
            offset: 0.0,
        }
    }
}

/// Scenarios picked by weight: scenario i with probability weight_i /
/// the sum of the weights.
#[derive(Debug, Clone)]
pub struct ScenarioPick {
    cumulative: Vec<u64>,
}

impl ScenarioPick {
    /// The pick over `weights`, in file order.
    pub fn new(weights: &[u32]) -> Self {
        let mut total = 0u64;
        let cumulative = weights
            .iter()
            .map(|weight| {
                total += u64::from(*weight);
                total
            })
            .collect();
        ScenarioPick { cumulative }
    }

    /// One scenario's index, drawn from `rng` (0 when every weight is 0).
    pub fn pick(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let draw = rng.random_range(0..total);
        self.cumulative.partition_point(|&c| c <= draw)
    }
}

/// One planned call: its offset from the run's start and its scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArrivalAt {
    /// The arrival's number in the run, from 0.
    pub index: u64,
    /// Seconds after the run's start.
    pub offset_s: f64,
    /// The scenario's index (file order).
    pub scenario: usize,
    /// `trace`: the index of the trace's record replayed (its lengths,
    /// session and prefix blocks make the request).
    pub trace_record: Option<u32>,
}

/// The arrivals of one run, in time order.
#[derive(Debug)]
pub struct Arrivals {
    plan: ArrivalPlan,
    rng: StdRng,
    scenarios: ScenarioPick,
    next: u64,
    offset: f64,
}

impl Arrivals {
    fn gap(&mut self) -> f64 {
        let mean = 1.0 / self.plan.rate_per_s;
        match self.plan.arrival {
            Arrival::Poisson => Exp::new(self.plan.rate_per_s)
                .map(|exp| self.rng.sample(exp))
                .unwrap_or(mean),
            Arrival::Gamma => {
                let shape = self.plan.gamma_shape;
                Gamma::new(shape, mean / shape)
                    .map(|gamma| self.rng.sample(gamma))
                    .unwrap_or(mean)
            }
            Arrival::Constant | Arrival::Closed | Arrival::Concurrent | Arrival::Trace => mean,
        }
    }

    /// The next arrival of the run, whichever shard's it is.
    fn draw(&mut self) -> Option<ArrivalAt> {
        if self.plan.max_calls.is_some_and(|max| self.next >= max) {
            return None;
        }
        let at = match &self.plan.trace {
            Some(replay) => Some(replay.trace.records().get(self.next as usize)?.at),
            None => None,
        };
        let offset = match (at, self.plan.arrival) {
            (Some(at), _) => at.as_secs_f64(),
            // Multiplying (not summing gaps) keeps constant arrivals exact.
            (None, Arrival::Constant) => self.next as f64 / self.plan.rate_per_s,
            _ if self.next == 0 => 0.0,
            _ => self.offset + self.gap(),
        };
        let trace_record = at.map(|_| self.next as u32);
        if self.plan.duration_s.is_some_and(|d| offset >= d) {
            return None;
        }
        self.offset = offset;
        let scenario = self.scenarios.pick(&mut self.rng);
        let index = self.next;
        self.next += 1;
        Some(ArrivalAt {
            index,
            offset_s: offset,
            scenario,
            trace_record,
        })
    }
}

impl Iterator for Arrivals {
    type Item = ArrivalAt;

    /// The next arrival (the next of the plan's shard, when it has one:
    /// the others are drawn and passed over).
    fn next(&mut self) -> Option<ArrivalAt> {
        loop {
            let arrival = self.draw()?;
            match self.plan.share {
                Some(share) if !share.shard.owns(share.first.saturating_add(arrival.index)) => {}
                _ => return Some(arrival),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(arrival: Arrival, rate: f64, duration: Option<f64>, max: Option<u64>) -> ArrivalPlan {
        let load = Load {
            arrival,
            rate_per_s: Some(rate),
            burstiness: (arrival == Arrival::Gamma).then_some(4.0),
            duration_s: duration,
            max_concurrency: None,
            concurrency: None,
            trace: None,
        };
        ArrivalPlan::new(&load, max, vec![1, 3]).expect("open")
    }

    #[test]
    fn constant_arrivals_are_evenly_spaced_and_bounded() {
        let p = plan(Arrival::Constant, 20.0, Some(2.0), None);
        let offsets: Vec<f64> = p.arrivals(1, 0).map(|a| a.offset_s).collect();
        assert_eq!(offsets.len(), 40);
        assert_eq!(p.expected_calls(), 40);
        assert!((offsets[39] - 1.95).abs() < 1e-12);
        let capped = plan(Arrival::Constant, 20.0, Some(2.0), Some(7));
        assert_eq!(capped.arrivals(1, 0).count(), 7);
        assert_eq!(capped.expected_calls(), 7);
    }

    #[test]
    fn random_arrivals_have_the_rate_and_weights_pick_scenarios() {
        for arrival in [Arrival::Poisson, Arrival::Gamma] {
            let p = plan(arrival, 100.0, None, Some(20_000));
            let all: Vec<ArrivalAt> = p.arrivals(7, 0).collect();
            assert_eq!(all.len(), 20_000);
            let mean_gap = all.last().expect("some").offset_s / 19_999.0;
            assert!((mean_gap - 0.01).abs() < 0.0005, "{arrival}: {mean_gap}");
            let second = all.iter().filter(|a| a.scenario == 1).count() as f64 / 20_000.0;
            assert!((second - 0.75).abs() < 0.02, "{second}");
            assert!(all.windows(2).all(|w| w[0].offset_s <= w[1].offset_s));
            // The seed fixes the arrivals; another run draws others.
            assert_eq!(p.arrivals(7, 0).take(50).collect::<Vec<_>>(), all[..50]);
            assert_ne!(p.arrivals(7, 1).take(50).collect::<Vec<_>>(), all[..50]);
        }
    }

    /// Every arrival of an experiment of `runs` runs, as (run, arrival),
    /// with `max_calls` bounding the experiment (as the call budget does
    /// without a shard), or only `shard`'s.
    fn experiment(p: &ArrivalPlan, runs: u32, shard: Option<Shard>) -> Vec<(u32, ArrivalAt)> {
        let mut before = 0;
        let mut out = Vec::new();
        for run in 0..runs {
            let run_plan = match shard {
                Some(shard) => p.for_shard_run(shard, before),
                None => ArrivalPlan {
                    max_calls: p.max_calls.map(|m| m.saturating_sub(before)),
                    ..p.clone()
                },
            };
            out.extend(run_plan.arrivals(9, run).map(|a| (run, a)));
            before += run_plan.drawn(9, run);
        }
        out
    }

    #[test]
    fn shards_draw_every_arrival_and_make_their_own() {
        for arrival in [Arrival::Constant, Arrival::Poisson, Arrival::Gamma] {
            for max in [None, Some(120)] {
                let p = plan(arrival, 50.0, Some(1.0), max);
                let whole = experiment(&p, 3, None);
                assert!(whole.len() > 100 && whole.len() <= max.map_or(usize::MAX, |m| m as usize));
                let mut union = Vec::new();
                for index in 0..3 {
                    let shard = Shard::new(index, 3).expect("shard");
                    let own = experiment(&p, 3, Some(shard));
                    assert_eq!(own.len() as u64, shard.share_of(whole.len() as u64));
                    union.extend(own);
                }
                union.sort_by_key(|(run, a)| (*run, a.index));
                assert_eq!(union, whole, "{arrival} {max:?}");
            }
        }
        // Constant arrivals, 50 in each run, 120 in all: the third run
        // makes 20, shared out after the 100 of the first two.
        let p = plan(Arrival::Constant, 50.0, Some(1.0), Some(120));
        let last = Shard::new(2, 3).expect("shard");
        let own = experiment(&p, 3, Some(last));
        assert_eq!(own.len(), 40);
        let third: Vec<u64> = own
            .iter()
            .filter(|(r, _)| *r == 2)
            .map(|(_, a)| a.index)
            .collect();
        // 100 + k = 2 mod 3 for k = 1, 4, ... 19.
        assert_eq!(third, (1..20).step_by(3).collect::<Vec<u64>>());
    }

    #[test]
    fn a_huge_plan_is_lazy() {
        let p = plan(Arrival::Poisson, 10_000.0, Some(86_400.0), None);
        assert_eq!(p.expected_calls(), 864_000_000);
        assert_eq!(p.arrivals(0, 0).take(3).count(), 3);
    }
}
