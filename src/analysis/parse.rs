//! From CSV records to attempts: the header's column map, and one block
//! of records parsed into block-local attempts (fields: see `fields.rs`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use bedrock_catalog::prices::{Cost, PriceTable};
use bedrock_catalog::{Api, Endpoint, GuardrailMode, ServiceTier};
use csv::ByteRecord;

use super::dataset::{
    Attempt, CACHE_HIT, CACHE_SENT, CACHE_UNUSED, CACHE_WRITE, CostSource, EMPTY_CONFIG, NO_COST,
    SENT_OPTIMIZED, SERVED_STANDARD, SHORT_ANSWER, SUCCESS, SourceFormat, TIER_DOWNGRADED, WARMUP,
};
use super::dedup::push_key;
use super::error::{FieldError, ReadError, RowError};
use super::fields::{
    derived_generation_otps, derived_tpot, non_negative, parse_gaps, seconds, tokens, whole,
};
use super::hash::{FxBuild, hash_bytes};
use super::settings::{WATCHED, Watched};
use crate::axes::{Axis, BilledTokens, CacheState, CallPricing, ServedOrSent};
use crate::record::Column;

/// Where each column the analysis reads sits in a file's header.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    pub fields: usize,
    pub format: SourceFormat,
    ttft: usize,
    total: usize,
    input_tokens: usize,
    output_tokens: usize,
    model: usize,
    region: usize,
    invocation: usize,
    status: usize,
    config: usize,
    target: Option<usize>,
    time_to_response: Option<usize>,
    sent: Option<usize>,
    served: Option<usize>,
    server_latency: Option<usize>,
    generation_otps: Option<usize>,
    tpot: Option<usize>,
    delta_offsets: Option<usize>,
    chunk_count: Option<usize>,
    request_id: Option<usize>,
    phase: Option<usize>,
    start_offset: Option<usize>,
    job_timestamp: Option<usize>,
    error_message: Option<usize>,
    time_to_first_text: Option<usize>,
    reasoning_time: Option<usize>,
    /// `dispatch_lag_s` and `queued_s` (open loop; absent in older files).
    dispatch_lag: Option<usize>,
    queued: Option<usize>,
    served_tier: Option<usize>,
    /// `target_output_tokens` (absent in files written before it).
    target_output: Option<usize>,
    /// `turn` (absent in files written before it).
    turn: Option<usize>,
    /// `cost_usd` (absent in files written before it).
    cost: Option<usize>,
    /// The prices the rows are re-priced with from their tokens: a price
    /// file's (`analyze --prices`), or the built-in table for a file
    /// without `cost_usd`; `None`: `cost_usd` is read.
    prices: Option<Arc<PriceTable>>,
    /// Whether `prices` came from a price file.
    price_file: bool,
    /// The variant columns: `service_tier`, `prompt_cache`,
    /// `cache_read_input_tokens`, `cache_write_input_tokens`,
    /// `reasoning_budget_tokens`, `tools`.
    variant: [Option<usize>; 9],
    /// `experiment_name`, `temperature`, `top_p`, `top_k`, `timestamp`,
    /// `target`, `time_scale` (see
    /// [`RunSettings`](super::settings::RunSettings)).
    watched: [Option<usize>; WATCHED],
}

/// The columns every raw CSV must have.
pub const REQUIRED_COLUMNS: [Column; 9] = [
    Column::TimeToFirstByte,
    Column::TimeToLastByte,
    Column::ModelInputTokens,
    Column::ModelOutputTokens,
    Column::Model,
    Column::Region,
    Column::InvocationId,
    Column::ApiCallStatus,
    Column::PerformanceConfig,
];

