//! The record of one call: raw monotonic instants, what the service
//! reported, and the derived metrics (defined in the crate's `metrics` module) as methods.

use std::time::{Duration, Instant, SystemTime};

use super::status::CallStatus;
use crate::axes::CacheState;
use crate::metrics;

/// `metadata.usage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// `inputTokens` (the input not read from or written to the cache).
    pub input_tokens: u32,
    /// `outputTokens`.
    pub output_tokens: u32,
    /// `totalTokens`.
    pub total_tokens: u32,
    /// `cacheReadInputTokens`, when reported.
    pub cache_read_input_tokens: Option<u32>,
    /// `cacheWriteInputTokens`, when reported.
    pub cache_write_input_tokens: Option<u32>,
}

/// The kind of a `contentBlockDelta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeltaKind {
    /// `text`.
    Text,
    /// `reasoningContent` (text, signature or redacted content).
    Reasoning,
    /// `toolUse` (a piece of the tool input JSON).
    ToolUse,
    /// `citation`.
    Citation,
    /// Anything else (images, tool results, kinds newer than the SDK).
    Other,
}

impl DeltaKind {
    /// `text`, `reasoning`, `tool_use`, `citation` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaKind::Text => "text",
            DeltaKind::Reasoning => "reasoning",
            DeltaKind::ToolUse => "tool_use",
            DeltaKind::Citation => "citation",
            DeltaKind::Other => "other",
        }
    }

    /// The kind named `text`, as written by [`DeltaKind::as_str`].
    pub fn from_name(text: &str) -> Option<DeltaKind> {
        [
            DeltaKind::Text,
            DeltaKind::Reasoning,
            DeltaKind::ToolUse,
            DeltaKind::Citation,
            DeltaKind::Other,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// What kinds of deltas a call received: the first one's kind, when the
/// first text and the first reasoning delta arrived, and how many of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeltaKinds {
    /// The kind of the first `contentBlockDelta`.
    pub first: Option<DeltaKind>,
    /// Receipt of the first `text` delta.
    pub first_text_at: Option<Instant>,
    /// Receipt of the first `reasoningContent` delta.
    pub first_reasoning_at: Option<Instant>,
    /// `reasoningContent` deltas received.
    pub reasoning: u32,
    /// `toolUse` deltas received.
    pub tool_use: u32,
    /// `contentBlockStart` events with a `toolUse` start.
    pub tool_use_blocks: u32,
}

impl DeltaKinds {
    /// Note a delta of `kind` received `at`.
    pub fn note(&mut self, kind: DeltaKind, at: Instant) {
        if self.first.is_none() {
            self.first = Some(kind);
        }
        match kind {
            DeltaKind::Text if self.first_text_at.is_none() => self.first_text_at = Some(at),
            DeltaKind::Reasoning => {
                if self.first_reasoning_at.is_none() {
                    self.first_reasoning_at = Some(at);
                }
                self.reasoning += 1;
            }
            DeltaKind::ToolUse => self.tool_use += 1,
            _ => {}
        }
    }
}

/// Everything one ConverseStream call recorded. Durations are derived
/// from the raw instants, never stored.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// Wall-clock time just before `t0` (for timestamps only).
    pub started_at: SystemTime,
    /// Taken immediately before the SDK's `send()`.
    pub t0: Instant,
    /// `send()` returned: the response head is in, the stream open.
    pub response_at: Option<Instant>,
    /// Receipt of `messageStart`.
    pub message_start_at: Option<Instant>,
    /// Receipt of each `contentBlockDelta`, in order.
    pub deltas: Vec<Instant>,
    /// The stream ended (after `metadata`), or the call failed or timed out.
    pub end_at: Option<Instant>,
    /// `metadata.usage`, when it arrived.
    pub usage: Option<Usage>,
    /// `metadata.metrics.latencyMs`.
    pub server_latency_ms: Option<i64>,
    /// The service's own first-byte latency, ms, where the API reports
    /// it (InvokeModelWithResponseStream's invocation metrics).
    pub server_first_byte_ms: Option<i64>,
    /// InvokeModel's `amazon-bedrock-guardrailAction` (`INTERVENED`,
    /// `NONE`), when the stream carried one.
    pub guardrail_reported: Option<String>,
    /// `metadata.performanceConfig.latency`, what was actually served.
    pub served_performance: Option<String>,
    /// `metadata.serviceTier.type`, the tier actually served.
    pub served_service_tier: Option<String>,
    /// The kinds of the deltas received.
    pub delta_kinds: DeltaKinds,
    /// `messageStop.stopReason`.
    pub stop_reason: Option<String>,
    /// `x-amzn-RequestId`.
    pub request_id: Option<String>,
    /// How the call ended.
    pub status: CallStatus,
    /// The error's message, for a failed call.
    pub error_message: Option<String>,
    /// The answer's text, when the request asked to keep it
    /// (`CallSpec::keep_answer`); empty otherwise.
    pub answer: String,
}

