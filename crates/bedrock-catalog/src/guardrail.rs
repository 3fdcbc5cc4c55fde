//! A guardrail's settings as Bedrock names and checks them (Amazon
//! Bedrock User Guide, "Use a guardrail with streaming"; API Reference,
//! `GuardrailStreamConfiguration`): how it processes a streamed answer,
//! whether the answer carries its trace, and the patterns of its
//! identifier and version.

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

/// Bedrock's pattern of `guardrailIdentifier`.
pub const GUARDRAIL_IDENTIFIER_PATTERN: &str =
    "(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))";
/// Bedrock's pattern of `guardrailVersion`.
pub const GUARDRAIL_VERSION_PATTERN: &str = "(([1-9][0-9]{0,7})|(DRAFT))";

/// Whether, and how fully, the answer carries the guardrail's trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GuardrailTrace {
    /// No trace (the default).
    #[default]
    Disabled,
    /// The trace.
    Enabled,
    /// The trace, with every assessment.
    EnabledFull,
}

impl GuardrailTrace {
    /// Every value, the default first.
    pub const ALL: [GuardrailTrace; 3] = [
        GuardrailTrace::Disabled,
        GuardrailTrace::Enabled,
        GuardrailTrace::EnabledFull,
    ];

    /// Converse's spelling (`disabled`, `enabled`, `enabled_full`), also
    /// the scenarios'.
    pub fn as_str(self) -> &'static str {
        match self {
            GuardrailTrace::Disabled => "disabled",
            GuardrailTrace::Enabled => "enabled",
            GuardrailTrace::EnabledFull => "enabled_full",
        }
    }

    /// InvokeModel's `X-Amzn-Bedrock-Trace` spelling (`DISABLED`,
    /// `ENABLED`, `ENABLED_FULL`).
    pub fn header(self) -> &'static str {
        match self {
            GuardrailTrace::Disabled => "DISABLED",
            GuardrailTrace::Enabled => "ENABLED",
            GuardrailTrace::EnabledFull => "ENABLED_FULL",
        }
    }

    /// Whether the answer carries a trace.
    pub fn is_on(self) -> bool {
        self != GuardrailTrace::Disabled
    }
}

/// Whether `text` is one or more of `allowed` characters.
fn all_of(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && text.chars().all(allowed)
}

fn lower_or_digit(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Whether `text` matches [`GUARDRAIL_IDENTIFIER_PATTERN`]:
/// `(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))`.
pub fn guardrail_identifier_matches(text: &str) -> bool {
    if all_of(text, lower_or_digit) {
        return true;
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return false;
    };
    let partition_ok = *partition == "aws"
        || partition
            .strip_prefix("aws-")
            .is_some_and(|rest| !rest.is_empty());
    let region_ok =
        (1..=20).contains(&region.len()) && all_of(region, |c| lower_or_digit(c) || c == '-');
    let account_ok = account.len() == 12 && all_of(account, |c| c.is_ascii_digit());
    let resource_ok = resource
        .strip_prefix("guardrail/")
        .is_some_and(|id| all_of(id, lower_or_digit));
    *arn == "arn" && partition_ok && *service == "bedrock" && region_ok && account_ok && resource_ok
}

/// Whether `text` matches [`GUARDRAIL_VERSION_PATTERN`]:
/// `(([1-9][0-9]{0,7})|(DRAFT))`.
pub fn guardrail_version_matches(text: &str) -> bool {
    text == "DRAFT"
        || ((1..=8).contains(&text.len())
            && all_of(text, |c| c.is_ascii_digit())
            && !text.starts_with('0'))
}
