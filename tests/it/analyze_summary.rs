//! The summary in the Python tool's format: header, numbers computed by
//! hand, merging files, the Python tool's own raw files, failures.

use crate::analyze_support;

use analyze_support::{TempDir, ours, python_header, python_row, write_ours};
use bedrock_bench::analysis::{
    Analysis, AnalyzeOptions, Metric, ReadOptions, SourceFormat, analyze, read_paths,
};
use bedrock_bench::export::summary_csv;

const HEADER: &str = "model,region,performance_config,sample_size,TTFT_mean,TTFT_p50,TTFT_p90,TTFT_std,avg_input_tokens,avg_output_tokens,total_time_mean,total_time_p50,total_time_p90,OTPS_mean,OTPS_p50,OTPS_p90,OTPS_std";

fn run(paths: &[&std::path::Path]) -> Analysis {
    analyze(paths, &AnalyzeOptions::default()).expect("analyze")
}

/// The summary file's text, as written.
fn summary_text(analysis: &Analysis) -> String {
    let mut bytes = Vec::new();
    summary_csv::write(&mut bytes, &analysis.summary).expect("write");
    String::from_utf8(bytes).expect("utf8")
}

/// Group m1/standard: five successes and a throttle. By hand:
///   TTFT 0.5 0.7 0.6 1.0 0.8 -> sorted 0.5 0.6 0.7 0.8 1.0
///     mean 3.6/5 = 0.72; p50 0.7; p90 rank 4*0.9 = 3.6 -> 0.8 + 0.6*0.2 = 0.92
///     (not a data point); std: squares .0484+.0144+.0004+.0064+.0784 = .148,
///     /(n-1) = .037, sqrt = 0.19235 -> 0.192
///   total 1.0 2.0 1.25 2.5 4.0 -> mean 10.75/5 = 2.15; p50 2.0;
///     p90 2.5 + 0.6*1.5 = 3.4
///   OTPS per call 50/1 25... : 50, 25, 40, 40, 20 -> mean 35 (the ratio of
///     means would be 330/10.75 = 30.70); p50 40; p90 40 + 0.6*10 = 46;
///     std sqrt((225+100+25+25+225)/4) = sqrt(150) = 12.247
///   input tokens 10 10 12 12 11 -> 11; output 50 50 50 100 80 -> 66
/// Group m1/optimized, two calls: TTFT 0.3 0.4 -> mean 0.35, p90 0.39,
///   std sqrt(2*0.05^2/1) = 0.0707 -> 0.071; total 1.0 1.2 -> p90 1.18;
///   OTPS 50 50 -> std 0.
/// Group m2/standard, one call: std empty (pandas writes NaN as empty).
/// Group m3/standard: every attempt failed: a row with sample_size 0.
fn hand_made() -> String {
    let rows = [
        python_row("0.5", "1.0", "10", "50", "m1", "standard", "a1", "Success"),
        python_row("0.7", "2.0", "10", "50", "m1", "standard", "a2", "Success"),
        python_row(
            "",
            "0.3",
            "",
            "",
            "m1",
            "standard",
            "a3",
            "ThrottlingException",
        ),
        python_row("0.6", "1.25", "12", "50", "m1", "standard", "a3", "Success"),
        python_row("1.0", "2.5", "12", "100", "m1", "standard", "a4", "Success"),
        python_row("0.8", "4.0", "11", "80", "m1", "standard", "a5", "Success"),
        python_row("0.3", "1.0", "20", "50", "m1", "optimized", "b1", "Success"),
        python_row("0.4", "1.2", "21", "60", "m1", "optimized", "b2", "Success"),
        python_row("0.25", "0.75", "5", "30", "m2", "standard", "c1", "Success"),
        python_row("", "", "", "", "m3", "standard", "d1", "Timeout"),
        python_row(
            "",
            "0.2",
            "",
            "",
            "m3",
            "standard",
            "d2",
            "ThrottlingException",
        ),
    ];
    format!("{}\n{}\n", python_header(), rows.join("\n"))
}

#[test]
fn the_header_is_exactly_the_python_tools() {
    assert_eq!(summary_csv::SUMMARY_COLUMNS.join(","), HEADER);
    let dir = TempDir::new("header");
    let file = dir.write("run.csv", &hand_made());
    let text = summary_text(&run(&[&file]));
    assert_eq!(text.lines().next(), Some(HEADER));
}