impl Columns {
    /// Map a header by the column names of [`Column`] (unknown names are
    /// ignored; `performance_config` may also be spelled
    /// `inference_profile`, the older notebook's name).
    pub fn from_header(path: &Path, header: &ByteRecord) -> Result<Columns, ReadError> {
        let mut index: HashMap<Column, usize> = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim_ascii();
            let name = name
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(name);
            if let Some(column) = std::str::from_utf8(name).ok().and_then(Column::from_name) {
                index.entry(column).or_insert(i);
            }
        }
        let find = |column: Column| index.get(&column).copied();
        let need = |column: Column| {
            find(column).ok_or_else(|| ReadError::MissingColumn {
                path: path.to_path_buf(),
                column: column.name(),
            })
        };
        let format = if Column::EXTENDED.iter().any(|c| find(*c).is_some()) {
            SourceFormat::Extended
        } else {
            SourceFormat::Python
        };
        Ok(Columns {
            fields: header.len(),
            format,
            ttft: need(Column::TimeToFirstByte)?,
            total: need(Column::TimeToLastByte)?,
            input_tokens: need(Column::ModelInputTokens)?,
            output_tokens: need(Column::ModelOutputTokens)?,
            model: need(Column::Model)?,
            region: need(Column::Region)?,
            invocation: need(Column::InvocationId)?,
            status: need(Column::ApiCallStatus)?,
            config: need(Column::PerformanceConfig)?,
            target: find(Column::Target),
            time_to_response: find(Column::TimeToResponse),
            sent: find(Column::PerformanceConfigSent),
            served: find(Column::ServedPerformanceConfig),
            server_latency: find(Column::ServerLatencyMs),
            generation_otps: find(Column::GenerationOtps),
            tpot: find(Column::Tpot),
            delta_offsets: find(Column::DeltaOffsets),
            chunk_count: find(Column::ChunkCount),
            request_id: find(Column::RequestId),
            phase: find(Column::Phase),
            start_offset: find(Column::StartOffsetS),
            job_timestamp: find(Column::JobTimestampIso),
            error_message: find(Column::FullErrorMessage),
            time_to_first_text: find(Column::TimeToFirstText),
            reasoning_time: find(Column::ReasoningTime),
            dispatch_lag: find(Column::DispatchLagS),
            queued: find(Column::QueuedS),
            served_tier: find(Column::ServedServiceTier),
            target_output: find(Column::TargetOutputTokens),
            turn: find(Column::Turn),
            cost: find(Column::CostUsd),
            prices: None,
            price_file: false,
            variant: [
                find(Column::ServiceTier),
                find(Column::PromptCache),
                find(Column::CacheReadInputTokens),
                find(Column::CacheWriteInputTokens),
                find(Column::ReasoningBudgetTokens),
                find(Column::Tools),
                find(Column::Api),
                find(Column::Endpoint),
                find(Column::GuardrailMode),
            ],
            watched: [
                find(Column::ExperimentName),
                find(Column::Temperature),
                find(Column::TopP),
                find(Column::TopK),
                find(Column::Timestamp),
                find(Column::Target),
                find(Column::TimeScale),
            ],
        })
    }
}

impl Columns {
    /// The same columns, with the rows' costs re-priced from their tokens
    /// with `prices` (a price file) when given, else read from `cost_usd`
    /// when the file has it, else re-priced with the built-in table.
    pub fn with_prices(mut self, prices: Option<Arc<PriceTable>>) -> Columns {
        self.price_file = prices.is_some();
        self.prices = match prices {
            Some(prices) => Some(prices),
            None if self.cost.is_none() => Some(Arc::new(PriceTable::builtin())),
            None => None,
        };
        self
    }

    /// Where the rows' costs come from.
    pub fn cost_source(&self) -> CostSource {
        match (&self.prices, self.price_file) {
            (None, _) => CostSource::Column,
            (Some(_), false) => CostSource::Builtin,
            (Some(_), true) => CostSource::PriceFile,
        }
    }
}

/// A row's cost re-priced from its tokens, as `cost_usd` is computed when
/// a call is recorded (`record::AttemptRecord::cost`): input, output,
/// cache-read and cache-write tokens at the prices of the model (its
/// region group from the id), the tier served (else sent, else `default`)
/// and the performance config served (else sent, else the row's
/// `performance_config`). `NO_COST` without usage or a price.
struct Repricing<'a> {
    model: &'a [u8],
    input: f64,
    output: f64,
    cache_read: Option<&'a [u8]>,
    cache_write: Option<&'a [u8]>,
    prompt_cache: Option<&'a [u8]>,
    tier_served: Option<&'a [u8]>,
    tier_sent: Option<&'a [u8]>,
    performance: [Option<&'a [u8]>; 3],
}

