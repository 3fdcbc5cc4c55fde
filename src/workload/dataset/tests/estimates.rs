//! The per-record estimates, the entry's views of its turns, reading an
//! entry back, and what is kept per record.

use bedrock_catalog::tokens::estimate_tokens;

use super::*;
use Role::{Assistant, User};

/// A Converse file: a record ending in an answer, one ending in a user
/// turn, and a prompt-only one.
const CONVERSE: &str = concat!(
    r#"{"system": "Be terse, please.", "messages": [{"role": "user", "content": [{"text": "What is Rust?"}]}, {"role": "assistant", "content": [{"text": "A systems language."}]}, {"role": "user", "content": [{"text": "Who made it?"}]}, {"role": "assistant", "content": [{"text": "Graydon Hoare, at Mozilla, in 2006."}]}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": [{"text": "one two three"}]}, {"role": "assistant", "content": [{"text": "four"}]}, {"role": "user", "content": [{"text": "a much longer question, with many more words in it than the others"}]}]}"#,
    "\n",
    r#"{"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}"#,
    "\n",
);

#[test]
fn estimates_cover_what_a_call_sends() {
    let dir = TempDir::new("estimates");
    let path = dir.write("data.jsonl", CONVERSE);
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(dataset.len(), 3);

    // The estimate counts a word per started 8 letters and each visible
    // other character: "Be terse, please." is 5, "What is Rust?" 4,
    // "A systems language." 4, "Who made it?" 4, the answer 9.
    assert_eq!(estimate_tokens("Be terse, please."), 5);
    assert_eq!(estimate_tokens("Graydon Hoare, at Mozilla, in 2006."), 9);
    assert_eq!(dataset.prompt_tokens(0), 5 + 4 + 4 + 4);
    assert_eq!(dataset.answer_tokens(0), Some(9));
    assert_eq!(dataset.conversation_tokens(0), 5 + 4 + 4 + 4 + 9);
    assert_eq!(dataset.user_turn_count(0), 2);

    let long = "a much longer question, with many more words in it than the others";
    let prompt_1 =
        estimate_tokens("one two three") + estimate_tokens("four") + estimate_tokens(long);
    assert_eq!(dataset.prompt_tokens(1), prompt_1);
    assert_eq!(dataset.answer_tokens(1), None);
    assert_eq!(dataset.conversation_tokens(1), prompt_1);
    assert_eq!(dataset.user_turn_count(1), 2);

    assert_eq!(dataset.prompt_tokens(2), 1);
    assert_eq!(dataset.answer_tokens(2), None);
    assert_eq!(dataset.user_turn_count(2), 1);

    assert!(prompt_1 > 17, "{prompt_1}");
    assert_eq!(dataset.longest_prompt_tokens(), prompt_1);
}

#[test]
fn entries_split_prompt_and_reference_answer() {
    let dir = TempDir::new("entry-views");
    let path = dir.write("data.jsonl", CONVERSE);
    let dataset = open_ok(&path, DatasetOptions::default());
    let first = dataset.entry(0).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(first.system.as_deref(), Some("Be terse, please."));
    assert_eq!(first.prompt_turns().len(), 3);
    assert_eq!(first.prompt_turns()[2].text, "Who made it?");
    assert_eq!(
        first.reference_answer(),
        Some("Graydon Hoare, at Mozilla, in 2006.")
    );
    assert_eq!(
        first.user_turns().collect::<Vec<_>>(),
        ["What is Rust?", "Who made it?"]
    );
    let second = dataset.entry(1).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(second.prompt_turns().len(), 3);
    assert_eq!(second.prompt_turns(), &second.turns[..]);
    assert_eq!(second.reference_answer(), None);
    assert_eq!(second.user_turns().count(), 2);
}

#[test]
fn entries_read_back_what_was_written() {
    let dir = TempDir::new("round-trip");
    let written: Vec<DatasetEntry> = (0..300)
        .map(|index| {
            let mut turns = vec![(
                User,
                format!("question {index} with \"quotes\" and \\ and ü"),
            )];
            if index % 3 == 0 {
                turns.push((Assistant, format!("answer {index}")));
            }
            DatasetEntry {
                id: format!("id-{index}"),
                line: index + 1,
                system: (index % 2 == 0).then(|| format!("system {index}")),
                turns: turns
                    .into_iter()
                    .map(|(role, text)| Turn { role, text })
                    .collect(),
            }
        })
        .collect();
    let lines: Vec<String> = written
        .iter()
        .map(|entry| {
            let conversations: Vec<serde_json::Value> = entry
                .system
                .iter()
                .map(|system| serde_json::json!({"from": "system", "value": system}))
                .chain(entry.turns.iter().map(|turn| {
                    let from = if turn.role == User { "human" } else { "gpt" };
                    serde_json::json!({"from": from, "value": turn.text})
                }))
                .collect();
            serde_json::json!({"id": entry.id, "conversations": conversations}).to_string()
        })
        .collect();
    let path = dir.write("data.jsonl", lines.join("\n"));
    let dataset = open_ok(&path, DatasetOptions::default());
    assert_eq!(dataset.format(), DatasetFormat::ShareGpt);
    assert_eq!(all_entries(&dataset), written);
    // In any order, from several threads at once.
    let dataset = &dataset;
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let written = &written;
            scope.spawn(move || {
                for index in (0..300).rev().skip(thread).step_by(4) {
                    let entry = dataset
                        .entry(index)
                        .unwrap_or_else(|error| panic!("{error}"));
                    assert_eq!(entry, written[index]);
                }
            });
        }
    });
}

#[test]
fn an_index_out_of_range_is_an_error_not_a_panic() {
    let dir = TempDir::new("out-of-range");
    let path = dir.write("data.jsonl", CONVERSE);
    let dataset = open_ok(&path, DatasetOptions::default());
    let error = dataset
        .entry(3)
        .err()
        .unwrap_or_else(|| panic!("entry 3 of 3"));
    assert_eq!(
        error.to_string(),
        format!(
            "{}: record index out of range: expected an index below 3, found 3",
            path.display()
        )
    );
    assert!(dataset.entry(usize::MAX).is_err());
    assert_eq!(dataset.prompt_tokens(3), 0);
    assert_eq!(dataset.answer_tokens(3), None);
    assert_eq!(dataset.conversation_tokens(3), 0);
    assert_eq!(dataset.user_turn_count(3), 0);
}

#[test]
fn a_file_changed_after_opening_is_reported() {
    let dir = TempDir::new("changed");
    let path = dir.write(
        "data.jsonl",
        "{\"prompt\": \"first\"}\n{\"prompt\": \"second\"}\n",
    );
    let dataset = open_ok(&path, DatasetOptions::default());
    dir.write(
        "data.jsonl",
        "{\"prompt\": \"first\"}\n{\"prompt\": 12345678}\n",
    );
    assert_eq!(
        dataset.entry(1).err().map(|error| error.to_string()),
        Some(format!(
            "{}:2: the file changed since the dataset was opened: prompt: expected a string, found a number",
            path.display()
        ))
    );
    dir.write("data.jsonl", "{}");
    assert_eq!(
        dataset.entry(1).err().map(|error| error.to_string()),
        Some(format!(
            "{}:2: the file changed since the dataset was opened: expected 20 bytes at byte 20, found the end of the file",
            path.display()
        ))
    );
}

#[test]
fn a_record_costs_32_bytes_and_the_dataset_is_shared() {
    assert_eq!(std::mem::size_of::<index::RecordSummary>(), 32);
    fn shared<T: Send + Sync>() {}
    shared::<Dataset>();
}
