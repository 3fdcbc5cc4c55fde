//! What a new user meets first, as a process: a missing config file is
//! named (no `:0`) with the file it most likely misspells; a sweep takes
//! its rate or concurrency from `--rates` / `--concurrencies` without
//! asking the experiment for one, names both flags when neither is given,
//! and its dry run resolves the target as the sweep would; a length
//! grid's flags name the flag and the bad item, and its dry run lists
//! every cell.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::isolation;

use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

const SCENARIO: &str =
    r#"{"text_prompt": "hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("sweep-args", name)
}

/// `bedrock-bench <args>` in `dir` (its working directory), isolated from
/// AWS, with `scenarios_config.jsonl` and `experiment_config.jsonl`
/// (holding `experiment`) there.
fn bench(dir: &Path, experiment: &str, args: &[&str]) -> Output {
    std::fs::write(dir.join("scenarios_config.jsonl"), SCENARIO).expect("scenarios");
    std::fs::write(dir.join("experiment_config.jsonl"), experiment).expect("experiment");
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_missing_config_file_is_named_with_its_close_match() {
    let dir = temp_dir("missing");
    let output = bench(
        &dir,
        "{}",
        &[
            "run",
            "--dry-run",
            "--target",
            "emulator",
            "--scenarios",
            "scenario_config.jsonl",
        ],
    );
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("\nscenario_config.jsonl: expected a readable regular file of at most 64 MiB (67108864 bytes), found no such file (did you mean scenarios_config.jsonl?)"),
        "{text}"
    );
    assert!(!text.contains(":0:"), "{text}");
    let output = bench(
        &dir,
        "{}",
        &[
            "run",
            "--dry-run",
            "--target",
            "emulator",
            "--experiment",
            "nothing-like-it.jsonl",
        ],
    );
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("nothing-like-it.jsonl: expected a readable regular file of at most 64 MiB (67108864 bytes), found no such file")
            && !text.contains("did you mean"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_sweep_without_a_mode_names_both_flags() {
    let dir = temp_dir("mode");
    let output = bench(&dir, "{}", &["sweep", "--dry-run", "--target", "emulator"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("the following required arguments were not provided")
            && text.contains("--rates <RATES>|--concurrencies <CONCURRENCIES>"),
        "{text}"
    );
    let output = bench(
        &dir,
        "{}",
        &[
            "sweep",
            "--rates",
            "1/s",
            "--concurrencies",
            "1",
            "--dry-run",
        ],
    );
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("cannot be used with"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_sweep_does_not_ask_the_experiment_for_what_its_flags_give() {
    let dir = temp_dir("levels");
    for (experiment, mode) in [
        (r#"{"arrival": "poisson"}"#, ["--rates", "1/s..4/s"]),
        (
            r#"{"arrival": "gamma", "burstiness": 2}"#,
            ["--rates", "1/s,2/s"],
        ),
        (r#"{"arrival": "concurrent"}"#, ["--concurrencies", "1..4"]),
        (
            r#"{"arrival": "constant", "max_calls": 100}"#,
            ["--rates", "1/s"],
        ),
    ] {
        let args: Vec<&str> = ["sweep", "--dry-run", "--target", "emulator"]
            .into_iter()
            .chain(mode)
            .collect();
        let output = bench(&dir, experiment, &args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{experiment}: {text}");
        assert!(
            text.contains(
                "target: the built-in emulator (time scale 1) (resolved as the sweep would)"
            ) && text.contains("dry run: no call was made"),
            "{text}"
        );
    }
    // What the experiment does give is still checked.
    let output = bench(
        &dir,
        r#"{"arrival": "poisson", "rate": "1e-300/s"}"#,
        &["sweep", "--dry-run", "--rates", "1/s"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("field `rate`"),
        "{}",
        stderr(&output)
    );
    // `run` still needs the rate and a bound.
    let output = bench(&dir, r#"{"arrival": "poisson"}"#, &["run", "--dry-run"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("field `rate`") && text.contains("field `duration_s`"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_sweeps_dry_run_resolves_the_profile_as_the_sweep_would() {
    let dir = temp_dir("profile");
    let mut command = Command::new(BIN);
    std::fs::write(dir.join("scenarios_config.jsonl"), SCENARIO).expect("scenarios");
    std::fs::write(dir.join("experiment_config.jsonl"), "{}").expect("experiment");
    let output = isolated(&mut command, &dir)
        .current_dir(&dir)
        .args(["sweep", "--rates", "1/s", "--dry-run"])
        .env("AWS_PROFILE", "doesnotexist")
        .output()
        .expect("runs");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error: preparing the target: AWS_PROFILE=\"doesnotexist\" names a profile that is not defined"),
        "{text}"
    );
    assert!(!text.contains("dry run: no call was made"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_length_grids_flags_are_checked_and_named() {
    let dir = temp_dir("grid");
    let sweep = |extra: &[&str]| {
        let args: Vec<&str> = ["sweep", "--dry-run", "--target", "emulator"]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        let output = bench(&dir, "{}", &args);
        (output.status.code(), stderr(&output))
    };
    for (args, expected) in [
        (
            vec!["--rates", "2/s", "--grid-input", "128"],
            "--grid-input needs --grid-output: a length grid takes both",
        ),
        (
            vec!["--rates", "2/s", "--grid-output", "64"],
            "--grid-output needs --grid-input: a length grid takes both",
        ),
        (
            vec![
                "--rates",
                "2/s",
                "--grid-input",
                "128,big",
                "--grid-output",
                "64",
            ],
            "--grid-input \"128,big\": item 2 is \"big\"; expected a whole number of tokens from 1 to 10000000",
        ),
        (
            vec![
                "--rates",
                "2/s",
                "--grid-input",
                "128",
                "--grid-output",
                "64,1000001",
            ],
            "--grid-output \"64,1000001\": item 2 is \"1000001\"; expected a whole number of tokens from 1 to 1000000",
        ),
        (
            vec![
                "--rates",
                "1/s..4/s",
                "--grid-input",
                "128",
                "--grid-output",
                "64",
            ],
            "--rates \"1/s..4/s\": a length grid runs at one load: give one rate or one concurrency",
        ),
        (
            vec![
                "--concurrencies",
                "1,2",
                "--grid-input",
                "128",
                "--grid-output",
                "64",
            ],
            "--concurrencies \"1,2\": a length grid runs at one load: give one rate or one concurrency",
        ),
    ] {
        let (code, text) = sweep(&args);
        assert_eq!(code, Some(1), "{args:?}: {text}");
        assert!(text.contains(expected), "{args:?}: {text}");
        assert!(!text.contains("dry run: no call was made"), "{text}");
    }
    // One load and both lists: the dry run prints every cell and the
    // worst case of them all.
    let (code, text) = sweep(&[
        "--concurrencies",
        "2",
        "--grid-input",
        "128,1024",
        "--grid-output",
        "64,256",
        "--step-duration",
        "5",
    ]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("plan: a length grid of 4 cells (2 input lengths x 2 output lengths) at 2 concurrent calls"),
        "{text}"
    );
    for cell in [
        "cell 1: in 128 / out 64 tokens",
        "cell 2: in 128 / out 256 tokens",
        "cell 3: in 1024 / out 64 tokens",
        "cell 4: in 1024 / out 256 tokens",
    ] {
        assert!(text.contains(cell), "{cell}: {text}");
    }
    assert!(
        text.contains("worst case: $") && text.contains(" for every cell"),
        "{text}"
    );
    assert!(text.contains("dry run: no call was made"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}
