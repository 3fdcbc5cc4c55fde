//! The trace formats read, by name.

use std::fmt;

/// The shape of a trace file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraceFormat {
    /// The Azure LLM inference trace (2023 and 2024): CSV with the header
    /// `TIMESTAMP,ContextTokens,GeneratedTokens`.
    Azure,
    /// BurstGPT: CSV with the columns `Timestamp`, `Request tokens`,
    /// `Response tokens` and optionally `Session ID`, in any order.
    BurstGpt,
    /// Mooncake: JSON Lines with `timestamp` (milliseconds),
    /// `input_length`, `output_length` and optionally `hash_ids`.
    Mooncake,
    /// This project's own format, CSV or JSON Lines with `arrival_s`,
    /// `input_tokens`, `output_tokens` and optionally `session_id` and
    /// `hash_ids` (see the [module documentation](super)).
    Plain,
}

impl TraceFormat {
    /// Every format, in the order of their names in messages.
    pub const ALL: [TraceFormat; 4] = [
        TraceFormat::Azure,
        TraceFormat::BurstGpt,
        TraceFormat::Mooncake,
        TraceFormat::Plain,
    ];

    /// The name a user gives: `azure`, `burstgpt`, `mooncake`, `plain`.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceFormat::Azure => "azure",
            TraceFormat::BurstGpt => "burstgpt",
            TraceFormat::Mooncake => "mooncake",
            TraceFormat::Plain => "plain",
        }
    }

    /// The format of that name (as [`as_str`](Self::as_str) spells it,
    /// ASCII case ignored), or `None`.
    pub fn from_name(name: &str) -> Option<TraceFormat> {
        TraceFormat::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// The format as messages name it: `Azure`, `BurstGPT`, `Mooncake`,
    /// `plain`.
    pub(super) fn label(self) -> &'static str {
        match self {
            TraceFormat::Azure => "Azure",
            TraceFormat::BurstGpt => "BurstGPT",
            TraceFormat::Mooncake => "Mooncake",
            TraceFormat::Plain => "plain",
        }
    }
}

impl fmt::Display for TraceFormat {
    /// The name, as [`as_str`](Self::as_str).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
