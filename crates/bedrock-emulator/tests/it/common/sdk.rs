//! Driving the real `aws-sdk-bedrockruntime` client directly (not through
//! the harness's timed call), to see exactly what the SDK makes of the
//! emulator's answers.

use std::time::Instant;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::error::SdkError;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::operation::converse_stream::{
    ConverseStreamError, ConverseStreamOutput,
};
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ConverseStreamOutput as Event, InferenceConfiguration, Message,
    PerformanceConfigLatency, PerformanceConfiguration,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// The prompt of every request.
pub const PROMPT: &str = "Explain the concept of machine learning in simple terms.";

/// What to ask for.
#[derive(Debug, Clone)]
pub struct Ask {
    /// Model id, inference profile id or ARN.
    pub model: String,
    /// `inferenceConfig.maxTokens`.
    pub max_tokens: Option<i32>,
    /// `inferenceConfig.temperature`.
    pub temperature: Option<f32>,
    /// `inferenceConfig.topP`.
    pub top_p: Option<f32>,
    /// `performanceConfig.latency`.
    pub latency: Option<PerformanceConfigLatency>,
}

impl Ask {
    /// `model` with `maxTokens`, nothing else.
    pub fn new(model: &str, max_tokens: i32) -> Self {
        Ask {
            model: model.to_string(),
            max_tokens: Some(max_tokens),
            temperature: None,
            top_p: None,
            latency: None,
        }
    }

    /// The same with `performanceConfig.latency = optimized`.
    pub fn optimized(mut self) -> Self {
        self.latency = Some(PerformanceConfigLatency::Optimized);
        self
    }
}

/// The error type of `send()`.
pub type SendError = SdkError<ConverseStreamError, HttpResponse>;

/// Send the request; `Ok` once the response headers are in.
pub async fn send(client: &Client, ask: &Ask) -> Result<ConverseStreamOutput, SendError> {
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(PROMPT.to_string()))
        .build()
        .expect("a user message builds");
    let inference = InferenceConfiguration::builder()
        .set_max_tokens(ask.max_tokens)
        .set_temperature(ask.temperature)
        .set_top_p(ask.top_p)
        .build();
    let performance = ask
        .latency
        .clone()
        .map(|latency| PerformanceConfiguration::builder().latency(latency).build());
    client
        .converse_stream()
        .model_id(ask.model.clone())
        .messages(message)
        .inference_config(inference)
        .set_performance_config(performance)
        .send()
        .await
}

/// Everything that came out of one stream.
#[derive(Debug)]
pub struct Streamed {
    /// The request id the SDK saw.
    pub request_id: Option<String>,
    /// Event names in arrival order.
    pub events: Vec<&'static str>,
    /// `messageStart.role`.
    pub role: Option<String>,
    /// The deltas' text, concatenated.
    pub text: String,
    /// `contentBlockDelta` count.
    pub deltas: usize,
    /// `messageStop.stopReason`.
    pub stop_reason: Option<String>,
    /// `metadata.usage` as (input, output, total).
    pub usage: Option<(i32, i32, i32)>,
    /// `metadata.metrics.latencyMs`.
    pub latency_ms: Option<i64>,
    /// `metadata.performanceConfig.latency`.
    pub served: Option<String>,
    /// The error `recv()` returned, if any.
    pub error:
        Option<SdkError<ConverseStreamOutputError, aws_smithy_types::event_stream::RawMessage>>,
    /// When the first delta arrived.
    pub first_delta_at: Option<Instant>,
    /// When the stream ended (or failed).
    pub end_at: Instant,
}

/// Read the stream to its end (or its error).
pub async fn drain(mut output: ConverseStreamOutput) -> Streamed {
    let mut streamed = Streamed {
        request_id: output.request_id().map(str::to_string),
        events: Vec::new(),
        role: None,
        text: String::new(),
        deltas: 0,
        stop_reason: None,
        usage: None,
        latency_ms: None,
        served: None,
        error: None,
        first_delta_at: None,
        end_at: Instant::now(),
    };
    loop {
        let event = output.stream.recv().await;
        let at = Instant::now();
        match event {
            Ok(Some(Event::MessageStart(start))) => {
                streamed.events.push("messageStart");
                streamed.role = Some(start.role().as_str().to_string());
            }
            Ok(Some(Event::ContentBlockStart(_))) => streamed.events.push("contentBlockStart"),
            Ok(Some(Event::ContentBlockDelta(delta))) => {
                streamed.first_delta_at.get_or_insert(at);
                streamed.events.push("contentBlockDelta");
                streamed.deltas += 1;
                assert_eq!(delta.content_block_index(), 0);
                let text = delta
                    .delta()
                    .and_then(|d| d.as_text().ok())
                    .expect("a text delta");
                streamed.text.push_str(text);
            }
            Ok(Some(Event::ContentBlockStop(stop))) => {
                assert_eq!(stop.content_block_index(), 0);
                streamed.events.push("contentBlockStop");
            }
            Ok(Some(Event::MessageStop(stop))) => {
                streamed.events.push("messageStop");
                streamed.stop_reason = Some(stop.stop_reason().as_str().to_string());
            }
            Ok(Some(Event::Metadata(metadata))) => {
                streamed.events.push("metadata");
                streamed.usage = metadata
                    .usage()
                    .map(|u| (u.input_tokens(), u.output_tokens(), u.total_tokens()));
                streamed.latency_ms = metadata.metrics().map(|m| m.latency_ms());
                streamed.served = metadata
                    .performance_config()
                    .map(|p| p.latency().as_str().to_string());
            }
            Ok(Some(_)) => streamed.events.push("unknown"),
            Ok(None) => {
                streamed.end_at = at;
                return streamed;
            }
            Err(error) => {
                streamed.end_at = at;
                streamed.error = Some(error);
                return streamed;
            }
        }
    }
}

/// Send and read the whole stream; panics if `send()` fails.
pub async fn converse(client: &Client, ask: &Ask) -> Streamed {
    let output = send(client, ask).await.unwrap_or_else(|e| {
        panic!(
            "send() failed for {ask:?}: {}",
            aws_sdk_bedrockruntime::error::DisplayErrorContext(&e)
        )
    });
    drain(output).await
}
