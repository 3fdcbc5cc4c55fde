//! Why a trace was not read, or could not be windowed or sped up.

use std::fmt;
use std::time::Duration;

use super::clock::seconds_text;

/// The most problems one read reports; it stops reading after them.
pub const MAX_REPORTED_PROBLEMS: usize = 5;

/// Where in a line a problem is: a CSV column or a JSON key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place<'a> {
    /// A CSV column, by its header name.
    Column(&'a str),
    /// A JSON key.
    Key(&'a str),
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Column(name) => write!(f, "column `{name}`"),
            Place::Key(name) => write!(f, "key `{name}`"),
        }
    }
}

/// One problem at one line of a trace file.
///
/// Displays as ``file:line: column `name`: expected EXPECTED, found
/// FOUND`` (`` key `name`: `` for JSON Lines), without the column part
/// when the problem is about the line as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {}expected {expected}, found {found}", place_prefix(.place.as_deref()))]
pub struct TraceLineError {
    /// The trace file, as the caller named it.
    pub file: String,
    /// The 1-based line.
    pub line: u32,
    /// The column or key (``column `Request tokens` ``, ``key
    /// `input_length` ``), when the problem is about one.
    pub place: Option<String>,
    /// What a valid trace has there.
    pub expected: String,
    /// What the file has there.
    pub found: String,
}

impl TraceLineError {
    /// A problem at `line` of `file`, about `place` when given.
    pub(super) fn new(
        file: &str,
        line: u32,
        place: Option<Place<'_>>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_owned(),
            line,
            place: place.map(|place| place.to_string()),
            expected: expected.into(),
            found: found.into(),
        }
    }
}

/// `` column `name`: `` or nothing.
fn place_prefix(place: Option<&str>) -> String {
    place.map_or_else(String::new, |place| format!("{place}: "))
}

/// Why a trace was not read, windowed or sped up. Every message names the
/// file; problems in the file name its line too.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TraceError {
    /// The file could not be opened or read.
    #[error("{file}: expected a readable trace file, found {found}")]
    Unreadable {
        /// The trace file, as the caller named it.
        file: String,
        /// Why not: `no such file`, `a directory`, the system's error.
        found: String,
    },
    /// Problems in the file's lines: the first
    /// [`MAX_REPORTED_PROBLEMS`] of them, one per line of the message.
    #[error("{}", problems_text(.problems, *.stopped_early))]
    Invalid {
        /// The problems, in file order.
        problems: Vec<TraceLineError>,
        /// Whether reading stopped at the cap (more problems may follow).
        stopped_early: bool,
    },
    /// The file holds no record.
    #[error("{file}: expected at least one trace record, found {found}")]
    Empty {
        /// The trace file, as the caller named it.
        file: String,
        /// What it holds instead: `an empty file`, `only the header`.
        found: String,
    },
    /// No record lies in the window asked for.
    #[error(
        "{file}: window {}: expected at least one record in it, found none \
         (the trace spans 0.0 s to {} s, {records} records)",
        window_text(*.start, *.length),
        seconds_text(*.span)
    )]
    EmptyWindow {
        /// The trace file, as the caller named it.
        file: String,
        /// The window's start, since the trace's first record.
        start: Duration,
        /// The window's length (`None`: to the end).
        length: Option<Duration>,
        /// The trace's span.
        span: Duration,
        /// The trace's number of records.
        records: usize,
    },
    /// A speed-up factor that is not a finite number above 0, or one so
    /// small that the trace's instants would overflow.
    #[error("{file}: speed-up factor: expected {expected}, found {factor:?}")]
    InvalidSpeedUp {
        /// The trace file, as the caller named it.
        file: String,
        /// What a valid factor is.
        expected: String,
        /// The factor given.
        factor: f64,
    },
}

/// The problems, one per line, and a last line saying reading stopped.
fn problems_text(problems: &[TraceLineError], stopped_early: bool) -> String {
    let mut text = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    if let (true, Some(first)) = (stopped_early, problems.first()) {
        text.push_str(&format!(
            "\n{}: stopped reading after the first {} problems",
            first.file,
            problems.len()
        ));
    }
    text
}

/// `from 10.0 s for 5.0 s`, or `from 10.0 s to the end`.
fn window_text(start: Duration, length: Option<Duration>) -> String {
    match length {
        Some(length) => format!(
            "from {} s for {} s",
            seconds_text(start),
            seconds_text(length)
        ),
        None => format!("from {} s to the end", seconds_text(start)),
    }
}
