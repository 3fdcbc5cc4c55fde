//! Scenario lines whose requests vary per call: lengths as distributions
//! and datasets, with their errors at the dotted field.

use super::tests::{FILE, errors, scenario};
use crate::config::{LengthDistribution, PromptSource, Sampling, TooLong, parse_scenarios};

const MODEL: &str = r#""model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2""#;

#[test]
fn lengths_as_distributions_are_drawn_and_bound_the_worst_case() {
    let s = scenario(&format!(
        r#"{{"synthetic_input_tokens": {{"uniform": {{"min": 10, "max": 90}}}}, "expected_output_tokens": {{"lognormal": {{"p50": 100, "p90": 300, "max": 900}}}}, {MODEL}}}"#
    ));
    assert_eq!(
        s.prompt.source,
        PromptSource::SyntheticDrawn(LengthDistribution::Uniform { min: 10, max: 90 })
    );
    assert!(s.prompt.user_text.is_empty(), "drawn per call");
    assert_eq!(s.expected_output_tokens, 900, "the largest draw");
    assert!(matches!(
        s.output_tokens,
        Some(LengthDistribution::LogNormal { cap: 900, .. })
    ));
    // A whole number stays the fixed form it always was.
    let fixed = scenario(&format!(
        r#"{{"synthetic_input_tokens": 40, "expected_output_tokens": {{"fixed": 30}}, {MODEL}}}"#
    ));
    assert_eq!(
        fixed.prompt.source,
        PromptSource::Synthetic { input_tokens: 40 }
    );
    assert_eq!(
        (fixed.expected_output_tokens, fixed.output_tokens),
        (30, None)
    );
}

#[test]
fn a_bad_distribution_names_its_dotted_field() {
    assert_eq!(
        errors(&format!(
            r#"{{"synthetic_input_tokens": {{"uniform": {{"min": 90, "max": 10}}}}, {MODEL}}}"#
        )),
        [format!(
            "{FILE}:1: field `synthetic_input_tokens.uniform`: expected `min` at most `max`, found min 90 > max 10"
        )]
    );
    assert_eq!(
        errors(&format!(
            r#"{{"text_prompt": "Hi", "expected_output_tokens": {{"normal": {{"mean": 100, "sd": -1}}}}, {MODEL}}}"#
        )),
        [format!(
            "{FILE}:1: field `expected_output_tokens.normal.sd`: expected a positive number, found number -1"
        )]
    );
}

/// A directory with `data.jsonl` holding `text`.
fn dataset_dir(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bb-scenario-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("data.jsonl"), text).expect("write");
    dir
}

#[test]
fn a_dataset_object_is_read_with_its_settings() {
    let dir = dataset_dir("object", "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}\n");
    let line = format!(
        r#"{{"dataset": {{"file": "data.jsonl", "sampling": "random", "too_long": "skip"}}, {MODEL}}}"#
    );
    let loaded = parse_scenarios(&line, FILE, &dir).expect("loads");
    let PromptSource::Dataset(source) = &loaded.value[0].prompt.source else {
        panic!("a dataset: {:?}", loaded.value[0].prompt.source);
    };
    assert_eq!(
        (source.sampling, source.too_long, source.eligible_count()),
        (Sampling::Random, TooLong::Skip, 2)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_dataset_setting_or_file_is_an_error_naming_it() {
    let dir = dataset_dir("bad", "{\"prompt\": \"a\"}\n");
    let parse = |dataset: &str| {
        parse_scenarios(&format!(r#"{{"dataset": {dataset}, {MODEL}}}"#), FILE, &dir)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        parse(r#"{"file": "data.jsonl", "sampling": "sorted"}"#),
        format!(
            "{FILE}:1: field `dataset.sampling`: expected \"sequential\", \"shuffled\" or \"random\", found string \"sorted\""
        )
    );
    assert_eq!(
        parse(r#"{"file": "data.jsonl", "shuffle": true}"#),
        format!(
            "{FILE}:1: field `dataset.shuffle`: expected one of `file`, `format`, `sampling`, `too_long`, `skip_invalid`, found an unknown key"
        )
    );
    assert!(parse(r#"{"format": "sharegpt"}"#).starts_with(&format!(
        "{FILE}:1: field `dataset.file`: expected the path of a dataset file, found none"
    )),);
    let missing = parse(r#""missing.jsonl""#);
    assert!(
        missing.starts_with(&format!(
            "{FILE}:1: field `dataset`: expected a readable dataset of prompts, found \"missing.jsonl\": "
        )),
        "{missing}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_dataset_is_one_prompt_source_among_the_others() {
    let dir = dataset_dir("sources", "{\"prompt\": \"a\"}\n");
    let error = parse_scenarios(
        &format!(r#"{{"dataset": "data.jsonl", "text_prompt": "Hi", {MODEL}}}"#),
        FILE,
        &dir,
    )
    .expect_err("two sources")
    .to_string();
    assert!(
        error.ends_with("found `text_prompt` and `dataset`"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