impl Repricing<'_> {
    fn cost(&self, prices: &PriceTable) -> Result<u64, FieldError> {
        if self.input.is_nan() || self.output.is_nan() {
            return Ok(NO_COST);
        }
        let expected = "a whole number of tokens (or empty)";
        let cache = |raw: Option<&[u8]>, column| match raw {
            Some(raw) => whole(raw, column, expected).map(|n| n.unwrap_or(0)),
            None => Ok(0),
        };
        let tokens = BilledTokens {
            input: self.input as u64,
            output: self.output as u64,
            cache_read: cache(self.cache_read, "cache_read_input_tokens")?,
            cache_write: cache(self.cache_write, "cache_write_input_tokens")?,
        };
        fn text(raw: Option<&[u8]>) -> Option<&str> {
            raw.and_then(|raw| std::str::from_utf8(raw).ok())
        }
        fn typed<T: std::str::FromStr>(raw: Option<&[u8]>) -> Option<T> {
            text(raw)?.parse().ok()
        }
        let Some(model) = text(Some(self.model)) else {
            return Ok(NO_COST);
        };
        let [served, sent, row] = self.performance;
        let pricing = CallPricing {
            model,
            tier: ServedOrSent {
                served: typed(self.tier_served),
                sent: typed(self.tier_sent),
            },
            performance: ServedOrSent {
                served: typed(served),
                sent: typed(sent).or_else(|| typed(row)),
            },
            // The row's cache setting (`system/1h`...) says the TTL of its
            // only cache point.
            one_hour_cache: self
                .prompt_cache
                .is_some_and(|label| label.split(|b| *b == b'/').any(|part| part == b"1h")),
        };
        Ok(pricing
            .cost(prices, tokens)
            .map_or(NO_COST, Cost::picodollars))
    }
}

/// Small-string interning local to one block (models, regions, statuses...).
#[derive(Debug, Default)]
pub(crate) struct LocalStrings {
    ids: HashMap<Box<[u8]>, u32, FxBuild>,
    pub list: Vec<Box<str>>,
}

impl LocalStrings {
    fn intern(&mut self, bytes: &[u8], column: &'static str) -> Result<u32, FieldError> {
        if let Some(&id) = self.ids.get(bytes) {
            return Ok(id);
        }
        let text =
            std::str::from_utf8(bytes).map_err(|_| FieldError::new(column, "UTF-8 text", bytes))?;
        let id = self.list.len() as u32;
        self.list.push(text.into());
        self.ids.insert(bytes.into(), id);
        Ok(id)
    }
}

/// The attempts of one block of records, with block-local ids: `group`
/// indexes `keys`, `status`/`target` index `strings`, `invocation` is the
/// row's index in `invocation_ends` (and `invocation_hashes`, the hash of
/// its bytes, computed here so that the merging thread need not). Each
/// row also has its duplicate key (see `dedup.rs`) in `row_keys`, ending
/// at `row_key_ends`, hashed in `row_key_hashes`.
#[derive(Debug, Default)]
pub(crate) struct Part {
    pub attempts: Vec<Attempt>,
    pub gaps: Vec<f64>,
    pub strings: LocalStrings,
    pub keys: Vec<[u32; 3]>,
    key_ids: HashMap<[u32; 3], u32, FxBuild>,
    pub invocation_bytes: Vec<u8>,
    pub invocation_ends: Vec<usize>,
    pub invocation_hashes: Vec<u64>,
    pub row_keys: Vec<u8>,
    pub row_key_ends: Vec<usize>,
    pub row_key_hashes: Vec<u64>,
    pub watched: Watched,
    /// A row's variant label, reused.
    label: Vec<u8>,
}

const STANDARD: &[u8] = b"standard";

