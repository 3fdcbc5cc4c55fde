//! The ground-truth file: one JSON line per record, each written with a
//! single `write_all`, and failures that are never silent.
//!
//! A record that cannot be written (full disk, file size limit, I/O error)
//! is counted as lost; the first failure is reported on stderr at once with
//! the file and the OS error. A line cut short by the failure is removed by
//! truncating the file back to its last complete line, so that the file
//! only ever holds whole records. If even that fails, nothing more is
//! written to it (every later record is counted as lost) rather than
//! gluing records onto a broken line.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// Ground-truth records that did not reach the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroundTruthErrors {
    /// Writes that failed.
    pub write_errors: u64,
    /// Records missing from the file (every failed write, plus the records
    /// not even tried once the file could not be repaired).
    pub records_lost: u64,
    /// The first failure, as reported on stderr.
    pub first_error: Option<String>,
}

impl GroundTruthErrors {
    /// Whether any record is missing from the file.
    pub fn any_lost(&self) -> bool {
        self.records_lost > 0
    }
}

/// Where the lines go: a real file (which can be repaired by truncation),
/// or, in tests, any writer.
enum Target {
    File(File),
    #[cfg(test)]
    Writer(Box<dyn Write + Send>),
}

/// The ground-truth file and its error counts.
pub struct GroundTruthFile {
    target: Target,
    /// The file's name in messages.
    name: String,
    /// Bytes of complete lines written so far.
    complete_len: u64,
    /// A partial line could not be removed: write nothing more.
    broken: bool,
    errors: GroundTruthErrors,
}

impl std::fmt::Debug for GroundTruthFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroundTruthFile")
            .field("name", &self.name)
            .field("complete_len", &self.complete_len)
            .field("broken", &self.broken)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl GroundTruthFile {
    /// Create `path`; an existing file is an `AlreadyExists` error, never
    /// overwritten.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        Ok(Self::new(Target::File(file), path.display().to_string()))
    }

    /// Write to `writer`, called `name` in messages. A failed write cannot
    /// be undone on a plain writer, so its partial line stays and nothing
    /// more is written. A test seam.
    #[cfg(test)]
    pub fn from_writer(writer: Box<dyn Write + Send>, name: &str) -> Self {
        Self::new(Target::Writer(writer), name.to_string())
    }

    fn new(target: Target, name: String) -> Self {
        GroundTruthFile {
            target,
            name,
            complete_len: 0,
            broken: false,
            errors: GroundTruthErrors::default(),
        }
    }

    /// Write one line (`line` ends with its newline). On failure the
    /// record is counted as lost, the first failure is reported on stderr,
    /// and the file is cut back to its last complete line.
    pub fn write_line(&mut self, line: &[u8]) {
        if self.broken {
            self.errors.records_lost += 1;
            return;
        }
        let written = match &mut self.target {
            Target::File(file) => file.write_all(line),
            #[cfg(test)]
            Target::Writer(writer) => writer.write_all(line).and_then(|()| writer.flush()),
        };
        match written {
            Ok(()) => self.complete_len += line.len() as u64,
            Err(error) => self.write_failed(&error),
        }
    }

    /// Count a record that could not be written because of `error`, report
    /// the first such failure, and cut the file back to its last complete
    /// line.
    pub fn write_failed(&mut self, error: &std::io::Error) {
        self.errors.write_errors += 1;
        self.errors.records_lost += 1;
        let repair = match &mut self.target {
            Target::File(file) => file
                .set_len(self.complete_len)
                .and_then(|()| file.seek(SeekFrom::Start(self.complete_len)))
                .map(|_| ()),
            #[cfg(test)]
            Target::Writer(_) => Err(std::io::Error::other(
                "a partial line cannot be removed from this writer",
            )),
        };
        if self.errors.first_error.is_none() {
            let message = format!(
                "emulator: cannot write ground truth to {}: {error}; {} record{} lost so far \
                 (GET /_emulator/stats counts them; free space or name another file)",
                self.name,
                self.errors.records_lost,
                if self.errors.records_lost == 1 {
                    ""
                } else {
                    "s"
                },
            );
            eprintln!("{message}");
            self.errors.first_error = Some(message);
        }
        if let Err(repair_error) = repair {
            self.broken = true;
            eprintln!(
                "emulator: cannot remove a partial line from {}: {repair_error}; \
                 no more ground truth is written to it",
                self.name
            );
        }
    }

    /// The failures so far.
    pub fn errors(&self) -> &GroundTruthErrors {
        &self.errors
    }

    /// Flush a writer target (a file is written through; nothing to do).
    pub fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.target {
            Target::File(_) => Ok(()),
            #[cfg(test)]
            Target::Writer(writer) => writer.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Accepts `room` bytes (the last write partially), then fails like a
    /// full disk; what it accepted is visible through `written`.
    struct FillsUp {
        room: usize,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for FillsUp {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut written = self.written.lock().expect("lock");
            let left = self.room.saturating_sub(written.len());
            if left == 0 {
                return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let n = left.min(buf.len());
            written.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_counts_every_lost_record_and_keeps_the_first_error() {
        let written = Arc::new(Mutex::new(Vec::new()));
        let writer = FillsUp {
            room: 25,
            written: Arc::clone(&written),
        };
        let mut file = GroundTruthFile::from_writer(Box::new(writer), "test.jsonl");
        file.write_line(b"{\"n\":1}\n"); // 8 bytes
        file.write_line(b"{\"n\":2}\n"); // 16
        assert_eq!(file.errors(), &GroundTruthErrors::default());
        file.write_line(b"{\"n\":3, \"long\": true}\n"); // partial, then ENOSPC
        file.write_line(b"{\"n\":4}\n");
        file.write_line(b"{\"n\":5}\n");
        let errors = file.errors().clone();
        assert_eq!(errors.write_errors, 1, "a writer that cannot be repaired");
        assert_eq!(errors.records_lost, 3);
        assert!(errors.any_lost());
        let message = errors.first_error.expect("reported");
        assert!(message.contains("test.jsonl"), "{message}");
        assert!(message.contains("os error 28"), "{message}");
        assert!(message.contains("1 record lost so far"), "{message}");
        // Nothing was glued after the broken line.
        assert_eq!(written.lock().expect("lock").len(), 25);
    }

    #[test]
    fn a_file_keeps_only_complete_lines() {
        // What a write that fails half-way leaves behind (a partial line)
        // is made by hand here; tests/it/emulator_process.rs makes real writes
        // fail with a file size limit.
        let path = std::env::temp_dir().join(format!(
            "bb-gt-repair-{}-{:?}.jsonl",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_file(&path);
        let mut file = GroundTruthFile::create(&path).expect("creates");
        file.write_line(b"{\"n\":1}\n");
        if let Target::File(f) = &mut file.target {
            f.write_all(b"{\"n\":2, \"cut").expect("partial line");
        }
        file.write_failed(&std::io::Error::from_raw_os_error(28));
        file.write_line(b"{\"n\":3}\n");
        let text = std::fs::read_to_string(&path).expect("reads");
        assert_eq!(text, "{\"n\":1}\n{\"n\":3}\n");
        assert_eq!(file.errors().write_errors, 1);
        assert_eq!(file.errors().records_lost, 1);
        let _ = std::fs::remove_file(&path);
    }
}
