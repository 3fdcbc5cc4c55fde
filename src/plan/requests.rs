//! Each call's request, drawn from its scenario: the one fixed request
//! of most scenarios, or a request built per call from a dataset's record
//! or drawn lengths. A draw depends only on the run's seed, the scenario
//! and the call's number (not on timing or on which worker makes it), so
//! a seed gives the same requests in the same order; it happens before
//! the call's clock starts.
//!
//! Call numbers count a scenario's calls from 0: in the closed loop, each
//! run's warm-ups then invocations (`(run - 1) * (warm-ups + invocations) +
//! position`); in the open loop, the scenario's arrivals in order; in
//! `cargo bench`, its iterations. With `sequential` sampling, call `n`
//! sends record `n` modulo the records; with `shuffled`, the record at
//! place `n` of pass `n / records` of a seeded permutation (a new one
//! each pass, kept in no table: a keyed permutation of the indices); with
//! `random`, a uniform draw.
//!
//! A replayed trace's arrival brings its own record: a synthetic prompt
//! of the record's input length (starting with the text of each prefix
//! block it names, so that records sharing blocks share a prefix) and
//! its output length as `maxTokens` (at least 1, at most the model's
//! largest).

use std::sync::Arc;
use std::time::Duration;

use bedrock_catalog::prices::{Cost, PriceTable};
use bedrock_catalog::tokens::{estimate_tokens, synthetic_prompt};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::cost::{BUSTING_MARKER_BYTES, attempt_worst_case_with};
use crate::call::CallSpec;
use crate::config::{
    Conversation, DatasetSource, FOLLOW_UP_BOUNDS, LengthDistribution, OUTPUT_TOKEN_BOUNDS,
    PromptSource, SYNTHETIC_INPUT_BOUNDS, Sampling, Scenario, THINK_TIME_BOUNDS, TURN_BOUNDS,
};
use crate::config::{TraceReplay, group_prefix};
use crate::record::SentRequest;
use crate::workload::dataset::DatasetError;
use crate::workload::trace::TraceRecord;

/// The instruction appended to a synthetic prompt whose answer length is
/// drawn, so that a model that follows instructions writes at least that
/// much (`{}`: the length, in words).
const ANSWER_LENGTH_INSTRUCTION: &str = "Write at least {} words.";

/// Bytes of a synthetic prompt per token at most (a filler word of up to
/// eight letters and its space), plus the instruction that starts it.
const SYNTHETIC_BYTES_PER_TOKEN: u64 = 9;
/// Bytes of the synthetic prompt's fixed parts at most: the opening
/// instruction and the answer-length instruction.
const SYNTHETIC_FIXED_BYTES: u64 = 96;
/// Bytes per token at most of a trace's prompt: the filler's, and each
/// prefix block's marker (`[b<id>] `, at most 24 bytes for a block of at
/// least 8 tokens).
const TRACE_BYTES_PER_TOKEN: u64 = SYNTHETIC_BYTES_PER_TOKEN + 3;
/// The smallest prefix block that starts with its marker.
const MARKED_BLOCK_TOKENS: u32 = 8;

/// Where one scenario's requests come from.
#[derive(Debug, Clone)]
pub struct RequestSource {
    /// The scenario's request; for a drawn prompt, its text is empty and
    /// its `maxTokens` is the largest that can be drawn.
    base: Arc<CallSpec>,
    /// The key of this scenario's draws (the run's seed and the
    /// scenario's index).
    key: u64,
    /// Input lengths drawn for a synthetic prompt.
    input: Option<LengthDistribution>,
    /// Answer lengths drawn for `maxTokens`.
    output: Option<LengthDistribution>,
    /// Records of a dataset.
    dataset: Option<DatasetSource>,
    /// The prompt is synthetic (fixed or drawn): an answer-length
    /// instruction may be added to it.
    synthetic: bool,
    /// A replayed trace: its longest input, and its prefix block size.
    trace: Option<TraceBounds>,
    /// Multi-turn sessions.
    conversation: Option<Conversation>,
    /// Prefix groups of the prompt cache (1: one shared prefix).
    prefix_groups: u32,
    /// A unique marker at the start of every request.
    cache_busting: bool,
    /// Synthetic prompts sized with CountTokens.
    exact_input: bool,
}

