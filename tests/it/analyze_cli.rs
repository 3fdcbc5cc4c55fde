//! `bedrock-bench analyze` end to end, on a temporary directory.

use crate::analyze_support;

use std::process::{Command, Output};

use analyze_support::{TempDir, ours, python_header, python_row, write_ours};

fn bedrock_bench(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bedrock-bench"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run bedrock-bench")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn analyze_writes_three_files_and_prints_the_tables() {
    let dir = TempDir::new("cli");
    let mut rows = Vec::new();
    for i in 0..4 {
        let t = 0.4 + f64::from(i) / 10.0;
        rows.push(ours(
            "us.amazon.nova-pro-v1:0",
            "standard",
            &format!("s{i}"),
            t,
            t + 1.0,
            51,
        ));
        rows.push(ours(
            "us.amazon.nova-pro-v1:0",
            "optimized",
            &format!("o{i}"),
            t / 2.0,
            t / 2.0 + 0.5,
            51,
        ));
    }
    let mut throttled = ours("us.amazon.nova-pro-v1:0", "standard", "s9", 0.0, 0.1, 0);
    throttled.api_call_status = "ThrottlingException".into();
    rows.push(throttled);
    write_ours(
        &dir.path().join("target-reports/results"),
        "20250708_112957",
        &rows,
    );

    // Defaults: target-reports/results in, target-reports out.
    let out = bedrock_bench(dir.path(), &["analyze"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(!stdout.contains("SIMULATED"), "measured on aws: no banner");
    assert!(
        stdout.contains(
            "| model                   | region    | performance_config | sample_size | TTFT_mean |"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "| us.amazon.nova-pro-v1:0 | us-east-2 | standard           |           4 |      0.55 |"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("Standard vs optimized"), "{stdout}");
    // TTFT: optimized is exactly half (medians, then the ratio and its CI).
    assert!(stdout.contains("| 0.550 -> 0.275 | 0.500 ["), "{stdout}");
    // Four calls per group: the p90s are marked, not printed.
    assert!(stdout.contains("| n<10     |"), "{stdout}");
    assert!(
        stdout.contains("Attempts and failures per group"),
        "{stdout}"
    );

    let written: Vec<std::path::PathBuf> = stdout
        .lines()
        .skip_while(|l| *l != "Wrote:")
        .skip(1)
        .map(|l| std::path::PathBuf::from(l.trim()))
        .collect();
    assert_eq!(written.len(), 3, "{stdout}");
    for (path, stem) in written.iter().zip([
        "analysis_summary_",
        "analysis_extended_",
        "analysis_comparison_",
    ]) {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(name.starts_with(stem) && name.ends_with(".csv"), "{name}");
        // <ts> = YYYYmmdd_HHMMSS
        let ts = &name[stem.len()..name.len() - 4];
        assert_eq!(ts.len(), 15, "{ts}");
        assert!(ts.chars().enumerate().all(|(i, c)| if i == 8 {
            c == '_'
        } else {
            c.is_ascii_digit()
        }));
        assert!(
            path.starts_with("target-reports/results-analysis"),
            "{}",
            path.display()
        );
        assert!(dir.path().join(path).is_file(), "{}", path.display());
    }
    let summary = std::fs::read_to_string(dir.path().join(&written[0])).expect("summary");
    assert!(summary.starts_with("model,region,performance_config,sample_size,TTFT_mean,"));
    assert_eq!(summary.lines().count(), 3);
}

#[test]
fn emulator_rows_get_a_loud_line_first_and_last() {
    let dir = TempDir::new("cli-emu");
    let mut row = ours("m", "standard", "i", 0.5, 1.0, 50);
    row.target = "emulator".into();
    let file = write_ours(dir.path(), "r", &[row]);
    let file = file.to_str().expect("utf8 path");
    let out = bedrock_bench(dir.path(), &["analyze", file, "--out", "elsewhere"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
    for line in [lines[0], lines[lines.len() - 1]] {
        assert!(
            line.contains("SIMULATED")
                && line.contains("emulator")
                && line.contains("not from measurements on Amazon Bedrock"),
            "{line}"
        );
    }
    assert!(dir.path().join("elsewhere/results-analysis").is_dir());
}

#[test]
fn no_input_is_an_error_that_names_the_path_and_suggests_run() {
    let dir = TempDir::new("cli-none");
    let out = bedrock_bench(dir.path(), &["analyze"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("target-reports/results"), "{stderr}");
    assert!(stderr.contains("bedrock-bench run"), "{stderr}");
    assert!(
        !dir.path().join("target-reports/results-analysis").exists(),
        "nothing written"
    );

    std::fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
    let out = bedrock_bench(dir.path(), &["analyze", "empty"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("empty") && stderr.contains("bedrock-bench run"),
        "{stderr}"
    );
}

#[test]
fn a_bad_file_fails_with_file_line_and_column() {
    let dir = TempDir::new("cli-bad");
    let body = format!(
        "{}\n{}\n",
        python_header(),
        python_row("0.5", "1.0", "ten", "50", "m", "", "1", "Success")
    );
    dir.write("results/run.csv", &body);
    let out = bedrock_bench(dir.path(), &["analyze", "results"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("run.csv:2: column `model_input_tokens`"),
        "{stderr}"
    );
    assert!(stderr.contains("found `ten`"), "{stderr}");
}

/// A raw CSV of ours under `dir`: two calls of `model` on `target` (time
/// scale `scale`) on 2025-07-`day`.
fn run_file(
    dir: &std::path::Path,
    run_id: &str,
    model: &str,
    target: &str,
    scale: Option<f64>,
    day: u32,
) -> std::path::PathBuf {
    let rows: Vec<_> = (0..2)
        .map(|i| {
            let mut row = ours(model, "standard", &format!("i{i}"), 0.5, 1.0, 51);
            row.target = target.into();
            row.time_scale = scale;
            row.request_id = format!("{run_id}-{i}");
            row.job_timestamp_iso = format!("2025-07-{day:02}T10:00:0{i}.000000Z");
            row
        })
        .collect();
    write_ours(dir, run_id, &rows)
}

#[test]
fn a_cut_last_row_is_a_warning_and_a_bad_middle_row_an_error() {
    let dir = TempDir::new("cli-cut");
    let rows: Vec<String> = (0..3)
        .map(|i| python_row("0.5", "1.0", "10", "50", "m", "", &i.to_string(), "Success"))
        .collect();
    let body = format!("{}\n{}", python_header(), rows.join("\n"));
    dir.write("results/run.csv", &body);
    let out = bedrock_bench(dir.path(), &["analyze", "results"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: results/run.csv:4: the last row is incomplete: no line terminator (the writer was interrupted); skipped"),
        "{stderr}"
    );
    assert!(text(&out.stdout).starts_with("2 calls from 1 file(s)"));

    let mut middle = ours("m", "standard", "i1", 0.5, 1.0, 51);
    middle.delta_offsets = "0.5 0.6".into();
    let mut last = ours("m", "standard", "i2", 0.5, 1.0, 51);
    last.delta_offsets = "0.5 0.6".into();
    let file = write_ours(&dir.path().join("bad"), "r", &[middle, last]);
    // No writer writes a chunk count its offsets disagree with: edit one in.
    let mut reader = csv::Reader::from_path(&file).expect("opens");
    let header = reader.headers().expect("header").clone();
    let column = header
        .iter()
        .position(|h| h == "chunk_count")
        .expect("column");
    let mut records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let mut edited: Vec<String> = records[0].iter().map(str::to_string).collect();
    edited[column] = "4".into();
    records[0] = csv::StringRecord::from(edited);
    let mut writer = csv::Writer::from_path(&file).expect("rewrites");
    writer.write_record(&header).expect("header");
    for record in &records {
        writer.write_record(record).expect("row");
    }
    writer.flush().expect("flush");
    let out = bedrock_bench(dir.path(), &["analyze", "bad"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: {}:2: column `delta_offsets` disagrees with column `chunk_count`: expected 4 offsets (chunk_count is 4), found 2 offsets",
            file.strip_prefix(dir.path()).expect("relative").display()
        )),
        "{stderr}"
    );
}

#[test]
fn the_default_directory_analyzes_the_newest_comparable_set_and_names_the_rest() {
    let dir = TempDir::new("cli-newest");
    let results = dir.path().join("target-reports/results");
    // The emulator run sorts last by name but its calls are older.
    run_file(
        &results,
        "20250709_100000",
        "old-emulator-model",
        "emulator",
        Some(0.1),
        1,
    );
    run_file(&results, "20250708_100000", "aws-model", "aws", None, 8);
    let out = bedrock_bench(dir.path(), &["analyze"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("2 calls from 1 file(s)"), "{stdout}");
    assert!(stdout.contains("| aws-model "), "{stdout}");
    assert!(!stdout.contains("old-emulator-model"), "{stdout}");
    assert!(!stdout.contains("MIXED"), "{stdout}");
    assert!(
        stderr.contains("warning: left out 1 file(s) of another target or time scale: target-reports/results/run_20250709_100000.csv; analyzed the 1 file(s) with the newest data (target aws,"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("name the others explicitly to analyze them, or all together with `--mixed`"),
        "{stderr}"
    );

    // --mixed without paths: all of the default directory, loudly.
    let out = bedrock_bench(dir.path(), &["analyze", "--mixed"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("!!! MIXED DATA"), "{stdout}");
    assert!(stdout.contains("4 calls from 2 file(s)"), "{stdout}");
}

#[test]
fn named_files_that_do_not_compare_are_refused_with_status_2_unless_mixed() {
    let dir = TempDir::new("cli-mixed");
    run_file(&dir.path().join("runs"), "a", "aws-model", "aws", None, 8);
    run_file(
        &dir.path().join("runs"),
        "b",
        "emulator-model",
        "emulator",
        Some(0.1),
        9,
    );

    let out = bedrock_bench(dir.path(), &["analyze", "runs"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: these files are not comparable: they differ in target and time scale:\n  1) target aws, time scale none (AWS), "),
        "{stderr}"
    );
    assert!(stderr.contains(": runs/run_a.csv\n"), "{stderr}");
    assert!(
        stderr.contains("\n  2) target emulator, time scale 0.1, "),
        "{stderr}"
    );
    assert!(stderr.contains(": runs/run_b.csv\n"), "{stderr}");
    assert!(stderr.contains("`--mixed`"), "{stderr}");
    assert!(
        !dir.path().join("target-reports").exists(),
        "nothing written"
    );

    let out = bedrock_bench(dir.path(), &["analyze", "runs", "--mixed"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
    for line in [lines[0], lines[lines.len() - 1]] {
        assert!(line.starts_with("!!! MIXED DATA"), "{line}");
    }
    assert!(stdout.contains("4 calls from 2 file(s)"), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("warning: MIXED DATA (--mixed): files that are not comparable are analyzed together; they differ in target and time scale"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(dir.path().join("target-reports/index.html")).expect("page");
    let banner = page
        .find("<div class=\"banner\" id=\"mixed\">MIXED DATA (--mixed)")
        .expect("banner");
    assert!(
        banner < page.find("<main>").expect("main"),
        "first on the page"
    );
    assert!(page.contains("<h2>Files that do not compare</h2>"));
}

#[test]
fn successful_calls_without_usage_are_warned_about() {
    let dir = TempDir::new("nousage");
    let mut rows = Vec::new();
    for i in 0..6 {
        let mut row = ours(
            "deepseek.v3-v1:0",
            "standard",
            &format!("c{i}"),
            0.3,
            1.3,
            50,
        );
        if i < 2 {
            // A stream that ended without its usage report.
            row.model_output_tokens = None;
            row.model_input_tokens = None;
        }
        rows.push(row);
    }
    write_ours(
        &dir.path().join("target-reports/results"),
        "20250708_112957",
        &rows,
    );
    let out = bedrock_bench(dir.path(), &["analyze"]);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("2 of 6 successful calls of deepseek.v3-v1:0")
            && said.contains("reported no token usage"),
        "{said}"
    );
}
