//! A full disk, made real with the file-size limit (RLIMIT_FSIZE): writes
//! past it fail as they would on a full disk, after writing what fits. The
//! raw CSV must keep only whole rows, and a run must stop and count the
//! calls that have no row.
//!
//! The limit applies to every file the process writes, its own stdout
//! included when that is a file (as when a test log is redirected), so
//! each limited part runs in a child process: this test binary again,
//! running one `child_*` test with `BB_FULL_DISK_CHILD` set and its
//! output piped. The limit is thus never set in the test binary's own
//! process, which runs every other test beside these.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_bench::config::{Experiment, parse_scenarios};
use bedrock_bench::export::RawCsvWriter;

use crate::fixture;
use bedrock_bench::runner::{Backoff, RunError};
use common::*;

/// Set in the child process, naming its work directory.
const CHILD_ENV: &str = "BB_FULL_DISK_CHILD";

/// The full name of this module's test `name` as the test binary knows it
/// (`full_disk::child_run`: the module path without the binary's name).
fn test_name(name: &str) -> String {
    let module = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_, module)| module);
    format!("{module}::{name}")
}

/// Run this module's test `name` in a child process (this test binary,
/// filtered to that one test) with [`CHILD_ENV`] = `dir`; panics with its
/// output unless it passes.
fn run_child(name: &str, dir: &Path) {
    let name = test_name(name);
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", &name, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{name} failed in its child process:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A renamed or filtered-out child runs nothing and exits 0: exactly one
    // test must have run and passed.
    assert!(
        stdout.contains("running 1 test") && stdout.contains("test result: ok. 1 passed"),
        "{name}: exactly one child test must run and pass:\n{stdout}"
    );
}

/// The work directory when running as the child, `None` in the parent.
fn child_dir() -> Option<PathBuf> {
    std::env::var_os(CHILD_ENV).map(PathBuf::from)
}

/// Files may grow to `bytes` until the guard is dropped. SIGXFSZ, which
/// would kill the process at the limit, is ignored so that the write fails
/// with EFBIG instead.
struct FileSizeLimit;

impl FileSizeLimit {
    fn set(bytes: u64) -> FileSizeLimit {
        // SAFETY: plain system calls on this process's own settings.
        unsafe {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: libc::RLIM_INFINITY,
            };
            assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
        }
        FileSizeLimit
    }
}

impl Drop for FileSizeLimit {
    fn drop(&mut self) {
        let limit = libc::rlimit {
            rlim_cur: libc::RLIM_INFINITY,
            rlim_max: libc::RLIM_INFINITY,
        };
        // SAFETY: as above.
        unsafe {
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
        }
    }
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::dirs::absent_dir("fulldisk", name)
}

/// Every line of the file is a whole row: the header's field count, the
/// last line terminated.
fn assert_whole_rows(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("readable");
    assert!(text.ends_with('\n'), "the file ends on a whole row");
    let mut reader = csv::Reader::from_path(path).expect("opens");
    let fields = reader.headers().expect("header").len();
    reader
        .records()
        .map(|record| {
            let record = record.expect("a whole CSV record");
            assert_eq!(record.len(), fields, "a whole row");
        })
        .count()
}

#[test]
fn a_row_that_does_not_fit_leaves_no_part_of_itself() {
    let dir = temp_dir("writer");
    std::fs::create_dir_all(&dir).expect("dir");
    run_child("child_writer", &dir);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn child_writer() {
    let Some(dir) = child_dir() else {
        return;
    };
    let mut writer = RawCsvWriter::create(&dir, "20260101_000000").expect("create");
    let row = fixture::FixtureRow {
        model: "m".into(),
        api_call_status: "Success".into(),
        full_error_message: "x".repeat(300),
        delta_offsets: "0.100000 0.200000 0.300000".into(),
        ..fixture::FixtureRow::default()
    }
    .record(std::time::Instant::now());
    let header = std::fs::metadata(writer.path()).expect("meta").len();
    // Room for the header, two rows and part of a third.
    writer.write(&row).expect("first row");
    let one_row = std::fs::metadata(writer.path()).expect("meta").len() - header;
    let limit = FileSizeLimit::set(header + 2 * one_row + one_row / 2);
    writer.write(&row).expect("second row fits");
    let error = writer.write(&row).expect_err("the third row does not fit");
    drop(limit);
    assert_eq!(
        error.raw_os_error(),
        Some(libc::EFBIG),
        "the write failed as on a full disk: {error}"
    );
    assert_eq!(writer.rows(), 2);
    assert_eq!(assert_whole_rows(writer.path()), 2);
    // Once there is room again, rows continue whole.
    writer.write(&row).expect("room again");
    assert_eq!(assert_whole_rows(writer.path()), 3);
}

#[test]
fn a_run_on_a_full_disk_stops_and_counts_the_calls_without_a_row() {
    let dir = temp_dir("run");
    std::fs::create_dir_all(&dir).expect("dir");
    run_child("child_run", &dir);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn child_run() {
    let Some(dir) = child_dir() else {
        return;
    };
    let emulator = start_emulator(
        uniform(fixed_model(
            fixed_profile(0.01, 2000.0, 2, 8),
            fixed_profile(0.01, 2000.0, 2, 8),
        )),
        0.0,
    );
    let scenarios = parse_scenarios(
        "{\"text_prompt\": \"Hi\", \"expected_output_tokens\": 8, \"model_id\": \"us.amazon.nova-pro-v1:0\", \"region\": \"us-east-2\"}\n",
        "s.jsonl",
        Path::new("."),
    )
    .expect("scenarios")
    .value;
    let experiment = Experiment {
        invocations_per_scenario: 1000,
        call_timeout: Duration::from_secs_f64(10.0),
        ..Experiment::default()
    };
    let mut options = Job::new(scenarios, experiment, dir).seed(1);
    options.controls = options.controls.backoff(Backoff {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(1),
    });
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // About ten rows fit after the header.
    let limit = FileSizeLimit::set(6_000);
    let outcome = runtime.block_on(options.run(Arc::new(clients(&emulator))));
    drop(limit);
    let Err(error @ RunError::Report { .. }) = outcome else {
        panic!("the run must stop on the write error: {outcome:?}");
    };
    let message = error.to_string();
    let RunError::Report { summary, .. } = error else {
        unreachable!()
    };
    assert!(summary.unwritten_rows >= 1, "{message}");
    assert!(summary.attempts < 1000, "the run stopped: {message}");
    let written = assert_whole_rows(&summary.files[0].path);
    assert_eq!(written as u64, summary.files[0].rows);
    assert_eq!(
        written as u64 + summary.unwritten_rows,
        summary.attempts,
        "every call has a row or is counted as having none"
    );
    assert!(
        message.contains("cannot write to")
            && message.contains(&format!("{} call(s) have no row", summary.unwritten_rows)),
        "{message}"
    );
}
