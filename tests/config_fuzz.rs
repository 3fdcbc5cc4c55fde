//! Property tests of the config loaders and the planners: any line, any
//! value, any bytes either load or are refused with errors at real lines,
//! and whatever loads can be planned (`run`, `--dry-run`, `cargo bench`)
//! without a panic, an overflow or an unbounded allocation.

use std::path::Path;
use std::time::Duration;

use bedrock_bench::bench::{BenchMode, calls_per_scenario, sample_size};
use bedrock_bench::config::{
    EXPERIMENT_KEYS, SCENARIO_KEYS, load_experiment, load_scenarios, parse_experiment,
    parse_scenarios,
};
use bedrock_bench::runner::{Schedule, estimated_call_time};
use proptest::prelude::*;

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
    let times = vec![Duration::from_secs_f64(experiment.call_timeout_s); scenarios];
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
            Ok(loaded) => plan(&loaded.value, scenarios, seed),
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
