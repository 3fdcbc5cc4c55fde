//! Which files may be analyzed together. Files are comparable when they
//! agree on the target (`aws`, `emulator`; unknown for the Python tool's
//! files), the emulator's time scale, and the experiment settings
//! (`experiment_name`, `temperature`, `top_p`, `top_k`). Files that do not
//! are never mixed silently: see [`MixPolicy`] and [`MixReport`].

use std::path::{Path, PathBuf};

use super::dataset::{Dataset, Source};
use super::settings::{Distinct, RunSettings};

/// At most this many files are named per set in a message.
const MAX_NAMED: usize = 12;

/// What to do when the files read are not all comparable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MixPolicy {
    /// Refuse them: [`ReadError::Incomparable`](super::ReadError::Incomparable).
    #[default]
    Refuse,
    /// Analyze the comparable set that holds the newest file (see
    /// [`ComparableSet::newest`]); leave the other files out, with a
    /// warning naming them. What `analyze` does with its default directory.
    Newest,
    /// Analyze them all together, with a loud warning first (`--mixed`).
    Together,
}

/// The settings that files must share to be analyzed together, each in
/// a canonical form: distinct values sorted and joined by `", "` (numbers
/// written in their shortest form, so `0.0` and `0` agree), empty when
/// the files do not record it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Comparable {
    /// `aws`, `emulator`; empty: unknown (the Python tool's files).
    pub target: String,
    /// The emulator's time scale; empty for AWS, or when unknown.
    pub time_scale: String,
    /// `experiment_name`.
    pub experiment_name: String,
    /// `temperature`; empty: not sent.
    pub temperature: String,
    /// `top_p`; empty: not sent.
    pub top_p: String,
    /// `top_k`; empty: not sent.
    pub top_k: String,
}

impl Comparable {
    /// The comparable settings of a file's rows.
    pub fn of(settings: &RunSettings) -> Comparable {
        Comparable {
            target: canonical(&settings.targets, false),
            time_scale: canonical(&settings.time_scales, true),
            experiment_name: canonical(&settings.experiment_names, false),
            temperature: canonical(&settings.temperatures, true),
            top_p: canonical(&settings.top_ps, true),
            top_k: canonical(&settings.top_ks, true),
        }
    }

    /// Each setting's name and value in words, in a fixed order.
    pub fn fields(&self) -> [(&'static str, String); 6] {
        let or = |value: &str, none: &str| {
            if value.is_empty() {
                none.to_string()
            } else {
                value.to_string()
            }
        };
        let time_scale = if !self.time_scale.is_empty() {
            self.time_scale.clone()
        } else if self.target == "aws" {
            "none (AWS)".to_string()
        } else {
            "unknown".to_string()
        };
        [
            ("target", or(&self.target, "unknown")),
            ("time scale", time_scale),
            ("experiment_name", or(&self.experiment_name, "not recorded")),
            ("temperature", or(&self.temperature, "not sent")),
            ("top_p", or(&self.top_p, "not sent")),
            ("top_k", or(&self.top_k, "not sent")),
        ]
    }

    /// `target aws, time scale none (AWS), experiment_name x, ...`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .fields()
            .iter()
            .map(|(name, value)| format!("{name} {value}"))
            .collect();
        parts.join(", ")
    }
}

/// Sorted distinct values, numbers in shortest form when `numeric`.
fn canonical(values: &Distinct, numeric: bool) -> String {
    let mut list: Vec<String> = values
        .values
        .iter()
        .map(|v| {
            let v = v.trim();
            match v.parse::<f64>() {
                Ok(n) if numeric && n.is_finite() => format!("{n}"),
                _ => v.to_string(),
            }
        })
        .collect();
    list.sort();
    list.dedup();
    let mut text = list.join(", ");
    if values.more {
        text.push_str(", ...");
    }
    text
}

/// Files that agree on every [`Comparable`] setting.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparableSet {
    /// What they agree on.
    pub settings: Comparable,
    /// The files, in reading order.
    pub files: Vec<PathBuf>,
    /// The time of the newest data in the set, seconds since the Unix
    /// epoch: per file, its latest call (`job_timestamp_iso`; the Python
    /// tool's times without a zone taken as UTC), or, when no row has a
    /// readable one, the file's modification time.
    pub newest: Option<f64>,
}

