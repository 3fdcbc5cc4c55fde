//! Why a calibration could not run or finish.

use std::path::PathBuf;

use crate::config::ConfigErrors;
use crate::runner::RunError;

/// Why [`calibrate`](super::calibrate) stopped with an error. A variant
/// that wraps an OS or parse error says what was being done and returns
/// the cause from [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// The output directory could not be created.
    #[error("creating {}", dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The emulator's profile file could not be written.
    #[error("writing the emulator profile")]
    WriteProfile {
        /// The OS error.
        source: std::io::Error,
    },
    /// The emulator process did not start.
    #[error("starting the emulator process")]
    StartEmulator {
        /// The OS error.
        source: std::io::Error,
    },
    /// The client's runtime did not start.
    #[error("starting the runtime")]
    Runtime {
        /// The OS error.
        source: std::io::Error,
    },
    /// The generated scenarios do not load (a model id the configuration
    /// refuses).
    #[error("{0}")]
    Scenarios(ConfigErrors),
    /// The warm-up run failed.
    #[error("the warm-up failed: {0}")]
    WarmUp(RunError),
    /// Some warm-up calls failed.
    #[error("{failed} of {attempts} warm-up calls failed")]
    WarmUpCalls {
        /// Failed calls.
        failed: u64,
        /// Calls made.
        attempts: u64,
    },
    /// The emulator's counters could not be reset.
    #[error("resetting the emulator's counters")]
    ResetCounters {
        /// The OS or protocol error.
        source: std::io::Error,
    },
    /// The measured run failed.
    #[error("the calibration run failed: {0}")]
    Run(RunError),
    /// The emulator's counters could not be read.
    #[error("reading the emulator's counters")]
    ReadCounters {
        /// The OS or protocol error.
        source: std::io::Error,
    },
    /// The ground-truth file could not be read.
    #[error("reading {}", path.display())]
    ReadGroundTruth {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A ground-truth line is not a record.
    #[error("{}:{line}: a ground-truth line", path.display())]
    GroundTruthLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Why it does not parse.
        source: serde_json::Error,
    },
}
