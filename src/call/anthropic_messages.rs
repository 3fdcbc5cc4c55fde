//! The timed call through Anthropic's Messages API on Bedrock (Amazon
//! Bedrock User Guide, "Use the Anthropic Messages API"; Anthropic API
//! reference, "Messages" and "Streaming Messages"): a `POST` to
//! `/anthropic/v1/messages` with `anthropic-version: 2023-06-01`, the
//! body of Anthropic's API (`model`, `max_tokens`, `messages`, `system`,
//! sampling, `thinking`, `stream: true`), answered with server-sent
//! events named by their `event:` line (`message_start`,
//! `content_block_delta`, `message_delta`, `message_stop`, `ping`,
//! `error`). The events' JSON is the same as InvokeModelWithResponseStream's
//! Anthropic chunks, read by the same code; `message_start` and
//! `message_delta` carry the usage.

use std::future::Future;
use std::time::Instant;

use bedrock_catalog::{Api, Family};

use super::invoke_stream::read_chunk;
use super::native_body::messages_body;
use super::sse::SseEvent;
use super::sse_call::{Failure, SseProtocol, count, error_event, event_json, timed_sse_call};
use super::{CallRecord, CallSpec, CallStatus, Caller, Usage};

/// The version header the Messages API requires.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Make one streaming Messages call; see
/// [`super::timed_call_cancellable`].
pub async fn timed_anthropic_messages_cancellable<C>(
    caller: &Caller,
    spec: &CallSpec,
    cancel: C,
) -> CallRecord
where
    C: Future<Output = ()>,
{
    let headers = [("anthropic-version", ANTHROPIC_VERSION)];
    let request = (Api::AnthropicMessages, &headers[..], messages_body(spec));
    timed_sse_call(
        &caller.http,
        spec,
        request,
        MessagesStream::default(),
        cancel,
    )
    .await
}

/// The state of one Messages stream.
#[derive(Debug, Default)]
struct MessagesStream {
    stopped: bool,
    input_tokens: Option<u32>,
    cache_read: Option<u32>,
    cache_write: Option<u32>,
}

impl SseProtocol for MessagesStream {
    fn event(
        &mut self,
        event: &SseEvent,
        at: Instant,
        keep: bool,
        record: &mut CallRecord,
    ) -> Result<(), Failure> {
        let chunk = event_json(event, "an event")?;
        let kind = event
            .event
            .as_deref()
            .or_else(|| chunk["type"].as_str())
            .unwrap_or_default();
        match kind {
            "error" => return Err(error_event(&chunk["error"])),
            "message_start" => {
                let usage = &chunk["message"]["usage"];
                self.input_tokens = count(&usage["input_tokens"]);
                self.cache_read = count(&usage["cache_read_input_tokens"]);
                self.cache_write = count(&usage["cache_creation_input_tokens"]);
            }
            "message_delta" => {
                if let Some(output) = count(&chunk["usage"]["output_tokens"]) {
                    let input = self.input_tokens.unwrap_or(0);
                    record.usage = Some(Usage {
                        input_tokens: input,
                        output_tokens: output,
                        total_tokens: input
                            .saturating_add(output)
                            .saturating_add(self.cache_read.unwrap_or(0))
                            .saturating_add(self.cache_write.unwrap_or(0)),
                        cache_read_input_tokens: self.cache_read,
                        cache_write_input_tokens: self.cache_write,
                    });
                }
            }
            "message_stop" => self.stopped = true,
            _ => {}
        }
        read_chunk(Family::Anthropic, &chunk, at, keep, record);
        Ok(())
    }

    fn finish(&self, record: &CallRecord) -> Result<(), Failure> {
        let problem = if !self.stopped {
            "the event stream ended before its message_stop event"
        } else if record.usage.is_none() {
            "the event stream reported no usage (message_delta without output_tokens)"
        } else {
            return Ok(());
        };
        Err((CallStatus::Error("IncompleteStream".into()), problem.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, data: &str) -> SseEvent {
        SseEvent {
            event: Some(name.into()),
            data: data.into(),
        }
    }

    #[test]
    fn text_deltas_count_and_the_usage_comes_from_start_and_delta() {
        let mut stream = MessagesStream::default();
        let mut record = CallRecord::start(4);
        for (name, data) in [
            (
                "message_start",
                r#"{"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}"#,
            ),
            (
                "content_block_start",
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            ),
            ("ping", r#"{"type":"ping"}"#),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
            ),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}"#,
            ),
            (
                "message_delta",
                r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}"#,
            ),
        ] {
            stream
                .event(&event(name, data), Instant::now(), true, &mut record)
                .expect("read");
        }
        assert!(stream.finish(&record).is_err(), "no message_stop yet");
        stream
            .event(
                &event("message_stop", r#"{"type":"message_stop"}"#),
                Instant::now(),
                true,
                &mut record,
            )
            .expect("read");
        assert!(stream.finish(&record).is_ok());
        assert_eq!(record.deltas.len(), 2);
        assert_eq!(record.answer, "Hi there");
        assert!(record.message_start_at.is_some());
        assert_eq!(record.stop_reason.as_deref(), Some("end_turn"));
        assert_eq!(
            (record.input_tokens(), record.output_tokens()),
            (Some(10), Some(2))
        );
    }

    #[test]
    fn an_error_event_ends_the_call() {
        let mut stream = MessagesStream::default();
        let mut record = CallRecord::start(4);
        let failure = stream
            .event(
                &event("error", r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
                Instant::now(),
                true,
                &mut record,
            )
            .expect_err("an error");
        assert_eq!(
            failure.0,
            CallStatus::Error("ServiceUnavailableException".into())
        );
    }
}
