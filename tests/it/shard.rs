//! `run --shard I/N`: three shards run one after another with the same
//! seed make exactly the calls of the unsharded experiment (the same
//! invocation ids, none twice, each shard its share, open-loop calls at
//! the same scheduled offsets), `analyze` merges their files, the budgets
//! are split so that their parts add up to the experiment's, and the
//! command line refuses bad values and a missing seed.

use crate::common;
use crate::isolation;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use bedrock_bench::client::Clients;
use bedrock_bench::config::{Arrival, ConnectionMode, Experiment, Scenario, parse_experiment};
use bedrock_bench::plan::{Limit, PlanError, Shard};
use bedrock_bench::runner::RunSummary;
use bedrock_catalog::prices::Cost;
use bedrock_emulator::Emulator;
use common::two_scenarios::{open, two_scenarios};
use common::*;
use isolation::isolated;

use common::cli::{BIN, write_four_scenarios as write_configs};
const SHARDS: u32 = 3;

fn scenarios() -> Vec<Scenario> {
    two_scenarios("shard_scenarios.jsonl")
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::temp_dir("shard", name)
}

fn shard(index: u32) -> Shard {
    Shard::new(index, SHARDS).expect("shard")
}

fn options(experiment: Experiment, out_dir: PathBuf, shard: Option<Shard>) -> Job {
    let mut job = Job::new(scenarios(), experiment, out_dir).seed(11);
    job.input.shard = shard;
    job
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Row {
    invocation_id: String,
    api_call_status: String,
    phase: String,
    attempt: u32,
    run_count: u32,
    scheduled_s: Option<f64>,
}

fn rows_of(summary: &RunSummary) -> Vec<Row> {
    summary
        .files
        .iter()
        .flat_map(|file| {
            csv::Reader::from_path(&file.path)
                .expect("raw CSV opens")
                .deserialize::<Row>()
                .map(|row| row.expect("row parses"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// An emulator answering every model in about `ttft` seconds with 1 token.
fn emulator(ttft: f64) -> Arc<Emulator> {
    let profile = fixed_profile(ttft, 400.0, 1, 50);
    start_emulator(uniform(fixed_model(profile.clone(), profile)), 1.0)
}

fn clients(emulator: &Arc<Emulator>) -> Arc<Clients> {
    Arc::new(Clients::for_emulator(
        Arc::clone(emulator),
        ConnectionMode::Warm,
    ))
}

/// The unsharded experiment, then each of the shards, one after another
/// with the same seed, each into its own directory.
async fn whole_and_shards(
    emulator: &Arc<Emulator>,
    experiment: &Experiment,
    out: &Path,
) -> (RunSummary, Vec<RunSummary>) {
    let whole = (options(experiment.clone(), out.join("whole"), None))
        .run(clients(emulator))
        .await
        .expect("the whole experiment runs");
    let mut shards = Vec::new();
    for index in 0..SHARDS {
        let summary = (options(experiment.clone(), out.join("shards"), Some(shard(index))))
            .run(clients(emulator))
            .await
            .expect("the shard runs");
        for file in &summary.files {
            let name = file.path.file_name().expect("name").to_string_lossy();
            let suffix = format!("_shard-{index}-of-{SHARDS}.csv");
            assert!(
                name.starts_with("run_") && name.ends_with(&suffix),
                "{name}"
            );
        }
        shards.push(summary);
    }
    (whole, shards)
}

/// The ids of the measured calls (warm-ups left out), each once.
fn measured_ids(rows: &[Row]) -> BTreeSet<String> {
    let measured: Vec<&Row> = rows.iter().filter(|r| r.phase == "run").collect();
    let ids: BTreeSet<String> = measured.iter().map(|r| r.invocation_id.clone()).collect();
    assert_eq!(ids.len(), measured.len(), "an id appears twice");
    ids
}

/// The shards made exactly the whole experiment's measured calls, none
/// twice, each its share (`share(shard, calls of the experiment)`); no
/// id (warm-ups included) repeats across shards; every call succeeded at
/// its first attempt.
fn check_partition(whole: &RunSummary, shards: &[RunSummary], share: fn(Shard, u64) -> u64) {
    let whole_rows = rows_of(whole);
    let expected = measured_ids(&whole_rows);
    assert!(!expected.is_empty());
    let mut union = BTreeSet::new();
    let mut every_id = BTreeSet::new();
    for (index, summary) in shards.iter().enumerate() {
        let rows = rows_of(summary);
        assert!(
            rows.iter()
                .all(|r| r.api_call_status == "Success" && r.attempt == 1),
            "shard {index}: every call succeeded at once"
        );
        let ids = measured_ids(&rows);
        assert_eq!(
            ids.len() as u64,
            share(shard(index as u32), expected.len() as u64),
            "shard {index} makes its share"
        );
        assert!(union.is_disjoint(&ids), "shard {index} repeats a call");
        union.extend(ids);
        for row in &rows {
            assert!(
                every_id.insert((row.run_count, row.invocation_id.clone())),
                "{} repeats across shards",
                row.invocation_id
            );
        }
    }
    assert_eq!(union, expected, "the shards make the whole experiment");
}

/// Every shard's open-loop call is at the whole experiment's offset.
fn check_offsets(whole: &RunSummary, shards: &[RunSummary]) {
    let scheduled: HashMap<(u32, String), f64> = rows_of(whole)
        .into_iter()
        .map(|r| {
            (
                (r.run_count, r.invocation_id),
                r.scheduled_s.expect("scheduled_s"),
            )
        })
        .collect();
    let mut checked = 0;
    for row in shards.iter().flat_map(rows_of) {
        let at = scheduled[&(row.run_count, row.invocation_id.clone())];
        let own = row.scheduled_s.expect("scheduled_s");
        assert!(
            (own - at).abs() < 2e-6,
            "{}: {own} vs {at}",
            row.invocation_id
        );
        checked += 1;
    }
    assert_eq!(checked, scheduled.len());
}

/// `analyze`'s reader over every shard's files: every row, none repeated.
fn check_merge(shards: &[RunSummary]) {
    let paths: Vec<&Path> = shards
        .iter()
        .flat_map(|s| s.files.iter().map(|f| f.path.as_path()))
        .collect();
    let rows: u64 = shards.iter().flat_map(|s| &s.files).map(|f| f.rows).sum();
    let dataset = bedrock_bench::analysis::read_paths(&paths).expect("read");
    assert_eq!(dataset.attempts().len() as u64, rows);
    assert_eq!(dataset.sources().len(), paths.len());
    assert!(dataset.sources().iter().all(|s| s.repeated_rows == 0));
    assert_eq!(u64::from(dataset.invocation_count()), rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn constant_arrivals_over_two_runs_are_shared_out_exactly() {
    let emulator = emulator(0.005);
    let out = temp_dir("constant");
    // 20 arrivals a run; max_calls 30 bounds the experiment, so the second
    // run makes 10.
    let mut e = open(Arrival::Constant, 20.0, Some(1.0), Some(30));
    e.num_runs_per_experiment = 2;
    let (whole, shards) = whole_and_shards(&emulator, &e, &out).await;
    assert_eq!(whole.attempts, 30);
    assert_eq!(
        shards.iter().map(|s| s.planned_calls).collect::<Vec<_>>(),
        [10, 10, 10]
    );
    assert!(shards.iter().all(|s| !s.budget_exhausted));
    check_partition(&whole, &shards, Shard::share_of);
    check_offsets(&whole, &shards);
    check_merge(&shards);
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poisson_arrivals_are_shared_out_exactly() {
    let emulator = emulator(0.005);
    let out = temp_dir("poisson");
    let e = open(Arrival::Poisson, 100.0, None, Some(61));
    let (whole, shards) = whole_and_shards(&emulator, &e, &out).await;
    assert_eq!(whole.attempts, 61);
    let made: Vec<u64> = shards.iter().map(|s| s.attempts).collect();
    assert_eq!(made, [21, 20, 20]);
    check_partition(&whole, &shards, Shard::share_of);
    check_offsets(&whole, &shards);
    check_merge(&shards);
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_loop_invocations_are_shared_out_and_warm_ups_numbered_apart() {
    let emulator = emulator(0.002);
    let out = temp_dir("closed");
    let e = parse_experiment(
        r#"{"invocations_per_scenario": 7, "num_parallel_invocations": 2, "num_runs_per_experiment": 2, "warmup_invocations": 1, "call_timeout_s": 10}"#,
        "e.jsonl",
    )
    .expect("loads")
    .value;
    let (whole, shards) = whole_and_shards(&emulator, &e, &out).await;
    // 2 runs x 2 scenarios x (7 + 1 warm-up).
    assert_eq!(whole.attempts, 32);
    // Invocations 7 = 3 + 2 + 2, and every shard its own warm-up.
    let made: Vec<u64> = shards.iter().map(|s| s.attempts).collect();
    assert_eq!(made, [2 * 2 * 4, 2 * 2 * 3, 2 * 2 * 3]);
    assert_eq!(
        shards.iter().map(|s| s.planned_calls).collect::<Vec<_>>(),
        made
    );
    // Of each scenario's 7 invocations in each run.
    check_partition(&whole, &shards, |shard, calls| {
        assert_eq!(calls, 2 * 2 * 7);
        2 * 2 * shard.share_of(7)
    });
    let last = rows_of(&shards[2]);
    let mut ids: Vec<&str> = last
        .iter()
        .filter(|r| r.run_count == 1 && r.invocation_id.starts_with("r1-s1-"))
        .map(|r| r.invocation_id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["r1-s1-i3", "r1-s1-i6", "r1-s1-w3"]);
    check_merge(&shards);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn the_shards_budget_parts_add_up_to_the_experiments() {
    let e = parse_experiment(
        r#"{"invocations_per_scenario": 10, "warmup_invocations": 1, "num_runs_per_experiment": 2, "max_calls": 100, "max_cost_usd": 1}"#,
        "e.jsonl",
    )
    .expect("loads")
    .value;
    let plan = |e: &Experiment, shard: Option<Shard>| {
        options(e.clone(), PathBuf::from("unused"), shard)
            .input
            .build()
    };
    let whole = plan(&e, None);
    assert_eq!(whole.own_max_calls, Some(100));
    let (mut calls, mut dollars) = (0, Cost::ZERO);
    for index in 0..SHARDS {
        let o = plan(&e, Some(shard(index)));
        o.check().expect("the shards' plans fit");
        let own = o.own_max_calls.expect("a part");
        // Its planned calls (4 or 3 invocations and 1 warm-up, for 2
        // scenarios in 2 runs: 52 in all) and a third of the 48 left.
        assert_eq!(own, o.schedule.planned_calls() + 16);
        calls += own;
        let cost = o.own_max_cost.expect("a part");
        assert!(cost >= o.costs.planned.expect("priced"));
        dollars = dollars + cost;
    }
    assert_eq!(calls, 100);
    assert_eq!(dollars, Cost::from_usd(1.0).expect("dollars"));

    // Each shard's own warm-ups count: 2 x 2 x (10 + 3) = 52 > 50, though
    // the unsharded 44 calls would fit.
    let mut tight = options(e.clone(), PathBuf::from("unused"), Some(shard(1)));
    tight.input.max_calls = Some(Limit::new(50, "--max-calls"));
    let tight = tight.input.build();
    let error = tight.check().expect_err("over the budget");
    assert!(matches!(
        error,
        PlanError::ShardsOverBudget { planned: 52, .. }
    ));
    assert!(
        error.to_string().starts_with("the 3 shards together would make 52 calls (each shard makes its own warm-ups), more than the maximum of 50"),
        "{error}"
    );
    // Two invocations cannot feed three shards: every shard refuses.
    let mut e2 = e;
    e2.invocations_per_scenario = 2;
    let o = plan(&e2, Some(shard(0)));
    let error = o.check().expect_err("empty shard");
    assert_eq!(
        error.to_string(),
        "the experiment cannot be split into 3 shards: invocations_per_scenario is 2 and each shard makes one invocation in 3 of every scenario, so shard 2/3 would make no call; use at most 2 shards"
    );
}

// The command line.

/// `bedrock-bench run <args>` on the built-in emulator at a hundredth of
/// real time, isolated from the machine's AWS settings.
fn run_command(dir: &Path, args: &[&str], files: &(PathBuf, PathBuf), out: &Path) -> Command {
    let mut command = Command::new(BIN);
    isolated(&mut command, dir)
        .env("BEDROCK_BENCH_TIME_SCALE", "0.01")
        .args(["run", "--target", "emulator"])
        .args(args)
        .arg("--scenarios")
        .arg(&files.0)
        .arg("--experiment")
        .arg(&files.1)
        .arg("--out")
        .arg(out);
    command
}

#[test]
fn bad_shard_values_and_a_missing_seed_are_usage_errors() {
    let dir = temp_dir("cli-bad");
    let files = write_configs(&dir, r#"{"invocations_per_scenario": 3}"#);
    let out = dir.join("out");
    for (value, why) in [
        (
            "3/3",
            "(the index 3 is not below 3: indices count from 0, so the last of 3 shards is 2/3)",
        ),
        ("1", "such as 0/4 to 3/4; found \"1\""),
        ("a/2", "(the index \"a\" is not a whole number)"),
        ("0/0", "(the number of shards 0 is not 1 to 10000)"),
        ("0/20000", "(the number of shards 20000 is not 1 to 10000)"),
        ("", "found \"\""),
    ] {
        let output = run_command(&dir, &["--seed", "1", "--shard", value], &files, &out)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{value}: {stderr}");
        assert!(
            stderr.contains(&format!("invalid value '{value}' for '--shard <I/N>'"))
                && stderr.contains(
                    "expected I/N, the shard's index from 0 (as Kubernetes' JOB_COMPLETION_INDEX)"
                )
                && stderr.contains(why),
            "{value}: {stderr}"
        );
    }
    let output = run_command(&dir, &["--shard", "1/4"], &files, &out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: --shard 1/4 needs --seed")
            && stderr.contains("pass the same --seed N to all 4 shards"),
        "{stderr}"
    );
    assert!(!out.exists(), "no call, no file");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_dry_run_shows_the_shards_share() {
    let dir = temp_dir("cli-dry");
    let files = write_configs(
        &dir,
        r#"{"invocations_per_scenario": 10, "num_runs_per_experiment": 2, "warmup_invocations": 1, "max_calls": 200}"#,
    );
    let out = dir.join("out");
    let output = run_command(
        &dir,
        &["--dry-run", "--seed", "4", "--shard", "1/3"],
        &files,
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "plan: shard 1/3: 2 runs x 4 scenarios x (3 of 10 invocations + 1 warm-up) = 32 calls"
        ) && stderr.contains("the 3 shards: 104 calls in all"),
        "{stderr}"
    );
    // Its 32 planned calls and a third of the 200 - 104 left.
    assert!(
        stderr.contains("call budget: at most 64 calls for shard 1/3, retries included: its part of the whole experiment's 200"),
        "{stderr}"
    );
    assert!(
        stdout.contains(
            "the 3 numbered 2, 5, 8 (n with (n - 1) mod 3 = 1), after this shard's own 1 warm-up"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("3 calls each after 1 warm-up"), "{stdout}");
    assert!(
        stderr.contains("seed: 4 (every one of the 3 shards must run with --seed 4)"),
        "{stderr}"
    );
    assert!(!out.exists(), "a dry run writes nothing");

    // The open loop: the shard's calls and rate, its part of max_calls.
    let files = write_configs(
        &dir,
        r#"{"arrival": "constant", "rate": "1200/min", "duration_s": 30, "max_calls": 700}"#,
    );
    let output = run_command(
        &dir,
        &[
            "--dry-run",
            "--seed",
            "4",
            "--shard",
            "2/3",
            "--max-cost",
            "5",
        ],
        &files,
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("= 600 calls in all, of which shard 2/3 makes 200 (one arrival in 3, at 6.667 requests/s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("call budget: at most 233 calls for shard 2/3, retries included: its part of the whole experiment's 700 (max_calls in "),
        "{stderr}"
    );
    assert!(
        stdout.contains("shard 2/3 of the experiment: the arrivals numbered k with k mod 3 = 2")
            && stdout.contains("200 of the 600 calls"),
        "{stdout}"
    );
    assert!(stderr.contains("estimated duration"), "{stderr}");
    assert!(
        stderr.contains("dollar budget: at most $")
            && stderr.contains(" for shard 2/3: the worst case of its planned calls and 1/3 of what the worst case of every shard's planned calls leaves of the whole experiment's $5 (--max-cost)"),
        "{stderr}"
    );
    assert!(stderr.contains("shard 2/3's cost: at most $"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn shards_run_from_the_command_line_and_analyze_merges_their_files() {
    let dir = temp_dir("cli-run");
    let files = write_configs(
        &dir,
        r#"{"invocations_per_scenario": 5, "num_parallel_invocations": 2}"#,
    );
    let out = dir.join("out");
    let mut rows = 0;
    for index in 0..SHARDS {
        let shard = format!("{index}/{SHARDS}");
        let output = run_command(&dir, &["--seed", "42", "--shard", &shard], &files, &out)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{shard}: {stderr}");
        // Invocations 5 = 2 + 2 + 1, of 4 scenarios.
        let calls = 4 * [2, 2, 1][index as usize];
        assert!(
            stderr.contains(&format!("{calls} calls: {calls} succeeded")),
            "{shard}: {stderr}"
        );
        rows += calls;
    }
    let results = out.join("results");
    let mut names: Vec<String> = std::fs::read_dir(&results)
        .expect("results")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_by_key(|n| n.rsplit('_').next().map(str::to_string));
    assert_eq!(names.len(), 3, "{names:?}");
    for (index, name) in names.iter().enumerate() {
        assert!(
            name.starts_with("run_") && name.ends_with(&format!("_shard-{index}-of-3.csv")),
            "{name}"
        );
    }
    let mut command = Command::new(BIN);
    let output = isolated(&mut command, &dir)
        .arg("analyze")
        .arg(&results)
        .arg("--out")
        .arg(dir.join("analysis"))
        .output()
        .expect("analyze runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains(&format!("{rows} calls from 3 file(s)")),
        "{text}"
    );
    assert!(!text.contains("repeat"), "no row counted once: {text}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The files of the example's ConfigMap: the lines after `  <name>: |`,
/// unindented.
fn config_map_file(manifest: &str, name: &str) -> String {
    let mut lines = manifest.lines();
    let start = format!("  {name}: |");
    lines.by_ref().find(|line| *line == start).expect(name);
    lines
        .take_while(|line| line.starts_with("    "))
        .map(|line| format!("{}\n", &line[4..]))
        .collect()
}

#[test]
fn the_kubernetes_example_plans_four_shards() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kubernetes-indexed-job.yaml"),
    )
    .expect("the example");
    for line in [
        "  completionMode: Indexed",
        "  completions: 4",
        "  parallelism: 4",
        "  backoffLimitPerIndex: 0",
    ] {
        assert!(
            manifest.lines().any(|l| l.starts_with(line)),
            "{line} in the Job"
        );
    }
    assert!(manifest.contains("--shard \"${JOB_COMPLETION_INDEX}/4\""));
    assert!(manifest.contains("--seed 42"));
    let dir = temp_dir("k8s");
    let files = (
        dir.join("scenarios_config.jsonl"),
        dir.join("experiment_config.jsonl"),
    );
    for path in [&files.0, &files.1] {
        let name = path.file_name().expect("name").to_string_lossy();
        std::fs::write(path, config_map_file(&manifest, &name)).expect("write");
    }
    let out = dir.join("out");
    for index in 0..4 {
        let shard = format!("{index}/4");
        let output = run_command(
            &dir,
            &["--dry-run", "--seed", "42", "--shard", &shard],
            &files,
            &out,
        )
        .output()
        .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{shard}: {stderr}");
        assert!(
            stderr.contains("x (5 of 20 invocations + 1 warm-up) = 12 calls")
                && stderr.contains("the 4 shards: 48 calls in all")
                && stderr.contains("call budget: at most 25 calls for shard"),
            "{shard}: {stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_concurrent_load_is_not_split_and_says_so() {
    let dir = temp_dir("cli-concurrent");
    let files = write_configs(
        &dir,
        r#"{"arrival": "concurrent", "concurrency": 4, "duration_s": 5}"#,
    );
    let out = dir.join("out");
    let output = run_command(&dir, &["--dry-run", "--seed", "4"], &files, &out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("4 concurrent calls"), "{stderr}");
    let output = run_command(
        &dir,
        &["--dry-run", "--seed", "4", "--shard", "0/2"],
        &files,
        &out,
    )
    .output()
    .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("arrival \"concurrent\" cannot be split into shards"),
        "{stderr}"
    );
}
