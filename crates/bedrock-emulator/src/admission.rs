//! What an admitted request takes: its rate-quota claim (prompt tokens not
//! read from the cache, plus `maxTokens`) and its use of the prompt
//! cache; and, once its answer is planned, what it gives back.
//!
//! As on Bedrock, a request reserves its prompt's tokens and its
//! `maxTokens` when it starts, and the quota is then charged with the
//! tokens the answer really had; cache reads do not count toward the
//! tokens quota (AWS's prompt-caching guidance), so the tokens a request
//! will read from the cache are left out of its claim (looked up without
//! touching the cache, which a throttled request must not read or write).

use std::time::Instant;

use super::plan::StreamPlan;
use super::profile::ModelProfile;
use super::profile_set::base_model_id;
use super::prompt_cache::CacheUse;
use super::rate_quota::{Claim, Exceeded};
use super::request::ConverseRequest;
use super::state::Shared;
use bedrock_catalog::{ModelInfo, ServiceTier};

/// The smallest cacheable prefix of models the catalog does not know.
pub const UNKNOWN_MODEL_MIN_CACHE_TOKENS: u32 = 1024;

/// The output tokens a request without `maxTokens` may generate (and
/// reserves from a tokens-per-minute quota) when its model is not in the
/// catalog.
pub const DEFAULT_MAX_OUTPUT_TOKENS: u32 = 4096;

/// A request's reservation in its model's rate-quota bucket.
#[derive(Debug)]
pub struct Reservation {
    bucket: String,
    reserved_tokens: u64,
}

/// The most output tokens `request` may get: its `maxTokens`, or the
/// model's largest output.
pub fn max_output(request: &ConverseRequest, info: Option<&ModelInfo>) -> u32 {
    request
        .max_tokens
        .or(info.map(|i| i.max_output_tokens))
        .unwrap_or(DEFAULT_MAX_OUTPUT_TOKENS)
}

/// The prompt's tokens, the template's included.
fn prompt_tokens(request: &ConverseRequest, model: &ModelProfile) -> u64 {
    u64::from(
        request
            .text_tokens
            .saturating_add(model.input_token_overhead),
    )
}

/// The smallest cacheable prefix of the model, when it caches prompts and
/// the request has a cache point.
fn cache_min_tokens(request: &ConverseRequest, info: Option<&ModelInfo>) -> Option<u32> {
    if request.cache_checkpoints.is_empty() {
        return None;
    }
    match info {
        Some(info) => info.min_cache_tokens,
        None => Some(UNKNOWN_MODEL_MIN_CACHE_TOKENS),
    }
}

/// Claim the request's tokens (and one request) from its model's quota,
/// or say which quota is full.
pub fn admit(
    shared: &Shared,
    model: &ModelProfile,
    request: &ConverseRequest,
    info: Option<&ModelInfo>,
    tier: ServiceTier,
) -> Result<Reservation, Exceeded> {
    let cached = cache_min_tokens(request, info).map_or(0, |min_tokens| {
        shared.prompt_cache.peek_read_tokens(
            base_model_id(&request.model_id),
            &request.cache_checkpoints,
            model.input_token_overhead,
            min_tokens,
            Instant::now(),
        )
    });
    let claim = Claim {
        tokens: prompt_tokens(request, model).saturating_sub(u64::from(cached))
            + u64::from(max_output(request, info)),
        flex: tier == ServiceTier::Flex,
        flex_share: model.tiers.flex_share,
    };
    let (quota, bucket) = model.quota_for(base_model_id(&request.model_id), request.latency);
    let admission =
        shared
            .rate_quotas
            .try_admit(&bucket, quota, claim, Instant::now(), shared.minute_s())?;
    Ok(Reservation {
        bucket,
        reserved_tokens: admission.reserved_tokens,
    })
}

/// Read and write the request's cache prefixes.
pub fn use_cache(
    shared: &Shared,
    request: &ConverseRequest,
    info: Option<&ModelInfo>,
    overhead: u32,
) -> CacheUse {
    match cache_min_tokens(request, info) {
        Some(min_tokens) => shared.prompt_cache.use_prefixes(
            base_model_id(&request.model_id),
            &request.cache_checkpoints,
            overhead,
            min_tokens,
            Instant::now(),
        ),
        None => CacheUse::default(),
    }
}

/// Charge the quota with the tokens the planned answer really has: give
/// back the reserved output it does not use (and any cache read the
/// claim did not foresee).
pub fn settle(
    shared: &Shared,
    reservation: &Reservation,
    model: &ModelProfile,
    request: &ConverseRequest,
    plan: &StreamPlan,
) {
    if reservation.reserved_tokens == 0 {
        return;
    }
    let used = prompt_tokens(request, model).saturating_sub(u64::from(plan.cache.read_tokens))
        + u64::from(plan.output_tokens);
    shared.rate_quotas.give_back(
        &reservation.bucket,
        reservation.reserved_tokens.saturating_sub(used),
    );
}
