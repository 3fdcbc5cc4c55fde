//! The timed Converse call: the whole answer in one response, so there
//! is no time to first token; `t0` is taken immediately before `send()`
//! and the end immediately after it returns (the total latency).

use std::future::Future;
use std::time::{Instant, SystemTime};

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::ContentBlock;

use super::status::classify_error;
use super::{
    BEFORE_RESPONSE, CallRecord, CallSpec, Usage, Wait, deadline, ended, interrupted, non_negative,
    wait,
};

/// Make one Converse call; see [`super::timed_call_cancellable`].
pub async fn timed_converse_cancellable<C>(
    client: &Client,
    spec: &CallSpec,
    cancel: C,
) -> CallRecord
where
    C: Future<Output = ()>,
{
    let mut cancel = std::pin::pin!(cancel);
    let parts = spec.to_request_parts();
    let request = client
        .converse()
        .model_id(spec.model_id.clone())
        .set_messages(Some(parts.messages))
        .set_system(parts.system)
        .inference_config(parts.inference)
        .set_performance_config(parts.performance)
        .set_additional_model_request_fields(parts.additional_fields)
        .set_service_tier(parts.service_tier)
        .set_tool_config(parts.tool_config)
        .set_guardrail_config(
            spec.variant
                .guardrail
                .as_ref()
                .map(super::spec::sdk_guardrail),
        );
    let mut record = CallRecord::start(0);
    record.started_at = SystemTime::now();
    record.t0 = Instant::now();
    let mut expiry = std::pin::pin!(deadline(record.t0, spec));
    let (sent, at) = wait(request.send(), &mut expiry, &mut cancel).await;
    match sent {
        Wait::Done(Ok(output)) => {
            record.response_at = Some(at);
            record.end_at = Some(at);
            record.request_id = output.request_id().map(str::to_string);
            if let Some(usage) = output.usage() {
                record.usage = Some(Usage {
                    input_tokens: non_negative(usage.input_tokens()),
                    output_tokens: non_negative(usage.output_tokens()),
                    total_tokens: non_negative(usage.total_tokens()),
                    cache_read_input_tokens: usage.cache_read_input_tokens().map(non_negative),
                    cache_write_input_tokens: usage.cache_write_input_tokens().map(non_negative),
                });
            }
            record.server_latency_ms = output.metrics().map(|m| m.latency_ms());
            record.stop_reason = Some(output.stop_reason().as_str().to_string());
            record.served_performance = output
                .performance_config()
                .map(|p| p.latency().as_str().to_string());
            record.served_service_tier = output
                .service_tier()
                .map(|tier| tier.r#type().as_str().to_string());
            if spec.keep_answer
                && let Some(message) = output.output().and_then(|o| o.as_message().ok())
            {
                for block in message.content() {
                    if let ContentBlock::Text(text) = block {
                        record.answer.push_str(text);
                    }
                }
            }
            record
        }
        Wait::Done(Err(error)) => {
            record.request_id = error.request_id().map(str::to_string);
            let (status, message) = classify_error(&error);
            ended(record, at, status, message)
        }
        Wait::Timeout => interrupted(record, at, spec, true, BEFORE_RESPONSE),
        Wait::Cancelled => interrupted(record, at, spec, false, BEFORE_RESPONSE),
    }
}
