//! `performanceConfig.latency`: standard or latency-optimized inference.

use std::fmt;
use std::str::FromStr;

/// A value that is not one of an enumeration's spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, found {found:?}")]
pub struct UnknownValue {
    /// The valid spellings, in words.
    pub expected: &'static str,
    /// What was given.
    pub found: String,
}

/// Bedrock's latency setting: `standard` or `optimized` (serde and Display
/// in lowercase).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PerformanceConfig {
    /// The default.
    Standard,
    /// Latency-optimized inference.
    Optimized,
}

impl PerformanceConfig {
    /// Both values, in the order `standard`, `optimized`.
    pub const ALL: [PerformanceConfig; 2] = [Self::Standard, Self::Optimized];

    /// `"standard"` or `"optimized"`: the API's and the reports' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Optimized => "optimized",
        }
    }
}

impl fmt::Display for PerformanceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PerformanceConfig {
    type Err = UnknownValue;

    /// Exactly `standard` or `optimized`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|value| value.as_str() == text)
            .ok_or_else(|| UnknownValue {
                expected: "\"standard\" or \"optimized\"",
                found: text.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for value in PerformanceConfig::ALL {
            assert_eq!(value.as_str().parse::<PerformanceConfig>(), Ok(value));
        }
        let error = "fast".parse::<PerformanceConfig>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected \"standard\" or \"optimized\", found \"fast\""
        );
    }
}