/// The label of a row's variant, in [`VariantKey::label`]'s format: its
/// performance config, then each other axis that is set, after its
/// [`Axis::label_prefix`] (`standard+priority`, `optimized+cache:read`,
/// `standard+think2048+tools:any`), so that statistics never merge two
/// variants. The cache part is what the call did: `read` (cache tokens
/// read), `write` (written, none read) or `none`. Empty axes leave the
/// performance config alone, as in every file written before them. Each
/// value is checked as the label parser reads it back: a service tier, a
/// whole budget, a tools label.
fn variant_label<'a>(
    label: &'a mut Vec<u8>,
    config: &'a [u8],
    fields: [Option<&[u8]>; 9],
) -> Result<&'a [u8], FieldError> {
    let [
        tier,
        cache,
        read,
        write,
        budget,
        tools,
        api,
        endpoint,
        guardrail,
    ] = fields;
    // ConverseStream on bedrock-runtime is the baseline: labelled by nothing.
    let api = set(api).filter(|raw| *raw != Api::ConverseStream.as_str().as_bytes());
    let endpoint = set(endpoint).filter(|raw| *raw != Endpoint::Runtime.as_str().as_bytes());
    if [tier, cache, budget, tools, api, endpoint, guardrail]
        .into_iter()
        .all(|value| set(value).is_none())
        && !positive(read)
        && !positive(write)
    {
        // The performance config alone, as in every file written before
        // the axes: nothing to copy.
        return Ok(config);
    }
    label.clear();
    label.extend_from_slice(config);
    for axis in Axis::ALL {
        let value: Option<&[u8]> = match axis {
            Axis::PerformanceConfig => None,
            Axis::ServiceTier => match set(tier) {
                Some(raw)
                    if std::str::from_utf8(raw)
                        .ok()
                        .and_then(|text| text.parse::<ServiceTier>().ok())
                        .is_none() =>
                {
                    return Err(FieldError::new(
                        "service_tier",
                        "a service tier: priority, default, flex or reserved (or empty)",
                        raw,
                    ));
                }
                value => value,
            },
            Axis::Cache => {
                let state = if positive(read) {
                    Some(CacheState::Read)
                } else if positive(write) {
                    Some(CacheState::Write)
                } else if set(cache).is_some() {
                    Some(CacheState::Unused)
                } else {
                    None
                };
                state.map(|state| state.as_str().as_bytes())
            }
            Axis::Reasoning => match set(budget) {
                Some(raw) if !raw.iter().all(u8::is_ascii_digit) || raw.len() > 19 => {
                    return Err(FieldError::new(
                        "reasoning_budget_tokens",
                        "a whole number of tokens (or empty)",
                        raw,
                    ));
                }
                value => value,
            },
            Axis::Tools => match set(tools) {
                Some(raw)
                    if !(raw == b"tools" || raw.starts_with(b"tools:")) || raw.contains(&b'+') =>
                {
                    return Err(FieldError::new(
                        "tools",
                        "`tools` or `tools:<choice>` without `+` (or empty)",
                        raw,
                    ));
                }
                value => value,
            },
            Axis::Api => match api {
                Some(raw)
                    if std::str::from_utf8(raw)
                        .ok()
                        .and_then(|text| text.parse::<Api>().ok())
                        .is_none() =>
                {
                    return Err(FieldError::new(
                        "api",
                        "an API: converse-stream, converse, invoke-stream, openai-chat or anthropic-messages (or empty)",
                        raw,
                    ));
                }
                value => value,
            },
            Axis::Endpoint => match endpoint {
                Some(raw) => match std::str::from_utf8(raw)
                    .ok()
                    .and_then(|text| text.parse::<Endpoint>().ok())
                {
                    Some(_) => raw.strip_prefix(b"bedrock-"),
                    None => {
                        return Err(FieldError::new(
                            "endpoint",
                            "an endpoint: bedrock-runtime or bedrock-mantle (or empty)",
                            raw,
                        ));
                    }
                },
                None => None,
            },
            Axis::Guardrail => match set(guardrail) {
                Some(raw)
                    if std::str::from_utf8(raw)
                        .ok()
                        .and_then(|text| text.parse::<GuardrailMode>().ok())
                        .is_none() =>
                {
                    return Err(FieldError::new(
                        "guardrail_mode",
                        "a guardrail mode: sync or async (or empty)",
                        raw,
                    ));
                }
                value => value,
            },
        };
        if let Some(value) = value {
            label.extend_from_slice(axis.label_prefix().as_bytes());
            label.extend_from_slice(value);
        }
    }
    Ok(label)
}

