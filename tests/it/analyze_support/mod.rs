//! Helpers shared by the `analyze_*` tests: a temporary directory removed
//! on drop, CSV text in the Python tool's format, and raw rows in ours.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub(crate) use crate::fixture;
use bedrock_bench::record::Column;

pub use fixture::FixtureRow;

/// A fresh directory under the system's temporary directory, removed
/// when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("bb-analyze-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Write `text` to `name` (relative; parents created) and return its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The Python tool's header line.
pub fn python_header() -> String {
    Column::PYTHON.map(Column::name).join(",")
}

/// One row in the Python tool's format (19 columns). Times and tokens are
/// given as the text the file holds. (One argument per varying column
/// reads best at the call sites, which are tables of rows.)
#[allow(clippy::too_many_arguments)]
pub fn python_row(
    ttft: &str,
    total: &str,
    input: &str,
    output: &str,
    model: &str,
    config: &str,
    invocation: &str,
    status: &str,
) -> String {
    let error = if status == "Success" {
        ""
    } else {
        "\"An error, with a comma\""
    };
    format!(
        "{ttft},{total},2025-07-08 11:29:57,100,{input},{output},{model},us-east-2,{invocation},{status},{error},0,0.9,,exp,qa,{config},20250708_112957,1"
    )
}

/// A successful row in our format.
pub fn ours(
    model: &str,
    config: &str,
    invocation: &str,
    ttft: f64,
    total: f64,
    output: u32,
) -> FixtureRow {
    FixtureRow {
        time_to_first_byte: Some(ttft),
        time_to_last_byte: Some(total),
        job_timestamp_iso: "2025-07-08T11:29:57.000000Z".into(),
        configured_output_tokens_for_request: 100,
        model_input_tokens: Some(10),
        model_output_tokens: Some(output),
        model: model.into(),
        region: "us-east-2".into(),
        invocation_id: invocation.into(),
        api_call_status: "Success".into(),
        performance_config: config.into(),
        performance_config_sent: if config == "optimized" {
            "optimized".into()
        } else {
            String::new()
        },
        served_performance_config: config.into(),
        target: "aws".into(),
        attempt: 1,
        run_count: 1,
        ..FixtureRow::default()
    }
}

/// Write `rows` with the crate's own raw CSV writer into `dir` and return
/// the file.
pub fn write_ours(dir: &Path, run_id: &str, rows: &[FixtureRow]) -> PathBuf {
    fixture::write_rows(dir, run_id, rows)
}
