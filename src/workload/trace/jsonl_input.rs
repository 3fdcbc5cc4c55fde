//! The JSON Lines traces (Mooncake, plain): the format detected from the
//! first record's keys or checked against the one named, then one record
//! per non-blank line.

use serde_json::Value;

use super::TraceRecord;
use super::clock::Clock;
use super::collect::{Collector, Fields, fatal};
use super::error::{Place, TraceError};
use super::format::TraceFormat;
use super::json_record::{HashIds, JsonRecord, Key};
use super::source::{FirstLine, Source, is_blank, next_line};
use super::values::{
    HASH_IDS_JSON_EXPECTED, SESSION_JSON_EXPECTED, describe_json, milliseconds_expected,
    milliseconds_from_json, seconds_expected, seconds_from_json, session_from_json,
    tokens_expected, tokens_from_json,
};

/// The keys of a JSON Lines format.
struct Keys {
    /// The format.
    format: TraceFormat,
    /// The timestamp's key.
    timestamp: Key,
    /// The input tokens' key.
    input: Key,
    /// The output tokens' key.
    output: Key,
    /// The session id's key, if the format has one.
    session: Option<Key>,
    /// Whether other keys are allowed (and ignored).
    others_allowed: bool,
}

/// Mooncake's keys.
const MOONCAKE: Keys = Keys {
    format: TraceFormat::Mooncake,
    timestamp: Key::Timestamp,
    input: Key::InputLength,
    output: Key::OutputLength,
    session: None,
    others_allowed: true,
};

/// The plain format's keys.
const PLAIN: Keys = Keys {
    format: TraceFormat::Plain,
    timestamp: Key::ArrivalS,
    input: Key::InputTokens,
    output: Key::OutputTokens,
    session: Some(Key::SessionId),
    others_allowed: false,
};

/// The records a JSON Lines trace may hold, in words.
const RECORDS_EXPECTED: &str = "a trace record: Mooncake (keys `timestamp`, `input_length`, \
     `output_length`, optionally `hash_ids`, other keys ignored) or plain (keys `arrival_s`, \
     `input_tokens`, `output_tokens`, optionally `session_id`, `hash_ids`)";

impl Keys {
    /// The keys, in words.
    fn listed(&self) -> String {
        let optional = match self.session {
            Some(session) => format!("`{}`, `hash_ids`", session.name()),
            None => "`hash_ids`".to_owned(),
        };
        format!(
            "keys `{}`, `{}`, `{}`, optionally {optional}",
            self.timestamp.name(),
            self.input.name(),
            self.output.name()
        )
    }

    /// Whether this format knows `key`.
    fn knows(&self, key: Key) -> bool {
        [self.timestamp, self.input, self.output, Key::HashIds].contains(&key)
            || self.session == Some(key)
    }
}

/// The format and records of a JSON Lines trace whose first non-blank
/// line is `first`, the rest to be read from `source`.
pub(super) fn read_jsonl(
    mut source: Source,
    first: FirstLine,
    file: &str,
    named: Option<TraceFormat>,
) -> Result<(TraceFormat, Vec<TraceRecord>), TraceError> {
    let first_record = parse(&first.bytes)
        .map_err(|found| fatal(file, first.number, None, "a JSON object", found))?;
    let keys = match named {
        Some(format @ (TraceFormat::Azure | TraceFormat::BurstGpt)) => {
            return Err(fatal(
                file,
                first.number,
                None,
                format!("a CSV header ({} traces are CSV)", format.label()),
                "a JSON object (JSON Lines)",
            ));
        }
        Some(TraceFormat::Mooncake) => &MOONCAKE,
        Some(TraceFormat::Plain) => &PLAIN,
        None if first_record.has(Key::Timestamp) && first_record.has(Key::InputLength) => &MOONCAKE,
        None if first_record.has(Key::ArrivalS) => &PLAIN,
        None => {
            return Err(fatal(
                file,
                first.number,
                None,
                RECORDS_EXPECTED,
                first_record.keys_listed(),
            ));
        }
    };
    if !first_record.has(keys.timestamp) {
        return Err(fatal(
            file,
            first.number,
            None,
            format!("a {} record ({})", keys.format.label(), keys.listed()),
            first_record.keys_listed(),
        ));
    }
    let clock = match keys.format {
        TraceFormat::Mooncake => Clock::Milliseconds,
        _ => Clock::Seconds,
    };
    let mut collector = Collector::new(file, clock, Place::Key(keys.timestamp.name()));
    record(&mut collector, keys, first.number, first_record);
    let mut line = Vec::new();
    let mut number = first.number;
    while !collector.is_full() && next_line(&mut source, &mut line, file)? {
        number = number.saturating_add(1);
        if is_blank(&line) {
            continue;
        }
        match parse(&line) {
            Ok(parsed) => record(&mut collector, keys, number, parsed),
            Err(found) => collector.problem(number, None, "a JSON object", found),
        }
    }
    let records = collector.finish("no record")?;
    Ok((keys.format, records))
}

