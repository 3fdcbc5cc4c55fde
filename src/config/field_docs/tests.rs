//! The tables against the loaders: the same keys, the same defaults.

use super::*;
use std::path::Path;

use crate::config::{
    EXPERIMENT_KEYS, Experiment, PRICE_FILE_KEYS, SCENARIO_KEYS, parse_experiment, parse_scenarios,
};

fn keys(fields: &[FieldDoc]) -> Vec<&'static str> {
    fields.iter().map(|f| f.key).collect()
}

#[test]
fn every_accepted_key_is_documented_once_and_nothing_else() {
    assert_eq!(keys(SCENARIO_FIELDS), SCENARIO_KEYS);
    assert_eq!(keys(EXPERIMENT_FIELDS), EXPERIMENT_KEYS);
    assert_eq!(keys(PRICE_FILE_FIELDS), PRICE_FILE_KEYS);
}

/// The documented default of `key` in `fields`.
fn documented(fields: &[FieldDoc], key: &str) -> Option<&'static str> {
    fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| match f.absent {
            Absent::Default(value) => Some(value),
            _ => None,
        })
}

#[test]
fn documented_defaults_are_the_loaders_defaults() {
    let experiment: Experiment = parse_experiment("{}", "e.jsonl").expect("loads").value;
    let loaded = [
        (
            "sleep_between_invocations",
            experiment
                .sleep_between_invocations
                .as_secs_f64()
                .to_string(),
        ),
        (
            "invocations_per_scenario",
            experiment.invocations_per_scenario.to_string(),
        ),
        (
            "num_parallel_invocations",
            experiment.num_parallel_invocations.to_string(),
        ),
        (
            "num_runs_per_experiment",
            experiment.num_runs_per_experiment.to_string(),
        ),
        ("experiment_name", experiment.experiment_name.clone()),
        ("max_retries", experiment.max_retries.to_string()),
        (
            "call_timeout_s",
            experiment.call_timeout.as_secs_f64().to_string(),
        ),
        ("connection", experiment.connection.to_string()),
        (
            "warmup_invocations",
            experiment.warmup_invocations.to_string(),
        ),
        ("arrival", experiment.load.arrival.to_string()),
        // The gamma shape is 1 / burstiness.
        (
            "burstiness",
            (1.0 / experiment.load.gamma_shape()).to_string(),
        ),
    ];
    let mut checked = Vec::new();
    for (key, value) in &loaded {
        assert_eq!(
            documented(EXPERIMENT_FIELDS, key),
            Some(value.as_str()),
            "{key}"
        );
        checked.push(*key);
    }
    // Every documented default of the experiment is among those checked.
    for field in EXPERIMENT_FIELDS {
        if matches!(field.absent, Absent::Default(_)) {
            assert!(checked.contains(&field.key), "{} is not checked", field.key);
        }
    }
}

#[test]
fn a_scenario_without_its_optional_keys_takes_the_documented_defaults() {
    let line =
        r#"{"model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "text_prompt": "Hi"}"#;
    let loaded = parse_scenarios(line, "s.jsonl", Path::new("")).expect("loads");
    let scenario = &loaded.value[0];
    assert_eq!(
        Some(scenario.expected_output_tokens.to_string().as_str()),
        documented(SCENARIO_FIELDS, "expected_output_tokens")
    );
    assert_eq!(
        Some(scenario.task_type.as_str()),
        documented(SCENARIO_FIELDS, "task_type")
    );
    assert_eq!(
        Some(scenario.weight.to_string().as_str()),
        documented(SCENARIO_FIELDS, "weight")
    );
}

#[test]
fn the_required_keys_are_those_a_line_cannot_do_without() {
    let required: Vec<&str> = SCENARIO_FIELDS
        .iter()
        .filter(|f| f.absent == Absent::Required)
        .map(|f| f.key)
        .collect();
    assert_eq!(required, ["model_id", "region"]);
    let required: Vec<&str> = PRICE_FILE_FIELDS
        .iter()
        .filter(|f| f.absent == Absent::Required)
        .map(|f| f.key)
        .collect();
    assert_eq!(required, ["model", "input", "output"]);
    assert!(
        EXPERIMENT_FIELDS
            .iter()
            .all(|f| f.absent != Absent::Required)
    );
}
