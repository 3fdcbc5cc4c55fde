//! The experiment as the rows describe it: files, runs, targets, names,
//! sampling parameters, time span.

use super::escape::escape;
use crate::analysis::{Analysis, RunSettings, SourceFormat};
use crate::table::format::{count, short};
use crate::terminal::calls;

/// Files listed by name at most.
const MAX_FILES_LISTED: usize = 12;

/// Every file's settings merged.
pub fn merged(analysis: &Analysis) -> RunSettings {
    let mut all = RunSettings::default();
    for source in analysis.dataset.sources() {
        all.merge(&source.settings);
    }
    all
}

/// A duration in words: `42 s`, `12.5 min`, `3.2 h`, `2.1 days`.
pub fn duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{} s", short(seconds))
    } else if seconds < 2.0 * 3600.0 {
        format!("{} min", short(seconds / 60.0))
    } else if seconds < 2.0 * 86400.0 {
        format!("{} h", short(seconds / 3600.0))
    } else {
        format!("{} days", short(seconds / 86400.0))
    }
}

/// The settings table rows: (label, HTML value, already escaped).
pub fn rows(analysis: &Analysis) -> Vec<(&'static str, String)> {
    let data = &analysis.dataset;
    let settings = merged(analysis);
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let sources = data.sources();
    let python = sources
        .iter()
        .filter(|s| s.format == SourceFormat::Python)
        .count();
    let mut files = format!("{} raw CSV file(s)", sources.len());
    if python > 0 {
        files.push_str(&format!(
            " ({python} in the Python tool's format, without extended columns)"
        ));
    }
    let mut listed: Vec<String> = sources
        .iter()
        .take(MAX_FILES_LISTED)
        .map(|s| {
            let mut notes = format!("{} rows", count(s.rows));
            if s.repeated_rows > 0 {
                notes.push_str(&format!(
                    "; {} repeated rows counted once",
                    count(s.repeated_rows)
                ));
            }
            if let Some(line) = s.incomplete_last_row {
                notes.push_str(&format!("; incomplete last row (line {line}) skipped"));
            }
            format!(
                "<code>{}</code> ({})",
                escape(&s.path.display().to_string()),
                escape(&notes)
            )
        })
        .collect();
    if sources.len() > MAX_FILES_LISTED {
        listed.push(format!("... and {} more", sources.len() - MAX_FILES_LISTED));
    }
    out.push((
        "files",
        format!("{}<br>{}", escape(&files), listed.join("<br>")),
    ));
    let attempts = data.attempts().len() as u64;
    let successes = data.attempts().iter().filter(|a| a.is_success()).count() as u64;
    out.push((
        "calls",
        escape(&format!(
            "{}: {} succeeded, {} failed",
            calls(analysis),
            count(successes),
            count(attempts - successes)
        )),
    ));
    let mut targets: Vec<&str> = analysis
        .groups
        .iter()
        .flat_map(|g| g.targets.iter().map(String::as_str))
        .collect();
    targets.sort();
    targets.dedup();
    out.push((
        "targets",
        if targets.is_empty() {
            "not recorded (the Python tool's files)".to_string()
        } else {
            escape(&targets.join(", "))
        },
    ));
    out.push((
        "time scale",
        match analysis.simulation() {
            Some(simulation) => {
                let effect = simulation.effect();
                let effect = if effect.is_empty() {
                    String::new()
                } else {
                    format!(": {effect}")
                };
                escape(&format!(
                    "{}{effect} (SIMULATED by the emulator)",
                    simulation.scale_text()
                ))
            }
            None if targets.is_empty() => "not recorded".to_string(),
            None => "none: measured on Amazon Bedrock".to_string(),
        },
    ));
    let models: std::collections::BTreeSet<&str> =
        analysis.groups.iter().map(|g| g.model.as_str()).collect();
    let regions: std::collections::BTreeSet<&str> =
        analysis.groups.iter().map(|g| g.region.as_str()).collect();
    out.push((
        "groups",
        escape(&format!(
            "{} (model, region, performance config): {} model(s) in {} region(s)",
            analysis.groups.len(),
            models.len(),
            regions.len()
        )),
    ));
    let listed = |d: &crate::analysis::Distinct| {
        if d.values.is_empty() {
            "not recorded".to_string()
        } else {
            escape(&d.joined())
        }
    };
    out.push(("experiment names", listed(&settings.experiment_names)));
    out.push((
        "runs",
        if settings.run_ids.values.is_empty() {
            "not recorded".to_string()
        } else {
            let n = settings.run_ids.values.len();
            format!(
                "{}{} run id(s): {}",
                n,
                if settings.run_ids.more { "+" } else { "" },
                escape(&settings.run_ids.joined())
            )
        },
    ));
    out.push(("temperature", listed(&settings.temperatures)));
    out.push(("top_p", listed(&settings.top_ps)));
    out.push((
        "top_k",
        if settings.top_ks.values.is_empty() {
            "not sent".to_string()
        } else {
            escape(&settings.top_ks.joined())
        },
    ));
    if let (Some(first), Some(last)) = (&settings.first_call, &settings.last_call) {
        let span = match (
            crate::timestamps::epoch_seconds(first),
            crate::timestamps::epoch_seconds(last),
        ) {
            (Some(a), Some(b)) if b >= a => format!(" ({})", duration(b - a)),
            _ => String::new(),
        };
        out.push((
            "time span",
            format!(
                "first call {}, last call {}{}",
                escape(first),
                escape(last),
                escape(&span)
            ),
        ));
    }
    let longest = data
        .attempts()
        .iter()
        .map(|a| a.start_offset)
        .filter(|v| !v.is_nan())
        .fold(f64::NEG_INFINITY, f64::max);
    if longest.is_finite() {
        out.push((
            "longest run",
            escape(&format!(
                "last call started {} after its run started",
                duration(longest)
            )),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_timestamp_formats_parse() {
        let a = crate::timestamps::epoch_seconds("2025-07-08T11:29:57.000000Z").unwrap();
        let b = crate::timestamps::epoch_seconds("2025-07-08 11:31:57").unwrap();
        assert_eq!(b - a, 120.0);
        assert_eq!(duration(42.0), "42 s");
        assert_eq!(duration(750.0), "12.5 min");
    }
}
