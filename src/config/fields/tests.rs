//! Tests of the field helpers.

use super::*;
use serde_json::json;

const KNOWN: &[&str] = &["count", "name", "ratio", "mode"];

fn with_fields<R>(value: Value, body: impl FnOnce(&mut Fields<'_>) -> R) -> (R, Vec<String>) {
    let Value::Object(map) = value else {
        panic!("test input must be an object");
    };
    let mut fields = Fields::new(&map, SourceLocation::new("t.jsonl", 7), KNOWN);
    let result = body(&mut fields);
    let errors = fields.finish().iter().map(ToString::to_string).collect();
    (result, errors)
}

#[test]
fn malformed_json_reports_column_only() {
    let location = SourceLocation::new("s.jsonl", 4);
    let errors = parse_object(r#"{"model_id": "x", "region": "us-east-2""#, &location)
        .expect_err("malformed");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "s.jsonl:4: expected a JSON object, \
         found malformed JSON (EOF while parsing an object at column 39)"
    );
}

#[test]
fn non_object_lines_are_described_with_their_type() {
    let location = SourceLocation::new("s.jsonl", 1);
    let cases = [
        ("[1, 2]", "array [1,2]"),
        ("\"text\"", "string \"text\""),
        ("5", "number 5"),
        ("null", "null"),
        ("true", "boolean true"),
    ];
    for (line, found) in cases {
        let errors = parse_object(line, &location).expect_err("not an object");
        assert_eq!(errors[0].expected, "a JSON object");
        assert_eq!(errors[0].found, found, "line {line}");
    }
}

#[test]
fn long_strings_are_shortened() {
    let long = "x".repeat(200);
    let shown = quote(&long);
    assert!(shown.ends_with("... (200 characters)"), "{shown}");
    assert!(shown.len() < 80);
    assert_eq!(quote("a\"b"), r#""a\"b""#);
}

#[test]
fn integers_accept_zero_fraction_floats_and_reject_others() {
    let (values, errors) = with_fields(
        json!({"count": 10.0, "name": 2.5, "ratio": "ten", "mode": -3}),
        |f| {
            (
                f.positive_u32("count", u32::MAX),
                f.positive_u32("name", u32::MAX),
                f.positive_u32("ratio", u32::MAX),
                f.positive_u32("mode", u32::MAX),
            )
        },
    );
    assert_eq!(values, (Some(10), None, None, None));
    assert_eq!(
        errors,
        [
            "t.jsonl:7: field `name`: expected a positive integer, found 2.5",
            "t.jsonl:7: field `ratio`: expected a positive integer, found string \"ten\"",
            "t.jsonl:7: field `mode`: expected a positive integer, found -3",
        ]
    );
}

#[test]
fn integer_bounds_zero_and_too_large() {
    let (values, errors) = with_fields(json!({"count": 0, "name": 4294967296u64}), |f| {
        (
            f.positive_u32("count", u32::MAX),
            f.non_negative_u32("name", u32::MAX),
        )
    });
    assert_eq!(values, (None, None));
    assert_eq!(
        errors,
        [
            "t.jsonl:7: field `count`: expected a positive integer, found 0",
            "t.jsonl:7: field `name`: expected a non-negative integer \
             no larger than 4294967295, found 4294967296",
        ]
    );
    let (zero, errors) = with_fields(json!({"count": 0}), |f| f.non_negative_u32("count", 5));
    assert_eq!((zero, errors.len()), (Some(0), 0));
}

#[test]
fn null_and_absent_are_the_same_for_optional_fields() {
    let (values, errors) = with_fields(json!({"count": null}), |f| {
        (
            f.positive_u32("count", u32::MAX),
            f.string("name"),
            f.is_present("count"),
        )
    });
    assert_eq!(values, (None, None, false));
    assert!(errors.is_empty());
}

#[test]
fn string_fields_report_wrong_types_and_empty_values() {
    let (values, errors) = with_fields(json!({"name": 42, "mode": "  ", "ratio": ""}), |f| {
        (
            f.non_empty_string("name"),
            f.non_empty_string("mode"),
            f.string("ratio"),
        )
    });
    assert_eq!(values, (None, None, Some(String::new())));
    assert_eq!(
        errors,
        [
            "t.jsonl:7: field `name`: expected a non-empty string, found number 42",
            "t.jsonl:7: field `mode`: expected a non-empty string, found \"  \"",
        ]
    );
}

#[test]
fn required_string_absent_null_and_misspelled() {
    let (_, errors) = with_fields(json!({"nmae": "x", "mode": null}), |f| {
        (f.required_string("name"), f.required_string("mode"))
    });
    assert_eq!(
        errors,
        [
            "t.jsonl:7: field `name`: expected a non-empty string, found nothing \
             (the field is required)",
            "t.jsonl:7: field `mode`: expected a non-empty string, found null",
        ]
    );
}

#[test]
fn unit_interval_range_and_types() {
    let (values, errors) = with_fields(
        json!({"ratio": 1.5, "count": 1, "name": 0, "mode": true}),
        |f| {
            (
                f.unit_interval("ratio"),
                f.unit_interval("count"),
                f.unit_interval("name"),
                f.unit_interval("mode"),
            )
        },
    );
    assert_eq!(values, (None, Some(1.0), Some(0.0), None));
    assert_eq!(
        errors,
        [
            "t.jsonl:7: field `ratio`: expected a number from 0 to 1, found 1.5",
            "t.jsonl:7: field `mode`: expected a number from 0 to 1, found boolean true",
        ]
    );
}

#[test]
fn choice_suggests_near_misses_only() {
    let options = [("standard", 1), ("optimized", 2)];
    let (values, errors) = with_fields(
        json!({"mode": "Optimized", "name": "fast", "ratio": "optimised", "count": 3}),
        |f| {
            (
                f.choice("mode", &options),
                f.choice("name", &options),
                f.choice("ratio", &options),
                f.choice("count", &options),
            )
        },
    );
    assert_eq!(values, (None, None, None, None));
    assert_eq!(
        errors,
        [
            "t.jsonl:7: field `mode`: expected \"standard\" or \"optimized\" \
             (did you mean \"optimized\"?), found \"Optimized\"",
            "t.jsonl:7: field `name`: expected \"standard\" or \"optimized\", found \"fast\"",
            "t.jsonl:7: field `ratio`: expected \"standard\" or \"optimized\" \
             (did you mean \"optimized\"?), found \"optimised\"",
            "t.jsonl:7: field `count`: expected \"standard\" or \"optimized\", found number 3",
        ]
    );
}

#[test]
fn options_are_listed_with_or() {
    assert_eq!(list_options(&["a"]), "\"a\"");
    assert_eq!(list_options(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
}

#[test]
fn did_you_mean_is_convincing_or_silent() {
    let keys = ["performance_config", "model_id", "region", "top_k", "top_p"];
    assert_eq!(
        did_you_mean("performance_conifg", &keys),
        Some("performance_config")
    );
    assert_eq!(did_you_mean("Model_ID", &keys), Some("model_id"));
    assert_eq!(did_you_mean("regoin", &keys), Some("region"));
    assert_eq!(did_you_mean("colour", &keys), None);
    assert_eq!(did_you_mean("x", &keys), None);
    assert_eq!(did_you_mean("fast", &["aws", "emulator", "auto"]), None);
    assert_eq!(did_you_mean("hot", &["warm", "cold"]), None);
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion_or_the_list() {
    let location = SourceLocation::new("t.jsonl", 3);
    assert_eq!(
        unknown_key_error(&location, "regoin", Some("region"), KNOWN).to_string(),
        "t.jsonl:3: field `regoin`: expected a known key (did you mean `region`?), found an unknown key"
    );
    assert_eq!(
        unknown_key_error(&location, "zzz", None, &["a", "b"]).to_string(),
        "t.jsonl:3: field `zzz`: expected a known key: `a`, `b`, found an unknown key"
    );
    assert_eq!(
        unknown_key_error(&location, "k\u{1b}[2J", None, &["a"])
            .field
            .as_deref(),
        Some("k\\u{1b}[2J"),
        "a terminal escape in a key is shown escaped"
    );
}

#[test]
fn repeated_keys_are_errors_naming_each_key() {
    let location = SourceLocation::new("t.jsonl", 2);
    let errors = parse_object(
        r#"{"max_calls": 1, "model_id": "a", "max_calls": 1000, "model_id": "b"}"#,
        &location,
    )
    .expect_err("repeated keys");
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "t.jsonl:2: field `max_calls`: expected each key once (JSON keeps only the last of repeated keys, silently), found the key more than once",
            "t.jsonl:2: field `model_id`: expected each key once (JSON keeps only the last of repeated keys, silently), found the key more than once",
        ]
    );
}

#[test]
fn control_characters_in_strings_are_errors_except_line_breaks_in_text() {
    let (values, errors) = with_fields(
        json!({"name": "a\nb", "mode": "x\u{0}", "ratio": "line 1\nline 2\tend", "count": "e\u{1b}[31m"}),
        |f| {
            (
                f.string("name"),
                f.non_empty_string("mode"),
                f.non_empty_text("ratio"),
                f.non_empty_text("count"),
            )
        },
    );
    assert_eq!(
        values,
        (None, None, Some("line 1\nline 2\tend".into()), None)
    );
    assert_eq!(
        errors,
        [
            r#"t.jsonl:7: field `name`: expected a string without control characters, found U+000A at character 2 in "a\nb""#,
            r#"t.jsonl:7: field `mode`: expected a non-empty string without control characters, found U+0000 at character 2 in "x\u0000""#,
            r#"t.jsonl:7: field `count`: expected a non-empty string without control characters (tabs and line breaks are allowed), found U+001B at character 2 in "e\u001b[31m""#,
        ]
    );
}