fn seconds(from: Instant, to: Option<Instant>) -> Option<f64> {
    to.map(|to| to.saturating_duration_since(from).as_secs_f64())
}

impl CallRecord {
    /// An empty record starting now; `expected_deltas` reserves room so
    /// that pushing an instant never reallocates in the common case.
    pub fn start(expected_deltas: usize) -> Self {
        CallRecord {
            started_at: SystemTime::now(),
            t0: Instant::now(),
            response_at: None,
            message_start_at: None,
            deltas: Vec::with_capacity(expected_deltas),
            end_at: None,
            usage: None,
            server_latency_ms: None,
            server_first_byte_ms: None,
            guardrail_reported: None,
            served_performance: None,
            served_service_tier: None,
            delta_kinds: DeltaKinds::default(),
            stop_reason: None,
            request_id: None,
            status: CallStatus::Success,
            error_message: None,
            answer: String::new(),
        }
    }

    /// `send()` returned, seconds after t0.
    pub fn time_to_response(&self) -> Option<f64> {
        seconds(self.t0, self.response_at)
    }

    /// Time to first token: the first `contentBlockDelta`, seconds after t0.
    pub fn ttft(&self) -> Option<f64> {
        seconds(self.t0, self.deltas.first().copied())
    }

    /// Total latency: the end of the stream (or of the failed call),
    /// seconds after t0.
    pub fn total_latency(&self) -> Option<f64> {
        seconds(self.t0, self.end_at)
    }

    /// Time to the first `text` delta, seconds after t0: what a chat
    /// user sees after the model has reasoned.
    pub fn time_to_first_text(&self) -> Option<f64> {
        seconds(self.t0, self.delta_kinds.first_text_at)
    }

    /// Reasoning time: from the first reasoning delta to the first text
    /// delta, seconds (`None` unless both arrived).
    pub fn reasoning_time(&self) -> Option<f64> {
        let from = self.delta_kinds.first_reasoning_at?;
        seconds(from, self.delta_kinds.first_text_at)
    }

    /// What the call did with the prompt cache (`None` without usage).
    pub fn cache_state(&self) -> Option<CacheState> {
        self.usage.map(|u| {
            CacheState::of(
                u.cache_read_input_tokens.map(u64::from),
                u.cache_write_input_tokens.map(u64::from),
            )
        })
    }

    /// Whether a guardrail intervened: `INTERVENED` when the stream said
    /// so (InvokeModel's `amazon-bedrock-guardrailAction`, or the stop
    /// reason `guardrail_intervened`), `NONE` for another successful call
    /// or the action the stream reported; `None` when a failed call never
    /// said.
    pub fn guardrail_action(&self) -> Option<&str> {
        if self.stop_reason.as_deref() == Some("guardrail_intervened") {
            return Some("INTERVENED");
        }
        match &self.guardrail_reported {
            Some(action) => Some(action),
            None if self.status.is_success() => Some("NONE"),
            None => None,
        }
    }

    /// `usage.outputTokens`.
    pub fn output_tokens(&self) -> Option<u32> {
        self.usage.map(|u| u.output_tokens)
    }

