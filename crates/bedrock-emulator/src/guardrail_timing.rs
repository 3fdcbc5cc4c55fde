//! When a guarded answer's deltas are released (Amazon Bedrock User
//! Guide, "Use a guardrail with streaming"): the input is assessed first,
//! so the model starts [`GuardrailTiming::input_check`] later; then, in
//! synchronous mode, the output is held back and checked in units of
//! [`GuardrailTiming::unit_tokens`] tokens, each unit going out
//! [`GuardrailTiming::unit_check`] after its last token exists; in
//! asynchronous mode the deltas go out when they exist and the checks run
//! in the background. Converse and InvokeModel return once the whole
//! answer is checked: the input check and every unit's check.
//!
//! No public figure gives a guardrail's check latency: the defaults are
//! illustrative knobs. Like every other duration they are model time, on
//! the emulator's time scale.

use std::time::Duration;

use crate::faults::Fault;
use crate::guardrail::{GuardrailMode, GuardrailRequest};
use crate::guardrail_outcome::{GuardrailOutcome, UnitCheck};
use crate::plan::StreamPlan;
use crate::timeline::{ChunkKind, PlannedChunk};
use crate::words::{chunk_text, reasoning_text};

/// A guardrail's check latencies (illustrative: no public figure gives
/// them), in model time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardrailTiming {
    /// The input assessment, before the model starts (default 0 ms).
    pub input_check: Duration,
    /// Output tokens checked at once in synchronous mode (default 32; at
    /// least 1).
    pub unit_tokens: u32,
    /// The check of one output unit (default 150 ms).
    pub unit_check: Duration,
}

impl Default for GuardrailTiming {
    fn default() -> Self {
        GuardrailTiming {
            input_check: Duration::ZERO,
            unit_tokens: 32,
            unit_check: Duration::from_millis(150),
        }
    }
}

impl GuardrailTiming {
    /// Check that the settings are usable; the error names the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.unit_tokens == 0 {
            return Err(
                "the guardrail unit (guardrail.unit_tokens) must be at least 1 token".into(),
            );
        }
        let week = Duration::from_secs(7 * 24 * 60 * 60);
        if self.input_check > week || self.unit_check > week {
            return Err("a guardrail check latency (guardrail.input_check, guardrail.unit_check) must be at most a week".into());
        }
        Ok(())
    }
}

/// The first of `blocked_words` (lower case) found in `text`, ignoring
/// case.
pub fn blocked_word(blocked_words: &[String], text: &str) -> Option<String> {
    if blocked_words.is_empty() {
        return None;
    }
    let text = text.to_lowercase();
    blocked_words
        .iter()
        .find(|word| !word.is_empty() && text.contains(word.as_str()))
        .cloned()
}

/// Characters of text a chunk carries.
fn chunk_chars(chunk: &PlannedChunk) -> u32 {
    let chars = match chunk.kind {
        ChunkKind::Text { first_token } => chunk_text(first_token, chunk.tokens).len(),
        ChunkKind::Reasoning { first_token } => reasoning_text(first_token, chunk.tokens).len(),
        ChunkKind::ToolInput { from, to } => to.saturating_sub(from),
        ChunkKind::Signature => 0,
    };
    u32::try_from(chars).unwrap_or(u32::MAX)
}

/// The output units of `chunks`: for each chunk, the unit it is released
/// with (the unit holding its last token); for each unit, the offset of
/// its last chunk and its characters.
fn units_of(chunks: &[PlannedChunk], unit_tokens: u32) -> (Vec<usize>, Vec<(f64, u32)>) {
    let unit_tokens = unit_tokens.max(1);
    let mut of_chunk = Vec::with_capacity(chunks.len());
    let mut units: Vec<(u32, f64, u32)> = Vec::new();
    let mut tokens = 0u32;
    for chunk in chunks {
        tokens = tokens.saturating_add(chunk.tokens);
        let index = tokens.saturating_sub(1) / unit_tokens;
        match units.last_mut() {
            Some(last) if last.0 == index => {
                last.1 = chunk.at_s;
                last.2 = last.2.saturating_add(chunk_chars(chunk));
            }
            _ => units.push((index, chunk.at_s, chunk_chars(chunk))),
        }
        of_chunk.push(units.len() - 1);
    }
    (
        of_chunk,
        units
            .into_iter()
            .map(|(_, at, chars)| (at, chars))
            .collect(),
    )
}

