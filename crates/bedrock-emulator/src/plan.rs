//! What one successful request will stream, and when: drawn from the
//! model's latency profile before the first byte is written, in seconds of
//! model time since the request arrived (the time scale is applied later).

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

use super::faults::Fault;
use super::profile::{LatencyProfile, ModelProfile};
use super::request::ConverseRequest;
use bedrock_catalog::PerformanceConfig;

/// One `contentBlockDelta`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedChunk {
    /// Offset from the request's arrival, seconds.
    pub at_s: f64,
    /// Output tokens it carries.
    pub tokens: u32,
}

/// A fault that interrupts the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedException {
    /// Chunks written before the exception frame.
    pub after_chunks: usize,
    /// `throttlingException` or `modelStreamErrorException`.
    pub fault: Fault,
    /// When the exception frame is written, seconds.
    pub at_s: f64,
}

/// The whole answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPlan {
    /// `performanceConfig.latency` for the metadata event (None when the
    /// request did not ask for one).
    pub served: Option<PerformanceConfig>,
    /// Faults applied to this stream (fallback to standard, stall, exception).
    pub faults: Vec<Fault>,
    /// `usage.inputTokens`.
    pub input_tokens: u32,
    /// When the response headers are written.
    pub headers_at_s: f64,
    /// The deltas, in order.
    pub chunks: Vec<PlannedChunk>,
    /// When contentBlockStop, messageStop and metadata are written.
    pub end_at_s: f64,
    /// `stopReason`: `max_tokens` when the cap cut the answer, else `end_turn`.
    pub stop_reason: &'static str,
    /// `usage.outputTokens` (sum of the chunks' tokens).
    pub output_tokens: u32,
    /// A mid-stream exception, if one was drawn.
    pub exception: Option<PlannedException>,
}

fn standard_normal(rng: &mut impl Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// Pick the served profile: `optimized` when asked and offered, unless the
/// fallback fault sends it to `standard`.
fn served_profile<'a>(
    model: &'a ModelProfile,
    requested: Option<PerformanceConfig>,
    rng: &mut impl Rng,
    faults: &mut Vec<Fault>,
) -> (&'a LatencyProfile, Option<PerformanceConfig>) {
    match (requested, &model.optimized) {
        (Some(PerformanceConfig::Optimized), Some(optimized)) => {
            if optimized.faults.draw_fallback(rng) {
                faults.push(Fault::ServedAsStandard);
                (&model.standard, Some(PerformanceConfig::Standard))
            } else {
                (optimized, Some(PerformanceConfig::Optimized))
            }
        }
        (requested, _) => (
            &model.standard,
            requested.map(|_| PerformanceConfig::Standard),
        ),
    }
}

