//! What can go wrong while drawing and writing charts.

use std::path::PathBuf;

/// A chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// plotters failed to draw (a backend or font error).
    #[error("drawing the chart {chart}: {message}")]
    Draw {
        /// The chart's file stem.
        chart: String,
        /// plotters' message.
        message: String,
    },
    /// The PNG encoder failed.
    #[error("encoding {chart} as PNG: {message}")]
    Encode {
        /// The chart's file stem.
        chart: String,
        /// The encoder's message.
        message: String,
    },
    /// A file or directory could not be written.
    #[error("writing {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}