#[test]
fn numbers_match_a_computation_by_hand_field_by_field() {
    let dir = TempDir::new("hand");
    let file = dir.write("run.csv", &hand_made());
    let analysis = run(&[&file]);
    let text = summary_text(&analysis);
    let expected = [
        HEADER,
        "m1,us-east-2,optimized,2,0.35,0.35,0.39,0.071,20.5,55,1.1,1.1,1.18,50,50,50,0",
        "m1,us-east-2,standard,5,0.72,0.7,0.92,0.192,11,66,2.15,2,3.4,35,40,46,12.247",
        "m2,us-east-2,standard,1,0.25,0.25,0.25,,5,30,0.75,0.75,0.75,40,40,40,",
        "m3,us-east-2,standard,0,,,,,,,,,,,,,",
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{text}");
    for (line, want) in lines.iter().zip(expected) {
        let got: Vec<&str> = line.split(',').collect();
        let want: Vec<&str> = want.split(',').collect();
        assert_eq!(got.len(), 17);
        for (column, (g, w)) in HEADER.split(',').zip(got.iter().zip(&want)) {
            assert_eq!(g, w, "column {column} of `{line}`");
        }
    }
    // The unrounded numbers too.
    let m1 = &analysis.summary[1];
    assert!((m1.ttft_p90.unwrap() - 0.92).abs() < 1e-12);
    assert!((m1.ttft_std.unwrap() - 0.037f64.sqrt()).abs() < 1e-12);
    assert!((m1.otps_mean.unwrap() - 35.0).abs() < 1e-12);
    assert!((m1.otps_std.unwrap() - 150f64.sqrt()).abs() < 1e-12);
}

#[test]
fn failures_are_counted_not_dropped_and_an_all_failed_group_is_visible() {
    let dir = TempDir::new("fail");
    let file = dir.write("run.csv", &hand_made());
    let analysis = run(&[&file]);
    let m1 = &analysis.groups[1];
    assert_eq!(m1.performance_config, "standard");
    let c = m1.counts;
    assert_eq!(
        (c.attempts, c.successes, c.errors, c.throttles),
        (6, 5, 1, 1)
    );
    // The Python tool never retries (and reuses its invocation ids), so
    // the throttled a3 and the successful a3 are two calls: six
    // invocations, one of them failed.
    assert_eq!((c.invocations, c.failed_invocations), (6, 1));
    assert_eq!(m1.metric(Metric::Ttft).map(|s| s.count), Some(5));

    let m3 = &analysis.groups[3];
    assert_eq!(m3.model, "m3");
    let c = m3.counts;
    assert_eq!((c.attempts, c.successes, c.errors), (2, 0, 2));
    assert_eq!((c.throttles, c.timeouts, c.failed_invocations), (1, 1, 2));
    assert!(m3.metric(Metric::Ttft).is_none());
    assert!(
        analysis
            .warnings
            .iter()
            .any(|w| w.contains("all 2 attempts failed") && w.contains("m3")),
        "{:?}",
        analysis.warnings
    );
}

#[test]
fn the_python_tools_own_raw_files_are_read_and_empty_configs_count_as_standard() {
    let dir = TempDir::new("python");
    // As pandas writes it: an index column, tokens as floats (10.0) because
    // of missing values, times rounded to 0.01 s, an empty
    // performance_config where the scenario had none.
    let header = format!(",{},extra_column", python_header());
    let rows = [
        format!(
            "0,{},x",
            python_row("0.52", "1.15", "10.0", "50.0", "nova", "", "1", "Success")
        ),
        format!(
            "1,{},x",
            python_row("0.61", "1.32", "10.0", "50.0", "nova", "", "2", "Success")
        ),
        format!(
            "2,{},x",
            python_row(
                "0.45", "1.05", "10.0", "50.0", "nova", "standard", "3", "Success"
            )
        ),
        format!(
            "3,{},x",
            python_row("", "", "", "", "nova", "", "4", "ThrottlingException")
        ),
        format!(
            "4,{},x",
            python_row(
                "0.33",
                "0.64",
                "10.0",
                "50.0",
                "nova",
                "optimized",
                "5",
                "Success"
            )
        ),
    ];
    let file = dir.write(
        "results/run_20250708_112957.csv",
        &format!("{header}\n{}\n", rows.join("\n")),
    );
    // A run interrupted before its first call: only a header.
    dir.write(
        "results/run_20250708_120000.csv",
        &format!("{}\n", python_header()),
    );
    let analysis = run(&[&dir.path().join("results")]);
    let sources = analysis.dataset.sources();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0].path, file);
    assert_eq!(sources[0].format, SourceFormat::Python);
    assert_eq!(
        (sources[0].rows, sources[0].empty_performance_config),
        (5, 3)
    );
    assert_eq!(sources[1].rows, 0);

    let text = summary_text(&analysis);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "nova,us-east-2,optimized,1,0.33,0.33,0.33,,10,50,0.64,0.64,0.64,78.125,78.125,78.125,",
            // 0.52, 0.61 (empty config) and 0.45: three calls, not one.
            "nova,us-east-2,standard,3,0.527,0.52,0.592,0.08,10,50,1.173,1.15,1.286,42.992,43.478,46.791,4.888",
        ]
    );
    let standard = &analysis.groups[1];
    assert_eq!(standard.counts.empty_performance_config, 3);
    assert_eq!(standard.counts.errors, 1);
    assert!(
        standard.targets.is_empty(),
        "no target column in Python files"
    );
    assert!(
        analysis
            .warnings
            .iter()
            .any(|w| w.contains("3 rows with an empty performance_config counted as standard")),
        "{:?}",
        analysis.warnings
    );
}

