//! The built-in latency table.
//!
//! The six profiles measured by the Python tool (`seed_summary.csv`: Nova
//! Pro, Claude 3.5 Haiku and Llama 3.1 70B, each standard and optimized in
//! us-east-2, 5 calls per configuration) are taken from that file: TTFT
//! median and p90 as measured, decode rate `50 / (total_time_mean -
//! TTFT_mean)`. Every other model of the catalog
//! ([`bedrock_catalog::MODELS`]) gets plausible values (marked `estimate`
//! below) so that any of them can be benchmarked offline. Each profile says
//! which in its `sources` (and docs/emulator/latency.md lists them).
//! Which models have an `optimized` profile is the catalog's decision
//! (Nova Pro, Claude 3.5 Haiku, Llama 3.1 70B and 405B, as on Bedrock):
//! the table below gives latencies, never availability.

use super::builtin_quotas;
use super::faults::FaultRates;
use super::latency_profile::LatencyProfile;
use super::profile::ModelProfile;
use super::provenance::{ProfileSources, Source};
use super::reasoning_profile::ReasoningProfile;
use super::tier_profile::TierProfiles;

/// The Python tool's sample, by its file in this repository.
pub const SEED_SAMPLE: &str = "the Python tool's sample (tests/fixtures/seed/seed_summary.csv), \
us-east-2, undated: TTFT median and p90, decode rate 50 / (total_time_mean - TTFT_mean); the \
answer lengths, jitter, chunking and prefill cost are estimates";

/// Calls per configuration in the Python tool's sample.
pub const SEED_CALLS_PER_CONFIGURATION: u32 = 5;

/// The models whose latencies come from the Python tool's sample
/// (standard and optimized both).
const MEASURED: [&str; 3] = [
    "amazon.nova-pro-v1:0",
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
];

/// What an estimated latency is based on.
const LATENCY_ESTIMATE: &str = "no public sample";

/// Where the latencies of the built-in model `id` come from.
fn latency_source(id: &str) -> Source {
    if MEASURED.contains(&id) {
        Source::Measured {
            by: SEED_SAMPLE.to_string(),
            calls_per_configuration: SEED_CALLS_PER_CONFIGURATION,
        }
    } else {
        Source::estimated(LATENCY_ESTIMATE)
    }
}

/// Decode rate from a seed summary row: 50 output tokens over the time
/// after the first token.
fn seed_rate(total_time_mean: f64, ttft_mean: f64) -> f64 {
    50.0 / (total_time_mean - ttft_mean)
}

/// A latency profile with the defaults shared by every built-in model.
fn latency(
    ttft_p50: f64,
    ttft_p90: f64,
    tokens_per_s: f64,
    chunk: u32,
    natural: (u32, u32),
) -> LatencyProfile {
    LatencyProfile {
        ttft_p50_s: ttft_p50,
        ttft_p90_s: ttft_p90,
        ttft_per_input_token_s: 0.000_05,
        tokens_per_s,
        decode_jitter: 0.3,
        tokens_per_chunk: chunk,
        natural_output_tokens_p50: natural.0,
        natural_output_tokens_p90: natural.1,
        response_headers_s: 0.02,
        faults: FaultRates::default(),
    }
}

/// A model's profiles; `optimized` is the latency of its optimized
/// profile, used only when the catalog offers one.
fn model(
    overhead: u32,
    standard: LatencyProfile,
    optimized: Option<LatencyProfile>,
) -> ModelProfile {
    ModelProfile {
        input_token_overhead: overhead,
        max_in_flight: None,
        quota: crate::rate_quota::RateQuota::default(),
        optimized_quota: None,
        standard,
        optimized,
        tiers: TierProfiles::default(),
        reasoning: ReasoningProfile::default(),
        sources: ProfileSources::default(),
    }
}

// Per-family prompt-template overheads, chosen so that the seed prompt's
// usage matches seed_summary.csv (Nova 10, Claude 18, Llama 26 input tokens).
const AMAZON: u32 = 0;
const ANTHROPIC: u32 = 8;
const META: u32 = 16;
const OTHER: u32 = 6;

const CHATTY: (u32, u32) = (320, 640);
const TERSE: (u32, u32) = (220, 450);
const REASONING: (u32, u32) = (1400, 3000);

