//! The documents that are generated, kept true by one command,
//! `bedrock-bench docs` (for contributors): the references under
//! `docs/reference/` (the command line's `--help` texts, the config
//! files' keys, the raw CSV's columns: each from the code that defines
//! it), and the measured figures that the documents quote from the results
//! files in `docs/figures/` ([`crate::figures`]). `bedrock-bench docs
//! --check` writes nothing and fails when a committed document differs
//! from what it would generate; a test runs it.
//!
//! ```text
//! src/cli/, clap           -> docs/reference/cli.md
//! config::field_docs       -> docs/reference/config-fields.md
//! record::Column           -> docs/reference/raw-csv.md
//! docs/figures/*.json      -> the marked places of README.md, docs/**/*.md...
//! ```

mod cli_reference;
mod columns_reference;
mod config_reference;
mod markdown;

use std::path::{Path, PathBuf};

pub use cli_reference::{GUIDES, cli_reference};
pub use columns_reference::columns_reference;
pub use config_reference::config_reference;

use crate::figures::{RenderError, render_documents};

/// The generated reference documents, relative to the repository's root.
pub const CLI_REFERENCE: &str = "docs/reference/cli.md";
/// The config-field reference, relative to the repository's root.
pub const CONFIG_REFERENCE: &str = "docs/reference/config-fields.md";
/// The raw CSV column reference, relative to the repository's root.
pub const COLUMNS_REFERENCE: &str = "docs/reference/raw-csv.md";

/// One generated document: its text on disk (`None` when the file does
/// not exist) and the text it should have.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The file.
    pub path: PathBuf,
    /// Its text now, if it exists and reads.
    pub current: Option<String>,
    /// Its text as generated.
    pub rendered: String,
}

impl Generated {
    /// Whether the file differs from what is generated (or is missing).
    pub fn is_stale(&self) -> bool {
        self.current.as_deref() != Some(self.rendered.as_str())
    }

    /// Write the generated text, creating the file's directory.
    pub fn write(&self) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&self.path, &self.rendered)
    }
}

/// The three references, generated: `(path relative to the root, text)`.
/// `cli` is the program's command line (the binary's clap `Command`).
pub fn references(cli: &clap::Command) -> Vec<(&'static str, String)> {
    vec![
        (CLI_REFERENCE, cli_reference(cli)),
        (CONFIG_REFERENCE, config_reference()),
        (COLUMNS_REFERENCE, columns_reference()),
    ]
}

/// Every generated document under `root`: the references, then every
/// document whose figures are quoted from `docs/figures/`. Nothing is
/// written.
pub fn generate(root: &Path, cli: &clap::Command) -> Result<Vec<Generated>, RenderError> {
    let mut out = Vec::new();
    let mut reference_paths = Vec::new();
    for (relative, rendered) in references(cli) {
        let path = root.join(relative);
        let current = std::fs::read_to_string(&path).ok();
        reference_paths.push(path.clone());
        out.push(Generated {
            path,
            current,
            rendered,
        });
    }
    for (path, current, rendered) in render_documents(root)? {
        // A reference quotes no figure, and is written whole above.
        if reference_paths.contains(&path) {
            continue;
        }
        out.push(Generated {
            path,
            current: Some(current),
            rendered,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bb-docs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("docs/figures")).expect("creates");
        dir
    }

    #[test]
    fn missing_and_stale_references_are_stale_until_written() {
        let dir = root("stale");
        let cli = clap::Command::new("tool").subcommand(clap::Command::new("run"));
        std::fs::create_dir_all(dir.join("docs/reference")).expect("creates");
        std::fs::write(dir.join(CONFIG_REFERENCE), "old\n").expect("writes");
        let generated = generate(&dir, &cli).expect("generates");
        let stale: Vec<&Path> = generated
            .iter()
            .filter(|g| g.is_stale())
            .map(|g| g.path.as_path())
            .collect();
        assert_eq!(
            stale,
            [
                dir.join(CLI_REFERENCE),
                dir.join(CONFIG_REFERENCE),
                dir.join(COLUMNS_REFERENCE)
            ]
        );
        for g in &generated {
            g.write().expect("writes");
        }
        let again = generate(&dir, &cli).expect("generates");
        assert!(again.iter().all(|g| !g.is_stale()));
        // The references are not also taken as figure documents.
        assert_eq!(again.len(), 3);
        let _ = std::fs::remove_dir_all(dir);
    }
}