#[test]
fn two_machines_files_merge_and_their_invocations_stay_apart() {
    let dir = TempDir::new("merge");
    // Both machines numbered their invocations the same way.
    let a = write_ours(
        &dir.path().join("machine-a"),
        "20250708_112957",
        &[
            ours("m1", "standard", "r1-s0-i0", 0.5, 1.0, 50),
            ours("m1", "standard", "r1-s0-i1", 0.7, 2.0, 50),
        ],
    );
    let b = write_ours(
        &dir.path().join("machine-b"),
        "20250708_112957",
        &[
            ours("m1", "standard", "r1-s0-i0", 0.6, 1.25, 50),
            ours("m1", "standard", "r1-s0-i1", 1.0, 2.5, 100),
            ours("m1", "standard", "r1-s0-i2", 0.8, 4.0, 80),
        ],
    );
    let merged = run(&[&a, &b]);
    let counts = merged.groups[0].counts;
    assert_eq!((counts.attempts, counts.invocations), (5, 5));
    assert_eq!(merged.groups[0].targets, ["aws"]);
    let row = summary_csv::record(&merged.summary[0]);
    assert_eq!(
        row[3..].join(","),
        "5,0.72,0.7,0.92,0.192,10,66,2.15,2,3.4,35,40,46,12.247"
    );
    // Same numbers as one file holding every row, whatever the order of
    // the files.
    let reversed = run(&[&b, &a]);
    assert_eq!(summary_csv::record(&reversed.summary[0]), row);
    assert_eq!(merged.dataset.sources()[0].format, SourceFormat::Extended);
}

#[test]
fn block_size_and_thread_count_do_not_change_anything() {
    let dir = TempDir::new("blocks");
    let file = dir.write("run.csv", &hand_made());
    let reference = run(&[&file]);
    for (threads, block_size) in [(1, 1), (3, 17), (2, 100), (1, 1 << 20)] {
        let options = AnalyzeOptions {
            read: ReadOptions {
                threads,
                block_size,
                ..ReadOptions::default()
            },
            ..AnalyzeOptions::default()
        };
        let analysis = analyze(&[&file], &options).expect("analyze");
        assert_eq!(
            analysis.summary, reference.summary,
            "{threads} threads, {block_size} B"
        );
        assert_eq!(analysis.groups, reference.groups);
    }
    let dataset = read_paths(&[&file]).expect("read");
    assert_eq!(dataset.attempts().len(), 11);
    assert_eq!(
        dataset.invocation_count(),
        11,
        "one per row of a Python file"
    );
}

#[test]
fn warm_up_calls_are_counted_but_left_out_of_the_statistics() {
    let dir = TempDir::new("warmup");
    let mut warm = ours("m1", "standard", "bench-s1-warmup", 9.0, 20.0, 50);
    warm.phase = "warmup".into();
    let mut rows = vec![warm];
    for (i, ttft) in [0.5, 0.7, 0.6].into_iter().enumerate() {
        let mut row = ours(
            "m1",
            "standard",
            &format!("bench-s1-i{}", i + 1),
            ttft,
            1.0,
            50,
        );
        row.phase = "sample".into();
        rows.push(row);
    }
    let file = write_ours(dir.path(), "20250101_000000", &rows);
    let analysis = run(&[&file]);
    let g = &analysis.groups[0];
    assert_eq!(
        (g.counts.attempts, g.counts.successes, g.counts.warmups),
        (4, 4, 1)
    );
    let ttft = g.metric(Metric::Ttft).expect("ttft");
    assert_eq!(ttft.count, 3, "the warm-up's 9 s TTFT is not a sample");
    assert!((ttft.max - 0.7).abs() < 1e-12);
    let text = summary_text(&analysis);
    let row = text.lines().nth(1).expect("row");
    assert!(row.starts_with("m1,us-east-2,standard,3,0.6,0.6,"), "{row}");
}
