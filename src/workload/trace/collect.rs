//! Gathering a trace's records as its lines are read: each field checked
//! (problems kept, the first few), instants in order, re-based on the
//! first record's.

use std::time::Duration;

use super::TraceRecord;
use super::clock::Clock;
use super::error::{MAX_REPORTED_PROBLEMS, Place, TraceError, TraceLineError};

/// A record's fields, checked, before its instant is placed.
pub(super) struct Fields {
    /// The timestamp, in nanoseconds since the format's zero.
    pub instant: i64,
    /// The input tokens.
    pub input_tokens: u32,
    /// The output tokens.
    pub output_tokens: u32,
    /// The session, if any.
    pub session_id: Option<String>,
    /// The prefix-block hash ids (empty: none).
    pub hash_ids: Vec<u64>,
}

/// The records and problems of one file, as its lines are read.
pub(super) struct Collector<'a> {
    /// The file, as the caller named it.
    file: &'a str,
    /// How the file writes its instants.
    clock: Clock,
    /// Where the timestamp is, for ordering problems.
    timestamp_place: Place<'a>,
    /// The records so far.
    records: Vec<TraceRecord>,
    /// The first record's instant.
    first_instant: Option<i64>,
    /// The last record's instant and line.
    previous: Option<(i64, u32)>,
    /// The problems so far.
    problems: Vec<TraceLineError>,
}

impl<'a> Collector<'a> {
    /// An empty collector for `file`, whose timestamps are at
    /// `timestamp_place` and written per `clock`.
    pub(super) fn new(file: &'a str, clock: Clock, timestamp_place: Place<'a>) -> Self {
        Self {
            file,
            clock,
            timestamp_place,
            records: Vec::new(),
            first_instant: None,
            previous: None,
            problems: Vec::new(),
        }
    }

    /// Whether enough problems were found to stop reading.
    pub(super) fn is_full(&self) -> bool {
        self.problems.len() >= MAX_REPORTED_PROBLEMS
    }

    /// A problem at `line`, about `place` when given.
    pub(super) fn problem(
        &mut self,
        line: u32,
        place: Option<Place<'_>>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        if !self.is_full() {
            self.problems
                .push(TraceLineError::new(self.file, line, place, expected, found));
        }
    }

    /// The value of a field at `line` and `place`, or `None` after noting
    /// the problem (what was expected from `expected`).
    pub(super) fn check<T>(
        &mut self,
        line: u32,
        place: Place<'_>,
        expected: impl FnOnce() -> String,
        read: Result<T, String>,
    ) -> Option<T> {
        match read {
            Ok(value) => Some(value),
            Err(found) => {
                self.problem(line, Some(place), expected(), found);
                None
            }
        }
    }

    /// The record at `line`, unless its instant is before the previous
    /// record's.
    pub(super) fn push(&mut self, line: u32, fields: Fields) {
        if let Some((previous, previous_line)) = self.previous
            && fields.instant < previous
        {
            let found = format!(
                "{} after {} at line {previous_line}",
                self.clock.describe(fields.instant),
                self.clock.describe(previous)
            );
            self.problem(
                line,
                Some(self.timestamp_place),
                "a timestamp no earlier than the previous record's (timestamps must not go backwards)",
                found,
            );
            return;
        }
        let first = *self.first_instant.get_or_insert(fields.instant);
        let since_first = u64::try_from(fields.instant.saturating_sub(first)).unwrap_or(0);
        self.previous = Some((fields.instant, line));
        self.records.push(TraceRecord {
            at: Duration::from_nanos(since_first),
            input_tokens: fields.input_tokens,
            output_tokens: fields.output_tokens,
            session_id: fields.session_id,
            hash_ids: fields.hash_ids,
            line,
        });
    }

    /// The records, or the problems found; an error too when there is no
    /// record (`found`: what the file holds instead).
    pub(super) fn finish(self, empty_found: &str) -> Result<Vec<TraceRecord>, TraceError> {
        if !self.problems.is_empty() {
            return Err(TraceError::Invalid {
                stopped_early: self.is_full(),
                problems: self.problems,
            });
        }
        if self.records.is_empty() {
            return Err(TraceError::Empty {
                file: self.file.to_owned(),
                found: empty_found.to_owned(),
            });
        }
        Ok(self.records)
    }
}

/// A problem before any record (the header, the first JSON line): an
/// error of its own.
pub(super) fn fatal(
    file: &str,
    line: u32,
    place: Option<Place<'_>>,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> TraceError {
    TraceError::Invalid {
        problems: vec![TraceLineError::new(file, line, place, expected, found)],
        stopped_early: false,
    }
}
