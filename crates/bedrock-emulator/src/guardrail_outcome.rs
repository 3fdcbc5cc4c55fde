//! What a guardrail did to one answer (its checks, its delay, an
//! intervention), as the plan carries it and the trace reports it; the
//! release plan that makes it is [`crate::guardrail_timing`].

use crate::guardrail::{GuardrailMode, GuardrailRequest};

/// The answer of a guardrail that blocks the input.
pub const BLOCKED_MESSAGE: &str = "Sorry, the model cannot answer this question.";

/// One output unit's check: its latency and the characters it covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitCheck {
    /// The check's latency, seconds of model time.
    pub check_s: f64,
    /// The same on the emulator's time scale, milliseconds (what the
    /// trace reports; see [`GuardrailOutcome::scale`]).
    pub check_ms: u64,
    /// Characters of output it checked.
    pub chars: u32,
}

/// What the guardrail did to one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailOutcome {
    /// The guardrail asked for.
    pub request: GuardrailRequest,
    /// The mode applied: the request's for streams, sync for whole
    /// answers.
    pub mode: GuardrailMode,
    /// The input assessment's latency, seconds of model time.
    pub input_check_s: f64,
    /// The same on the emulator's time scale, milliseconds (what the
    /// trace reports; see [`GuardrailOutcome::scale`]).
    pub input_check_ms: u64,
    /// Characters of input assessed.
    pub input_chars: u32,
    /// Each output unit's check, in order (none when the input was
    /// blocked).
    pub units: Vec<UnitCheck>,
    /// The blocked word found in the input, when the guardrail
    /// intervened.
    pub blocked_word: Option<String>,
    /// How much later the first delta is planned than without the
    /// guardrail, seconds of model time (negative when an intervention
    /// answers before the model would have).
    pub delay_s: f64,
}

impl GuardrailOutcome {
    /// Whether the guardrail intervened.
    pub fn intervened(&self) -> bool {
        self.blocked_word.is_some()
    }

    /// Set the latencies the trace reports: `ms` turns seconds of model
    /// time into milliseconds on the emulator's time scale.
    pub fn scale(&mut self, ms: impl Fn(f64) -> u64) {
        self.input_check_ms = ms(self.input_check_s);
        for unit in &mut self.units {
            unit.check_ms = ms(unit.check_s);
        }
    }
}
