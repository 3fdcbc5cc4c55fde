//! Which offered loads a sweep tries, in order: a listed set of rates (or
//! concurrencies), or levels stepped up geometrically from a start until a
//! step fails the SLO, then bisected between the last level that met it
//! and the first that did not until the two are within the resolution.
//!
//! ```text
//! --rates 1/s,2/s,5/s,10/s        listed: tried in order, stop at the first failure
//! --rates 1/s..100/s              stepped: 1, 2, 4, ... (x --factor), capped at 100/s,
//!                                 then bisected down to --resolution
//! --concurrencies 1,2,4,8         calls kept in flight, listed
//! --concurrencies 1..64           stepped and bisected, in whole calls
//! ```

use std::collections::VecDeque;

use thiserror::Error;

use super::result::LevelKind;
use crate::config::parse_rate;

/// The offered loads of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// These levels, in this order.
    List(Vec<f64>),
    /// From `start` up to `max` (requests per second), each step `factor`
    /// times the last, then bisection until the bracket is narrower than
    /// `resolution` (a fraction: 0.1 = 10%).
    Stepped {
        /// The first rate.
        start: f64,
        /// The highest rate tried.
        max: f64,
        /// Growth between steps (more than 1).
        factor: f64,
        /// How narrow the knee's bracket gets: stop when
        /// failing / passing <= 1 + resolution.
        resolution: f64,
        /// Levels are whole numbers (concurrencies).
        whole: bool,
    },
}

/// A `--rates` or `--concurrencies` value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{option} {value:?}: {reason}; {expected}")]
pub struct LevelsError {
    /// `--rates` or `--concurrencies`.
    pub option: &'static str,
    /// What a good value looks like.
    pub expected: &'static str,
    /// The value given.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The most steps a sweep plans (listed, or stepped and bisected).
pub const MAX_STEPS: usize = 200;

/// The narrowest `--resolution`: 0.1%. Below it the bracket's two ends
/// are the same rate to any use (and, far below, the same `f64`).
pub const MIN_RESOLUTION: f64 = 0.001;

/// Bisections allowed beyond the real-number count for whole levels, whose
/// midpoints are rounded.
const WHOLE_SLACK: usize = 2;

impl Levels {
    /// Parse `--rates`: a comma-separated list or `START..MAX`, with the
    /// stepped form's `factor` and `resolution`.
    pub fn parse(value: &str, factor: f64, resolution: f64) -> Result<Levels, LevelsError> {
        Self::parse_kind(LevelKind::Rate, value, factor, resolution)
    }

