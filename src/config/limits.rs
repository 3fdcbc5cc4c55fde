//! The floor and the ceiling of every number a user can give: in the
//! config files, on the command line and in environment variables.
//!
//! Each range is chosen so that all later arithmetic stays finite: no
//! conversion to a `Duration` can overflow (every duration is at most a
//! day, every gap between two arrivals at most 1 / [`MIN_RATE_PER_S`]
//! seconds, every time scale at most [`MAX_TIME_SCALE`]), and no count
//! can overflow a `u64` (every product of counts is far below it, and the
//! planners saturate). A value outside its range is refused where it is
//! read, with its `file:line` and field, or with the flag's or the
//! variable's name. The config-field reference (docs/reference/config-fields.md,
//! generated from `field_docs`) quotes these constants.

use bedrock_catalog::prices::Cost;

/// The shortest positive duration accepted, in seconds (1 ms), for
/// `call_timeout_s`, `duration_s` and `sweep --step-duration`: below it a
/// duration is a typo, and its inverse (a rate, a count) could overflow.
pub const MIN_SECONDS: f64 = 0.001;

/// The longest duration accepted, in seconds (one day), for
/// `sleep_between_invocations`, `call_timeout_s` and `duration_s`:
/// larger values are surely mistakes, and would overflow a `Duration`
/// further on.
pub const MAX_SECONDS: f64 = 86_400.0;

/// The largest accepted `duration_s` (one day).
pub const MAX_DURATION_S: f64 = MAX_SECONDS;

/// The lowest accepted `rate`, in requests per second (one call every
/// 1,000 s, `0.06/min`): below it the gap between two arrivals would not
/// fit in a `Duration`.
pub const MIN_RATE_PER_S: f64 = 0.001;

/// The largest accepted `rate`, in requests per second.
pub const MAX_RATE_PER_S: f64 = 10_000.0;

/// The lowest accepted `burstiness` (a gamma shape of 1,000: nearly
/// constant gaps).
pub const MIN_BURSTINESS: f64 = 0.001;

/// The largest accepted `burstiness` (a gamma shape of 1/1,000).
pub const MAX_BURSTINESS: f64 = 1_000.0;

/// The lowest accepted dollar budget (`max_cost_usd`, `--max-cost`,
/// `BEDROCK_BENCH_MAX_COST`): one micro-dollar. Costs are exact to the
/// picodollar, but a smaller budget can only refuse every call.
pub const MIN_COST_USD: f64 = 0.000_001;

/// The largest accepted dollar budget, in US dollars.
pub const MAX_COST_USD: f64 = 1_000_000.0;

/// The largest accepted call budget (`max_calls`, `--max-calls`): a
/// million million calls, far more than any run makes, and small enough
/// that every product with another count fits in a `u64`.
pub const MAX_CALLS: u64 = 1_000_000_000_000;

/// The largest accepted `BEDROCK_BENCH_TIME_SCALE` (the emulator 100
/// times slower than real time); the floor is 0 (no waiting at all).
pub const MAX_TIME_SCALE: f64 = 100.0;

/// The longest `sweep --step-duration` and `sweep --pause`, in seconds
/// (one hour); `--step-duration` is at least [`MIN_SECONDS`], `--pause`
/// at least 0.
pub const MAX_STEP_SECONDS: f64 = 3_600.0;

/// The largest accepted `invocations_per_scenario`.
pub const MAX_INVOCATIONS_PER_SCENARIO: u32 = 1_000_000;
/// The largest accepted `num_parallel_invocations` (workers; each may hold
/// a connection open).
pub const MAX_PARALLEL_INVOCATIONS: u32 = 10_000;
/// The largest accepted `num_runs_per_experiment`.
pub const MAX_RUNS_PER_EXPERIMENT: u32 = 10_000;
/// The largest accepted `warmup_invocations`.
pub const MAX_WARMUP_INVOCATIONS: u32 = 1_000;
/// The largest accepted `max_retries`.
pub const MAX_RETRIES: u32 = 100;
/// The largest accepted `top_k`.
pub const MAX_TOP_K: u32 = 1_000_000;
/// The largest accepted `max_concurrency` and `concurrency`.
pub const MAX_CONCURRENCY: u32 = 100_000;

/// Whether `usd` is a valid dollar budget: from [`MIN_COST_USD`] to
/// [`MAX_COST_USD`].
pub fn valid_max_cost(usd: f64) -> bool {
    (MIN_COST_USD..=MAX_COST_USD).contains(&usd)
}

