//! `bedrock-bench compare BASE NEW` end to end, on raw CSVs written by
//! the harness's own writer into a temporary directory.

use crate::analyze_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use analyze_support::{FixtureRow, TempDir, ours, write_ours};

const MODEL: &str = "us.amazon.nova-pro-v1:0";

fn bedrock_bench(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_bedrock-bench"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run bedrock-bench")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `n` successful calls of `config` whose TTFT is drawn uniformly from
/// [0.45, 0.55] s times `scale` (a fixed generator seeded by `seed`), so
/// two seeds give two samples of one distribution.
fn calls(config: &str, n: usize, scale: f64, seed: u64) -> Vec<FixtureRow> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let ttft = (0.45 + 0.1 * u) * scale;
            ours(
                MODEL,
                config,
                &format!("{config}{seed}-{i}"),
                ttft,
                ttft + 1.0,
                51,
            )
        })
        .collect()
}

/// Write `rows` as one raw CSV under `dir/name/` and return that
/// directory.
fn side(dir: &TempDir, name: &str, run_id: &str, rows: &[FixtureRow]) -> PathBuf {
    let side = dir.path().join(name);
    write_ours(&side, run_id, rows);
    side
}

fn arg(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn the_same_distribution_is_no_change_and_passes_its_gate() {
    let dir = TempDir::new("compare-same");
    // BASE in two files named with a comma, NEW in a directory.
    let a = write_ours(
        &dir.path().join("base"),
        "20250708_112957",
        &calls("standard", 40, 1.0, 1),
    );
    let b = write_ours(
        &dir.path().join("base"),
        "20250708_122957",
        &calls("standard", 40, 1.0, 2),
    );
    let new = side(
        &dir,
        "new",
        "20250709_112957",
        &calls("standard", 80, 1.0, 3),
    );
    let base = format!("{},{}", arg(&a), arg(&b));
    let out_dir = dir.path().join("page");
    let json = dir.path().join("compare.json");
    let out = bedrock_bench(
        dir.path(),
        &[
            "compare",
            &base,
            &arg(&new),
            "--fail-if",
            "ttft_p50>+10%",
            "--out",
            &arg(&out_dir),
            "--json",
            &arg(&json),
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let ttft_row = stdout
        .lines()
        .find(|l| l.contains("| ttft_p50 "))
        .unwrap_or_else(|| panic!("no ttft_p50 row in {stdout}"));
    assert!(ttft_row.contains("no change"), "{ttft_row}");
    assert!(
        ttft_row.contains(MODEL) && ttft_row.contains("standard"),
        "{ttft_row}"
    );
    // 80 calls on each side: a p99 needs 100.
    let p99_row = stdout
        .lines()
        .find(|l| l.contains("| ttft_p99 "))
        .expect("p99 row");
    assert!(
        p99_row.contains("n<100") && p99_row.contains("too few calls"),
        "{p99_row}"
    );
    assert!(stdout.contains("| pass "), "{stdout}");
    let page = std::fs::read_to_string(out_dir.join("compare.html")).expect("the page");
    assert!(page.contains("data:image/svg+xml;base64,"), "a TTFT chart");
    assert!(page.contains("compare-changes"), "the changes table");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    assert_eq!(value["failed"], false);
    let metrics = value["matched"][0]["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), 11);
    assert_eq!(metrics[0]["metric"], "ttft_p50");
    assert_eq!(metrics[0]["verdict"], "no change");
    assert_eq!(metrics[0]["base_n"], 80);
    assert!(metrics[0]["ci_low"].as_f64().expect("an interval") < 0.0);
    assert_eq!(value["gates"][0]["failed"], false);
}

#[test]
fn thirty_percent_slower_fails_the_gate_naming_the_group_and_metric() {
    let dir = TempDir::new("compare-slower");
    let base = side(
        &dir,
        "base",
        "20250708_112957",
        &calls("standard", 60, 1.0, 1),
    );
    let new = side(
        &dir,
        "new",
        "20250709_112957",
        &calls("standard", 60, 1.3, 2),
    );
    let markdown = dir.path().join("compare.md");
    let out = bedrock_bench(
        dir.path(),
        &[
            "compare",
            &arg(&base),
            &arg(&new),
            "--fail-if",
            "ttft_p50>+10%",
            "--fail-if",
            "error_pct>1",
            "--out",
            &arg(&dir.path().join("page")),
            "--markdown",
            &arg(&markdown),
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let failure = stderr
        .lines()
        .find(|l| l.contains("ttft_p50>+10%:"))
        .unwrap_or_else(|| panic!("no failure line in {stderr}"));
    assert!(
        failure.contains(&format!("{MODEL} us-east-2 standard: ttft_p50 BASE")),
        "{failure}"
    );
    assert!(failure.contains("the whole 95% interval"), "{failure}");
    assert!(
        !stderr.contains("error_pct>1:"),
        "no errors: that gate passes\n{stderr}"
    );
    let ttft_row = stdout
        .lines()
        .find(|l| l.contains("| ttft_p50 "))
        .expect("row");
    assert!(ttft_row.contains("slower"), "{ttft_row}");
    let otps_row = stdout
        .lines()
        .find(|l| l.contains("| otps_p50 "))
        .expect("row");
    assert!(otps_row.contains("no change"), "same decoding: {otps_row}");

    // The Markdown: every table a header row then a separator row.
    let md = std::fs::read_to_string(&markdown).expect("markdown");
    let lines: Vec<&str> = md.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("| model | region | variant | metric |"))
        .unwrap_or_else(|| panic!("no header in {md}"));
    assert!(
        lines[header + 1].starts_with("| --- | --- | --- | --- | ---: |"),
        "{}",
        lines[header + 1]
    );
    let columns = lines[header].matches(" |").count();
    for row in lines[header + 2..]
        .iter()
        .take_while(|l| l.starts_with('|'))
    {
        assert_eq!(row.matches(" |").count(), columns, "{row}");
    }
    assert!(md.contains("| FAIL |"), "{md}");
}

#[test]
fn a_group_on_one_side_is_listed() {
    let dir = TempDir::new("compare-one-side");
    let base = side(
        &dir,
        "base",
        "20250708_112957",
        &calls("standard", 20, 1.0, 1),
    );
    let mut rows = calls("standard", 20, 1.0, 2);
    rows.extend(calls("optimized", 20, 0.5, 3));
    let new = side(&dir, "new", "20250709_112957", &rows);
    let json = dir.path().join("c.json");
    let out = bedrock_bench(
        dir.path(),
        &[
            "compare",
            &arg(&base),
            &arg(&new),
            "--out",
            &arg(&dir.path().join("page")),
            "--json",
            &arg(&json),
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains("Only in NEW:"), "{stdout}");
    let only = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Only in NEW:"))
        .find(|l| l.contains(MODEL))
        .expect("its row");
    assert!(
        only.contains("optimized") && only.contains(" 20 "),
        "{only}"
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    assert_eq!(value["one_sided"][0]["side"], "NEW");
    assert_eq!(value["one_sided"][0]["variant"], "optimized");
    assert_eq!(value["matched"].as_array().map(Vec::len), Some(1));
}

#[test]
fn sides_of_another_target_are_refused_without_force() {
    let dir = TempDir::new("compare-targets");
    let base = side(
        &dir,
        "base",
        "20250708_112957",
        &calls("standard", 20, 1.0, 1),
    );
    let emulated: Vec<FixtureRow> = calls("standard", 20, 1.0, 2)
        .into_iter()
        .map(|mut r| {
            r.target = "emulator".into();
            r.time_scale = Some(0.05);
            r
        })
        .collect();
    let new = side(&dir, "new", "20250709_112957", &emulated);
    let page = arg(&dir.path().join("page"));
    let out = bedrock_bench(
        dir.path(),
        &["compare", &arg(&base), &arg(&new), "--out", &page],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("BASE and NEW are not comparable: they differ in target, time scale"),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing compared");

    let forced = bedrock_bench(
        dir.path(),
        &[
            "compare",
            &arg(&base),
            &arg(&new),
            "--out",
            &page,
            "--force",
        ],
    );
    let stderr = text(&forced.stderr);
    assert_eq!(forced.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("FORCED (--force)"), "{stderr}");
}

#[test]
fn bad_gates_and_missing_inputs_are_refused_clearly() {
    let dir = TempDir::new("compare-bad");
    let base = side(
        &dir,
        "base",
        "20250708_112957",
        &calls("standard", 5, 1.0, 1),
    );
    for (expression, expected) in [
        ("ttft_p95>+10%", "expected a metric among ttft_p50"),
        (
            "ttft_p50>0.3",
            "expected a relative change such as +10% or -5%, found \"0.3\"",
        ),
        ("ttft_p50=10%", "found no > or <"),
        (
            "error_pct>+5%",
            "expected a change in percentage points such as +0.5pp",
        ),
    ] {
        let out = bedrock_bench(
            dir.path(),
            &["compare", &arg(&base), &arg(&base), "--fail-if", expression],
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{expression}: {stderr}");
        assert!(
            stderr.contains(&format!("--fail-if \"{expression}\"")),
            "{stderr}"
        );
        assert!(stderr.contains(expected), "{expression}: {stderr}");
    }
    let out = bedrock_bench(dir.path(), &["compare", &arg(&base), "nowhere"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("NEW: nowhere: no such file or directory"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("target-reports").exists(),
        "nothing written when refused"
    );
}

/// `run --target emulator` at `scale` into `dir/name`; returns its
/// results directory.
fn emulated_run(dir: &Path, name: &str, scale: &str) -> PathBuf {
    use crate::common::cli::{run_command, write_four_scenarios};
    let (scenarios, experiment) = write_four_scenarios(
        dir,
        r#"{"invocations_per_scenario": 3, "num_parallel_invocations": 2, "num_runs_per_experiment": 1, "sleep_between_invocations": 0}"#,
    );
    let out = dir.join(name);
    let output = run_command(
        dir,
        &["--target", "emulator", "--seed", "7"],
        (&scenarios, &experiment),
        &out,
    )
    .env("BEDROCK_BENCH_TIME_SCALE", scale)
    .output()
    .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out.join("results")
}

#[test]
fn runs_on_the_emulator_compare_and_another_time_scale_is_refused() {
    let dir = TempDir::new("compare-emulator");
    let a = emulated_run(dir.path(), "a", "0.02");
    let b = emulated_run(dir.path(), "b", "0.02");
    let c = emulated_run(dir.path(), "c", "0.05");
    let page = arg(&dir.path().join("page"));
    let json = dir.path().join("c.json");
    let out = bedrock_bench(
        dir.path(),
        &[
            "compare",
            &arg(&a),
            &arg(&b),
            "--out",
            &page,
            "--json",
            &arg(&json),
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    assert_eq!(
        value["matched"].as_array().map(Vec::len),
        Some(4),
        "two models, each standard and optimized: {stdout}"
    );
    assert_eq!(value["one_sided"].as_array().map(Vec::len), Some(0));
    let refused = bedrock_bench(dir.path(), &["compare", &arg(&a), &arg(&c), "--out", &page]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("they differ in time scale"), "{stderr}");
}
