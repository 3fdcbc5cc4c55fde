//! How a guardrail processes a streamed answer (Amazon Bedrock User
//! Guide, "Use a guardrail with streaming"; API Reference,
//! `GuardrailStreamConfiguration.streamProcessingMode`).

use std::fmt;
use std::str::FromStr;

use crate::performance::UnknownValue;

/// A guardrail's stream processing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum GuardrailMode {
    /// Each chunk is held until the guardrail has checked it (the
    /// default).
    #[default]
    Sync,
    /// Chunks go out at once; checks run in the background.
    Async,
}

impl GuardrailMode {
    /// Both modes, the default first.
    pub const ALL: [GuardrailMode; 2] = [GuardrailMode::Sync, GuardrailMode::Async];

    /// ConverseStream's spelling (`sync`, `async`), also the scenarios',
    /// labels' and raw CSVs'.
    pub fn as_str(self) -> &'static str {
        match self {
            GuardrailMode::Sync => "sync",
            GuardrailMode::Async => "async",
        }
    }

    /// InvokeModelWithResponseStream's spelling (`SYNCHRONOUS`,
    /// `ASYNCHRONOUS`).
    pub fn invoke_name(self) -> &'static str {
        match self {
            GuardrailMode::Sync => "SYNCHRONOUS",
            GuardrailMode::Async => "ASYNCHRONOUS",
        }
    }
}

impl fmt::Display for GuardrailMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GuardrailMode {
    type Err = UnknownValue;

    fn from_str(text: &str) -> Result<GuardrailMode, UnknownValue> {
        GuardrailMode::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
            .ok_or_else(|| UnknownValue {
                found: text.to_string(),
                expected: "\"sync\" or \"async\"",
            })
    }
}