/// Bytes of an answer per `maxTokens` token that a conversation's plan
/// assumes when it sends the answer back: an estimate for the plan's
/// worst case only (each turn reserves the exact bound of the text it
/// sends before it starts).
const ANSWER_BYTES_PER_TOKEN: u64 = 16;

/// One session of a conversation, drawn before its first turn: the first
/// turn's request, the later turns' user messages and the pauses before
/// them.
#[derive(Debug, Clone)]
pub struct SessionDraw {
    /// The first turn's request (its answer kept when more turns follow).
    pub first: DrawnRequest,
    /// The user message of each later turn, in order.
    pub follow_ups: Vec<String>,
    /// The pause before each later turn.
    pub think: Vec<Duration>,
}

impl SessionDraw {
    /// The session's user turns.
    pub fn turns(&self) -> u32 {
        1 + self.follow_ups.len() as u32
    }
}

/// What a replayed trace can ask of a request.
#[derive(Debug, Clone, Copy)]
struct TraceBounds {
    /// The longest input of its records.
    max_input: u32,
    /// Tokens per prefix block.
    block_tokens: u32,
    /// The model's largest `maxTokens`, when the catalog knows it.
    max_output: Option<u32>,
}

/// One call's request and what it sent that its scenario does not fix.
#[derive(Debug, Clone)]
pub struct DrawnRequest {
    /// The request.
    pub spec: Arc<CallSpec>,
    /// Its per-call facts, for the raw CSV.
    pub sent: SentRequest,
}

impl RequestSource {
    /// The requests of `scenario` (the `index`-th of the file) under
    /// `base`, its request built from the experiment, with the run's
    /// `seed`.
    pub fn new(
        scenario: &Scenario,
        index: usize,
        mut base: CallSpec,
        seed: u64,
        trace: Option<&TraceReplay>,
    ) -> RequestSource {
        let (input, dataset, synthetic) = match &scenario.prompt.source {
            PromptSource::SyntheticDrawn(drawn) => (Some(drawn.clone()), None, true),
            PromptSource::Dataset(source) => (None, Some(source.clone()), false),
            PromptSource::Synthetic { .. } => (None, None, true),
            PromptSource::Inline | PromptSource::File(_) => (None, None, false),
        };
        let trace = trace.map(|replay| {
            let max_output =
                bedrock_catalog::model(&scenario.model_id).map(|m| m.max_output_tokens);
            let longest = replay.trace.max_output_tokens().max(1);
            base.max_tokens = max_output.map_or(longest, |most| longest.min(most));
            TraceBounds {
                max_input: replay.trace.max_input_tokens(),
                block_tokens: replay.block_tokens,
                max_output,
            }
        });
        RequestSource {
            base: Arc::new(base),
            key: mix(seed, index as u64),
            input,
            output: scenario.output_tokens.clone(),
            dataset,
            synthetic,
            trace,
            conversation: scenario.conversation.clone(),
            prefix_groups: scenario
                .variant
                .prompt_cache
                .as_ref()
                .map_or(1, |cache| cache.groups),
            cache_busting: scenario.cache_busting,
            exact_input: scenario.exact_input_tokens,
        }
    }

    /// A source that always sends `spec` (tests, `calibrate`).
    pub fn fixed(spec: CallSpec) -> RequestSource {
        RequestSource {
            base: Arc::new(spec),
            key: 0,
            input: None,
            output: None,
            dataset: None,
            synthetic: false,
            trace: None,
            conversation: None,
            prefix_groups: 1,
            cache_busting: false,
            exact_input: false,
        }
    }

    /// Whether synthetic prompts are sized with CountTokens
    /// (`exact_input_tokens`).
    pub fn exact_input(&self) -> bool {
        self.exact_input
    }

    /// The scenario's conversation, if its calls are sessions.
    pub fn conversation(&self) -> Option<&Conversation> {
        self.conversation.as_ref()
    }

    /// The most user turns one of this source's sessions can have (1
    /// outside a conversation).
    pub fn max_turns(&self) -> u32 {
        let Some(conversation) = &self.conversation else {
            return 1;
        };
        let record_turns = self.dataset.as_ref().map(|source| {
            (0..source.eligible_count())
                .map(|k| source.dataset.user_turn_count(source.record(k)))
                .max()
                .unwrap_or(1)
        });
        conversation.max_turns(record_turns)
    }

