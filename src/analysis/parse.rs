//! From CSV records to attempts: the header's column map, and one block
//! of records parsed into block-local attempts (fields: see `fields.rs`).

use std::collections::HashMap;
use std::path::Path;

use csv::ByteRecord;

use super::dataset::{
    Attempt, EMPTY_CONFIG, SENT_OPTIMIZED, SERVED_STANDARD, SUCCESS, SourceFormat, WARMUP,
};
use super::dedup::push_key;
use super::error::{FieldError, ReadError, RowError};
use super::fields::{
    derived_generation_otps, derived_tpot, non_negative, parse_gaps, seconds, tokens, whole,
};
use super::hash::{FxBuild, hash_bytes};
use super::settings::{WATCHED, Watched};
use crate::export::raw_csv::EXTENDED_COLUMNS;

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
    /// `experiment_name`, `temperature`, `top_p`, `top_k`, `timestamp`,
    /// `target`, `time_scale` (see
    /// [`RunSettings`](super::settings::RunSettings)).
    watched: [Option<usize>; WATCHED],
}

/// The columns every raw CSV must have.
pub const REQUIRED_COLUMNS: [&str; 9] = [
    "time_to_first_byte",
    "time_to_last_byte",
    "model_input_tokens",
    "model_output_tokens",
    "model",
    "region",
    "invocation_id",
    "api_call_status",
    "performance_config",
];

impl Columns {
    /// Map a header. `performance_config` may also be spelled
    /// `inference_profile` (the older notebook's name).
    pub fn from_header(path: &Path, header: &ByteRecord) -> Result<Columns, ReadError> {
        let mut index: HashMap<&[u8], usize> = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim_ascii();
            let name = name
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(name);
            index.entry(name).or_insert(i);
        }
        let find = |name: &str| index.get(name.as_bytes()).copied();
        let need = |name: &'static str| {
            find(name).ok_or_else(|| ReadError::MissingColumn {
                path: path.to_path_buf(),
                column: name,
            })
        };
        let config = match find("performance_config").or_else(|| find("inference_profile")) {
            Some(i) => i,
            None => need("performance_config")?,
        };
        let format = if EXTENDED_COLUMNS.iter().any(|c| find(c).is_some()) {
            SourceFormat::Extended
        } else {
            SourceFormat::Python
        };
        Ok(Columns {
            fields: header.len(),
            format,
            ttft: need("time_to_first_byte")?,
            total: need("time_to_last_byte")?,
            input_tokens: need("model_input_tokens")?,
            output_tokens: need("model_output_tokens")?,
            model: need("model")?,
            region: need("region")?,
            invocation: need("invocation_id")?,
            status: need("api_call_status")?,
            config,
            target: find("target"),
            time_to_response: find("time_to_response"),
            sent: find("performance_config_sent"),
            served: find("served_performance_config"),
            server_latency: find("server_latency_ms"),
            generation_otps: find("generation_otps"),
            tpot: find("tpot"),
            delta_offsets: find("delta_offsets"),
            chunk_count: find("chunk_count"),
            request_id: find("request_id"),
            phase: find("phase"),
            start_offset: find("start_offset_s"),
            job_timestamp: find("job_timestamp_iso"),
            error_message: find("full_error_message"),
            watched: [
                find("experiment_name"),
                find("temperature"),
                find("top_p"),
                find("top_k"),
                find("timestamp"),
                find("target"),
                find("time_scale"),
            ],
        })
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
}

const STANDARD: &[u8] = b"standard";

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
        let key = [
            self.strings.intern(model, "model")?,
            self.strings.intern(region, "region")?,
            self.strings.intern(config, "performance_config")?,
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
            input_tokens,
            output_tokens,
            group,
            source: 0,
            invocation,
            status,
            target,
            flags,
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

/// An ISO 8601 time (`2026-11-24T21:23:07.869200Z`, `+00:00`, or a naive
/// time as Python's `datetime.isoformat()` or `str()` write it, taken as
/// UTC) in seconds since the Unix epoch; NaN when it is none of these.
pub(crate) fn epoch_seconds(raw: &[u8]) -> f64 {
    let Ok(text) = std::str::from_utf8(raw) else {
        return f64::NAN;
    };
    let utc = match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(time) => time.naive_utc(),
        Err(_) => match ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        {
            Some(naive) => naive,
            None => return f64::NAN,
        },
    };
    let utc = utc.and_utc();
    utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_micros()) / 1e6
}

#[cfg(test)]
mod time_tests {
    use super::epoch_seconds;

    #[test]
    fn iso_times_become_unix_seconds() {
        let base = 1_783_000_000.0;
        let z = epoch_seconds(b"2026-07-02T13:46:40.250000Z");
        assert!((z - (base + 0.25)).abs() < 1e-6, "{z}");
        let offset = epoch_seconds(b"2026-07-02T15:46:40.25+02:00");
        assert!((offset - z).abs() < 1e-6, "{offset}");
        let naive = epoch_seconds(b"2026-07-02T13:46:40.250000");
        assert!((naive - z).abs() < 1e-6, "{naive}");
        let spaced = epoch_seconds(b"2026-07-02 13:46:40");
        assert!((spaced - base).abs() < 1e-6, "{spaced}");
        assert!(epoch_seconds(b"yesterday").is_nan());
        assert!(epoch_seconds(b"").is_nan());
    }
}
