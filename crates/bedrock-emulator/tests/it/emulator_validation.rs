//! Bedrock's request rules through the SDK: roles, blank text, the
//! model's largest output, tiers offered, thinking budgets, tool choice,
//! stop sequences and media tokens.

use crate::common;

use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ImageBlock, ImageFormat, ImageSource, InferenceConfiguration,
    ServiceTier, ServiceTierType, SpecificToolChoice, Tool, ToolChoice, ToolConfiguration,
    ToolInputSchema, ToolSpecification,
};
use bedrock_catalog::tokens::estimate_tokens;
use common::features::*;
use common::*;
use serde_json::json;

const PROMPT: &str = "Explain the concept of machine learning in simple terms.";

async fn refused(
    builder: aws_sdk_bedrockruntime::operation::converse_stream::builders::ConverseStreamFluentBuilder,
) -> String {
    let error = builder.send().await.expect_err("a ValidationException");
    let message = error_message(&error);
    assert!(message.starts_with("ValidationException"), "{message}");
    message
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_bedrock_like_validation_errors() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);

    let twice = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user("a"))
        .messages(user("b"));
    assert!(
        refused(twice)
            .await
            .contains("alternate between user and assistant")
    );

    let blank = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user("  "));
    assert!(
        refused(blank)
            .await
            .contains("messages.0.content.0 is blank")
    );

    let too_long = client
        .converse_stream()
        .model_id(HAIKU_3)
        .messages(user(PROMPT))
        .inference_config(max_tokens(4097));
    assert!(refused(too_long).await.contains("model limit of 4096"));

    let not_offered = client
        .converse_stream()
        .model_id(NOVA_MICRO)
        .messages(user(PROMPT))
        .service_tier(
            ServiceTier::builder()
                .r#type(ServiceTierType::Reserved)
                .build()
                .expect("tier"),
        );
    assert!(refused(not_offered).await.contains("reserved"));

    let unknown_tier = client
        .converse_stream()
        .model_id(NOVA_MICRO)
        .messages(user(PROMPT))
        .service_tier(
            ServiceTier::builder()
                .r#type(ServiceTierType::from("turbo"))
                .build()
                .expect("tier"),
        );
    assert!(refused(unknown_tier).await.contains("serviceTier.type"));

    for (budget, max, needle) in [
        (500, 4000, "greater than or equal to 1024"),
        (
            4000,
            4000,
            "`max_tokens` must be greater than `thinking.budget_tokens`",
        ),
    ] {
        let thinking = client
            .converse_stream()
            .model_id(SONNET_4)
            .messages(user(PROMPT))
            .inference_config(max_tokens(max))
            .additional_model_request_fields(doc(json!({
                "thinking": {"type": "enabled", "budget_tokens": budget}
            })));
        assert!(refused(thinking).await.contains(needle));
    }
    let no_reasoning = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user(PROMPT))
        .additional_model_request_fields(doc(json!({
            "thinking": {"type": "enabled", "budget_tokens": 2000}
        })));
    assert!(refused(no_reasoning).await.contains("Extra inputs"));

    let tool = Tool::ToolSpec(
        ToolSpecification::builder()
            .name("lookup")
            .input_schema(ToolInputSchema::Json(doc(json!({"type": "object"}))))
            .build()
            .expect("tool"),
    );
    let wrong_choice = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user(PROMPT))
        .tool_config(
            ToolConfiguration::builder()
                .tools(tool)
                .tool_choice(ToolChoice::Tool(
                    SpecificToolChoice::builder()
                        .name("missing")
                        .build()
                        .expect("choice"),
                ))
                .build()
                .expect("config"),
        );
    assert!(refused(wrong_choice).await.contains("\"missing\""));

    let records = emulator.ground_truth();
    assert!(records.iter().all(|r| r.http_status == 400), "{records:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_sequences_end_the_answer_before_them() {
    let emulator = start_emulator(
        fast_profiles(
            r#"{"all": {"standard": {"natural_output_tokens_p50": 30, "natural_output_tokens_p90": 30}}}"#,
        ),
        1.0,
    );
    let client = client_for(&emulator);
    let output = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user(PROMPT))
        .inference_config(
            InferenceConfiguration::builder()
                .max_tokens(100)
                .stop_sequences("patterns")
                .stop_sequences("never-there")
                .build(),
        )
        .send()
        .await
        .expect("stream");
    let c = collect(output).await;
    assert_eq!(c.stop_reason.as_deref(), Some("stop_sequence"));
    assert_eq!(c.text, "Machine learning is a way for computers to learn");
    assert_eq!(c.usage.as_ref().map(|u| u.output_tokens()), Some(9));

    // A stop sequence the answer never reaches changes nothing.
    let output = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(user(PROMPT))
        .inference_config(
            InferenceConfiguration::builder()
                .stop_sequences("zebra")
                .build(),
        )
        .send()
        .await
        .expect("stream");
    let c = collect(output).await;
    assert_eq!(c.stop_reason.as_deref(), Some("end_turn"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_count_input_tokens_by_size() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let image = ImageBlock::builder()
        .format(ImageFormat::Png)
        .source(ImageSource::Bytes(Blob::new(vec![7u8; 75_000])))
        .build()
        .expect("image");
    let output = client
        .converse_stream()
        .model_id(NOVA_PRO)
        .messages(message(
            ConversationRole::User,
            vec![
                ContentBlock::Image(image),
                ContentBlock::Text(PROMPT.into()),
            ],
        ))
        .send()
        .await
        .expect("stream");
    let c = collect(output).await;
    let usage = c.usage.expect("usage");
    // 75,000 bytes / 750 = 100 tokens, plus the text.
    let expected = 100 + i32::try_from(estimate_tokens(PROMPT)).expect("small");
    assert_eq!(usage.input_tokens(), expected);
    let truth = ground_truth_for(&emulator, c.request_id.as_deref().expect("id"));
    assert_eq!(
        truth.input_tokens,
        u32::try_from(expected).expect("positive")
    );
}
