//! The AWS shared config and credentials files, as far as the harness
//! reads them itself: whether `AWS_PROFILE` names a profile they define,
//! and whether each is a file at all (a FIFO there would hang the SDK).

use std::path::{Path, PathBuf};

use super::ClientError;
use crate::side_file::{self, MAX_SIDE_FILE_BYTES};

/// Refuse an `AWS_PROFILE` that names a profile no AWS config file defines
/// (the SDK would move on to other providers and report a confusing
/// instance-metadata error, and `auto` would silently choose the emulator).
pub(super) fn check_named_profile() -> Result<(), ClientError> {
    let Some(profile) = std::env::var("AWS_PROFILE")
        .ok()
        .filter(|p| !p.trim().is_empty())
    else {
        return Ok(());
    };
    let files = profile_files();
    let mut defined = Vec::new();
    for (path, is_config) in &files {
        match side_file::read_regular_file(path, MAX_SIDE_FILE_BYTES) {
            Ok(bytes) => {
                defined.extend(profile_names(&String::from_utf8_lossy(&bytes), *is_config))
            }
            Err(side_file::SideFileError::Io(error))
                if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(ClientError::SharedFile {
                    path: path.display().to_string(),
                    reason: error.to_string(),
                });
            }
        }
    }
    if defined.contains(&profile) {
        return Ok(());
    }
    defined.sort();
    defined.dedup();
    Err(ClientError::NoSuchProfile {
        profile,
        searched: files
            .iter()
            .map(|(path, _)| path.display().to_string())
            .collect::<Vec<_>>()
            .join(" or "),
        known: if defined.is_empty() {
            "no profile is defined there".to_string()
        } else {
            format!("defined: {}", defined.join(", "))
        },
    })
}

/// Refuse an AWS shared config or credentials file that is not a regular
/// file (a FIFO would hang the SDK as it loads its configuration; a
/// device such as `/dev/zero` would be read until memory runs out).
/// `/dev/null`, which reads as empty, is accepted: it is a common way to
/// switch a file off.
pub(super) fn check_shared_files() -> Result<(), ClientError> {
    for (path, _) in profile_files() {
        if path == Path::new("/dev/null") {
            continue;
        }
        if let Some(kind) = side_file::not_regular(&path) {
            return Err(ClientError::SharedFile {
                path: path.display().to_string(),
                reason: format!("{kind}, not a regular file"),
            });
        }
    }
    Ok(())
}

/// The shared config and credentials files, as the SDK finds them
/// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/`),
/// each with whether it is the config file.
fn profile_files() -> Vec<(PathBuf, bool)> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let file = |variable: &str, default: &str| {
        std::env::var_os(variable)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
    };
    [
        (file("AWS_CONFIG_FILE", "config"), true),
        (file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false),
    ]
    .into_iter()
    .filter_map(|(path, is_config)| path.map(|p| (p, is_config)))
    .collect()
}

/// The profile names an AWS shared file defines: `[profile NAME]` (and
/// `[default]`) in the config file, `[NAME]` in the credentials file.
fn profile_names(text: &str, is_config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let inner = line.strip_prefix('[')?.split(']').next()?.trim();
            let name = if is_config {
                match inner.strip_prefix("profile") {
                    Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim(),
                    _ if inner == "default" => inner,
                    _ => return None,
                }
            } else {
                inner
            };
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::profile_names;

    #[test]
    fn profile_names_follow_the_shared_file_formats() {
        let config = "[default]\nregion = us-east-2\n[profile dev]\n[profile  spaced ]\n[sso-session corp]\n[profileless]\n";
        assert_eq!(profile_names(config, true), ["default", "dev", "spaced"]);
        let credentials = "[default]\naws_access_key_id = x\n[ci] # comment\n";
        assert_eq!(profile_names(credentials, false), ["default", "ci"]);
    }
}
