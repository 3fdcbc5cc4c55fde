//! Tests of a scenario's identifiers (their shapes, labels that cannot
//! start a formula) and of its model against the built-in catalog.

use super::tests::{errors, line, scenario, warnings};

#[test]
fn model_ids_and_regions_must_have_their_shape() {
    let line_with = |model: &str, region: &str| {
        serde_json::json!({"text_prompt": "Hi", "model_id": model, "region": region}).to_string()
    };
    let found = errors(&line_with(
        "=HYPERLINK(\"http://x\",\"click\")",
        "us-east-2",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "scenarios_config.jsonl:1: field `model_id`: expected a Bedrock model id or inference profile id"
        ) && found[0].ends_with("found \"=HYPERLINK(\\\"http://x\\\",\\\"click\\\")\""),
        "{found:?}"
    );
    for region in ["../../etc", "üñí", "us-east-2a", "r"] {
        let found = errors(&line_with("us.amazon.nova-pro-v1:0", region));
        assert_eq!(
            found,
            [format!(
                "scenarios_config.jsonl:1: field `region`: expected an AWS region name: lowercase, such as us-east-1, eu-central-2 or us-gov-west-1, found {}",
                serde_json::to_string(region).expect("json")
            )]
        );
    }
    let found = errors(&line_with("us.amazon.nova-pro-v1:0", "US-EAST-2"));
    assert!(
        found[0].contains("(did you mean \"us-east-2\"?), found \"US-EAST-2\""),
        "{found:?}"
    );
    for (model, region) in [
        ("us.amazon.nova-pro-v1:0", "us-gov-west-1"),
        (
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
            "eu-central-2",
        ),
    ] {
        let loaded = scenario(&line_with(model, region));
        assert_eq!(
            (loaded.model_id.as_str(), loaded.region.as_str()),
            (model, region)
        );
    }
}

#[test]
fn labels_that_would_start_a_spreadsheet_formula_are_refused() {
    for (key, value) in [
        ("scenario_name", "=1+1"),
        ("scenario_name", " @SUM(A1)"),
        ("task_type", "+cmd"),
        ("task_type", "-2"),
    ] {
        let found = errors(&line(&format!(r#""{key}": "{value}""#)));
        assert_eq!(
            found,
            [format!(
                "scenarios_config.jsonl:1: field `{key}`: expected a label that does not start with `=`, `+`, `-` or `@` (a spreadsheet would run the CSV cell as a formula), found \"{value}\""
            )]
        );
    }
    let fine = scenario(&line(
        r#""scenario_name": "a=b", "task_type": "Q&A - short""#,
    ));
    assert_eq!(
        (fine.name.as_str(), fine.task_type.as_str()),
        ("a=b", "Q&A - short")
    );
}

#[test]
fn a_profile_only_model_by_its_base_id_is_an_error_naming_the_profiles() {
    let line_with = |model: &str, region: &str| {
        serde_json::json!({"text_prompt": "Hi", "model_id": model, "region": region}).to_string()
    };
    assert_eq!(
        errors(&line_with(
            "anthropic.claude-sonnet-4-20250514-v1:0",
            "us-east-2"
        )),
        [
            "scenarios_config.jsonl:1: field `model_id`: expected an inference profile id: Bedrock serves Claude Sonnet 4 only through inference profiles (on-demand calls by its base id are refused); call it as us.anthropic.claude-sonnet-4-20250514-v1:0 or global.anthropic.claude-sonnet-4-20250514-v1:0, found \"anthropic.claude-sonnet-4-20250514-v1:0\""
        ]
    );
    let found = errors(&line_with(
        "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",
        "eu-west-1",
    ));
    assert!(
        found[0].contains("call it as eu.anthropic.claude-sonnet-4-20250514-v1:0 or global."),
        "{found:?}"
    );
    // Its profiles, and models served on demand by their base id, load.
    for (model, region) in [
        ("us.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-2"),
        (
            "global.anthropic.claude-sonnet-4-20250514-v1:0",
            "sa-east-1",
        ),
        ("amazon.nova-pro-v1:0", "us-east-1"),
    ] {
        assert!(warnings(&line_with(model, region)).is_empty(), "{model}");
    }
}

#[test]
fn what_the_catalog_does_not_know_or_does_not_list_is_a_warning() {
    let line_with = |model: &str, region: &str, tokens: u32| {
        serde_json::json!({"text_prompt": "Hi", "model_id": model, "region": region,
            "expected_output_tokens": tokens})
        .to_string()
    };
    let unknown = warnings(&line_with("us.acme.new-model-v1:0", "us-east-2", 10));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0].starts_with("scenarios_config.jsonl:1: warning: `model_id` us.acme.new-model-v1:0 is not a model the built-in catalog knows"),
        "{unknown:?}"
    );
    let not_listed = warnings(&line_with(
        "eu.anthropic.claude-opus-4-20250514-v1:0",
        "eu-west-1",
        10,
    ));
    assert_eq!(
        not_listed,
        [
            "scenarios_config.jsonl:1: warning: `model_id` eu.anthropic.claude-opus-4-20250514-v1:0: the built-in catalog lists no eu. inference profile for Claude Opus 4 (it lists us. profiles); Bedrock is likely to refuse the call"
        ]
    );
    let elsewhere = warnings(&line_with("eu.amazon.nova-pro-v1:0", "us-east-2", 10));
    assert_eq!(
        elsewhere,
        [
            "scenarios_config.jsonl:1: warning: `model_id` eu.amazon.nova-pro-v1:0: the built-in catalog does not offer the eu. profile in us-east-2 (it offers us. profiles there); Bedrock is likely to refuse the call"
        ]
    );
    let too_long = warnings(&line_with("us.amazon.nova-pro-v1:0", "us-east-2", 20_000));
    assert_eq!(
        too_long,
        [
            "scenarios_config.jsonl:1: warning: `expected_output_tokens` 20000 is above the largest maxTokens the built-in catalog lists for Nova Pro (10000); Bedrock is likely to refuse the call with a ValidationException"
        ]
    );
}
