//! The dataset: every attempt row of every file read, kept lean (numbers
//! and interned strings only), in file order then row order.

use std::collections::HashMap;
use std::path::PathBuf;

use bedrock_catalog::prices::Cost;

use super::settings::RunSettings;

/// Index of an interned string in a [`Dataset`] (see [`Dataset::str`]).
pub type Sym = u32;

/// One call attempt, reduced to what analysis needs.
///
/// Numbers are `f64` where NaN means "absent" (an empty field), which is
/// how pandas reads them too; [`Attempt::get`] turns NaN into `None`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// `time_to_first_byte`: TTFT, seconds.
    pub ttft: f64,
    /// `time_to_last_byte`: total latency, seconds.
    pub total_latency: f64,
    /// `time_to_response`, seconds (NaN in the Python tool's files).
    pub time_to_response: f64,
    /// `generation_otps`, or `(out - 1) / (total - ttft)` when the file has
    /// no such column.
    pub generation_otps: f64,
    /// `tpot`, or `(total - ttft) / (out - 1)` when the file has no such
    /// column.
    pub tpot: f64,
    /// `server_latency_ms` in seconds.
    pub server_latency: f64,
    /// `start_offset_s`: when the call started, seconds after its run
    /// started (NaN in the Python tool's files).
    pub start_offset: f64,
    /// `job_timestamp_iso` (the call's wall-clock start) in seconds since
    /// the Unix epoch; NaN when absent or not RFC 3339 / ISO 8601.
    pub started_at: f64,
    /// `time_to_first_text`: the first `text` delta, seconds after t0
    /// (NaN when absent: no text arrived, or a file without the column).
    pub time_to_first_text: f64,
    /// `reasoning_time`: first reasoning delta to first text delta,
    /// seconds (NaN when absent).
    pub reasoning_time: f64,
    /// `dispatch_lag_s`: an open-loop call's t0 minus its scheduled
    /// instant, seconds (NaN in the closed loop and in older files).
    pub dispatch_lag: f64,
    /// `queued_s`: how long the open loop's concurrency cap held the call,
    /// seconds (NaN in the closed loop and in older files).
    pub queued: f64,
    /// `model_input_tokens`.
    pub input_tokens: f64,
    /// `model_output_tokens`.
    pub output_tokens: f64,
    /// Index of the (model, region, performance_config) key: see
    /// [`Dataset::group_key`].
    pub group: u32,
    /// Index of the file in [`Dataset::sources`].
    pub source: u32,
    /// The logical invocation: equal for two attempts when they come from
    /// the same file of ours and have the same `invocation_id`. Every row
    /// of the Python tool's files is an invocation of its own (that tool
    /// never retries, and reuses its ids in every scenario and run).
    pub invocation: u32,
    /// `api_call_status`.
    pub status: Sym,
    /// `target` (`aws`, `emulator`; the empty string when absent).
    pub target: Sym,
    pub(crate) flags: u16,
    /// `turn`: the call's turn in its conversation, from 1 (0: not in a
    /// conversation, or at most 65,535).
    pub turn: u16,
    /// The attempt's cost in picodollars ([`NO_COST`]: unknown); see
    /// [`Attempt::cost`].
    pub(crate) cost: u64,
    pub(crate) gaps_start: u32,
    pub(crate) gaps_len: u32,
}

/// [`Attempt::cost`] unknown.
pub(crate) const NO_COST: u64 = u64::MAX;

pub(crate) const SUCCESS: u16 = 1;
pub(crate) const SENT_OPTIMIZED: u16 = 2;
pub(crate) const SERVED_STANDARD: u16 = 4;
pub(crate) const EMPTY_CONFIG: u16 = 8;
pub(crate) const WARMUP: u16 = 16;
/// A service tier was sent and `served_service_tier` names another one.
pub(crate) const TIER_DOWNGRADED: u16 = 32;
/// A cache point was sent (`prompt_cache`) and the call neither read nor
/// wrote the cache.
pub(crate) const CACHE_UNUSED: u16 = 64;
/// The answer stopped before the length drawn for it
/// (`target_output_tokens`).
pub(crate) const SHORT_ANSWER: u16 = 128;
/// A cache point was sent (`prompt_cache`).
pub(crate) const CACHE_SENT: u16 = 256;
/// The call read the prompt cache (`cache_read_input_tokens` > 0).
pub(crate) const CACHE_HIT: u16 = 512;
/// The call wrote the prompt cache (`cache_write_input_tokens` > 0).
pub(crate) const CACHE_WRITE: u16 = 1024;

impl Attempt {
    /// `None` for NaN (absent), else the value.
    pub fn get(value: f64) -> Option<f64> {
        (!value.is_nan()).then_some(value)
    }

