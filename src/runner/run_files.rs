//! The raw CSVs of a run: one file per run, each row written whole by the
//! worker whose call it is, before that worker does anything else. A call
//! is in flight until its row is on disk, so a SIGKILL loses only calls in
//! flight. A row that cannot be written (a full disk) stops the run, and
//! every call left without a row is counted.
//!
//! A shard's files carry the shard in their names,
//! `run_<run id>_shard-<I>-of-<N>.csv`, so that the files of N machines
//! copied into one directory never collide.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::record_error::RecordError;
use crate::record::{AttemptRecord, RawCsvWriter, RunFile};

/// The current run's file and the files written so far.
#[derive(Debug)]
pub struct RunFiles {
    dir: PathBuf,
    suffix: String,
    current: Mutex<Option<RawCsvWriter>>,
    files: Mutex<Vec<RunFile>>,
    first_error: Mutex<Option<RecordError>>,
    unwritten: AtomicU64,
}

impl RunFiles {
    /// Files go into `dir` (created on the first run).
    pub fn new(dir: PathBuf) -> Self {
        RunFiles {
            dir,
            suffix: String::new(),
            current: Mutex::new(None),
            files: Mutex::new(Vec::new()),
            first_error: Mutex::new(None),
            unwritten: AtomicU64::new(0),
        }
    }

    /// The same, with `suffix` after the run id in every file name.
    pub fn with_suffix(mut self, suffix: String) -> Self {
        self.suffix = suffix;
        self
    }

    /// Open `run_<run_id><suffix>.csv` for the next run.
    pub fn start_run(&self, run_id: &str) -> Result<(), RecordError> {
        self.finish_run()?;
        let name = format!("{run_id}{}", self.suffix);
        let writer = RawCsvWriter::create(&self.dir, &name).map_err(|error| {
            self.fail(RecordError::Create {
                dir: self.dir.clone(),
                error: Arc::new(error),
            })
        })?;
        lock(&self.files).push(RunFile {
            path: writer.path().to_path_buf(),
            rows: 0,
        });
        *lock(&self.current) = Some(writer);
        Ok(())
    }

    /// Append one row, whole. A row that cannot be written is counted in
    /// [`RunFiles::unwritten`].
    pub fn write(&self, record: &AttemptRecord) -> Result<(), RecordError> {
        let mut current = lock(&self.current);
        let Some(writer) = current.as_mut() else {
            self.unwritten.fetch_add(1, Ordering::SeqCst);
            return Err(self.fail(RecordError::OutsideRun));
        };
        writer.write(record).map_err(|error| {
            self.unwritten.fetch_add(1, Ordering::SeqCst);
            self.fail(RecordError::Write {
                path: writer.path().to_path_buf(),
                error: Arc::new(error),
            })
        })?;
        let rows = writer.rows();
        if let Some(last) = lock(&self.files).last_mut() {
            last.rows = rows;
        }
        Ok(())
    }

    /// Close the current file (synced to disk), if any.
    pub fn finish_run(&self) -> Result<(), RecordError> {
        if let Some(writer) = lock(&self.current).take() {
            let path = writer.path().to_path_buf();
            writer.finish().map_err(|error| {
                self.fail(RecordError::Finish {
                    path,
                    error: Arc::new(error),
                })
            })?;
        }
        Ok(())
    }

    /// Every file written, with its row count.
    pub fn files(&self) -> Vec<RunFile> {
        lock(&self.files).clone()
    }

    /// Calls whose row could not be written.
    pub fn unwritten(&self) -> u64 {
        self.unwritten.load(Ordering::SeqCst)
    }

    /// The first write error, if any (the run stops at the first one).
    pub fn error(&self) -> Option<RecordError> {
        lock(&self.first_error).clone()
    }

    /// Stop recording because of `error` (kept as the run's first error
    /// unless one came before).
    pub fn stop_with(&self, error: RecordError) {
        self.fail(error);
    }

    fn fail(&self, error: RecordError) -> RecordError {
        lock(&self.first_error).get_or_insert_with(|| error.clone());
        error
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
