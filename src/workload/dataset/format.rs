//! The four record shapes a dataset file may hold, by name.

use std::fmt;

/// The shape of a dataset's records.
///
/// A file holds one shape throughout: the caller names it, or it is
/// detected from the first record (see [`Dataset::open`](super::Dataset::open)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatasetFormat {
    /// `{"prompt": "..."}` (or `"text"`), with an optional `"system"` and `"id"`.
    Prompts,
    /// Bedrock Converse: `{"messages": [{"role", "content": [{"text"}]}], "system": [{"text"}]}`.
    Converse,
    /// OpenAI chat: `{"messages": [{"role", "content": "..." | [{"type": "text", "text"}]}]}`.
    OpenAiChat,
    /// ShareGPT: `{"id", "conversations": [{"from", "value"}]}`.
    ShareGpt,
}

impl DatasetFormat {
    /// Every format, in the order messages list them.
    pub const ALL: [DatasetFormat; 4] = [
        DatasetFormat::Prompts,
        DatasetFormat::Converse,
        DatasetFormat::OpenAiChat,
        DatasetFormat::ShareGpt,
    ];

    /// The format's name, as [`from_name`](Self::from_name) reads it:
    /// `prompts`, `converse`, `openai` or `sharegpt`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetFormat::Prompts => "prompts",
            DatasetFormat::Converse => "converse",
            DatasetFormat::OpenAiChat => "openai",
            DatasetFormat::ShareGpt => "sharegpt",
        }
    }

    /// The format named `name` (as [`as_str`](Self::as_str) spells it), if any.
    pub fn from_name(name: &str) -> Option<DatasetFormat> {
        DatasetFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == name)
    }

    /// A record of this format in short, for error messages.
    pub(crate) fn shape(self) -> &'static str {
        match self {
            DatasetFormat::Prompts => r#"{"prompt": "..."}"#,
            DatasetFormat::Converse => {
                r#"{"messages": [{"role": "user", "content": [{"text": "..."}]}]}"#
            }
            DatasetFormat::OpenAiChat => r#"{"messages": [{"role": "user", "content": "..."}]}"#,
            DatasetFormat::ShareGpt => r#"{"conversations": [{"from": "human", "value": "..."}]}"#,
        }
    }

    /// Every format's name and shape, as an error message lists them.
    pub(crate) fn all_shapes() -> String {
        let shapes: Vec<String> = DatasetFormat::ALL
            .iter()
            .map(|format| format!("{} {}", format.as_str(), format.shape()))
            .collect();
        shapes.join(", ")
    }
}

impl fmt::Display for DatasetFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
