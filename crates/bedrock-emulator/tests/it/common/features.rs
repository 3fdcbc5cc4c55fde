//! Reading every kind of event the SDK decodes (reasoning, tool use,
//! several blocks, the metadata's tier and cache usage), and building the
//! requests of the feature tests.

use std::time::Instant;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamOutput;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ContentBlockDelta, ContentBlockStart, ConversationRole,
    ConverseStreamOutput as Event, InferenceConfiguration, Message, ReasoningContentBlockDelta,
    TokenUsage,
};

/// Everything that came out of one stream, whatever its blocks.
#[derive(Debug, Default)]
pub struct Collected {
    /// The request id.
    pub request_id: Option<String>,
    /// Event names in order (`contentBlockDelta:N` with the block index).
    pub events: Vec<String>,
    /// The answer's text.
    pub text: String,
    /// The reasoning text.
    pub reasoning: String,
    /// The reasoning signature.
    pub signature: Option<String>,
    /// `contentBlockStart.toolUse` as (index, toolUseId, name).
    pub tool_start: Option<(i32, String, String)>,
    /// The tool input pieces, concatenated.
    pub tool_input: String,
    /// `messageStop.stopReason`.
    pub stop_reason: Option<String>,
    /// `metadata.usage`.
    pub usage: Option<TokenUsage>,
    /// `metadata.serviceTier.type`.
    pub tier: Option<String>,
    /// When the first delta arrived.
    pub first_delta_at: Option<Instant>,
    /// When the first text delta arrived.
    pub first_text_at: Option<Instant>,
    /// The stream's error, as text.
    pub error: Option<String>,
}

/// Read a stream to its end.
pub async fn collect(mut output: ConverseStreamOutput) -> Collected {
    let mut c = Collected {
        request_id: output.request_id().map(str::to_string),
        ..Collected::default()
    };
    loop {
        let event = output.stream.recv().await;
        let at = Instant::now();
        match event {
            Ok(Some(Event::MessageStart(_))) => c.events.push("messageStart".into()),
            Ok(Some(Event::ContentBlockStart(start))) => {
                let index = start.content_block_index();
                c.events.push(format!("contentBlockStart:{index}"));
                if let Some(ContentBlockStart::ToolUse(tool)) = start.start() {
                    c.tool_start = Some((
                        index,
                        tool.tool_use_id().to_string(),
                        tool.name().to_string(),
                    ));
                }
            }
            Ok(Some(Event::ContentBlockDelta(delta))) => {
                c.first_delta_at.get_or_insert(at);
                let index = delta.content_block_index();
                let name = match delta.delta() {
                    Some(ContentBlockDelta::Text(text)) => {
                        c.first_text_at.get_or_insert(at);
                        c.text.push_str(text);
                        "text"
                    }
                    Some(ContentBlockDelta::ReasoningContent(
                        ReasoningContentBlockDelta::Text(text),
                    )) => {
                        c.reasoning.push_str(text);
                        "reasoning"
                    }
                    Some(ContentBlockDelta::ReasoningContent(
                        ReasoningContentBlockDelta::Signature(signature),
                    )) => {
                        c.signature = Some(signature.clone());
                        "signature"
                    }
                    Some(ContentBlockDelta::ToolUse(tool)) => {
                        c.tool_input.push_str(tool.input());
                        "toolUse"
                    }
                    _ => "other",
                };
                let event = format!("{name}:{index}");
                if c.events.last() != Some(&event) {
                    c.events.push(event);
                }
            }
            Ok(Some(Event::ContentBlockStop(stop))) => c
                .events
                .push(format!("contentBlockStop:{}", stop.content_block_index())),
            Ok(Some(Event::MessageStop(stop))) => {
                c.events.push("messageStop".into());
                c.stop_reason = Some(stop.stop_reason().as_str().to_string());
            }
            Ok(Some(Event::Metadata(metadata))) => {
                c.events.push("metadata".into());
                c.usage = metadata.usage().cloned();
                c.tier = metadata
                    .service_tier()
                    .map(|t| t.r#type().as_str().to_string());
            }
            Ok(Some(_)) => c.events.push("unknown".into()),
            Ok(None) => return c,
            Err(error) => {
                c.error = Some(format!("{error:?}"));
                return c;
            }
        }
    }
}

/// A user message of one text block.
pub fn user(text: &str) -> Message {
    message(
        ConversationRole::User,
        vec![ContentBlock::Text(text.into())],
    )
}

/// A message of `role` with `content`.
pub fn message(role: ConversationRole, content: Vec<ContentBlock>) -> Message {
    Message::builder()
        .role(role)
        .set_content(Some(content))
        .build()
        .expect("a message builds")
}

/// `inferenceConfig` with `maxTokens`.
pub fn max_tokens(n: i32) -> InferenceConfiguration {
    InferenceConfiguration::builder().max_tokens(n).build()
}

/// The `message` of a service error, or the error's debug text.
pub fn error_message<E, R>(error: &aws_sdk_bedrockruntime::error::SdkError<E, R>) -> String
where
    E: aws_sdk_bedrockruntime::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match error.as_service_error() {
        Some(service) => format!(
            "{}: {}",
            service.code().unwrap_or("?"),
            service.message().unwrap_or("")
        ),
        None => format!("{error:?}"),
    }
}

