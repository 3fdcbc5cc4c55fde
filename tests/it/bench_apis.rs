//! `cargo bench` over the `api` axis, in-process against the emulator:
//! one criterion group per API and endpoint (labelled as `analyze` labels
//! it) in a folder of its own, each with its measurements, and Converse
//! (which has no time to first token) measured by its total latency and
//! throughput only.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bedrock_bench::bench::{self, BenchSetup};
use bedrock_bench::config::TargetChoice;
use bedrock_bench::runner::StopSignal;

const SCENARIOS: &str = r#"{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "invoke-stream"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "anthropic-messages"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "anthropic-messages", "endpoint": "bedrock-mantle"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-east-1", "api": "converse"}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 20, "model_id": "deepseek.v3-v1:0", "region": "us-east-2", "api": "openai-chat", "endpoint": "bedrock-mantle"}
"#;

fn setup(dir: &Path) -> BenchSetup {
    std::fs::write(dir.join("scenarios.jsonl"), SCENARIOS).expect("scenarios");
    std::fs::write(
        dir.join("experiment.jsonl"),
        r#"{"invocations_per_scenario": 10, "sleep_between_invocations": 0, "experiment_name": "bench-apis"}"#,
    )
    .expect("experiment");
    BenchSetup {
        scenarios: dir.join("scenarios.jsonl"),
        experiment: dir.join("experiment.jsonl"),
        reports: dir.join("reports"),
        criterion_dir: Some(dir.join("criterion")),
        target: Some(TargetChoice::Emulator),
        emulator_profiles: None,
        time_scale: Some(0.05),
        criterion_reads_process_args: false,
        stop: Some(StopSignal::new()),
    }
}

fn estimates(criterion: &Path, group: &str, metric: &str, region: &str) -> PathBuf {
    criterion
        .join(group)
        .join(metric)
        .join(region)
        .join("new")
        .join("estimates.json")
}

#[test]
fn each_api_is_a_criterion_group_with_its_measurements() {
    let dir = std::env::temp_dir().join(format!("bb-bench-apis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let code = bench::run(&setup(&dir), vec!["--bench".to_string()]).expect("bench runs");
    assert_eq!(code, ExitCode::SUCCESS);
    let criterion = dir.join("criterion");
    let groups: Vec<String> = std::fs::read_dir(&criterion)
        .expect("criterion data")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "report")
        .collect();
    // Six groups in six folders: the two Messages groups (runtime and
    // mantle), whose ids share criterion's first 64 bytes, are kept
    // apart.
    assert_eq!(groups.len(), 6, "{groups:?}");
    for group in &groups {
        let region = if group.starts_with("deepseek") {
            "us-east-2"
        } else {
            "us-east-1"
        };
        let converse = group.contains("+via_converse") || group.ends_with("+via_convers");
        for metric in ["ttft", "total_latency", "otps"] {
            let file = estimates(&criterion, group, metric, region);
            assert_eq!(
                file.exists(),
                !converse || metric != "ttft",
                "{group} {metric}: {}",
                file.display()
            );
        }
    }
    assert_eq!(
        groups
            .iter()
            .filter(|g| g.contains("+via_anthropic-messages"))
            .count(),
        2,
        "{groups:?}"
    );
    assert!(groups.contains(&"us.anthropic.claude-3-5-haiku-20241022-v1_0_standard".to_string()));
    assert!(groups.contains(&"deepseek.v3-v1_0_standard+via_openai-chat+at_mantle".to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}
