//! How each scenario's calls went, for the end of a run: a scenario with
//! no successful call is a failed benchmark, and its reasons are printed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::call::CallRecord;
use crate::config::SourceLocation;

/// Longest error message kept as a scenario's sample, in characters.
const SAMPLE_CHARS: usize = 300;

/// The attempts of one scenario over a whole experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioOutcome {
    /// The scenario's name.
    pub name: String,
    /// Where the scenario is defined.
    pub source: SourceLocation,
    /// Attempts made (warm-ups and retries included).
    pub attempts: u64,
    /// Successful attempts.
    pub successes: u64,
    /// Failed attempts by status (`ValidationException`, `Timeout`...).
    pub failures: BTreeMap<String, u64>,
    /// The first error message met, shortened.
    pub sample_error: Option<String>,
}

impl ScenarioOutcome {
    /// No attempt yet.
    pub fn new(name: String, source: SourceLocation) -> Self {
        ScenarioOutcome {
            name,
            source,
            attempts: 0,
            successes: 0,
            failures: BTreeMap::new(),
            sample_error: None,
        }
    }

    /// Count one attempt.
    pub fn count(&mut self, record: &CallRecord) {
        self.attempts += 1;
        if record.status.is_success() {
            self.successes += 1;
            return;
        }
        *self
            .failures
            .entry(record.status.as_str().to_string())
            .or_default() += 1;
        if self.sample_error.is_none() {
            self.sample_error = record.error_message.as_deref().map(shorten);
        }
    }

    /// Whether calls were made and none succeeded.
    pub fn never_succeeded(&self) -> bool {
        self.attempts > 0 && self.successes == 0
    }

    /// `name (file:line): 10 of 10 attempts failed: ValidationException x10; e.g. "..."`.
    pub fn describe_failures(&self) -> String {
        let mut text = format!(
            "{} ({}): {} of {} attempts failed:",
            self.name,
            self.source,
            self.attempts - self.successes,
            self.attempts
        );
        for (status, count) in &self.failures {
            let _ = write!(text, " {status} x{count}");
        }
        if let Some(sample) = &self.sample_error {
            let _ = write!(text, "; e.g. \"{sample}\"");
        }
        text
    }
}

fn shorten(message: &str) -> String {
    let one_line: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= SAMPLE_CHARS {
        one_line
    } else {
        let head: String = one_line.chars().take(SAMPLE_CHARS).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::CallStatus;

    #[test]
    fn failures_are_counted_by_status_with_a_sample() {
        let mut outcome = ScenarioOutcome::new("m/standard@r".into(), SourceLocation::new("s", 3));
        let mut failed = CallRecord::start(0);
        failed.status = CallStatus::Error("ValidationException".into());
        failed.error_message = Some("The provided model identifier is invalid.\nmore".into());
        outcome.count(&failed);
        outcome.count(&failed);
        assert!(outcome.never_succeeded());
        assert_eq!(
            outcome.describe_failures(),
            "m/standard@r (s:3): 2 of 2 attempts failed: ValidationException x2; \
             e.g. \"The provided model identifier is invalid. more\""
        );
        outcome.count(&CallRecord::start(0));
        assert!(!outcome.never_succeeded());
        assert!(!ScenarioOutcome::new("x".into(), SourceLocation::new("s", 1)).never_succeeded());
    }
}
