//! Loading and validating the Python tool's JSONL config files.
//!
//! - `scenarios_config.jsonl`: one [`Scenario`] per non-blank line
//!   ([`load_scenarios`]).
//! - `experiment_config.jsonl`: the first non-blank line is the
//!   [`Experiment`]; further lines are ignored with a warning
//!   ([`load_experiment`]).
//!
//! Every seed file of the Python tool loads unchanged. Absent keys (and JSON
//! `null`) take their defaults. Loading is all or nothing: every bad line
//! and every bad field of a file is reported at once, as [`ConfigErrors`]
//! whose lines read like
//! ``scenarios_config.jsonl:3: field `performance_config`: expected "standard" or "optimized", found "fast"``.
//! A file that cannot be read is a [`ConfigError`] too (line 0, shown as
//! the file alone; a missing file names its close match). Unknown
//! keys are errors too, with a did-you-mean when a known key is close (a
//! misspelled `max_calls` must never remove a budget); so are keys given
//! twice, control characters in strings, and bytes that are not UTF-8 (at
//! their own line). Warnings ([`ConfigWarning`]) are findings that do not
//! stop the load.

mod catalog_checks;
mod conversation_field;
mod cross_checks;
mod dataset_field;
mod error;
mod experiment;
pub mod field_docs;
mod fields;
mod guardrail;
mod identifiers;
mod json_line;
mod latency_optimized;
mod length_distribution;
pub mod limits;
mod load;
mod price_file;
mod prompt;
mod prompt_cache;
mod scenario;

mod tool_config;
mod trace_field;
mod unknown_choice;
mod variant;

use std::path::Path;

pub use conversation_field::{
    Conversation, DEFAULT_FOLLOW_UP_TOKENS, FOLLOW_UP_BOUNDS, MAX_TURNS, THINK_TIME_BOUNDS,
    TURN_BOUNDS,
};
pub use dataset_field::{DatasetSource, Sampling, TooLong};
pub use error::{ConfigError, ConfigErrors, ConfigWarning, Loaded, SourceLocation};
pub use experiment::{ConnectionMode, EXPERIMENT_KEYS, Experiment, TargetChoice};
pub use guardrail::{Guardrail, GuardrailTrace};
pub use identifiers::{FORMULA_STARTS, starts_formula};
pub use json_line::strict_json_problem;
pub use length_distribution::{LengthBounds, LengthDistribution, parse_length_distribution};
pub use limits::{
    MAX_BURSTINESS, MAX_CALLS, MAX_CONCURRENCY, MAX_COST_USD, MAX_DURATION_S,
    MAX_INVOCATIONS_PER_SCENARIO, MAX_PARALLEL_INVOCATIONS, MAX_RATE_PER_S, MAX_RETRIES,
    MAX_RUNS_PER_EXPERIMENT, MAX_SECONDS, MAX_TIME_SCALE, MAX_TOP_K, MAX_WARMUP_INVOCATIONS,
    MIN_BURSTINESS, MIN_COST_USD, MIN_RATE_PER_S, MIN_SECONDS, valid_max_cost,
};
pub use load::{Arrival, ExperimentUse, Load, parse_rate};
pub use price_file::{
    PRICE_FILE_KEYS, load_price_file, parse_price_file, unmatched_price_warnings,
};
pub use prompt::{MAX_SYNTHETIC_INPUT_TOKENS, Prompt, PromptSource, SYNTHETIC_INPUT_BOUNDS};
pub use prompt_cache::{
    CachePlacement, CacheTtl, MAX_SHARED_PREFIX_TOKENS, PromptCache, group_prefix,
};
pub use scenario::{
    DEFAULT_EXPECTED_OUTPUT_TOKENS, DEFAULT_TASK_TYPE, MAX_EXPECTED_OUTPUT_TOKENS, MAX_WEIGHT,
    OUTPUT_TOKEN_BOUNDS, PerformanceConfig, SCENARIO_KEYS, Scenario,
};
pub use tool_config::{ToolChoiceSetting, ToolDefinition, ToolSettings};
pub use trace_field::{DEFAULT_BLOCK_TOKENS, MAX_SPEEDUP, TraceReplay};
pub use unknown_choice::UnknownChoice;
pub use variant::{MAX_REASONING_BUDGET_TOKENS, Variant};

/// The most scenario lines a scenarios file may have.
pub const MAX_SCENARIOS: usize = 100_000;

/// Both files of an experiment, loaded and validated together.
#[derive(Debug, Clone, PartialEq)]
pub struct Configs {
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
    /// The experiment settings.
    pub experiment: Experiment,
    /// Every warning of both files, then of the two together (top-k not
    /// sent to some families).
    pub warnings: Vec<ConfigWarning>,
}