/// One line as a record, or what was found instead.
fn parse(line: &[u8]) -> Result<JsonRecord, String> {
    let line = line.trim_ascii_end();
    serde_json::from_slice::<JsonRecord>(line).map_err(|error| {
        if error.is_data() {
            // Valid JSON, but not an object.
            if let Ok(value) = serde_json::from_slice::<Value>(line) {
                return describe_json(&value);
            }
        }
        let text = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = match text.strip_suffix(&suffix) {
            Some(message) => format!("{message} at column {}", error.column()),
            None => text,
        };
        format!("malformed JSON ({message})")
    })
}

/// The record at `line`, checked against `keys`, into `collector`.
fn record(collector: &mut Collector<'_>, keys: &Keys, line: u32, mut parsed: JsonRecord) {
    if let Some(key) = parsed.repeated_key {
        collector.problem(
            line,
            Some(Place::Key(key.name())),
            "each key once",
            "it more than once",
        );
        return;
    }
    if !keys.others_allowed {
        let foreign = Key::ALL
            .into_iter()
            .filter(|key| !keys.knows(*key) && parsed.has(*key))
            .map(Key::name);
        let unknown: Vec<String> = foreign
            .map(str::to_owned)
            .chain(parsed.unknown_keys.iter().cloned())
            .collect();
        if let Some(name) = unknown.first() {
            collector.problem(
                line,
                Some(Place::Key(name)),
                format!(
                    "a key of the {} format ({})",
                    keys.format.label(),
                    keys.listed()
                ),
                "an unknown key",
            );
            return;
        }
    }
    let read_instant = match keys.format {
        TraceFormat::Mooncake => milliseconds_from_json,
        _ => seconds_from_json,
    };
    let timestamp_expected: fn() -> String = match keys.format {
        TraceFormat::Mooncake => milliseconds_expected,
        _ => seconds_expected,
    };
    let instant = required(
        collector,
        line,
        keys.timestamp,
        timestamp_expected,
        &mut parsed,
        |value| read_instant(&value),
    );
    let input_tokens = required(
        collector,
        line,
        keys.input,
        || tokens_expected(1),
        &mut parsed,
        |value| tokens_from_json(&value, 1),
    );
    let output_tokens = required(
        collector,
        line,
        keys.output,
        || tokens_expected(0),
        &mut parsed,
        |value| tokens_from_json(&value, 0),
    );
    let session_id = match keys.session.and_then(|key| parsed.take(key)) {
        Some(value) => collector.check(
            line,
            Place::Key(Key::SessionId.name()),
            || SESSION_JSON_EXPECTED.to_owned(),
            session_from_json(value),
        ),
        None => Some(None),
    };
    let hash_ids = match parsed.hash_ids.take() {
        None => Some(Vec::new()),
        Some(HashIds::Ids(ids)) => Some(ids),
        Some(HashIds::Invalid(found)) => {
            collector.problem(
                line,
                Some(Place::Key(Key::HashIds.name())),
                HASH_IDS_JSON_EXPECTED,
                found,
            );
            None
        }
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

/// The value of a required `key` read by `read`, or `None` after noting
/// the problem (a missing key included).
fn required<T>(
    collector: &mut Collector<'_>,
    line: u32,
    key: Key,
    expected: impl FnOnce() -> String,
    parsed: &mut JsonRecord,
    read: impl FnOnce(Value) -> Result<T, String>,
) -> Option<T> {
    let found = match parsed.take(key) {
        Some(value) => read(value),
        None => Err("no such key".to_owned()),
    };
    collector.check(line, Place::Key(key.name()), expected, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_json_is_shown_at_its_column() {
        let found = parse(b"{\"timestamp\": 1,}").err();
        assert_eq!(
            found.as_deref(),
            Some("malformed JSON (trailing comma at column 17)")
        );
    }
}