    /// The attempt's exact cost: its `cost_usd` cell, or its tokens
    /// re-priced (see [`CostSource`]); `None` when unknown (an empty cell,
    /// no usage, or a price needed unknown).
    pub fn cost(&self) -> Option<Cost> {
        (self.cost != NO_COST).then_some(Cost::from_picodollars(self.cost))
    }

    /// `api_call_status == "Success"`.
    pub fn is_success(&self) -> bool {
        self.flags & SUCCESS != 0
    }

    /// `performance_config_sent == "optimized"`.
    pub fn sent_optimized(&self) -> bool {
        self.flags & SENT_OPTIMIZED != 0
    }

    /// Sent as optimized and served as standard: a silent fallback.
    pub fn is_fallback(&self) -> bool {
        self.flags & (SENT_OPTIMIZED | SERVED_STANDARD) == SENT_OPTIMIZED | SERVED_STANDARD
    }

    /// A service tier was sent (`service_tier`) and the response named
    /// another one (`served_service_tier`): a downgrade (or any other
    /// served tier than the one asked for). Unknown when the response
    /// named none.
    pub fn is_tier_downgraded(&self) -> bool {
        self.flags & TIER_DOWNGRADED != 0
    }

    /// A cache point was sent (`prompt_cache`) and the call reported
    /// neither cache-read nor cache-write tokens: the cache point never hit.
    pub fn is_cache_unused(&self) -> bool {
        self.flags & CACHE_UNUSED != 0
    }

    /// A successful answer with fewer output tokens than the length drawn
    /// for it (`target_output_tokens`).
    pub fn is_short_answer(&self) -> bool {
        self.flags & SHORT_ANSWER != 0
    }

    /// A cache point was sent (`prompt_cache` set).
    pub fn sent_cache_point(&self) -> bool {
        self.flags & CACHE_SENT != 0
    }

    /// The call used the prompt cache: it sent a cache point, read or
    /// wrote (a conversation's cache points are not in `prompt_cache`).
    pub fn used_cache(&self) -> bool {
        self.flags & (CACHE_SENT | CACHE_HIT | CACHE_WRITE) != 0
    }

    /// The call read the prompt cache (`cache_read_input_tokens` > 0).
    pub fn is_cache_hit(&self) -> bool {
        self.flags & CACHE_HIT != 0
    }

    /// `phase == "warmup"`: a `cargo bench` warm-up call.
    pub fn is_warmup(&self) -> bool {
        self.flags & WARMUP != 0
    }

    /// Whether the attempt's values enter the statistics: it succeeded and
    /// was not a warm-up call.
    pub fn in_statistics(&self) -> bool {
        self.is_success() && !self.is_warmup()
    }

    /// Whether `performance_config` was empty in the file (counted as
    /// standard).
    pub fn had_empty_config(&self) -> bool {
        self.flags & EMPTY_CONFIG != 0
    }

    /// The Python tool's OTPS: `model_output_tokens / time_to_last_byte`
    /// (the crate's `metrics::otps`); NaN when undefined (a value absent, or
    /// no latency), as for the same call everywhere else.
    pub fn otps(&self) -> f64 {
        crate::metrics::otps(
            crate::metrics::present(self.output_tokens),
            crate::metrics::present(self.total_latency),
        )
        .unwrap_or(f64::NAN)
    }
}

/// Which program wrote a raw CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// `bedrock-bench run`: the Python tool's columns then the extended ones.
    Extended,
    /// The Python tool's `benchmark_main.py`: none of the extended columns.
    Python,
}

/// Where the costs of a file's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostSource {
    /// Its `cost_usd` cells (an empty cell: unknown).
    Column,
    /// Re-priced from its tokens with the built-in table (a file without
    /// `cost_usd`).
    Builtin,
    /// Re-priced from its tokens with a price file (`analyze --prices`).
    PriceFile,
}

/// One file read.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// Who wrote it (by its header).
    pub format: SourceFormat,
    /// Data rows used: every row read but the repeats of rows seen
    /// before ([`Source::repeated_rows`]) and an incomplete last row
    /// ([`Source::incomplete_last_row`]).
    pub rows: u64,
    /// Rows that repeat a row seen before (the same `request_id`, or,
    /// without one, identical in every field), in this file or an earlier
    /// one: counted once, there.
    pub repeated_rows: u64,
    /// The line of the last row when it was cut short (no line break, too
    /// few fields, or `delta_offsets` disagreeing with `chunk_count`) and
    /// therefore skipped.
    pub incomplete_last_row: Option<u64>,
    /// Rows whose `performance_config` was empty (counted as `standard`).
    pub empty_performance_config: u64,
    /// Where the rows' costs come from.
    pub costs: CostSource,
    /// What the rows say about the experiment (names, sampling
    /// parameters, run ids, first and last call).
    pub settings: RunSettings,
}

