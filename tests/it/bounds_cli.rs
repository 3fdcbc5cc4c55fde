//! Every number a user can type into `run` and `sweep` has a floor and a
//! ceiling, checked before anything else with the flag's, the variable's
//! or the field's name: the values the red team found (a rate of
//! `1e-300/s`, a time scale of `1e20`, `--max-cost -1`, `--max-calls 0`,
//! a step of `1e-300` seconds) are refused with a message, never a panic,
//! and the floors and ceilings themselves dry-run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::isolation;

use isolation::isolated;

const BIN: &str = env!("CARGO_BIN_EXE_bedrock-bench");

const SCENARIO: &str =
    r#"{"text_prompt": "hi", "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2"}"#;

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("bounds", name)
}

/// `bedrock-bench <args> --scenarios S --experiment E --out OUT` with
/// `experiment` as the experiment file and `env` set, isolated from AWS.
fn bench(dir: &Path, experiment: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let scenarios = dir.join("scenarios.jsonl");
    std::fs::write(&scenarios, SCENARIO).expect("scenarios");
    let experiment_path = dir.join("experiment.jsonl");
    std::fs::write(&experiment_path, experiment).expect("experiment");
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .args(args)
        .arg("--scenarios")
        .arg(&scenarios)
        .arg("--experiment")
        .arg(&experiment_path)
        .arg("--out")
        .arg(dir.join("out"))
        .envs(env.iter().copied());
    command.output().expect("the binary runs")
}

/// The exit status and stderr, after checking that nothing panicked.
fn status_and_stderr(output: &Output) -> (Option<i32>, String) {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code(), stderr)
}

#[test]
fn a_tiny_rate_is_refused_at_its_line_and_field() {
    let dir = temp_dir("rate");
    let output = bench(
        &dir,
        r#"{"arrival": "poisson", "rate": "1e-300/s", "duration_s": 10}"#,
        &["run", "--dry-run", "--target", "emulator"],
        &[],
    );
    let (status, stderr) = status_and_stderr(&output);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("experiment.jsonl:1: field `rate`: expected a rate such as")
            && stderr.contains("from 0.001/s = 0.06/min to 10000/s), found \"1e-300/s\""),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_huge_time_scale_is_refused_by_name_even_in_a_dry_run() {
    let dir = temp_dir("scale");
    for scale in ["1e20", "-1", "inf", "100.5"] {
        let output = bench(
            &dir,
            "{}",
            &["run", "--dry-run", "--target", "emulator"],
            &[("BEDROCK_BENCH_TIME_SCALE", scale)],
        );
        let (status, stderr) = status_and_stderr(&output);
        assert_eq!(status, Some(1), "{scale}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "environment variable BEDROCK_BENCH_TIME_SCALE=\"{scale}\": a number from 0 to 100"
            )),
            "{stderr}"
        );
    }
    for scale in ["0", "100"] {
        let output = bench(
            &dir,
            "{}",
            &["run", "--dry-run", "--target", "emulator"],
            &[("BEDROCK_BENCH_TIME_SCALE", scale)],
        );
        let (status, stderr) = status_and_stderr(&output);
        assert_eq!(status, Some(0), "{scale}: {stderr}");
        assert!(stderr.contains("dry run: no call was made"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn budgets_on_the_command_line_are_refused_by_the_flags_name() {
    let dir = temp_dir("budgets");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--max-cost", "-1"],
            "invalid value '-1' for '--max-cost <USD>': a negative budget (-1)",
        ),
        (
            &["--max-cost", "1e-300"],
            "'--max-cost <USD>': 1e-300 is out of range; expected an amount of US dollars from 0.000001 to 1000000",
        ),
        (
            &["--max-calls", "0"],
            "invalid value '0' for '--max-calls <N>': 0 would refuse every call",
        ),
        (
            &["--max-calls", "-5"],
            "invalid value '-5' for '--max-calls <N>': a negative budget (-5)",
        ),
        (
            &["--max-calls", "18446744073709551615"],
            "'--max-calls <N>': 18446744073709551615 is too many; expected a whole number of calls from 1 to 1000000000000",
        ),
    ];
    for command in [
        &["run", "--dry-run", "--target", "emulator"][..],
        &[
            "sweep",
            "--rates",
            "1/s..4/s",
            "--dry-run",
            "--target",
            "emulator",
        ][..],
    ] {
        for (flags, expected) in cases {
            let args: Vec<&str> = command.iter().chain(flags).copied().collect();
            let output = bench(&dir, "{}", &args, &[]);
            let (status, stderr) = status_and_stderr(&output);
            assert_eq!(status, Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(expected), "{args:?}: {stderr}");
        }
    }
    let output = bench(
        &dir,
        "{}",
        &[
            "run",
            "--dry-run",
            "--target",
            "emulator",
            "--max-cost",
            "0.000001",
            "--max-calls",
            "1000000000000",
        ],
        &[],
    );
    let (status, stderr) = status_and_stderr(&output);
    assert_eq!(
        status,
        Some(1),
        "the floor of the dollar budget refuses this plan: {stderr}"
    );
    assert!(
        stderr.contains("more than the budget of $0.000001 (--max-cost)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_sweeps_durations_are_refused_by_the_flags_name() {
    let dir = temp_dir("sweep");
    let sweep = [
        "sweep",
        "--rates",
        "1/s..4/s",
        "--dry-run",
        "--target",
        "emulator",
    ];
    for (flags, expected) in [
        (
            ["--step-duration", "1e-300"],
            "'--step-duration <SECONDS>': --step-duration 1e-300: expected a number of seconds from 0.001 to 3600",
        ),
        (
            ["--step-duration", "-2"],
            "'--step-duration <SECONDS>': --step-duration -2: expected",
        ),
        (
            ["--pause", "-1"],
            "'--pause <SECONDS>': --pause -1: expected a number of seconds from 0 to 3600",
        ),
        (
            ["--pause", "1e300"],
            "'--pause <SECONDS>': --pause 1e300: expected",
        ),
    ] {
        let args: Vec<&str> = sweep.iter().chain(&flags).copied().collect();
        let output = bench(&dir, "{}", &args, &[]);
        let (status, stderr) = status_and_stderr(&output);
        assert_eq!(status, Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
    }
    // A step duration from the experiment file names where it came from.
    let output = bench(
        &dir,
        r#"{"arrival": "poisson", "rate": "1/s", "duration_s": 86400}"#,
        &sweep,
        &[],
    );
    let (status, stderr) = status_and_stderr(&output);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("the step duration comes from duration_s = 86400 in ")
            && stderr.contains("experiment.jsonl:1, and a step lasts at most 3600 s"),
        "{stderr}"
    );
    // The floors and ceilings plan.
    let edges = [
        "--step-duration",
        "0.001",
        "--pause",
        "3600",
        "--max-cost",
        "1000000",
    ];
    let args: Vec<&str> = sweep.iter().chain(&edges).copied().collect();
    let output = bench(&dir, "{}", &args, &[]);
    let (status, stderr) = status_and_stderr(&output);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("dry run: no call was made"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
