//! Why a profile override file or document was refused. Every message
//! starts with the document's name (the file's path).

use std::path::PathBuf;

use serde_json::Value;

use crate::profile_error::ProfileError;

/// Why [`ProfileSet::from_override_file`](crate::ProfileSet::from_override_file)
/// or [`ProfileSet::apply_overrides`](crate::ProfileSet::apply_overrides)
/// refused an override. `origin` is the name the document was given.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    /// The file could not be read.
    #[error("{}: cannot read the profile file: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The document is not JSON.
    #[error("{origin}: not valid JSON: {error}")]
    Json {
        /// The document's name.
        origin: String,
        /// Where and why it does not parse.
        error: serde_json::Error,
    },
    /// The document is JSON but not an object.
    #[error("{origin}: expected a JSON object at the top level")]
    NotAnObject {
        /// The document's name.
        origin: String,
    },
    /// A top-level key other than `all`, `generic` and `models`.
    #[error("{origin}: unknown top-level key `{key}`; expected `all`, `generic` or `models`")]
    UnknownKey {
        /// The document's name.
        origin: String,
        /// The key.
        key: String,
    },
    /// A part that must be an object is not (`all`, `models.<id>`...).
    #[error("{origin}: `{path}` must be a JSON object, found {found}")]
    NotAnObjectAt {
        /// The document's name.
        origin: String,
        /// Where in the document.
        path: String,
        /// What is there instead.
        found: Value,
    },
    /// A built-in profile could not be turned into JSON to merge into
    /// (a bug, never expected).
    #[error("{origin}: {model}: {error}")]
    Internal {
        /// The document's name.
        origin: String,
        /// The model being merged.
        model: String,
        /// Why.
        error: serde_json::Error,
    },
    /// A built-in profile is not a JSON object (a bug, never expected).
    #[error("{origin}: {model}: internal profile is not an object")]
    InternalShape {
        /// The document's name.
        origin: String,
        /// The model being merged.
        model: String,
    },
    /// A merged profile has unknown fields or fields of the wrong type.
    #[error("{origin}: model `{model}`: {error}")]
    Fields {
        /// The document's name.
        origin: String,
        /// The model.
        model: String,
        /// Which field and why.
        error: serde_json::Error,
    },
    /// A merged profile has unusable values.
    #[error("{origin}: {error}")]
    Invalid {
        /// The document's name.
        origin: String,
        /// Which value and why.
        error: ProfileError,
    },
}
