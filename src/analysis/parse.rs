//! From CSV records to attempts: the header's column map, and lenient but
//! strict field parsing (every bad value is a [`FieldError`]).

use std::collections::HashMap;
use std::path::Path;

use csv::ByteRecord;

use super::dataset::{
    Attempt, EMPTY_CONFIG, SENT_OPTIMIZED, SERVED_STANDARD, SUCCESS, SourceFormat,
};
use super::error::{FieldError, ReadError};
use super::hash::{FxBuild, hash_bytes};
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
/// its bytes, computed here so that the merging thread need not).
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
    pub empty_config: u64,
}

const STANDARD: &[u8] = b"standard";

impl Part {
    /// Parse one record into an attempt.
    pub fn push(&mut self, columns: &Columns, record: &ByteRecord) -> Result<(), FieldError> {
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
            ));
        }
        let mut flags = 0;
        if status == b"Success" {
            flags |= SUCCESS;
        }
        let mut config = field(columns.config);
        if config.is_empty() {
            config = STANDARD;
            flags |= EMPTY_CONFIG;
            self.empty_config += 1;
        }
        if opt(columns.sent) == Some(b"optimized".as_slice()) {
            flags |= SENT_OPTIMIZED;
        }
        if opt(columns.served) == Some(STANDARD) {
            flags |= SERVED_STANDARD;
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
        let status = self.strings.intern(status, "api_call_status")?;
        let target = self
            .strings
            .intern(opt(columns.target).unwrap_or(b""), "target")?;

        let gaps_start = self.gaps.len();
        if let Some(raw) = opt(columns.delta_offsets) {
            parse_gaps(raw, &mut self.gaps)?;
        }
        let gaps_len = self.gaps.len() - gaps_start;

        let invocation_id = field(columns.invocation);
        self.invocation_bytes.extend_from_slice(invocation_id);
        self.invocation_ends.push(self.invocation_bytes.len());
        self.invocation_hashes.push(hash_bytes(invocation_id));
        let invocation = (self.invocation_ends.len() - 1) as u32;

        self.attempts.push(Attempt {
            ttft,
            total_latency: total,
            time_to_response,
            generation_otps,
            tpot,
            server_latency,
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
}

/// `(out - 1) / (total - ttft)` when both are positive, else NaN.
pub fn derived_generation_otps(ttft: f64, total: f64, output_tokens: f64) -> f64 {
    let tokens = output_tokens - 1.0;
    let decode = total - ttft;
    if tokens > 0.0 && decode > 0.0 {
        tokens / decode
    } else {
        f64::NAN
    }
}

/// `(total - ttft) / (out - 1)` when both are positive, else NaN.
pub fn derived_tpot(ttft: f64, total: f64, output_tokens: f64) -> f64 {
    let tokens = output_tokens - 1.0;
    let decode = total - ttft;
    if tokens > 0.0 && decode > 0.0 {
        decode / tokens
    } else {
        f64::NAN
    }
}

/// Empty, `nan` or `NaN` (as pandas writes a missing value): absent.
fn is_missing(raw: &[u8]) -> bool {
    raw.is_empty() || raw.eq_ignore_ascii_case(b"nan")
}

/// Parse a number. Plain decimals of at most 15 digits (every time and
/// count our files hold) take a fast path that gives the same, correctly
/// rounded, result as `str::parse` (an exact integer over an exact power
/// of ten: one correctly rounded division); anything else goes to
/// `str::parse`.
fn number(raw: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut decimals: Option<usize> = None;
    for &b in raw {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
                if digits > 15 {
                    return slow_number(raw);
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return slow_number(raw),
        }
    }
    if digits == 0 {
        return slow_number(raw);
    }
    Some(mantissa as f64 / POW10[decimals.unwrap_or(0)])
}

fn slow_number(raw: &[u8]) -> Option<f64> {
    std::str::from_utf8(raw).ok()?.parse::<f64>().ok()
}

/// A finite, non-negative number, or NaN when absent.
fn non_negative(
    raw: &[u8],
    column: &'static str,
    expected: &'static str,
) -> Result<f64, FieldError> {
    if is_missing(raw) {
        return Ok(f64::NAN);
    }
    match number(raw) {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(FieldError::new(column, expected, raw)),
    }
}

fn seconds(raw: &[u8], column: &'static str) -> Result<f64, FieldError> {
    non_negative(
        raw,
        column,
        "a duration in seconds (a number >= 0, or empty)",
    )
}

/// A whole number of tokens; `10.0` is accepted (pandas writes integer
/// columns with missing values as floats).
fn tokens(raw: &[u8], column: &'static str) -> Result<f64, FieldError> {
    let expected = "a whole number of tokens (or empty)";
    let value = non_negative(raw, column, expected)?;
    if !value.is_nan() && value.fract() != 0.0 {
        return Err(FieldError::new(column, expected, raw));
    }
    Ok(value)
}

/// Append the gaps between consecutive offsets of a `delta_offsets` field.
fn parse_gaps(raw: &[u8], gaps: &mut Vec<f64>) -> Result<(), FieldError> {
    let expected = "non-decreasing offsets in seconds separated by spaces";
    let start = gaps.len();
    let mut previous: Option<f64> = None;
    for piece in raw.split(|b| b.is_ascii_whitespace()) {
        if piece.is_empty() {
            continue;
        }
        let value = match number(piece) {
            Some(v) if v.is_finite() && v >= 0.0 => v,
            _ => {
                gaps.truncate(start);
                return Err(FieldError::new("delta_offsets", expected, raw));
            }
        };
        if let Some(prev) = previous {
            if value < prev {
                gaps.truncate(start);
                return Err(FieldError::new("delta_offsets", expected, raw));
            }
            gaps.push(value - prev);
        }
        previous = Some(value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_lenient_but_bad_values_are_errors() {
        assert!(seconds(b"", "c").unwrap().is_nan());
        assert!(seconds(b"NaN", "c").unwrap().is_nan());
        assert_eq!(seconds(b"0.64", "c"), Ok(0.64));
        assert_eq!(tokens(b"10.0", "c"), Ok(10.0));
        assert_eq!(tokens(b"10", "c"), Ok(10.0));
        assert!(tokens(b"", "c").unwrap().is_nan());
        let e = tokens(b"10.5", "model_output_tokens").unwrap_err();
        assert_eq!(
            (e.column, e.found.as_str()),
            ("model_output_tokens", "10.5")
        );
        assert!(seconds(b"-1", "c").is_err());
        assert!(seconds(b"inf", "c").is_err());
        assert!(seconds(b"abc", "c").is_err());
    }

    #[test]
    fn the_fast_number_path_agrees_with_str_parse() {
        let samples = [
            "0",
            "10",
            "10.0",
            "0.64",
            "1.074",
            "0.326684",
            "123456.789012",
            "999999999999999",
            "0.000001",
            "1.",
            ".5",
            "42.038638553467266",
            "1e-3",
            "-0.5",
            "+1",
            "1.2.3",
            "",
            ".",
        ];
        for text in samples {
            assert_eq!(
                number(text.as_bytes()).map(f64::to_bits),
                text.parse::<f64>().ok().map(f64::to_bits),
                "{text}"
            );
        }
        let mut x: u64 = 12345;
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let text = format!("{}.{:06}", (x >> 40) % 1000, (x >> 8) % 1_000_000);
            assert_eq!(number(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
    }

    #[test]
    fn gaps_come_from_consecutive_offsets() {
        let mut gaps = Vec::new();
        parse_gaps(b"0.5 0.6  0.75", &mut gaps).unwrap();
        assert_eq!(gaps.len(), 2);
        assert!((gaps[0] - 0.1).abs() < 1e-12 && (gaps[1] - 0.15).abs() < 1e-12);
        assert!(parse_gaps(b"0.5 0.4", &mut gaps).is_err());
        assert!(parse_gaps(b"0.5 x", &mut gaps).is_err());
        assert_eq!(gaps.len(), 2, "a bad field leaves nothing behind");
        parse_gaps(b"", &mut gaps).unwrap();
        parse_gaps(b"0.5", &mut gaps).unwrap();
        assert_eq!(gaps.len(), 2);
    }

    #[test]
    fn derived_rates_need_two_tokens_and_a_positive_window() {
        assert_eq!(derived_generation_otps(0.5, 1.5, 51.0), 50.0);
        assert_eq!(derived_tpot(0.5, 1.5, 51.0), 0.02);
        assert!(derived_generation_otps(0.5, 1.5, 1.0).is_nan());
        assert!(derived_generation_otps(0.5, 0.5, 10.0).is_nan());
        assert!(derived_tpot(f64::NAN, 1.5, 10.0).is_nan());
    }
}