/// The generic profile used for unknown model ids when the emulator is told
/// to accept any model (and the start of models a profile file adds): no
/// rate quota, since the model's is not known.
pub fn generic() -> ModelProfile {
    let mut generic = model(
        OTHER,
        latency(0.6, 0.9, 60.0, 2, CHATTY),
        Some(latency(0.4, 0.6, 90.0, 2, CHATTY)),
    );
    generic.sources.latency = Source::estimated(LATENCY_ESTIMATE);
    generic.sources.quota = Source::estimated("none: the model's quota is not known");
    generic
}

/// Every built-in model, keyed by base model id (no geography prefix):
/// the catalog's models, each with an optimized profile exactly where the
/// catalog offers latency-optimized inference.
pub fn models() -> Vec<(&'static str, ModelProfile)> {
    bedrock_catalog::MODELS
        .iter()
        .map(|info| {
            let mut profile = latencies()
                .into_iter()
                .find(|(id, _)| *id == info.id)
                .map_or_else(generic, |(_, profile)| profile);
            profile.optimized = match (info.offers_optimized(), profile.optimized) {
                (false, _) => None,
                (true, Some(optimized)) => Some(optimized),
                (true, None) => Some(profile.standard.clone()),
            };
            profile.sources.latency = latency_source(info.id);
            if let Some((quota, optimized_quota, source)) = builtin_quotas::quotas_of(info.id) {
                profile.quota = quota;
                profile.optimized_quota = optimized_quota.filter(|_| info.offers_optimized());
                profile.sources.quota = source;
            }
            (info.id, profile)
        })
        .collect()
}

