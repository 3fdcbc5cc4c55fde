//! Property tests of the config loaders and the planners: any line, any
//! value, any bytes either load or are refused with errors at real lines,
//! and whatever loads can be planned (`run`, `--dry-run`, `cargo bench`)
//! without a panic, an overflow or an unbounded allocation; the
//! `bedrock-bench` binary's dry runs (`run` and `sweep`), given any
//! experiment, any numeric flag and any time scale, end with a status of
//! 0, 1 or 2 and never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bedrock_bench::bench::{BenchMode, calls_per_scenario, sample_size};
use bedrock_bench::config::TargetChoice;
use bedrock_bench::config::{
    EXPERIMENT_KEYS, MAX_TIME_SCALE, SCENARIO_KEYS, Scenario, load_experiment, load_scenarios,
    parse_experiment, parse_scenarios,
};
use bedrock_bench::plan::{Limit, PlanInput, Schedule, Shard, estimated_call_time, human_duration};
use bedrock_catalog::prices::Cost;
use proptest::prelude::*;

mod isolation;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

/// A number's text at every magnitude: tiny, huge, negative, zero, at
/// and beyond the edges of the accepted ranges.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e-300".to_string()),
        Just("1e300".to_string()),
        Just("0.001".to_string()),
        Just("0.0009".to_string()),
        Just("86400".to_string()),
        Just("3600".to_string()),
        Just("10000".to_string()),
        Just("1000000".to_string()),
        Just("1000000000000".to_string()),
        Just("18446744073709551615".to_string()),
        (-20i32..20, 1u32..100).prop_map(|(exponent, mantissa)| format!("{mantissa}e{exponent}")),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
    ]
}

/// A `rate` value: a number per second or per minute.
fn rate_text() -> impl Strategy<Value = String> {
    (
        number_text(),
        prop::sample::select(&["/s", "/min", "/h", ""][..]),
    )
        .prop_map(|(number, unit)| format!("{number}{unit}"))
}

/// A JSON value as text: numbers at and beyond every edge, strings with
/// control characters and escapes, nested arrays and objects.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        prop_oneof![
            Just(0u64),
            Just(1),
            Just(10),
            Just(1_000_000),
            Just(u64::from(u32::MAX)),
            Just(u64::from(u32::MAX) + 1),
        ]
        .prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        Just("1e400".to_string()),
        Just("-0.0".to_string()),
        Just("86400.000001".to_string()),
        Just("1e-300".to_string()),
        rate_text().prop_map(|rate| serde_json::to_string(&rate).unwrap_or_default()),
        "\\PC{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        prop::collection::vec(any::<char>(), 0..8).prop_map(|chars| {
            serde_json::to_string(&chars.into_iter().collect::<String>()).unwrap_or_default()
        }),
        prop_oneof![
            Just("standard"),
            Just("optimized"),
            Just("aws"),
            Just("emulator"),
            Just("auto"),
            Just("warm"),
            Just("cold"),
            Just("us.amazon.nova-pro-v1:0"),
            Just("http://127.0.0.1:9"),
            Just("closed"),
            Just("constant"),
            Just("poisson"),
            Just("gamma"),
            Just("concurrent"),
            Just("a\u{1b}[31m"),
        ]
        .prop_map(|s| serde_json::to_string(s).unwrap_or_default()),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z]{1,4}", inner), 0..4).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// One JSON object line with keys drawn mostly from `known` (repeats
/// possible) and some unknown ones.
fn object_line(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    let key = prop_oneof![
        8 => prop::sample::select(known).prop_map(str::to_string),
        1 => "[a-zA-Z_]{1,12}",
    ];
    prop::collection::vec((key, json_value()), 0..10).prop_map(|members| {
        let members: Vec<String> = members
            .into_iter()
            .map(|(k, v)| format!("{}: {v}", serde_json::to_string(&k).unwrap_or_default()))
            .collect();
        format!("{{{}}}", members.join(", "))
    })
}

