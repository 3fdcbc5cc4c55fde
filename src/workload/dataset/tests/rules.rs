//! Every rule of records, each with its exact message: the file, the
//! line, the field, what was expected and what was found.

use super::*;

/// The error of a file of `contents` (default options), with the file's
/// path replaced by `F`.
fn error_of(test: &str, contents: &str) -> String {
    error_with(test, contents, DatasetOptions::default())
}

/// [`error_of`] with `options`.
fn error_with(test: &str, contents: &str, options: DatasetOptions) -> String {
    let dir = TempDir::new(test);
    let path = dir.write("data.jsonl", contents);
    let message = open_error(&path, options);
    let shown = path.display().to_string();
    assert!(message.starts_with(&shown), "{message}");
    format!("F{}", &message[shown.len()..])
}

#[test]
fn at_least_one_user_turn() {
    assert_eq!(
        error_of(
            "no-turn",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}]}\n{\"messages\": []}\n"
        ),
        "F:2: messages: expected at least one user turn, found an empty array"
    );
    assert_eq!(
        error_of(
            "only-system",
            "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}]}\n"
        ),
        "F:1: messages: expected at least one user turn, found only a system prompt"
    );
    assert_eq!(
        error_of("sharegpt-empty", "{\"conversations\": []}\n"),
        "F:1: conversations: expected at least one user turn, found an empty array"
    );
}

#[test]
fn the_first_turn_is_a_user_turn() {
    assert_eq!(
        error_of(
            "first-assistant",
            r#"{"messages": [{"role": "system", "content": "S"}, {"role": "assistant", "content": "A"}]}"#
        ),
        r#"F:1: messages[1].role: expected a user turn (the first turn, after any system prompt), found "assistant""#
    );
    assert_eq!(
        error_of(
            "first-gpt",
            r#"{"conversations": [{"from": "gpt", "value": "A"}, {"from": "human", "value": "Q"}]}"#
        ),
        r#"F:1: conversations[0].from: expected a user turn (the first turn, after any system prompt), found "gpt""#
    );
}

