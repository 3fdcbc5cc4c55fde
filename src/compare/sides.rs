//! Reading BASE and NEW, each with `analyze`'s reader, and whether the
//! two may be compared: they must agree on what [`Comparable`] records
//! (the target, the emulator's time scale, temperature, top_p, top_k),
//! the experiment's name excepted (the two sides of a comparison are
//! often two experiments). Files within one side must compare with each
//! other as `analyze` requires. `--force` compares them anyway, with a
//! warning.

use std::path::PathBuf;

use crate::analysis::{
    Analysis, AnalyzeOptions, Comparable, MixPolicy, MixReport, ReadError, ReadOptions, analyze,
};

/// BASE or NEW.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideName {
    /// What is compared against.
    Base,
    /// What is compared.
    New,
}

impl SideName {
    /// `BASE` or `NEW`.
    pub fn word(self) -> &'static str {
        match self {
            SideName::Base => "BASE",
            SideName::New => "NEW",
        }
    }
}

/// Why the two sides cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum SidesError {
    /// A side's files could not be read.
    #[error("{side}: {source}", side = side.word())]
    Read {
        /// Which side.
        side: SideName,
        /// What went wrong.
        source: ReadError,
    },
    /// A side's own files do not compare with each other.
    #[error(
        "{side}: its files are not comparable with each other: they differ in {differences}:{sets}\nname one set of files per side, or compare anyway with --force",
        side = side.word()
    )]
    SideMixed {
        /// Which side.
        side: SideName,
        /// The settings that differ.
        differences: String,
        /// The sets, one a line.
        sets: String,
    },
    /// The two sides do not compare.
    #[error(
        "BASE and NEW are not comparable: they differ in {differences}\n  BASE: {base}\n  NEW:  {new}\ncompare runs of the same target and time scale, or compare anyway with --force"
    )]
    Incomparable {
        /// The settings that differ.
        differences: String,
        /// BASE's settings.
        base: String,
        /// NEW's settings.
        new: String,
    },
}

/// Both sides, read and analyzed.
#[derive(Debug)]
pub struct Sides {
    /// BASE's analysis.
    pub base: Analysis,
    /// NEW's analysis.
    pub new: Analysis,
    /// Warnings: what `--force` let through, and each side's own
    /// warnings (prefixed with its name).
    pub warnings: Vec<String>,
}

/// Read `base` and `new` (files or directories, as `analyze` takes
/// them) and check that they compare, unless `force`.
pub fn read_sides(
    base: &[PathBuf],
    new: &[PathBuf],
    read: &ReadOptions,
    force: bool,
) -> Result<Sides, SidesError> {
    let options = AnalyzeOptions {
        mix: if force {
            MixPolicy::Together
        } else {
            MixPolicy::Refuse
        },
        read: read.clone(),
        ..AnalyzeOptions::default()
    };
    let side = |side: SideName, paths: &[PathBuf]| {
        analyze(paths, &options).map_err(|source| match source {
            ReadError::Incomparable { report } => mixed_error(side, &report),
            source => SidesError::Read { side, source },
        })
    };
    let base = side(SideName::Base, base)?;
    let new = side(SideName::New, new)?;
    let mut warnings = Vec::new();
    let (b, n) = (settings_of(&base), settings_of(&new));
    let differences = differences(&b, &n);
    if !differences.is_empty() {
        let error = SidesError::Incomparable {
            differences: differences.join(", "),
            base: describe(&b),
            new: describe(&n),
        };
        if !force {
            return Err(error);
        }
        warnings.push(format!("FORCED (--force): {error}"));
    }
    for (name, analysis) in [(SideName::Base, &base), (SideName::New, &new)] {
        for warning in &analysis.warnings {
            warnings.push(format!("{}: {warning}", name.word()));
        }
    }
    Ok(Sides {
        base,
        new,
        warnings,
    })
}

fn mixed_error(side: SideName, report: &MixReport) -> SidesError {
    SidesError::SideMixed {
        side,
        differences: report.differences.join(", "),
        sets: report.sets_listed(),
    }
}

/// The distinct comparable settings of an analysis's files, the
/// experiment's name left out.
pub fn settings_of(analysis: &Analysis) -> Vec<Comparable> {
    let mut out: Vec<Comparable> = Vec::new();
    for source in analysis.dataset.sources() {
        if source.rows == 0 && source.repeated_rows == 0 {
            continue;
        }
        let settings = Comparable {
            experiment_name: String::new(),
            ..Comparable::of(&source.settings)
        };
        if !out.contains(&settings) {
            out.push(settings);
        }
    }
    out
}

/// The names of the settings (as [`Comparable::fields`]) on which two
/// sides differ (any setting, when a side holds several).
pub fn differences(base: &[Comparable], new: &[Comparable]) -> Vec<&'static str> {
    let fields = |sets: &[Comparable]| -> Vec<[(&'static str, String); 6]> {
        sets.iter().map(Comparable::fields).collect()
    };
    let (b, n) = (fields(base), fields(new));
    (0..6)
        .filter(|&i| {
            let values = |f: &[[(&'static str, String); 6]]| {
                let mut v: Vec<String> = f.iter().map(|x| x[i].1.clone()).collect();
                v.sort();
                v.dedup();
                v
            };
            values(&b) != values(&n)
        })
        .map(|i| Comparable::default().fields()[i].0)
        .collect()
}

fn describe(sets: &[Comparable]) -> String {
    let parts: Vec<String> = sets
        .iter()
        .map(|s| {
            s.fields()
                .iter()
                .filter(|(name, _)| *name != "experiment_name")
                .map(|(name, value)| format!("{name} {value}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_and_the_time_scale_tell_sides_apart_the_name_does_not() {
        let aws = Comparable {
            target: "aws".into(),
            ..Comparable::default()
        };
        let emulator = Comparable {
            target: "emulator".into(),
            time_scale: "0.05".into(),
            ..Comparable::default()
        };
        assert_eq!(
            differences(std::slice::from_ref(&aws), std::slice::from_ref(&aws)),
            Vec::<&str>::new()
        );
        assert_eq!(
            differences(std::slice::from_ref(&aws), std::slice::from_ref(&emulator)),
            ["target", "time scale"]
        );
        let faster = Comparable {
            time_scale: "0.1".into(),
            ..emulator.clone()
        };
        assert_eq!(differences(&[emulator], &[faster]), ["time scale"]);
        assert!(describe(&[aws]).starts_with("target aws, time scale none (AWS), temperature"));
    }
}