/// The latencies of the catalog's models.
fn latencies() -> Vec<(&'static str, ModelProfile)> {
    vec![
        // Measured (seed_summary.csv).
        (
            "amazon.nova-pro-v1:0",
            model(
                AMAZON,
                latency(0.53, 0.754, seed_rate(1.248, 0.600), 2, CHATTY),
                Some(latency(0.64, 0.668, seed_rate(1.074, 0.602), 2, CHATTY)),
            ),
        ),
        (
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            model(
                ANTHROPIC,
                latency(0.95, 0.970, seed_rate(1.766, 0.918), 3, CHATTY),
                Some(latency(0.77, 1.052, seed_rate(1.472, 0.764), 3, CHATTY)),
            ),
        ),
        (
            "meta.llama3-1-70b-instruct-v1:0",
            model(
                META,
                latency(0.82, 0.994, seed_rate(2.396, 0.852), 1, TERSE),
                Some(latency(0.35, 0.534, seed_rate(0.712, 0.418), 1, TERSE)),
            ),
        ),
        // Estimates.
        (
            "meta.llama3-1-405b-instruct-v1:0",
            model(
                META,
                latency(1.2, 1.8, 25.0, 1, TERSE),
                Some(latency(0.6, 0.85, 90.0, 1, TERSE)),
            ),
        ),
        (
            "amazon.nova-micro-v1:0",
            model(AMAZON, latency(0.30, 0.45, 210.0, 2, CHATTY), None),
        ),
        (
            "amazon.nova-lite-v1:0",
            model(AMAZON, latency(0.35, 0.50, 160.0, 2, CHATTY), None),
        ),
        (
            "amazon.nova-premier-v1:0",
            model(AMAZON, latency(1.0, 1.5, 60.0, 2, CHATTY), None),
        ),
        (
            "anthropic.claude-3-haiku-20240307-v1:0",
            model(ANTHROPIC, latency(0.45, 0.65, 120.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            model(ANTHROPIC, latency(0.95, 1.4, 55.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
            model(ANTHROPIC, latency(0.9, 1.3, 52.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            model(ANTHROPIC, latency(1.0, 1.5, 55.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-sonnet-4-20250514-v1:0",
            model(ANTHROPIC, latency(1.1, 1.7, 60.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-opus-4-20250514-v1:0",
            model(ANTHROPIC, latency(1.8, 2.8, 35.0, 3, CHATTY), None),
        ),
        (
            "meta.llama3-2-1b-instruct-v1:0",
            model(META, latency(0.25, 0.35, 250.0, 1, TERSE), None),
        ),
        (
            "meta.llama3-2-3b-instruct-v1:0",
            model(META, latency(0.30, 0.42, 180.0, 1, TERSE), None),
        ),
        (
            "meta.llama3-2-11b-instruct-v1:0",
            model(META, latency(0.35, 0.50, 120.0, 1, TERSE), None),
        ),
        (
            "meta.llama3-2-90b-instruct-v1:0",
            model(META, latency(0.60, 0.90, 40.0, 1, TERSE), None),
        ),
        (
            "meta.llama3-1-8b-instruct-v1:0",
            model(META, latency(0.30, 0.45, 140.0, 1, TERSE), None),
        ),
        (
            "meta.llama3-3-70b-instruct-v1:0",
            model(META, latency(0.70, 1.0, 35.0, 1, TERSE), None),
        ),
        (
            "meta.llama4-scout-17b-instruct-v1:0",
            model(META, latency(0.40, 0.60, 120.0, 1, TERSE), None),
        ),
        (
            "meta.llama4-maverick-17b-instruct-v1:0",
            model(META, latency(0.45, 0.65, 100.0, 1, TERSE), None),
        ),
        (
            "deepseek.r1-v1:0",
            model(OTHER, latency(1.5, 2.5, 30.0, 2, REASONING), None),
        ),
        (
            "mistral.pixtral-large-2502-v1:0",
            model(OTHER, latency(0.8, 1.2, 50.0, 2, CHATTY), None),
        ),
        // Estimates for the models added after the seed's list.
        (
            "amazon.nova-2-lite-v1:0",
            model(AMAZON, latency(0.40, 0.60, 180.0, 2, CHATTY), None),
        ),
        (
            "anthropic.claude-opus-4-1-20250805-v1:0",
            model(ANTHROPIC, latency(1.8, 2.8, 38.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            model(ANTHROPIC, latency(1.0, 1.6, 65.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            model(ANTHROPIC, latency(0.55, 0.85, 110.0, 3, CHATTY), None),
        ),
        (
            "anthropic.claude-opus-4-5-20251101-v1:0",
            model(ANTHROPIC, latency(1.4, 2.2, 50.0, 3, CHATTY), None),
        ),
        (
            "mistral.mistral-large-2407-v1:0",
            model(OTHER, latency(0.7, 1.1, 45.0, 2, CHATTY), None),
        ),
        (
            "deepseek.v3-v1:0",
            model(OTHER, latency(0.9, 1.4, 55.0, 2, CHATTY), None),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_is_valid() {
        for (id, profile) in models() {
            profile.validate(id).unwrap_or_else(|e| panic!("{e}"));
        }
        generic()
            .validate("generic")
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn every_catalog_model_has_its_own_latencies() {
        let table: Vec<&str> = latencies().into_iter().map(|(id, _)| id).collect();
        for info in bedrock_catalog::MODELS {
            assert!(table.contains(&info.id), "{} has no latencies", info.id);
        }
        assert_eq!(table.len(), bedrock_catalog::MODELS.len());
    }

    #[test]
    fn optimized_only_where_bedrock_offers_it() {
        let mut optimized: Vec<&str> = models()
            .into_iter()
            .filter(|(_, m)| m.optimized.is_some())
            .map(|(id, _)| id)
            .collect();
        optimized.sort_unstable();
        assert_eq!(
            optimized,
            [
                "amazon.nova-pro-v1:0",
                "anthropic.claude-3-5-haiku-20241022-v1:0",
                "meta.llama3-1-405b-instruct-v1:0",
                "meta.llama3-1-70b-instruct-v1:0",
            ]
        );
    }

    #[test]
    fn the_measured_profiles_say_so_and_the_others_are_estimates() {
        for (id, profile) in models() {
            match &profile.sources.latency {
                Source::Measured {
                    calls_per_configuration,
                    by,
                } => {
                    assert!(MEASURED.contains(&id), "{id}");
                    assert_eq!(*calls_per_configuration, 5);
                    assert!(by.contains("seed_summary.csv"), "{by}");
                }
                Source::Estimated { .. } => assert!(!MEASURED.contains(&id), "{id}"),
                other => panic!("{id}: {other:?}"),
            }
            assert!(
                matches!(profile.sources.tiers, Source::Estimated { .. }),
                "{id}"
            );
        }
    }

    #[test]
    fn seed_rates_follow_the_design_formula() {
        // Llama 3.1 70B: about 170 tok/s optimized vs 32 standard.
        let llama = models()
            .into_iter()
            .find(|(id, _)| *id == "meta.llama3-1-70b-instruct-v1:0")
            .map(|(_, m)| m)
            .expect("llama present");
        let optimized = llama.optimized.expect("optimized");
        assert!((optimized.tokens_per_s - 170.07).abs() < 0.01);
        assert!((llama.standard.tokens_per_s - 32.38).abs() < 0.01);
    }
}