    /// `usage.inputTokens`.
    pub fn input_tokens(&self) -> Option<u32> {
        self.usage.map(|u| u.input_tokens)
    }

    /// The Python tool's OTPS: output tokens / total latency (see the
    /// crate's `metrics::otps`).
    pub fn otps(&self) -> Option<f64> {
        metrics::otps(self.output_tokens().map(f64::from), self.total_latency())
    }

    /// Decode speed: (output tokens - 1) / (total latency - TTFT).
    pub fn generation_otps(&self) -> Option<f64> {
        metrics::generation_otps(
            self.output_tokens().map(f64::from),
            self.ttft(),
            self.total_latency(),
        )
    }

    /// Time per output token: (total latency - TTFT) / (output tokens - 1).
    pub fn tpot(&self) -> Option<f64> {
        metrics::tpot(
            self.output_tokens().map(f64::from),
            self.ttft(),
            self.total_latency(),
        )
    }

    /// Total latency / output tokens: criterion's OTPS measurement.
    pub fn time_per_output_token(&self) -> Option<f64> {
        metrics::time_per_output_token(self.output_tokens().map(f64::from), self.total_latency())
    }

    /// Gaps between consecutive `contentBlockDelta` receipts.
    pub fn inter_chunk_gaps(&self) -> impl Iterator<Item = Duration> + '_ {
        self.deltas
            .windows(2)
            .map(|w| w[1].saturating_duration_since(w[0]))
    }

    /// Number of `contentBlockDelta` events received.
    pub fn chunk_count(&self) -> usize {
        self.deltas.len()
    }

    /// Receipt of each delta, seconds after t0.
    pub fn delta_offsets(&self) -> impl Iterator<Item = f64> + '_ {
        self.deltas
            .iter()
            .map(|d| d.saturating_duration_since(self.t0).as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ttft_ms: u64, gaps_ms: &[u64], tail_ms: u64, output: u32) -> CallRecord {
        let mut r = CallRecord::start(8);
        let mut at = r.t0 + Duration::from_millis(ttft_ms);
        r.response_at = Some(r.t0 + Duration::from_millis(5));
        r.deltas.push(at);
        for gap in gaps_ms {
            at += Duration::from_millis(*gap);
            r.deltas.push(at);
        }
        r.end_at = Some(at + Duration::from_millis(tail_ms));
        r.usage = Some(Usage {
            input_tokens: 10,
            output_tokens: output,
            total_tokens: 10 + output,
            ..Usage::default()
        });
        r
    }

    #[test]
    fn metrics_follow_the_design_definitions() {
        let r = record(500, &[100, 100, 100, 100], 100, 6);
        assert!((r.ttft().unwrap() - 0.5).abs() < 1e-9);
        assert!((r.total_latency().unwrap() - 1.0).abs() < 1e-9);
        assert!((r.time_to_response().unwrap() - 0.005).abs() < 1e-9);
        assert!((r.otps().unwrap() - 6.0).abs() < 1e-9);
        assert!((r.generation_otps().unwrap() - 10.0).abs() < 1e-9);
        assert!((r.tpot().unwrap() - 0.1).abs() < 1e-9);
        assert_eq!(r.chunk_count(), 5);
        let gaps: Vec<Duration> = r.inter_chunk_gaps().collect();
        assert_eq!(gaps, vec![Duration::from_millis(100); 4]);
        let offsets: Vec<f64> = r.delta_offsets().collect();
        assert!((offsets[4] - 0.9).abs() < 1e-9);
    }

    #[test]
    fn undefined_metrics_are_none_not_zero_or_infinite() {
        let one_token = record(500, &[], 0, 1);
        assert_eq!(one_token.generation_otps(), None);
        assert_eq!(one_token.tpot(), None);
        let mut failed = CallRecord::start(0);
        failed.end_at = Some(failed.t0);
        assert_eq!(failed.ttft(), None);
        assert_eq!(failed.otps(), None);
        assert_eq!(failed.output_tokens(), None);
    }
}
