//! What the live view knows of a run: the calls finished so far, per
//! group and in all, with the recent latencies of each group. Updated by
//! the run's reporter thread one finished call at a time (a few additions
//! and a push); read by the render thread.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bedrock_catalog::prices::Cost;

use super::rolling::Rolling;

/// How far back the calls-per-second figure looks.
pub const RATE_WINDOW: Duration = Duration::from_secs(10);

/// One finished call attempt, as the live view needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedCall {
    /// Its group (the scenario's name).
    pub group: String,
    /// When it ended (or was recorded).
    pub at: Instant,
    /// Time to first token, seconds, when it had one.
    pub ttft_s: Option<f64>,
    /// Total latency, seconds, when it ended with a response.
    pub total_s: Option<f64>,
    /// Whether it succeeded.
    pub success: bool,
    /// Whether it was throttled.
    pub throttle: bool,
    /// What it cost, when known (`None`: no usage, or no price).
    pub cost: Option<Cost>,
}

/// Counts of calls.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Attempts finished.
    pub done: u64,
    /// Of them, failed.
    pub errors: u64,
    /// Of them, throttled.
    pub throttles: u64,
}

impl Counts {
    fn count(&mut self, call: &FinishedCall) {
        self.done += 1;
        self.errors += u64::from(!call.success);
        self.throttles += u64::from(call.throttle);
    }
}

/// One group's figures.
#[derive(Debug, Clone)]
pub struct GroupLive {
    /// The group's name.
    pub name: String,
    /// Its calls so far.
    pub counts: Counts,
    /// Its recent times to first token, seconds.
    pub ttft: Rolling,
    /// Its recent total latencies, seconds.
    pub total: Rolling,
}

/// The scenario being measured, when the front end makes one scenario's
/// calls at a time (`cargo bench`).
#[derive(Debug, Clone)]
pub struct ScenarioLive {
    /// Its name.
    pub name: String,
    /// Its calls planned (retries add to them).
    pub planned: u64,
    /// Its calls so far.
    pub counts: Counts,
    /// When its calls began.
    pub started: Instant,
}

/// Everything the live view shows.
#[derive(Debug, Clone)]
pub struct LiveState {
    /// When the run (the experiment) started.
    pub started: Instant,
    /// Calls planned over the whole run (retries add to them); for an
    /// open loop an expected count.
    pub planned: u64,
    /// Open loop: seconds of arrivals (progress is then time).
    pub arrivals_s: Option<f64>,
    /// The dollar budget, when there is one.
    pub max_cost: Option<Cost>,
    /// Calls so far.
    pub counts: Counts,
    /// What the calls cost so far, where known.
    pub cost: Cost,
    /// Calls with usage whose cost is unknown (no price).
    pub unpriced: u64,
    /// Groups in the order they first finished a call.
    pub groups: Vec<GroupLive>,
    /// The scenario being measured (`cargo bench`).
    pub scenario: Option<ScenarioLive>,
    /// When calls ended, over the last [`RATE_WINDOW`].
    recent: VecDeque<Instant>,
    /// Set when a stop was requested: what is happening.
    pub stopping: Option<String>,
}

impl LiveState {
    /// Nothing yet, the run starting `now`.
    pub fn new(now: Instant) -> Self {
        LiveState {
            started: now,
            planned: 0,
            arrivals_s: None,
            max_cost: None,
            counts: Counts::default(),
            cost: Cost::ZERO,
            unpriced: 0,
            groups: Vec::new(),
            scenario: None,
            recent: VecDeque::new(),
            stopping: None,
        }
    }

    /// The run starts now with `planned` calls (or `arrivals_s` seconds of
    /// open-loop arrivals).
    pub fn start(&mut self, now: Instant, planned: u64, arrivals_s: Option<f64>) {
        self.started = now;
        self.planned = planned;
        self.arrivals_s = arrivals_s;
    }

    /// A retry was scheduled: one more call planned.
    pub fn retry_scheduled(&mut self) {
        self.planned += 1;
        if let Some(scenario) = &mut self.scenario {
            scenario.planned += 1;
        }
    }

    /// `cargo bench` measures `name` next, `planned` calls.
    pub fn scenario_started(&mut self, now: Instant, name: &str, planned: u64) {
        self.scenario = Some(ScenarioLive {
            name: name.to_string(),
            planned,
            counts: Counts::default(),
            started: now,
        });
    }

    /// The scenario measured last is done; returns it.
    pub fn scenario_finished(&mut self) -> Option<ScenarioLive> {
        self.scenario.take()
    }

    /// Count `call`.
    pub fn record(&mut self, call: FinishedCall) {
        self.counts.count(&call);
        if let Some(scenario) = &mut self.scenario {
            scenario.counts.count(&call);
        }
        match call.cost {
            Some(cost) => self.cost = self.cost.saturating_add(cost),
            None if call.success => self.unpriced += 1,
            None => {}
        }
        self.recent.push_back(call.at);
        let index = match self.groups.iter().position(|g| g.name == call.group) {
            Some(index) => index,
            None => {
                self.groups.push(GroupLive {
                    name: call.group.clone(),
                    counts: Counts::default(),
                    ttft: Rolling::default(),
                    total: Rolling::default(),
                });
                self.groups.len() - 1
            }
        };
        let group = &mut self.groups[index];
        group.counts.count(&call);
        if call.success {
            if let Some(ttft) = call.ttft_s {
                group.ttft.push(call.at, ttft);
            }
            if let Some(total) = call.total_s {
                group.total.push(call.at, total);
            }
        }
    }

