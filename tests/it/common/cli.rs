//! The command line's config files and `run` command, as the CLI tests
//! share them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::isolation::isolated;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

/// `scenarios.jsonl` (Nova Pro and Llama 3.1 70B, each optimized and
/// standard, five tokens) and `experiment.jsonl` (`experiment`) in `dir`.
pub fn write_four_scenarios(dir: &Path, experiment: &str) -> (PathBuf, PathBuf) {
    let scenarios = dir.join("scenarios.jsonl");
    let mut text = String::new();
    for (model, perf) in [
        ("us.amazon.nova-pro-v1:0", "optimized"),
        ("us.amazon.nova-pro-v1:0", "standard"),
        ("us.meta.llama3-1-70b-instruct-v1:0", "optimized"),
        ("us.meta.llama3-1-70b-instruct-v1:0", "standard"),
    ] {
        text.push_str(&format!(
            "{{\"text_prompt\": \"Explain machine learning.\", \"expected_output_tokens\": 5, \"model_id\": \"{model}\", \"region\": \"us-east-2\", \"performance_config\": \"{perf}\"}}\n"
        ));
    }
    std::fs::write(&scenarios, text).expect("write scenarios");
    let experiment_path = dir.join("experiment.jsonl");
    std::fs::write(&experiment_path, experiment).expect("write experiment");
    (scenarios, experiment_path)
}

/// `bedrock-bench run <args> --scenarios S --experiment E --out OUT`,
/// isolated from the machine's AWS settings.
pub fn run_command(dir: &Path, args: &[&str], files: (&Path, &Path), out: &Path) -> Command {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .arg("run")
        .args(args)
        .arg("--scenarios")
        .arg(files.0)
        .arg("--experiment")
        .arg(files.1)
        .arg("--out")
        .arg(out);
    command
}