/// A raw field that holds something.
fn set(value: Option<&[u8]>) -> Option<&[u8]> {
    value.filter(|value| !value.is_empty())
}

/// A raw token count above zero.
fn positive(value: Option<&[u8]>) -> bool {
    set(value).is_some_and(|raw| raw.iter().any(|b| (b'1'..=b'9').contains(b)))
}

/// The flags of what was asked and not served: a service tier sent and
/// another one served ([`TIER_DOWNGRADED`]); a cache point sent and the
/// cache neither read nor written ([`CACHE_UNUSED`]). `fields` as in
/// [`variant_label`].
fn mismatch_flags(fields: [Option<&[u8]>; 9], served_tier: Option<&[u8]>) -> u16 {
    let [tier, cache, read, write, ..] = fields;
    let mut flags = 0;
    if set(cache).is_some() {
        flags |= CACHE_SENT;
    }
    if positive(read) {
        flags |= CACHE_HIT;
    }
    if positive(write) {
        flags |= CACHE_WRITE;
    }
    if let (Some(sent), Some(served)) = (set(tier), set(served_tier))
        && sent != served
    {
        flags |= TIER_DOWNGRADED;
    }
    if set(cache).is_some() && !positive(read) && !positive(write) {
        flags |= CACHE_UNUSED;
    }
    flags
}

