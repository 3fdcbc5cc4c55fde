//! The raw-CSV sink: one file per run, each row appended and flushed as
//! its call ends.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::report::{RunEvent, RunSink};
use crate::export::RawCsvWriter;

/// A raw CSV written by a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFile {
    /// The file.
    pub path: PathBuf,
    /// Rows written to it.
    pub rows: u64,
}

/// Writes `dir/run_<run_id>.csv` for each run.
#[derive(Debug)]
pub struct CsvSink {
    dir: PathBuf,
    current: Option<RawCsvWriter>,
    files: Arc<Mutex<Vec<RunFile>>>,
}

impl CsvSink {
    /// A sink writing into `dir`, and the shared list of the files it wrote.
    pub fn new(dir: PathBuf) -> (Self, Arc<Mutex<Vec<RunFile>>>) {
        let files = Arc::new(Mutex::new(Vec::new()));
        let sink = CsvSink {
            dir,
            current: None,
            files: Arc::clone(&files),
        };
        (sink, files)
    }

    fn close_current(&mut self) -> Result<(), String> {
        if let Some(writer) = self.current.take() {
            let path = writer.path().to_path_buf();
            writer
                .finish()
                .map_err(|e| format!("cannot finish {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn note_rows(&self, rows: u64) {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(last) = files.last_mut() {
            last.rows = rows;
        }
    }
}

impl RunSink for CsvSink {
    fn event(&mut self, event: &RunEvent) -> Result<(), String> {
        match event {
            RunEvent::RunStarted { run_id, .. } => {
                self.close_current()?;
                let writer = RawCsvWriter::create(&self.dir, run_id).map_err(|e| {
                    format!("cannot create a raw CSV in {}: {e}", self.dir.display())
                })?;
                self.files
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(RunFile {
                        path: writer.path().to_path_buf(),
                        rows: 0,
                    });
                self.current = Some(writer);
            }
            RunEvent::CallFinished(row) => {
                let Some(writer) = self.current.as_mut() else {
                    return Err("a call finished outside of a run".into());
                };
                writer
                    .write_row(row)
                    .map_err(|e| format!("cannot write to {}: {e}", writer.path().display()))?;
                let rows = writer.rows();
                self.note_rows(rows);
            }
            RunEvent::RunFinished { .. } => self.close_current()?,
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), String> {
        self.close_current()
    }
}
