//! Requests that vary from call to call, run against the emulator: input
//! and answer lengths drawn from distributions (recorded, sent, repeated
//! by the seed), short answers counted and warned about, prompts from a
//! dataset (the right records in the right order, too-long records
//! refused or skipped), and the dollar budget's worst case over every
//! draw.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::analysis::{AnalyzeOptions, analyze};
use bedrock_bench::config::{Experiment, Scenario, parse_scenarios};
use bedrock_bench::plan::PlanInput;
use bedrock_bench::runner::RunSummary;
use bedrock_emulator::Emulator;
use common::*;

/// The raw CSV columns these tests read.
#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    invocation_id: String,
    api_call_status: String,
    configured_output_tokens_for_request: u32,
    model_input_tokens: Option<u32>,
    model_output_tokens: Option<u32>,
    prompt_id: Option<String>,
    target_input_tokens: Option<u32>,
    target_output_tokens: Option<u32>,
}

fn rows_of(summary: &RunSummary) -> Vec<Row> {
    let mut rows: Vec<Row> = summary
        .files
        .iter()
        .flat_map(|file| {
            csv::Reader::from_path(&file.path)
                .expect("raw CSV opens")
                .deserialize::<Row>()
                .map(|row| row.expect("row parses"))
                .collect::<Vec<_>>()
        })
        .collect();
    rows.sort_by_key(|row| invocation_number(&row.invocation_id));
    rows
}

/// `r1-s1-i12` -> 12.
fn invocation_number(id: &str) -> u32 {
    id.rsplit('i')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// An emulator answering in 2 ms at 20,000 tokens/s whose answers run to
/// `natural` tokens unless `maxTokens` stops them first; no template
/// tokens, so a prompt's input tokens are its estimate.
fn emulator(natural: u32) -> Arc<Emulator> {
    let profile = fixed_profile(0.002, 20_000.0, 4, natural);
    start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0)
}

fn experiment(invocations: u32) -> Experiment {
    Experiment {
        invocations_per_scenario: invocations,
        num_parallel_invocations: 2,
        sleep_between_invocations: Duration::ZERO,
        call_timeout: Duration::from_secs(10),
        ..Experiment::default()
    }
}

fn scenarios(lines: &str, dir: &Path) -> Vec<Scenario> {
    parse_scenarios(lines, "scenarios.jsonl", dir)
        .expect("scenarios load")
        .value
}

async fn run(scenarios: Vec<Scenario>, invocations: u32, seed: u64, out: PathBuf) -> Vec<Row> {
    let emulator = emulator(100_000);
    let summary = Job::new(scenarios, experiment(invocations), out)
        .seed(seed)
        .run(Arc::new(clients(&emulator)))
        .await
        .expect("the run completes");
    rows_of(&summary)
}

