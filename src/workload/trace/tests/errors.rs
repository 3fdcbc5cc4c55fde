//! Every problem at its file, line and column, with what was expected
//! and what was found.

use super::{TestDir, error, open};
use crate::workload::trace::{MAX_REPORTED_PROBLEMS, Trace, TraceError, TraceFormat};

const PLAIN_HEADER: &str = "arrival_s,input_tokens,output_tokens\n";

/// The message of a plain CSV trace with `rows` after its header.
fn plain_error(test: &str, rows: &str) -> String {
    error(test, "trace.csv", &format!("{PLAIN_HEADER}{rows}"), None)
}

#[test]
fn timestamps_must_not_go_backwards() {
    assert_eq!(
        plain_error("backwards", "0,1,1\n13.0,1,1\n12.5,1,1\n"),
        "trace.csv:4: column `arrival_s`: expected a timestamp no earlier than the previous record's \
         (timestamps must not go backwards), found 12.5 s after 13.0 s at line 3"
    );
    let mooncake = "{\"timestamp\": 100, \"input_length\": 1, \"output_length\": 1}\n\
{\"timestamp\": 99.5, \"input_length\": 1, \"output_length\": 1}\n";
    assert_eq!(
        error("backwards-ms", "trace.jsonl", mooncake, None),
        "trace.jsonl:2: key `timestamp`: expected a timestamp no earlier than the previous record's \
         (timestamps must not go backwards), found 99.5 ms after 100 ms at line 1"
    );
    let azure = "TIMESTAMP,ContextTokens,GeneratedTokens\n\
2023-11-16 18:15:46.680590,1,1\n2023-11-16 18:15:46.5,1,1\n";
    assert_eq!(
        error("backwards-azure", "azure.csv", azure, None),
        "azure.csv:3: column `TIMESTAMP`: expected a timestamp no earlier than the previous record's \
         (timestamps must not go backwards), found 2023-11-16 18:15:46.500 after 2023-11-16 18:15:46.680590 at line 2"
    );
}

#[test]
fn lengths_out_of_bounds_are_named_by_column() {
    let expected_input = "expected a whole number of tokens from 1 to 10000000";
    let expected_output = "expected a whole number of tokens from 0 to 10000000";
    assert_eq!(
        plain_error("zero-input", "0,0,5\n"),
        format!("trace.csv:2: column `input_tokens`: {expected_input}, found `0` (less than 1)")
    );
    assert_eq!(
        plain_error("negative-output", "0,3,5\n1,3,-5\n"),
        format!("trace.csv:3: column `output_tokens`: {expected_output}, found `-5` (negative)")
    );
    assert_eq!(
        plain_error("fractional", "0,3.5,5\n"),
        format!("trace.csv:2: column `input_tokens`: {expected_input}, found `3.5` (fractional)")
    );
    assert_eq!(
        plain_error("absurd", "0,3,10000001\n"),
        format!(
            "trace.csv:2: column `output_tokens`: {expected_output}, found `10000001` (more than 10000000)"
        )
    );
    assert_eq!(
        plain_error("not-a-number", "0,three,5\n"),
        format!(
            "trace.csv:2: column `input_tokens`: {expected_input}, found `three` (not a number)"
        )
    );
    let mooncake = "{\"timestamp\": 0, \"input_length\": -3, \"output_length\": 1.5}\n";
    assert_eq!(
        error("json-lengths", "trace.jsonl", mooncake, None),
        format!(
            "trace.jsonl:1: key `input_length`: {expected_input}, found number -3 (negative)\n\
             trace.jsonl:1: key `output_length`: {expected_output}, found number 1.5 (fractional)"
        )
    );
    let plain = "{\"arrival_s\": 0, \"input_tokens\": \"12\", \"output_tokens\": 1e12}\n";
    assert_eq!(
        error("json-types", "trace.jsonl", plain, None),
        format!(
            "trace.jsonl:1: key `input_tokens`: {expected_input}, found string \"12\"\n\
             trace.jsonl:1: key `output_tokens`: {expected_output}, found number 1000000000000.0 (more than 10000000)"
        )
    );
}

#[test]
fn bad_timestamps() {
    assert_eq!(
        plain_error("negative-time", "-1,1,1\n"),
        "trace.csv:2: column `arrival_s`: expected a number of seconds from 0 to 1000000000, found `-1` (negative)"
    );
    assert_eq!(
        plain_error("infinite-time", "inf,1,1\n"),
        "trace.csv:2: column `arrival_s`: expected a number of seconds from 0 to 1000000000, found `inf` (not finite)"
    );
    assert_eq!(
        plain_error("empty-time", ",1,1\n"),
        "trace.csv:2: column `arrival_s`: expected a number of seconds from 0 to 1000000000, found an empty field"
    );
    let azure = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16T18:15:46,1,1\n";
    assert_eq!(
        error("azure-time", "azure.csv", azure, None),
        "azure.csv:2: column `TIMESTAMP`: expected a date and time like `2023-11-16 18:15:46.680590` \
         (fraction optional, up to 9 digits), found `2023-11-16T18:15:46`"
    );
    let mooncake = "{\"timestamp\": -1, \"input_length\": 1, \"output_length\": 1}\n";
    assert_eq!(
        error("mooncake-time", "trace.jsonl", mooncake, None),
        "trace.jsonl:1: key `timestamp`: expected a number of milliseconds from 0 to 1000000000000, found number -1 (negative)"
    );
}