    /// Parse `--rates` or `--concurrencies` (whole numbers of calls in
    /// flight, 1 to 100000).
    pub fn parse_kind(
        kind: LevelKind,
        value: &str,
        factor: f64,
        resolution: f64,
    ) -> Result<Levels, LevelsError> {
        let expected = match kind {
            LevelKind::Rate => {
                "expected a list like 1/s,2/s,5/s or a range like 1/s..100/s (each rate a positive number per second `/s` or per minute `/min`)"
            }
            LevelKind::Concurrency => {
                "expected a list like 1,2,4,8 or a range like 1..64 (whole numbers of calls in flight, 1 to 100000)"
            }
        };
        let fail = |reason: String| LevelsError {
            option: kind.option(),
            expected,
            value: value.to_string(),
            reason,
        };
        let rate = |text: &str| match kind {
            LevelKind::Rate => {
                parse_rate(text).ok_or_else(|| fail(format!("{:?} is not a rate", text.trim())))
            }
            LevelKind::Concurrency => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=crate::config::MAX_CONCURRENCY).contains(n))
                .map(f64::from)
                .ok_or_else(|| fail(format!("{:?} is not a concurrency", text.trim()))),
        };
        if let Some((start, max)) = value.split_once("..") {
            let (start, max) = (rate(start)?, rate(max)?);
            if max <= start {
                return Err(fail("the range's end must be above its start".into()));
            }
            if !(factor.is_finite() && factor > 1.0 && factor <= 10.0) {
                return Err(fail(format!(
                    "--factor {factor} must be above 1, at most 10"
                )));
            }
            if !(resolution.is_finite() && (MIN_RESOLUTION..1.0).contains(&resolution)) {
                return Err(fail(format!(
                    "--resolution {resolution} must be at least {MIN_RESOLUTION} and below 1 (0.1 = 10%)"
                )));
            }
            let levels = Levels::Stepped {
                start,
                max,
                factor,
                resolution,
                whole: kind == LevelKind::Concurrency,
            };
            match levels.max_steps() {
                usize::MAX => {
                    return Err(fail(format!(
                        "it would take far more steps, more than {MAX_STEPS}; raise --factor or --resolution"
                    )));
                }
                steps if steps > MAX_STEPS => {
                    return Err(fail(format!(
                        "it would take up to {steps} steps, more than {MAX_STEPS}; raise --factor or --resolution"
                    )));
                }
                _ => {}
            }
            return Ok(levels);
        }
        let rates = value
            .split(',')
            .map(rate)
            .collect::<Result<Vec<f64>, _>>()?;
        if rates.len() > MAX_STEPS {
            return Err(fail(format!("more than {MAX_STEPS} rates")));
        }
        if rates.windows(2).any(|w| w[1] <= w[0]) {
            return Err(fail("the rates must increase".into()));
        }
        Ok(Levels::List(rates))
    }

    /// The most steps the sweep can take: every listed rate, or every
    /// stepped rate up to `max` plus the bisections after the last. The
    /// search never takes more ([`LevelSearch`] stops there), so a dry
    /// run's bound holds whatever the steps find.
    pub fn max_steps(&self) -> usize {
        match self {
            Levels::List(rates) => rates.len(),
            Levels::Stepped {
                start,
                max,
                factor,
                resolution,
                whole,
            } => {
                // The climb's length, from logarithms first so that a
                // factor barely above 1 cannot make a long list.
                let estimate = ((max / start).ln() / factor.ln()).ceil() + 2.0;
                if !estimate.is_finite() || estimate > (MAX_STEPS + 1) as f64 {
                    return usize::MAX;
                }
                let climbs = self.climb().len();
                // Each bisection halves the bracket's log width, from at
                // most ln(factor) down to ln(1 + resolution).
                let bisections = (factor.ln() / resolution.ln_1p()).log2().ceil();
                if !bisections.is_finite() || bisections > MAX_STEPS as f64 {
                    return usize::MAX;
                }
                let slack = if *whole { WHOLE_SLACK } else { 0 };
                climbs + bisections.max(0.0) as usize + slack
            }
        }
    }

    /// The rates tried if every step meets the SLO: the list, or the
    /// stepped rates up to `max`.
    pub fn climb(&self) -> Vec<f64> {
        match self {
            Levels::List(rates) => rates.clone(),
            Levels::Stepped {
                start,
                max,
                factor,
                whole,
                ..
            } => {
                let mut rates = vec![*start];
                while let Some(&last) = rates.last()
                    && last < *max
                {
                    let mut next = (last * factor).min(*max);
                    if *whole {
                        next = next.round().max(last + 1.0).min(*max);
                    }
                    rates.push(next);
                }
                rates
            }
        }
    }
}

/// The search through the levels: asks for the next rate, learns whether
/// each step met the SLO.
#[derive(Debug, Clone)]
pub struct LevelSearch {
    levels: Levels,
    climb: VecDeque<f64>,
    highest_pass: Option<f64>,
    lowest_fail: Option<f64>,
    steps: usize,
}

impl LevelSearch {
    /// A search over `levels`.
    pub fn new(levels: Levels) -> LevelSearch {
        LevelSearch {
            climb: levels.climb().into(),
            levels,
            highest_pass: None,
            lowest_fail: None,
            steps: 0,
        }
    }