impl Part {
    /// Parse one record into an attempt. Nothing of the record is kept
    /// when `delta_offsets` and `chunk_count` disagree (the caller may skip
    /// the row: a last row cut short).
    pub fn push(&mut self, columns: &Columns, record: &ByteRecord) -> Result<(), RowError> {
        let field = |i: usize| record.get(i).unwrap_or(b"").trim_ascii();
        let opt = |i: Option<usize>| i.map(field);

        let ttft = seconds(field(columns.ttft), "time_to_first_byte")?;
        let total = seconds(field(columns.total), "time_to_last_byte")?;
        let input_tokens = tokens(field(columns.input_tokens), "model_input_tokens")?;
        let output_tokens = tokens(field(columns.output_tokens), "model_output_tokens")?;
        let time_to_response = match opt(columns.time_to_response) {
            Some(raw) => seconds(raw, "time_to_response")?,
            None => f64::NAN,
        };
        let generation_otps = match opt(columns.generation_otps) {
            Some(raw) => non_negative(raw, "generation_otps", "a rate in tokens per second")?,
            None => derived_generation_otps(ttft, total, output_tokens),
        };
        let tpot = match opt(columns.tpot) {
            Some(raw) => seconds(raw, "tpot")?,
            None => derived_tpot(ttft, total, output_tokens),
        };
        let start_offset = match opt(columns.start_offset) {
            Some(raw) => seconds(raw, "start_offset_s")?,
            None => f64::NAN,
        };
        let time_to_first_text = match opt(columns.time_to_first_text) {
            Some(raw) => seconds(raw, "time_to_first_text")?,
            None => f64::NAN,
        };
        let reasoning_time = match opt(columns.reasoning_time) {
            Some(raw) => seconds(raw, "reasoning_time")?,
            None => f64::NAN,
        };
        let dispatch_lag = match opt(columns.dispatch_lag) {
            Some(raw) => seconds(raw, "dispatch_lag_s")?,
            None => f64::NAN,
        };
        let queued = match opt(columns.queued) {
            Some(raw) => seconds(raw, "queued_s")?,
            None => f64::NAN,
        };
        let server_latency = match opt(columns.server_latency) {
            Some(raw) => {
                non_negative(raw, "server_latency_ms", "a latency in milliseconds")? / 1000.0
            }
            None => f64::NAN,
        };

        let model = field(columns.model);
        let region = field(columns.region);
        let status = field(columns.status);
        if status.is_empty() {
            return Err(FieldError::new(
                "api_call_status",
                "a status (`Success` or an error name)",
                status,
            )
            .into());
        }

        let gaps_start = self.gaps.len();
        if let Some(raw) = opt(columns.delta_offsets) {
            let offsets = parse_gaps(raw, &mut self.gaps)?;
            if let Some(raw_chunks) = opt(columns.chunk_count) {
                let chunks = whole(raw_chunks, "chunk_count", "a whole number of chunks")?;
                if let Some(chunks) = chunks.filter(|&c| c != offsets) {
                    self.gaps.truncate(gaps_start);
                    return Err(RowError::Offsets { offsets, chunks });
                }
            }
        }
        let gaps_len = self.gaps.len() - gaps_start;

        let mut flags = 0;
        if status == b"Success" {
            flags |= SUCCESS;
        }
        let mut config = field(columns.config);
        if config.is_empty() {
            config = STANDARD;
            flags |= EMPTY_CONFIG;
        }
        if opt(columns.sent) == Some(b"optimized".as_slice()) {
            flags |= SENT_OPTIMIZED;
        }
        if opt(columns.served) == Some(STANDARD) {
            flags |= SERVED_STANDARD;
        }
        if opt(columns.phase) == Some(b"warmup".as_slice()) {
            flags |= WARMUP;
        }
        if flags & SUCCESS != 0
            && let Some(raw) = set(opt(columns.target_output))
        {
            let target = non_negative(raw, "target_output_tokens", "a whole number of tokens")?;
            if output_tokens < target {
                flags |= SHORT_ANSWER;
            }
        }
        let turn = match set(opt(columns.turn)) {
            Some(raw) => whole(raw, "turn", "a turn number from 1")?
                .map_or(0, |turn| u16::try_from(turn).unwrap_or(u16::MAX)),
            None => 0,
        };
        let variant_fields = columns.variant.map(opt);
        flags |= mismatch_flags(variant_fields, opt(columns.served_tier));
        let cost = match (&columns.prices, opt(columns.cost)) {
            (Some(prices), _) => Repricing {
                model,
                input: input_tokens,
                output: output_tokens,
                cache_read: variant_fields[2],
                cache_write: variant_fields[3],
                prompt_cache: variant_fields[1],
                tier_served: opt(columns.served_tier),
                tier_sent: variant_fields[0],
                performance: [opt(columns.served), opt(columns.sent), Some(config)],
            }
            .cost(prices)?,
            (None, Some(b"")) => NO_COST,
            (None, Some(raw)) => std::str::from_utf8(raw)
                .ok()
                .and_then(|text| text.parse::<Cost>().ok())
                .filter(|cost| cost.picodollars() != NO_COST)
                .ok_or_else(|| {
                    FieldError::new(
                        "cost_usd",
                        "an amount of dollars with at most 12 decimals (or empty)",
                        raw,
                    )
                })?
                .picodollars(),
            (None, None) => NO_COST,
        };
        let variant = variant_label(&mut self.label, config, variant_fields)?;
        let key = [
            self.strings.intern(model, "model")?,
            self.strings.intern(region, "region")?,
            self.strings.intern(variant, "performance_config")?,
        ];
        let group = match self.key_ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.keys.len() as u32;
                self.keys.push(key);
                self.key_ids.insert(key, id);
                id
            }
        };
        if flags & SUCCESS == 0 {
            self.watched
                .observe_error(model, status, opt(columns.error_message).unwrap_or(b""));
        }
        let status = self.strings.intern(status, "api_call_status")?;
        let target = self
            .strings
            .intern(opt(columns.target).unwrap_or(b""), "target")?;

        for (slot, column) in columns.watched.iter().enumerate() {
            if let Some(i) = *column {
                self.watched.observe(slot, field(i));
            }
        }
        let mut started_at = f64::NAN;
        if let Some(raw) = opt(columns.job_timestamp) {
            self.watched.observe_time(raw);
            started_at = epoch_seconds(raw);
        }

        let invocation_id = field(columns.invocation);
        self.invocation_bytes.extend_from_slice(invocation_id);
        self.invocation_ends.push(self.invocation_bytes.len());
        self.invocation_hashes.push(hash_bytes(invocation_id));
        let invocation = (self.invocation_ends.len() - 1) as u32;

        let key_start = self.row_keys.len();
        push_key(
            &mut self.row_keys,
            opt(columns.request_id).unwrap_or(b""),
            record,
        );
        self.row_key_ends.push(self.row_keys.len());
        self.row_key_hashes
            .push(hash_bytes(&self.row_keys[key_start..]));

        self.attempts.push(Attempt {
            ttft,
            total_latency: total,
            time_to_response,
            generation_otps,
            tpot,
            server_latency,
            start_offset,
            started_at,
            time_to_first_text,
            reasoning_time,
            dispatch_lag,
            queued,
            input_tokens,
            output_tokens,
            group,
            source: 0,
            invocation,
            status,
            target,
            flags,
            turn,
            cost,
            // Block-local offsets; made global (and range-checked) on merge.
            gaps_start: gaps_start as u32,
            gaps_len: gaps_len as u32,
        });
        Ok(())
    }

    /// The `invocation_id` bytes of the attempt at `row`.
    pub fn invocation(&self, row: usize) -> &[u8] {
        let start = if row == 0 {
            0
        } else {
            self.invocation_ends[row - 1]
        };
        &self.invocation_bytes[start..self.invocation_ends[row]]
    }

    /// The duplicate key of the attempt at `row` (see `dedup.rs`).
    pub fn row_key(&self, row: usize) -> &[u8] {
        let start = if row == 0 {
            0
        } else {
            self.row_key_ends[row - 1]
        };
        &self.row_keys[start..self.row_key_ends[row]]
    }
}

