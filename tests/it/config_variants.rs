//! The variant fields of a scenario line (service tier, prompt cache,
//! reasoning budget, tools, additional request fields): what loads, what
//! is refused with file:line and field, what is only a warning, and what
//! each setting puts in the request.

use std::path::Path;

use aws_sdk_bedrockruntime::types::{
    ContentBlock, ServiceTierType, SystemContentBlock, Tool, ToolChoice,
};
use aws_smithy_types::Document;
use bedrock_bench::call::CallSpec;
use bedrock_bench::config::{
    CachePlacement, CacheTtl, Experiment, Scenario, ToolChoiceSetting, load_configs,
    parse_experiment, parse_scenarios,
};
use bedrock_catalog::ServiceTier;

const FILE: &str = "scenarios.jsonl";
const CLAUDE: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";
const NOVA: &str = "us.amazon.nova-pro-v1:0";

fn line(model: &str, extra: &str) -> String {
    format!(
        r#"{{"text_prompt": "Hi", "model_id": "{model}", "region": "us-east-1", "expected_output_tokens": 4096, {extra}}}"#
    )
}

fn scenario(text: &str) -> (Scenario, Vec<String>) {
    let loaded = parse_scenarios(text, FILE, Path::new("."))
        .unwrap_or_else(|errors| panic!("should load:\n{errors}"));
    let warnings = loaded.warnings.iter().map(ToString::to_string).collect();
    (loaded.value[0].clone(), warnings)
}

fn errors(text: &str) -> String {
    match parse_scenarios(text, FILE, Path::new(".")) {
        Ok(loaded) => panic!("should not load: {:?}", loaded.value),
        Err(errors) => errors.to_string(),
    }
}

fn experiment() -> Experiment {
    parse_experiment("{}", "experiment.jsonl")
        .expect("empty experiment")
        .value
}