    /// The next rate to try; `None` when the search is over (never after
    /// [`Levels::max_steps`] steps).
    pub fn next_rate(&mut self) -> Option<f64> {
        if self.steps >= self.levels.max_steps().min(MAX_STEPS) {
            return None;
        }
        let Some(fail) = self.lowest_fail else {
            return self.climb.pop_front();
        };
        let Levels::Stepped {
            resolution, whole, ..
        } = self.levels
        else {
            return None;
        };
        let pass = self.highest_pass?;
        if fail / pass <= 1.0 + resolution {
            return None;
        }
        let middle = (pass * fail).sqrt();
        if !whole {
            // A midpoint that rounds onto an end would repeat a level.
            return (middle > pass && middle < fail).then_some(middle);
        }
        // Whole levels: the nearest whole number strictly inside the
        // bracket, if any.
        if fail - pass < 2.0 {
            return None;
        }
        Some(middle.round().clamp(pass + 1.0, fail - 1.0))
    }

    /// Step `rate` met the SLO (`passed`) or not.
    pub fn record(&mut self, rate: f64, passed: bool) {
        self.steps += 1;
        if passed {
            self.highest_pass = Some(self.highest_pass.map_or(rate, |p| p.max(rate)));
        } else {
            self.lowest_fail = Some(self.lowest_fail.map_or(rate, |f| f.min(rate)));
            self.climb.clear();
        }
    }

