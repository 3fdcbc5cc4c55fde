//! Why a latency profile or its fault rates are unusable. Every message
//! starts with the profile's name (for example
//! `us.amazon.nova-pro-v1:0 optimized`).

/// A fault rate of a profile is unusable (see
/// [`FaultRates::validate`](crate::FaultRates::validate)).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultRatesError {
    /// A probability outside 0 to 1.
    #[error("{what}: fault `{field}` must be a probability from 0 to 1, found {value}")]
    NotAProbability {
        /// The profile.
        what: String,
        /// The fault's field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// The faults before the stream add up to more than 1.
    #[error("{what}: `throttle_before_stream` + `service_unavailable` must not exceed 1")]
    BeforeStreamOverOne {
        /// The profile.
        what: String,
    },
    /// The faults during the stream add up to more than 1.
    #[error(
        "{what}: `throttle_mid_stream` + `model_stream_error` + `stall_mid_stream` must not exceed 1"
    )]
    MidStreamOverOne {
        /// The profile.
        what: String,
    },
    /// A stall length below 0 or not a number.
    #[error("{what}: fault `stall_s` must be zero or more, found {value}")]
    StallLength {
        /// The profile.
        what: String,
        /// The stall length.
        value: f64,
    },
}

/// A latency profile or model profile is unusable (see
/// [`LatencyProfile::validate`](crate::LatencyProfile::validate) and
/// [`ModelProfile::validate`](crate::ModelProfile::validate)).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// A field that must be over 0 is not.
    #[error("{what}: `{field}` must be a positive number, found {value}")]
    NotPositive {
        /// The profile.
        what: String,
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// A field that must be 0 or more is not.
    #[error("{what}: `{field}` must be zero or more, found {value}")]
    Negative {
        /// The profile.
        what: String,
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// The TTFT's 90th percentile is below its median.
    #[error("{what}: `ttft_p90_s` ({p90}) must not be below `ttft_p50_s` ({p50})")]
    TtftQuantiles {
        /// The profile.
        what: String,
        /// `ttft_p50_s`.
        p50: f64,
        /// `ttft_p90_s`.
        p90: f64,
    },
    /// `tokens_per_chunk` is 0.
    #[error("{what}: `tokens_per_chunk` must be at least 1")]
    NoTokensPerChunk {
        /// The profile.
        what: String,
    },
    /// The natural answer length's median is 0 or above its 90th percentile.
    #[error(
        "{what}: `natural_output_tokens_p50` must be at least 1 and `natural_output_tokens_p90` at least the median, found {p50} and {p90}"
    )]
    NaturalLength {
        /// The profile.
        what: String,
        /// `natural_output_tokens_p50`.
        p50: u32,
        /// `natural_output_tokens_p90`.
        p90: u32,
    },
    /// A rate quota value is out of range.
    #[error("{model}: {field}: {problem}")]
    Quota {
        /// The model.
        model: String,
        /// `quota` or `optimized_quota`.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// `max_in_flight` is 0.
    #[error("{model}: `max_in_flight` must be at least 1 or null")]
    NoInFlight {
        /// The model.
        model: String,
    },
    /// A tier factor is out of range.
    #[error(
        "{what}: `{field}` must be a finite number over 0 (0 allowed for spreads and jitter), found {value}"
    )]
    TierFactor {
        /// The tier of the model (`MODEL tiers.flex`).
        what: String,
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// `tiers.flex_share` is not within (0, 1].
    #[error("{model}: `tiers.flex_share` must be over 0 and at most 1, found {value}")]
    FlexShare {
        /// The model.
        model: String,
        /// Its value.
        value: f64,
    },
    /// The reasoning length's median is 0 or above its 90th percentile.
    #[error(
        "{model}: `reasoning.tokens_p50` must be at least 1 and `reasoning.tokens_p90` at least the median, found {p50} and {p90}"
    )]
    ReasoningLength {
        /// The model.
        model: String,
        /// `tokens_p50`.
        p50: u32,
        /// `tokens_p90`.
        p90: u32,
    },
    /// A fault rate is unusable.
    #[error(transparent)]
    Faults(#[from] FaultRatesError),
}
