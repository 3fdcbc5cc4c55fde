//! Every class of read error names the file, and a bad value also the
//! line, the column, what was expected and what was found.

use crate::analyze_support;

use analyze_support::{TempDir, python_header, python_row};
use bedrock_bench::analysis::{ReadError, ReadOptions, read_paths, read_paths_with};

fn good(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            python_row(
                "0.5",
                "1.0",
                "10",
                "50",
                "m",
                "standard",
                &format!("i{i}"),
                "Success",
            )
        })
        .collect()
}

fn file_with(rows: &[String]) -> String {
    format!("{}\n{}\n", python_header(), rows.join("\n"))
}

#[test]
fn a_missing_required_column_names_the_file_and_the_column() {
    let dir = TempDir::new("missing");
    let header = python_header().replace("api_call_status", "status");
    let path = dir.write("run.csv", &format!("{header}\n"));
    let error = read_paths(&[&path]).unwrap_err();
    match &error {
        ReadError::MissingColumn { path: p, column } => {
            assert_eq!(p, &path);
            assert_eq!(*column, "api_call_status");
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("run.csv") && text.contains("`api_call_status`"),
        "{text}"
    );
}

#[test]
fn the_older_inference_profile_column_is_accepted() {
    let dir = TempDir::new("alias");
    let header = python_header().replace("performance_config", "inference_profile");
    let rows = good(2);
    let path = dir.write("run.csv", &format!("{header}\n{}\n", rows.join("\n")));
    let dataset = read_paths(&[&path]).expect("read");
    assert_eq!(dataset.attempts().len(), 2);
}

#[test]
fn a_bad_number_names_file_line_column_expected_and_found() {
    let dir = TempDir::new("badnum");
    let mut rows = good(5);
    rows[2] = python_row("abc", "1.0", "10", "50", "m", "standard", "x", "Success");
    let path = dir.write("run.csv", &file_with(&rows));
    let error = read_paths(&[&path]).unwrap_err();
    match &error {
        ReadError::BadValue {
            path: p,
            line,
            column,
            found,
            ..
        } => {
            assert_eq!(p, &path);
            assert_eq!(*line, 4, "header is line 1, the third row line 4");
            assert_eq!(*column, "time_to_first_byte");
            assert_eq!(found, "abc");
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.ends_with("run.csv:4: column `time_to_first_byte`: expected a duration in seconds (a number >= 0, or empty), found `abc`"),
        "{text}"
    );
}

#[test]
fn fractional_or_negative_tokens_and_negative_times_are_errors() {
    let dir = TempDir::new("tokens");
    for (row, column, found) in [
        (
            python_row("0.5", "1.0", "10.5", "50", "m", "", "x", "Success"),
            "model_input_tokens",
            "10.5",
        ),
        (
            python_row("0.5", "1.0", "10", "-3", "m", "", "x", "Success"),
            "model_output_tokens",
            "-3",
        ),
        (
            python_row("0.5", "-1.0", "10", "50", "m", "", "x", "Success"),
            "time_to_last_byte",
            "-1.0",
        ),
        (
            python_row("0.5", "1.0", "10", "50", "m", "", "x", ""),
            "api_call_status",
            "",
        ),
    ] {
        let path = dir.write("run.csv", &file_with(&[row]));
        match read_paths(&[&path]).unwrap_err() {
            ReadError::BadValue {
                line,
                column: c,
                found: f,
                expected,
                ..
            } => {
                assert_eq!((line, c, f.as_str()), (2, column, found));
                assert!(!expected.is_empty());
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn a_bad_delta_offset_in_our_format_is_an_error() {
    let dir = TempDir::new("offsets");
    let header = format!("{},target,delta_offsets", python_header());
    let row = python_row("0.5", "1.0", "10", "50", "m", "", "x", "Success");
    let path = dir.write(
        "run.csv",
        &format!("{header}\n{row},aws,0.5 0.6\n{row},aws,0.5 0.4\n"),
    );
    match read_paths(&[&path]).unwrap_err() {
        ReadError::BadValue {
            line,
            column,
            found,
            ..
        } => assert_eq!(
            (line, column, found.as_str()),
            (3, "delta_offsets", "0.5 0.4")
        ),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_an_error_with_its_line() {
    let dir = TempDir::new("fields");
    // In the middle of the file (a last row that short is skipped as
    // incomplete: see analyze_trust.rs), and a last row with too many.
    for (at, bad, found) in [
        (2, "0.5,1.0,truncated".to_string(), 3),
        (3, format!("{},extra", good(1)[0]), 20),
    ] {
        let mut rows = good(3);
        rows.insert(at, bad);
        let path = dir.write("run.csv", &file_with(&rows));
        match read_paths(&[&path]).unwrap_err() {
            ReadError::Malformed { line, message, .. } => {
                assert_eq!(line, at as u64 + 2);
                assert!(
                    message.contains(&format!(
                        "expected 19 fields as in the header, found {found}"
                    )),
                    "{message}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn line_numbers_hold_across_blocks_and_quoted_line_breaks() {
    let dir = TempDir::new("lines");
    let mut rows = good(60);
    // Error messages with line breaks inside quotes take two lines each.
    for i in [3, 17, 31] {
        rows[i] = python_row(
            "",
            "0.2",
            "",
            "",
            "m",
            "standard",
            &format!("q{i}"),
            "ThrottlingException",
        )
        .replace(
            "\"An error, with a comma\"",
            "\"line one\nline two, \"\"quoted\"\"\"",
        );
    }
    rows[50] = python_row("0.5", "1.0", "10", "fifty", "m", "standard", "x", "Success");
    let path = dir.write("run.csv", &file_with(&rows));
    // Row 50 (0-based) is record 52 counting the header, plus 3 extra lines.
    for block_size in [1, 7, 64, 300, 1 << 20] {
        let options = ReadOptions {
            threads: 2,
            block_size,
            ..ReadOptions::default()
        };
        match read_paths_with(&[&path], &options).unwrap_err() {
            ReadError::BadValue { line, column, .. } => {
                assert_eq!(
                    (line, column),
                    (55, "model_output_tokens"),
                    "block {block_size}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // Without the bad row, every row is read, whatever the block size.
    rows.remove(50);
    let path = dir.write("ok.csv", &file_with(&rows));
    for block_size in [1, 7, 64, 300] {
        let options = ReadOptions {
            threads: 3,
            block_size,
            ..ReadOptions::default()
        };
        let dataset = read_paths_with(&[&path], &options).expect("read");
        assert_eq!(dataset.attempts().len(), 59);
    }
}

#[test]
fn the_first_error_in_file_order_is_the_one_reported() {
    let dir = TempDir::new("first");
    let mut a = good(40);
    a[30] = python_row("0.5", "x", "10", "50", "m", "", "i", "Success");
    let mut b = good(5);
    b[0] = python_row("y", "1.0", "10", "50", "m", "", "i", "Success");
    let first = dir.write("a.csv", &file_with(&a));
    dir.write("b.csv", &file_with(&b));
    for _ in 0..5 {
        let options = ReadOptions {
            threads: 3,
            block_size: 50,
            ..ReadOptions::default()
        };
        match read_paths_with(&[dir.path()], &options).unwrap_err() {
            ReadError::BadValue { path, line, .. } => assert_eq!((path, line), (first.clone(), 32)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn missing_paths_and_empty_directories_say_where_they_looked() {
    let dir = TempDir::new("none");
    let missing = dir.path().join("results");
    let error = read_paths(&[&missing]).unwrap_err();
    assert!(matches!(error, ReadError::NotFound { .. }));
    assert!(error.to_string().contains("results"), "{error}");

    std::fs::create_dir_all(&missing).expect("mkdir");
    dir.write("results/notes.txt", "not a csv");
    let error = read_paths(&[&missing]).unwrap_err();
    assert!(matches!(error, ReadError::NoInput { .. }));
    let text = error.to_string();
    assert!(
        text.contains("results") && text.contains("bedrock-bench run"),
        "{text}"
    );
}

#[test]
fn an_empty_file_is_skipped_with_a_warning_and_a_file_named_twice_is_read_once() {
    let dir = TempDir::new("empty");
    dir.write("results/a_empty.csv", "");
    let b = dir.write("results/b.csv", &file_with(&good(2)));
    let dataset = read_paths(&[dir.path().join("results"), b.clone()]).expect("read");
    assert_eq!(dataset.attempts().len(), 2);
    assert_eq!(dataset.sources().len(), 1);
    let warnings = dataset.warnings().join("\n");
    assert!(warnings.contains("a_empty.csv: empty file"), "{warnings}");
    assert!(
        warnings.contains("b.csv: named twice, read once"),
        "{warnings}"
    );
}