/// Plan everything a loaded experiment allows, for `scenarios` scenarios.
fn plan(experiment: &bedrock_bench::config::Experiment, scenarios: usize, seed: u64) {
    let schedule = Schedule::new(scenarios, experiment, seed);
    let planned = schedule.planned_calls();
    assert!(schedule.max_calls_with_retries(experiment.max_retries) >= planned);
    assert!(schedule.active_workers() >= 1);
    let times = vec![experiment.call_timeout; scenarios];
    let _ = schedule.estimate(&times);
    let listing = schedule.describe(&[]);
    assert!(listing.lines().count() <= 11, "the listing is bounded");
    for run in 0..schedule.runs.min(3) {
        assert_eq!(schedule.order(run).len(), scenarios);
    }
    let (samples, _) = sample_size(experiment);
    for mode in [BenchMode::Measure, BenchMode::Test, BenchMode::List] {
        let per_scenario = calls_per_scenario(samples, mode);
        assert!(per_scenario.checked_mul(scenarios).is_some());
    }
}

/// Every step of `run --dry-run` that the library does, for `experiment`
/// and the scenarios of a small file, with the given budgets and shard,
/// at every time scale from the floor to the ceiling.
fn dry_run(
    experiment: &bedrock_bench::config::Experiment,
    scenarios: Vec<Scenario>,
    flags: (Option<u64>, Option<f64>, Option<Shard>),
    seed: u64,
) {
    let (max_calls, max_cost_usd, shard) = flags;
    let plan = PlanInput::new(scenarios, experiment.clone())
        .seed(seed)
        .shard(shard)
        .max_calls(max_calls.map(|max| Limit::new(max, "--max-calls")))
        .max_cost(
            max_cost_usd
                .and_then(|usd| Cost::from_usd(usd).ok())
                .map(|max| Limit::new(max, "--max-cost")),
        )
        .build();
    let _ = plan.check();
    for scale in [0.0, 1.0, MAX_TIME_SCALE] {
        let _ = plan.describe(TargetChoice::Auto, scale);
        let times: Vec<Duration> = plan
            .scenarios
            .iter()
            .map(|s| estimated_call_time(s, scale))
            .collect();
        let _ = human_duration(plan.schedule.estimate(&times));
    }
    let schedule = &plan.schedule;
    let options = &plan;
    let listing = schedule.describe(&options.scenarios);
    assert!(listing.lines().count() < 200, "the listing is bounded");
}

/// The scenarios of the dry runs: two models, weights 1 and 3.
const SCENARIOS: &str = "{\"text_prompt\": \"hi\", \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\"}\n{\"text_prompt\": \"hi\", \"model_id\": \"us.anthropic.claude-3-5-haiku-20241022-v1:0\", \"region\": \"us-east-2\", \"weight\": 3, \"expected_output_tokens\": 1000000}\n";

/// A directory of this test process for the binary's dry runs.
fn dry_run_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bb-config-fuzz-dry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("s.jsonl"), SCENARIOS).expect("scenarios");
    dir
}

