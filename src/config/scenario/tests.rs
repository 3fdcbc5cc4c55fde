//! Tests of scenario lines, through [`crate::config::parse_scenarios`].

use std::path::Path;

use super::*;
use crate::config::{ConfigErrors, Loaded, PromptSource, parse_scenarios};

pub(super) const FILE: &str = "scenarios_config.jsonl";

/// A valid line, with `extra` JSON members spliced in (may be empty).
pub(super) fn line(extra: &str) -> String {
    let separator = if extra.is_empty() { "" } else { ", " };
    format!(r#"{{"text_prompt": "Hi", "model_id": "m", "region": "us-east-2"{separator}{extra}}}"#)
}

pub(super) fn parse(text: &str) -> Result<Loaded<Vec<Scenario>>, ConfigErrors> {
    parse_scenarios(text, FILE, Path::new("/nonexistent-dir-for-tests"))
}

/// The one scenario of `text`, which must load.
pub(super) fn scenario(text: &str) -> Scenario {
    let loaded = parse(text).unwrap_or_else(|errors| panic!("should load:\n{errors}"));
    assert_eq!(loaded.value.len(), 1);
    loaded.value[0].clone()
}

/// The errors of `text`, which must not load, one string each.
pub(super) fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(loaded) => panic!("should not load: {loaded:?}"),
        Err(errors) => errors.into_iter().map(|error| error.to_string()).collect(),
    }
}