/// The dollar budget of a flag or an environment variable's `text`, or
/// what is wrong with it in words (a negative budget is named as such).
pub fn parse_max_cost(text: &str) -> Result<Cost, String> {
    let expected = format!(
        "expected an amount of US dollars from {MIN_COST_USD} to {MAX_COST_USD:.0}, such as 5 or 0.25"
    );
    match text.trim().parse::<f64>() {
        Ok(usd) if valid_max_cost(usd) => Cost::from_usd(usd).map_err(|e| e.to_string()),
        Ok(usd) if usd < 0.0 => Err(format!(
            "a negative budget ({text}): a dollar budget is the most a run may spend; {expected}"
        )),
        Ok(usd) if usd.is_nan() => Err(format!("not a number; {expected}")),
        Ok(_) => Err(format!("{text} is out of range; {expected}")),
        Err(_) => Err(format!("{text:?} is not a number; {expected}")),
    }
}

/// A call budget of a flag's `text`: a whole number from 1 to
/// [`MAX_CALLS`], or what is wrong with it in words.
pub fn parse_max_calls(text: &str) -> Result<u64, String> {
    let expected = format!("expected a whole number of calls from 1 to {MAX_CALLS}");
    match text.trim().parse::<u64>() {
        Ok(calls) if (1..=MAX_CALLS).contains(&calls) => Ok(calls),
        Ok(0) => Err(format!(
            "0 would refuse every call; {expected} (leave the flag out for no call budget)"
        )),
        Ok(_) => Err(format!("{text} is too many; {expected}")),
        Err(_) if text.trim().starts_with('-') => {
            Err(format!("a negative budget ({text}); {expected}"))
        }
        Err(_) => Err(format!("{text:?} is not a whole number; {expected}")),
    }
}

/// A number of seconds of `flag`'s `text` from `min` to `max` (both
/// included), or what is wrong with it in words, naming the flag and the
/// value (`--pause -1: expected a number of seconds from 0 to 3600`).
pub fn parse_seconds(flag: &str, text: &str, min: f64, max: f64) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (min..=max).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "{flag} {text}: expected a number of seconds from {min} to {max}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_budgets_have_a_floor_and_a_ceiling() {
        assert_eq!(
            parse_max_cost("5"),
            Cost::from_usd(5.0).map_err(|e| e.to_string())
        );
        assert_eq!(
            parse_max_cost("0.000001"),
            Ok(Cost::from_picodollars(1_000_000))
        );
        assert_eq!(
            parse_max_cost("1000000"),
            Cost::from_usd(MAX_COST_USD).map_err(|e| e.to_string())
        );
        let negative = parse_max_cost("-1").expect_err("negative");
        assert!(negative.starts_with("a negative budget (-1)"), "{negative}");
        for bad in ["0", "1e-300", "1000000.5", "inf", "NaN", "five", ""] {
            let error = parse_max_cost(bad).expect_err(bad);
            assert!(error.contains("from 0.000001 to 1000000"), "{bad}: {error}");
        }
    }

    #[test]
    fn call_budgets_have_a_floor_and_a_ceiling() {
        assert_eq!(parse_max_calls("1"), Ok(1));
        assert_eq!(parse_max_calls(&MAX_CALLS.to_string()), Ok(MAX_CALLS));
        assert!(parse_max_calls("0").expect_err("0").contains("every call"));
        assert!(parse_max_calls("-3").expect_err("-3").contains("negative"));
        assert!(
            parse_max_calls("18446744073709551615")
                .expect_err("u64::MAX")
                .contains("too many")
        );
        assert!(parse_max_calls("1.5").is_err());
    }

    #[test]
    fn seconds_have_a_floor_and_a_ceiling() {
        assert_eq!(parse_seconds("--s", "0.001", MIN_SECONDS, 10.0), Ok(0.001));
        assert_eq!(parse_seconds("--s", "0", 0.0, 10.0), Ok(0.0));
        for bad in ["1e-300", "0", "-1", "11", "1e300", "NaN", "inf", "x"] {
            let error = parse_seconds("--s", bad, MIN_SECONDS, 10.0).expect_err(bad);
            assert_eq!(
                error,
                format!("--s {bad}: expected a number of seconds from 0.001 to 10")
            );
        }
    }

    #[test]
    fn the_ranges_keep_durations_and_counts_finite() {
        let longest_gap = 1.0 / MIN_RATE_PER_S;
        assert!(std::time::Duration::try_from_secs_f64(longest_gap * MAX_TIME_SCALE).is_ok());
        assert!(std::time::Duration::try_from_secs_f64(MAX_SECONDS * MAX_TIME_SCALE).is_ok());
        let most_arrivals = MAX_SECONDS * MAX_RATE_PER_S * f64::from(MAX_RUNS_PER_EXPERIMENT);
        assert!(most_arrivals < u64::MAX as f64);
        assert!(
            MAX_CALLS
                .checked_mul(u64::from(MAX_RETRIES) + 1)
                .and_then(|n| n.checked_mul(u64::from(MAX_PARALLEL_INVOCATIONS)))
                .is_some()
        );
    }
}
