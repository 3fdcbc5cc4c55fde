//! Where a profile's values come from: measured (by whom, on how many
//! calls), published (by whom), estimated (from what), or set by an
//! override (a profile file, an option). Every built-in profile states it
//! for its latencies, its service-tier factors and its quotas; a profile
//! file that changes one of them marks it as its own (unless it states a
//! source itself).

use serde::{Deserialize, Serialize};

/// The source of one part of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// Measured: who measured (and where), on how many calls per
    /// configuration.
    Measured {
        /// The measurement, by its public name.
        by: String,
        /// Calls per configuration (model and performance config).
        calls_per_configuration: u32,
    },
    /// Published by a named source.
    Published {
        /// The document (and its date).
        by: String,
    },
    /// An estimate.
    Estimated {
        /// What it is based on.
        basis: String,
    },
    /// Set by an override of the built-in value.
    Override {
        /// The profile file or option.
        by: String,
    },
}

impl Source {
    /// An estimate based on `basis`.
    pub fn estimated(basis: &str) -> Source {
        Source::Estimated {
            basis: basis.to_string(),
        }
    }

    /// Published by `by`.
    pub fn published(by: &str) -> Source {
        Source::Published { by: by.to_string() }
    }

    /// Set by the override `by`.
    pub fn overridden(by: &str) -> Source {
        Source::Override { by: by.to_string() }
    }

    /// A short phrase for tables and listings: `measured (5 calls per
    /// configuration): ...`, `published: ...`, `estimate: ...`,
    /// `override: ...`.
    pub fn describe(&self) -> String {
        match self {
            Source::Measured {
                by,
                calls_per_configuration,
            } => format!("measured ({calls_per_configuration} calls per configuration): {by}"),
            Source::Published { by } => format!("published: {by}"),
            Source::Estimated { basis } => format!("estimate: {basis}"),
            Source::Override { by } => format!("override: {by}"),
        }
    }
}

/// The sources of one model's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileSources {
    /// The latency profiles (`standard`, `optimized`), the answer and
    /// reasoning lengths and the prompt-template overhead.
    pub latency: Source,
    /// The service-tier factors (`tiers`).
    pub tiers: Source,
    /// The rate quotas (`quota`, `optimized_quota`) and `max_in_flight`.
    pub quota: Source,
}

/// Where the default service-tier factors come from.
pub const TIER_FACTORS_BASIS: &str = "priority's decode-rate factor 1.25 is AWS's \"up to 25% \
better output tokens per second\" for the priority tier (AWS What's New, 2025-11-18); the other \
factors, and flex's, are estimates";

impl Default for ProfileSources {
    fn default() -> Self {
        ProfileSources {
            latency: Source::estimated("not stated"),
            tiers: Source::estimated(TIER_FACTORS_BASIS),
            quota: Source::estimated("not stated"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_and_write_as_tagged_json() {
        let measured = Source::Measured {
            by: "a sample".into(),
            calls_per_configuration: 5,
        };
        let json = serde_json::to_value(&measured).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"kind": "measured", "by": "a sample", "calls_per_configuration": 5})
        );
        assert_eq!(
            serde_json::from_value::<Source>(json).expect("reads back"),
            measured
        );
        assert!(serde_json::from_str::<Source>(r#"{"kind": "guessed"}"#).is_err());
        assert!(
            serde_json::from_str::<Source>(r#"{"kind": "estimated", "basis": "x", "extra": 1}"#)
                .is_err()
        );
        assert_eq!(
            measured.describe(),
            "measured (5 calls per configuration): a sample"
        );
    }
}
