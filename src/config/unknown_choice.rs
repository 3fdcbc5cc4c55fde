//! A value that is not one of a setting's spellings, with a did-you-mean
//! for a near miss.

use super::fields::quote;

/// The text given for [`TargetChoice`](super::TargetChoice) or
/// [`ConnectionMode`](super::ConnectionMode) is none of its spellings. It
/// reads like `expected "warm" or "cold" (did you mean "cold"?), found "Cold"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}{}, found {}", hint(*.suggestion), quote(found))]
pub struct UnknownChoice {
    /// The valid spellings, in words.
    pub expected: &'static str,
    /// The spelling closest to what was given, when one is close.
    pub suggestion: Option<&'static str>,
    /// What was given.
    pub found: String,
}

fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|name| format!(" (did you mean \"{name}\"?)"))
        .unwrap_or_default()
}
