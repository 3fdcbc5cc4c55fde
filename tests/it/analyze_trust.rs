//! What `analyze` reads is used or reported, never silently wrong: a last
//! row cut short is skipped with a warning naming file:line and why; a row
//! seen twice counts once; every row of the Python tool's files is a call
//! of its own; files that do not compare are never mixed silently.

use crate::analyze_support;

use std::path::{Path, PathBuf};

use analyze_support::{TempDir, ours, python_header, python_row, write_ours};
use bedrock_bench::analysis::{
    AnalyzeOptions, Dataset, MixPolicy, ReadError, ReadOptions, analyze, read_paths_with,
};
use bedrock_bench::terminal::overview;

/// Block sizes that cut files everywhere, and one that holds them whole.
const BLOCK_SIZES: [usize; 5] = [1, 7, 64, 300, 1 << 20];

fn read_with(path: &Path, block_size: usize) -> Result<Dataset, ReadError> {
    let options = ReadOptions {
        threads: 2,
        block_size,
        ..ReadOptions::default()
    };
    read_paths_with(&[path], &options)
}

fn python_rows(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            python_row(
                "0.5",
                "1.0",
                "10",
                "50",
                "m",
                "standard",
                &format!("{i}"),
                "Success",
            )
        })
        .collect()
}

/// The header and `rows`, each row with its line break.
fn file_with(rows: &[String]) -> String {
    format!("{}\n{}\n", python_header(), rows.join("\n"))
}

fn analyze_with(
    paths: &[&Path],
    mix: MixPolicy,
) -> Result<bedrock_bench::analysis::Analysis, ReadError> {
    let options = AnalyzeOptions {
        mix,
        ..AnalyzeOptions::default()
    };
    analyze(paths, &options)
}

/// The warning that the last row of `path`, at `line`, was skipped.
fn skipped(path: &Path, line: u64, why: &str) -> String {
    format!(
        "{}:{line}: the last row is incomplete: {why}; skipped",
        path.display()
    )
}

// ----- 1. Whole rows on read -------------------------------------------

#[test]
fn a_last_row_without_its_line_break_is_skipped_with_file_line_and_why() {
    let dir = TempDir::new("trust-newline");
    let whole = file_with(&python_rows(4));
    let complete = dir.write("complete.csv", &whole);
    // The same rows, but the writer stopped before the last line break,
    // and, worse, in the middle of the last row.
    let no_break = dir.write("no_break.csv", whole.trim_end_matches('\n'));
    let cut = dir.write("cut.csv", &whole[..whole.len() - 12]);
    for block_size in BLOCK_SIZES {
        let all = read_with(&complete, block_size).expect("read");
        assert_eq!(all.attempts().len(), 4, "block {block_size}");
        assert!(all.warnings().is_empty(), "{:?}", all.warnings());
        for path in [&no_break, &cut] {
            let dataset = read_with(path, block_size).expect("read");
            assert_eq!(dataset.attempts().len(), 3, "block {block_size}");
            assert_eq!(dataset.sources()[0].rows, 3);
            assert_eq!(dataset.sources()[0].incomplete_last_row, Some(5));
            assert_eq!(
                dataset.warnings(),
                [skipped(
                    path,
                    5,
                    "no line terminator (the writer was interrupted)"
                )],
                "block {block_size}"
            );
        }
    }
}

