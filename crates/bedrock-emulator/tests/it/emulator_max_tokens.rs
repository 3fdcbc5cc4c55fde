//! `maxTokens` bounds everything a model generates, as on Bedrock: text,
//! reasoning and tool input together. Whatever the tool schema, the
//! reasoning budget or the profile, the reported `outputTokens` (and the
//! tokens streamed) stay within it, and an answer it cut stops with
//! `max_tokens`; without `maxTokens` the model's largest output bounds it.

use crate::common;

use std::sync::OnceLock;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, InferenceConfiguration, Tool, ToolChoice, ToolConfiguration, ToolInputSchema,
    ToolSpecification,
};
use bedrock_emulator::{Emulator, EmulatorConfig, ProfileSet};
use common::features::*;
use common::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// One emulator (built-in profiles, no waiting) and runtime for every case.
fn shared() -> &'static (tokio::runtime::Runtime, Emulator) {
    static SHARED: OnceLock<(tokio::runtime::Runtime, Emulator)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let emulator = Emulator::start(EmulatorConfig {
            time_scale: 0.0,
            seed: Some(3),
            profiles: ProfileSet::builtin(),
            ..EmulatorConfig::default()
        })
        .expect("emulator binds 127.0.0.1:0");
        (runtime, emulator)
    })
}

/// How the model is asked to reason.
#[derive(Debug, Clone)]
enum Reasoning {
    /// Nova Pro: no reasoning.
    None,
    /// DeepSeek-R1: always reasons.
    Always,
    /// Claude Sonnet 4 with extended thinking and this budget.
    Budget(u32),
}

/// A tool schema of up to 16 properties of every simple type, with names
/// and enum values of up to 40 characters.
fn schema() -> impl Strategy<Value = Value> {
    let property = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "integer"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "array", "items": {"type": "string"}})),
        Just(json!({"type": "object"})),
        prop::collection::vec("[a-zA-Z0-9 ]{1,40}", 1..4)
            .prop_map(|values| json!({"type": "string", "enum": values})),
    ];
    prop::collection::btree_map("[a-z_]{1,40}", property, 0..16).prop_map(|properties| {
        json!({"type": "object", "properties": Value::Object(properties.into_iter().collect::<Map<_, _>>())})
    })
}

/// `(model, reasoning, maxTokens)`: `maxTokens` from 1 (or above the
/// thinking budget, as Bedrock requires), sometimes absent.
fn ask() -> impl Strategy<Value = (&'static str, Reasoning, Option<u32>)> {
    prop_oneof![
        prop_oneof![
            Just(None),
            (1u32..400).prop_map(Some),
            (1u32..3000).prop_map(Some)
        ]
        .prop_map(|max| (NOVA_PRO, Reasoning::None, max)),
        prop_oneof![(1u32..400).prop_map(Some), (1u32..4000).prop_map(Some)].prop_map(|max| (
            DEEPSEEK_R1,
            Reasoning::Always,
            max
        )),
        (1024u32..3000, 1u32..2000).prop_map(|(budget, above)| (
            SONNET_4,
            Reasoning::Budget(budget),
            Some(budget + above)
        )),
    ]
}

fn tool_config(schema: Value) -> ToolConfiguration {
    let spec = ToolSpecification::builder()
        .name("fill_the_form")
        .input_schema(ToolInputSchema::Json(doc(schema)))
        .build()
        .expect("a tool");
    ToolConfiguration::builder()
        .tools(Tool::ToolSpec(spec))
        .tool_choice(ToolChoice::Any(AnyToolChoice::builder().build()))
        .build()
        .expect("a tool config")
}

