//! Tool use through the SDK: a `toolUse` block with its start, input
//! pieces that form JSON matching the schema, stopReason `tool_use`, and
//! the `auto` rule.

use crate::common;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{
    AnyToolChoice, AutoToolChoice, Tool, ToolChoice, ToolConfiguration, ToolInputSchema,
    ToolSpecification,
};
use common::features::*;
use common::*;
use serde_json::{Value, json};

fn tools(choice: ToolChoice) -> ToolConfiguration {
    let weather = ToolSpecification::builder()
        .name("get_weather")
        .input_schema(ToolInputSchema::Json(doc(json!({
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "metric": {"type": "boolean"},
                "lat": {"type": "number"}
            },
            "required": ["city", "days"]
        }))))
        .build()
        .expect("tool");
    let lookup = ToolSpecification::builder()
        .name("lookup")
        .input_schema(ToolInputSchema::Json(doc(json!({"type": "object"}))))
        .build()
        .expect("tool");
    ToolConfiguration::builder()
        .tools(Tool::ToolSpec(weather))
        .tools(Tool::ToolSpec(lookup))
        .tool_choice(choice)
        .build()
        .expect("config")
}

async fn ask(client: &Client, prompt: &str, choice: ToolChoice) -> Collected {
    let output = client
        .converse_stream()
        .model_id(SONNET_4)
        .messages(user(prompt))
        .tool_config(tools(choice))
        .send()
        .await
        .expect("stream");
    collect(output).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_calls_the_first_tool_with_schema_shaped_input() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let c = ask(
        &client,
        "Weather in Paris?",
        ToolChoice::Any(AnyToolChoice::builder().build()),
    )
    .await;
    assert!(c.error.is_none(), "{:?}", c.error);
    assert_eq!(c.events[0], "messageStart");
    assert_eq!(c.events[1], "contentBlockStart:0");
    assert_eq!(c.events[2], "toolUse:0");
    assert_eq!(
        c.events[3..],
        ["contentBlockStop:0", "messageStop", "metadata"]
    );
    let (index, id, name) = c.tool_start.clone().expect("tool start");
    assert_eq!((index, name.as_str()), (0, "get_weather"));
    assert!(id.starts_with("tooluse_"), "{id}");
    let input: Value = serde_json::from_str(&c.tool_input).expect("the pieces form JSON");
    assert!(
        input["city"].is_string() && input["days"].is_i64(),
        "{input}"
    );
    assert!(
        input["metric"].is_boolean() && input["lat"].is_f64(),
        "{input}"
    );
    assert_eq!(c.stop_reason.as_deref(), Some("tool_use"));
    let truth = ground_truth_for(&emulator, c.request_id.as_deref().expect("id"));
    assert_eq!(truth.tool_use_blocks, 1);
    assert!(truth.deltas_written >= 2, "input in pieces: {truth:?}");
    assert_eq!(
        c.usage.expect("usage").output_tokens(),
        i32::try_from(truth.output_tokens).expect("small")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_calls_a_tool_only_when_the_prompt_names_it() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let auto = || ToolChoice::Auto(AutoToolChoice::builder().build());
    let text = ask(&client, "Hello there.", auto()).await;
    assert_eq!(text.stop_reason.as_deref(), Some("end_turn"));
    assert!(text.tool_start.is_none());
    let named = ask(&client, "Please lookup the answer.", auto()).await;
    assert_eq!(named.stop_reason.as_deref(), Some("tool_use"));
    assert_eq!(named.tool_start.expect("tool").2, "lookup");
    assert_eq!(named.tool_input, "{}");
}