/// `bedrock-bench <args>` with the experiment `line`, `BEDROCK_BENCH_TIME_SCALE`
/// set to `time_scale`, isolated from AWS: its exit status and stderr.
fn binary_dry_run(
    dir: &Path,
    line: &str,
    time_scale: &str,
    args: &[String],
) -> (Option<i32>, String) {
    let experiment = dir.join("e.jsonl");
    std::fs::write(&experiment, line).expect("experiment");
    let mut command = Command::new(BIN);
    isolation::isolated(&mut command, dir)
        .args(args)
        .arg("--scenarios")
        .arg(dir.join("s.jsonl"))
        .arg("--experiment")
        .arg(&experiment)
        .arg("--out")
        .arg(dir.join("out"))
        .arg("--dry-run")
        .env("BEDROCK_BENCH_TIME_SCALE", time_scale);
    let output = command.output().expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `"key": value` members for the keys of an experiment that loads:
/// every value at the floor or the ceiling of its range, or in between.
fn accepted_experiment() -> impl Strategy<Value = String> {
    fn pick(values: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        prop::sample::select(values)
    }
    let budgets = (
        pick(&["", "1", "1000000000000", "500"]),
        pick(&["", "0.000001", "1000000", "2.5"]),
        pick(&["1", "10000", "2"]),
    );
    let closed = (
        pick(&["1", "1000000", "10"]),
        pick(&["1", "10000", "4"]),
        pick(&["0", "0.001", "86400"]),
        pick(&["0", "1000"]),
        pick(&["0", "100"]),
        pick(&["0.001", "86400", "60"]),
    )
        .prop_map(|(invocations, workers, sleep, warmups, retries, timeout)| {
            format!(
                "\"invocations_per_scenario\": {invocations}, \"num_parallel_invocations\": {workers}, \"sleep_between_invocations\": {sleep}, \"warmup_invocations\": {warmups}, \"max_retries\": {retries}, \"call_timeout_s\": {timeout}"
            )
        });
    let open = (
        pick(&["constant", "poisson", "gamma"]),
        pick(&["0.001/s", "0.06/min", "10000/s", "600000/min", "1/s"]),
        pick(&["0.001", "1000", "1"]),
        pick(&["0.001", "86400", "30"]),
        pick(&["", "1", "100000"]),
    )
        .prop_map(|(arrival, rate, burstiness, duration, cap)| {
            let burstiness = if arrival == "gamma" {
                format!(", \"burstiness\": {burstiness}")
            } else {
                String::new()
            };
            let cap = if cap.is_empty() {
                String::new()
            } else {
                format!(", \"max_concurrency\": {cap}")
            };
            format!(
                "\"arrival\": \"{arrival}\", \"rate\": \"{rate}\", \"duration_s\": {duration}{burstiness}{cap}"
            )
        });
    let concurrent = (pick(&["1", "100000", "8"]), pick(&["0.001", "86400", "5"])).prop_map(
        |(users, duration)| {
            format!(
                "\"arrival\": \"concurrent\", \"concurrency\": {users}, \"duration_s\": {duration}"
            )
        },
    );
    (prop_oneof![closed, open, concurrent], budgets).prop_map(|(load, (calls, cost, runs))| {
        let mut members = vec![load, format!("\"num_runs_per_experiment\": {runs}")];
        if !calls.is_empty() {
            members.push(format!("\"max_calls\": {calls}"));
        }
        if !cost.is_empty() {
            members.push(format!("\"max_cost_usd\": {cost}"));
        }
        format!("{{{}}}", members.join(", "))
    })
}

/// A flag at the floor or the ceiling of its range (or past them), or
/// none.
fn edge_flag(
    name: &'static str,
    values: &'static [&'static str],
) -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        1 => Just(Vec::new()),
        3 => prop::sample::select(values).prop_map(move |value| vec![format!("--{name}={value}")]),
    ]
}