/// A (model, region, performance_config) key, as interned strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupKey {
    /// Model or inference profile id.
    pub model: Sym,
    /// Region.
    pub region: Sym,
    /// `standard`, `optimized`...
    pub performance_config: Sym,
}

/// The attempts of one (model, region, performance_config).
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'a> {
    /// Index of the key (as in [`Attempt::group`]).
    pub id: u32,
    /// Model or inference profile id.
    pub model: &'a str,
    /// Region.
    pub region: &'a str,
    /// Performance config (`standard` when the file left it empty).
    pub performance_config: &'a str,
    /// Indices into [`Dataset::attempts`], in file and row order.
    pub attempts: Vec<u32>,
}

/// Every attempt read, with interned strings and the pooled inter-chunk
/// gaps.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub(crate) sources: Vec<Source>,
    pub(crate) attempts: Vec<Attempt>,
    pub(crate) gaps: Vec<f64>,
    pub(crate) strings: Vec<Box<str>>,
    pub(crate) string_ids: HashMap<Box<str>, Sym>,
    pub(crate) keys: Vec<GroupKey>,
    pub(crate) key_ids: HashMap<GroupKey, u32>,
    pub(crate) invocations: u32,
    pub(crate) warnings: Vec<String>,
}

impl Dataset {
    /// The files read, in reading order.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Every attempt, in file order then row order.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// Number of distinct invocations: (file, `invocation_id`) in our
    /// files, every row in the Python tool's.
    pub fn invocation_count(&self) -> u32 {
        self.invocations
    }

    /// Notes gathered while reading (skipped empty files, duplicate paths,
    /// incomplete last rows, repeated rows, empty performance configs).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The string behind a [`Sym`].
    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym as usize).map_or("", |s| s)
    }

    /// The [`Sym`] of `text`, if any row holds it.
    pub fn sym(&self, text: &str) -> Option<Sym> {
        self.string_ids.get(text).copied()
    }

    /// The gaps between consecutive deltas of `attempt` (seconds), from
    /// its `delta_offsets`.
    pub fn gaps(&self, attempt: &Attempt) -> &[f64] {
        let start = attempt.gaps_start as usize;
        self.gaps
            .get(start..start + attempt.gaps_len as usize)
            .unwrap_or(&[])
    }

    /// `api_call_status` of `attempt`.
    pub fn status(&self, attempt: &Attempt) -> &str {
        self.str(attempt.status)
    }

    /// `target` of `attempt` (empty when the file has none).
    pub fn target(&self, attempt: &Attempt) -> &str {
        self.str(attempt.target)
    }

    /// The key of group `id` as strings: (model, region, performance_config).
    pub fn group_key(&self, id: u32) -> (&str, &str, &str) {
        match self.keys.get(id as usize) {
            Some(key) => (
                self.str(key.model),
                self.str(key.region),
                self.str(key.performance_config),
            ),
            None => ("", "", ""),
        }
    }

    /// Whether any attempt was made against the built-in emulator.
    pub fn has_emulator_rows(&self) -> bool {
        self.sym("emulator")
            .is_some_and(|sym| self.attempts.iter().any(|a| a.target == sym))
    }

    /// The attempts grouped by (model, region, performance_config), groups
    /// sorted like pandas' `groupby` (model, then region, then
    /// performance_config, by byte order).
    pub fn groups(&self) -> Vec<Group<'_>> {
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); self.keys.len()];
        for (index, attempt) in self.attempts.iter().enumerate() {
            if let Some(list) = members.get_mut(attempt.group as usize) {
                list.push(index as u32);
            }
        }
        let mut groups: Vec<Group<'_>> = members
            .into_iter()
            .enumerate()
            .filter(|(_, attempts)| !attempts.is_empty())
            .map(|(id, attempts)| {
                let (model, region, performance_config) = self.group_key(id as u32);
                Group {
                    id: id as u32,
                    model,
                    region,
                    performance_config,
                    attempts,
                }
            })
            .collect();
        groups.sort_by(|a, b| {
            (
                a.model.as_bytes(),
                a.region.as_bytes(),
                a.performance_config.as_bytes(),
            )
                .cmp(&(
                    b.model.as_bytes(),
                    b.region.as_bytes(),
                    b.performance_config.as_bytes(),
                ))
        });
        groups
    }

    /// Intern `text`.
    pub(crate) fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.string_ids.get(text) {
            return sym;
        }
        let sym = self.strings.len() as Sym;
        self.strings.push(text.into());
        self.string_ids.insert(text.into(), sym);
        sym
    }

    /// The id of a group key, adding it when new.
    pub(crate) fn key_id(&mut self, key: GroupKey) -> u32 {
        if let Some(&id) = self.key_ids.get(&key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key);
        self.key_ids.insert(key, id);
        id
    }
}