#[test]
fn a_service_tier_is_sent_and_named_in_the_scenario() {
    let (scenario, warnings) = scenario(&line(NOVA, r#""service_tier": "priority""#));
    assert_eq!(scenario.variant.service_tier, Some(ServiceTier::Priority));
    assert_eq!(scenario.name, format!("{NOVA}/standard+priority@us-east-1"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let parts = CallSpec::from_scenario(&scenario, &experiment()).to_request_parts();
    assert_eq!(
        parts.service_tier.map(|tier| tier.r#type().clone()),
        Some(ServiceTierType::Priority)
    );
    let text = errors(&line(CLAUDE, r#""service_tier": "turbo""#));
    assert!(
        text.contains("scenarios.jsonl:1: field `service_tier`: expected \"priority\", \"default\", \"flex\" or \"reserved\", found \"turbo\""),
        "{text}"
    );
}

#[test]
fn a_tier_the_catalog_does_not_list_is_a_warning() {
    let (_, warnings) = scenario(&line(
        "us.meta.llama3-1-70b-instruct-v1:0",
        r#""service_tier": "reserved""#,
    ));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("service_tier"), "{warnings:?}");
}

#[test]
fn a_system_cache_point_follows_the_shared_prefix_and_the_system_prompt() {
    let (scenario, _) = scenario(&line(
        CLAUDE,
        r#""system_prompt": "Be brief.", "prompt_cache": {"ttl": "1h", "shared_prefix_tokens": 1500}"#,
    ));
    let cache = scenario.variant.prompt_cache.clone().expect("cache set");
    assert_eq!(
        (cache.at, cache.ttl),
        (CachePlacement::System, Some(CacheTtl::OneHour))
    );
    assert!(
        scenario.name.contains("+cache:read+ttl1h"),
        "{}",
        scenario.name
    );
    let parts = CallSpec::from_scenario(&scenario, &experiment()).to_request_parts();
    let system = parts.system.expect("system blocks");
    assert_eq!(system.len(), 3);
    assert!(matches!(&system[0], SystemContentBlock::Text(text) if text == &cache.prefix));
    assert!(matches!(&system[1], SystemContentBlock::Text(text) if text == "Be brief."));
    let SystemContentBlock::CachePoint(point) = &system[2] else {
        panic!("a cache point last: {system:?}");
    };
    assert_eq!(point.ttl().map(|ttl| ttl.as_str()), Some("1h"));
}

#[test]
fn a_message_cache_point_sits_between_the_prefix_and_the_question() {
    let (scenario, _) = scenario(&line(
        CLAUDE,
        r#""prompt_cache": {"at": "messages", "shared_prefix_tokens": 1200}"#,
    ));
    let parts = CallSpec::from_scenario(&scenario, &experiment()).to_request_parts();
    let content = parts.messages[0].content();
    assert_eq!(content.len(), 3);
    assert!(matches!(&content[1], ContentBlock::CachePoint(_)));
    assert!(matches!(&content[2], ContentBlock::Text(text) if text == "Hi"));
    assert!(parts.system.is_none());
}

#[test]
fn cache_settings_that_cannot_work_are_refused_or_warned() {
    let text = errors(&line(CLAUDE, r#""prompt_cache": {}"#));
    assert!(
        text.contains("field `prompt_cache`: expected something to cache"),
        "{text}"
    );
    let text = errors(&line(CLAUDE, r#""prompt_cache": {"at": "tools"}"#));
    assert!(text.contains("field `prompt_cache.at`"), "{text}");
    let (_, warnings) = scenario(&line(
        CLAUDE,
        r#""prompt_cache": {"shared_prefix_tokens": 100}"#,
    ));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("minimum cacheable prefix")),
        "{warnings:?}"
    );
}

#[test]
fn a_reasoning_budget_becomes_anthropic_thinking() {
    let (scenario, _) = scenario(&line(CLAUDE, r#""reasoning_budget_tokens": 2048"#));
    assert!(scenario.name.contains("+think2048"), "{}", scenario.name);
    let spec = CallSpec::from_scenario(&scenario, &experiment());
    let fields = spec.additional_fields().expect("thinking sent");
    assert_eq!(
        fields["thinking"],
        serde_json::json!({"type": "enabled", "budget_tokens": 2048})
    );
    let Some(Document::Object(sent)) = spec.to_request_parts().additional_fields else {
        panic!("a document");
    };
    assert!(sent.contains_key("thinking"));
}

#[test]
fn reasoning_budgets_bedrock_would_refuse_are_errors() {
    let text = errors(&line(CLAUDE, r#""reasoning_budget_tokens": 4096"#));
    assert!(
        text.contains("field `reasoning_budget_tokens`: expected at least 1024 and less than `expected_output_tokens` (4096)"),
        "{text}"
    );
    let text = errors(&line(CLAUDE, r#""reasoning_budget_tokens": 512"#));
    assert!(text.contains("found 512"), "{text}");
    let text = errors(&line(NOVA, r#""reasoning_budget_tokens": 2048"#));
    assert!(text.contains("this model does not reason"), "{text}");
    let text = errors(&line(
        "us.deepseek.r1-v1:0",
        r#""reasoning_budget_tokens": 2048"#,
    ));
    assert!(text.contains("always reasons"), "{text}");
}

#[test]
fn thinking_with_temperature_or_top_k_is_refused_across_the_two_files() {
    let dir = std::env::temp_dir().join(format!("bb-variants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let scenarios = dir.join("scenarios.jsonl");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(
        &scenarios,
        line(CLAUDE, r#""reasoning_budget_tokens": 2048"#),
    )
    .expect("write");
    std::fs::write(&experiment, r#"{"temperature": 0.5, "top_k": 20}"#).expect("write");
    let text = load_configs(&scenarios, &experiment)
        .expect_err("refused")
        .to_string();
    assert!(text.contains("sets `temperature`"), "{text}");
    assert!(text.contains("sets `top_k`"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tools_are_sent_with_their_choice() {
    let tools = r#""tool_config": {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}], "toolChoice": {"any": {}}}"#;
    let (scenario, _) = scenario(&line(NOVA, tools));
    let settings = scenario.variant.tools.clone().expect("tools");
    assert_eq!(settings.choice, Some(ToolChoiceSetting::Any));
    assert!(scenario.name.contains("+tools:any"), "{}", scenario.name);
    let parts = CallSpec::from_scenario(&scenario, &experiment()).to_request_parts();
    let config = parts.tool_config.expect("toolConfig");
    assert!(matches!(&config.tools()[0], Tool::ToolSpec(spec) if spec.name() == "get_weather"));
    assert!(matches!(config.tool_choice(), Some(ToolChoice::Any(_))));
    let text = errors(&line(
        CLAUDE,
        &format!("{tools}, \"reasoning_budget_tokens\": 2048"),
    ));
    assert!(text.contains("field `tool_config.toolChoice`"), "{text}");
}

#[test]
fn additional_fields_pass_through_and_never_clash_silently() {
    let (scenario, _) = scenario(&line(
        NOVA,
        r#""additional_model_request_fields": {"inferenceConfig": {"topK": 5}}"#,
    ));
    let spec = CallSpec::from_scenario(&scenario, &experiment());
    assert_eq!(
        spec.additional_fields().expect("passed through")["inferenceConfig"]["topK"],
        5
    );
    let text = errors(&line(NOVA, r#""additional_model_request_fields": [1]"#));
    assert!(
        text.contains("field `additional_model_request_fields`: expected a JSON object"),
        "{text}"
    );
    let dir = std::env::temp_dir().join(format!("bb-variants-topk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let scenarios = dir.join("scenarios.jsonl");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(
        &scenarios,
        line(
            NOVA,
            r#""additional_model_request_fields": {"inferenceConfig": {"topK": 5}}"#,
        ),
    )
    .expect("write");
    std::fs::write(&experiment, r#"{"top_k": 20}"#).expect("write");
    let text = load_configs(&scenarios, &experiment)
        .expect_err("refused")
        .to_string();
    assert!(
        text.contains("additional_model_request_fields.inferenceConfig.topK"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_scenario_without_variant_fields_keeps_the_python_name() {
    let (scenario, _) = scenario(&line(NOVA, r#""performance_config": "optimized""#));
    assert_eq!(scenario.name, format!("{NOVA}/optimized@us-east-1"));
    assert_eq!(scenario.variant_label(), "optimized");
    let parts = CallSpec::from_scenario(&scenario, &experiment()).to_request_parts();
    assert!(parts.service_tier.is_none() && parts.tool_config.is_none());
    assert!(parts.additional_fields.is_none());
}