#[test]
fn missing_columns_and_fields() {
    let burst = "Timestamp,Model,Request tokens\n0,ChatGPT,12\n";
    assert_eq!(
        error("missing-column", "burst.csv", burst, None),
        "burst.csv:1: column `Response tokens`: expected a column of the BurstGPT header \
         (`Timestamp`, `Request tokens`, `Response tokens`, optionally `Session ID`), \
         found a header without it: `Timestamp,Model,Request tokens`"
    );
    assert_eq!(
        plain_error("short-row", "0,1,1\n1,2\n"),
        "trace.csv:3: expected 3 fields (as many as the header), found 2 fields"
    );
    let mooncake = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n\
{\"timestamp\": 1, \"input_length\": 1}\n";
    assert_eq!(
        error("missing-key", "trace.jsonl", mooncake, None),
        "trace.jsonl:2: key `output_length`: expected a whole number of tokens from 0 to 10000000, found no such key"
    );
}

#[test]
fn unknown_headers_and_keys() {
    let message = error("unknown-header", "trace.csv", "time,in,out\n0,1,1\n", None);
    assert!(
        message.starts_with("trace.csv:1: expected a trace header: Azure (`TIMESTAMP,ContextTokens,GeneratedTokens`), BurstGPT"),
        "{message}"
    );
    assert!(message.ends_with(", found `time,in,out`"), "{message}");

    assert_eq!(
        error(
            "plain-extra-column",
            "trace.csv",
            "arrival_s,input_tokens,output_tokens,model\n0,1,1,x\n",
            None
        ),
        "trace.csv:1: column `model`: expected a column of the plain header (`arrival_s`, `input_tokens`, \
         `output_tokens`, optionally `session_id`, `hash_ids`), found an unknown column"
    );

    let message = error(
        "unknown-keys",
        "trace.jsonl",
        "{\"time\": 0, \"input_length\": 5}\n",
        None,
    );
    assert!(
        message.starts_with("trace.jsonl:1: expected a trace record: Mooncake (keys `timestamp`"),
        "{message}"
    );
    assert!(
        message.ends_with(", found keys `input_length`, `time`"),
        "{message}"
    );

    let plain =
        "{\"arrival_s\": 0, \"input_tokens\": 1, \"output_tokens\": 1, \"sesion_id\": \"a\"}\n";
    assert_eq!(
        error("plain-extra-key", "trace.jsonl", plain, None),
        "trace.jsonl:1: key `sesion_id`: expected a key of the plain format (keys `arrival_s`, \
         `input_tokens`, `output_tokens`, optionally `session_id`, `hash_ids`), found an unknown key"
    );

    let repeated =
        "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"input_length\": 9}\n";
    assert_eq!(
        error("repeated-key", "trace.jsonl", repeated, None),
        "trace.jsonl:1: key `input_length`: expected each key once, found it more than once"
    );
}

#[test]
fn malformed_json_at_its_line() {
    let text = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n\n\
{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 1,}\n\
[1, 2]\n";
    assert_eq!(
        error("malformed", "trace.jsonl", text, None),
        "trace.jsonl:3: expected a JSON object, found malformed JSON (trailing comma at column 56)\n\
         trace.jsonl:4: expected a JSON object, found array [1,2]"
    );
    assert_eq!(
        error("malformed-first", "trace.jsonl", "{\"timestamp\": \n", None),
        "trace.jsonl:1: expected a JSON object, found malformed JSON (EOF while parsing a value at column 13)"
    );
}

#[test]
fn bad_hash_ids_and_sessions() {
    let csv = "arrival_s,input_tokens,output_tokens,hash_ids\n0,1,1,1 2 -3\n";
    assert_eq!(
        error("csv-hash-ids", "trace.csv", csv, None),
        "trace.csv:2: column `hash_ids`: expected whole numbers from 0 to 18446744073709551615 \
         separated by spaces, found `-3` in `1 2 -3`"
    );
    let mooncake = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [1, 2.5, 3]}\n\
{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": \"1 2\"}\n";
    assert_eq!(
        error("json-hash-ids", "trace.jsonl", mooncake, None),
        "trace.jsonl:1: key `hash_ids`: expected an array of whole numbers from 0 to 18446744073709551615, \
         found element 1 number 2.5\n\
         trace.jsonl:2: key `hash_ids`: expected an array of whole numbers from 0 to 18446744073709551615, \
         found string \"1 2\""
    );
    let plain =
        "{\"arrival_s\": 0, \"input_tokens\": 1, \"output_tokens\": 1, \"session_id\": [1]}\n";
    assert_eq!(
        error("json-session", "trace.jsonl", plain, None),
        "trace.jsonl:1: key `session_id`: expected a string or a whole number, found array [1]"
    );
}

#[test]
fn empty_traces() {
    assert_eq!(
        error("header-only", "trace.csv", PLAIN_HEADER, None),
        "trace.csv: expected at least one trace record, found only the header"
    );
    assert_eq!(
        error(
            "header-and-blanks",
            "trace.csv",
            "arrival_s,input_tokens,output_tokens\n\n  \n",
            None
        ),
        "trace.csv: expected at least one trace record, found only the header"
    );
    assert_eq!(
        error("empty-file", "trace.csv", "", None),
        "trace.csv: expected at least one trace record, found an empty file"
    );
    assert_eq!(
        error(
            "blank-file",
            "trace.jsonl",
            "\u{feff}\n \n",
            Some(TraceFormat::Mooncake)
        ),
        "trace.jsonl: expected at least one trace record, found an empty file"
    );
}

#[test]
fn a_named_format_the_file_does_not_match() {
    let azure = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n";
    assert_eq!(
        error(
            "named-burstgpt",
            "azure.csv",
            azure,
            Some(TraceFormat::BurstGpt)
        ),
        "azure.csv:1: column `Timestamp`: expected a column of the BurstGPT header (`Timestamp`, \
         `Request tokens`, `Response tokens`, optionally `Session ID`), found a header without it: \
         `TIMESTAMP,ContextTokens,GeneratedTokens`"
    );
    assert_eq!(
        error(
            "named-mooncake",
            "azure.csv",
            azure,
            Some(TraceFormat::Mooncake)
        ),
        "azure.csv:1: expected JSON Lines of Mooncake records (a first line starting with `{`), \
         found a CSV header `TIMESTAMP,ContextTokens,GeneratedTokens`"
    );
    let mooncake = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n";
    assert_eq!(
        error(
            "named-azure",
            "trace.jsonl",
            mooncake,
            Some(TraceFormat::Azure)
        ),
        "trace.jsonl:1: expected a CSV header (Azure traces are CSV), found a JSON object (JSON Lines)"
    );
    assert_eq!(
        error(
            "named-plain",
            "trace.jsonl",
            mooncake,
            Some(TraceFormat::Plain)
        ),
        "trace.jsonl:1: expected a plain record (keys `arrival_s`, `input_tokens`, `output_tokens`, \
         optionally `session_id`, `hash_ids`), found keys `timestamp`, `input_length`, `output_length`"
    );
}

#[test]
fn the_first_problems_are_reported_and_reading_stops() {
    let rows: String = (0..MAX_REPORTED_PROBLEMS + 3)
        .map(|i| format!("{i},0,1\n"))
        .collect();
    let message = plain_error("many", &rows);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), MAX_REPORTED_PROBLEMS + 1, "{message}");
    assert!(
        lines[0].starts_with("trace.csv:2: column `input_tokens`"),
        "{message}"
    );
    assert!(
        lines[4].starts_with("trace.csv:6: column `input_tokens`"),
        "{message}"
    );
    assert_eq!(
        lines[5],
        "trace.csv: stopped reading after the first 5 problems"
    );
}

