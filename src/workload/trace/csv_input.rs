//! The CSV traces (Azure, BurstGPT, plain): the header detected or
//! checked against the format named, its columns found by name, then one
//! record per row.

use std::io::{Cursor, Read};

use csv::{ByteRecord, ReaderBuilder, Terminator};

use super::TraceRecord;
use super::clock::Clock;
use super::collect::{Collector, Fields, fatal};
use super::error::{Place, TraceError};
use super::format::TraceFormat;
use super::source::{FirstLine, Source};
use super::values::{
    DATETIME_EXPECTED, HASH_IDS_TEXT_EXPECTED, datetime_from_text, hash_ids_from_text,
    seconds_expected, seconds_from_text, session_from_text, shorten, tokens_expected,
    tokens_from_text,
};

/// The CSV reader's buffer size.
const CSV_BUFFER_BYTES: usize = 256 * 1024;

/// The columns of a CSV format, by header name.
struct Columns {
    /// The format.
    format: TraceFormat,
    /// The timestamp's column.
    timestamp: &'static str,
    /// The input tokens' column.
    input: &'static str,
    /// The output tokens' column.
    output: &'static str,
    /// The session id's column, optional.
    session: Option<&'static str>,
    /// The hash ids' column, optional.
    hash_ids: Option<&'static str>,
    /// Whether other columns are allowed (and ignored).
    others_allowed: bool,
}

/// Azure's columns.
const AZURE: Columns = Columns {
    format: TraceFormat::Azure,
    timestamp: "TIMESTAMP",
    input: "ContextTokens",
    output: "GeneratedTokens",
    session: None,
    hash_ids: None,
    others_allowed: true,
};

/// BurstGPT's columns.
const BURST_GPT: Columns = Columns {
    format: TraceFormat::BurstGpt,
    timestamp: "Timestamp",
    input: "Request tokens",
    output: "Response tokens",
    session: Some("Session ID"),
    hash_ids: None,
    others_allowed: true,
};

/// The plain format's columns.
const PLAIN: Columns = Columns {
    format: TraceFormat::Plain,
    timestamp: "arrival_s",
    input: "input_tokens",
    output: "output_tokens",
    session: Some("session_id"),
    hash_ids: Some("hash_ids"),
    others_allowed: false,
};

/// The headers a CSV trace may have, in words.
const HEADERS_EXPECTED: &str = "a trace header: Azure (`TIMESTAMP,ContextTokens,GeneratedTokens`), \
     BurstGPT (`Timestamp`, `Request tokens`, `Response tokens`, optionally `Session ID`, \
     other columns ignored) or plain (`arrival_s,input_tokens,output_tokens`, optionally \
     `session_id`, `hash_ids`)";

impl Columns {
    /// The columns of a CSV `format`; `None` for Mooncake (JSON Lines).
    fn of(format: TraceFormat) -> Option<&'static Columns> {
        match format {
            TraceFormat::Azure => Some(&AZURE),
            TraceFormat::BurstGpt => Some(&BURST_GPT),
            TraceFormat::Plain => Some(&PLAIN),
            TraceFormat::Mooncake => None,
        }
    }

    /// The format a header is of, by the columns it names.
    fn detect(header: &[String]) -> Option<&'static Columns> {
        let has = |name: &str| header.iter().any(|column| column == name);
        if has(AZURE.timestamp) {
            Some(&AZURE)
        } else if has(BURST_GPT.timestamp) && has(BURST_GPT.input) {
            Some(&BURST_GPT)
        } else if has(PLAIN.timestamp) {
            Some(&PLAIN)
        } else {
            None
        }
    }

    /// Every column this format knows, required first.
    fn known(&self) -> impl Iterator<Item = &'static str> {
        [self.timestamp, self.input, self.output]
            .into_iter()
            .chain(self.session)
            .chain(self.hash_ids)
    }

    /// The columns, in words: ``(`a`, `b`, `c`, optionally `d`)``.
    fn listed(&self) -> String {
        let required = format!("`{}`, `{}`, `{}`", self.timestamp, self.input, self.output);
        let optional: Vec<String> = self
            .session
            .into_iter()
            .chain(self.hash_ids)
            .map(|name| format!("`{name}`"))
            .collect();
        if optional.is_empty() {
            required
        } else {
            format!("{required}, optionally {}", optional.join(", "))
        }
    }

    /// The index of each column in `header`, or the first problem with it.
    fn layout(&self, header: &[String], file: &str, line: u32) -> Result<Layout, TraceError> {
        let shown_header = format!("`{}`", shorten(&header.join(",")));
        for (index, name) in header.iter().enumerate() {
            let known = self.known().any(|known| known == name);
            if known && header[..index].contains(name) {
                return Err(fatal(
                    file,
                    line,
                    Some(Place::Column(name)),
                    "each column once",
                    "it more than once",
                ));
            }
            if !known && !self.others_allowed {
                return Err(fatal(
                    file,
                    line,
                    Some(Place::Column(name)),
                    format!(
                        "a column of the {} header ({})",
                        self.format.label(),
                        self.listed()
                    ),
                    "an unknown column",
                ));
            }
        }
        let index = |name: &str| header.iter().position(|column| column == name);
        let required = |name: &'static str| {
            index(name).ok_or_else(|| {
                fatal(
                    file,
                    line,
                    Some(Place::Column(name)),
                    format!(
                        "a column of the {} header ({})",
                        self.format.label(),
                        self.listed()
                    ),
                    format!("a header without it: {shown_header}"),
                )
            })
        };
        Ok(Layout {
            timestamp: required(self.timestamp)?,
            input: required(self.input)?,
            output: required(self.output)?,
            session: self.session.and_then(index),
            hash_ids: self.hash_ids.and_then(index),
            width: header.len(),
        })
    }
}

