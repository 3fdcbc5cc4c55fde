//! The timed call through the OpenAI-compatible Chat Completions API
//! (Amazon Bedrock User Guide, "Generate responses using OpenAI APIs";
//! OpenAI API reference, "Create chat completion" and "The chat
//! completion chunk object"): a `POST` of `model`, `messages` (the system
//! prompt as a `system` message), `max_tokens`, sampling, `stream: true`
//! and `stream_options.include_usage`, answered with server-sent events
//! of `chat.completion.chunk` objects ended by `data: [DONE]`. A chunk's
//! `delta.content` (or `delta.reasoning_content`, `delta.tool_calls`) is a
//! content delta; the chunk with `usage` gives the token counts.

use std::future::Future;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::native_body::turns;
use super::sse::SseEvent;
use super::sse_call::{Failure, SseProtocol, count, error_event, event_json, timed_sse_call};
use super::{CallRecord, CallSpec, CallStatus, Caller, DeltaKind, Usage};
use bedrock_catalog::Api;

/// Make one streaming Chat Completions call; see
/// [`super::timed_call_cancellable`].
pub async fn timed_openai_chat_cancellable<C>(
    caller: &Caller,
    spec: &CallSpec,
    cancel: C,
) -> CallRecord
where
    C: Future<Output = ()>,
{
    let request = (Api::OpenAiChat, &[][..], chat_body(spec));
    timed_sse_call(&caller.http, spec, request, ChatStream::default(), cancel).await
}

/// The request body for `spec`.
pub fn chat_body(spec: &CallSpec) -> Value {
    let mut messages = Vec::new();
    if let Some(system) = &spec.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.extend(turns(spec).map(|(role, text)| json!({"role": role, "content": text})));
    let mut body = Map::new();
    body.insert("model".into(), spec.model_id.clone().into());
    body.insert("messages".into(), messages.into());
    body.insert("max_tokens".into(), spec.max_tokens.into());
    if let Some(temperature) = spec.temperature {
        body.insert("temperature".into(), f64::from(temperature).into());
    }
    if let Some(top_p) = spec.top_p {
        body.insert("top_p".into(), f64::from(top_p).into());
    }
    body.insert("stream".into(), true.into());
    body.insert("stream_options".into(), json!({"include_usage": true}));
    Value::Object(body)
}

/// The state of one Chat Completions stream.
#[derive(Debug, Default)]
struct ChatStream {
    done: bool,
}

/// The first non-empty string among `delta`'s `keys`.
fn text<'a>(delta: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|key| delta[*key].as_str().filter(|text| !text.is_empty()))
}

impl SseProtocol for ChatStream {
    fn event(
        &mut self,
        event: &SseEvent,
        at: Instant,
        keep: bool,
        record: &mut CallRecord,
    ) -> Result<(), Failure> {
        if event.data.trim() == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        let chunk = event_json(event, "a chunk")?;
        if let Some(error) = chunk.get("error").filter(|error| !error.is_null()) {
            return Err(error_event(error));
        }
        for choice in chunk["choices"].as_array().into_iter().flatten() {
            let delta = &choice["delta"];
            if delta.get("role").is_some() && record.message_start_at.is_none() {
                record.message_start_at = Some(at);
            }
            if let Some(content) = text(delta, &["content"]) {
                record.deltas.push(at);
                record.delta_kinds.note(DeltaKind::Text, at);
                if keep {
                    record.answer.push_str(content);
                }
            } else if text(delta, &["reasoning_content", "reasoning"]).is_some() {
                record.deltas.push(at);
                record.delta_kinds.note(DeltaKind::Reasoning, at);
            } else if delta["tool_calls"]
                .as_array()
                .is_some_and(|calls| !calls.is_empty())
            {
                record.deltas.push(at);
                record.delta_kinds.note(DeltaKind::ToolUse, at);
            }
            if let Some(reason) = choice["finish_reason"].as_str() {
                record.stop_reason = Some(reason.to_string());
            }
        }
        let usage = &chunk["usage"];
        if let (Some(input), Some(output)) = (
            count(&usage["prompt_tokens"]),
            count(&usage["completion_tokens"]),
        ) {
            let cached = count(&usage["prompt_tokens_details"]["cached_tokens"]);
            record.usage = Some(Usage {
                input_tokens: input.saturating_sub(cached.unwrap_or(0)),
                output_tokens: output,
                total_tokens: count(&usage["total_tokens"]).unwrap_or(input.saturating_add(output)),
                cache_read_input_tokens: cached,
                cache_write_input_tokens: None,
            });
        }
        Ok(())
    }

    fn finish(&self, _record: &CallRecord) -> Result<(), Failure> {
        if self.done {
            Ok(())
        } else {
            Err((
                CallStatus::Error("IncompleteStream".into()),
                "the event stream ended before `data: [DONE]`".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(stream: &mut ChatStream, record: &mut CallRecord, data: &str) -> Result<(), Failure> {
        let event = SseEvent {
            event: None,
            data: data.into(),
        };
        stream.event(&event, Instant::now(), true, record)
    }

    #[test]
    fn content_chunks_are_deltas_and_the_usage_chunk_counts_tokens() {
        let mut stream = ChatStream::default();
        let mut record = CallRecord::start(4);
        for data in [
            r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}"#,
        ] {
            feed(&mut stream, &mut record, data).expect("read");
        }
        assert_eq!(record.deltas.len(), 2);
        assert_eq!(record.answer, "Hi there");
        assert!(record.message_start_at.is_some());
        assert_eq!(record.stop_reason.as_deref(), Some("stop"));
        assert_eq!(
            (record.input_tokens(), record.output_tokens()),
            (Some(10), Some(2))
        );
        assert!(stream.finish(&record).is_err(), "no [DONE] yet");
        feed(&mut stream, &mut record, "[DONE]").expect("read");
        assert!(stream.finish(&record).is_ok());
    }

    #[test]
    fn an_error_chunk_ends_the_call_with_its_name() {
        let mut stream = ChatStream::default();
        let mut record = CallRecord::start(4);
        let failure = feed(
            &mut stream,
            &mut record,
            r#"{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":null}}"#,
        )
        .expect_err("an error");
        assert!(failure.0.is_throttle());
        assert_eq!(failure.1, "slow down");
    }

    #[test]
    fn the_body_asks_for_a_stream_with_usage() {
        let mut spec = CallSpec::new("deepseek.v3-v1:0", "Hello", 32);
        spec.system = Some("Be brief.".into());
        spec.temperature = Some(0.5);
        let body = chat_body(&spec);
        assert_eq!(body["model"], "deepseek.v3-v1:0");
        assert_eq!(
            body["messages"][0],
            json!({"role": "system", "content": "Be brief."})
        );
        assert_eq!(
            body["messages"][1],
            json!({"role": "user", "content": "Hello"})
        );
        assert_eq!(body["max_tokens"], 32);
        assert_eq!(body["stream"], true);
        assert_eq!(body["stream_options"]["include_usage"], true);
    }
}
