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
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => WriteError::Exists {
            path: shown.clone(),
        },
        _ => WriteError::Io {
            path: shown.clone(),
            source,
        },
    })?;
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