#[test]
fn a_last_row_cut_inside_a_quoted_message_after_its_line_break_is_incomplete() {
    let dir = TempDir::new("trust-quoted");
    let mut rows = python_rows(3);
    let throttle = python_row(
        "",
        "0.2",
        "",
        "",
        "m",
        "standard",
        "9",
        "ThrottlingException",
    )
    .replace("\"An error, with a comma\"", "\"line one\nline two\"");
    rows.push(throttle);
    let whole = file_with(&rows);
    let at = whole.find("line one\n").expect("message") + "line one\n".len();
    let cut = dir.write("cut.csv", &whole[..at]);
    let complete = dir.write("complete.csv", &whole);
    for block_size in BLOCK_SIZES {
        let dataset = read_with(&cut, block_size).expect("read");
        assert_eq!(dataset.attempts().len(), 3, "block {block_size}");
        assert_eq!(
            dataset.warnings(),
            [skipped(
                &cut,
                5,
                "no line terminator (the writer was interrupted)"
            )]
        );
        let dataset = read_with(&complete, block_size).expect("read");
        assert_eq!(dataset.attempts().len(), 4, "block {block_size}");
        assert!(dataset.warnings().is_empty());
    }
}

#[test]
fn a_last_row_with_too_few_fields_is_skipped_even_with_its_line_break() {
    let dir = TempDir::new("trust-fields");
    let mut rows = python_rows(3);
    rows.push("0.5,1.0,2025-07-08 11:2".to_string());
    let path = dir.write("run.csv", &file_with(&rows));
    for block_size in BLOCK_SIZES {
        let dataset = read_with(&path, block_size).expect("read");
        assert_eq!(dataset.attempts().len(), 3, "block {block_size}");
        assert_eq!(
            dataset.warnings(),
            [skipped(
                &path,
                5,
                "3 of the header's 19 fields (the writer was interrupted)"
            )]
        );
    }
}

/// `n` rows of ours with three deltas each, written; row `short` (from
/// 0) then loses its last offset while `chunk_count` still says 3 (no
/// writer writes that: the text is edited, as a cut would leave it).
fn write_rows_with_offsets(dir: &Path, n: usize, short: usize) -> PathBuf {
    let rows: Vec<analyze_support::FixtureRow> = (0..n)
        .map(|i| {
            let mut row = ours("m", "standard", &format!("i{i}"), 0.5, 1.0, 51);
            row.request_id = format!("req-{i}");
            row.delta_offsets = "0.5 0.6 0.8".into();
            row
        })
        .collect();
    let path = write_ours(dir, "20250101_000000", &rows);
    let text = std::fs::read_to_string(&path).expect("written");
    let edited: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(line, content)| {
            if line == short + 1 {
                content.replace(",0.500000 0.600000 0.800000", ",0.500000 0.600000")
            } else {
                content.to_string()
            }
        })
        .collect();
    std::fs::write(&path, edited.join("\n") + "\n").expect("edited");
    path
}

#[test]
fn a_last_row_whose_offsets_disagree_with_chunk_count_is_skipped() {
    let dir = TempDir::new("trust-offsets-last");
    let path = write_rows_with_offsets(dir.path(), 3, 2);
    for block_size in BLOCK_SIZES {
        let dataset = read_with(&path, block_size).expect("read");
        assert_eq!(dataset.attempts().len(), 2, "block {block_size}");
        let gaps: usize = dataset
            .attempts()
            .iter()
            .map(|a| dataset.gaps(a).len())
            .sum();
        assert_eq!(gaps, 4, "the kept rows' gaps, none of the skipped row's");
        assert_eq!(
            dataset.warnings(),
            [skipped(
                &path,
                4,
                "delta_offsets holds 2 offsets where chunk_count says 3 (the row was cut short)"
            )]
        );
    }
}

#[test]
fn a_middle_row_whose_offsets_disagree_is_an_error_naming_both_columns() {
    let dir = TempDir::new("trust-offsets-middle");
    let path = write_rows_with_offsets(dir.path(), 3, 1);
    for block_size in BLOCK_SIZES {
        let error = read_with(&path, block_size).unwrap_err();
        match &error {
            ReadError::Inconsistent {
                path: p,
                line,
                column,
                other,
                ..
            } => assert_eq!(
                (p, *line, *column, *other),
                (&path, 3, "delta_offsets", "chunk_count")
            ),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            format!(
                "{}:3: column `delta_offsets` disagrees with column `chunk_count`: expected 3 offsets (chunk_count is 3), found 2 offsets",
                path.display()
            )
        );
    }
}