    /// Forget what is older than the rolling windows.
    pub fn expire(&mut self, now: Instant) {
        if let Some(oldest) = now.checked_sub(RATE_WINDOW) {
            while self.recent.front().is_some_and(|at| *at < oldest) {
                self.recent.pop_front();
            }
        }
        for group in &mut self.groups {
            group.ttft.expire(now);
            group.total.expire(now);
        }
    }

    /// Calls finished per second over the last [`RATE_WINDOW`] (or since
    /// the start, when that is shorter).
    pub fn calls_per_s(&self, now: Instant) -> f64 {
        let span = now
            .saturating_duration_since(self.started)
            .min(RATE_WINDOW)
            .as_secs_f64();
        if span <= 0.0 {
            return 0.0;
        }
        let oldest = now.checked_sub(RATE_WINDOW);
        let recent = self
            .recent
            .iter()
            .filter(|at| oldest.is_none_or(|oldest| **at >= oldest))
            .count();
        recent as f64 / span
    }

    /// Seconds left, when they can be told: an open loop's arrivals left,
    /// else the calls left at the rate so far.
    pub fn seconds_left(&self, now: Instant) -> Option<f64> {
        let elapsed = now.saturating_duration_since(self.started).as_secs_f64();
        if let Some(seconds) = self.arrivals_s {
            return Some((seconds - elapsed).max(0.0));
        }
        let (done, planned) = match &self.scenario {
            Some(s) => (s.counts.done, s.planned),
            None => (self.counts.done, self.planned),
        };
        let elapsed = match &self.scenario {
            Some(s) => now.saturating_duration_since(s.started).as_secs_f64(),
            None => elapsed,
        };
        if done == 0 || elapsed <= 0.0 {
            return None;
        }
        let left = planned.saturating_sub(done) as f64;
        Some(left * elapsed / done as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(group: &str, at: Instant, ttft: f64, success: bool) -> FinishedCall {
        FinishedCall {
            group: group.into(),
            at,
            ttft_s: Some(ttft),
            total_s: Some(ttft * 2.0),
            success,
            throttle: !success,
            cost: success.then(|| Cost::from_picodollars(1_000_000)),
        }
    }

    #[test]
    fn calls_are_counted_per_group_and_in_all() {
        let start = Instant::now();
        let mut state = LiveState::new(start);
        state.start(start, 10, None);
        state.record(call("a", start, 0.5, true));
        state.record(call("b", start, 0.7, true));
        state.record(call("a", start, 0.9, false));
        assert_eq!(
            state.counts,
            Counts {
                done: 3,
                errors: 1,
                throttles: 1
            }
        );
        assert_eq!(state.groups.len(), 2);
        assert_eq!(state.groups[0].name, "a");
        assert_eq!(state.groups[0].counts.done, 2);
        // Failed calls count, but their latencies do not.
        assert_eq!(state.groups[0].ttft.sorted(), vec![0.5]);
        assert_eq!(state.cost, Cost::from_picodollars(2_000_000));
    }

    #[test]
    fn the_rate_is_over_the_last_ten_seconds() {
        let start = Instant::now();
        let mut state = LiveState::new(start);
        for i in 0..40 {
            state.record(call("a", start + Duration::from_millis(500 * i), 0.1, true));
        }
        // 20 s in: the last 10 s hold 20 calls (10.5 s to 19.5 s).
        let now = start + Duration::from_secs(20);
        state.expire(now);
        assert!(
            (state.calls_per_s(now) - 2.0).abs() < 0.11,
            "{}",
            state.calls_per_s(now)
        );
    }

    #[test]
    fn the_time_left_follows_the_rate_so_far() {
        let start = Instant::now();
        let mut state = LiveState::new(start);
        state.start(start, 100, None);
        assert_eq!(state.seconds_left(start), None);
        for _ in 0..25 {
            state.record(call("a", start, 0.1, true));
        }
        let left = state
            .seconds_left(start + Duration::from_secs(10))
            .expect("known");
        assert!((left - 30.0).abs() < 1e-6, "{left}");
        state.start(start, 0, Some(60.0));
        let left = state
            .seconds_left(start + Duration::from_secs(15))
            .expect("known");
        assert!((left - 45.0).abs() < 1e-6, "{left}");
    }

    #[test]
    fn retries_add_to_the_plan_and_the_scenario() {
        let start = Instant::now();
        let mut state = LiveState::new(start);
        state.start(start, 4, None);
        state.scenario_started(start, "m/standard", 2);
        state.retry_scheduled();
        assert_eq!(state.planned, 5);
        assert_eq!(state.scenario.as_ref().map(|s| s.planned), Some(3));
        assert_eq!(
            state.scenario_finished().map(|s| s.name),
            Some("m/standard".into())
        );
        assert!(state.scenario.is_none());
    }
}