/// A client for `url`, re-exported for the feature tests.
pub fn feature_client(url: &str) -> Client {
    super::emulators::sdk_client(url)
}

/// A JSON value as the SDK's `Document`.
pub fn doc(value: serde_json::Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match value {
        serde_json::Value::Null => Document::Null,
        serde_json::Value::Bool(b) => Document::Bool(b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Document::Number(Number::PosInt(u)),
            (None, Some(i)) => Document::Number(Number::NegInt(i)),
            _ => Document::Number(Number::Float(n.as_f64().unwrap_or(0.0))),
        },
        serde_json::Value::String(s) => Document::String(s),
        serde_json::Value::Array(items) => Document::Array(items.into_iter().map(doc).collect()),
        serde_json::Value::Object(map) => {
            Document::Object(map.into_iter().map(|(k, v)| (k, doc(v))).collect())
        }
    }
}

/// Fast, exact profiles everywhere: TTFT 20 ms, 1000 tok/s, 2 tokens
/// per delta, 9-token answers; `overrides` then apply.
pub fn fast_profiles(overrides: &str) -> bedrock_emulator::ProfileSet {
    let mut set = super::emulators::uniform(super::emulators::fixed_model(
        super::emulators::fixed_profile(0.02, 1000.0, 2, 9),
        super::emulators::fixed_profile(0.01, 2000.0, 2, 9),
    ));
    set.apply_overrides(overrides, "feature test overrides")
        .expect("test overrides apply");
    set
}

/// Claude Sonnet 4 (extended thinking, caching from 1,024 tokens,
/// default tier only).
pub const SONNET_4: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";
/// Claude Sonnet 4.5 (every tier).
pub const SONNET_4_5: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
/// DeepSeek-R1 (always reasons).
pub const DEEPSEEK_R1: &str = "us.deepseek.r1-v1:0";
/// Llama 3.1 8B (no caching, no tiers beyond default).
pub const LLAMA_8B: &str = "us.meta.llama3-1-8b-instruct-v1:0";
/// Claude 3 Haiku (4,096 output tokens at most).
pub const HAIKU_3: &str = "us.anthropic.claude-3-haiku-20240307-v1:0";

/// Profiles of random lengths and TTFTs for every model, short enough for
/// a test at time scale 1: two emulators started with them and the same
/// seed plan the same answers, so that equal answers on two APIs mean
/// equal plans.
pub const RANDOM_PROFILES: &str = r#"{"all": {"standard": {
    "ttft_p50_s": 0.15, "ttft_p90_s": 0.3, "decode_jitter": 0.3,
    "natural_output_tokens_p50": 20, "natural_output_tokens_p90": 60}}}"#;

/// The text, output tokens and request id of a ConverseStream answer to
/// `prompt` from `model`, at most `max` tokens: the reference the other
/// APIs' answers are compared with.
pub async fn converse_answer(
    client: &Client,
    model: &str,
    prompt: &str,
    max: i32,
) -> (String, i32, String) {
    let output = client
        .converse_stream()
        .model_id(model)
        .messages(user(prompt))
        .inference_config(max_tokens(max))
        .send()
        .await
        .expect("a ConverseStream answer");
    let collected = collect(output).await;
    assert!(collected.error.is_none(), "{collected:?}");
    let tokens = collected.usage.as_ref().map_or(0, |u| u.output_tokens());
    (
        collected.text,
        tokens,
        collected.request_id.expect("request id"),
    )
}
