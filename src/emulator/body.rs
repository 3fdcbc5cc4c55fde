//! Response bodies: a fixed JSON error body, or the event stream, which
//! writes each frame at its absolute deadline and records when it really
//! handed each frame to the connection.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use rand::Rng;

use super::eventstream::{event_frame, exception_frame};
use super::ground_truth::GroundTruthRecord;
use super::payload;
use super::plan::StreamPlan;
use super::quota::InFlightSlot;
use super::state::Shared;

/// What a frame is, for the ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Delta { tokens: u32 },
    Other,
}

/// A frame and the instant it is due.
#[derive(Debug)]
struct ScheduledFrame {
    deadline: Instant,
    bytes: Bytes,
    kind: FrameKind,
}

/// The body of every emulator response.
#[derive(Debug)]
pub enum ResponseBody {
    /// A complete body (JSON error), sent at once.
    Full(Option<Bytes>),
    /// An event stream.
    Stream(Box<EventStream>),
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            ResponseBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            ResponseBody::Stream(stream) => stream.poll_next_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ResponseBody::Full(bytes) => bytes.is_none(),
            ResponseBody::Stream(stream) => stream.frames.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            ResponseBody::Full(None) => SizeHint::with_exact(0),
            ResponseBody::Stream(_) => SizeHint::default(),
        }
    }
}

/// The event stream of one request.
#[derive(Debug)]
pub struct EventStream {
    frames: VecDeque<ScheduledFrame>,
    sleep: Pin<Box<tokio::time::Sleep>>,
    shared: Arc<Shared>,
    record: Option<GroundTruthRecord>,
    outcome_when_complete: String,
    max_lateness: Duration,
    _slot: InFlightSlot,
}

impl EventStream {
    /// Lay out every frame of `plan` at `received + offset * time_scale`.
    /// `record` is this request's ground truth so far; it is completed as
    /// frames are written and pushed when the last one is (or when the
    /// stream is dropped early).
    pub fn new(
        plan: &StreamPlan,
        received: Instant,
        shared: Arc<Shared>,
        record: GroundTruthRecord,
        slot: InFlightSlot,
        rng: &mut impl Rng,
    ) -> Self {
        let at = |offset_s: f64| shared.deadline(received, offset_s);
        let mut frames = VecDeque::with_capacity(plan.chunks.len() + 4);
        let mut push = |deadline: Instant, bytes: Bytes, kind: FrameKind| {
            frames.push_back(ScheduledFrame {
                deadline,
                bytes,
                kind,
            });
        };
        if let Some(first) = plan.chunks.first() {
            push(
                at(first.at_s),
                event_frame("messageStart", &payload::message_start(rng)),
                FrameKind::Other,
            );
        }
        let mut token_index = 0;
        for chunk in &plan.chunks {
            let text = payload::chunk_text(token_index, chunk.tokens);
            token_index += chunk.tokens;
            push(
                at(chunk.at_s),
                event_frame(
                    "contentBlockDelta",
                    &payload::content_block_delta(&text, rng),
                ),
                FrameKind::Delta {
                    tokens: chunk.tokens,
                },
            );
        }
        let outcome_when_complete = match &plan.exception {
            Some(exception) => {
                let (kind, message) = match exception.fault {
                    super::faults::Fault::ThrottleMidStream => (
                        "throttlingException",
                        "Too many requests, please wait before trying again.",
                    ),
                    _ => (
                        "modelStreamErrorException",
                        "The model encountered an error while streaming the response. Retry your request.",
                    ),
                };
                push(
                    at(exception.at_s),
                    exception_frame(kind, message),
                    FrameKind::Other,
                );
                kind.to_string()
            }
            None => {
                let end = at(plan.end_at_s);
                let latency_ms =
                    (shared.scaled(plan.end_at_s).as_secs_f64() * 1000.0).round() as u64;
                push(
                    end,
                    event_frame("contentBlockStop", &payload::content_block_stop(rng)),
                    FrameKind::Other,
                );
                push(
                    end,
                    event_frame("messageStop", &payload::message_stop(plan.stop_reason, rng)),
                    FrameKind::Other,
                );
                let served = plan.served.map(|s| s.as_str());
                let metadata = payload::metadata(
                    plan.input_tokens,
                    plan.output_tokens,
                    latency_ms,
                    served,
                    rng,
                );
                push(end, event_frame("metadata", &metadata), FrameKind::Other);
                "complete".to_string()
            }
        };
        let first_deadline = frames.front().map_or(received, |f| f.deadline);
        EventStream {
            frames,
            sleep: Box::pin(tokio::time::sleep_until(first_deadline.into())),
            shared,
            record: Some(record),
            outcome_when_complete,
            max_lateness: Duration::ZERO,
            _slot: slot,
        }
    }

    fn poll_next_frame(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(record) = self.record.as_mut() {
            // hyper polls the body right after it encodes the response head
            // and flushes both together; this is the head's write time.
            if record.headers_written_s.is_none() {
                record.headers_written_s = Some(self.shared.seconds_since_start(Instant::now()));
            }
        }
        let Some(next) = self.frames.front() else {
            return Poll::Ready(None);
        };
        let deadline = next.deadline;
        if Instant::now() < deadline {
            if self.sleep.deadline().into_std() != deadline {
                self.sleep.as_mut().reset(deadline.into());
            }
            if self.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        let Some(frame) = self.frames.pop_front() else {
            return Poll::Ready(None);
        };
        let now = Instant::now();
        let lateness = now.saturating_duration_since(deadline);
        self.shared.lateness.record(lateness);
        self.max_lateness = self.max_lateness.max(lateness);
        let now_s = self.shared.seconds_since_start(now);
        if let Some(record) = self.record.as_mut() {
            if let FrameKind::Delta { tokens } = frame.kind {
                record.first_delta_written_s.get_or_insert(now_s);
                record.deltas_written += 1;
                record.output_tokens += tokens;
            }
            record.last_frame_written_s = Some(now_s);
        }
        if self.frames.is_empty() {
            let outcome = std::mem::take(&mut self.outcome_when_complete);
            self.finish(outcome);
        }
        Poll::Ready(Some(Ok(Frame::data(frame.bytes))))
    }

    fn finish(&mut self, outcome: String) {
        if let Some(mut record) = self.record.take() {
            record.outcome = outcome;
            record.max_frame_lateness_s = Some(self.max_lateness.as_secs_f64());
            if record.outcome != "complete" {
                // The served config is only reported by the metadata event.
                record.served_performance = None;
            }
            self.shared.ground_truth.push(record);
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        if self.record.is_some() {
            let outcome = if self.shared.is_shutting_down() {
                "shutdown"
            } else {
                "client_disconnected"
            };
            self.finish(outcome.to_string());
        }
    }
}