    /// Session number `call` of a conversation (see the module
    /// documentation for the numbers): a dataset's record gives its user
    /// turns in order (at most `turns` of them); otherwise the first turn
    /// is this source's drawn request and the later ones synthetic
    /// follow-ups. `None` outside a conversation.
    pub fn session(&self, call: u64) -> Option<Result<SessionDraw, DatasetError>> {
        let conversation = self.conversation.as_ref()?;
        Some(self.draw_session(conversation, call))
    }

    fn draw_session(
        &self,
        conversation: &Conversation,
        call: u64,
    ) -> Result<SessionDraw, DatasetError> {
        let mut rng = StdRng::seed_from_u64(mix(self.key ^ 0x5e55_1011, call));
        let most = conversation
            .turns
            .as_ref()
            .map(|turns| turns.sample(&mut rng, TURN_BOUNDS));
        let (mut first, follow_ups) = match &self.dataset {
            Some(source) => {
                let mut pick_rng = StdRng::seed_from_u64(mix(self.key, call));
                let record = source.record(pick(source, self.key, call, &mut pick_rng));
                let entry = source.dataset.entry(record)?;
                let mut users: Vec<String> = entry.user_turns().map(str::to_string).collect();
                users.truncate(most.unwrap_or(u32::MAX) as usize);
                let mut spec = (*self.base).clone();
                let mut sent = SentRequest::fixed(spec.max_tokens);
                if let Some(output) = &self.output {
                    spec.max_tokens = output.sample(&mut rng, OUTPUT_TOKEN_BOUNDS);
                    sent.max_tokens = spec.max_tokens;
                    sent.target_output_tokens = Some(spec.max_tokens);
                }
                let mut users = users.into_iter();
                spec.user_text = users.next().unwrap_or_default();
                if entry.system.is_some() {
                    spec.system = entry.system.clone();
                }
                sent.prompt_id = Some(entry.id);
                self.finish(&mut spec, &mut sent, call);
                (
                    DrawnRequest {
                        spec: Arc::new(spec),
                        sent,
                    },
                    users.collect(),
                )
            }
            None => {
                let first = self.draw(call)?;
                let later = most.unwrap_or(1).saturating_sub(1);
                let follow_ups = (0..later)
                    .map(|_| {
                        synthetic_prompt(
                            conversation
                                .follow_up_tokens
                                .sample(&mut rng, FOLLOW_UP_BOUNDS),
                        )
                    })
                    .collect();
                (first, follow_ups)
            }
        };
        let follow_ups: Vec<String> = follow_ups;
        let think = follow_ups
            .iter()
            .map(|_| {
                let ms = conversation
                    .think_time_ms
                    .sample(&mut rng, THINK_TIME_BOUNDS);
                Duration::from_millis(u64::from(ms))
            })
            .collect();
        let spec = Arc::make_mut(&mut first.spec);
        spec.keep_answer = !follow_ups.is_empty();
        spec.conversation_cache = conversation.cache;
        spec.history.clear();
        first.sent.turn = Some(1);
        first.sent.context_tokens = Some(spec.context_tokens());
        Ok(SessionDraw {
            first,
            follow_ups,
            think,
        })
    }

    /// Whether every call sends the same request.
    pub fn is_fixed(&self) -> bool {
        self.input.is_none()
            && self.output.is_none()
            && self.dataset.is_none()
            && self.trace.is_none()
            && self.conversation.is_none()
            && self.prefix_groups <= 1
            && !self.cache_busting
            && !self.exact_input
    }

    /// What every request of the source gets whatever it draws: its
    /// prefix group's prefix (call `n` sends group `n mod G`), and the
    /// cache-busting marker.
    fn finish(&self, spec: &mut CallSpec, sent: &mut SentRequest, call: u64) {
        if self.prefix_groups > 1
            && let Some(cache) = spec.variant.prompt_cache.as_mut()
        {
            let group = (call % u64::from(self.prefix_groups)) as u32;
            cache.prefix = group_prefix(&cache.prefix, group);
            sent.prefix_group = Some(group);
        }
        if self.cache_busting {
            spec.bust_cache();
        }
    }

