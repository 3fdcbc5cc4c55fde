//! The experiment's `trace`: arrival instants and lengths replayed from a
//! file (with `"arrival": "trace"`).
//!
//! ```json
//! "trace": "trace.csv"
//! "trace": {"file": "mooncake.jsonl", "format": "mooncake", "speedup": 2,
//!           "start_s": 600, "window_s": 300, "block_tokens": 512}
//! ```
//!
//! - `file`: relative to the experiment file's directory; its format
//!   (`azure`, `burstgpt`, `mooncake`, `plain`) detected unless `format`
//!   names it (see [`crate::workload::trace`]).
//! - `start_s` and `window_s`: replay only the records from `start_s`
//!   seconds after the trace's first one, for `window_s` seconds (trace
//!   time; default: to the end).
//! - `speedup`: replay that many times faster (2: every gap halved).
//! - `block_tokens`: the tokens of one prefix block, for traces whose
//!   records name the blocks their prompts share (Mooncake's `hash_ids`):
//!   records naming the same blocks send the same prefix text.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::fields::{Fields, describe_found, quote};
use crate::workload::trace::{Trace, TraceFormat};

/// The keys of the object form.
const KEYS: [&str; 6] = [
    "file",
    "format",
    "speedup",
    "start_s",
    "window_s",
    "block_tokens",
];

/// The largest speed-up (and the smallest is its inverse).
pub const MAX_SPEEDUP: f64 = 1000.0;

/// The prefix block of Mooncake's traces, tokens.
pub const DEFAULT_BLOCK_TOKENS: u32 = 512;

/// A trace to replay, read, cut to its window and sped up.
#[derive(Clone)]
pub struct TraceReplay {
    /// The records to replay, their instants from the window's start,
    /// divided by the speed-up.
    pub trace: Arc<Trace>,
    /// The whole file's records (before the window).
    pub file_records: usize,
    /// The speed-up.
    pub speedup: f64,
    /// Where the window starts, seconds of trace time.
    pub start_s: f64,
    /// How long the window lasts, seconds of trace time (`None`: to the
    /// end).
    pub window_s: Option<f64>,
    /// Tokens per prefix block named by a record's hash ids.
    pub block_tokens: u32,
}

impl TraceReplay {
    /// In words, for plans: `trace.csv (plain, 221 of 221 records, 2x
    /// faster: 60.2 s at 3.7 arrivals/s)`.
    pub fn describe(&self) -> String {
        let trace = &self.trace;
        let mut text = format!(
            "{} ({}, {} of {} records",
            trace.path().display(),
            trace.format(),
            trace.len(),
            self.file_records
        );
        if self.start_s > 0.0 || self.window_s.is_some() {
            text.push_str(&format!(", from {} s", self.start_s));
            if let Some(window) = self.window_s {
                text.push_str(&format!(" for {window} s"));
            }
        }
        if self.speedup != 1.0 {
            text.push_str(&format!(", {}x faster", self.speedup));
        }
        text.push_str(&format!(
            ": {:.1} s at {:.1} arrivals/s)",
            trace.span().as_secs_f64(),
            trace.arrival_rate().unwrap_or(0.0)
        ));
        text
    }
}

impl fmt::Debug for TraceReplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl PartialEq for TraceReplay {
    fn eq(&self, other: &Self) -> bool {
        self.trace.path() == other.trace.path()
            && self.trace.len() == other.trace.len()
            && self.speedup == other.speedup
            && self.start_s == other.start_s
            && self.window_s == other.window_s
            && self.block_tokens == other.block_tokens
    }
}

/// The `trace` field, read and cut; `None` when absent or invalid (errors
/// recorded).
pub(crate) fn parse(fields: &mut Fields<'_>, base_dir: &Path) -> Option<TraceReplay> {
    let (file, map) = fields.path_or_object("trace", "a trace file")?;
    let mut format = None;
    let (mut speedup, mut start_s, mut window_s) = (1.0, 0.0, None);
    let mut block_tokens = DEFAULT_BLOCK_TOKENS;
    let mut ok = true;
    for (key, value) in map.into_iter().flatten() {
        let field = format!("trace.{key}");
        let mut bad = |fields: &mut Fields<'_>, expected: &str| {
            ok = false;
            fields.error(Some(&field), expected, describe_found(value));
        };
        let seconds = value.as_f64().filter(|s| s.is_finite() && *s >= 0.0);
        match key.as_str() {
            "file" => {}
            "format" => match value.as_str().and_then(TraceFormat::from_name) {
                Some(named) => format = Some(named),
                None => bad(fields, "\"azure\", \"burstgpt\", \"mooncake\" or \"plain\""),
            },
            "speedup" => match value
                .as_f64()
                .filter(|x| (1.0 / MAX_SPEEDUP..=MAX_SPEEDUP).contains(x))
            {
                Some(x) => speedup = x,
                None => bad(fields, "a factor from 0.001 to 1000 (2: twice as fast)"),
            },
            "start_s" => match seconds {
                Some(s) => start_s = s,
                None => bad(fields, "a number of seconds, 0 or more"),
            },
            "window_s" => match seconds.filter(|s| *s > 0.0) {
                Some(s) => window_s = Some(s),
                None => bad(fields, "a positive number of seconds"),
            },
            "block_tokens" => match value.as_u64().filter(|n| (1..=1_000_000).contains(n)) {
                Some(n) => block_tokens = n as u32,
                None => bad(fields, "a whole number of tokens from 1 to 1000000"),
            },
            _ => bad(
                fields,
                &format!("one of {}", KEYS.map(|k| format!("`{k}`")).join(", ")),
            ),
        }
    }
    if !ok {
        return None;
    }
    let path = base_dir.join(&file);
    let read = Trace::open(&path, format).and_then(|whole| {
        let records = whole.len();
        let cut = if start_s > 0.0 || window_s.is_some() {
            whole.window(
                Duration::from_secs_f64(start_s),
                window_s.map(Duration::from_secs_f64),
            )?
        } else {
            whole
        };
        let fast = if speedup == 1.0 {
            cut
        } else {
            cut.sped_up(speedup)?
        };
        Ok((fast, records))
    });
    match read {
        Ok((trace, file_records)) => Some(TraceReplay {
            trace: Arc::new(trace),
            file_records,
            speedup,
            start_s,
            window_s,
            block_tokens,
        }),
        Err(error) => {
            fields.error(
                Some("trace"),
                "a readable trace of arrivals and lengths",
                format!("{}: {error}", quote(&file)),
            );
            None
        }
    }
}
