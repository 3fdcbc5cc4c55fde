//! How an answer is written: ConverseStream's events, the model family's
//! native events (InvokeModel*), Chat Completions' server-sent events, or
//! the Anthropic Messages API's. Every wire writes the same plan.

use bytes::Bytes;
use http::StatusCode;

use crate::dialect::Dialect;
use crate::messages;
use crate::native::Native;
use crate::openai::stream::ChatWire;
use crate::plan::StreamPlan;

/// The wire of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    /// Converse and ConverseStream.
    Converse,
    /// InvokeModel and InvokeModelWithResponseStream: the family's native
    /// JSON (in `chunk` events when streamed).
    Native(Native),
    /// Chat Completions.
    Chat(ChatWire),
    /// The Anthropic Messages API (the native Anthropic events, as
    /// server-sent events).
    Messages(Native),
}

impl Wire {
    /// The dialect its errors are written in.
    pub fn dialect(&self) -> Dialect {
        match self {
            Wire::Converse | Wire::Native(_) => Dialect::Bedrock,
            Wire::Chat(_) => Dialect::OpenAi,
            Wire::Messages(_) => Dialect::Anthropic,
        }
    }

    /// Whether the stream is server-sent events (`text/event-stream`).
    pub fn is_sse(&self) -> bool {
        matches!(self, Wire::Chat(_) | Wire::Messages(_))
    }

    /// The server-sent events of the answer's start (the role chunk, or
    /// `message_start` and `ping`); empty for the other wires.
    pub fn sse_start(&self, plan: &StreamPlan) -> Bytes {
        match self {
            Wire::Chat(chat) => chat.start_frame(),
            Wire::Messages(native) => messages::sse_frames(&[
                native
                    .start_events(plan)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
                messages::ping(),
            ]),
            _ => Bytes::new(),
        }
    }

    /// The server-sent events of chunk `index`.
    pub fn sse_delta(&self, plan: &StreamPlan, index: usize) -> Bytes {
        match self {
            Wire::Chat(chat) => chat.delta_frame(plan, index),
            Wire::Messages(native) => messages::sse_frames(&native.delta_events(plan, index)),
            _ => Bytes::new(),
        }
    }

    /// The closing server-sent events.
    pub fn sse_end(&self, plan: &StreamPlan) -> Bytes {
        match self {
            Wire::Chat(chat) => chat.end_frames(plan),
            Wire::Messages(_) => messages::sse_frames(&crate::native::anthropic::end_events(plan)),
            _ => Bytes::new(),
        }
    }

    /// The server-sent event of a failure mid-stream.
    pub fn sse_error(&self, status: StatusCode, message: &str) -> Bytes {
        match self {
            Wire::Chat(_) => ChatWire::error_frame(status, message),
            Wire::Messages(_) => messages::error_frame(status, message),
            _ => Bytes::new(),
        }
    }
}
