//! The file as a whole: byte order mark, blank lines, line endings, the
//! array scanner (pretty-printed elements, escapes, brackets in strings,
//! broken arrays), unicode, empty files, unreadable files.

use super::*;
use Role::{Assistant, User};

/// The message of a broken file of `contents`, with its path replaced by
/// `F`.
fn error_of(dir: &TempDir, name: &str, contents: &str) -> String {
    let path = dir.write(name, contents);
    let message = open_error(&path, DatasetOptions::default());
    let shown = path.display().to_string();
    assert!(message.starts_with(&shown), "{message}");
    format!("F{}", &message[shown.len()..])
}

#[test]
fn a_byte_order_mark_is_ignored_in_both_forms() {
    let dir = TempDir::new("bom");
    let lines = dir.write(
        "bom.jsonl",
        "\u{feff}{\"prompt\": \"first\"}\n{\"prompt\": \"second\"}",
    );
    let dataset = open_ok(&lines, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [
            entry("L1", 1, None, &[(User, "first")]),
            entry("L2", 2, None, &[(User, "second")]),
        ]
    );
    let array = dir.write("bom.json", "\u{feff}[{\"prompt\": \"only\"}]");
    let dataset = open_ok(&array, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [entry("L1", 1, None, &[(User, "only")])]
    );
}

#[test]
fn blank_lines_are_skipped_and_lines_still_count() {
    let dir = TempDir::new("blank-lines");
    let path = dir.write(
        "data.jsonl",
        "\n   \n{\"prompt\": \"a\"}\r\n\t\r\n\n{\"prompt\": \"b\"}\r\n\n",
    );
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [
            entry("L3", 3, None, &[(User, "a")]),
            entry("L6", 6, None, &[(User, "b")]),
        ]
    );
}

#[test]
fn pretty_printed_array_elements_start_at_their_lines() {
    let dir = TempDir::new("pretty");
    let contents = r#"

[
  {
    "id": "first",
    "conversations": [
      {"from": "human", "value": "Q"},
      {
        "from": "gpt",
        "value": "A"
      }
    ]
  },
  {"prompt-less": false,
   "conversations": [{"from": "human", "value": "second"}]}
  ,
  {

    "conversations": [{"from": "human", "value": "third"}]
  }
]
"#;
    let path = dir.write("data.json", contents);
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [
            entry("first", 4, None, &[(User, "Q"), (Assistant, "A")]),
            entry("L14", 14, None, &[(User, "second")]),
            entry("L17", 17, None, &[(User, "third")]),
        ]
    );
}

