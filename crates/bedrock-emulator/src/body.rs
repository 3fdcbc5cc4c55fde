//! Response bodies: a fixed JSON error body, or the event stream, which
//! writes each frame at its absolute deadline and records when it really
//! handed each frame to the connection.
//!
//! Frames are encoded when they are due, not when the request arrives: a
//! burst of requests must not queue behind the encoding of whole answers
//! (that would delay the next request's handling, and its TTFT).

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::eventstream::{event_frame, exception_frame};
use super::ground_truth::GroundTruthRecord;
use super::invoke_stream::chunk_frames;
use super::native::{InvocationMetrics, Native};
use super::payload;
use super::plan::StreamPlan;
use super::quota::InFlightSlot;
use super::state::Shared;
use super::wire::Wire;
use precise_timer::PreciseSleep;

use super::faults::Fault;

/// The next frame of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    MessageStart,
    Delta(usize),
    Exception,
    BlockStop,
    MessageStop,
    Metadata,
    Done,
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
            ResponseBody::Stream(stream) => stream.step == Step::Done,
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
    plan: StreamPlan,
    started: Instant,
    step: Step,
    rng: StdRng,
    sleep: PreciseSleep,
    shared: Arc<Shared>,
    record: Option<GroundTruthRecord>,
    max_lateness: Duration,
    wire: Wire,
    _slot: InFlightSlot,
}

/// The exception frame's type and message for a mid-stream fault.
fn exception_of(fault: Fault) -> (&'static str, &'static str) {
    match fault {
        Fault::ThrottleMidStream => (
            "throttlingException",
            "Too many requests, please wait before trying again.",
        ),
        _ => (
            "modelStreamErrorException",
            "The model encountered an error while streaming the response. Retry your request.",
        ),
    }
}

impl EventStream {
    /// The stream of `plan`, each frame due at `started + offset *
    /// time_scale` (`started`: the request's body was complete). `record`
    /// is this request's ground truth so far; it is completed as frames
    /// are written and pushed when the last one is (or when the stream is
    /// dropped early). `wire`: ConverseStream's events, the model
    /// family's native JSON in `chunk` events
    /// (InvokeModelWithResponseStream), or the server-sent events of Chat
    /// Completions or the Anthropic Messages API.
    pub fn new(
        plan: StreamPlan,
        started: Instant,
        shared: Arc<Shared>,
        record: GroundTruthRecord,
        slot: InFlightSlot,
        rng: &mut StdRng,
        wire: Wire,
    ) -> Self {
        let step = if plan.chunks.is_empty() {
            after_chunks(&plan)
        } else {
            Step::MessageStart
        };
        let mut stream = EventStream {
            plan,
            started,
            step,
            rng: StdRng::seed_from_u64(rng.random()),
            sleep: shared.timer.sleep_until(started),
            shared,
            record: Some(record),
            max_lateness: Duration::ZERO,
            wire,
            _slot: slot,
        };
        stream.step = stream.unskipped(stream.step);
        if let Some(deadline) = stream.deadline(stream.step) {
            stream.sleep.reset(deadline);
        }
        stream
    }

    /// When `step` is due.
    fn deadline(&self, step: Step) -> Option<Instant> {
        let offset_s = match step {
            Step::MessageStart => self.plan.chunks.first()?.at_s,
            Step::Delta(i) => self.plan.chunks.get(i)?.at_s,
            Step::Exception => self.plan.exception.as_ref()?.at_s,
            Step::BlockStop | Step::MessageStop | Step::Metadata => self.plan.end_at_s,
            Step::Done => return None,
        };
        Some(self.shared.deadline(self.started, offset_s))
    }

    /// The plan being streamed.
    pub fn plan(&self) -> &StreamPlan {
        &self.plan
    }

    /// How the stream is written.
    pub fn wire(&self) -> &Wire {
        &self.wire
    }

    /// Whether this stream writes nothing at `step`: the native and
    /// server-sent streams close with their own events (at
    /// [`Step::Metadata`]), and the text-completion formats (Llama,
    /// Mistral, DeepSeek) have no start event.
    fn skips(&self, step: Step) -> bool {
        match (&self.wire, step) {
            (Wire::Converse, _) => false,
            (_, Step::BlockStop | Step::MessageStop) => true,
            (Wire::Native(native), Step::MessageStart) => !native.has_start(),
            _ => false,
        }
    }

    /// `step`, or the first step after it that writes something.
    fn unskipped(&self, mut step: Step) -> Step {
        // At most three steps in a row are skipped.
        for _ in 0..4 {
            if !self.skips(step) {
                break;
            }
            step = self.after_step(step);
        }
        step
    }

    /// The next step that writes something after `step`.
    fn after(&self, step: Step) -> Step {
        self.unskipped(self.after_step(step))
    }

    /// The step after `step`.
    fn after_step(&self, step: Step) -> Step {
        match step {
            Step::MessageStart => Step::Delta(0),
            Step::Delta(i) if i + 1 < self.plan.chunks.len() => Step::Delta(i + 1),
            Step::Delta(_) => after_chunks(&self.plan),
            Step::BlockStop => Step::MessageStop,
            Step::MessageStop => Step::Metadata,
            Step::Exception | Step::Metadata | Step::Done => Step::Done,
        }
    }

