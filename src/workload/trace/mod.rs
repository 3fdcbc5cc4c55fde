//! Production traces to replay: each record an arrival instant with an
//! input and an output length, and where the trace has them a session id
//! and prefix-block hash ids. [`Trace::open`] reads and checks a whole
//! file before the first call (every problem at its file and line), then
//! [`Trace::window`] and [`Trace::sped_up`] cut and compress it; turning
//! the records into timed arrivals and prompts is the plan's job.
//!
//! # Formats
//!
//! The format is detected from the file, or named by the caller
//! ([`TraceFormat`]; a named format the file does not match is an
//! error). A file whose first non-blank character is `{` is JSON Lines,
//! anything else CSV (read by its header; fields may be quoted). A UTF-8
//! byte order mark is ignored and blank lines are skipped.
//!
//! - **Azure** (the Azure LLM inference traces, 2023 and 2024): CSV with
//!   the columns `TIMESTAMP,ContextTokens,GeneratedTokens`; `TIMESTAMP` a
//!   date and time such as `2023-11-16 18:15:46.680590` (0 to 9 fractional
//!   digits). Other columns are ignored.
//! - **BurstGPT**: CSV with the columns `Timestamp` (seconds),
//!   `Request tokens`, `Response tokens` and optionally `Session ID`, in
//!   any order; other columns (`Model`, `Total tokens`, `Log Type`,
//!   `Elapsed time`) are ignored. Rows with `Response tokens` 0 are
//!   failed requests: they are kept, with no output, and counted by
//!   [`Trace::zero_output_count`].
//! - **Mooncake**: JSON Lines such as
//!   `{"timestamp": 1500, "input_length": 6758, "output_length": 12, "hash_ids": [46, 47]}`
//!   with `timestamp` in milliseconds; `hash_ids` optional, other keys
//!   ignored.
//! - **Plain**, this project's own: CSV or JSON Lines, below.
//!
//! Which is which: JSON Lines whose first record has `timestamp` and
//! `input_length` is Mooncake, one with `arrival_s` plain; a CSV header
//! with `TIMESTAMP` is Azure, one with `Timestamp` and `Request tokens`
//! BurstGPT, one with `arrival_s` plain.
//!
//! # The plain format
//!
//! A CSV file with the header `arrival_s,input_tokens,output_tokens`,
//! optionally with `session_id` and `hash_ids` columns, the columns in
//! any order:
//!
//! ```text
//! arrival_s,input_tokens,output_tokens,session_id,hash_ids
//! 0,812,120,chat-1,1 2 3
//! 0.25,95,40,,
//! 1.5,1650,300,chat-1,1 2 3 4
//! ```
//!
//! or JSON Lines with the same keys, `hash_ids` an array:
//!
//! ```text
//! {"arrival_s": 0, "input_tokens": 812, "output_tokens": 120, "session_id": "chat-1", "hash_ids": [1, 2, 3]}
//! {"arrival_s": 0.25, "input_tokens": 95, "output_tokens": 40}
//! ```
//!
//! - `arrival_s`: when the request arrives, in seconds (a non-negative
//!   number, decimals read exactly to the nanosecond) from the trace's
//!   start.
//! - `input_tokens`: the prompt's length, a whole number from 1 to
//!   10,000,000; `output_tokens`: the answer's, from 0 to 10,000,000.
//! - `session_id` (optional): any text naming the conversation the request
//!   belongs to; empty or absent for none.
//! - `hash_ids` (optional): the prompt's prefix blocks, as whole numbers
//!   (in CSV separated by spaces in one field): two requests sharing a
//!   leading run of ids share that prefix.
//!
//! Other columns or keys are errors (they would most likely be typos).
//!
//! # Rules, in every format
//!
//! Records must be in order of arrival: a timestamp earlier than the
//! previous record's is an error at its line (equal instants are fine).
//! Each record's [`at`](TraceRecord::at) is its timestamp minus the first
//! record's, so a trace starts at 0 whatever its clock. Timestamps are
//! non-negative and finite, at most [`MAX_TRACE_SECONDS`] after their
//! zero; lengths are whole numbers (`12.0` is 12) within
//! [`MAX_TRACE_TOKENS`]. A file with a header but no record is an error.
//! Reading stops after the first [`MAX_REPORTED_PROBLEMS`] problems.

