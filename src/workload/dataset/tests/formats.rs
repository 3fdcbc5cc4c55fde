//! Each format in both file forms, with and without ids, detected and
//! named; a named format that does not match.

use super::*;
use Role::{Assistant, User};

/// An entry without its line-dependent parts: (id or `None` for the
/// line-based one, system, turns).
type Expected<'a> = (Option<&'a str>, Option<&'a str>, Vec<(Role, &'a str)>);

/// Open `records` as JSON Lines and as an array, detected and named:
/// the entries are `expected` (the record on line `n` of the JSON Lines
/// form is on line `n + 1` of the array form).
fn check_both_forms(test: &str, records: &[&str], format: DatasetFormat, expected: &[Expected]) {
    let dir = TempDir::new(test);
    for (form, text, first_line) in [
        ("jsonl", as_lines(records), 1),
        ("json", as_array(records), 2),
    ] {
        let path = dir.write(&format!("data.{form}"), text);
        let want: Vec<DatasetEntry> = expected
            .iter()
            .enumerate()
            .map(|(index, (id, system, turns))| {
                let line = first_line + index;
                let id = id.map_or_else(|| format!("L{line}"), str::to_owned);
                entry(&id, line, *system, turns)
            })
            .collect();
        for options in [DatasetOptions::default(), named(format)] {
            let dataset = open_ok(&path, options);
            assert_eq!(dataset.format(), format, "{form}");
            assert_eq!(dataset.len(), expected.len(), "{form}");
            assert!(!dataset.is_empty());
            assert_eq!(all_entries(&dataset), want, "{form} {options:?}");
            assert_eq!(dataset.path(), path.as_path());
            assert_eq!(dataset.skipped_count(), 0);
        }
    }
}

#[test]
fn prompts_in_both_forms() {
    check_both_forms(
        "prompts",
        &[
            r#"{"prompt": "Say hi", "id": "a1"}"#,
            r#"{"text": "Alias text", "system": "Be brief", "id": 7}"#,
            r#"{"prompt": "No id", "extra": [1, 2]}"#,
        ],
        DatasetFormat::Prompts,
        &[
            (Some("a1"), None, vec![(User, "Say hi")]),
            (Some("7"), Some("Be brief"), vec![(User, "Alias text")]),
            (None, None, vec![(User, "No id")]),
        ],
    );
}

#[test]
fn converse_in_both_forms() {
    check_both_forms(
        "converse",
        &[
            r#"{"messages": [{"role": "user", "content": [{"text": "Hello"}]}], "system": [{"text": "Sys A"}, {"text": "Sys B"}]}"#,
            r#"{"id": "c2", "system": "plain", "messages": [{"role": "user", "content": [{"text": "Q1"}]}, {"role": "assistant", "content": [{"text": "A1"}]}, {"role": "user", "content": [{"text": "Q2a"}, {"text": "Q2b"}]}]}"#,
        ],
        DatasetFormat::Converse,
        &[
            (None, Some("Sys A\n\nSys B"), vec![(User, "Hello")]),
            (
                Some("c2"),
                Some("plain"),
                vec![(User, "Q1"), (Assistant, "A1"), (User, "Q2a\n\nQ2b")],
            ),
        ],
    );
}

#[test]
fn openai_chat_in_both_forms() {
    check_both_forms(
        "openai",
        &[
            r#"{"messages": [{"role": "system", "content": "S1"}, {"role": "developer", "content": [{"type": "text", "text": "S2"}]}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "name": "bot"}]}"#,
            r#"{"id": 42, "messages": [{"role": "user", "content": [{"type": "text", "text": "P1"}, {"type": "text", "text": "P2"}]}]}"#,
        ],
        DatasetFormat::OpenAiChat,
        &[
            (
                None,
                Some("S1\n\nS2"),
                vec![(User, "Hi"), (Assistant, "Hello!")],
            ),
            (Some("42"), None, vec![(User, "P1\n\nP2")]),
        ],
    );
}