#[test]
fn the_scanner_ignores_quotes_and_brackets_inside_strings() {
    let dir = TempDir::new("escapes");
    let contents = concat!(
        r#"[{"prompt": "a \"quoted\" ] } [ { bracket"},"#,
        "\n",
        r#"{"prompt": "ends with a backslash \\", "id": "x]\"}"},"#,
        "\n",
        r#"{"prompt": "line\nbreak, tab\t and \\\" mix ]]"}]"#,
    );
    let path = dir.write("data.json", contents);
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [
            entry("L1", 1, None, &[(User, r#"a "quoted" ] } [ { bracket"#)]),
            entry(r#"x]"}"#, 2, None, &[(User, "ends with a backslash \\")]),
            entry(
                "L3",
                3,
                None,
                &[(User, "line\nbreak, tab\t and \\\" mix ]]")]
            ),
        ]
    );
}

#[test]
fn unicode_text_round_trips() {
    let dir = TempDir::new("unicode");
    let texts = [
        "héllo wörld",
        "日本語のテキスト",
        "emoji 😀 and ∑",
        "Ελληνικά",
    ];
    let records: Vec<String> = texts
        .iter()
        .map(|text| serde_json::json!({"prompt": text, "system": "système"}).to_string())
        .collect();
    let escaped = r#"{"prompt": "\u00e9t\u00e9 \ud83d\ude00"}"#;
    let mut lines = records.clone();
    lines.push(escaped.to_owned());
    for (name, contents) in [
        ("data.jsonl", lines.join("\n")),
        ("data.json", format!("[{}]", lines.join(","))),
    ] {
        let path = dir.write(name, contents);
        let entries = all_entries(&open_ok(&path, DatasetOptions::default()));
        let prompts: Vec<&str> = entries.iter().map(|e| e.turns[0].text.as_str()).collect();
        assert_eq!(prompts[..4], texts, "{name}");
        assert_eq!(prompts[4], "été 😀", "{name}");
        assert_eq!(entries[0].system.as_deref(), Some("système"));
    }
}

#[test]
fn broken_arrays_are_errors() {
    let dir = TempDir::new("broken-arrays");
    assert_eq!(
        error_of(
            &dir,
            "truncated.json",
            "[\n{\"prompt\": \"a\"},\n{\"prompt\": \"b\""
        ),
        "F:3: malformed JSON array: expected the end of the record starting here, then `]` closing the array opened at line 1, found the end of the file"
    );
    assert_eq!(
        error_of(
            &dir,
            "unclosed.json",
            "[\n{\"prompt\": \"a\"},\n{\"prompt\": \"b\"}\n\n"
        ),
        "F:3: malformed JSON array: expected `]` closing the array opened at line 1, found the end of the file"
    );
    assert_eq!(
        error_of(&dir, "after-comma.json", "[{\"prompt\": \"a\"},\n"),
        "F:1: malformed JSON array: expected `]` closing the array opened at line 1, found the end of the file"
    );
    assert_eq!(
        error_of(&dir, "open-string.json", "[{\"prompt\": \"a}]\n"),
        "F:1: malformed JSON array: expected the end of the record starting here, then `]` closing the array opened at line 1, found the end of the file"
    );
    assert_eq!(
        error_of(
            &dir,
            "missing-comma.json",
            "[{\"prompt\": \"a\"}\n {\"prompt\": \"b\"}]"
        ),
        "F:2: malformed JSON array: expected `,` or `]` after a record, found `{`"
    );
    assert_eq!(
        error_of(&dir, "trailing-comma.json", "[{\"prompt\": \"a\"},\n]"),
        "F:2: malformed JSON array: expected a record, found `]`"
    );
    assert_eq!(
        error_of(
            &dir,
            "after-close.json",
            "[{\"prompt\": \"a\"}]\n{\"prompt\": \"b\"}\n"
        ),
        "F:2: malformed JSON array: expected the end of the file after the array's closing `]`, found `{`"
    );
    assert_eq!(
        error_of(&dir, "mismatch.json", "[{\"prompt\": \"a\",\n \"x\": [1}]"),
        "F:2: malformed JSON array: expected `]` closing a bracket, found `}`"
    );
}

#[test]
fn array_elements_that_are_not_records() {
    let dir = TempDir::new("array-elements");
    assert_eq!(
        error_of(&dir, "number.json", "[{\"prompt\": \"a\"},\n 12]"),
        "F:2: expected a record (a JSON object), found a number"
    );
    assert_eq!(
        error_of(&dir, "garbage.json", "[{\"prompt\": \"a\"}, nope]"),
        "F:1: malformed JSON: expected ident at column 2"
    );
    assert_eq!(
        error_of(
            &dir,
            "bad-inside.json",
            "[\n{\"prompt\": \"a\",\n\"id\" 3}]"
        ),
        "F:3: malformed JSON: expected `:` at column 6"
    );
}

#[test]
fn files_without_records() {
    let dir = TempDir::new("no-records");
    assert_eq!(
        error_of(&dir, "empty.jsonl", ""),
        "F: no records: expected at least one record, found an empty file"
    );
    assert_eq!(
        error_of(&dir, "bom-only.jsonl", "\u{feff}"),
        "F: no records: expected at least one record, found an empty file"
    );
    assert_eq!(
        error_of(&dir, "whitespace.jsonl", " \n\r\n\t \n"),
        "F: no records: expected at least one record, found only whitespace"
    );
    assert_eq!(
        error_of(&dir, "empty-array.json", "\n[ \n ]\n"),
        "F: no records: expected at least one record, found an empty array"
    );
}

#[test]
fn a_missing_file_is_unreadable() {
    let dir = TempDir::new("missing");
    let path = dir.0.join("absent.jsonl");
    let error = Dataset::open(&path, DatasetOptions::default())
        .err()
        .unwrap_or_else(|| panic!("opened a missing file"));
    assert!(
        matches!(error, DatasetError::Unreadable { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}: cannot read the dataset: ", path.display())),
        "{message}"
    );
}

#[test]
fn a_long_whitespace_prefix_counts_its_lines() {
    let dir = TempDir::new("long-prefix");
    let mut contents = "\n".repeat(100);
    contents.push_str("{\"prompt\": \"late\"}\n");
    let path = dir.write("data.jsonl", &contents);
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [entry("L101", 101, None, &[(User, "late")])]
    );
    contents.insert(0, '[');
    contents.pop();
    contents.push(']');
    let path = dir.write("data.json", &contents);
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(
        all_entries(&dataset),
        [entry("L101", 101, None, &[(User, "late")])]
    );
}