mod clock;
mod collect;
mod csv_input;
mod error;
mod format;
mod json_record;
mod jsonl_input;
mod source;
mod values;
mod window;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::{MAX_REPORTED_PROBLEMS, TraceError, TraceLineError};
pub use format::TraceFormat;
pub use values::{MAX_TRACE_SECONDS, MAX_TRACE_TOKENS};

/// One request of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRecord {
    /// When it arrives: since the trace's first record (after
    /// [`Trace::window`] and [`Trace::sped_up`]: since the window's start,
    /// divided by the speed-up).
    pub at: Duration,
    /// Its input tokens (1 or more).
    pub input_tokens: u32,
    /// Its output tokens (0 for a failed request).
    pub output_tokens: u32,
    /// The session it belongs to, if the trace says.
    pub session_id: Option<String>,
    /// Its prompt's prefix-block hash ids; empty when the trace has none.
    pub hash_ids: Vec<u64>,
    /// Its 1-based line in the file.
    pub line: u32,
}

/// A trace read and checked: its records, in order of arrival (never
/// empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The file it was read from.
    path: PathBuf,
    /// Its format.
    format: TraceFormat,
    /// Its records, in order of arrival.
    records: Vec<TraceRecord>,
}

impl Trace {
    /// Reads and checks the trace at `path`, in `format` or (`None`) the
    /// one its first line shows. Every record is checked before this
    /// returns.
    pub fn open(path: &Path, format: Option<TraceFormat>) -> Result<Trace, TraceError> {
        let file = path.display().to_string();
        let mut source = source::open(path, &file)?;
        let Some(first) = source::first_line(&mut source, &file)? else {
            return Err(TraceError::Empty {
                file,
                found: "an empty file".to_owned(),
            });
        };
        let (format, records) = if first.is_json() {
            jsonl_input::read_jsonl(source, first, &file, format)?
        } else {
            csv_input::read_csv(source, first, &file, format)?
        };
        Ok(Trace {
            path: path.to_owned(),
            format,
            records,
        })
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its format.
    pub fn format(&self) -> TraceFormat {
        self.format
    }

    /// Its records, in order of arrival.
    pub fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    /// Its number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether it has no record (never, for a trace that was opened).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The last record's instant.
    pub fn span(&self) -> Duration {
        self.records
            .last()
            .map_or(Duration::ZERO, |record| record.at)
    }

    /// The most input tokens of a record.
    pub fn max_input_tokens(&self) -> u32 {
        self.records
            .iter()
            .map(|record| record.input_tokens)
            .max()
            .unwrap_or(0)
    }

    /// The most output tokens of a record.
    pub fn max_output_tokens(&self) -> u32 {
        self.records
            .iter()
            .map(|record| record.output_tokens)
            .max()
            .unwrap_or(0)
    }

    /// The records with no output (BurstGPT's failed requests).
    pub fn zero_output_count(&self) -> usize {
        self.records
            .iter()
            .filter(|record| record.output_tokens == 0)
            .count()
    }

    /// The number of distinct session ids (0 when the trace has none).
    pub fn session_count(&self) -> usize {
        self.records
            .iter()
            .filter_map(|record| record.session_id.as_deref())
            .collect::<HashSet<_>>()
            .len()
    }

    /// Records per second over the span (the number of records divided by
    /// the span); `None` when the span is 0.
    pub fn arrival_rate(&self) -> Option<f64> {
        let span = self.span().as_secs_f64();
        (span > 0.0).then(|| self.records.len() as f64 / span)
    }

    /// The file's name as messages show it.
    fn file_name(&self) -> String {
        self.path.display().to_string()
    }
}