/// Apply `request`'s guardrail to `plan`: the release instants of its
/// deltas and its end (`streams`: ConverseStream or
/// InvokeModelWithResponseStream; otherwise the whole answer is checked
/// before it is returned), or the blocked answer when `blocked` names a
/// word found in the input. `input_chars`: the characters assessed on
/// input.
pub fn apply(
    plan: &mut StreamPlan,
    request: &GuardrailRequest,
    timing: &GuardrailTiming,
    streams: bool,
    input_chars: u32,
    blocked: Option<String>,
) {
    let input_s = timing.input_check.as_secs_f64();
    let check_s = timing.unit_check.as_secs_f64();
    let mode = if streams {
        request.mode
    } else {
        GuardrailMode::Sync
    };
    let before = plan.first_delta_s();
    let mut units = Vec::new();
    if blocked.is_some() {
        block(plan, input_s);
    } else {
        let (of_chunk, unit_ends) = units_of(&plan.chunks, timing.unit_tokens);
        units = unit_ends
            .iter()
            .map(|&(_, chars)| UnitCheck {
                check_s,
                check_ms: 0,
                chars,
            })
            .collect();
        plan.headers_at_s += input_s;
        for (chunk, unit) in plan.chunks.iter_mut().zip(&of_chunk) {
            chunk.at_s = match mode {
                GuardrailMode::Async => chunk.at_s + input_s,
                GuardrailMode::Sync => {
                    unit_ends.get(*unit).map_or(chunk.at_s, |u| u.0) + input_s + check_s
                }
            };
        }
        let last_release = plan.chunks.last().map_or(0.0, |c| c.at_s);
        plan.end_at_s += input_s;
        if mode == GuardrailMode::Sync {
            plan.end_at_s += if streams {
                check_s
            } else {
                check_s * units.len() as f64
            };
        }
        if let Some(exception) = &mut plan.exception {
            exception.at_s = (exception.at_s + input_s).max(last_release);
            plan.end_at_s = exception.at_s;
        }
        plan.end_at_s = plan.end_at_s.max(last_release);
    }
    let after = plan.first_delta_s();
    plan.guardrail = Some(GuardrailOutcome {
        request: request.clone(),
        mode,
        input_check_s: input_s,
        input_check_ms: 0,
        input_chars,
        units,
        blocked_word: blocked,
        delay_s: match (before, after) {
            (Some(before), Some(after)) => after - before,
            _ => 0.0,
        },
    });
}

