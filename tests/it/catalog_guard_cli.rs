//! The catalog and the target guard the first run, as a process: a dry
//! run resolves the target and the credentials as the run would (an
//! undefined `AWS_PROFILE` fails both with the same message), and a model
//! Bedrock serves only through inference profiles, called by its base id,
//! is refused before any call whatever the target.

use std::path::{Path, PathBuf};

use crate::common::cli::run_command;

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("guard", name)
}

/// Two Nova Pro scenarios and `experiment`, written in `dir`.
fn write_configs(dir: &Path, experiment: &str) -> (PathBuf, PathBuf) {
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(
        &scenarios,
        "{\"text_prompt\": \"hi\", \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\"}\n{\"text_prompt\": \"hi\", \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\", \"performance_config\": \"optimized\"}\n",
    )
    .expect("write scenarios");
    let experiment_path = dir.join("experiment.jsonl");
    std::fs::write(&experiment_path, experiment).expect("write experiment");
    (scenarios, experiment_path)
}

#[test]
fn a_dry_run_resolves_the_target_and_the_profile_as_the_run_would() {
    let dir = temp_dir("dry-profile");
    let (scenarios, experiment) = write_configs(&dir, r#"{"invocations_per_scenario": 1}"#);
    std::fs::write(
        dir.join("aws-config"),
        "[default]\nregion = us-east-2\n[profile dev]\n",
    )
    .expect("config");
    let out = dir.join("out");
    let error_line = |args: &[&str]| {
        let output = run_command(&dir, args, (&scenarios, &experiment), &out)
            .env("AWS_PROFILE", "doesnotexist")
            .env("AWS_CONFIG_FILE", dir.join("aws-config"))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("dry run: no call was made"), "{stderr}");
        stderr
            .lines()
            .find(|line| line.starts_with("error:"))
            .unwrap_or_else(|| panic!("an error line: {stderr}"))
            .to_string()
    };
    let dry = error_line(&["--dry-run"]);
    assert!(
        dry.contains("AWS_PROFILE=\"doesnotexist\" names a profile that is not defined"),
        "{dry}"
    );
    assert_eq!(dry, error_line(&[]), "the same message as the run");
    assert_eq!(
        error_line(&["--dry-run", "--target", "aws"]),
        error_line(&["--target", "aws"])
    );
    // Without credentials, `auto` resolves to the emulator, loudly, and
    // says so in the dry run.
    let output = run_command(&dir, &["--dry-run"], (&scenarios, &experiment), &out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Benchmarking the BUILT-IN EMULATOR")
            && stderr.contains(
                "target: the built-in emulator (time scale 1) (resolved as the run would)"
            ),
        "{stderr}"
    );
    assert!(!out.exists(), "no call, no file");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_profile_only_model_by_its_base_id_is_refused_before_any_call_whatever_the_target() {
    let dir = temp_dir("profile-only");
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(
        &scenarios,
        r#"{"text_prompt": "hi", "model_id": "anthropic.claude-sonnet-4-20250514-v1:0", "region": "us-east-2"}"#,
    )
    .expect("scenarios");
    let experiment = dir.join("experiment.jsonl");
    std::fs::write(&experiment, r#"{"invocations_per_scenario": 1}"#).expect("experiment");
    let out = dir.join("out");
    for args in [
        &["--target", "emulator"][..],
        &["--dry-run", "--target", "emulator"][..],
    ] {
        let output = run_command(&dir, args, (&scenarios, &experiment), &out)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("scenarios.jsonl:1: field `model_id`: expected an inference profile id: Bedrock serves Claude Sonnet 4 only through inference profiles")
                && stderr.contains("call it as us.anthropic.claude-sonnet-4-20250514-v1:0 or global.anthropic.claude-sonnet-4-20250514-v1:0"),
            "{stderr}"
        );
        assert!(!out.exists(), "no call, no file");
    }
    let _ = std::fs::remove_dir_all(dir);
}