    /// The request of a replayed trace's `record`: a synthetic prompt of
    /// its input length, its prefix blocks first, and its output length
    /// as `maxTokens` (at least 1, at most the model's largest).
    pub fn for_trace(&self, record: &TraceRecord) -> DrawnRequest {
        let mut spec = (*self.base).clone();
        let block_tokens = self.trace.map_or(0, |t| t.block_tokens);
        let most = self.trace.and_then(|t| t.max_output).unwrap_or(u32::MAX);
        spec.max_tokens = record.output_tokens.clamp(1, most.max(1));
        let (blocks, tokens) = trace_blocks(record, block_tokens);
        spec.user_text =
            blocks + &self.synthetic_text(record.input_tokens - tokens, Some(spec.max_tokens));
        let sent = SentRequest {
            max_tokens: spec.max_tokens,
            prompt_id: None,
            target_input_tokens: Some(record.input_tokens),
            target_output_tokens: Some(spec.max_tokens),
            session_id: record.session_id.clone(),
            ..SentRequest::default()
        };
        let mut sent = sent;
        self.finish(&mut spec, &mut sent, u64::from(record.line));
        DrawnRequest {
            spec: Arc::new(spec),
            sent,
        }
    }

    /// The scenario's request as configured (for a drawn prompt: its text
    /// empty, `maxTokens` the largest that can be drawn).
    pub fn base(&self) -> &CallSpec {
        &self.base
    }

    /// The request of call number `call` (see the module documentation).
    /// An error only when a dataset's record cannot be read again (the
    /// file changed or went away during the run).
    pub fn draw(&self, call: u64) -> Result<DrawnRequest, DatasetError> {
        if self.is_fixed() {
            return Ok(DrawnRequest {
                spec: Arc::clone(&self.base),
                sent: SentRequest::fixed(self.base.max_tokens),
            });
        }
        let mut rng = StdRng::seed_from_u64(mix(self.key, call));
        let mut spec = (*self.base).clone();
        let mut sent = SentRequest::default();
        if let Some(output) = &self.output {
            let tokens = output.sample(&mut rng, OUTPUT_TOKEN_BOUNDS);
            spec.max_tokens = tokens;
            sent.target_output_tokens = Some(tokens);
        }
        if let Some(input) = &self.input {
            let tokens = input.sample(&mut rng, SYNTHETIC_INPUT_BOUNDS);
            spec.user_text = self.synthetic_text(tokens, sent.target_output_tokens);
            sent.target_input_tokens = Some(tokens);
        } else if self.synthetic
            && let Some(answer) = sent.target_output_tokens
        {
            let tokens = estimate_tokens(&self.base.user_text);
            spec.user_text = self.synthetic_text(tokens, Some(answer));
        }
        if self.synthetic && self.exact_input && sent.target_input_tokens.is_none() {
            sent.target_input_tokens = Some(estimate_tokens(&spec.user_text));
        }
        if let Some(source) = &self.dataset {
            let record = source.record(pick(source, self.key, call, &mut rng));
            let entry = source.dataset.entry(record)?;
            let turns = entry.prompt_turns();
            let (last, earlier) = turns
                .split_last()
                .expect("a record has a user turn (checked when it was read)");
            spec.user_text = last.text.clone();
            spec.history = earlier.to_vec();
            if entry.system.is_some() {
                spec.system = entry.system.clone();
            }
            sent.prompt_id = Some(entry.id);
        }
        sent.max_tokens = spec.max_tokens;
        self.finish(&mut spec, &mut sent, call);
        Ok(DrawnRequest {
            spec: Arc::new(spec),
            sent,
        })
    }

    /// A synthetic prompt of `tokens` tokens by the estimate, asking for
    /// an answer of at least `answer` words when one is drawn (the
    /// instruction is counted in the `tokens`).
    pub fn synthetic_text(&self, tokens: u32, answer: Option<u32>) -> String {
        let Some(answer) = answer else {
            return synthetic_prompt(tokens);
        };
        let instruction = ANSWER_LENGTH_INSTRUCTION.replace("{}", &answer.to_string());
        let own = estimate_tokens(&instruction);
        if tokens <= own {
            return synthetic_prompt(tokens);
        }
        format!("{} {instruction}", synthetic_prompt(tokens - own))
    }

