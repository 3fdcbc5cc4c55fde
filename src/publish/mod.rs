//! One publish step for what a command found: every output written in one
//! order, each failure reported while the outputs after it are still
//! written, so that nothing already computed is lost.
//!
//! ```text
//! analysis (analyze, cargo bench)     terminal tables -> summary CSV -> extended CSV
//!                                       -> comparison CSV -> charts and report page
//!                                       -> the list of what was written
//! sweep                               sweep.csv after every step; at the end the
//!                                       steps' table, the chart and the page
//! ```

pub mod analysis;
pub mod sweep;

use std::fmt;
use std::path::PathBuf;

use crate::report::ReportError;

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The analysis's CSVs could not be created.
    #[error("creating the analysis files under {}", dir.display())]
    CreateCsvs {
        /// Their directory.
        dir: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A CSV could not be written whole.
    #[error("writing the {label} {}", path.display())]
    Csv {
        /// What it is (`summary CSV`...).
        label: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The charts or a report page could not be written.
    #[error("writing the charts and the report under {}", dir.display())]
    Report {
        /// The report's directory.
        dir: PathBuf,
        /// Why.
        source: ReportError,
    },
    /// The tables could not be printed.
    #[error("printing the tables")]
    Terminal {
        /// The OS error.
        source: std::io::Error,
    },
}

/// Every output that could not be written, in the order they were tried.
#[derive(Debug, Default)]
pub struct PublishErrors(pub Vec<PublishError>);

impl PublishErrors {
    /// Whether every output was written.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for PublishErrors {
    /// Each failure with its causes, `: `-separated; failures `; `-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}", chain(error))?;
        }
        Ok(())
    }
}

impl std::error::Error for PublishErrors {}

/// `error` and each of its causes, `: `-separated.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_is_named_with_its_cause() {
        let errors = PublishErrors(vec![
            PublishError::Csv {
                label: "summary CSV",
                path: PathBuf::from("r/analysis_summary_x.csv"),
                source: std::io::Error::other("disk full"),
            },
            PublishError::Terminal {
                source: std::io::Error::other("broken pipe"),
            },
        ]);
        assert_eq!(
            errors.to_string(),
            "writing the summary CSV r/analysis_summary_x.csv: disk full; printing the tables: broken pipe"
        );
    }
}