/// Files of more than one comparable set were read.
#[derive(Debug, Clone, PartialEq)]
pub struct MixReport {
    /// Every set, ordered by its first file in reading order.
    pub sets: Vec<ComparableSet>,
    /// The settings that differ between sets (names as in
    /// [`Comparable::fields`]).
    pub differences: Vec<&'static str>,
    /// `Some(i)`: only set `i`, the one with the newest data, was analyzed,
    /// and the files of the other sets were left out. `None`: all were
    /// analyzed together (`--mixed`).
    pub kept: Option<usize>,
}

impl MixReport {
    /// The comparable sets of the files of `dataset` that hold complete
    /// rows (used, or repeats of rows seen before: a file's settings are
    /// those of all its complete rows); `None` when there are fewer than
    /// two sets (nothing is mixed).
    pub fn of(dataset: &Dataset) -> Option<MixReport> {
        let mut sets: Vec<ComparableSet> = Vec::new();
        let with_rows = dataset
            .sources()
            .iter()
            .filter(|s| s.rows > 0 || s.repeated_rows > 0);
        for source in with_rows {
            let settings = Comparable::of(&source.settings);
            let newest = newest_of(source);
            match sets.iter_mut().find(|s| s.settings == settings) {
                Some(set) => {
                    set.files.push(source.path.clone());
                    set.newest = later(set.newest, newest);
                }
                None => sets.push(ComparableSet {
                    settings,
                    files: vec![source.path.clone()],
                    newest,
                }),
            }
        }
        if sets.len() < 2 {
            return None;
        }
        let fields: Vec<[(&'static str, String); 6]> =
            sets.iter().map(|s| s.settings.fields()).collect();
        let differences = (0..6)
            .filter(|&i| fields.iter().any(|f| f[i].1 != fields[0][i].1))
            .map(|i| fields[0][i].0)
            .collect();
        Some(MixReport {
            sets,
            differences,
            kept: None,
        })
    }

    /// The set holding the newest data (the later set on a tie, files
    /// being read in name order).
    pub fn newest_set(&self) -> usize {
        let mut best = 0;
        for (i, set) in self.sets.iter().enumerate() {
            let newest = set.newest.unwrap_or(f64::NEG_INFINITY);
            if newest >= self.sets[best].newest.unwrap_or(f64::NEG_INFINITY) {
                best = i;
            }
        }
        best
    }

    /// The files left out (none when analyzed together).
    pub fn left_out(&self) -> Vec<&Path> {
        match self.kept {
            None => Vec::new(),
            Some(kept) => self
                .sets
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != kept)
                .flat_map(|(_, s)| s.files.iter().map(PathBuf::as_path))
                .collect(),
        }
    }

    /// `target and time scale`, `target, time scale or top_p`.
    fn differences_joined(&self, last: &str) -> String {
        match self.differences.split_last() {
            None => String::new(),
            Some((only, [])) => (*only).to_string(),
            Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
        }
    }

    /// Every set on its own line: `  1) target aws, ...: a.csv, b.csv`.
    pub fn sets_listed(&self) -> String {
        let mut out = String::new();
        for (i, set) in self.sets.iter().enumerate() {
            out.push_str(&format!(
                "\n  {}) {}: {}",
                i + 1,
                set.settings.describe(),
                named(&set.files)
            ));
        }
        out
    }

    /// Why files named explicitly are refused.
    pub fn refusal(&self) -> String {
        format!(
            "these files are not comparable: they differ in {}:{}\nanalyze one set at a time by naming its files, or all of them together with `--mixed` (the numbers then mix them)",
            self.differences_joined("and"),
            self.sets_listed()
        )
    }

    /// The loud warning of an analysis that mixes them (`--mixed`).
    pub fn together_warning(&self) -> String {
        format!(
            "MIXED DATA (--mixed): files that are not comparable are analyzed together; they differ in {}, and every number below mixes them:{}",
            self.differences_joined("and"),
            self.sets_listed()
        )
    }

    /// The warning naming the files left out (see [`MixPolicy::Newest`]).
    pub fn left_out_warning(&self) -> String {
        let kept = self.kept.and_then(|k| self.sets.get(k));
        let left = self.left_out();
        format!(
            "left out {} file(s) of another {}: {}; analyzed the {} file(s) with the newest data ({}); name the others explicitly to analyze them, or all together with `--mixed`",
            left.len(),
            self.differences_joined("or"),
            named(&left),
            kept.map_or(0, |s| s.files.len()),
            kept.map_or_else(String::new, |s| s.settings.describe()),
        )
    }
}

/// The later of two optional times.
fn later(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// When a file's newest data is from (see [`ComparableSet::newest`]).
fn newest_of(source: &Source) -> Option<f64> {
    let last_call = source
        .settings
        .last_call
        .as_deref()
        .and_then(crate::timestamps::epoch_seconds);
    last_call.or_else(|| {
        let modified = std::fs::metadata(&source.path).ok()?.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(since.as_secs_f64())
    })
}

/// File names joined by `", "`, at most [`MAX_NAMED`] of them.
fn named<P: AsRef<Path>>(files: &[P]) -> String {
    let mut names: Vec<String> = files
        .iter()
        .take(MAX_NAMED)
        .map(|f| f.as_ref().display().to_string())
        .collect();
    if files.len() > MAX_NAMED {
        names.push(format!("and {} more", files.len() - MAX_NAMED));
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct(values: &[&str]) -> Distinct {
        let mut d = Distinct::default();
        for v in values {
            d.add(v);
        }
        d
    }

    #[test]
    fn numbers_compare_by_value_and_values_by_set() {
        assert_eq!(canonical(&distinct(&["0.0"]), true), "0");
        assert_eq!(canonical(&distinct(&["0"]), true), "0");
        assert_eq!(canonical(&distinct(&["0.9", "0.90"]), true), "0.9");
        assert_eq!(canonical(&distinct(&["b", "a"]), false), "a, b");
        assert_eq!(canonical(&distinct(&["1.0"]), false), "1.0");
        let mut more = distinct(&["x"]);
        more.more = true;
        assert_eq!(canonical(&more, false), "x, ...");
    }

    #[test]
    fn settings_in_words() {
        let aws = Comparable {
            target: "aws".into(),
            ..Comparable::default()
        };
        assert_eq!(
            aws.describe(),
            "target aws, time scale none (AWS), experiment_name not recorded, temperature not sent, top_p not sent, top_k not sent"
        );
        let python = Comparable::default().fields();
        assert_eq!(python[0].1, "unknown");
        assert_eq!(python[1].1, "unknown");
    }

    fn report(differences: &[&'static str]) -> MixReport {
        let set = |target: &str, file: &str, newest: Option<f64>| ComparableSet {
            settings: Comparable {
                target: target.into(),
                ..Comparable::default()
            },
            files: vec![PathBuf::from(file)],
            newest,
        };
        MixReport {
            sets: vec![
                set("aws", "a.csv", Some(5.0)),
                set("emulator", "b.csv", Some(9.0)),
                set("", "c.csv", None),
            ],
            differences: differences.to_vec(),
            kept: None,
        }
    }

    #[test]
    fn the_newest_set_is_kept_and_the_others_named() {
        let mut r = report(&["target", "time scale", "top_p"]);
        assert_eq!(r.newest_set(), 1);
        assert!(r.left_out().is_empty(), "analyzed together");
        r.kept = Some(1);
        assert_eq!(r.left_out(), [Path::new("a.csv"), Path::new("c.csv")]);
        let w = r.left_out_warning();
        assert!(
            w.starts_with(
                "left out 2 file(s) of another target, time scale or top_p: a.csv, c.csv; analyzed the 1 file(s) with the newest data (target emulator,"
            ),
            "{w}"
        );
        let refusal = report(&["target"]).refusal();
        assert!(
            refusal.starts_with(
                "these files are not comparable: they differ in target:\n  1) target aws,"
            ),
            "{refusal}"
        );
        assert!(
            refusal.contains("\n  3) target unknown, time scale unknown"),
            "{refusal}"
        );
        assert!(refusal.contains("`--mixed`"), "{refusal}");
        assert!(
            report(&["target", "top_k"])
                .together_warning()
                .contains("differ in target and top_k")
        );
    }

    #[test]
    fn long_file_lists_are_cut() {
        let files: Vec<PathBuf> = (0..15).map(|i| PathBuf::from(format!("f{i}"))).collect();
        let text = named(&files);
        assert!(text.ends_with("f11, and 3 more"), "{text}");
    }
}