    /// An upper bound of the bytes of text a call adds to the base
    /// request: the longest dataset record (its JSON bytes bound its
    /// texts and their turns' framing), or the longest synthetic prompt
    /// that can be drawn.
    pub fn drawn_text_bytes(&self) -> u64 {
        let busting = if self.cache_busting {
            BUSTING_MARKER_BYTES
        } else {
            0
        };
        let one = self.one_message_bytes().saturating_add(busting);
        let Some(conversation) = &self.conversation else {
            return one;
        };
        // Every later turn adds an answer and a follow-up message.
        let later = u64::from(self.max_turns().saturating_sub(1));
        let follow_up = match &self.dataset {
            Some(_) => one,
            None => u64::from(conversation.follow_up_tokens.max_draw(FOLLOW_UP_BOUNDS))
                .saturating_mul(SYNTHETIC_BYTES_PER_TOKEN)
                .saturating_add(SYNTHETIC_FIXED_BYTES),
        };
        let answer = u64::from(self.base.max_tokens).saturating_mul(ANSWER_BYTES_PER_TOKEN);
        one.saturating_add(later.saturating_mul(follow_up.saturating_add(answer)))
    }

    /// [`drawn_text_bytes`](Self::drawn_text_bytes) of one message.
    fn one_message_bytes(&self) -> u64 {
        if let Some(trace) = &self.trace {
            return u64::from(trace.max_input)
                .saturating_mul(TRACE_BYTES_PER_TOKEN)
                .saturating_add(SYNTHETIC_FIXED_BYTES);
        }
        if let Some(source) = &self.dataset {
            return source.dataset.longest_record_bytes();
        }
        match &self.input {
            Some(input) => u64::from(input.max_draw(SYNTHETIC_INPUT_BOUNDS))
                .saturating_mul(SYNTHETIC_BYTES_PER_TOKEN)
                .saturating_add(SYNTHETIC_FIXED_BYTES),
            None if self.synthetic && self.output.is_some() => {
                (self.base.user_text.len() as u64).saturating_add(SYNTHETIC_FIXED_BYTES)
            }
            None => 0,
        }
    }

    /// The most one attempt of any request of this source can cost
    /// (`None`: a price is unknown).
    pub fn attempt_worst_case(&self, prices: &PriceTable) -> Option<Cost> {
        attempt_worst_case_with(&self.base, self.drawn_text_bytes(), prices)
    }

    /// In words, for plans: what varies from call to call (`None` when
    /// nothing does).
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(source) = &self.dataset {
            parts.push(format!("prompts from {}", source.describe()));
        }
        if let Some(input) = &self.input {
            parts.push(format!("input tokens {}", input.describe()));
        }
        if let Some(output) = &self.output {
            parts.push(format!("answer tokens {}", output.describe()));
        }
        if let Some(conversation) = &self.conversation {
            parts.push(conversation.describe());
        }
        if self.trace.is_some() {
            parts.push(
                "a synthetic prompt of each trace record's input length (its prefix blocks first), its output length as maxTokens"
                    .to_string(),
            );
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// The start of a trace record's prompt: the text of each prefix block
/// it names (a marker naming the block, then filler: records naming the
/// same blocks start with the same text) while they fit in its input
/// length, and their tokens by the estimate; the rest of the prompt is
/// filler to the record's length.
fn trace_blocks(record: &TraceRecord, block_tokens: u32) -> (String, u32) {
    let mut text = String::new();
    let mut tokens = 0u32;
    if block_tokens >= MARKED_BLOCK_TOKENS {
        for id in &record.hash_ids {
            if tokens + block_tokens > record.input_tokens {
                break;
            }
            let marker = format!("[b{id}]");
            let own = estimate_tokens(&marker);
            text.push_str(&marker);
            text.push(' ');
            text.push_str(&synthetic_prompt(block_tokens - own));
            text.push(' ');
            tokens += block_tokens;
        }
    }
    (text, tokens)
}

/// The eligible record of call `call`: see the module documentation.
fn pick(source: &DatasetSource, key: u64, call: u64, rng: &mut StdRng) -> usize {
    let records = source.eligible_count() as u64;
    match source.sampling {
        Sampling::Sequential => (call % records) as usize,
        Sampling::Random => rng.random_range(0..records) as usize,
        Sampling::Shuffled => {
            let pass = call / records;
            permute(call % records, records, mix(key, pass ^ 0x5eed)) as usize
        }
    }
}

/// A bijection of `0..n` keyed by `key`: a four-round Feistel network on
/// the smallest even power of two at least `n`, walked until it lands in
/// range (cycle walking keeps it a bijection of `0..n`).
fn permute(index: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let bits = (64 - (n - 1).leading_zeros()).div_ceil(2).max(1);
    let mask = (1u64 << bits) - 1;
    let mut x = index;
    loop {
        let (mut left, mut right) = (x >> bits, x & mask);
        for round in 0..4u64 {
            let f = mix(key ^ round, right) & mask;
            (left, right) = (right, left ^ f);
        }
        x = (left << bits) | right;
        if x < n {
            return x;
        }
    }
}

/// Two values mixed into one well-spread 64-bit key (SplitMix64's
/// finaliser).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permutation_is_a_bijection_for_every_size() {
        for n in [1u64, 2, 3, 5, 16, 17, 100, 1000, 4097] {
            for key in [0, 1, 0xdead_beef] {
                let mut seen = vec![false; n as usize];
                for i in 0..n {
                    let j = permute(i, n, key);
                    assert!(j < n, "{j} out of 0..{n}");
                    assert!(!seen[j as usize], "{j} twice for n {n}");
                    seen[j as usize] = true;
                }
            }
        }
    }