#[test]
fn unreadable_files() {
    let dir = TestDir::new("unreadable");
    let missing = dir.path.join("trace.csv");
    let message = dir.relative(&Trace::open(&missing, None).unwrap_err().to_string());
    assert_eq!(
        message,
        "trace.csv: expected a readable trace file, found no such file"
    );

    std::fs::write(dir.path.join("traces.csv"), PLAIN_HEADER).unwrap();
    let message = dir.relative(&Trace::open(&missing, None).unwrap_err().to_string());
    assert_eq!(
        message,
        "trace.csv: expected a readable trace file, found no such file (did you mean traces.csv?)"
    );

    let error = Trace::open(&dir.path, None).unwrap_err();
    assert!(matches!(error, TraceError::Unreadable { .. }));
    assert!(
        error
            .to_string()
            .ends_with("found a directory, not a regular file"),
        "{error}"
    );
}

#[test]
fn a_valid_trace_opens_after_the_problems_are_fixed() {
    assert!(
        open(
            "fixed",
            "trace.csv",
            &format!("{PLAIN_HEADER}0,1,0\n"),
            None
        )
        .is_ok()
    );
}

#[test]
fn fields_that_are_not_utf8() {
    let dir = TestDir::new("not-utf8");
    let mut bytes = b"arrival_s,input_tokens,output_tokens,session_id\n0,1,1,".to_vec();
    bytes.extend_from_slice(b"\xff\xfe\n");
    let path = dir.write("trace.csv", bytes);
    let message = dir.relative(&Trace::open(&path, None).unwrap_err().to_string());
    assert_eq!(
        message,
        "trace.csv:2: column `session_id`: expected UTF-8 text, found bytes that are not UTF-8 text"
    );
}
