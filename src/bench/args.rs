//! The part of criterion's command line that decides which calls to make:
//! the benchmark filter and the mode (`--test`, `--list`). Options that
//! would change how many calls each benchmark makes are refused, because
//! every call may cost money.

/// What `cargo bench -- ...` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchArgs {
    /// criterion's FILTER (a regular expression unless `--exact`).
    pub filter: Option<String>,
    /// `--exact`: the filter is a whole benchmark id.
    pub exact: bool,
    /// Measure, test or list.
    pub mode: BenchMode,
    /// `--save-baseline NAME`.
    pub save_baseline: Option<String>,
    /// `--baseline NAME` (strict) or `--baseline-lenient NAME`.
    pub baseline: Option<(String, bool)>,
}

/// criterion's modes that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchMode {
    /// Measure and analyze.
    Measure,
    /// `--test`: one call per scenario, no analysis.
    Test,
    /// `--list`: name the benchmarks, make no call.
    List,
}

/// criterion options that take a value (`--name value` or `--name=value`).
const VALUE_OPTIONS: [&str; 16] = [
    "-c",
    "--color",
    "--colour",
    "-s",
    "--save-baseline",
    "-b",
    "--baseline",
    "--baseline-lenient",
    "--format",
    "--load-baseline",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--plotting-backend",
    "--output-format",
];

/// Options refused because they change the number of calls.
const COST_OPTIONS: [(&str, &str); 5] = [
    (
        "--sample-size",
        "set invocations_per_scenario in experiment_config.jsonl instead",
    ),
    (
        "--warm-up-time",
        "the warm-up is exactly one call per scenario",
    ),
    ("--measurement-time", "each sample is exactly one call"),
    (
        "--quick",
        "quick mode repeats calls until the estimate settles",
    ),
    ("--profile-time", "profiling repeats calls for a fixed time"),
];

/// A criterion option refused because it would change how many calls a
/// benchmark makes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{option}` is not supported by this benchmark: {why}")]
pub struct ArgsError {
    /// The option as given (without its `=value`).
    pub option: String,
    /// Why it is refused, and what to do instead.
    pub why: &'static str,
}

/// Parse the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<BenchArgs, ArgsError> {
    let mut parsed = BenchArgs {
        filter: None,
        exact: false,
        mode: BenchMode::Measure,
        save_baseline: None,
        baseline: None,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let name = arg.split('=').next().unwrap_or(&arg).to_string();
        if let Some(&(_, why)) = COST_OPTIONS.iter().find(|(option, _)| *option == name) {
            return Err(ArgsError { option: name, why });
        }
        match name.as_str() {
            "--test" => parsed.mode = BenchMode::Test,
            "--list" => parsed.mode = BenchMode::List,
            "--exact" => parsed.exact = true,
            _ if VALUE_OPTIONS.contains(&name.as_str()) => {
                let value = match arg.split_once('=') {
                    Some((_, value)) => Some(value.to_string()),
                    None => args.next(),
                };
                match (name.as_str(), value) {
                    ("-s" | "--save-baseline", Some(value)) => parsed.save_baseline = Some(value),
                    ("-b" | "--baseline", Some(value)) => parsed.baseline = Some((value, true)),
                    ("--baseline-lenient", Some(value)) => parsed.baseline = Some((value, false)),
                    _ => {}
                }
            }
            _ if arg.starts_with('-') => {}
            _ => {
                if parsed.filter.is_none() {
                    parsed.filter = Some(arg);
                }
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &str) -> Result<BenchArgs, ArgsError> {
        parse(args.split_whitespace().map(str::to_string))
    }

    #[test]
    fn the_filter_is_the_first_free_argument() {
        let a = parse_str("--bench --save-baseline monday nova --color never").unwrap();
        assert_eq!(a.filter.as_deref(), Some("nova"));
        assert_eq!(a.mode, BenchMode::Measure);
        assert_eq!(a.save_baseline.as_deref(), Some("monday"));
        let a = parse_str("--bench --baseline=monday --test").unwrap();
        assert_eq!((a.filter, a.mode), (None, BenchMode::Test));
        assert_eq!(a.baseline, Some(("monday".to_string(), true)));
        let a = parse_str("--list --exact x/y").unwrap();
        assert!(a.exact && a.mode == BenchMode::List);
    }

    #[test]
    fn options_that_change_the_call_count_are_refused() {
        let e = parse_str("--bench --sample-size 50")
            .unwrap_err()
            .to_string();
        assert!(e.contains("invocations_per_scenario"), "{e}");
        assert!(parse_str("--quick").is_err());
        assert!(parse_str("--measurement-time=3").is_err());
    }
}
