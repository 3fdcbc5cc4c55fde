//! Identifiers are checked when the config loads, before any call: a
//! model id that would run as a spreadsheet formula in every CSV, a
//! region that is not a region name, a label starting a formula are
//! refused with `file:line` and the field; a price-file entry whose model
//! matches nothing is a warning naming its line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::isolation;

use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("ids", name)
}

/// `run --dry-run --target emulator` of `scenarios` and `experiment`.
fn dry_run(dir: &Path, scenarios: &str, experiment: &str, args: &[&str]) -> Output {
    let scenarios_path = dir.join("scenarios.jsonl");
    std::fs::write(&scenarios_path, scenarios).expect("scenarios");
    let experiment_path = dir.join("experiment.jsonl");
    std::fs::write(&experiment_path, experiment).expect("experiment");
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .args(["run", "--dry-run", "--target", "emulator", "--scenarios"])
        .arg(&scenarios_path)
        .arg("--experiment")
        .arg(&experiment_path)
        .arg("--out")
        .arg(dir.join("out"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn identifiers_that_are_not_well_formed_are_refused_at_their_line() {
    let dir = temp_dir("refused");
    let scenarios = [
        r#"{"text_prompt": "hi", "model_id": "=HYPERLINK(\"http://example.com\",\"x\")", "region": "us-east-2"}"#,
        r#"{"text_prompt": "hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "../../etc"}"#,
        r#"{"text_prompt": "hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "US-EAST-2"}"#,
        r#"{"text_prompt": "hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "task_type": "@SUM(1)", "scenario_name": "+x"}"#,
    ]
    .join("\n");
    let output = dry_run(&dir, &scenarios, r#"{"experiment_name": "-1+1"}"#, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for expected in [
        "scenarios.jsonl:1: field `model_id`: expected a Bedrock model id",
        "scenarios.jsonl:2: field `region`: expected an AWS region name",
        "scenarios.jsonl:3: field `region`: expected an AWS region name: lowercase, such as us-east-1, eu-central-2 or us-gov-west-1 (did you mean \"us-east-2\"?), found \"US-EAST-2\"",
        "scenarios.jsonl:4: field `task_type`: expected a label that does not start with `=`, `+`, `-` or `@`",
        "scenarios.jsonl:4: field `scenario_name`: expected a label",
        "experiment.jsonl:1: field `experiment_name`: expected a label",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert!(!dir.join("out").exists(), "nothing was written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_price_entry_that_matches_no_model_is_a_warning_naming_its_line() {
    let dir = temp_dir("prices");
    let prices = dir.join("prices.jsonl");
    std::fs::write(
        &prices,
        "{\"model\": \"amazon.nova-pro-v1:0\", \"input\": 0.8, \"output\": 3.2}\n{\"model\": \"amazon.nova-pr-v1:0\", \"input\": 0.8, \"output\": 3.2}\n",
    )
    .expect("prices");
    let shown = prices.display().to_string();
    let output = dry_run(
        &dir,
        r#"{"text_prompt": "hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#,
        "{}",
        &["--prices", &shown],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{shown}:2: warning: field `model`: `amazon.nova-pr-v1:0` matches no model of the built-in catalog and no scenario's model, so it prices nothing here (did you mean `amazon.nova-pro-v1:0`?)")),
        "{stderr}"
    );
    assert!(!stderr.contains(&format!("{shown}:1: warning")), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
