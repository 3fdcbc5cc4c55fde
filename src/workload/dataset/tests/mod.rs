//! Tests of the dataset reader: the formats in both file forms, the
//! rules and their messages, the array scanner, the estimates, and a
//! timing of a large file (ignored by default).

mod estimates;
mod file_forms;
mod formats;
mod rules;
mod speed;

use std::path::{Path, PathBuf};

use super::*;

/// A fresh directory under the system temp dir, unique to the test and
/// the process, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let path = std::env::temp_dir().join(format!("bb-dataset-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("create {path:?}: {e}"));
        Self(path)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Block sizes every file is opened with: the default, and tiny blocks
/// that cut records across buffers and make the buffer grow.
const BLOCK_SIZES: [usize; 3] = [reader::BLOCK_BYTES, 16, 37];

/// Options naming `format`, not skipping.
fn named(format: DatasetFormat) -> DatasetOptions {
    DatasetOptions {
        format: Some(format),
        skip_invalid: false,
    }
}

/// Options skipping invalid records.
fn skipping() -> DatasetOptions {
    DatasetOptions {
        format: None,
        skip_invalid: true,
    }
}

/// `path` opened with `options` in every block size; the results agree
/// (same entries, or the same error message). The default-size result.
fn open_all(path: &Path, options: DatasetOptions) -> Result<Dataset, DatasetError> {
    let results: Vec<Result<Dataset, DatasetError>> = BLOCK_SIZES
        .iter()
        .map(|&size| Dataset::open_in_blocks(path, options, size))
        .collect();
    let summary = |result: &Result<Dataset, DatasetError>| match result {
        Ok(dataset) => format!("{:?} {:?}", dataset.format(), all_entries(dataset)),
        Err(error) => error.to_string(),
    };
    let first = summary(&results[0]);
    for (size, result) in BLOCK_SIZES.iter().zip(&results) {
        assert_eq!(summary(result), first, "block size {size}");
    }
    results
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no block size"))
}

/// Every entry of `dataset`.
fn all_entries(dataset: &Dataset) -> Vec<DatasetEntry> {
    (0..dataset.len())
        .map(|index| {
            dataset
                .entry(index)
                .unwrap_or_else(|error| panic!("entry {index}: {error}"))
        })
        .collect()
}

/// `path` opened (every block size), expected to succeed.
fn open_ok(path: &Path, options: DatasetOptions) -> Dataset {
    open_all(path, options).unwrap_or_else(|error| panic!("{error}"))
}

/// The message of opening `path` (every block size), expected to fail.
fn open_error(path: &Path, options: DatasetOptions) -> String {
    match open_all(path, options) {
        Ok(dataset) => panic!("{} opened: {:?}", path.display(), all_entries(&dataset)),
        Err(error) => error.to_string(),
    }
}

/// An expected entry.
fn entry(id: &str, line: usize, system: Option<&str>, turns: &[(Role, &str)]) -> DatasetEntry {
    DatasetEntry {
        id: id.to_owned(),
        line,
        system: system.map(str::to_owned),
        turns: turns
            .iter()
            .map(|&(role, text)| Turn {
                role,
                text: text.to_owned(),
            })
            .collect(),
    }
}

/// `records` as one JSON array, one record a line after the `[` line.
fn as_array(records: &[&str]) -> String {
    format!("[\n{}\n]\n", records.join(",\n"))
}

/// `records` as JSON Lines.
fn as_lines(records: &[&str]) -> String {
    let mut text = records.join("\n");
    text.push('\n');
    text
}
