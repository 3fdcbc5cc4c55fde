//! `bedrock-bench analyze` end to end, on a temporary directory.

mod analyze_support;

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
    // TTFT_ratio: optimized is exactly half.
    assert!(stdout.contains("|      0.500 |"), "{stdout}");
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
