//! What a sweep found: the highest rate that met the SLO and its goodput,
//! the lowest that did not, and where the service began to throttle.

use std::fmt::Write as _;

use super::SweepStep;
use super::levels::{LevelKind, LevelSearch};

/// The knee of a sweep's steps (interrupted steps are left out: they
/// did not offer their rate for their whole duration).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Knee {
    /// What the levels are.
    pub kind: LevelKind,
    /// The highest rate that met the SLO (requests per second), with its
    /// goodput (good calls per second).
    pub highest_passing: Option<(f64, f64)>,
    /// The lowest rate that failed it, with the objectives it failed.
    pub lowest_failing: Option<(f64, Vec<String>)>,
    /// The lowest rate at which any call was throttled: where throttling
    /// began (the service's quota lies between the highest rate without
    /// a throttle and this one).
    pub throttle_onset: Option<f64>,
    /// The highest rate without any throttle.
    pub highest_unthrottled: Option<f64>,
    /// The most successful calls per second a throttling step got: under
    /// a requests-per-minute quota, about the quota.
    pub throttled_ceiling: Option<f64>,
    /// The highest goodput of any step, with its rate.
    pub best_goodput: Option<(f64, f64)>,
}

impl Knee {
    /// The knee of `steps`, with the search's bracket.
    pub fn of(kind: LevelKind, steps: &[SweepStep], search: &LevelSearch) -> Knee {
        let done: Vec<&SweepStep> = steps.iter().filter(|s| !s.interrupted).collect();
        let (pass, fail) = search.bracket();
        let highest_passing = pass.and_then(|rate| {
            done.iter()
                .find(|s| s.stats.level == rate)
                .map(|s| (rate, s.stats.goodput()))
        });
        let lowest_failing = fail.and_then(|rate| {
            done.iter()
                .find(|s| s.stats.level == rate)
                .map(|s| (rate, s.failures.clone()))
        });
        let throttled = || done.iter().filter(|s| s.stats.throttles > 0);
        let rate_of = |s: &&SweepStep| s.stats.level;
        Knee {
            kind,
            highest_passing,
            lowest_failing,
            throttle_onset: throttled().map(rate_of).min_by(f64::total_cmp),
            highest_unthrottled: done
                .iter()
                .filter(|s| s.stats.throttles == 0)
                .map(rate_of)
                .max_by(f64::total_cmp),
            throttled_ceiling: throttled()
                .map(|s| s.stats.success_rate())
                .max_by(f64::total_cmp),
            best_goodput: done
                .iter()
                .map(|s| (s.stats.level, s.stats.goodput()))
                .max_by(|a, b| a.1.total_cmp(&b.1)),
        }
    }

    /// The findings in sentences, one per line.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        match &self.highest_passing {
            Some((rate, goodput)) => {
                let _ = writeln!(
                    out,
                    "knee: {} is the highest load that met the SLO (goodput {goodput:.3} good calls/s)",
                    self.kind.describe(*rate)
                );
            }
            None => {
                let _ = writeln!(out, "knee: no load tried met the SLO");
            }
        }
        if let Some((rate, failures)) = &self.lowest_failing {
            let _ = writeln!(
                out,
                "first failure: {} failed {}",
                self.kind.describe(*rate),
                failures.join("; ")
            );
        } else if self.highest_passing.is_some() {
            let _ = writeln!(
                out,
                "every load tried met the SLO: the knee lies above the highest load tried"
            );
        }
        match (self.throttle_onset, self.highest_unthrottled) {
            (Some(onset), Some(below)) => {
                let _ = writeln!(
                    out,
                    "throttling began at {} (none at {}); the most successful calls a throttled step got: {:.3}/s",
                    self.kind.describe(onset),
                    self.kind.describe(below),
                    self.throttled_ceiling.unwrap_or(0.0)
                );
            }
            (Some(onset), None) => {
                let _ = writeln!(
                    out,
                    "throttling began at or below {}, the lowest load tried",
                    self.kind.describe(onset)
                );
            }
            (None, _) => {
                let _ = writeln!(out, "no call was throttled");
            }
        }
        out
    }
}