/// The warnings of `text`, which must load.
pub(super) fn warnings(text: &str) -> Vec<String> {
    let loaded = parse(text).unwrap_or_else(|errors| panic!("should load:\n{errors}"));
    loaded.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn defaults_when_optional_fields_are_absent() {
    let scenario = scenario(&line(""));
    assert_eq!(scenario.source, SourceLocation::new(FILE, 1));
    assert_eq!(scenario.model_id, "m");
    assert_eq!(scenario.region, "us-east-2");
    assert_eq!(scenario.performance_config, None);
    assert_eq!(scenario.reported_performance(), PerformanceConfig::Standard);
    assert_eq!(scenario.expected_output_tokens, 100);
    assert_eq!(
        scenario.expected_output_tokens,
        DEFAULT_EXPECTED_OUTPUT_TOKENS
    );
    assert_eq!(scenario.task_type, "Text-Generation");
    assert_eq!(scenario.name, "m/standard@us-east-2");
    assert_eq!(scenario.prompt.user_text, "Hi");
    assert_eq!(scenario.prompt.system, None);
    assert_eq!(scenario.prompt.source, PromptSource::Inline);
}

#[test]
fn all_fields_given() {
    let extra = r#""performance_config": "optimized", "expected_output_tokens": 50.0,
        "task_type": "Chat", "scenario_name": "nova fast", "system_prompt": "Be brief.""#;
    let scenario = scenario(&line(&extra.replace('\n', " ")));
    assert_eq!(
        scenario.performance_config,
        Some(PerformanceConfig::Optimized)
    );
    assert_eq!(
        scenario.reported_performance(),
        PerformanceConfig::Optimized
    );
    assert_eq!(scenario.expected_output_tokens, 50);
    assert_eq!(scenario.task_type, "Chat");
    assert_eq!(scenario.name, "nova fast");
    assert_eq!(scenario.prompt.system.as_deref(), Some("Be brief."));
}

#[test]
fn default_name_uses_the_configured_performance() {
    let scenario = scenario(&line(r#""performance_config": "optimized""#));
    assert_eq!(scenario.name, "m/optimized@us-east-2");
}

#[test]
fn null_means_absent_for_optional_fields() {
    let scenario = scenario(&line(
        r#""performance_config": null, "expected_output_tokens": null, "task_type": null"#,
    ));
    assert_eq!(scenario.performance_config, None);
    assert_eq!(scenario.expected_output_tokens, 100);
    assert_eq!(scenario.task_type, "Text-Generation");
}

#[test]
fn malformed_json_is_reported_with_line_and_column() {
    let text = format!(
        "{}\n\n\n{}\n",
        line(""),
        r#"{"text_prompt": "Hi", "model_id": "m""#
    );
    assert_eq!(
        errors(&text),
        ["scenarios_config.jsonl:4: expected a JSON object, \
          found malformed JSON (EOF while parsing an object at column 37)"]
    );
}

#[test]
fn trailing_garbage_is_malformed_json() {
    let text = format!("{}{{}}", line(""));
    let found = errors(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(
            "scenarios_config.jsonl:1: expected a JSON object, found malformed JSON (trailing characters at column"
        ),
        "{found:?}"
    );
}

#[test]
fn non_object_line_is_an_error() {
    assert_eq!(
        errors(r#"["model_id", "m"]"#),
        [r#"scenarios_config.jsonl:1: expected a JSON object, found array ["model_id","m"]"#]
    );
}

#[test]
fn string_field_given_a_number() {
    let text =
        r#"{"text_prompt": "Hi", "model_id": 42, "region": "us-east-2", "task_type": false}"#;
    assert_eq!(
        errors(text),
        [
            "scenarios_config.jsonl:1: field `model_id`: expected a non-empty string, found number 42",
            "scenarios_config.jsonl:1: field `task_type`: expected a string, found boolean false",
        ]
    );
}

#[test]
fn integer_field_given_a_string() {
    assert_eq!(
        errors(&line(r#""expected_output_tokens": "ten""#)),
        ["scenarios_config.jsonl:1: field `expected_output_tokens`: \
          expected a positive integer, found string \"ten\""]
    );
}

#[test]
fn integer_field_given_a_fraction() {
    assert_eq!(
        errors(&line(r#""expected_output_tokens": 2.5"#)),
        ["scenarios_config.jsonl:1: field `expected_output_tokens`: \
          expected a positive integer, found 2.5"]
    );
}

#[test]
fn negative_and_zero_counts() {
    let text = format!(
        "{}\n{}",
        line(r#""expected_output_tokens": -3"#),
        line(r#""expected_output_tokens": 0"#)
    );
    assert_eq!(
        errors(&text),
        [
            "scenarios_config.jsonl:1: field `expected_output_tokens`: expected a positive integer, found -3",
            "scenarios_config.jsonl:2: field `expected_output_tokens`: expected a positive integer, found 0",
        ]
    );
}

#[test]
fn unknown_performance_config_value() {
    let text = format!(
        "{}\n{}\n{}",
        line(""),
        line(""),
        line(r#""performance_config": "fast""#)
    );
    assert_eq!(
        errors(&text),
        [
            r#"scenarios_config.jsonl:3: field `performance_config`: expected "standard" or "optimized", found "fast""#
        ]
    );
}

#[test]
fn near_miss_performance_config_is_an_error_with_a_suggestion() {
    for value in ["Optimized", "optimised", "OPTIMIZED"] {
        let found = errors(&line(&format!(r#""performance_config": "{value}""#)));
        assert_eq!(
            found,
            [format!(
                "scenarios_config.jsonl:1: field `performance_config`: expected \"standard\" or \
                 \"optimized\" (did you mean \"optimized\"?), found \"{value}\""
            )]
        );
    }
}

#[test]
fn performance_config_of_the_wrong_type() {
    assert_eq!(
        errors(&line(r#""performance_config": true"#)),
        [
            r#"scenarios_config.jsonl:1: field `performance_config`: expected "standard" or "optimized", found boolean true"#
        ]
    );
}

#[test]
fn inference_profile_alias_is_accepted() {
    let scenario = scenario(&line(r#""inference_profile": "optimized""#));
    assert_eq!(
        scenario.performance_config,
        Some(PerformanceConfig::Optimized)
    );
    let both = scenario_with_both("standard", "standard");
    assert_eq!(both.performance_config, Some(PerformanceConfig::Standard));
}

fn scenario_with_both(primary: &str, alias: &str) -> Scenario {
    scenario(&line(&format!(
        r#""performance_config": "{primary}", "inference_profile": "{alias}""#
    )))
}

#[test]
fn alias_conflict_names_both_fields() {
    let text = line(r#""performance_config": "optimized", "inference_profile": "standard""#);
    assert_eq!(
        errors(&text),
        [
            "scenarios_config.jsonl:1: field `inference_profile`: expected the same value as \
          `performance_config` (it is an alias of it) or no value, \
          found \"standard\" while `performance_config` is \"optimized\""
        ]
    );
}

#[test]
fn missing_required_fields() {
    assert_eq!(
        errors(r#"{"text_prompt": "Hi"}"#),
        [
            "scenarios_config.jsonl:1: field `model_id`: expected a non-empty string, \
             found nothing (the field is required)",
            "scenarios_config.jsonl:1: field `region`: expected a non-empty string, \
             found nothing (the field is required)",
        ]
    );
    assert_eq!(
        errors(r#"{"text_prompt": "Hi", "model_id": "", "region": null}"#),
        [
            "scenarios_config.jsonl:1: field `model_id`: expected a non-empty string, found \"\"",
            "scenarios_config.jsonl:1: field `region`: expected a non-empty string, found null",
        ]
    );
}

#[test]
fn missing_required_field_points_at_its_misspelling() {
    assert_eq!(
        errors(r#"{"text_prompt": "Hi", "modelId": "m", "region": "us-east-2"}"#),
        [
            "scenarios_config.jsonl:1: field `modelId`: expected a known key \
          (did you mean `model_id`?), found an unknown key",
            "scenarios_config.jsonl:1: field `model_id`: expected a non-empty string, \
          found nothing (the field is required)"
        ]
    );
}

#[test]
fn no_prompt_source() {
    assert_eq!(
        errors(r#"{"model_id": "m", "region": "us-east-2"}"#),
        [
            "scenarios_config.jsonl:1: expected one of `text_prompt`, `prompt_file`, \
          `synthetic_input_tokens` or `dataset`, found none of them"
        ]
    );
    assert_eq!(
        errors(r#"{"text_promt": "Hi", "model_id": "m", "region": "us-east-2"}"#),
        [
            "scenarios_config.jsonl:1: field `text_promt`: expected a known key \
          (did you mean `text_prompt`?), found an unknown key",
            "scenarios_config.jsonl:1: expected one of `text_prompt`, `prompt_file`, \
          `synthetic_input_tokens` or `dataset`, found none of them"
        ]
    );
}

#[test]
fn two_prompt_sources() {
    assert_eq!(
        errors(&line(r#""synthetic_input_tokens": 100"#)),
        [
            "scenarios_config.jsonl:1: expected only one of `text_prompt`, `prompt_file`, \
          `synthetic_input_tokens` or `dataset`, found `text_prompt` and `synthetic_input_tokens`"
        ]
    );
}

#[test]
fn empty_text_prompt() {
    assert_eq!(
        errors(r#"{"text_prompt": "", "model_id": "m", "region": "us-east-2"}"#),
        ["scenarios_config.jsonl:1: field `text_prompt`: expected a non-empty string, found \"\""]
    );
}

#[test]
fn missing_prompt_file_is_an_error_on_its_line() {
    let text = format!(
        "{}\n{}",
        line(""),
        r#"{"prompt_file": "nope.txt", "model_id": "m", "region": "us-east-2"}"#
    );
    let found = errors(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(
            "scenarios_config.jsonl:2: field `prompt_file`: expected a readable regular UTF-8 \
             text file of at most 16 MiB (16777216 bytes), found \"nope.txt\" \
             (/nonexistent-dir-for-tests/nope.txt): "
        ),
        "{found:?}"
    );
}

#[test]
fn synthetic_prompt_has_the_requested_length() {
    let scenario =
        scenario(r#"{"synthetic_input_tokens": 1000, "model_id": "m", "region": "us-east-2"}"#);
    assert_eq!(
        bedrock_catalog::tokens::estimate_tokens(&scenario.prompt.user_text),
        1000
    );
    assert_eq!(
        scenario.prompt.source,
        PromptSource::Synthetic { input_tokens: 1000 }
    );
    assert_eq!(
        scenario.prompt.user_text,
        bedrock_catalog::tokens::synthetic_prompt(1000)
    );
}

#[test]
fn empty_file_is_an_error() {
    for text in ["", "\n", "  \n\t\n\r\n"] {
        assert_eq!(
            errors(text),
            ["scenarios_config.jsonl: expected at least one scenario, found none"]
        );
    }
}

#[test]
fn every_error_of_the_file_is_reported_and_nothing_loads() {
    let text = [
        line(""),
        "{not json".to_owned(),
        line(r#""performance_config": "fast", "expected_output_tokens": 0"#),
        String::new(),
        r#"{"text_prompt": "Hi"}"#.to_owned(),
        line(""),
    ]
    .join("\n");
    let found = errors(&text);
    let locations: Vec<&str> = found
        .iter()
        .map(|error| error.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        locations,
        [
            "scenarios_config.jsonl:2",
            "scenarios_config.jsonl:3",
            "scenarios_config.jsonl:3",
            "scenarios_config.jsonl:5",
            "scenarios_config.jsonl:5",
        ]
    );
    assert!(found[1].contains("field `performance_config`"), "{found:?}");
    assert!(
        found[2].contains("field `expected_output_tokens`"),
        "{found:?}"
    );
    assert!(found[3].contains("field `model_id`"), "{found:?}");
    assert!(found[4].contains("field `region`"), "{found:?}");
}

#[test]
fn blank_lines_count_and_crlf_and_bom_are_accepted() {
    let text = format!("\u{feff}\r\n{}\r\n\r\n{}\r\n", line(""), line(""));
    let loaded = parse(&text).unwrap_or_else(|errors| panic!("{errors}"));
    let lines: Vec<usize> = loaded.value.iter().map(|s| s.source.line).collect();
    assert_eq!(lines, [2, 4]);
}

#[test]
fn misspelled_performance_config_is_an_error() {
    let text = format!(
        "{}\n{}",
        line(""),
        line(r#""performance_conifg": "optimized""#)
    );
    assert_eq!(
        errors(&text),
        [
            "scenarios_config.jsonl:2: field `performance_conifg`: expected a known key \
          (did you mean `performance_config`?), found an unknown key"
        ]
    );
}

#[test]
fn repeated_keys_and_control_characters_are_errors() {
    let repeated = errors(&line(r#""model_id": "other""#));
    assert_eq!(
        repeated,
        [
            "scenarios_config.jsonl:1: field `model_id`: expected each key once \
          (JSON keeps only the last of repeated keys, silently), found the key more than once"
        ]
    );
    let escaped =
        errors(r#"{"text_prompt": "Hi", "model_id": "m\n\u001b[2J", "region": "us-east-2"}"#);
    assert_eq!(escaped.len(), 1, "{escaped:?}");
    assert!(
        escaped[0].starts_with(
            "scenarios_config.jsonl:1: field `model_id`: expected a non-empty string \
             without control characters, found U+000A at character 2"
        ),
        "{escaped:?}"
    );
    // Prompts may hold line breaks and tabs.
    let multi = scenario(
        r#"{"text_prompt": "Summarize:\n\tpoint", "model_id": "m", "region": "us-east-2"}"#,
    );
    assert_eq!(multi.prompt.user_text, "Summarize:\n\tpoint");
}

#[test]
fn a_line_that_is_not_utf8_is_reported_at_its_line() {
    let mut bytes = line("").into_bytes();
    bytes.extend_from_slice(
        b"\n{\"text_prompt\": \"caf\xE9\", \"model_id\": \"m\", \"region\": \"us-east-2\"}\n",
    );
    let errors: Vec<String> =
        match super::super::parse_scenarios_bytes(&bytes, FILE, Path::new("/nonexistent")) {
            Ok(loaded) => panic!("should not load: {loaded:?}"),
            Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
        };
    assert_eq!(
        errors,
        [
            "scenarios_config.jsonl:2: expected UTF-8 text, found the byte 0xE9 at byte 21 of the line, which is not UTF-8"
        ]
    );
}

#[test]
fn unknown_key_without_a_close_match_lists_the_known_keys() {
    let found = errors(&line(r#""colour": "blue""#));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0],
        format!(
            "scenarios_config.jsonl:1: field `colour`: expected a known key: {}, found an unknown key",
            SCENARIO_KEYS
                .iter()
                .map(|key| format!("`{key}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
}

#[test]
fn optimized_where_the_table_does_not_offer_it_warns_with_the_line() {
    let offered = r#"{"text_prompt": "Hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-1", "performance_config": "optimized"}"#;
    let wrong_region = r#"{"text_prompt": "Hi", "model_id": "us.meta.llama3-1-405b-instruct-v1:0", "region": "us-west-2", "performance_config": "optimized"}"#;
    let standard_anywhere = r#"{"text_prompt": "Hi", "model_id": "us.meta.llama3-1-405b-instruct-v1:0", "region": "us-west-2"}"#;
    let found = warnings(&format!("{offered}\n{wrong_region}\n{standard_anywhere}"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "scenarios_config.jsonl:2: warning: `performance_config` \"optimized\": latency-optimized Llama 3.1 405B Instruct is listed in us-east-2 only, not in us-west-2"
        ),
        "{}",
        found[0]
    );
}

#[test]
fn weight_defaults_to_one_and_is_a_positive_integer() {
    let base = r#""model_id": "m", "region": "us-east-1", "text_prompt": "hi""#;
    assert_eq!(scenario(&format!("{{{base}}}")).weight, 1);
    assert_eq!(scenario(&format!(r#"{{{base}, "weight": 3}}"#)).weight, 3);
    for bad in ["0", "1.5", "\"2\"", "1000001"] {
        let text = format!(r#"{{{base}, "weight": {bad}}}"#);
        let errors = parse_scenarios(&text, "s.jsonl", Path::new("."))
            .expect_err("a bad weight")
            .to_string();
        assert!(errors.contains("field `weight`"), "{errors}");
    }
}
