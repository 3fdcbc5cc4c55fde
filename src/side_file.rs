//! Reading a file a user names (a config file, a prompt file, a tool
//! config, a price file, an emulator profile file, an AWS shared config
//! file) safely: as a regular file only, and never more than a cap.
//!
//! The file is opened without waiting (`O_NONBLOCK`, so that opening a
//! FIFO does not hang until a writer comes), and the opened handle's own
//! metadata decides: a FIFO, a device (`/dev/zero` would be read until
//! memory runs out), a socket or a directory is refused before a byte is
//! read, whatever the path looked like when it was checked. A regular
//! file longer than the cap is refused too, and the read itself stops
//! one byte past the cap, so a file that grows while it is read cannot
//! get past it either.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The most bytes a scenarios, experiment or price file may have (64 MiB:
/// 100,000 scenarios with long inline prompts).
pub const MAX_CONFIG_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The most bytes a file named by a config file or an environment
/// variable may have: prompt files, tool configs, emulator profile files,
/// the AWS shared config and credentials files (16 MiB: a prompt of about
/// four million tokens).
pub const MAX_SIDE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum SideFileError {
    /// It could not be opened or read (missing, not allowed...).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// It is not a regular file.
    #[error("{kind}, not a regular file")]
    NotRegular {
        /// What it is instead: `a FIFO (named pipe)`, `a character
        /// device`...
        kind: &'static str,
    },
    /// It is longer than the cap.
    #[error("{size}, more than the cap of {}", Bytes(*.cap))]
    TooLarge {
        /// Its size, in words (`20000000 bytes`, or `more than 16777216
        /// bytes` when it grew while it was read).
        size: String,
        /// The cap, in bytes.
        cap: u64,
    },
}

/// A byte count in words: `16 MiB (16777216 bytes)`, `512 bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1024 * 1024;
        if self.0 >= MIB && self.0.is_multiple_of(MIB) {
            write!(f, "{} MiB ({} bytes)", self.0 / MIB, self.0)
        } else {
            write!(f, "{} bytes", self.0)
        }
    }
}

/// The bytes of the regular file at `path`, at most `cap` of them.
pub fn read_regular_file(path: &Path, cap: u64) -> Result<Vec<u8>, SideFileError> {
    let file = open_without_waiting(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(SideFileError::NotRegular {
            kind: kind_of(&metadata.file_type()),
        });
    }
    if metadata.len() > cap {
        return Err(SideFileError::TooLarge {
            size: format!("{} bytes", metadata.len()),
            cap,
        });
    }
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(SideFileError::TooLarge {
            size: format!("more than {cap} bytes (it grew while it was read)"),
            cap,
        });
    }
    Ok(bytes)
}

/// Whether `path` names something that is not a regular file (a FIFO, a
/// device, a socket, a directory), and what it is; `None` for a regular
/// file, a missing one, or one whose kind cannot be told. Looks at the
/// path without opening it: for files that another program (the AWS SDK)
/// reads.
pub fn not_regular(path: &Path) -> Option<&'static str> {
    let metadata = std::fs::metadata(path).ok()?;
    (!metadata.is_file()).then(|| kind_of(&metadata.file_type()))
}

/// The most directory entries [`close_match`] looks at.
const MAX_ENTRIES_LOOKED_AT: usize = 10_000;

/// The file next to a missing `path` that it most likely misspells
/// (`scenario_config.jsonl` for `scenarios_config.jsonl`): the name in
/// its directory with the fewest edits from it, at most 3 and at most a
/// quarter of its length (or the same name but for case), as a path
/// spelled like `path`.
pub fn close_match(path: &Path) -> Option<String> {
    let wanted = path.file_name()?.to_str()?;
    let parent = path.parent().unwrap_or(Path::new(""));
    let directory = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let mut best: Option<(usize, String)> = None;
    for entry in std::fs::read_dir(directory)
        .ok()?
        .take(MAX_ENTRIES_LOOKED_AT)
        .flatten()
    {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name == wanted {
            continue;
        }
        let edits = if name.eq_ignore_ascii_case(wanted) {
            0
        } else {
            strsim::levenshtein(&name, wanted)
        };
        let close = edits <= 3 && edits * 4 <= wanted.chars().count();
        if close && best.as_ref().is_none_or(|(fewest, _)| edits < *fewest) {
            best = Some((edits, name));
        }
    }
    best.map(|(_, name)| parent.join(name).display().to_string())
}

