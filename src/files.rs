//! Names that never overwrite: every output file and directory is created
//! new, and a name already taken gets a suffix `_2`, `_3`... (the one
//! helper for all of them).

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// `<stem><suffix>` with the suffix empty for `n == 1`, `_<n>` after:
/// `run_20261130_100000.csv`, `run_20261130_100000_2.csv`.
pub fn numbered(stem: &str, n: u32, extension: &str) -> String {
    let suffix = if n == 1 {
        String::new()
    } else {
        format!("_{n}")
    };
    if extension.is_empty() {
        format!("{stem}{suffix}")
    } else {
        format!("{stem}{suffix}.{extension}")
    }
}

/// Try `create(n)` for n = 1, 2, ... until it does not fail with
/// `AlreadyExists`; `create` must itself refuse to reuse a name (as
/// `create_new` and `create_dir` do), so nothing is ever overwritten.
pub fn first_free<T>(mut create: impl FnMut(u32) -> std::io::Result<T>) -> std::io::Result<T> {
    for n in 1..=u32::MAX {
        match create(n) {
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            other => return other,
        }
    }
    Err(std::io::Error::other("no free name"))
}

/// Create `dir/<stem>[_n].<extension>` new (and `dir`), with `options`
/// (`create_new` is added); returns its path and the open file.
pub fn create_new_file(
    dir: &Path,
    stem: &str,
    extension: &str,
    options: &OpenOptions,
) -> std::io::Result<(PathBuf, File)> {
    std::fs::create_dir_all(dir)?;
    first_free(|n| {
        let path = dir.join(numbered(stem, n, extension));
        let file = options.clone().create_new(true).open(&path)?;
        Ok((path, file))
    })
}

/// Create the directory `parent/<name>[_n]` new (and `parent`).
pub fn create_new_dir(parent: &Path, name: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(parent)?;
    first_free(|n| {
        let path = parent.join(numbered(name, n, ""));
        std::fs::create_dir(&path)?;
        Ok(path)
    })
}

/// Create `dir/<stem>_<stamp>[_n].<extension>` for every stem, all with
/// the same suffix: when any name is taken, the next suffix is tried for
/// all of them (files made meanwhile are removed again).
pub fn create_new_files(
    dir: &Path,
    stems: &[&str],
    stamp: &str,
    extension: &str,
) -> std::io::Result<Vec<(PathBuf, File)>> {
    std::fs::create_dir_all(dir)?;
    first_free(|n| {
        let mut created: Vec<(PathBuf, File)> = Vec::new();
        for stem in stems {
            let path = dir.join(numbered(&format!("{stem}_{stamp}"), n, extension));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => created.push((path, file)),
                Err(e) => {
                    for (made, _) in created {
                        let _ = std::fs::remove_file(made);
                    }
                    return Err(e);
                }
            }
        }
        Ok(created)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_names_get_the_next_suffix_for_every_file() {
        let dir = std::env::temp_dir().join(format!("bb-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = OpenOptions::new().write(true).clone();
        let (first, _) = create_new_file(&dir, "run_x", "csv", &write).expect("first");
        let (second, _) = create_new_file(&dir, "run_x", "csv", &write).expect("second");
        assert!(first.ends_with("run_x.csv") && second.ends_with("run_x_2.csv"));
        std::fs::write(dir.join("b_s_2.csv"), "kept").expect("mark");
        std::fs::write(dir.join("a_s.csv"), "kept").expect("mark");
        let both = create_new_files(&dir, &["a", "b"], "s", "csv").expect("both");
        let names: Vec<_> = both
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a_s_3.csv", "b_s_3.csv"]);
        assert!(
            !dir.join("a_s_2.csv").exists(),
            "given back when b_s_2 was taken"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("b_s_2.csv")).unwrap(),
            "kept"
        );
        let sub = create_new_dir(&dir, "level").expect("dir");
        let again = create_new_dir(&dir, "level").expect("dir");
        assert!(sub.ends_with("level") && again.ends_with("level_2"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