#[test]
fn sharegpt_in_both_forms() {
    check_both_forms(
        "sharegpt",
        &[
            r#"{"id": "sg1", "conversations": [{"from": "system", "value": "Sys"}, {"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}"#,
            r#"{"conversations": [{"from": "user", "value": "Q1"}, {"from": "chatgpt", "value": "A1"}, {"from": "human", "value": "Q2"}, {"from": "bard", "value": "A2", "markdown": null}]}"#,
            r#"{"id": 3, "conversations": [{"from": "human", "value": "Q"}, {"from": "bing", "value": "A"}, {"from": "user", "value": "Q2"}, {"from": "assistant", "value": "A2"}]}"#,
        ],
        DatasetFormat::ShareGpt,
        &[
            (
                Some("sg1"),
                Some("Sys"),
                vec![(User, "Q"), (Assistant, "A")],
            ),
            (
                None,
                None,
                vec![
                    (User, "Q1"),
                    (Assistant, "A1"),
                    (User, "Q2"),
                    (Assistant, "A2"),
                ],
            ),
            (
                Some("3"),
                None,
                vec![
                    (User, "Q"),
                    (Assistant, "A"),
                    (User, "Q2"),
                    (Assistant, "A2"),
                ],
            ),
        ],
    );
}

#[test]
fn detection_follows_the_first_record() {
    let dir = TempDir::new("detection");
    let cases = [
        (
            r#"{"conversations": [{"from": "human", "value": "x"}], "messages": []}"#,
            DatasetFormat::ShareGpt,
        ),
        (
            r#"{"messages": [{"role": "user", "content": [{"text": "x"}]}]}"#,
            DatasetFormat::Converse,
        ),
        (
            r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}"#,
            DatasetFormat::OpenAiChat,
        ),
        (
            r#"{"messages": [{"role": "user", "content": "x"}]}"#,
            DatasetFormat::OpenAiChat,
        ),
        (r#"{"text": "x"}"#, DatasetFormat::Prompts),
    ];
    for (index, (record, format)) in cases.into_iter().enumerate() {
        let path = dir.write(&format!("case{index}.jsonl"), format!("{record}\n"));
        assert_eq!(
            open_ok(&path, DatasetOptions::default()).format(),
            format,
            "{record}"
        );
    }
}

#[test]
fn a_named_format_that_does_not_match_is_an_error_at_that_record() {
    let dir = TempDir::new("named-mismatch");
    let path = dir.write(
        "prompts.jsonl",
        "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}\n",
    );
    let shown = path.display();
    assert_eq!(
        open_error(&path, named(DatasetFormat::ShareGpt)),
        format!(
            r#"{shown}:1: expected a sharegpt record {{"conversations": [{{"from": "human", "value": "..."}}]}}, found a prompts record"#
        )
    );
    let path = dir.write(
        "openai.jsonl",
        "\n{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n",
    );
    assert_eq!(
        open_error(&path, named(DatasetFormat::Converse)),
        format!(
            r#"{}:2: messages[0].content: expected an array of content blocks [{{"text": "..."}}], found a string"#,
            path.display()
        )
    );
    let path = dir.write(
        "converse.jsonl",
        "{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"hi\"}]}]}\n",
    );
    assert_eq!(
        open_error(&path, named(DatasetFormat::OpenAiChat)),
        format!(
            r#"{}:1: messages[0].content[0].type: expected "text" (only text parts are supported), found no such key"#,
            path.display()
        )
    );
    let path = dir.write("unknown.jsonl", "{\"foo\": 1}\n");
    assert_eq!(
        open_error(&path, named(DatasetFormat::Prompts)),
        format!(
            r#"{}:1: expected a prompts record {{"prompt": "..."}}, found an object with keys "foo""#,
            path.display()
        )
    );
}

#[test]
fn a_record_of_another_format_than_the_first_is_an_error() {
    let dir = TempDir::new("mixed");
    let path = dir.write(
        "mixed.jsonl",
        "{\"prompt\": \"a\"}\n{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"x\"}]}]}\n",
    );
    assert_eq!(
        open_error(&path, DatasetOptions::default()),
        format!(
            r#"{}:2: expected a prompts record {{"prompt": "..."}}, found a converse record"#,
            path.display()
        )
    );
}

#[test]
fn format_names_round_trip() {
    assert_eq!(DatasetFormat::ALL.len(), 4);
    let names: Vec<&str> = DatasetFormat::ALL.iter().map(|f| f.as_str()).collect();
    assert_eq!(names, ["prompts", "converse", "openai", "sharegpt"]);
    for format in DatasetFormat::ALL {
        assert_eq!(DatasetFormat::from_name(format.as_str()), Some(format));
        assert_eq!(format.to_string(), format.as_str());
    }
    assert_eq!(DatasetFormat::from_name("OpenAI"), None);
    assert_eq!(DatasetFormat::from_name(""), None);
}