/// `no such file`, with the close match when there is one; the error's
/// own text for any other error.
pub fn describe_error(path: &Path, error: &SideFileError) -> String {
    match error {
        SideFileError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            match close_match(path) {
                Some(close) => format!("no such file (did you mean {close}?)"),
                None => "no such file".to_owned(),
            }
        }
        other => other.to_string(),
    }
}

/// Open `path` for reading; on Unix without blocking on a FIFO (nor
/// making a terminal the controlling one).
fn open_without_waiting(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// What a file that is not a regular file is, in words.
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("bb-side-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn a_regular_file_is_read_up_to_its_cap() {
        let dir = temp_dir("regular");
        let path = dir.join("p.txt");
        std::fs::write(&path, "hello").expect("write");
        assert_eq!(read_regular_file(&path, 5).expect("fits"), b"hello");
        let error = read_regular_file(&path, 4).expect_err("too large");
        assert_eq!(
            error.to_string(),
            "5 bytes, more than the cap of 4 bytes",
            "{error}"
        );
        let missing = read_regular_file(&dir.join("missing"), 4).expect_err("missing");
        assert!(matches!(missing, SideFileError::Io(_)), "{missing}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn devices_directories_and_fifos_are_refused_without_reading() {
        let dir = temp_dir("kinds");
        let error =
            read_regular_file(Path::new("/dev/zero"), MAX_SIDE_FILE_BYTES).expect_err("a device");
        assert_eq!(error.to_string(), "a character device, not a regular file");
        let error = read_regular_file(&dir, MAX_SIDE_FILE_BYTES).expect_err("a directory");
        assert_eq!(error.to_string(), "a directory, not a regular file");
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Opening it does not wait for a writer: the refusal is immediate.
        let error = read_regular_file(&fifo, MAX_SIDE_FILE_BYTES).expect_err("a FIFO");
        assert_eq!(error.to_string(), "a FIFO (named pipe), not a regular file");
        assert_eq!(not_regular(&fifo), Some("a FIFO (named pipe)"));
        assert_eq!(not_regular(&dir.join("missing")), None);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_missing_file_names_its_close_match() {
        let dir = temp_dir("close");
        for name in ["scenarios_config.jsonl", "experiment_config.jsonl"] {
            std::fs::write(dir.join(name), "{}").expect("write");
        }
        let missing = dir.join("scenario_config.jsonl");
        assert_eq!(
            close_match(&missing),
            Some(dir.join("scenarios_config.jsonl").display().to_string())
        );
        let error = read_regular_file(&missing, 10).expect_err("missing");
        assert_eq!(
            describe_error(&missing, &error),
            format!(
                "no such file (did you mean {}?)",
                dir.join("scenarios_config.jsonl").display()
            )
        );
        assert!(close_match(&dir.join("EXPERIMENT_CONFIG.JSONL")).is_some());
        assert_eq!(close_match(&dir.join("prices.jsonl")), None);
        assert_eq!(
            describe_error(&dir.join("prices.jsonl"), &error),
            "no such file"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn caps_are_shown_in_mebibytes_and_bytes() {
        assert_eq!(
            Bytes(MAX_SIDE_FILE_BYTES).to_string(),
            "16 MiB (16777216 bytes)"
        );
        assert_eq!(Bytes(100).to_string(), "100 bytes");
    }
}
