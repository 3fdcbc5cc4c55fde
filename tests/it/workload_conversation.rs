//! Conversations against the emulator: each session's turns send the
//! conversation so far with the model's real answers, their context
//! growing turn by turn; with `cache`, every turn from the second reads
//! what the one before wrote; a dataset's sessions send its user turns in
//! order; a bad conversation setting is refused at its field.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::config::{Experiment, Scenario, parse_scenarios};
use bedrock_catalog::tokens::estimate_tokens;
use common::*;

#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    api_call_status: String,
    invocation_id: String,
    session_id: Option<String>,
    turn: Option<u32>,
    context_tokens: Option<u32>,
    prompt_id: Option<String>,
    model_output_tokens: Option<u32>,
    cache_read_input_tokens: Option<u32>,
    cache_write_input_tokens: Option<u32>,
}

fn scenarios(line: &str, dir: &Path) -> Vec<Scenario> {
    parse_scenarios(line, "scenarios.jsonl", dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

/// The sessions of a closed-loop run of `invocations` sessions, their
/// rows by turn.
async fn sessions(scenarios: Vec<Scenario>, invocations: u32, out: &Path) -> Vec<Vec<Row>> {
    let profile = fixed_profile(0.002, 20_000.0, 4, 100_000);
    let emulator = start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0);
    let experiment = Experiment {
        invocations_per_scenario: invocations,
        num_parallel_invocations: 2,
        sleep_between_invocations: Duration::ZERO,
        call_timeout: Duration::from_secs(10),
        ..Experiment::default()
    };
    let summary = Job::new(scenarios, experiment, out.to_path_buf())
        .run(Arc::new(clients(&emulator)))
        .await
        .expect("the run completes");
    let mut by_session: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for file in &summary.files {
        for row in csv::Reader::from_path(&file.path)
            .expect("raw CSV")
            .deserialize::<Row>()
        {
            let row = row.expect("row");
            assert_eq!(row.api_call_status, "Success", "{row:?}");
            let session = row.session_id.clone().expect("a session id");
            by_session.entry(session).or_default().push(row);
        }
    }
    let mut sessions: Vec<Vec<Row>> = by_session.into_values().collect();
    for session in &mut sessions {
        session.sort_by_key(|row| row.turn);
    }
    sessions
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turns_grow_the_context_and_read_the_cache_from_the_second() {
    let dir = dirs::temp_dir("conversation", "synthetic");
    // Nova Pro caches prefixes of at least 1,000 tokens.
    let line = r#"{"synthetic_input_tokens": 1200, "expected_output_tokens": 30, "conversation": {"turns": 3, "follow_up_tokens": 20, "cache": true}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let sessions = sessions(scenarios(line, &dir), 4, &dir.join("out")).await;
    assert_eq!(sessions.len(), 4, "one session per invocation");
    for session in &sessions {
        let turns: Vec<Option<u32>> = session.iter().map(|r| r.turn).collect();
        assert_eq!(turns, [Some(1), Some(2), Some(3)], "{session:?}");
        assert_eq!(session[0].context_tokens, Some(1200));
        for pair in session.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            // The context grows by the answer and the next message.
            let grown = after.context_tokens.unwrap() - before.context_tokens.unwrap();
            assert!(
                grown >= 20 + before.model_output_tokens.unwrap() / 2,
                "{before:?} -> {after:?}"
            );
            assert!(
                after.cache_read_input_tokens.unwrap_or(0) > 0,
                "turn {:?} reads what turn {:?} wrote: {after:?}",
                after.turn,
                before.turn
            );
        }
        // Every session's first message is the same text: the first
        // session writes it, the others read it.
        let first = &session[0];
        let cached = first.cache_write_input_tokens.unwrap_or(0)
            + first.cache_read_input_tokens.unwrap_or(0);
        assert!(cached >= 1200, "{first:?}");
        assert!(session[0].invocation_id.ends_with("-t1"));
    }
    // analyze reports latency by turn, the context growing turn by turn.
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("out").join("results"))
        .expect("results")
        .map(|entry| entry.expect("entry").path())
        .collect();
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let analysis = bedrock_bench::analysis::analyze(
        &paths,
        &bedrock_bench::analysis::AnalyzeOptions::default(),
    )
    .expect("analyze");
    let turns: Vec<(u16, u64)> = analysis
        .groups
        .iter()
        .flat_map(|g| g.turns.iter().map(|t| (t.turn, t.calls)))
        .collect();
    let mut per_turn = [0u64; 4];
    for (turn, calls) in &turns {
        per_turn[*turn as usize] += calls;
    }
    assert_eq!(per_turn[1..], [4, 4, 4], "{turns:?}");
    let table = bedrock_bench::tables::turns::turns(&analysis.groups);
    assert!(!table.rows.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sharegpt_session_sends_its_user_turns_with_the_models_answers() {
    let dir = dirs::temp_dir("conversation", "sharegpt");
    std::fs::create_dir_all(&dir).expect("dir");
    // The dataset's answers are long; the model's (at most 10 tokens) are
    // what each later turn sends.
    let long_answer = vec!["dataset answer"; 300].join(" ");
    let record = |id: &str, users: &[&str]| {
        let turns: Vec<String> = users
            .iter()
            .flat_map(|u| {
                [
                    format!("{{\"from\": \"human\", \"value\": \"{u}\"}}"),
                    format!("{{\"from\": \"gpt\", \"value\": \"{long_answer}\"}}"),
                ]
            })
            .collect();
        format!(
            "{{\"id\": \"{id}\", \"conversations\": [{}]}}",
            turns.join(", ")
        )
    };
    let users = [
        "first question here",
        "second one",
        "third and last question",
    ];
    std::fs::write(
        dir.join("chats.json"),
        format!("[{}, {}]", record("a", &users), record("b", &users[..2])),
    )
    .expect("write");
    let line = r#"{"dataset": "chats.json", "expected_output_tokens": 10, "conversation": {}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let sessions = sessions(scenarios(line, &dir), 2, &dir.join("out")).await;
    let turns: Vec<(Option<String>, usize)> = sessions
        .iter()
        .map(|s| (s[0].prompt_id.clone(), s.len()))
        .collect();
    assert_eq!(
        turns,
        [(Some("a".to_string()), 3), (Some("b".to_string()), 2)],
        "each record's user turns, in order"
    );
    let session = &sessions[0];
    let (mut questions, mut answers) = (0, 0);
    for (k, row) in session.iter().enumerate() {
        questions += estimate_tokens(users[k]);
        let context = row.context_tokens.expect("context");
        // The questions so far and the model's answers of about 10 tokens
        // each (by the estimate of their text), never the dataset's 600.
        assert!(
            context >= questions + answers / 2 && context <= questions + answers * 2 + 2,
            "turn {}: {context} for {questions} + {answers}: {row:?}",
            k + 1
        );
        answers += row.model_output_tokens.expect("tokens");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_conversation_is_refused_at_its_field() {
    let dir = dirs::temp_dir("conversation", "bad");
    let error = |conversation: &str| {
        parse_scenarios(
            &format!(
                r#"{{"text_prompt": "Hi", "conversation": {conversation}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}}"#
            ),
            "scenarios.jsonl",
            &dir,
        )
        .expect_err("refused")
        .to_string()
    };
    assert!(error(r#"{"turns": 0}"#).contains(
        "field `conversation.turns`: expected a whole number from 1 to 100, found number 0"
    ));
    assert!(
        error(r#"{"think_time_ms": 10}"#)
            .contains("field `conversation.turns`: expected the number of user turns")
    );
    assert!(
        error(r#"{"turns": 2, "cache": "yes"}"#)
            .contains("field `conversation.cache`: expected true or false")
    );
    assert!(error(r#"{"turns": 2, "shared": 1}"#).contains("field `conversation.shared`"));
}