/// Where each column is in a row.
struct Layout {
    /// The timestamp's index.
    timestamp: usize,
    /// The input tokens' index.
    input: usize,
    /// The output tokens' index.
    output: usize,
    /// The session id's index, if the file has one.
    session: Option<usize>,
    /// The hash ids' index, if the file has one.
    hash_ids: Option<usize>,
    /// The number of columns.
    width: usize,
}

/// The format and records of a CSV trace whose first non-blank line is
/// `first`, the rest to be read from `source`.
pub(super) fn read_csv(
    source: Source,
    first: FirstLine,
    file: &str,
    named: Option<TraceFormat>,
) -> Result<(TraceFormat, Vec<TraceRecord>), TraceError> {
    let line_offset = first.number.saturating_sub(1);
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(Terminator::Any(b'\n'))
        .buffer_capacity(CSV_BUFFER_BYTES)
        .from_reader(Cursor::new(first.bytes).chain(source));
    let unreadable = |error: csv::Error| TraceError::Unreadable {
        file: file.to_owned(),
        found: error.to_string(),
    };
    let mut row = ByteRecord::new();
    if !reader.read_byte_record(&mut row).map_err(unreadable)? {
        return Err(TraceError::Empty {
            file: file.to_owned(),
            found: "an empty file".to_owned(),
        });
    }
    let header_line = line_offset.saturating_add(row_line(&row));
    let header: Vec<String> = row
        .iter()
        .map(|name| String::from_utf8_lossy(name.trim_ascii()).into_owned())
        .collect();
    let shown_header = format!("`{}`", shorten(&header.join(",")));
    let columns = match named {
        Some(TraceFormat::Mooncake) => {
            return Err(fatal(
                file,
                header_line,
                None,
                "JSON Lines of Mooncake records (a first line starting with `{`)",
                format!("a CSV header {shown_header}"),
            ));
        }
        Some(format) => Columns::of(format),
        None => Columns::detect(&header),
    };
    let Some(columns) = columns else {
        return Err(fatal(
            file,
            header_line,
            None,
            HEADERS_EXPECTED,
            shown_header,
        ));
    };
    let layout = columns.layout(&header, file, header_line)?;
    let (clock, timestamp_expected): (Clock, fn() -> String) = match columns.format {
        TraceFormat::Azure => (Clock::DateTime, || DATETIME_EXPECTED.to_owned()),
        _ => (Clock::Seconds, seconds_expected),
    };
    let read_instant = match columns.format {
        TraceFormat::Azure => datetime_from_text,
        _ => seconds_from_text,
    };
    let name = |index: usize| Place::Column(&header[index]);
    let mut collector = Collector::new(file, clock, name(layout.timestamp));
    while !collector.is_full() && reader.read_byte_record(&mut row).map_err(unreadable)? {
        let line = line_offset.saturating_add(row_line(&row));
        if row.len() == 1 && row[0].trim_ascii().is_empty() {
            continue;
        }
        if row.len() != layout.width {
            collector.problem(
                line,
                None,
                format!("{} fields (as many as the header)", layout.width),
                format!("{} fields", row.len()),
            );
            continue;
        }
        let instant = collector.check(
            line,
            name(layout.timestamp),
            timestamp_expected,
            text(&row, layout.timestamp).and_then(read_instant),
        );
        let input_tokens = collector.check(
            line,
            name(layout.input),
            || tokens_expected(1),
            text(&row, layout.input).and_then(|text| tokens_from_text(text, 1)),
        );
        let output_tokens = collector.check(
            line,
            name(layout.output),
            || tokens_expected(0),
            text(&row, layout.output).and_then(|text| tokens_from_text(text, 0)),
        );
        let session_id = match layout.session {
            Some(index) => collector.check(
                line,
                name(index),
                || "UTF-8 text".to_owned(),
                text(&row, index).map(session_from_text),
            ),
            None => Some(None),
        };
        let hash_ids = match layout.hash_ids {
            Some(index) => collector.check(
                line,
                name(index),
                || HASH_IDS_TEXT_EXPECTED.to_owned(),
                text(&row, index).and_then(hash_ids_from_text),
            ),
            None => Some(Vec::new()),
        };
        if let (
            Some(instant),
            Some(input_tokens),
            Some(output_tokens),
            Some(session_id),
            Some(hash_ids),
        ) = (instant, input_tokens, output_tokens, session_id, hash_ids)
        {
            collector.push(
                line,
                Fields {
                    instant,
                    input_tokens,
                    output_tokens,
                    session_id,
                    hash_ids,
                },
            );
        }
    }
    let records = collector.finish("only the header")?;
    Ok((columns.format, records))
}

/// The 1-based line (within what the CSV reader reads) where `row` starts.
fn row_line(row: &ByteRecord) -> u32 {
    row.position().map_or(0, |position| {
        u32::try_from(position.line()).unwrap_or(u32::MAX)
    })
}

/// The text of field `index` of `row`, without the spaces around it
/// (nor a `\r` of a CRLF line ending), or what was found when it is not
/// UTF-8.
fn text(row: &ByteRecord, index: usize) -> Result<&str, String> {
    std::str::from_utf8(row[index].trim_ascii())
        .map_err(|_| "bytes that are not UTF-8 text".to_owned())
}
