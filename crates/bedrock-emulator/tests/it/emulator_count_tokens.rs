//! CountTokens through the SDK: the count a call with the same input is
//! billed, for a Converse input and for a native InvokeModel body; the
//! refusals Bedrock gives (an inference profile, a model it cannot count);
//! and no ground-truth line (it is not a model call).

use crate::common;

use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConverseTokensRequest, CountTokensInput, InvokeModelTokensRequest,
    SystemContentBlock,
};
use common::features::*;
use common::*;

/// Claude Sonnet 4 by its base id: CountTokens takes no inference profile.
const SONNET_4_BASE: &str = "anthropic.claude-sonnet-4-20250514-v1:0";

const SYSTEM: &str = "You answer in one short paragraph.";

fn converse_input(prompt: &str) -> CountTokensInput {
    CountTokensInput::Converse(
        ConverseTokensRequest::builder()
            .messages(user(prompt))
            .system(SystemContentBlock::Text(SYSTEM.into()))
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_is_what_the_same_input_is_billed() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let prompt = "Explain the concept of machine learning in simple terms. ".repeat(40);
    let counted = client
        .count_tokens()
        .model_id(SONNET_4_BASE)
        .input(converse_input(&prompt))
        .send()
        .await
        .expect("a count")
        .input_tokens();
    let stream = client
        .converse_stream()
        .model_id(SONNET_4_BASE)
        .messages(user(&prompt))
        .system(SystemContentBlock::Text(SYSTEM.into()))
        .inference_config(max_tokens(5))
        .send()
        .await
        .expect("a stream");
    let billed = collect(stream).await.usage.expect("usage").input_tokens();
    assert!(counted > 400, "{counted}");
    assert_eq!(counted, billed);

    // A longer prompt counts more, by the tokens added.
    let longer = client
        .count_tokens()
        .model_id(SONNET_4_BASE)
        .input(converse_input(&format!("{prompt}{prompt}")))
        .send()
        .await
        .expect("a count")
        .input_tokens();
    assert!(
        longer > counted && longer < 2 * counted,
        "{longer} vs {counted}"
    );

    // Not a model call: no ground-truth line.
    assert_eq!(emulator.ground_truth().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_native_body_is_counted_as_its_converse_twin() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let prompt = "How long is a piece of string?";
    let native = serde_json::json!({
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 10,
        "system": SYSTEM,
        "messages": [{"role": "user", "content": [{"type": "text", "text": prompt}]}],
    });
    let invoke = client
        .count_tokens()
        .model_id(SONNET_4_BASE)
        .input(CountTokensInput::InvokeModel(
            InvokeModelTokensRequest::builder()
                .body(Blob::new(native.to_string()))
                .build()
                .expect("a body"),
        ))
        .send()
        .await
        .expect("a count of the native body")
        .input_tokens();
    let converse = client
        .count_tokens()
        .model_id(SONNET_4_BASE)
        .input(converse_input(prompt))
        .send()
        .await
        .expect("a count")
        .input_tokens();
    assert_eq!(invoke, converse);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_unknown_and_uncounted_models_are_refused_as_bedrock_refuses_them() {
    let emulator = start_emulator(fast_profiles("{}"), 1.0);
    let client = client_for(&emulator);
    let refusal = |model: &'static str| {
        let client = client.clone();
        async move {
            let error = client
                .count_tokens()
                .model_id(model)
                .input(converse_input("Hi"))
                .send()
                .await
                .expect_err(model);
            error_message(&error)
        }
    };
    // An inference profile: CountTokens takes base ids only.
    assert_eq!(
        refusal(SONNET_4).await,
        "ValidationException: The provided model doesn't support counting tokens."
    );
    // A model Bedrock does not count.
    assert_eq!(
        refusal("amazon.nova-pro-v1:0").await,
        "ValidationException: The provided model doesn't support counting tokens."
    );
    assert_eq!(
        refusal("acme.unknown-model-v1:0").await,
        "ValidationException: The provided model identifier is invalid."
    );
    // A malformed Converse input is refused as ConverseStream refuses it.
    let error = client
        .count_tokens()
        .model_id(SONNET_4_BASE)
        .input(CountTokensInput::Converse(
            ConverseTokensRequest::builder()
                .messages(message(
                    aws_sdk_bedrockruntime::types::ConversationRole::Assistant,
                    vec![ContentBlock::Text("I start.".into())],
                ))
                .build(),
        ))
        .send()
        .await
        .expect_err("a conversation that starts with the assistant");
    assert!(
        error_message(&error).starts_with("ValidationException"),
        "{}",
        error_message(&error)
    );
    assert!(emulator.ground_truth().is_empty());
}