/// Load `scenarios` and `experiment` (what `run` and `cargo bench` read):
/// every error of both files at once, or both files and their warnings.
pub fn load_configs(
    scenarios: impl AsRef<Path>,
    experiment: impl AsRef<Path>,
) -> Result<Configs, ConfigErrors> {
    load_configs_for(scenarios, experiment, ExperimentUse::Run)
}

/// [`load_configs`] with the experiment read for `use_` (`sweep` gives
/// the steps their own rate, concurrency and duration).
pub fn load_configs_for(
    scenarios: impl AsRef<Path>,
    experiment: impl AsRef<Path>,
    use_: ExperimentUse,
) -> Result<Configs, ConfigErrors> {
    let loaded = (
        load_scenarios(scenarios),
        load_experiment_for(experiment, use_),
    );
    let (scenarios, experiment) = match loaded {
        (Ok(scenarios), Ok(experiment)) => (scenarios, experiment),
        (scenarios, experiment) => {
            let errors = [scenarios.err(), experiment.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            return Err(ConfigErrors(errors));
        }
    };
    let conflicts = cross_checks::errors(&scenarios.value, &experiment.value);
    if !conflicts.is_empty() {
        return Err(ConfigErrors(conflicts));
    }
    let mut warnings = scenarios.warnings;
    warnings.extend(experiment.warnings);
    warnings.extend(top_k_warning(&scenarios.value, &experiment.value));
    Ok(Configs {
        scenarios: scenarios.value,
        experiment: experiment.value,
        warnings,
    })
}

/// A warning when `top_k` is set and some scenarios' families take none.
fn top_k_warning(scenarios: &[Scenario], experiment: &Experiment) -> Option<ConfigWarning> {
    let top_k = experiment.top_k?;
    let mut skipped: Vec<&str> = scenarios
        .iter()
        .filter(|s| !bedrock_catalog::Family::of(&s.model_id).takes_top_k())
        .map(|s| s.model_id.as_str())
        .collect();
    skipped.sort_unstable();
    skipped.dedup();
    (!skipped.is_empty()).then(|| ConfigWarning {
        location: experiment.source.clone(),
        message: format!(
            "top_k = {top_k} is not sent to {} (these model families have no top-k); it is sent to Anthropic and Amazon Nova models only.",
            skipped.join(", ")
        ),
    })
}

/// Reads and validates a scenarios file. Prompt files named in it are read
/// relative to its directory. Errors and warnings name `path` as given.
pub fn load_scenarios(path: impl AsRef<Path>) -> Result<Loaded<Vec<Scenario>>, ConfigErrors> {
    let path = path.as_ref();
    let source_name = path.display().to_string();
    let bytes = read(path, &source_name)?;
    let base_dir = path.parent().unwrap_or(Path::new(""));
    parse_scenarios_bytes(&bytes, &source_name, base_dir)
}

/// Reads and validates an experiment file. Errors and warnings name `path`
/// as given.
pub fn load_experiment(path: impl AsRef<Path>) -> Result<Loaded<Experiment>, ConfigErrors> {
    load_experiment_for(path, ExperimentUse::Run)
}

/// [`load_experiment`] read for `use_`.
pub fn load_experiment_for(
    path: impl AsRef<Path>,
    use_: ExperimentUse,
) -> Result<Loaded<Experiment>, ConfigErrors> {
    let path = path.as_ref();
    let source_name = path.display().to_string();
    let bytes = read(path, &source_name)?;
    let base_dir = path.parent().unwrap_or(Path::new(""));
    parse_experiment_bytes(&bytes, &source_name, use_, base_dir)
}

/// Parses the text of a scenarios file called `source_name` (used in
/// locations), reading prompt files relative to `base_dir`.
///
/// Every non-blank line must be a valid scenario, and there must be at least
/// one.
pub fn parse_scenarios(
    text: &str,
    source_name: &str,
    base_dir: &Path,
) -> Result<Loaded<Vec<Scenario>>, ConfigErrors> {
    parse_scenarios_bytes(text.as_bytes(), source_name, base_dir)
}

/// [`parse_scenarios`] of a file's bytes: a line that is not UTF-8 is an
/// error at that line.
fn parse_scenarios_bytes(
    bytes: &[u8],
    source_name: &str,
    base_dir: &Path,
) -> Result<Loaded<Vec<Scenario>>, ConfigErrors> {
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut lines_seen = 0usize;
    for (line, content) in non_blank_lines(bytes) {
        lines_seen += 1;
        let location = SourceLocation::new(source_name, line);
        if lines_seen > MAX_SCENARIOS {
            errors.push(ConfigError::new(
                location,
                None,
                format!("at most {MAX_SCENARIOS} scenario lines"),
                "more",
            ));
            break;
        }
        let scenario = utf8_line(content, &location)
            .and_then(|content| fields::parse_object(content, &location))
            .and_then(|map| Scenario::from_object(&map, location, base_dir, &mut warnings));
        match scenario {
            Ok(scenario) => scenarios.push(scenario),
            Err(line_errors) => errors.extend(line_errors),
        }
    }
    if lines_seen == 0 {
        errors.push(ConfigError::new(
            SourceLocation::new(source_name, 0),
            None,
            "at least one scenario",
            "none",
        ));
    }
    if errors.is_empty() {
        Ok(Loaded {
            value: scenarios,
            warnings,
        })
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Parses the text of an experiment file called `source_name` (used in
/// locations).
///
/// The first non-blank line is the experiment, like the Python tool; each
/// further non-blank line gets a warning that it is ignored. A file without
/// any is an error.
pub fn parse_experiment(text: &str, source_name: &str) -> Result<Loaded<Experiment>, ConfigErrors> {
    parse_experiment_bytes(
        text.as_bytes(),
        source_name,
        ExperimentUse::Run,
        Path::new(""),
    )
}

/// [`parse_experiment`] read for `use_`.
pub fn parse_experiment_for(
    text: &str,
    source_name: &str,
    use_: ExperimentUse,
) -> Result<Loaded<Experiment>, ConfigErrors> {
    parse_experiment_bytes(text.as_bytes(), source_name, use_, Path::new(""))
}

/// [`parse_experiment_for`], reading the files it names (a `trace`)
/// relative to `base_dir`.
pub fn parse_experiment_in(
    text: &str,
    source_name: &str,
    use_: ExperimentUse,
    base_dir: &Path,
) -> Result<Loaded<Experiment>, ConfigErrors> {
    parse_experiment_bytes(text.as_bytes(), source_name, use_, base_dir)
}

/// [`parse_experiment_for`] of a file's bytes: a line that is not UTF-8
/// is an error at that line.
fn parse_experiment_bytes(
    bytes: &[u8],
    source_name: &str,
    use_: ExperimentUse,
    base_dir: &Path,
) -> Result<Loaded<Experiment>, ConfigErrors> {
    let mut lines = non_blank_lines(bytes);
    let Some((line, content)) = lines.next() else {
        return Err(ConfigError::new(
            SourceLocation::new(source_name, 0),
            None,
            "an experiment (a JSON object on the first non-blank line)",
            "an empty file",
        )
        .into());
    };
    let location = SourceLocation::new(source_name, line);
    let content = utf8_line(content, &location).map_err(ConfigErrors)?;
    let map = fields::parse_object(content, &location).map_err(ConfigErrors)?;
    let experiment =
        Experiment::from_object(&map, location, use_, base_dir).map_err(ConfigErrors)?;
    let mut warnings = Vec::new();
    for (line, _) in lines {
        warnings.push(ConfigWarning {
            location: SourceLocation::new(source_name, line),
            message: "line ignored: only the first non-blank line of an experiment file is read"
                .to_owned(),
        });
    }
    Ok(Loaded {
        value: experiment,
        warnings,
    })
}

/// The file's bytes: a regular file of at most
/// [`side_file::MAX_CONFIG_FILE_BYTES`], or why not as a [`ConfigError`].
pub(crate) fn read(path: &Path, source_name: &str) -> Result<Vec<u8>, ConfigErrors> {
    crate::side_file::read_regular_file(path, crate::side_file::MAX_CONFIG_FILE_BYTES)
        .map_err(|error| ConfigError::unreadable(source_name, path, &error).into())
}

/// The non-blank lines of `bytes` with their 1-based numbers (blank lines
/// still count). A leading byte order mark is ignored; `\r\n` line ends are
/// accepted.
fn non_blank_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(index, content)| (index + 1, content.strip_suffix(b"\r").unwrap_or(content)))
        .filter(|(_, content)| !content.trim_ascii().is_empty())
}

/// A line as text, or an error naming the first byte that is not UTF-8 and
/// its column.
fn utf8_line<'a>(line: &'a [u8], location: &SourceLocation) -> Result<&'a str, Vec<ConfigError>> {
    std::str::from_utf8(line).map_err(|error| {
        let at = error.valid_up_to();
        vec![ConfigError::new(
            location.clone(),
            None,
            "UTF-8 text",
            format!(
                "the byte 0x{:02X} at byte {} of the line, which is not UTF-8",
                line[at],
                at + 1
            ),
        )]
    })
}

#[cfg(test)]
mod tests;