    /// The invocation metrics of the last native chunk: the plan's
    /// tokens, its end and its first delta, on the emulator's time scale.
    fn metrics(&self) -> InvocationMetrics {
        let ms = |at_s: f64| (self.shared.scaled(at_s).as_secs_f64() * 1000.0).round() as u64;
        InvocationMetrics {
            input_tokens: self.plan.input_tokens,
            output_tokens: self.plan.output_tokens,
            invocation_ms: ms(self.plan.end_at_s),
            first_byte_ms: ms(self.plan.first_delta_s().unwrap_or(self.plan.end_at_s)),
        }
    }

    /// Encode `step`'s frames in the family's native events; the tokens
    /// they carry.
    fn encode_native(&mut self, native: &Native, step: Step) -> (Bytes, u32) {
        let rng = &mut self.rng;
        let plan = &self.plan;
        match step {
            Step::MessageStart => (chunk_frames(&native.start_events(plan), rng), 0),
            Step::Delta(i) => (
                chunk_frames(&native.delta_events(plan, i), rng),
                plan.chunks.get(i).map_or(0, |c| c.tokens),
            ),
            Step::Metadata => {
                let events = native.end_events(plan, self.metrics());
                (chunk_frames(&events, &mut self.rng), 0)
            }
            // The exception frame is ConverseStream's; the stop steps are
            // skipped.
            _ => self.encode_converse(step),
        }
    }

    /// Encode `step`'s server-sent events (Chat Completions, Messages);
    /// the tokens they carry.
    fn encode_sse(&self, wire: &Wire, step: Step) -> (Bytes, u32) {
        let plan = &self.plan;
        match step {
            Step::MessageStart => (wire.sse_start(plan), 0),
            Step::Delta(i) => (
                wire.sse_delta(plan, i),
                plan.chunks.get(i).map_or(0, |c| c.tokens),
            ),
            Step::Exception => {
                let fault = plan
                    .exception
                    .as_ref()
                    .map_or(Fault::ModelStreamError, |e| e.fault);
                let status = match fault {
                    Fault::ThrottleMidStream => http::StatusCode::TOO_MANY_REQUESTS,
                    _ => http::StatusCode::INTERNAL_SERVER_ERROR,
                };
                (wire.sse_error(status, exception_of(fault).1), 0)
            }
            Step::Metadata => (wire.sse_end(plan), 0),
            // The stop steps are skipped.
            Step::BlockStop | Step::MessageStop | Step::Done => (Bytes::new(), 0),
        }
    }

    /// Encode `step`'s frame; the tokens it carries.
    fn encode(&mut self, step: Step) -> (Bytes, u32) {
        let wire = std::mem::replace(&mut self.wire, Wire::Converse);
        let encoded = match &wire {
            Wire::Converse => self.encode_converse(step),
            Wire::Native(native) => self.encode_native(native, step),
            Wire::Chat(_) | Wire::Messages(_) => self.encode_sse(&wire, step),
        };
        self.wire = wire;
        encoded
    }

    /// Encode `step`'s ConverseStream frame; the tokens it carries.
    fn encode_converse(&mut self, step: Step) -> (Bytes, u32) {
        let rng = &mut self.rng;
        match step {
            Step::MessageStart => (event_frame("messageStart", payload::message_start(rng)), 0),
            Step::Delta(i) => payload::delta_frames(&self.plan, i, rng),
            Step::Exception => {
                let fault = self
                    .plan
                    .exception
                    .as_ref()
                    .map_or(Fault::ModelStreamError, |e| e.fault);
                let (kind, message) = exception_of(fault);
                (exception_frame(kind, message), 0)
            }
            Step::BlockStop => (
                event_frame(
                    "contentBlockStop",
                    payload::last_block_stop(&self.plan, rng),
                ),
                0,
            ),
            Step::MessageStop => {
                let stop = payload::message_stop(self.plan.stop_reason, rng);
                (event_frame("messageStop", stop), 0)
            }
            Step::Metadata => {
                let latency_ms =
                    (self.shared.scaled(self.plan.end_at_s).as_secs_f64() * 1000.0).round() as u64;
                let metadata = payload::metadata(&self.plan, latency_ms, rng);
                (event_frame("metadata", metadata), 0)
            }
            Step::Done => (Bytes::new(), 0),
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
        let step = self.step;
        let Some(deadline) = self.deadline(step) else {
            return Poll::Ready(None);
        };
        if Instant::now() < deadline {
            if self.sleep.deadline() != deadline {
                self.sleep.reset(deadline);
            }
            if Pin::new(&mut self.sleep).poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        let (bytes, tokens) = self.encode(step);
        self.step = self.after(step);
        let now = Instant::now();
        let lateness = now.saturating_duration_since(deadline);
        self.shared.lateness.record(lateness);
        self.max_lateness = self.max_lateness.max(lateness);
        let now_s = self.shared.seconds_since_start(now);
        if let Some(record) = self.record.as_mut() {
            if let Step::Delta(_) = step {
                record.first_delta_written_s.get_or_insert(now_s);
                record.deltas_written += 1;
                record.output_tokens += tokens;
            }
            record.last_frame_written_s = Some(now_s);
        }
        if self.step == Step::Done {
            let outcome = match &self.plan.exception {
                Some(exception) => exception_of(exception.fault).0.to_string(),
                None => "complete".to_string(),
            };
            self.finish(outcome);
        }
        Poll::Ready(Some(Ok(Frame::data(bytes))))
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

/// What follows the last delta: the exception, or the three stop frames.
fn after_chunks(plan: &StreamPlan) -> Step {
    if plan.exception.is_some() {
        Step::Exception
    } else {
        Step::BlockStop
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
