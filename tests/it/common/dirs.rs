//! Scratch folders for the tests, one per test (its name and the
//! process id), under the system's temporary folder.

use std::path::PathBuf;

/// `bb-<prefix>-<name>-<pid>`, emptied and created.
pub fn temp_dir(prefix: &str, name: &str) -> PathBuf {
    let dir = absent_dir(prefix, name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `bb-<prefix>-<name>-<pid>`, removed if it was there and not created
/// (for a run that must create its output folder itself).
pub fn absent_dir(prefix: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bb-{prefix}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
