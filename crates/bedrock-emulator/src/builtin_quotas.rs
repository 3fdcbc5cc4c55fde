//! The built-in rate quotas: Bedrock's default tokens-per-minute quotas
//! where AWS published them, estimates by analogy elsewhere.
//!
//! Source: the AWS General Reference, "Amazon Bedrock endpoints and
//! quotas", its table as of 2025-06-05. The values are those of
//! cross-region inference in the US (what `us.` inference profiles reach,
//! and how this project calls models); Bedrock gives calls by base model id
//! (in-region on-demand) their own quota, half of these for the models the
//! table lists, which the emulator does not separate (one quota per model).
//! That table also gave requests-per-minute quotas; Bedrock has since
//! removed them (its user guide's runtime quotas page, 2026), so the
//! built-in quotas limit tokens only. Llama 3.1 70B's latency-optimized
//! inference has a quota of its own, much smaller.

use super::provenance::Source;
use super::rate_quota::RateQuota;

/// The published table, by its public name and date.
pub const QUOTA_TABLE: &str = "AWS General Reference, \"Amazon Bedrock endpoints and quotas\", \
default tokens per minute for cross-region inference in the US, table of 2025-06-05";

/// Where a model's built-in quota comes from.
#[derive(Debug, Clone, Copy)]
enum Basis {
    /// The table lists it.
    Published,
    /// Not listed: an estimate, the value of the (listed) model named.
    As(&'static str),
}

/// (base model id, tokens per minute, latency-optimized tokens per minute
/// when it has a quota of its own, basis).
const QUOTAS: &[(&str, u64, Option<u64>, Basis)] = &[
    ("amazon.nova-pro-v1:0", 800_000, None, Basis::Published),
    (
        "amazon.nova-micro-v1:0",
        800_000,
        None,
        Basis::As("Nova Pro"),
    ),
    (
        "amazon.nova-lite-v1:0",
        800_000,
        None,
        Basis::As("Nova Pro"),
    ),
    (
        "amazon.nova-premier-v1:0",
        800_000,
        None,
        Basis::As("Nova Pro"),
    ),
    (
        "amazon.nova-2-lite-v1:0",
        800_000,
        None,
        Basis::As("Nova Pro"),
    ),
    (
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        4_000_000,
        None,
        Basis::Published,
    ),
    (
        "anthropic.claude-3-haiku-20240307-v1:0",
        4_000_000,
        None,
        Basis::As("Claude 3.5 Haiku"),
    ),
    (
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        4_000_000,
        None,
        Basis::As("Claude 3.5 Haiku"),
    ),
    (
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        1_000_000,
        None,
        Basis::Published,
    ),
    (
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        1_000_000,
        None,
        Basis::As("Claude 3.7 Sonnet"),
    ),
    (
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        1_000_000,
        None,
        Basis::As("Claude 3.7 Sonnet"),
    ),
    (
        "anthropic.claude-sonnet-4-20250514-v1:0",
        200_000,
        None,
        Basis::Published,
    ),
    (
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        200_000,
        None,
        Basis::As("Claude Sonnet 4; third-party figures disagree, 200,000 to 2,000,000"),
    ),
    (
        "anthropic.claude-opus-4-20250514-v1:0",
        200_000,
        None,
        Basis::As("Claude Sonnet 4"),
    ),
    (
        "anthropic.claude-opus-4-1-20250805-v1:0",
        200_000,
        None,
        Basis::As("Claude Sonnet 4"),
    ),
    (
        "anthropic.claude-opus-4-5-20251101-v1:0",
        200_000,
        None,
        Basis::As("Claude Sonnet 4"),
    ),
    (
        "meta.llama3-1-70b-instruct-v1:0",
        600_000,
        Some(40_000),
        Basis::Published,
    ),
    (
        "meta.llama3-1-405b-instruct-v1:0",
        600_000,
        Some(40_000),
        Basis::As("Llama 3.1 70B, latency-optimized included"),
    ),
    (
        "meta.llama3-1-8b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama3-2-1b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama3-2-3b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama3-2-11b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama3-2-90b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama3-3-70b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama4-scout-17b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "meta.llama4-maverick-17b-instruct-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B"),
    ),
    (
        "mistral.pixtral-large-2502-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B, another open-weight model"),
    ),
    (
        "mistral.mistral-large-2407-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B, another open-weight model"),
    ),
    (
        "deepseek.r1-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B, another open-weight model"),
    ),
    (
        "deepseek.v3-v1:0",
        600_000,
        None,
        Basis::As("Llama 3.1 70B, another open-weight model"),
    ),
];

/// A model's built-in quotas: every call's, latency-optimized calls' own
/// (when separate), and their source. `None` for a model the table does
/// not know (it has no quota).
pub fn quotas_of(model_id: &str) -> Option<(RateQuota, Option<RateQuota>, Source)> {
    let (_, tokens, optimized, basis) = QUOTAS.iter().find(|(id, ..)| *id == model_id)?;
    let tokens_per_minute = |tpm: u64| RateQuota {
        tokens_per_minute: Some(tpm),
        ..RateQuota::default()
    };
    let source = match basis {
        Basis::Published => Source::published(QUOTA_TABLE),
        Basis::As(model) => Source::estimated(&format!("as {model}")),
    };
    Some((
        tokens_per_minute(*tokens),
        optimized.map(tokens_per_minute),
        source,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_model_has_a_quota_and_only_those() {
        for info in bedrock_catalog::MODELS {
            assert!(quotas_of(info.id).is_some(), "{} has no quota", info.id);
        }
        assert_eq!(QUOTAS.len(), bedrock_catalog::MODELS.len());
        assert!(quotas_of("example.unknown-v1:0").is_none());
    }

    #[test]
    fn the_published_values_are_the_tables() {
        let (quota, optimized, source) =
            quotas_of("meta.llama3-1-70b-instruct-v1:0").expect("listed");
        assert_eq!(quota.tokens_per_minute, Some(600_000));
        assert_eq!(quota.requests_per_minute, None, "RPM quotas were removed");
        assert_eq!(optimized.and_then(|q| q.tokens_per_minute), Some(40_000));
        assert!(matches!(source, Source::Published { .. }), "{source:?}");
        let (_, _, estimated) = quotas_of("amazon.nova-micro-v1:0").expect("listed");
        assert!(
            matches!(&estimated, Source::Estimated { basis } if basis.contains("Nova Pro")),
            "{estimated:?}"
        );
    }
}
