//! Finding the knee of a sweep's steps (the [`Knee`] itself is a result:
//! `result.rs`): the highest rate that met the SLO and its goodput, the
//! lowest that did not, and where the service began to throttle.

use super::levels::LevelSearch;
use super::result::{Knee, LevelKind, SweepStep};

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
}
