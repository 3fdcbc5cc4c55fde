//! Tests of experiment lines, through [`crate::config::parse_experiment`].

use super::*;
use crate::config::{ConfigErrors, Loaded, parse_experiment};

const FILE: &str = "experiment_config.jsonl";

fn parse(text: &str) -> Result<Loaded<Experiment>, ConfigErrors> {
    parse_experiment(text, FILE)
}

fn experiment(text: &str) -> Experiment {
    parse(text)
        .unwrap_or_else(|errors| panic!("should load:\n{errors}"))
        .value
}

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(loaded) => panic!("should not load: {loaded:?}"),
        Err(errors) => errors.into_iter().map(|error| error.to_string()).collect(),
    }
}

/// The single error of a line `{"key": value}`.
fn field_error(key: &str, value: &str) -> String {
    let found = errors(&format!(r#"{{"{key}": {value}}}"#));
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

#[test]
fn default_values() {
    let defaults = Experiment::default();
    assert_eq!(defaults.source, SourceLocation::new("<defaults>", 0));
    assert_eq!(defaults.experiment_name, "bedrock-bench");
    assert_eq!(defaults.sleep_between_invocations, Duration::ZERO);
    assert_eq!(defaults.invocations_per_scenario, 10);
    assert_eq!(defaults.num_parallel_invocations, 1);
    assert_eq!(defaults.num_runs_per_experiment, 1);
    assert_eq!(defaults.temperature, None);
    assert_eq!(defaults.top_p, None);
    assert_eq!(defaults.top_k, None);
    assert_eq!(defaults.target, None);
    assert_eq!(defaults.max_retries, 3);
    assert_eq!(defaults.max_calls, None);
    assert_eq!(defaults.call_timeout, Duration::from_secs(60));
    assert_eq!(defaults.connection, ConnectionMode::Warm);
    assert_eq!(defaults.endpoint_url, None);
    assert_eq!(defaults.warmup_invocations, 0);
}

#[test]
fn absent_fields_take_the_defaults() {
    let loaded = experiment("\n{}\n");
    assert_eq!(
        loaded,
        Experiment {
            source: SourceLocation::new(FILE, 2),
            ..Experiment::default()
        }
    );
    let nulls = experiment(r#"{"temperature": null, "top_k": null, "max_retries": null}"#);
    assert_eq!(
        (nulls.temperature, nulls.top_k, nulls.max_retries),
        (None, None, 3)
    );
}

#[test]
fn every_field_given() {
    let text = r#"{"sleep_between_invocations": 0.5, "invocations_per_scenario": 3,
        "num_parallel_invocations": 2, "num_runs_per_experiment": 4, "temperature": 0.2,
        "top_p": 0.9, "top_k": 40, "experiment_name": "x", "target": "emulator",
        "max_retries": 0, "max_calls": 10000, "max_cost_usd": 2.5, "call_timeout_s": 5,
        "connection": "cold", "endpoint_url": "http://127.0.0.1:4010",
        "warmup_invocations": 2}"#
        .replace('\n', " ");
    let loaded = experiment(&text);
    assert_eq!(
        loaded,
        Experiment {
            source: SourceLocation::new(FILE, 1),
            experiment_name: "x".to_owned(),
            sleep_between_invocations: Duration::from_millis(500),
            invocations_per_scenario: 3,
            num_parallel_invocations: 2,
            num_runs_per_experiment: 4,
            temperature: Some(0.2),
            top_p: Some(0.9),
            top_k: Some(40),
            target: Some(TargetChoice::Emulator),
            max_retries: 0,
            max_calls: Some(10_000),
            max_cost_usd: Some(Cost::from_usd(2.5).expect("dollars")),
            call_timeout: Duration::from_secs_f64(5.0),
            connection: ConnectionMode::Cold,
            endpoint_url: Some("http://127.0.0.1:4010".to_owned()),
            warmup_invocations: 2,
            load: crate::config::Load::default(),
        }
    );
}

#[test]
fn negative_and_zero_counts() {
    for key in [
        "invocations_per_scenario",
        "num_parallel_invocations",
        "num_runs_per_experiment",
        "top_k",
        "max_calls",
    ] {
        for value in ["-1", "0"] {
            assert_eq!(
                field_error(key, value),
                format!(
                    "experiment_config.jsonl:1: field `{key}`: expected a positive integer, found {value}"
                )
            );
        }
    }
    for value in ["-1", "0", "1e-300", "0.0000009", "1000001", "\"5\""] {
        assert!(
            field_error("max_cost_usd", value).starts_with(
                "experiment_config.jsonl:1: field `max_cost_usd`: expected a number of US dollars from 0.000001 to 1000000, found"
            ),
            "{value}"
        );
    }
    assert_eq!(
        experiment(r#"{"max_cost_usd": 0.000001}"#).max_cost_usd,
        Some(Cost::from_picodollars(1_000_000))
    );
    assert_eq!(
        field_error("max_calls", "1000000000001"),
        "experiment_config.jsonl:1: field `max_calls`: expected a positive integer no larger than 1000000000000, found 1000000000001"
    );
    assert_eq!(
        experiment(r#"{"max_calls": 1000000000000}"#).max_calls,
        Some(1_000_000_000_000)
    );
    for key in ["max_retries", "warmup_invocations"] {
        assert_eq!(
            field_error(key, "-2"),
            format!(
                "experiment_config.jsonl:1: field `{key}`: expected a non-negative integer, found -2"
            )
        );
    }
}

#[test]
fn counts_of_the_wrong_kind() {
    assert_eq!(
        field_error("invocations_per_scenario", r#""ten""#),
        "experiment_config.jsonl:1: field `invocations_per_scenario`: \
         expected a positive integer, found string \"ten\""
    );
    assert_eq!(
        field_error("num_parallel_invocations", "2.5"),
        "experiment_config.jsonl:1: field `num_parallel_invocations`: \
         expected a positive integer, found 2.5"
    );
    assert_eq!(
        experiment(r#"{"num_runs_per_experiment": 5.0}"#).num_runs_per_experiment,
        5
    );
}

#[test]
fn temperature_and_top_p_out_of_range() {
    assert_eq!(
        field_error("temperature", "1.5"),
        "experiment_config.jsonl:1: field `temperature`: expected a number from 0 to 1, found 1.5"
    );
    assert_eq!(
        field_error("top_p", "-0.1"),
        "experiment_config.jsonl:1: field `top_p`: expected a number from 0 to 1, found -0.1"
    );
    assert_eq!(
        field_error("temperature", r#""0.7""#),
        "experiment_config.jsonl:1: field `temperature`: \
         expected a number from 0 to 1, found string \"0.7\""
    );
    let bounds = experiment(r#"{"temperature": 0, "top_p": 1}"#);
    assert_eq!((bounds.temperature, bounds.top_p), (Some(0.0), Some(1.0)));
}

#[test]
fn seconds_must_be_in_range() {
    assert_eq!(
        field_error("sleep_between_invocations", "-1"),
        "experiment_config.jsonl:1: field `sleep_between_invocations`: \
         expected a number of seconds from 0 to 86400, found -1"
    );
    for value in ["0", "1e-300", "0.0009", "100000"] {
        assert_eq!(
            field_error("call_timeout_s", value),
            format!(
                "experiment_config.jsonl:1: field `call_timeout_s`: \
                 expected a number of seconds from 0.001 to 86400, found {value}"
            )
        );
    }
    let edges = experiment(r#"{"call_timeout_s": 0.001, "sleep_between_invocations": 86400}"#);
    assert_eq!(
        (edges.call_timeout, edges.sleep_between_invocations),
        (Duration::from_millis(1), Duration::from_secs(86400))
    );
}

#[test]
fn an_experiment_name_that_would_start_a_spreadsheet_formula_is_refused() {
    assert_eq!(
        field_error("experiment_name", r#""=cmd|' /C calc'!A0""#),
        "experiment_config.jsonl:1: field `experiment_name`: expected a label that does not start with `=`, `+`, `-` or `@` (a spreadsheet would run the CSV cell as a formula), found \"=cmd|' /C calc'!A0\""
    );
    assert_eq!(
        experiment(r#"{"experiment_name": "nova = fast"}"#).experiment_name,
        "nova = fast"
    );
}

#[test]
fn string_fields_given_other_types() {
    assert_eq!(
        field_error("experiment_name", "7"),
        "experiment_config.jsonl:1: field `experiment_name`: \
         expected a non-empty string, found number 7"
    );
    assert_eq!(
        field_error("endpoint_url", "[1]"),
        "experiment_config.jsonl:1: field `endpoint_url`: \
         expected a URL starting with http:// or https://, found array [1]"
    );
}

#[test]
fn enum_values_are_checked() {
    assert_eq!(
        field_error("target", r#""cloud""#),
        r#"experiment_config.jsonl:1: field `target`: expected "aws", "emulator" or "auto", found "cloud""#
    );
    assert_eq!(
        field_error("target", r#""AWS""#),
        r#"experiment_config.jsonl:1: field `target`: expected "aws", "emulator" or "auto" (did you mean "aws"?), found "AWS""#
    );
    assert_eq!(
        field_error("connection", r#""hot""#),
        r#"experiment_config.jsonl:1: field `connection`: expected "warm" or "cold", found "hot""#
    );
}

#[test]
fn endpoint_url_needs_a_scheme_and_a_host() {
    for url in ["localhost:4010", "ftp://x", "http://", "http://a b"] {
        assert_eq!(
            field_error("endpoint_url", &format!("\"{url}\"")),
            format!(
                "experiment_config.jsonl:1: field `endpoint_url`: \
                 expected a URL starting with http:// or https://, found \"{url}\""
            )
        );
    }
    let https = experiment(r#"{"endpoint_url": "https://bedrock-runtime.example"}"#);
    assert_eq!(
        https.endpoint_url.as_deref(),
        Some("https://bedrock-runtime.example")
    );
}

#[test]
fn every_error_of_the_line_is_reported() {
    let found = errors(r#"{"invocations_per_scenario": 0, "temperature": 2, "connection": 1}"#);
    assert_eq!(
        found,
        [
            "experiment_config.jsonl:1: field `invocations_per_scenario`: expected a positive integer, found 0",
            "experiment_config.jsonl:1: field `temperature`: expected a number from 0 to 1, found 2",
            r#"experiment_config.jsonl:1: field `connection`: expected "warm" or "cold", found number 1"#,
        ]
    );
}

#[test]
fn empty_file_is_an_error() {
    for text in ["", " \n\n"] {
        assert_eq!(
            errors(text),
            ["experiment_config.jsonl: expected an experiment \
              (a JSON object on the first non-blank line), found an empty file"]
        );
    }
}

#[test]
fn malformed_or_non_object_first_line() {
    assert_eq!(
        errors("\n{\"top_k\": }"),
        ["experiment_config.jsonl:2: expected a JSON object, \
          found malformed JSON (expected value at column 11)"]
    );
    assert_eq!(
        errors("42"),
        ["experiment_config.jsonl:1: expected a JSON object, found number 42"]
    );
}

#[test]
fn further_lines_are_ignored_with_a_warning() {
    let text = "{\"top_k\": 5}\n\nnot even json\n{\"top_k\": 6}\n";
    let loaded = parse(text).unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(loaded.value.top_k, Some(5));
    let found: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "experiment_config.jsonl:3: warning: line ignored: \
             only the first non-blank line of an experiment file is read",
            "experiment_config.jsonl:4: warning: line ignored: \
             only the first non-blank line of an experiment file is read",
        ]
    );
}

#[test]
fn unknown_keys_are_errors_with_or_without_a_suggestion() {
    // A misspelled budget must never leave the run without one.
    assert_eq!(
        errors(r#"{"maxCalls": 5}"#),
        [
            "experiment_config.jsonl:1: field `maxCalls`: expected a known key \
          (did you mean `max_calls`?), found an unknown key"
        ]
    );
    let found = errors(r#"{"model_id": "m"}"#);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(
            "experiment_config.jsonl:1: field `model_id`: expected a known key: \
             `sleep_between_invocations`, "
        ),
        "{found:?}"
    );
}

#[test]
fn counts_have_documented_maximums() {
    let cases = [
        ("invocations_per_scenario", MAX_INVOCATIONS_PER_SCENARIO),
        ("num_parallel_invocations", MAX_PARALLEL_INVOCATIONS),
        ("num_runs_per_experiment", MAX_RUNS_PER_EXPERIMENT),
        ("warmup_invocations", MAX_WARMUP_INVOCATIONS),
        ("max_retries", MAX_RETRIES),
        ("top_k", MAX_TOP_K),
    ];
    for (key, max) in cases {
        let at_max = parse(&format!(r#"{{"{key}": {max}}}"#));
        assert!(at_max.is_ok(), "{key} = {max} is accepted");
        let over = field_error(key, &(u64::from(max) + 1).to_string());
        assert!(
            over.contains(&format!(
                "no larger than {max}, found {}",
                u64::from(max) + 1
            )),
            "{over}"
        );
        let huge = field_error(key, "4294967295");
        assert!(huge.contains(&format!("no larger than {max}")), "{huge}");
    }
}

#[test]
fn a_key_given_twice_is_an_error() {
    assert_eq!(
        errors(r#"{"max_calls": 1, "max_calls": 1000}"#),
        [
            "experiment_config.jsonl:1: field `max_calls`: expected each key once \
          (JSON keeps only the last of repeated keys, silently), found the key more than once"
        ]
    );
}

#[test]
fn enum_text_forms() {
    for target in TargetChoice::ALL {
        assert_eq!(target.to_string().parse::<TargetChoice>(), Ok(target));
    }
    for mode in ConnectionMode::ALL {
        assert_eq!(mode.to_string().parse::<ConnectionMode>(), Ok(mode));
    }
    assert_eq!(TargetChoice::Emulator.to_string(), "emulator");
    assert_eq!(ConnectionMode::Cold.as_str(), "cold");
    assert_eq!(
        "Cold".parse::<ConnectionMode>().map_err(|e| e.to_string()),
        Err(r#"expected "warm" or "cold" (did you mean "cold"?), found "Cold""#.to_owned())
    );
    assert_eq!(
        "x".parse::<TargetChoice>().map_err(|e| e.to_string()),
        Err(r#"expected "aws", "emulator" or "auto", found "x""#.to_owned())
    );
    assert_eq!(ConnectionMode::default(), ConnectionMode::Warm);
}

#[test]
fn the_load_is_closed_by_default() {
    let loaded = experiment("{}");
    assert_eq!(loaded.load, crate::config::Load::default());
    assert_eq!(loaded.load.arrival, crate::config::Arrival::Closed);
}

#[test]
fn open_loop_settings_load() {
    use crate::config::Arrival;
    let e = experiment(
        r#"{"arrival": "gamma", "burstiness": 4, "rate": "1200/min", "duration_s": 60, "max_concurrency": 50}"#,
    );
    assert_eq!(e.load.arrival, Arrival::Gamma);
    assert_eq!(e.load.rate_per_s, Some(20.0));
    assert_eq!(e.load.burstiness, Some(4.0));
    assert_eq!(e.load.gamma_shape(), 0.25);
    assert_eq!(e.load.duration_s, Some(60.0));
    assert_eq!(e.load.max_concurrency, Some(50));
    let e = experiment(r#"{"arrival": "constant", "rate": "5/s", "max_calls": 10}"#);
    assert_eq!(e.load.arrival, Arrival::Constant);
    assert_eq!(e.max_calls, Some(10));
}

#[test]
fn a_sweep_needs_no_rate_concurrency_or_bound_from_the_experiment() {
    use crate::config::{Arrival, ExperimentUse, parse_experiment_for};
    let sweep = |text: &str| parse_experiment_for(text, FILE, ExperimentUse::Sweep);
    for text in [
        r#"{"arrival": "poisson"}"#,
        r#"{"arrival": "gamma", "burstiness": 3}"#,
        r#"{"arrival": "concurrent"}"#,
    ] {
        let loaded = sweep(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(loaded.value.load.arrival != Arrival::Closed);
        assert!(parse(text).is_err(), "run still needs them: {text}");
    }
    // What it gives is checked all the same.
    let errors = sweep(r#"{"arrival": "poisson", "rate": "0/s", "sleep_between_invocations": 1}"#)
        .expect_err("bad rate, closed-loop key")
        .to_string();
    assert!(
        errors.contains("field `rate`") && errors.contains("field `sleep_between_invocations`"),
        "{errors}"
    );
}

#[test]
fn open_loop_errors_name_the_fields() {
    let one = |text: &str| {
        let found = errors(text);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].clone()
    };
    let e = one(r#"{"arrival": "poisson", "duration_s": 10}"#);
    assert!(e.contains("field `rate`") && e.contains("20/s"), "{e}");
    let e = one(r#"{"arrival": "poisson", "rate": "20/s"}"#);
    assert!(
        e.contains("field `duration_s`") && e.contains("max_calls"),
        "{e}"
    );
    let e = one(r#"{"arrival": "poisson", "rate": "20/h", "duration_s": 1}"#);
    assert!(e.contains("field `rate`") && e.contains("\"20/h\""), "{e}");
    let e = one(r#"{"arrival": "poisson", "rate": 20, "duration_s": 1}"#);
    assert!(e.contains("field `rate`"), "{e}");
    let e = one(r#"{"arrival": "constant", "rate": "1/s", "duration_s": 1, "burstiness": 2}"#);
    assert!(
        e.contains("field `burstiness`") && e.contains("gamma"),
        "{e}"
    );
    let e = one(r#"{"rate": "1/s"}"#);
    assert!(
        e.contains("field `rate`") && e.contains("closed loop"),
        "{e}"
    );
    let e = one(r#"{"arrival": "closed", "max_concurrency": 3}"#);
    assert!(e.contains("field `max_concurrency`"), "{e}");
    let e = one(
        r#"{"arrival": "poisson", "rate": "1/s", "duration_s": 1, "num_parallel_invocations": 4}"#,
    );
    assert!(
        e.contains("field `num_parallel_invocations`") && e.contains("closed-loop"),
        "{e}"
    );
    let e = one(r#"{"arrival": "gamma", "rate": "1/s", "duration_s": 1, "burstiness": 0}"#);
    assert!(e.contains("field `burstiness`"), "{e}");
    let e = one(r#"{"arrival": "constant", "rate": "1/s", "duration_s": 86401}"#);
    assert!(e.contains("field `duration_s`"), "{e}");
    for tiny in ["1e-300", "0.0009"] {
        let e = one(&format!(
            r#"{{"arrival": "gamma", "rate": "1/s", "duration_s": {tiny}}}"#
        ));
        assert!(
            e.contains("field `duration_s`") && e.contains("0.001"),
            "{e}"
        );
        let e = one(&format!(
            r#"{{"arrival": "gamma", "rate": "1/s", "duration_s": 1, "burstiness": {tiny}}}"#
        ));
        assert!(
            e.contains("field `burstiness`") && e.contains("0.001"),
            "{e}"
        );
    }
    let e = one(r#"{"arrival": "poisson", "rate": "1e-300/s", "duration_s": 1}"#);
    assert!(e.contains("field `rate`") && e.contains("0.001/s"), "{e}");
    let edges = experiment(
        r#"{"arrival": "gamma", "rate": "0.06/min", "duration_s": 0.001, "burstiness": 1000}"#,
    );
    assert_eq!(edges.load.rate_per_s, Some(0.001));
    let e = one(r#"{"arrival": "constant", "rate": "1/s", "duration_s": 1, "max_concurrency": 0}"#);
    assert!(e.contains("field `max_concurrency`"), "{e}");
    let e = one(r#"{"arrival": "open"}"#);
    assert!(
        e.contains("field `arrival`") && e.contains("\"poisson\""),
        "{e}"
    );
    let e = one(r#"{"arrival": "constant", "arrival": "poisson", "rate": "1/s", "duration_s": 1}"#);
    assert!(e.contains("arrival"), "{e}");
    assert!(e.starts_with("experiment_config.jsonl:1"), "{e}");
}

#[test]
fn a_fixed_concurrency_loads_and_its_errors_name_the_fields() {
    use crate::config::Arrival;
    let e = experiment(r#"{"arrival": "concurrent", "concurrency": 16, "duration_s": 60}"#);
    assert_eq!(e.load.arrival, Arrival::Concurrent);
    assert_eq!(e.load.concurrency, Some(16));
    assert!(!e.load.arrival.is_open() && e.load.arrival.is_load_driven());
    let one = |text: &str| {
        let found = errors(text);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].clone()
    };
    let e = one(r#"{"arrival": "concurrent", "duration_s": 10}"#);
    assert!(
        e.contains("field `concurrency`") && e.contains("required"),
        "{e}"
    );
    let e = one(r#"{"arrival": "concurrent", "concurrency": 4}"#);
    assert!(e.contains("field `duration_s`"), "{e}");
    let e = one(r#"{"arrival": "concurrent", "concurrency": 4, "duration_s": 1, "rate": "1/s"}"#);
    assert!(
        e.contains("field `rate`") && e.contains("concurrent"),
        "{e}"
    );
    let e = one(
        r#"{"arrival": "concurrent", "concurrency": 4, "duration_s": 1, "max_concurrency": 2}"#,
    );
    assert!(e.contains("field `max_concurrency`"), "{e}");
    let e = one(r#"{"arrival": "concurrent", "concurrency": 0, "duration_s": 1}"#);
    assert!(e.contains("field `concurrency`"), "{e}");
    let e = one(r#"{"arrival": "poisson", "rate": "1/s", "duration_s": 1, "concurrency": 3}"#);
    assert!(
        e.contains("field `concurrency`") && e.contains("max_concurrency"),
        "{e}"
    );
    let e = one(r#"{"concurrency": 3}"#);
    assert!(
        e.contains("field `concurrency`") && e.contains("closed loop"),
        "{e}"
    );
    let e =
        one(r#"{"arrival": "concurrent", "concurrency": 2, "duration_s": 1, "max_retries": 2}"#);
    assert!(
        e.contains("field `max_retries`") && e.contains("closed-loop"),
        "{e}"
    );
}