const DRAWN: &str = r#"{"synthetic_input_tokens": {"uniform": {"min": 50, "max": 400}}, "expected_output_tokens": {"uniform": {"min": 5, "max": 40}}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drawn_lengths_are_sent_recorded_and_repeated_by_the_seed() {
    let dir = dirs::temp_dir("workload", "drawn");
    let rows = run(scenarios(DRAWN, &dir), 40, 7, dir.join("a")).await;
    assert_eq!(rows.len(), 40);
    for row in &rows {
        assert_eq!(row.api_call_status, "Success", "{row:?}");
        let input = row.target_input_tokens.expect("an input length drawn");
        let output = row.target_output_tokens.expect("an answer length drawn");
        assert!((50..=400).contains(&input), "{row:?}");
        assert!((5..=40).contains(&output), "{row:?}");
        assert_eq!(row.configured_output_tokens_for_request, output, "{row:?}");
        // The emulator counts what it received: the drawn length exactly.
        assert_eq!(row.model_input_tokens, Some(input), "{row:?}");
        assert_eq!(row.model_output_tokens, Some(output), "{row:?}");
        assert_eq!(row.prompt_id, None);
    }
    let inputs: Vec<u32> = rows.iter().filter_map(|r| r.target_input_tokens).collect();
    // Forty uniform draws over 50..=400 spread out (each bound fails with
    // a probability below 1e-5).
    assert!(*inputs.iter().min().unwrap() < 150, "{inputs:?}");
    assert!(*inputs.iter().max().unwrap() > 300, "{inputs:?}");

    let again = run(scenarios(DRAWN, &dir), 40, 7, dir.join("b")).await;
    let lengths = |rows: &[Row]| -> Vec<(String, Option<u32>, Option<u32>)> {
        rows.iter()
            .map(|r| {
                (
                    r.invocation_id.clone(),
                    r.target_input_tokens,
                    r.target_output_tokens,
                )
            })
            .collect()
    };
    assert_eq!(
        lengths(&rows),
        lengths(&again),
        "the same seed draws the same"
    );
    let other = run(scenarios(DRAWN, &dir), 40, 8, dir.join("c")).await;
    assert_ne!(lengths(&rows), lengths(&other), "another seed draws others");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_shorter_than_drawn_are_counted_and_warned_about() {
    let dir = dirs::temp_dir("workload", "short");
    let line = r#"{"synthetic_input_tokens": 50, "expected_output_tokens": {"uniform": {"min": 20, "max": 60}}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    // Every answer ends on its own after 10 tokens.
    let emulator = emulator(10);
    let summary = Job::new(scenarios(line, &dir), experiment(12), dir.join("out"))
        .run(Arc::new(clients(&emulator)))
        .await
        .expect("the run completes");
    let rows = rows_of(&summary);
    assert!(rows.iter().all(|r| r.model_output_tokens == Some(10)));
    let paths: Vec<&Path> = summary.files.iter().map(|f| f.path.as_path()).collect();
    let analysis = analyze(&paths, &AnalyzeOptions::default()).expect("analyze reads the run");
    let counts = &analysis.groups[0].counts;
    assert_eq!((counts.short_answers, counts.successes), (12, 12));
    let warning = analysis
        .warnings
        .iter()
        .find(|w| w.contains("stopped before the answer length drawn"))
        .unwrap_or_else(|| panic!("no short-answer warning in {:?}", analysis.warnings));
    assert!(
        warning.starts_with("12 of 12 successful calls"),
        "{warning}"
    );

    // Answers that reach their length are not short.
    let long = run(scenarios(line, &dir), 6, 0, dir.join("long")).await;
    assert!(
        long.iter()
            .all(|r| r.model_output_tokens == r.target_output_tokens)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A dataset of plain prompts whose lengths tell them apart: record `i`
/// (from 1) is `i * 3` filler words.
fn write_prompts(dir: &Path, records: usize) -> PathBuf {
    std::fs::create_dir_all(dir).expect("dir");
    let path = dir.join("prompts.jsonl");
    let text: String = (1..=records)
        .map(|i| {
            let words = vec!["word"; i * 3].join(" ");
            format!("{{\"id\": \"p{i}\", \"prompt\": \"{words}\"}}\n")
        })
        .collect();
    std::fs::write(&path, text).expect("write dataset");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dataset_sends_its_records_in_order_and_names_each_row() {
    let dir = dirs::temp_dir("workload", "dataset");
    write_prompts(&dir, 5);
    let line = r#"{"dataset": "prompts.jsonl", "expected_output_tokens": 3, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let rows = run(scenarios(line, &dir), 12, 0, dir.join("out")).await;
    assert_eq!(rows.len(), 12);
    for (i, row) in rows.iter().enumerate() {
        // Sequential: record i mod 5, starting over at the end.
        let record = i % 5 + 1;
        assert_eq!(
            row.prompt_id.as_deref(),
            Some(format!("p{record}").as_str())
        );
        assert_eq!(
            row.model_input_tokens,
            Some(record as u32 * 3),
            "the emulator received record {record}: {row:?}"
        );
        assert_eq!(row.target_input_tokens, None);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shuffled_sampling_sends_every_record_once_per_pass() {
    let dir = dirs::temp_dir("workload", "shuffled");
    write_prompts(&dir, 6);
    let line = r#"{"dataset": {"file": "prompts.jsonl", "sampling": "shuffled"}, "expected_output_tokens": 3, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let rows = run(scenarios(line, &dir), 12, 3, dir.join("out")).await;
    let ids: Vec<String> = rows.iter().filter_map(|r| r.prompt_id.clone()).collect();
    for pass in ids.chunks(6) {
        let mut sorted = pass.to_vec();
        sorted.sort();
        assert_eq!(sorted, ["p1", "p2", "p3", "p4", "p5", "p6"], "{ids:?}");
    }
    let in_file_order: Vec<String> = (1..=6).map(|i| format!("p{i}")).collect();
    assert!(
        ids[..6] != in_file_order[..] || ids[6..] != in_file_order[..],
        "shuffled: {ids:?}"
    );
    assert_ne!(ids[..6], ids[6..], "a new order each pass: {ids:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_record_longer_than_the_context_is_refused_at_its_line_or_skipped() {
    let dir = dirs::temp_dir("workload", "too-long");
    std::fs::create_dir_all(&dir).expect("dir");
    // Llama 3.1 70B has a context of 128,000 tokens: the second record
    // (130,000 words) cannot fit.
    let long = vec!["word"; 130_000].join(" ");
    std::fs::write(
        dir.join("data.jsonl"),
        format!(
            "{{\"prompt\": \"short\"}}\n{{\"prompt\": \"{long}\"}}\n{{\"prompt\": \"fine\"}}\n"
        ),
    )
    .expect("write");
    let refuse = r#"{"dataset": "data.jsonl", "model_id": "us.meta.llama3-1-70b-instruct-v1:0", "region": "us-east-2"}"#;
    let errors = parse_scenarios(refuse, "scenarios.jsonl", &dir)
        .expect_err("a record too long is refused")
        .to_string();
    assert!(
        errors.contains("scenarios.jsonl:1: field `dataset`"),
        "{errors}"
    );
    assert!(
        errors.contains("data.jsonl:2: a prompt of about 130000 tokens"),
        "{errors}"
    );
    assert!(errors.contains("\"too_long\": \"skip\""), "{errors}");

    let skip = r#"{"dataset": {"file": "data.jsonl", "too_long": "skip"}, "model_id": "us.meta.llama3-1-70b-instruct-v1:0", "region": "us-east-2"}"#;
    let loaded = parse_scenarios(skip, "scenarios.jsonl", &dir).expect("skipped, it loads");
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("1 of 3 records") && w.message.contains("line 2")),
        "{:?}",
        loaded.warnings
    );
    let plan = PlanInput::new(loaded.value, Experiment::default()).build();
    let described = plan
        .describe(bedrock_bench::config::TargetChoice::Emulator, 1.0)
        .join("\n");
    assert!(
        described.contains("2 records, sequential, 1 too long skipped"),
        "{described}"
    );
    for call in 0..6 {
        let drawn = plan.requests[0].draw(call).expect("drawn");
        assert_ne!(drawn.spec.user_text.len(), long.len(), "never sent");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_worst_case_covers_the_longest_draw() {
    let dir = dirs::temp_dir("workload", "worst");
    let fixed = r#"{"synthetic_input_tokens": 400, "expected_output_tokens": 40, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let worst = |lines: &str| {
        let plan = PlanInput::new(scenarios(lines, &dir), Experiment::default()).build();
        plan.worst_costs[0].expect("priced")
    };
    let drawn = worst(DRAWN);
    assert!(
        drawn >= worst(fixed),
        "a draw up to 400 input and 40 answer tokens is reserved as at least the fixed 400/40: {drawn} < {}",
        worst(fixed)
    );
    let plan = PlanInput::new(scenarios(DRAWN, &dir), Experiment::default()).build();
    let prices = bedrock_catalog::prices::PriceTable::default();
    for call in 0..200 {
        let request = plan.requests[0].draw(call).expect("drawn");
        let own = bedrock_bench::plan::attempt_worst_case(&request.spec, &prices).expect("priced");
        assert!(own <= drawn, "call {call}: {own} > the reserved {drawn}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_groups_each_write_once_then_read_and_analyze_counts_the_hits() {
    let dir = dirs::temp_dir("workload", "prefix-groups");
    // Nova Pro caches prefixes of at least 1,000 tokens.
    let line = r#"{"synthetic_input_tokens": {"uniform": {"min": 20, "max": 60}}, "expected_output_tokens": 5, "prompt_cache": {"at": "messages", "shared_prefix_tokens": 1200, "prefix_groups": 3}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let emulator = emulator(100_000);
    let experiment = Experiment {
        num_parallel_invocations: 1,
        ..experiment(12)
    };
    let summary = Job::new(scenarios(line, &dir), experiment, dir.join("out"))
        .run(Arc::new(clients(&emulator)))
        .await
        .expect("the run completes");
    #[derive(Debug, serde::Deserialize)]
    struct CacheRow {
        invocation_id: String,
        prefix_group: Option<u32>,
        cache_read_input_tokens: Option<u32>,
        cache_write_input_tokens: Option<u32>,
    }
    let path = &summary.files[0].path;
    let mut rows: Vec<CacheRow> = csv::Reader::from_path(path)
        .expect("raw CSV")
        .deserialize()
        .map(|row| row.expect("row"))
        .collect();
    rows.sort_by_key(|row| invocation_number(&row.invocation_id));
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row.prefix_group, Some(n as u32 % 3), "{row:?}");
        let read = row.cache_read_input_tokens.unwrap_or(0);
        let wrote = row.cache_write_input_tokens.unwrap_or(0);
        if n < 3 {
            assert!(
                wrote > 0 && read == 0,
                "group {}'s first call writes: {row:?}",
                n % 3
            );
        } else {
            assert!(read > 0, "later calls of group {} read: {row:?}", n % 3);
        }
    }
    let analysis = analyze(&[path.as_path()], &AnalyzeOptions::default()).expect("analyze");
    // The cache axis puts the writes (misses) and the reads (hits) in
    // groups of their own: 3 calls, no hit; 9 calls, 9 hits.
    let cache: Vec<(String, u64, u64)> = analysis
        .groups
        .iter()
        .map(|g| {
            let c = g.cache.expect("cache statistics");
            (g.performance_config.clone(), c.calls, c.hits)
        })
        .collect();
    assert_eq!(
        cache,
        [
            ("standard+cache:read".to_string(), 9, 9),
            ("standard+cache:write".to_string(), 3, 0)
        ]
    );
    let table = bedrock_bench::tables::cache::cache(&analysis.groups);
    assert_eq!(table.rows.len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cache_busting_marks_every_request_and_refuses_a_prompt_cache() {
    let dir = dirs::temp_dir("workload", "busting");
    let line = r#"{"synthetic_input_tokens": 100, "system_prompt": "Be brief.", "cache_busting": true, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;
    let plan = PlanInput::new(scenarios(line, &dir), Experiment::default()).build();
    let systems: Vec<String> = (0..3)
        .map(|call| {
            let drawn = plan.requests[0].draw(call).expect("drawn");
            drawn.spec.system.clone().expect("a system prompt")
        })
        .collect();
    for system in &systems {
        assert!(
            system.starts_with('[') && system.ends_with("] Be brief."),
            "{system}"
        );
    }
    assert_ne!(systems[0], systems[1], "a marker of its own per call");
    let error = parse_scenarios(
        r#"{"text_prompt": "Hi", "cache_busting": true, "prompt_cache": {}, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
        "scenarios.jsonl",
        &dir,
    )
    .expect_err("refused")
    .to_string();
    assert!(
        error.contains("field `cache_busting`: expected no `cache_busting` with a `prompt_cache`"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exact_input_tokens_size_prompts_with_count_tokens_where_the_model_is_counted() {
    let dir = dirs::temp_dir("workload", "exact");
    // A template of 12 tokens on top of the text, as a real model adds:
    // the estimate alone would miss every target by 12.
    let profile = fixed_profile(0.002, 20_000.0, 4, 100_000);
    let mut model = fixed_model(profile.clone(), profile);
    model.input_token_overhead = 12;
    let emulator = start_emulator(uniform(model), 1.0);
    let lines = [
        r#"{"scenario_name": "haiku", "synthetic_input_tokens": {"uniform": {"min": 100, "max": 300}}, "exact_input_tokens": true, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-2"}"#,
        r#"{"scenario_name": "nova", "synthetic_input_tokens": {"uniform": {"min": 100, "max": 300}}, "exact_input_tokens": true, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
    ]
    .join("\n");
    let loaded = parse_scenarios(&lines, "scenarios.jsonl", &dir).expect("loads");
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.location.line == 2 && w.message.contains("does not list token counting")),
        "Nova is not counted, and the load says so: {:?}",
        loaded.warnings
    );
    let summary = Job::new(loaded.value, experiment(8), dir.join("out"))
        .run(Arc::new(clients(&emulator)))
        .await
        .expect("the run completes");
    #[derive(Debug, serde::Deserialize)]
    struct ExactRow {
        scenario: String,
        model_input_tokens: Option<u32>,
        target_input_tokens: Option<u32>,
        counted_input_tokens: Option<u32>,
    }
    let rows: Vec<ExactRow> = csv::Reader::from_path(&summary.files[0].path)
        .expect("raw CSV")
        .deserialize()
        .map(|row| row.expect("row"))
        .collect();
    assert_eq!(rows.len(), 16);
    for row in &rows {
        let target = row.target_input_tokens.expect("a drawn length");
        if row.scenario == "haiku" {
            assert_eq!(row.counted_input_tokens, Some(target), "{row:?}");
            assert_eq!(
                row.model_input_tokens,
                Some(target),
                "sized exactly: {row:?}"
            );
        } else {
            assert_eq!(row.counted_input_tokens, None, "{row:?}");
            assert_eq!(
                row.model_input_tokens,
                Some(target + 12),
                "the estimate: {row:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
