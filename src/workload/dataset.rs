//! Datasets of prompts and conversations. INTERIM: a minimal reader with
//! the final API (JSON Lines of `{"prompt": ...}` only), replaced by the
//! full reader before this lands.

use std::path::{Path, PathBuf};

/// Who speaks a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The user.
    User,
    /// The model.
    Assistant,
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// Who speaks.
    pub role: Role,
    /// What is said.
    pub text: String,
}

/// One record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetEntry {
    /// Its id.
    pub id: String,
    /// Its line.
    pub line: usize,
    /// Its system prompt.
    pub system: Option<String>,
    /// Its turns.
    pub turns: Vec<Turn>,
}

impl DatasetEntry {
    /// The turns through the last user turn.
    pub fn prompt_turns(&self) -> &[Turn] {
        let last = self
            .turns
            .iter()
            .rposition(|t| t.role == Role::User)
            .unwrap_or(0);
        &self.turns[..=last]
    }
}

/// A format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetFormat {
    /// Prompts.
    Prompts,
    /// Converse.
    Converse,
    /// OpenAI chat.
    OpenAiChat,
    /// ShareGPT.
    ShareGpt,
}

impl DatasetFormat {
    /// All.
    pub const ALL: [DatasetFormat; 4] = [
        DatasetFormat::Prompts,
        DatasetFormat::Converse,
        DatasetFormat::OpenAiChat,
        DatasetFormat::ShareGpt,
    ];
    /// Name.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetFormat::Prompts => "prompts",
            DatasetFormat::Converse => "converse",
            DatasetFormat::OpenAiChat => "openai",
            DatasetFormat::ShareGpt => "sharegpt",
        }
    }
    /// From name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// Options.
#[derive(Debug, Clone, Copy, Default)]
pub struct DatasetOptions {
    /// Format.
    pub format: Option<DatasetFormat>,
    /// Skip invalid.
    pub skip_invalid: bool,
}

/// An error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DatasetError(String);

/// A dataset.
#[derive(Debug)]
pub struct Dataset {
    path: PathBuf,
    entries: Vec<DatasetEntry>,
}

impl Dataset {
    /// Open.
    pub fn open(path: &Path, _options: DatasetOptions) -> Result<Dataset, DatasetError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DatasetError(format!("{}: {e}", path.display())))?;
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| DatasetError(format!("{}:{}: {e}", path.display(), i + 1)))?;
            let p = v["prompt"].as_str().unwrap_or_default().to_string();
            entries.push(DatasetEntry {
                id: format!("L{}", i + 1),
                line: i + 1,
                system: None,
                turns: vec![Turn {
                    role: Role::User,
                    text: p,
                }],
            });
        }
        if entries.is_empty() {
            return Err(DatasetError(format!("{}: no records", path.display())));
        }
        Ok(Dataset {
            path: path.to_path_buf(),
            entries,
        })
    }
    /// Path.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Format.
    pub fn format(&self) -> DatasetFormat {
        DatasetFormat::Prompts
    }
    /// Len.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Entry.
    pub fn entry(&self, index: usize) -> Result<DatasetEntry, DatasetError> {
        self.entries
            .get(index)
            .cloned()
            .ok_or_else(|| DatasetError("out of range".into()))
    }
    /// Prompt tokens.
    pub fn prompt_tokens(&self, index: usize) -> u32 {
        bedrock_catalog::tokens::estimate_tokens(&self.entries[index].turns[0].text)
    }
    /// Longest.
    pub fn longest_prompt_tokens(&self) -> u32 {
        (0..self.len())
            .map(|i| self.prompt_tokens(i))
            .max()
            .unwrap_or(0)
    }
    /// Skipped count.
    pub fn skipped_count(&self) -> usize {
        0
    }
}

impl Dataset {
    /// Longest record bytes.
    pub fn longest_record_bytes(&self) -> u64 {
        self.entries
            .iter()
            .map(|e| e.turns.iter().map(|t| t.text.len() as u64).sum::<u64>() + 16)
            .max()
            .unwrap_or(0)
    }
}
