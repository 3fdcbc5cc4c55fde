//! What one successful request will stream, and when: drawn from the
//! model's latency profile before the first byte is written, in seconds of
//! model time since the request arrived (the time scale is applied later).

use rand::{Rng, RngExt};

use super::faults::Fault;
use super::guardrail_outcome::{BLOCKED_MESSAGE, GuardrailOutcome};
use super::latency_profile::LatencyProfile;
use super::profile::ModelProfile;
use super::prompt_cache::CacheUse;
use super::request::ConverseRequest;
use super::request_tools::tool_input;
use super::timeline::{ChunkKind, PlannedChunk, Timeline, standard_normal};
use super::words::chunk_text;
use bedrock_catalog::tokens::estimate_tokens;
use bedrock_catalog::{PerformanceConfig, ServiceTier};

/// The tool call of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedToolUse {
    /// `toolUseId`.
    pub tool_use_id: String,
    /// The tool's name.
    pub name: String,
    /// The input as streamed, JSON text: the whole input, or its first
    /// part when `maxTokens` cut the call short (then not valid JSON).
    pub input_json: String,
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

/// How the request asks the model to reason (decided from the request
/// and the catalog by the handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasoningAsk {
    /// The thinking budget, if the request set one.
    pub budget: Option<u32>,
    /// Whether the reasoning block ends with a `signature` delta
    /// (Anthropic's extended thinking).
    pub signed: bool,
}

/// The whole answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamPlan {
    /// `performanceConfig.latency` for the metadata event (None when the
    /// request did not ask for one).
    pub served: Option<PerformanceConfig>,
    /// `serviceTier.type` for the metadata event (None when the request
    /// did not ask for one).
    pub served_tier: Option<ServiceTier>,
    /// Faults applied to this stream (fallbacks, stall, exception).
    pub faults: Vec<Fault>,
    /// `usage.inputTokens`: the prompt's tokens not read from or written
    /// to the cache.
    pub input_tokens: u32,
    /// What the prompt cache did.
    pub cache: CacheUse,
    /// Whether `usage` reports the cache fields (the request had a
    /// `cachePoint`).
    pub reports_cache: bool,
    /// When the response headers are written.
    pub headers_at_s: f64,
    /// The deltas, in order.
    pub chunks: Vec<PlannedChunk>,
    /// When contentBlockStop, messageStop and metadata are written.
    pub end_at_s: f64,
    /// `stopReason`: `max_tokens`, `stop_sequence`, `tool_use` or `end_turn`.
    pub stop_reason: &'static str,
    /// `usage.outputTokens` (sum of the chunks' tokens, reasoning included).
    pub output_tokens: u32,
    /// Reasoning tokens among them.
    pub reasoning_tokens: u32,
    /// Seconds from the first reasoning delta to the first delta of the
    /// answer's block (0 without reasoning).
    pub reasoning_s: f64,
    /// The reasoning block's signature, when signed.
    pub signature: Option<String>,
    /// The tool call, when the answer is one.
    pub tool_use: Option<PlannedToolUse>,
    /// A mid-stream exception, if one was drawn.
    pub exception: Option<PlannedException>,
    /// What the request's guardrail did, when it had one.
    pub guardrail: Option<GuardrailOutcome>,
}

impl StreamPlan {
    /// The planned TTFT: the first delta's offset.
    pub fn first_delta_s(&self) -> Option<f64> {
        self.chunks.first().map(|c| c.at_s)
    }

    /// The answer text of `tokens` tokens from token `first`: the model's
    /// words, or the guardrail's blocked message (all of it in the first
    /// chunk) when the guardrail intervened.
    pub fn text(&self, first: u32, tokens: u32) -> String {
        match &self.guardrail {
            Some(guardrail) if guardrail.intervened() => {
                if first == 0 {
                    BLOCKED_MESSAGE.to_string()
                } else {
                    String::new()
                }
            }
            _ => chunk_text(first, tokens),
        }
    }

    /// Multiply every instant of the plan by `factor` (the headers, each
    /// delta, the end, a mid-stream exception and the reasoning time):
    /// TTFT and every per-token time grow by it ([`crate::SlowDown`]).
    pub fn slow_down(&mut self, factor: f64) {
        self.headers_at_s *= factor;
        for chunk in &mut self.chunks {
            chunk.at_s *= factor;
        }
        self.end_at_s *= factor;
        self.reasoning_s *= factor;
        if let Some(exception) = &mut self.exception {
            exception.at_s *= factor;
        }
    }
}