#[test]
fn a_middle_row_with_too_few_fields_stays_an_error() {
    let dir = TempDir::new("trust-middle-fields");
    let mut rows = python_rows(4);
    rows[1] = "0.5,1.0,2025-07-08 11:2".to_string();
    let path = dir.write("run.csv", &file_with(&rows));
    match read_with(&path, 1 << 20).unwrap_err() {
        ReadError::Malformed { line, message, .. } => {
            assert_eq!(line, 3);
            assert_eq!(message, "expected 19 fields as in the header, found 3");
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ----- 2. Rows seen twice ------------------------------------------------

fn uuid(i: usize) -> String {
    format!("0f1e2d3c-4b5a-4697-8877-{i:012x}")
}

#[test]
fn a_copied_file_counts_once_with_one_warning_per_file_pair() {
    let dir = TempDir::new("trust-copy");
    let results = dir.path().join("results");
    let mut rows = Vec::new();
    for i in 0..3 {
        let mut row = ours("m", "standard", &format!("r1-s1-i{i}"), 0.5, 1.0, 51);
        row.request_id = uuid(i);
        rows.push(row);
    }
    // A retry: the same invocation id, its own request id. Not a repeat.
    let mut throttled = ours("m", "standard", "r1-s1-i0", 0.0, 0.1, 0);
    throttled.api_call_status = "ThrottlingException".into();
    throttled.request_id = uuid(99);
    rows.insert(0, throttled);
    let original = write_ours(&results, "x", &rows);
    let copy = results.join("run_x_copy.csv");
    std::fs::copy(&original, &copy).expect("copy");
    // Another file: one row repeating one of x's, one new row.
    let mut again = rows[2].clone();
    again.time_to_first_byte = Some(0.7); // the request id decides
    let mut new = ours("m", "standard", "r2-s1-i0", 0.6, 1.1, 51);
    new.request_id = uuid(7);
    let other = write_ours(&results, "y", &[again, new]);

    let analysis = analyze(&[&results], &AnalyzeOptions::default()).expect("analyze");
    let c = analysis.groups[0].counts;
    assert_eq!((c.attempts, c.invocations, c.successes), (5, 4, 4));
    let sources = analysis.dataset.sources();
    let rows_of: Vec<(u64, u64)> = sources.iter().map(|s| (s.rows, s.repeated_rows)).collect();
    assert_eq!(rows_of, [(4, 0), (0, 4), (1, 1)]);
    let warnings = &analysis.warnings;
    assert!(
        warnings.contains(&format!(
            "{}: 4 rows repeat rows of {} (same request_id); counted once",
            copy.display(),
            original.display()
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&format!(
            "{}: 1 row repeats a row of {} (same request_id); counted once",
            other.display(),
            original.display()
        )),
        "{warnings:?}"
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
}

#[test]
fn the_same_request_id_twice_in_one_file_counts_once() {
    let dir = TempDir::new("trust-same-file");
    let mut a = ours("m", "standard", "i1", 0.5, 1.0, 51);
    a.request_id = "not-a-uuid".into();
    let mut b = ours("m", "standard", "i2", 0.6, 1.0, 51);
    b.request_id = "not-a-uuid".into();
    let mut c = ours("m", "standard", "i1", 0.6, 1.0, 51);
    c.request_id = "NOT-A-UUID".into();
    let file = write_ours(dir.path(), "r", &[a, b, c]);
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    assert_eq!(analysis.dataset.attempts().len(), 2);
    assert_eq!(
        analysis.warnings,
        [format!(
            "{}: 1 row repeats an earlier row of the same file (same request_id); counted once",
            file.display()
        )]
    );
}

#[test]
fn python_rows_repeat_only_when_identical_in_every_field() {
    let dir = TempDir::new("trust-identical");
    let row = python_row("0.5", "1.0", "10", "50", "m", "standard", "0", "Success");
    // Same invocation id, one field differs: another call.
    let other = python_row("0.51", "1.0", "10", "50", "m", "standard", "0", "Success");
    let a = dir.write(
        "a.csv",
        &file_with(&[row.clone(), row.clone(), other.clone(), row.clone()]),
    );
    let dataset = read_with(&a, 1 << 20).expect("read");
    assert_eq!(dataset.attempts().len(), 2);
    assert_eq!(
        dataset.warnings(),
        [format!(
            "{}: 2 rows repeat earlier rows of the same file (identical in every field); counted once",
            a.display()
        )]
    );
    let b = dir.write("b.csv", &file_with(&[other, row]));
    let analysis = analyze(&[&a, &b], &AnalyzeOptions::default()).expect("analyze");
    assert_eq!(analysis.dataset.attempts().len(), 2);
    assert!(
        analysis.warnings.contains(&format!(
            "{}: 2 rows repeat rows of {} (identical in every field); counted once",
            b.display(),
            a.display()
        )),
        "{:?}",
        analysis.warnings
    );
}

// ----- 3. Calls of the Python tool's files ------------------------------

#[test]
fn every_row_of_a_python_file_is_a_call_of_its_own() {
    let dir = TempDir::new("trust-python-calls");
    // Two scenarios, both numbering their invocations 0..4, one throttle
    // (the Python tool does not retry it: it is a call, and failed).
    let mut rows = Vec::new();
    for model in ["m-a", "m-b"] {
        for i in 0..5 {
            let i = i.to_string();
            rows.push(python_row(
                "0.5", "1.0", "10", "50", model, "standard", &i, "Success",
            ));
        }
    }
    rows.push(python_row(
        "",
        "0.2",
        "",
        "",
        "m-a",
        "standard",
        "2",
        "ThrottlingException",
    ));
    let file = dir.write("run.csv", &file_with(&rows));
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    assert_eq!(analysis.dataset.invocation_count(), 11);
    let a = analysis.groups[0].counts;
    assert_eq!(
        (a.attempts, a.invocations, a.errors, a.failed_invocations),
        (6, 6, 1, 1)
    );
    let b = analysis.groups[1].counts;
    assert_eq!((b.attempts, b.invocations), (5, 5));
    let text = overview(&analysis);
    assert!(
        text.starts_with("11 calls from 1 file(s): 10 succeeded, 1 failed."),
        "{text}"
    );

    // Our files keep invocation = (file, invocation_id): a retry is
    // another call of the same invocation.
    let mut throttled = ours("m", "standard", "i1", 0.0, 0.1, 0);
    throttled.api_call_status = "ThrottlingException".into();
    let mut retry = ours("m", "standard", "i1", 0.5, 1.0, 51);
    retry.attempt = 2;
    let ours_file = write_ours(
        dir.path(),
        "r",
        &[throttled, retry, ours("m", "standard", "i2", 0.5, 1.0, 51)],
    );
    let analysis = analyze(&[&ours_file], &AnalyzeOptions::default()).expect("analyze");
    let c = analysis.groups[0].counts;
    assert_eq!((c.attempts, c.invocations, c.failed_invocations), (3, 2, 0));
    let text = overview(&analysis);
    assert!(
        text.starts_with(
            "3 calls (2 invocations and 1 retry) from 1 file(s): 2 succeeded, 1 failed."
        ),
        "{text}"
    );
}

// ----- 4. Never mix data silently ----------------------------------------

/// A file of ours: `target`, `time_scale`, calls on `day` (2025-07-DD).
fn run_file(dir: &Path, name: &str, target: &str, scale: Option<f64>, day: u32) -> PathBuf {
    let rows: Vec<analyze_support::FixtureRow> = (0..2)
        .map(|i| {
            let mut row = ours(
                &format!("model-{name}"),
                "standard",
                &format!("i{i}"),
                0.5,
                1.0,
                51,
            );
            row.target = target.into();
            row.time_scale = scale;
            row.request_id = format!("{name}-{i}");
            row.job_timestamp_iso = format!("2025-07-{day:02}T10:00:0{i}.000000Z");
            row
        })
        .collect();
    write_ours(dir, name, &rows)
}

#[test]
fn files_of_another_target_or_time_scale_are_refused_naming_the_sets() {
    let dir = TempDir::new("trust-refuse");
    let aws = run_file(dir.path(), "a", "aws", None, 8);
    let fast = run_file(dir.path(), "b", "emulator", Some(0.1), 9);
    let fast_too = run_file(dir.path(), "c", "emulator", Some(0.1), 10);
    let real_time = run_file(dir.path(), "d", "emulator", Some(1.0), 11);
    // Comparable files together are fine.
    let two = analyze_with(&[&fast, &fast_too], MixPolicy::Refuse).expect("comparable");
    assert!(two.mixed.is_none());
    assert_eq!(two.dataset.attempts().len(), 4);

    let error = analyze_with(&[dir.path()], MixPolicy::Refuse).unwrap_err();
    let ReadError::Incomparable { report } = &error else {
        panic!("unexpected {error:?}");
    };
    assert_eq!(report.differences, ["target", "time scale"]);
    let files: Vec<Vec<PathBuf>> = report.sets.iter().map(|s| s.files.clone()).collect();
    assert_eq!(
        files,
        [
            vec![aws.clone()],
            vec![fast.clone(), fast_too.clone()],
            vec![real_time.clone()]
        ]
    );
    let text = error.to_string();
    assert!(
        text.starts_with("these files are not comparable: they differ in target and time scale:\n  1) target aws, time scale none (AWS), experiment_name not recorded,"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "\n  2) target emulator, time scale 0.1, experiment_name not recorded, temperature not sent, top_p not sent, top_k not sent: {}, {}\n",
            fast.display(),
            fast_too.display()
        )),
        "{text}"
    );
    assert!(text.contains("time scale 1,"), "{text}");
    assert!(
        text.ends_with("or all of them together with `--mixed` (the numbers then mix them)"),
        "{text}"
    );
}

#[test]
fn experiment_settings_must_agree_but_0_and_0_0_are_the_same_value() {
    let dir = TempDir::new("trust-settings");
    let row = |temperature: &str, experiment: &str| {
        python_row("0.5", "1.0", "10", "50", "m", "standard", "0", "Success").replace(
            ",0,0.9,,exp,",
            &format!(",{temperature},0.9,,{experiment},"),
        )
    };
    let a = dir.write("a.csv", &file_with(&[row("0", "exp")]));
    let b = dir.write("b.csv", &file_with(&[row("0.0", "exp")]));
    let both = analyze_with(&[&a, &b], MixPolicy::Refuse).expect("0 and 0.0 agree");
    assert_eq!(both.dataset.attempts().len(), 2);
    for (c_row, difference) in [
        (row("0.5", "exp"), "temperature"),
        (row("0", "other"), "experiment_name"),
    ] {
        let c = dir.write("c.csv", &file_with(&[c_row]));
        match analyze_with(&[&a, &b, &c], MixPolicy::Refuse).unwrap_err() {
            ReadError::Incomparable { report } => {
                assert_eq!(report.differences, [difference]);
                assert_eq!(report.sets.len(), 2);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn python_files_and_ours_do_not_mix_silently() {
    let dir = TempDir::new("trust-python-ours");
    let python = dir.write("python.csv", &file_with(&python_rows(2)));
    let aws = run_file(dir.path(), "a", "aws", None, 8);
    match analyze_with(&[&python, &aws], MixPolicy::Refuse).unwrap_err() {
        ReadError::Incomparable { report } => {
            assert!(
                report.differences.contains(&"target"),
                "{:?}",
                report.differences
            );
            assert_eq!(report.sets[0].settings.fields()[0].1, "unknown");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn mixed_together_is_analyzed_with_a_loud_first_warning() {
    let dir = TempDir::new("trust-together");
    let aws = run_file(dir.path(), "a", "aws", None, 8);
    let emulator = run_file(dir.path(), "b", "emulator", Some(0.1), 9);
    let analysis = analyze_with(&[&aws, &emulator], MixPolicy::Together).expect("analyze");
    assert!(analysis.is_mixed());
    assert_eq!(analysis.dataset.attempts().len(), 4);
    let report = analysis.mixed.as_ref().expect("report");
    assert_eq!(report.kept, None);
    assert!(report.left_out().is_empty());
    assert!(
        analysis.warnings[0].starts_with(
            "MIXED DATA (--mixed): files that are not comparable are analyzed together; they differ in target and time scale, and every number below mixes them:\n  1) target aws"
        ),
        "{:?}",
        analysis.warnings
    );
    assert!(analysis.warnings[0].contains(&emulator.display().to_string()));
}

#[test]
fn by_default_the_set_with_the_newest_calls_is_analyzed_and_the_others_named() {
    for (aws_day, emulator_day) in [(8, 9), (9, 8)] {
        let dir = TempDir::new("trust-newest");
        // Names sort the other way round from the calls' times half the
        // time: the calls decide.
        let aws = run_file(dir.path(), "a", "aws", None, aws_day);
        let emulator = run_file(dir.path(), "b", "emulator", Some(0.1), emulator_day);
        let older_emulator = run_file(dir.path(), "c", "emulator", Some(0.1), 1);
        let analysis = analyze_with(&[dir.path()], MixPolicy::Newest).expect("analyze");
        let report = analysis.mixed.as_ref().expect("report");
        assert!(!analysis.is_mixed(), "nothing analyzed together");
        let (kept, left): (Vec<&Path>, Vec<&Path>) = if emulator_day > aws_day {
            (
                vec![emulator.as_path(), older_emulator.as_path()],
                vec![aws.as_path()],
            )
        } else {
            (
                vec![aws.as_path()],
                vec![emulator.as_path(), older_emulator.as_path()],
            )
        };
        assert_eq!(report.left_out(), left);
        let read: Vec<&Path> = analysis
            .dataset
            .sources()
            .iter()
            .map(|s| s.path.as_path())
            .collect();
        assert_eq!(read, kept);
        assert_eq!(analysis.dataset.attempts().len(), 2 * kept.len());
        let names: Vec<String> = left.iter().map(|p| p.display().to_string()).collect();
        let warning = &analysis.warnings[0];
        assert!(
            warning.starts_with(&format!(
                "left out {} file(s) of another target or time scale: {}; analyzed the {} file(s) with the newest data (target ",
                left.len(),
                names.join(", "),
                kept.len()
            )),
            "{warning}"
        );
        assert!(
            warning.ends_with(
                "name the others explicitly to analyze them, or all together with `--mixed`"
            ),
            "{warning}"
        );
    }
}

#[test]
fn one_file_is_always_comparable_with_itself() {
    // What `cargo bench` does at the end of its run: one file, default
    // options.
    let dir = TempDir::new("trust-one");
    let mut a = ours("m", "standard", "i1", 0.5, 1.0, 51);
    a.target = "emulator".into();
    a.time_scale = Some(0.25);
    let file = write_ours(
        dir.path(),
        "r",
        &[a, ours("m", "standard", "i2", 0.5, 1.0, 51)],
    );
    let analysis = analyze(&[&file], &AnalyzeOptions::default()).expect("analyze");
    assert!(analysis.mixed.is_none());
    assert_eq!(analysis.dataset.attempts().len(), 2);
}
