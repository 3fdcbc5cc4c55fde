//! Tests of the trace reader: formats, problems, windows and speed-ups,
//! and (ignored) the time to open a million records.

mod errors;
mod formats;
mod speed;
mod window;

use std::path::PathBuf;
use std::time::Duration;

use super::{Trace, TraceFormat};

/// A directory of its own for one test, removed when dropped.
struct TestDir {
    /// Its path.
    path: PathBuf,
}

impl TestDir {
    /// A new, empty directory for the test `name`.
    fn new(name: &str) -> TestDir {
        let path = std::env::temp_dir().join(format!("bb-trace-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test directory");
        TestDir { path }
    }

    /// `contents` written to `file` in this directory.
    fn write(&self, file: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(file);
        std::fs::write(&path, contents).expect("write a test file");
        path
    }

    /// `text` with this directory's path (and the separator after it)
    /// left out, so that messages read `trace.csv:3: ...`.
    fn relative(&self, text: &str) -> String {
        let prefix = format!("{}{}", self.path.display(), std::path::MAIN_SEPARATOR);
        text.replace(&prefix, "")
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The trace `contents` written as `file` (in a directory for `test`),
/// opened as `format`.
fn open(
    test: &str,
    file: &str,
    contents: &str,
    format: Option<TraceFormat>,
) -> Result<Trace, String> {
    let dir = TestDir::new(test);
    let path = dir.write(file, contents);
    Trace::open(&path, format).map_err(|error| dir.relative(&error.to_string()))
}

/// The message of opening `contents` as `file`, which must fail.
fn error(test: &str, file: &str, contents: &str, format: Option<TraceFormat>) -> String {
    match open(test, file, contents, format) {
        Ok(trace) => panic!("{file} opened, with {} records", trace.len()),
        Err(message) => message,
    }
}

/// Each record's instant.
fn instants(trace: &Trace) -> Vec<Duration> {
    trace.records().iter().map(|record| record.at).collect()
}

/// Milliseconds as a duration.
fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}