/// A flag with a number at any magnitude, or none.
fn flag(name: &'static str) -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        1 => Just(Vec::new()),
        3 => number_text().prop_map(move |value| vec![format!("--{name}={value}")]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_experiment_line_loads_or_is_refused_at_its_line(
        line in object_line(EXPERIMENT_KEYS),
        scenarios in 1usize..40,
        seed in any::<u64>(),
    ) {
        let text = format!("\n{line}\n");
        match parse_experiment(&text, "e.jsonl") {
            Ok(loaded) => {
                plan(&loaded.value, scenarios, seed);
                let files = parse_scenarios(SCENARIOS, "s.jsonl", Path::new("/nonexistent-dir"))
                    .expect("the fuzz's scenarios load");
                let shard = Shard::new(1, 3).ok();
                for flags in [(None, None, None), (Some(1_000_000_000_000), Some(1e6), shard), (Some(1), Some(0.000001), None)] {
                    dry_run(&loaded.value, files.value.clone(), flags, seed);
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in &errors {
                    prop_assert_eq!(error.location.line, 2, "{}", error);
                }
            }
        }
    }

    #[test]
    fn any_scenario_line_loads_or_is_refused_at_its_line(
        lines in prop::collection::vec(object_line(SCENARIO_KEYS), 1..4),
    ) {
        let text = lines.join("\n");
        match parse_scenarios(&text, "s.jsonl", Path::new("/nonexistent-dir")) {
            Ok(loaded) => {
                prop_assert_eq!(loaded.value.len(), lines.len());
                for scenario in &loaded.value {
                    prop_assert!(!scenario.model_id.chars().any(char::is_control));
                    prop_assert!(!scenario.region.chars().any(char::is_control));
                    prop_assert!(scenario.expected_output_tokens >= 1);
                    let _ = estimated_call_time(scenario, 1.0);
                }
            }
            Err(errors) => {
                for error in &errors {
                    prop_assert!((1..=lines.len()).contains(&error.location.line), "{}", error);
                }
            }
        }
    }

    #[test]
    fn any_bytes_never_panic_a_loader(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_experiment(&text, "e.jsonl");
        let _ = parse_scenarios(&text, "s.jsonl", Path::new("/nonexistent-dir"));
        // The raw bytes through the file loaders (not UTF-8 included).
        let path = std::env::temp_dir().join(format!("bb-config-fuzz-{}.jsonl", std::process::id()));
        std::fs::write(&path, &bytes).expect("temp file");
        if let Err(errors) = load_experiment(&path) {
            prop_assert!(!errors.is_empty());
        }
        if let Err(errors) = load_scenarios(&path) {
            let lines = bytes.split(|b| *b == b'\n').count();
            for error in &errors {
                prop_assert!(error.location.line <= lines, "{}", error);
            }
        }
        let _ = std::fs::remove_file(&path);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The binary's dry runs never panic: any experiment line (most of
    /// them refused at load, status 1), any `--max-calls`, `--max-cost`,
    /// `--step-duration` or `--pause` (refused by clap with the flag's
    /// name, status 2), any `BEDROCK_BENCH_TIME_SCALE` (refused naming
    /// it, status 1).
    #[test]
    fn the_binarys_dry_runs_never_panic_on_any_value(
        line in object_line(EXPERIMENT_KEYS),
        time_scale in prop_oneof![number_text(), Just("1".to_string())],
        max_calls in flag("max-calls"),
        max_cost in flag("max-cost"),
        step in flag("step-duration"),
        pause in flag("pause"),
        seed in any::<u64>(),
    ) {
        check_binary_dry_runs(&line, &time_scale, [max_calls, max_cost, step, pause], seed)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The binary's dry runs of accepted values, at the floors and
    /// ceilings of every range, plan without a panic (status 0, or 1
    /// when a budget refuses the plan).
    #[test]
    fn the_binarys_dry_runs_plan_every_accepted_value(
        line in accepted_experiment(),
        time_scale in prop::sample::select(&["0", "0.001", "1", "100"][..]),
        max_calls in edge_flag("max-calls", &["1", "1000000000000"]),
        max_cost in edge_flag("max-cost", &["0.000001", "1000000"]),
        step in edge_flag("step-duration", &["0.001", "3600"]),
        pause in edge_flag("pause", &["0", "3600"]),
        seed in any::<u64>(),
    ) {
        prop_assert!(parse_experiment(&line, "e.jsonl").is_ok(), "{line}");
        let statuses = check_binary_dry_runs(&line, time_scale, [max_calls, max_cost, step, pause], seed)?;
        for (status, stderr) in statuses {
            prop_assert!(matches!(status, Some(0 | 1)), "{line}: {status:?}\n{stderr}");
            prop_assert!(stderr.contains("dry run: no call was made") || stderr.contains("error:"), "{stderr}");
        }
    }
}

/// `run --dry-run` and `sweep --dry-run` of `line` with the given flags
/// (`--max-calls`, `--max-cost` for both; `--step-duration`, `--pause`
/// for the sweep): each ends with a status of 0, 1 or 2, never a panic.
/// Their statuses and stderr.
fn check_binary_dry_runs(
    line: &str,
    time_scale: &str,
    [max_calls, max_cost, step, pause]: [Vec<String>; 4],
    seed: u64,
) -> Result<Vec<(Option<i32>, String)>, TestCaseError> {
    let dir = dry_run_dir();
    let common: Vec<String> = ["--target", "emulator", "--seed", &seed.to_string()]
        .into_iter()
        .map(str::to_string)
        .chain(max_calls)
        .chain(max_cost)
        .collect();
    let run: Vec<String> = std::iter::once("run".to_string())
        .chain(common.clone())
        .collect();
    let sweep: Vec<String> = ["sweep", "--rates", "1/s..8/s"]
        .into_iter()
        .map(str::to_string)
        .chain(common)
        .chain(step)
        .chain(pause)
        .collect();
    let mut statuses = Vec::new();
    for args in [run, sweep] {
        let (status, stderr) = binary_dry_run(&dir, line, time_scale, &args);
        prop_assert!(
            matches!(status, Some(0..=2)),
            "{args:?} with {line} at time scale {time_scale}: status {status:?}\n{stderr}"
        );
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
        statuses.push((status, stderr));
    }
    Ok(statuses)
}
