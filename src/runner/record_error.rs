//! Why a run could not record: a raw CSV that could not be created,
//! written or finished, or a sink that failed.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Why a [`RunSink`](super::RunSink) could not handle an event or finish.
/// Any error converts into it; it shows (and has the causes of) the error
/// it wraps.
#[derive(Debug)]
pub struct SinkError(Box<dyn std::error::Error + Send + Sync>);

impl SinkError {
    /// Wrap an error, or a message (`SinkError::new("disk full")`).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        SinkError(error.into())
    }
}

impl fmt::Display for SinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for SinkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Why recording failed, so the run stopped (see
/// [`RunError::Report`](super::RunError::Report)). The OS errors are
/// shared so that the first error can be both kept and returned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RecordError {
    /// A run's raw CSV could not be created.
    #[error("cannot create a raw CSV in {}: {error}", dir.display())]
    Create {
        /// The directory.
        dir: PathBuf,
        /// The OS error.
        error: Arc<std::io::Error>,
    },
    /// A call's request could not be built (a dataset's record could not
    /// be read again): the run stops rather than send something else.
    #[error("cannot build the request of {scenario}: {message}")]
    Request {
        /// The scenario.
        scenario: String,
        /// Why.
        message: String,
    },
    /// A call ended while no run's file was open.
    #[error("a call finished outside of a run")]
    OutsideRun,
    /// A row could not be written.
    #[error("cannot write to {}: {error}", path.display())]
    Write {
        /// The raw CSV.
        path: PathBuf,
        /// The OS error.
        error: Arc<std::io::Error>,
    },
    /// A raw CSV could not be synced to disk.
    #[error("cannot finish {}: {error}", path.display())]
    Finish {
        /// The raw CSV.
        path: PathBuf,
        /// The OS error.
        error: Arc<std::io::Error>,
    },
    /// A sink failed.
    #[error(transparent)]
    Sink(Arc<SinkError>),
    /// The reporter thread panicked.
    #[error("the report thread panicked")]
    ReporterPanicked,
    /// A sink failed, and its error was not kept.
    #[error("a sink failed")]
    SinkFailed,
}