async fn call(
    client: &Client,
    model: &str,
    reasoning: &Reasoning,
    max_tokens: Option<u32>,
    tool: Option<Value>,
) -> Collected {
    let inference = InferenceConfiguration::builder()
        .set_max_tokens(max_tokens.map(|m| i32::try_from(m).expect("small")))
        .build();
    let mut request = client
        .converse_stream()
        .model_id(model)
        .messages(user("Fill the form, please."))
        .inference_config(inference)
        .set_tool_config(tool.map(tool_config));
    if let Reasoning::Budget(budget) = reasoning {
        request = request.additional_model_request_fields(doc(json!({
            "thinking": {"type": "enabled", "budget_tokens": budget}
        })));
    }
    collect(request.send().await.expect("the request is valid")).await
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn output_tokens_never_pass_max_tokens(
        (model, reasoning, max_tokens) in ask(),
        tool in prop::option::weighted(0.8, schema()),
    ) {
        let (runtime, emulator) = shared();
        let client = client_for(emulator);
        let called_tool = tool.is_some();
        let c = runtime.block_on(call(&client, model, &reasoning, max_tokens, tool));
        prop_assert!(c.error.is_none(), "{:?}", c.error);
        let bound = max_tokens.unwrap_or_else(|| {
            bedrock_catalog::model(model).expect("a catalog model").max_output_tokens
        });
        let reported = c.usage.as_ref().expect("usage").output_tokens();
        prop_assert!(reported >= 0 && reported as u32 <= bound, "{reported} > {bound}: {c:?}");
        // What was streamed is what was reported.
        let truth = ground_truth_for(emulator, c.request_id.as_deref().expect("id"));
        prop_assert_eq!(truth.output_tokens as i32, reported);
        let stop = c.stop_reason.as_deref().unwrap_or_default();
        if called_tool && stop == "tool_use" {
            prop_assert!(serde_json::from_str::<Value>(&c.tool_input).is_ok(), "{}", c.tool_input);
        }
        if reported as u32 == bound && !called_tool && stop != "end_turn" {
            prop_assert_eq!(stop, "max_tokens");
        }
        prop_assert!(matches!(stop, "end_turn" | "max_tokens" | "tool_use"), "{stop}");
    }
}

/// A schema whose input is about 60 tokens.
fn wide_schema() -> Value {
    let properties: Map<String, Value> = (0..20)
        .map(|i| (format!("field_number_{i}"), json!({"type": "string"})))
        .collect();
    json!({"type": "object", "properties": properties})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_call_cut_by_max_tokens_stops_with_max_tokens() {
    let emulator = start_emulator(fast_profiles("{}"), 0.0);
    let client = client_for(&emulator);
    let whole = call(
        &client,
        NOVA_PRO,
        &Reasoning::None,
        None,
        Some(wide_schema()),
    )
    .await;
    assert_eq!(whole.stop_reason.as_deref(), Some("tool_use"));
    let full_tokens = whole.usage.as_ref().expect("usage").output_tokens();
    assert!(full_tokens > 20, "{full_tokens}");

    let cut = call(
        &client,
        NOVA_PRO,
        &Reasoning::None,
        Some(10),
        Some(wide_schema()),
    )
    .await;
    assert!(cut.error.is_none(), "{:?}", cut.error);
    assert_eq!(cut.stop_reason.as_deref(), Some("max_tokens"));
    assert_eq!(cut.usage.as_ref().expect("usage").output_tokens(), 10);
    assert_eq!(
        cut.tool_start.as_ref().map(|t| t.2.as_str()),
        Some("fill_the_form")
    );
    // The pieces streamed are the start of the whole input, and no more.
    assert!(!cut.tool_input.is_empty());
    assert!(
        whole.tool_input.starts_with(&cut.tool_input),
        "{}",
        cut.tool_input
    );
    assert!(cut.tool_input.len() < whole.tool_input.len());
    assert!(serde_json::from_str::<Value>(&cut.tool_input).is_err());
    let truth = ground_truth_for(&emulator, cut.request_id.as_deref().expect("id"));
    assert_eq!((truth.output_tokens, truth.tool_use_blocks), (10, 1));

    // Converse: the same cut, its tool input an empty object.
    let answer = client
        .converse()
        .model_id(NOVA_PRO)
        .messages(user("Fill the form, please."))
        .inference_config(max_tokens(10))
        .tool_config(tool_config(wide_schema()))
        .send()
        .await
        .expect("a Converse answer");
    assert_eq!(answer.stop_reason().as_str(), "max_tokens");
    assert_eq!(answer.usage().expect("usage").output_tokens(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reasoning_and_text_share_max_tokens() {
    let emulator = start_emulator(ProfileSet::builtin(), 0.0);
    let client = client_for(&emulator);
    for max in [1, 2, 50, 700] {
        let c = call(&client, DEEPSEEK_R1, &Reasoning::Always, Some(max), None).await;
        assert!(c.error.is_none(), "{:?}", c.error);
        let usage = c.usage.as_ref().expect("usage");
        assert!(usage.output_tokens() as u32 <= max, "{max}: {c:?}");
        assert_eq!(c.stop_reason.as_deref(), Some("max_tokens"), "{max}: {c:?}");
        assert!(!c.reasoning.is_empty(), "it reasoned first");
    }
}