/// The answer of a guardrail that blocked the input: no model output,
/// the blocked message once the input check is done.
fn block(plan: &mut StreamPlan, input_s: f64) {
    plan.chunks = vec![PlannedChunk {
        at_s: input_s,
        tokens: 0,
        block: 0,
        kind: ChunkKind::Text { first_token: 0 },
    }];
    plan.headers_at_s = plan.headers_at_s.min(input_s);
    plan.end_at_s = input_s;
    plan.stop_reason = "guardrail_intervened";
    plan.output_tokens = 0;
    plan.reasoning_tokens = 0;
    plan.reasoning_s = 0.0;
    plan.signature = None;
    plan.tool_use = None;
    plan.exception = None;
    plan.faults.retain(|f| {
        !matches!(
            f,
            Fault::ThrottleMidStream | Fault::ModelStreamError | Fault::Stall
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrail::GuardrailTrace;
    use crate::guardrail_outcome::BLOCKED_MESSAGE;

    fn plan(times: &[f64], per_chunk: u32) -> StreamPlan {
        let chunks = times
            .iter()
            .enumerate()
            .map(|(i, at_s)| PlannedChunk {
                at_s: *at_s,
                tokens: per_chunk,
                block: 0,
                kind: ChunkKind::Text {
                    first_token: i as u32 * per_chunk,
                },
            })
            .collect();
        StreamPlan {
            served: None,
            served_tier: None,
            faults: Vec::new(),
            input_tokens: 5,
            cache: Default::default(),
            reports_cache: false,
            headers_at_s: 0.1,
            chunks,
            end_at_s: times.last().copied().unwrap_or(0.0) + 0.01,
            stop_reason: "end_turn",
            output_tokens: per_chunk * times.len() as u32,
            reasoning_tokens: 0,
            reasoning_s: 0.0,
            signature: None,
            tool_use: None,
            exception: None,
            guardrail: None,
        }
    }

    fn request(mode: GuardrailMode) -> GuardrailRequest {
        GuardrailRequest {
            identifier: "gr".into(),
            version: "1".into(),
            trace: GuardrailTrace::Enabled,
            mode,
        }
    }

    const TIMING: GuardrailTiming = GuardrailTiming {
        input_check: Duration::from_millis(100),
        unit_tokens: 2,
        unit_check: Duration::from_millis(50),
    };

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn sync_releases_whole_units_a_check_after_their_last_token() {
        let mut p = plan(&[0.5, 0.6, 0.7, 0.8, 0.9], 1);
        apply(
            &mut p,
            &request(GuardrailMode::Sync),
            &TIMING,
            true,
            10,
            None,
        );
        let at: Vec<f64> = p.chunks.iter().map(|c| c.at_s).collect();
        let want = [0.75, 0.75, 0.95, 0.95, 1.05];
        assert!(at.iter().zip(want).all(|(a, b)| close(*a, b)), "{at:?}");
        assert!(close(p.end_at_s, 0.91 + 0.1 + 0.05), "{}", p.end_at_s);
        assert!(close(p.headers_at_s, 0.2));
        let outcome = p.guardrail.expect("outcome");
        assert_eq!(outcome.units.len(), 3);
        assert!(close(outcome.delay_s, 0.25));
        assert_eq!(outcome.units[0].chars, chunk_text(0, 2).len() as u32);
    }

    #[test]
    fn async_only_waits_for_the_input_check() {
        let mut p = plan(&[0.5, 0.6, 0.7], 1);
        apply(
            &mut p,
            &request(GuardrailMode::Async),
            &TIMING,
            true,
            10,
            None,
        );
        assert!(close(p.chunks[0].at_s, 0.6) && close(p.chunks[2].at_s, 0.8));
        assert!(close(p.guardrail.expect("outcome").delay_s, 0.1));
    }

    #[test]
    fn a_whole_answer_waits_for_every_check() {
        let mut p = plan(&[0.5, 0.6, 0.7], 1);
        apply(
            &mut p,
            &request(GuardrailMode::Async),
            &TIMING,
            false,
            10,
            None,
        );
        assert!(close(p.end_at_s, 0.71 + 0.1 + 2.0 * 0.05), "{}", p.end_at_s);
        assert_eq!(p.guardrail.expect("outcome").mode, GuardrailMode::Sync);
    }

    #[test]
    fn chunks_of_several_tokens_go_with_the_unit_of_their_last_token() {
        let mut p = plan(&[0.5, 0.6, 0.7], 3);
        apply(
            &mut p,
            &request(GuardrailMode::Sync),
            &TIMING,
            true,
            10,
            None,
        );
        // Tokens 1-3 end in the second unit, 4-6 in the third, 7-9 in the fifth.
        assert_eq!(p.guardrail.as_ref().expect("outcome").units.len(), 3);
        assert!(close(p.chunks[0].at_s, 0.65));
    }

    #[test]
    fn a_blocked_word_answers_the_blocked_message() {
        assert_eq!(
            blocked_word(&["secret".into()], "Tell me the SECRET plan"),
            Some("secret".into())
        );
        assert_eq!(blocked_word(&["secret".into()], "hello"), None);
        let mut p = plan(&[0.5, 0.6], 1);
        apply(
            &mut p,
            &request(GuardrailMode::Sync),
            &TIMING,
            true,
            10,
            Some("secret".into()),
        );
        assert_eq!(p.stop_reason, "guardrail_intervened");
        assert_eq!((p.chunks.len(), p.output_tokens), (1, 0));
        assert!(close(p.chunks[0].at_s, 0.1));
        assert_eq!(p.text(0, 0), BLOCKED_MESSAGE);
        assert!(p.guardrail.expect("outcome").intervened());
    }

    #[test]
    fn a_zero_unit_is_refused() {
        let timing = GuardrailTiming {
            unit_tokens: 0,
            ..GuardrailTiming::default()
        };
        assert!(timing.validate().expect_err("0").contains("unit_tokens"));
        assert_eq!(GuardrailTiming::default().validate(), Ok(()));
    }
}
