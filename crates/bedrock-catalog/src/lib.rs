//! What `bedrock-bench` and its emulator both know about Amazon Bedrock
//! models, defined once:
//!
//! - [`base_model_id`]: the base model id of a model id, an inference
//!   profile id (`us.`, `eu.`, `apac.`, `global.`...) or an ARN;
//!   [`is_model_id`] and [`is_region_name`]: the shapes of model ids and
//!   region names;
//! - [`ModelInfo`] and [`model`]: the known models, their family, where
//!   latency-optimized inference is offered, their largest output, service
//!   tiers ([`ServiceTier`]), reasoning ([`Reasoning`]), prompt caching
//!   ([`CacheTtl`]) and
//!   inference-profile geographies;
//! - [`availability`]: providers, on-demand or inference-profile
//!   invocation, the profiles a region offers (the control plane's view);
//! - [`Family`]: which request fields a model family takes (top-k);
//! - [`Api`]: the inference APIs, and which a model is offered on;
//! - [`PerformanceConfig`]: the `performanceConfig.latency` values;
//! - [`prices`]: a dated table of on-demand prices per million tokens,
//!   overridable, and the exact cost of a call from its usage;
//! - [`tokens`]: a deterministic token estimate, for the emulator's usage
//!   and for synthetic prompts of N tokens.
//!
//! It depends on nothing of the harness or the emulator, and both depend
//! on it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
pub mod availability;
mod cache_ttl;
mod family;
mod guardrail;
mod model_id;
mod models;
mod performance;
pub mod prices;
mod reasoning;
pub mod region;
mod tier;
pub mod tokens;

pub use api::{APIS_AS_OF, Api, Endpoint, RUNTIME_ENDPOINT};
pub use cache_ttl::CacheTtl;
pub use family::Family;
pub use guardrail::{
    GUARDRAIL_IDENTIFIER_PATTERN, GUARDRAIL_VERSION_PATTERN, GuardrailMode, GuardrailTrace,
    guardrail_identifier_matches, guardrail_version_matches,
};
pub use model_id::{
    GEO_PREFIXES, MAX_ARN_CHARS, MAX_MODEL_ID_CHARS, MODEL_ID_SHAPE, base_model_id, is_model_id,
    is_profile_id,
};
pub use models::{MODELS, ModelInfo, model};
pub use performance::{PerformanceConfig, UnknownValue};
pub use reasoning::Reasoning;
pub use region::{REGION_SHAPE, is_region_name, region_suggestion};
pub use tier::ServiceTier;