/// Draw the plan for a validated request. `requested` optimized must only
/// reach here for a model that offers it (the server checks).
pub fn plan<R: Rng>(model: &ModelProfile, request: &ConverseRequest, rng: &mut R) -> StreamPlan {
    let mut faults = Vec::new();
    let (profile, served) = served_profile(model, request.latency, rng, &mut faults);
    let input_tokens = request
        .text_tokens
        .saturating_add(model.input_token_overhead);

    let (mu, sigma) = profile.ttft_lognormal();
    let ttft = (mu + sigma * standard_normal(rng)).exp()
        + profile.ttft_per_input_token_s * f64::from(input_tokens);
    let headers_at_s = profile.response_headers_s.min(ttft);

    let (mu_n, sigma_n) = profile.natural_length_lognormal();
    let natural = (mu_n + sigma_n * standard_normal(rng))
        .exp()
        .round()
        .clamp(1.0, 1.0e6) as u32;
    let (output_tokens, stop_reason) = match request.max_tokens {
        Some(cap) if cap < natural => (cap, "max_tokens"),
        _ => (natural, "end_turn"),
    };

    let sigma_j = profile.decode_jitter;
    // Log-normal factor with mean 1 (exactly 1 when the jitter is zero).
    let jitter = |rng: &mut R| (sigma_j * standard_normal(rng) - sigma_j * sigma_j / 2.0).exp();
    let per_token = 1.0 / profile.tokens_per_s;
    let mut chunks = Vec::with_capacity(output_tokens.div_ceil(profile.tokens_per_chunk) as usize);
    let mut at = ttft;
    let mut remaining = output_tokens;
    while remaining > 0 {
        let tokens = remaining.min(profile.tokens_per_chunk);
        if !chunks.is_empty() {
            at += f64::from(tokens) * per_token * jitter(rng);
        }
        chunks.push(PlannedChunk { at_s: at, tokens });
        remaining -= tokens;
    }
    // The stop frames follow one token-time after the last delta, so that
    // total - TTFT = output_tokens / rate on average (the seed's formula).
    let mut end_at_s = at + per_token * jitter(rng);

    let mut exception = None;
    match profile.faults.draw_mid_stream(rng) {
        Some(fault @ (Fault::ThrottleMidStream | Fault::ModelStreamError)) => {
            let after_chunks = rng.random_range(1..=chunks.len());
            let at_s = chunks.get(after_chunks).map_or(end_at_s, |c| c.at_s);
            chunks.truncate(after_chunks);
            exception = Some(PlannedException {
                after_chunks,
                fault,
                at_s,
            });
            end_at_s = at_s;
            faults.push(fault);
        }
        Some(Fault::Stall) => {
            let before = rng.random_range(1..=chunks.len());
            for chunk in &mut chunks[before..] {
                chunk.at_s += profile.faults.stall_s;
            }
            end_at_s += profile.faults.stall_s;
            faults.push(Fault::Stall);
        }
        _ => {}
    }
    let output_tokens = chunks.iter().map(|c| c.tokens).sum();

    StreamPlan {
        served,
        faults,
        input_tokens,
        headers_at_s,
        chunks,
        end_at_s,
        stop_reason,
        output_tokens,
        exception,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultRates;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn fixed(ttft: f64, rate: f64, chunk: u32, natural: u32) -> LatencyProfile {
        LatencyProfile {
            ttft_p50_s: ttft,
            ttft_p90_s: ttft,
            ttft_per_input_token_s: 0.0,
            tokens_per_s: rate,
            decode_jitter: 0.0,
            tokens_per_chunk: chunk,
            natural_output_tokens_p50: natural,
            natural_output_tokens_p90: natural,
            response_headers_s: 0.01,
            faults: FaultRates::default(),
        }
    }

    fn request(max_tokens: Option<u32>, latency: Option<PerformanceConfig>) -> ConverseRequest {
        ConverseRequest {
            model_id: "m".into(),
            text_tokens: 10,
            max_tokens,
            latency,
        }
    }

    #[test]
    fn a_fixed_profile_gives_exact_times() {
        let model = ModelProfile {
            input_token_overhead: 5,
            max_in_flight: None,
            standard: fixed(0.5, 100.0, 2, 1000),
            optimized: None,
        };
        let mut rng = StdRng::seed_from_u64(7);
        let p = plan(&model, &request(Some(9), None), &mut rng);
        assert_eq!(p.input_tokens, 15);
        assert_eq!(p.output_tokens, 9);
        assert_eq!(p.stop_reason, "max_tokens");
        assert_eq!(p.chunks.len(), 5);
        assert_eq!(p.chunks.last().map(|c| c.tokens), Some(1));
        assert!((p.chunks[0].at_s - 0.5).abs() < 1e-12);
        assert!((p.chunks[1].at_s - 0.52).abs() < 1e-12);
        assert!((p.chunks[4].at_s - 0.57).abs() < 1e-12);
        assert!((p.end_at_s - 0.58).abs() < 1e-12);
        assert_eq!(p.served, None);
        assert!((p.headers_at_s - 0.01).abs() < 1e-12);
    }

    #[test]
    fn natural_length_ends_the_turn() {
        let model = ModelProfile {
            input_token_overhead: 0,
            max_in_flight: None,
            standard: fixed(0.1, 100.0, 1, 7),
            optimized: Some(fixed(0.05, 200.0, 1, 7)),
        };
        let mut rng = StdRng::seed_from_u64(1);
        let p = plan(
            &model,
            &request(Some(50), Some(PerformanceConfig::Optimized)),
            &mut rng,
        );
        assert_eq!((p.output_tokens, p.stop_reason), (7, "end_turn"));
        assert_eq!(p.served, Some(PerformanceConfig::Optimized));
        assert!((p.chunks[0].at_s - 0.05).abs() < 1e-12);
    }

    #[test]
    fn fallback_and_mid_stream_faults_are_planned() {
        let mut optimized = fixed(0.05, 200.0, 1, 20);
        optimized.faults.optimized_served_as_standard = 1.0;
        let mut standard = fixed(0.1, 100.0, 1, 20);
        standard.faults.model_stream_error = 1.0;
        let model = ModelProfile {
            input_token_overhead: 0,
            max_in_flight: None,
            standard,
            optimized: Some(optimized),
        };
        let mut rng = StdRng::seed_from_u64(3);
        let p = plan(
            &model,
            &request(None, Some(PerformanceConfig::Optimized)),
            &mut rng,
        );
        assert_eq!(p.served, Some(PerformanceConfig::Standard));
        assert_eq!(
            p.faults,
            vec![Fault::ServedAsStandard, Fault::ModelStreamError]
        );
        let exception = p.exception.expect("exception planned");
        assert_eq!(exception.after_chunks, p.chunks.len());
        assert!(exception.after_chunks >= 1);
        assert!(exception.at_s >= p.chunks.last().expect("chunk").at_s);
    }

    #[test]
    fn a_stall_shifts_the_rest_of_the_stream() {
        let mut standard = fixed(0.1, 100.0, 1, 5);
        standard.faults.stall_mid_stream = 1.0;
        standard.faults.stall_s = 2.0;
        let model = ModelProfile {
            input_token_overhead: 0,
            max_in_flight: None,
            standard,
            optimized: None,
        };
        let p = plan(&model, &request(None, None), &mut StdRng::seed_from_u64(4));
        assert!(p.end_at_s > 2.0);
        let gaps: Vec<f64> = p.chunks.windows(2).map(|w| w[1].at_s - w[0].at_s).collect();
        assert!(gaps.iter().any(|g| *g > 1.9), "{gaps:?}");
        assert_eq!(p.faults, vec![Fault::Stall]);
    }

    #[test]
    fn ttft_draws_match_the_profile_quantiles() {
        let mut profile = fixed(0.5, 0.9, 1, 1);
        profile.ttft_p90_s = 0.9;
        profile.ttft_per_input_token_s = 0.0;
        let model = ModelProfile {
            input_token_overhead: 0,
            max_in_flight: None,
            standard: profile,
            optimized: None,
        };
        let mut rng = StdRng::seed_from_u64(11);
        let mut ttfts: Vec<f64> = (0..4000)
            .map(|_| plan(&model, &request(Some(1), None), &mut rng).chunks[0].at_s)
            .collect();
        ttfts.sort_by(f64::total_cmp);
        let p50 = ttfts[2000];
        let p90 = ttfts[3600];
        assert!((p50 - 0.5).abs() < 0.03, "p50 {p50}");
        assert!((p90 - 0.9).abs() < 0.06, "p90 {p90}");
    }
}