#[test]
fn roles_alternate() {
    let converse = |role: &str, index: usize| {
        format!(r#"{{"role": "{role}", "content": [{{"text": "t{index}"}}]}}"#)
    };
    let messages = [
        converse("user", 0),
        converse("assistant", 1),
        converse("user", 2),
        converse("user", 3),
    ];
    let record = format!("{{\"messages\": [{}]}}", messages.join(", "));
    assert_eq!(
        error_of("two-users", &format!("\n\n{record}\n")),
        r#"F:3: messages[3].role: expected an assistant turn after a user turn (roles alternate), found "user""#
    );
    assert_eq!(
        error_of(
            "two-assistants",
            r#"{"conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}, {"from": "bard", "value": "B"}]}"#
        ),
        r#"F:1: conversations[2].from: expected a user turn after an assistant turn (roles alternate), found "bard""#
    );
}

#[test]
fn every_text_is_non_empty() {
    assert_eq!(
        error_of("blank-prompt", "{\"prompt\": \" \\n\\t \"}"),
        "F:1: prompt: expected a non-empty text, found a string of only whitespace"
    );
    assert_eq!(
        error_of(
            "empty-block",
            r#"{"messages": [{"role": "user", "content": [{"text": "a"}, {"text": ""}]}]}"#
        ),
        "F:1: messages[0].content[1].text: expected a non-empty text, found an empty string"
    );
    assert_eq!(
        error_of(
            "empty-openai",
            r#"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": ""}]}"#
        ),
        "F:1: messages[1].content: expected a non-empty text, found an empty string"
    );
    assert_eq!(
        error_of(
            "empty-sharegpt",
            r#"{"conversations": [{"from": "human", "value": "  "}]}"#
        ),
        "F:1: conversations[0].value: expected a non-empty text, found a string of only whitespace"
    );
    assert_eq!(
        error_of("empty-system", r#"{"prompt": "q", "system": ""}"#),
        "F:1: system: expected a non-empty text, found an empty string"
    );
}

#[test]
fn converse_takes_only_text_blocks() {
    assert_eq!(
        error_of(
            "image-block",
            r#"{"messages": [{"role": "user", "content": [{"text": "hi"}, {"image": {"format": "png"}}]}]}"#
        ),
        r#"F:1: messages[0].content[1]: expected a text block {"text": "..."} (only text blocks are supported), found a block with key "image""#
    );
    assert_eq!(
        error_of(
            "system-cache-point",
            r#"{"system": [{"text": "S"}, {"cachePoint": {"type": "default"}}], "messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#
        ),
        r#"F:1: system[1]: expected a text block {"text": "..."} (only text blocks are supported), found a block with key "cachePoint""#
    );
    assert_eq!(
        error_of(
            "converse-role",
            r#"{"messages": [{"role": "system", "content": [{"text": "hi"}]}]}"#
        ),
        r#"F:1: messages[0].role: expected "user" or "assistant", found "system""#
    );
    assert_eq!(
        error_of(
            "converse-empty-content",
            r#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": []}]}"#
        ),
        "F:1: messages[1].content: expected at least one text block, found an empty array"
    );
}

#[test]
fn openai_chat_rules() {
    assert_eq!(
        error_of(
            "tool-role",
            r#"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}, {"role": "tool", "content": "r"}]}"#
        ),
        r#"F:1: messages[2].role: expected "system", "developer", "user" or "assistant" (tool messages are not supported), found "tool""#
    );
    assert_eq!(
        error_of(
            "image-part",
            r#"{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}"#
        ),
        r#"F:1: messages[0].content[0].type: expected "text" (only text parts are supported), found "image_url""#
    );
    assert_eq!(
        error_of(
            "late-system",
            r#"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}, {"role": "system", "content": "s"}]}"#
        ),
        r#"F:1: messages[2].role: expected "user" or "assistant" (system and developer messages come only before the first user message), found "system""#
    );
    assert_eq!(
        error_of(
            "null-content",
            r#"{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": null}]}"#
        ),
        r#"F:1: messages[1].content: expected a string or an array of text parts [{"type": "text", "text": "..."}], found null"#
    );
    assert_eq!(
        error_of("messages-string", r#"{"messages": "hello"}"#),
        "F:1: messages: expected an array of messages, found a string"
    );
    assert_eq!(
        error_of(
            "message-number",
            r#"{"messages": [{"role": "user", "content": "q"}, 5]}"#
        ),
        r#"F:1: messages[1]: expected a message {"role": ..., "content": ...}, found a number"#
    );
    assert_eq!(
        error_of("missing-role", r#"{"messages": [{"content": "q"}]}"#),
        r#"F:1: messages[0].role: expected "system", "developer", "user" or "assistant", found no such key"#
    );
}

#[test]
fn sharegpt_rules() {
    assert_eq!(
        error_of(
            "late-system-sharegpt",
            r#"{"conversations": [{"from": "human", "value": "q"}, {"from": "system", "value": "s"}]}"#
        ),
        r#"F:1: conversations[1].from: expected "human" or "gpt" (a system turn comes only before the first human turn), found "system""#
    );
    assert_eq!(
        error_of(
            "unknown-speaker",
            r#"{"conversations": [{"from": "human", "value": "q"}, {"from": "observation", "value": "s"}]}"#
        ),
        r#"F:1: conversations[1].from: expected "human", "user", "gpt", "assistant", "chatgpt", "bard", "bing" or "system", found "observation""#
    );
    assert_eq!(
        error_of(
            "value-number",
            r#"{"conversations": [{"from": "human", "value": 3}]}"#
        ),
        "F:1: conversations[0].value: expected a string, found a number"
    );
}

#[test]
fn record_level_shapes() {
    assert_eq!(
        error_of("not-an-object", "\"just a string\"\n"),
        "F:1: expected a record (a JSON object), found a string"
    );
    assert_eq!(
        error_of(
            "unknown-keys",
            "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5}\n"
        ),
        format!(
            r#"F:1: expected a record of one of the shapes {}, found an object with keys "a", "b", "c", "d", ..."#,
            DatasetFormat::all_shapes()
        )
    );
    assert_eq!(
        error_of("bad-id", r#"{"prompt": "q", "id": 1.5}"#),
        "F:1: id: expected a string or an integer, found a number"
    );
    assert_eq!(
        error_of("prompt-array", r#"{"prompt": ["q"]}"#),
        "F:1: prompt: expected a string, found an array"
    );
    assert_eq!(
        error_of("system-number", r#"{"prompt": "q", "system": 1}"#),
        "F:1: system: expected a string, found a number"
    );
}

#[test]
fn malformed_json_names_the_line_and_column() {
    assert_eq!(
        error_of(
            "trailing-comma",
            "{\"prompt\": \"a\"}\n{\"prompt\": \"b\",}\n"
        ),
        "F:2: malformed JSON: trailing comma at column 16"
    );
    assert_eq!(
        error_of("unterminated-line", "{\"prompt\": \"a\"\n"),
        "F:1: malformed JSON: EOF while parsing an object at column 14"
    );
    assert_eq!(
        error_of("duplicate-key", "{\"prompt\": \"a\", \"prompt\": \"b\"}\n"),
        "F:1: malformed JSON: duplicate field `prompt` at column 30"
    );
    assert_eq!(
        error_of("two-values", "{\"prompt\": \"a\"} {\"prompt\": \"b\"}\n"),
        "F:1: malformed JSON: trailing characters at column 17"
    );
}

#[test]
fn the_earliest_error_is_reported() {
    let mut lines: Vec<String> = (0..5000)
        .map(|index| format!("{{\"prompt\": \"record {index}\"}}"))
        .collect();
    lines[3999] = "{\"prompt\": 1}".to_owned();
    lines[2499] = "{\"prompt\": \"\"}".to_owned();
    lines[4500] = "{oops".to_owned();
    let contents = lines.join("\n");
    assert_eq!(
        error_of("earliest", &contents),
        "F:2500: prompt: expected a non-empty text, found an empty string"
    );
}

#[test]
fn skip_invalid_skips_and_counts() {
    let dir = TempDir::new("skip");
    let mut lines = vec!["{\"prompt\": 5}".to_owned(), "not json".to_owned()];
    lines.extend((0..148).map(|index| format!("{{\"prompt\": \" \", \"id\": {index}}}")));
    lines.push("{\"prompt\": \"valid one\", \"id\": \"v1\"}".to_owned());
    lines.push(String::new());
    lines.push("{\"prompt\": \"valid two\"}".to_owned());
    let path = dir.write("data.jsonl", lines.join("\n"));
    let dataset = open_ok(&path, skipping());
    assert_eq!(dataset.len(), 2);
    assert_eq!(dataset.skipped_count(), 150);
    assert_eq!(dataset.skipped().len(), 100);
    assert_eq!(
        dataset.skipped()[0],
        SkippedRecord {
            line: 1,
            reason: "prompt: expected a string, found a number".to_owned()
        }
    );
    assert_eq!(dataset.skipped()[1].line, 2);
    assert_eq!(
        dataset.skipped()[1].reason,
        "malformed JSON: expected ident at column 2"
    );
    assert_eq!(
        dataset.skipped()[99].to_string(),
        "line 100: prompt: expected a non-empty text, found a string of only whitespace"
    );
    let entries = all_entries(&dataset);
    assert_eq!(
        entries[0],
        entry("v1", 151, None, &[(Role::User, "valid one")])
    );
    assert_eq!(
        entries[1],
        entry("L153", 153, None, &[(Role::User, "valid two")])
    );
}

#[test]
fn skip_invalid_detects_the_format_from_the_first_valid_record() {
    let dir = TempDir::new("skip-detect");
    let path = dir.write(
        "data.jsonl",
        "{\"foo\": 1}\n{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}]}\n",
    );
    let dataset = open_ok(&path, skipping());
    assert_eq!(dataset.format(), DatasetFormat::ShareGpt);
    assert_eq!(dataset.len(), 1);
    assert_eq!(dataset.skipped_count(), 1);
    assert!(
        dataset.skipped()[0]
            .reason
            .starts_with("expected a record of one of the shapes")
    );
}

#[test]
fn skip_invalid_with_no_valid_record_is_the_empty_dataset_error() {
    assert_eq!(
        error_with(
            "skip-all",
            "{\"prompt\": 1}\n{\"prompt\": \"\"}\n",
            skipping()
        ),
        "F: no records: expected at least one record, found none valid (2 skipped; the first at line 1: prompt: expected a string, found a number)"
    );
}

#[test]
fn skip_invalid_still_refuses_a_broken_array() {
    let dir = TempDir::new("skip-broken");
    let path = dir.write("data.json", "[{\"prompt\": 1}, {\"prompt\": \"ok\"}\n");
    assert_eq!(
        open_error(&path, skipping()),
        format!(
            "{}:1: malformed JSON array: expected `]` closing the array opened at line 1, found the end of the file",
            path.display()
        )
    );
}