    #[test]
    fn different_keys_give_different_orders() {
        let order = |key| (0..50).map(|i| permute(i, 50, key)).collect::<Vec<_>>();
        assert_ne!(order(1), order(2));
        assert_ne!(order(1), (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn a_synthetic_prompt_with_an_answer_length_keeps_its_token_count() {
        let source = RequestSource::fixed(CallSpec::new("m", "", 10));
        for (tokens, answer) in [(500, 300), (40, 5000), (3, 100)] {
            let text = source.synthetic_text(tokens, Some(answer));
            assert_eq!(estimate_tokens(&text), tokens, "{text}");
            if tokens > 10 {
                assert!(text.ends_with(&format!("Write at least {answer} words.")));
            }
        }
    }

    fn record(input: u32, hash_ids: Vec<u64>) -> TraceRecord {
        TraceRecord {
            at: std::time::Duration::ZERO,
            input_tokens: input,
            output_tokens: 10,
            session_id: None,
            hash_ids,
            line: 2,
        }
    }

    #[test]
    fn trace_records_naming_the_same_blocks_share_their_prefix() {
        let (a, a_tokens) = trace_blocks(&record(2000, vec![7, 8, 9]), 512);
        let (b, b_tokens) = trace_blocks(&record(1100, vec![7, 8, 4]), 512);
        assert_eq!((a_tokens, b_tokens), (1536, 1024), "whole blocks that fit");
        assert_eq!(estimate_tokens(&a), 1536);
        assert!(a.starts_with(&b), "blocks 7 and 8 are the same text");
        let (c, _) = trace_blocks(&record(2000, vec![5, 8]), 512);
        assert!(!c.starts_with(&b[..20]), "block 5 is not block 7");
        let source = RequestSource::fixed(CallSpec::new("m", "", 10));
        for (input, ids) in [(2000, vec![1, 2, 3]), (100, vec![1]), (1, vec![])] {
            let request = source.for_trace(&record(input, ids));
            assert_eq!(estimate_tokens(&request.spec.user_text), input);
            assert_eq!(request.spec.max_tokens, 10);
        }
    }

    #[test]
    fn the_synthetic_byte_bound_holds() {
        for tokens in [1, 7, 8, 100, 1234, 20_000] {
            let source = RequestSource::fixed(CallSpec::new("m", "", 10));
            let text = source.synthetic_text(tokens, Some(999_999));
            let bound = u64::from(tokens) * SYNTHETIC_BYTES_PER_TOKEN + SYNTHETIC_FIXED_BYTES;
            assert!(text.len() as u64 <= bound, "{tokens}: {}", text.len());
        }
    }
}