#[cfg(test)]
impl StreamPlan {
    /// A plan with no delta, for tests.
    pub fn empty() -> Self {
        StreamPlan {
            served: None,
            served_tier: None,
            faults: Vec::new(),
            input_tokens: 0,
            cache: CacheUse::default(),
            reports_cache: false,
            headers_at_s: 0.0,
            chunks: Vec::new(),
            end_at_s: 0.0,
            stop_reason: "end_turn",
            output_tokens: 0,
            reasoning_tokens: 0,
            reasoning_s: 0.0,
            signature: None,
            tool_use: None,
            exception: None,
            guardrail: None,
        }
    }
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

/// The tier served: the one asked (default when none), unless a
/// `priority` request falls back to `default`.
fn served_tier(
    profile: &LatencyProfile,
    requested: Option<ServiceTier>,
    rng: &mut impl Rng,
    faults: &mut Vec<Fault>,
) -> ServiceTier {
    match requested {
        Some(ServiceTier::Priority) if profile.faults.draw_tier_fallback(rng) => {
            faults.push(Fault::ServedAsDefault);
            ServiceTier::Default
        }
        Some(tier) => tier,
        None => ServiceTier::Default,
    }
}

/// Random letters and digits.
fn random_id(rng: &mut impl Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// The answer's length in words after the stop sequences: the words
/// entirely before the first occurrence of any stop sequence in the
/// planned text (`None` when no sequence occurs in it).
pub fn stop_at_sequence(tokens: u32, stop_sequences: &[String]) -> Option<u32> {
    if stop_sequences.is_empty() || tokens == 0 {
        return None;
    }
    let text = chunk_text(0, tokens);
    let at = stop_sequences
        .iter()
        .filter_map(|s| text.find(s.as_str()))
        .min()?;
    let mut words = 0u32;
    let mut end = 0usize;
    for word in text.split(' ') {
        end += word.len();
        if end > at {
            break;
        }
        words += 1;
        end += 1; // the space
    }
    Some(words)
}

/// Draw the plan for a validated request. `requested` optimized must only
/// reach here for a model that offers it (the server checks). `cache` is
/// what the prompt cache did; `reasoning` says whether and how the model
/// reasons first; `max_output` is the request's `maxTokens`, or the
/// model's largest output when it has none: everything generated
/// (reasoning, text, tool input) stays within it, and an answer cut by it
/// stops with `max_tokens`.
pub fn plan<R: Rng>(
    model: &ModelProfile,
    request: &ConverseRequest,
    cache: CacheUse,
    reasoning: Option<ReasoningAsk>,
    max_output: u32,
    rng: &mut R,
) -> StreamPlan {
    let mut faults = Vec::new();
    let (base_profile, served) = served_profile(model, request.latency, rng, &mut faults);
    let tier = served_tier(base_profile, request.service_tier, rng, &mut faults);
    let tiered = model.tiers.of(tier).apply(base_profile);
    let profile = &tiered;
    let prompt_tokens = request
        .text_tokens
        .saturating_add(model.input_token_overhead);
    let input_tokens = prompt_tokens
        .saturating_sub(cache.read_tokens)
        .saturating_sub(cache.write_tokens);
    // Prefill: every token not read from the cache (written ones included).
    let prefilled = prompt_tokens.saturating_sub(cache.read_tokens);

    let (mu, sigma) = profile.ttft_lognormal();
    let ttft = (mu + sigma * standard_normal(rng)).exp()
        + profile.ttft_per_input_token_s * f64::from(prefilled);
    let headers_at_s = profile.response_headers_s.min(ttft);

    let mut timeline = Timeline {
        chunks: Vec::new(),
        at: ttft,
        per_token: 1.0 / profile.tokens_per_s,
        sigma_j: profile.decode_jitter,
        rng,
    };
    let per_chunk = profile.tokens_per_chunk;

    // Reasoning first, in block 0, leaving at least one token of the
    // output for the answer when it can.
    let mut signature = None;
    let mut answer_cap = max_output;
    if let Some(ask) = reasoning {
        let (mu_r, sigma_r) = model.reasoning.lognormal();
        let drawn = (mu_r + sigma_r * standard_normal(timeline.rng))
            .exp()
            .round()
            .clamp(1.0, 1.0e6) as u32;
        let cap = max_output.saturating_sub(1).max(1).min(max_output);
        let tokens = drawn.min(ask.budget.unwrap_or(u32::MAX)).min(cap);
        timeline.push_run(tokens, per_chunk, 0, |sent| ChunkKind::Reasoning {
            first_token: sent,
        });
        if ask.signed {
            signature = Some(random_id(timeline.rng, 88));
            timeline.push(0, 0, ChunkKind::Signature);
        }
        answer_cap = max_output.saturating_sub(tokens);
    }
    let answer_block = u32::from(reasoning.is_some());
    let reasoning_chunks = timeline.chunks.len();

    let mut tool_use = None;
    let tool_call = request.tool_call.as_ref().filter(|_| answer_cap > 0);
    let stop_reason = if let Some(tool) = tool_call {
        // The whole input, or as much of it as maxTokens leaves (then not
        // a whole JSON document, and the answer stops with max_tokens).
        let whole = tool_input(&tool.schema).to_string();
        let tokens = estimate_tokens(&whole).max(1);
        let sent = tokens.min(answer_cap);
        let input_json = timeline.push_tool_input(&whole, tokens, sent, per_chunk, answer_block);
        tool_use = Some(PlannedToolUse {
            tool_use_id: format!("tooluse_{}", random_id(timeline.rng, 22)),
            name: tool.name.clone(),
            input_json,
        });
        if sent < tokens {
            "max_tokens"
        } else {
            "tool_use"
        }
    } else {
        let (mu_n, sigma_n) = profile.natural_length_lognormal();
        let natural = (mu_n + sigma_n * standard_normal(timeline.rng))
            .exp()
            .round()
            .clamp(1.0, 1.0e6) as u32;
        let (mut tokens, mut stop) = if answer_cap < natural {
            (answer_cap, "max_tokens")
        } else {
            (natural, "end_turn")
        };
        if let Some(words) = stop_at_sequence(tokens, &request.stop_sequences) {
            (tokens, stop) = (words, "stop_sequence");
        }
        if tokens == 0 {
            timeline.push(0, answer_block, ChunkKind::Text { first_token: 0 });
        }
        timeline.push_run(tokens, per_chunk, answer_block, |sent| ChunkKind::Text {
            first_token: sent,
        });
        stop
    };
    let reasoning_s = match (
        timeline.chunks.first(),
        timeline.chunks.get(reasoning_chunks),
    ) {
        (Some(first), Some(answer)) if reasoning_chunks > 0 => answer.at_s - first.at_s,
        _ => 0.0,
    };
    // The stop frames follow one token-time after the last delta, so that
    // total - TTFT = output_tokens / rate on average (the seed's formula).
    let jitter = timeline.jitter();
    let mut end_at_s = timeline.at + timeline.per_token * jitter;
    let mut chunks = timeline.chunks;

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
    let reasoning_tokens = chunks
        .iter()
        .filter(|c| matches!(c.kind, ChunkKind::Reasoning { .. }))
        .map(|c| c.tokens)
        .sum();

    StreamPlan {
        served,
        served_tier: request.service_tier.map(|_| tier),
        faults,
        input_tokens,
        cache,
        reports_cache: !request.cache_checkpoints.is_empty(),
        headers_at_s,
        chunks,
        end_at_s,
        stop_reason,
        output_tokens,
        reasoning_tokens,
        reasoning_s,
        signature,
        tool_use,
        exception,
        guardrail: None,
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
        let mut request = ConverseRequest::plain("m", 10);
        request.max_tokens = max_tokens;
        request.latency = latency;
        request
    }

    fn plan<R: Rng>(model: &ModelProfile, request: &ConverseRequest, rng: &mut R) -> StreamPlan {
        let max_output = request.max_tokens.unwrap_or(u32::MAX);
        super::plan(model, request, CacheUse::default(), None, max_output, rng)
    }

    fn model_of(standard: LatencyProfile, optimized: Option<LatencyProfile>) -> ModelProfile {
        ModelProfile {
            input_token_overhead: 0,
            max_in_flight: None,
            quota: crate::rate_quota::RateQuota::default(),
            optimized_quota: None,
            standard,
            optimized,
            tiers: Default::default(),
            reasoning: Default::default(),
            sources: Default::default(),
        }
    }

    #[test]
    fn a_fixed_profile_gives_exact_times() {
        let model = ModelProfile {
            input_token_overhead: 5,
            max_in_flight: None,
            quota: crate::rate_quota::RateQuota::default(),
            optimized_quota: None,
            standard: fixed(0.5, 100.0, 2, 1000),
            optimized: None,
            tiers: Default::default(),
            reasoning: Default::default(),
            sources: Default::default(),
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
        let model = model_of(fixed(0.1, 100.0, 1, 7), Some(fixed(0.05, 200.0, 1, 7)));
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
        let model = model_of(standard, Some(optimized));
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
        let model = model_of(standard, None);
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
        let model = model_of(profile, None);
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