    /// The highest rate that met the SLO and the lowest that did not.
    pub fn bracket(&self) -> (Option<f64>, Option<f64>) {
        (self.highest_pass, self.lowest_fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(levels: Levels, limit: f64) -> Vec<f64> {
        let mut search = LevelSearch::new(levels);
        let mut tried = Vec::new();
        while let Some(rate) = search.next_rate() {
            tried.push(rate);
            search.record(rate, rate <= limit);
            assert!(tried.len() < 100, "the search ends");
        }
        tried
    }

    #[test]
    fn a_list_stops_at_its_first_failure() {
        let levels = Levels::parse("1/s, 2/s,120/min,3/s,5/s", 2.0, 0.1);
        assert!(levels.is_err(), "120/min = 2/s does not increase");
        let levels = Levels::parse("1/s,2/s,3/s,5/s", 2.0, 0.1).expect("parses");
        assert_eq!(run(levels.clone(), 2.5), vec![1.0, 2.0, 3.0]);
        assert_eq!(run(levels, 10.0), vec![1.0, 2.0, 3.0, 5.0]);
    }

    #[test]
    fn a_range_climbs_then_bisects_to_the_resolution() {
        let levels = Levels::parse("1/s..100/s", 2.0, 0.05).expect("parses");
        let tried = run(levels.clone(), 10.0);
        assert_eq!(&tried[..5], &[1.0, 2.0, 4.0, 8.0, 16.0]);
        let mut search = LevelSearch::new(levels.clone());
        for rate in &tried {
            search.record(*rate, *rate <= 10.0);
        }
        let (pass, fail) = search.bracket();
        let (pass, fail) = (pass.expect("a pass"), fail.expect("a fail"));
        assert!(
            pass <= 10.0 && fail > 10.0 && fail / pass <= 1.05,
            "{pass} {fail}"
        );
        assert!(tried.len() <= levels.max_steps(), "{tried:?}");
        // Never failing: the climb ends at the range's end.
        assert_eq!(run(levels, 1000.0).last(), Some(&100.0));
    }

    #[test]
    fn failing_at_the_start_ends_the_search() {
        let levels = Levels::parse("4/s..64/s", 2.0, 0.1).expect("parses");
        assert_eq!(run(levels, 1.0), vec![4.0]);
    }

    #[test]
    fn concurrencies_are_whole_numbers() {
        let levels =
            Levels::parse_kind(LevelKind::Concurrency, "1..64", 2.0, 0.05).expect("parses");
        assert_eq!(levels.climb(), vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]);
        let tried = run(levels, 11.0);
        assert!(tried.iter().all(|l| l.fract() == 0.0), "{tried:?}");
        // Bisected between 8 (met) and 16 (failed) down to 11 and 12.
        assert!(tried.contains(&11.0) && tried.contains(&12.0), "{tried:?}");
        let error = Levels::parse_kind(LevelKind::Concurrency, "1,2.5", 2.0, 0.1)
            .expect_err("fraction")
            .to_string();
        assert!(
            error.starts_with("--concurrencies \"1,2.5\": \"2.5\" is not a concurrency"),
            "{error}"
        );
    }

    #[test]
    fn a_resolution_below_the_floor_is_refused_and_never_repeats_a_rate() {
        let error = Levels::parse("1/s..64/s", 2.0, 1e-16)
            .expect_err("1e-16")
            .to_string();
        assert!(
            error.contains("--resolution 0.0000000000000001 must be at least 0.001"),
            "{error}"
        );
        let levels = Levels::parse("1/s..64/s", 2.0, MIN_RESOLUTION).expect("the floor");
        let tried = run(levels.clone(), 10.0);
        assert!(tried.len() <= levels.max_steps(), "{tried:?}");
        let error = Levels::parse("1/s..64/s", 1.0 + 1e-15, 0.1)
            .expect_err("a factor barely above 1")
            .to_string();
        assert!(error.contains("steps, more than 200"), "{error}");
    }

    #[test]
    fn bad_levels_are_named() {
        for (value, reason) in [
            ("fast", "\"fast\" is not a rate"),
            ("10/s..1/s", "end must be above its start"),
            ("1/s,x", "\"x\" is not a rate"),
        ] {
            let error = Levels::parse(value, 2.0, 0.1).expect_err(value).to_string();
            assert!(error.contains(reason), "{error}");
        }
        let error = Levels::parse("1/s..10/s", 1.0, 0.1)
            .expect_err("factor")
            .to_string();
        assert!(error.contains("--factor"), "{error}");
        let error = Levels::parse("1/s..10/s", 2.0, 0.0)
            .expect_err("res")
            .to_string();
        assert!(error.contains("--resolution"), "{error}");
    }

    proptest::proptest! {
        #[test]
        fn the_search_keeps_the_dry_runs_bound_and_reaches_the_resolution(
            start in 0.01f64..100.0,
            span in 1.01f64..10_000.0,
            factor in 1.05f64..10.0,
            resolution in MIN_RESOLUTION..0.99,
            limit_at in 0.0f64..1.2,
            whole in proptest::bool::ANY,
        ) {
            let (start, max) = if whole {
                (start.ceil(), (start.ceil() * span).ceil().max(start.ceil() + 1.0))
            } else {
                (start, start * span)
            };
            let levels = Levels::Stepped { start, max, factor, resolution, whole };
            let bound = levels.max_steps();
            proptest::prop_assume!(bound <= MAX_STEPS);
            // The SLO holds up to `limit` (somewhere across the range).
            let limit = start * (max / start).powf(limit_at);
            let mut search = LevelSearch::new(levels);
            let mut tried = Vec::new();
            while let Some(rate) = search.next_rate() {
                proptest::prop_assert!(!tried.contains(&rate), "{rate} repeated: {tried:?}");
                tried.push(rate);
                search.record(rate, rate <= limit);
                proptest::prop_assert!(tried.len() <= bound, "{tried:?} > {bound}");
            }
            if let (Some(pass), Some(fail)) = search.bracket() {
                let narrow = fail / pass <= 1.0 + resolution || (whole && fail - pass <= 1.0);
                proptest::prop_assert!(narrow, "bracket {pass}..{fail} after {tried:?}");
            }
        }
    }
}
