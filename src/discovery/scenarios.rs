//! A scenarios file (`scenarios_config.jsonl`, the Python tool's format)
//! for the models listed: one `standard` scenario per model and, where the
//! region offers it, one `optimized`, each with the id the model is
//! called with in the region (an inference profile where it needs one),
//! and the prompt and output length of the Python tool's shipped file.

use std::io::Write;
use std::path::Path;

use super::ModelRow;

/// The prompt of the Python tool's shipped scenarios.
pub const PROMPT: &str = "Explain the concept of machine learning in simple terms.";
/// The output length of the Python tool's shipped scenarios.
pub const EXPECTED_OUTPUT_TOKENS: u32 = 50;
/// The task type of the Python tool's shipped scenarios.
pub const TASK_TYPE: &str = "Text-Generation";

/// Why the file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file exists and overwriting was not asked for.
    #[error("{path} exists; it was left as it is (pass --force to replace it)")]
    Exists {
        /// The file.
        path: String,
    },
    /// No row can be called in the region (or none was chosen).
    #[error("no chosen model can be called in the region, so no scenario was written")]
    Empty,
    /// `--force` names something that is not a regular file (a FIFO, a
    /// device): it is left alone.
    #[error("{path} is not a regular file; it was left as it is")]
    NotRegular {
        /// The file.
        path: String,
    },
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The scenario lines for `rows`: `optimized` first then `standard` per
/// model, as in the Python tool's file; rows without an id to call or
/// that do not stream are skipped.
pub fn scenario_lines(rows: &[ModelRow]) -> Vec<String> {
    let mut lines = Vec::new();
    for row in rows.iter().filter(|r| r.streaming) {
        let Some(id) = &row.invoke_id else {
            continue;
        };
        let performances: &[&str] = if row.optimized {
            &["optimized", "standard"]
        } else {
            &["standard"]
        };
        for performance in performances {
            let text = |s: &str| serde_json::Value::from(s).to_string();
            lines.push(format!(
                "{{\"text_prompt\": {}, \"expected_output_tokens\": {EXPECTED_OUTPUT_TOKENS}, \"task_type\": {}, \"model_id\": {}, \"region\": {}, \"performance_config\": {}}}",
                text(PROMPT),
                text(TASK_TYPE),
                text(id),
                text(&row.region),
                text(performance),
            ));
        }
    }
    lines
}

/// Write the scenarios of `rows` to `path`, a new file unless `force`
/// (an existing file is never replaced otherwise). Returns the number of
/// scenarios written.
pub fn write(path: &Path, rows: &[ModelRow], force: bool) -> Result<usize, WriteError> {
    let lines = scenario_lines(rows);
    if lines.is_empty() {
        return Err(WriteError::Empty);
    }
    let shown = path.display().to_string();
    if force && crate::side_file::not_regular(path).is_some() {
        return Err(WriteError::NotRegular { path: shown });
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        // Truncated below, once the handle is known to be a regular file.
        options.create(true).truncate(false);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        // Opening a FIFO must not wait for a reader.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => WriteError::Exists {
            path: shown.clone(),
        },
        _ => io(source),
    })?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(WriteError::NotRegular { path: shown });
    }
    file.set_len(0).map_err(io)?;
    let mut text = lines.join("\n");
    text.push('\n');
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| WriteError::Io {
            path: shown,
            source,
        })?;
    Ok(lines.len())
}