/// `job_timestamp_iso` in seconds since the Unix epoch (see
/// [`crate::timestamps::epoch_seconds`]); NaN when it is no timestamp.
pub(crate) fn epoch_seconds(raw: &[u8]) -> f64 {
    std::str::from_utf8(raw)
        .ok()
        .and_then(crate::timestamps::epoch_seconds)
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axes::VariantKey;

    /// `variant_label` from raw fields: tier, prompt_cache, cache read,
    /// cache write, budget, tools.
    fn label(config: &str, fields: [&str; 6]) -> Result<String, FieldError> {
        let mut buffer = Vec::new();
        let [a, b, c, d, e, f] = fields.map(|f| Some(f.as_bytes()));
        let fields = [a, b, c, d, e, f, None, None, None];
        variant_label(&mut buffer, config.as_bytes(), fields)
            .map(|bytes| String::from_utf8(bytes.to_vec()).expect("UTF-8"))
    }

    #[test]
    fn the_reader_writes_labels_in_the_one_format_the_parser_reads() {
        let cases = [
            ("standard", ["", "", "", "", "", ""]),
            ("optimized", ["priority", "", "", "", "", ""]),
            ("standard", ["", "system", "0", "0", "", ""]),
            (
                "standard",
                ["flex", "system/1h", "120", "0", "2048", "tools:any"],
            ),
            ("standard", ["", "messages", "0", "300", "", "tools"]),
        ];
        for (config, fields) in cases {
            let written = label(config, fields).expect("a valid row");
            let parsed = VariantKey::parse_label(&written).expect(&written);
            assert_eq!(parsed.label(), written);
            assert_eq!(parsed.performance_config, config);
        }
        assert_eq!(
            label(
                "standard",
                ["flex", "system/1h", "120", "0", "2048", "tools:any"]
            )
            .unwrap(),
            "standard+flex+cache:read+think2048+tools:any"
        );
    }

    #[test]
    fn a_value_the_parser_would_not_read_back_is_a_field_error() {
        let tier = label("standard", ["premium", "", "", "", "", ""]).unwrap_err();
        assert_eq!(
            (tier.column, tier.found.as_str()),
            ("service_tier", "premium")
        );
        let budget = label("standard", ["", "", "", "", "lots", ""]).unwrap_err();
        assert_eq!(budget.column, "reasoning_budget_tokens");
        let tools = label("standard", ["", "", "", "", "", "weather"]).unwrap_err();
        assert_eq!(tools.column, "tools");
    }
}
