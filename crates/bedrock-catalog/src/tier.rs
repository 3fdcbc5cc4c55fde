//! Service tiers (`serviceTier.type`): how a request is served, and at
//! what price and speed.

use std::fmt;
use std::str::FromStr;

use crate::performance::UnknownValue;

/// Bedrock's service tiers (serde and Display in lowercase).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ServiceTier {
    /// Faster, at a price premium.
    Priority,
    /// The standard on-demand tier (what is served when none is asked).
    Default,
    /// Cheaper, slower, and throttled first when capacity is short.
    Flex,
    /// Reserved capacity.
    Reserved,
}

impl ServiceTier {
    /// Every tier, in the order `priority`, `default`, `flex`, `reserved`.
    pub const ALL: [ServiceTier; 4] = [
        ServiceTier::Priority,
        ServiceTier::Default,
        ServiceTier::Flex,
        ServiceTier::Reserved,
    ];

    /// The API's and the reports' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceTier::Priority => "priority",
            ServiceTier::Default => "default",
            ServiceTier::Flex => "flex",
            ServiceTier::Reserved => "reserved",
        }
    }
}

impl fmt::Display for ServiceTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServiceTier {
    type Err = UnknownValue;

    /// Exactly one of the four spellings.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|tier| tier.as_str() == text)
            .ok_or_else(|| UnknownValue {
                expected: "\"priority\", \"default\", \"flex\" or \"reserved\"",
                found: text.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for tier in ServiceTier::ALL {
            assert_eq!(tier.as_str().parse::<ServiceTier>(), Ok(tier));
        }
        assert!("turbo".parse::<ServiceTier>().is_err());
    }
}
