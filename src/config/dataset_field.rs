//! A scenario's `dataset`: prompts taken from a file, one per call.
//!
//! ```json
//! "dataset": "prompts.jsonl"
//! "dataset": {"file": "chats.json", "format": "sharegpt", "sampling": "shuffled",
//!             "too_long": "skip", "skip_invalid": true}
//! ```
//!
//! - `file`: JSON Lines or one JSON array, relative to the scenarios
//!   file's directory; its format (`prompts`, `converse`, `openai`,
//!   `sharegpt`) is detected from the first record unless `format` names
//!   it (see [`crate::workload::dataset`]).
//! - `sampling`: `sequential` (default: record after record, in file
//!   order, starting over at the end), `shuffled` (every record once per
//!   pass, in an order drawn from the run's seed, a new order each pass)
//!   or `random` (with replacement, seeded).
//! - `too_long`: a record whose prompt is longer than the model's context
//!   leaves for the answer (its context window minus `maxTokens`, by the
//!   token estimate) is `refuse`d (default: the scenario does not load,
//!   naming the record's line) or `skip`ped (left out of the sampling,
//!   counted in the plan and warned about). Never sent to fail.
//! - `skip_invalid`: records of the wrong shape are skipped and counted
//!   instead of refusing the file (malformed JSON still refuses it).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::fields::{Fields, describe_found, quote};
use crate::workload::dataset::{Dataset, DatasetFormat, DatasetOptions};

/// The keys of the object form.
const KEYS: [&str; 5] = ["file", "format", "sampling", "too_long", "skip_invalid"];

/// How a dataset's records are picked, call after call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sampling {
    /// In file order, starting over at the end.
    #[default]
    Sequential,
    /// Every record once per pass, in a seeded order, a new one each pass.
    Shuffled,
    /// Uniformly at random with replacement, seeded.
    Random,
}

impl Sampling {
    /// Every choice, in documentation order.
    pub const ALL: [Sampling; 3] = [Sampling::Sequential, Sampling::Shuffled, Sampling::Random];

    /// Its name in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Sampling::Sequential => "sequential",
            Sampling::Shuffled => "shuffled",
            Sampling::Random => "random",
        }
    }
}

/// What happens to a record longer than the model's context allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TooLong {
    /// The scenario does not load (the default).
    #[default]
    Refuse,
    /// The record is left out of the sampling, counted and warned about.
    Skip,
}

impl TooLong {
    /// Every choice.
    pub const ALL: [TooLong; 2] = [TooLong::Refuse, TooLong::Skip];

    /// Its name in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            TooLong::Refuse => "refuse",
            TooLong::Skip => "skip",
        }
    }
}

/// A scenario's dataset, opened and checked.
#[derive(Clone)]
pub struct DatasetSource {
    /// The records (read again per call, not held in memory).
    pub dataset: Arc<Dataset>,
    /// How records are picked.
    pub sampling: Sampling,
    /// What happens to a record too long for the model.
    pub too_long: TooLong,
    /// The records that may be sent (indices into `dataset`), when some
    /// were skipped as too long; `None`: every record.
    pub eligible: Option<Arc<[u32]>>,
    /// How many records were too long (refused or skipped).
    pub too_long_count: usize,
}

impl DatasetSource {
    /// How many records the sampling picks from.
    pub fn eligible_count(&self) -> usize {
        self.eligible
            .as_ref()
            .map_or(self.dataset.len(), |eligible| eligible.len())
    }

    /// The record behind the `k`-th eligible one.
    pub fn record(&self, k: usize) -> usize {
        self.eligible
            .as_ref()
            .map_or(k, |eligible| eligible[k] as usize)
    }

    /// In words, for plans: `prompts.jsonl (sharegpt, 1000 records,
    /// shuffled)`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{} ({}, {} records, {}",
            self.dataset.path().display(),
            self.dataset.format().as_str(),
            self.eligible_count(),
            self.sampling.as_str()
        );
        if self.too_long_count > 0 {
            text.push_str(&format!(", {} too long skipped", self.too_long_count));
        }
        let skipped = self.dataset.skipped_count();
        if skipped > 0 {
            text.push_str(&format!(", {skipped} invalid skipped"));
        }
        text.push(')');
        text
    }
}

impl fmt::Debug for DatasetSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl PartialEq for DatasetSource {
    fn eq(&self, other: &Self) -> bool {
        self.dataset.path() == other.dataset.path()
            && self.dataset.format() == other.dataset.format()
            && self.sampling == other.sampling
            && self.too_long == other.too_long
            && self.eligible_count() == other.eligible_count()
    }
}

impl Eq for DatasetSource {}

/// The `dataset` field, opened (its context check comes later, when the
/// model and `maxTokens` are known: [`check_lengths`]). `None` when absent
/// or invalid (errors recorded).
pub(crate) fn parse(fields: &mut Fields<'_>, base_dir: &Path) -> Option<DatasetSource> {
    let (file, map) = fields.path_or_object("dataset", "a dataset file")?;
    let mut options = DatasetOptions::default();
    let mut sampling = Sampling::default();
    let mut too_long = TooLong::default();
    let mut ok = true;
    if let Some(map) = map {
        for (key, value) in map {
            let field = format!("dataset.{key}");
            match key.as_str() {
                "file" => {}
                "format" => match value.as_str().and_then(DatasetFormat::from_name) {
                    Some(format) => options.format = Some(format),
                    None => {
                        ok = false;
                        fields.error(
                            Some(&field),
                            one_of(DatasetFormat::ALL.map(DatasetFormat::as_str)),
                            describe_found(value),
                        );
                    }
                },
                "sampling" => match Sampling::ALL
                    .into_iter()
                    .find(|s| value.as_str() == Some(s.as_str()))
                {
                    Some(choice) => sampling = choice,
                    None => {
                        ok = false;
                        fields.error(
                            Some(&field),
                            one_of(Sampling::ALL.map(Sampling::as_str)),
                            describe_found(value),
                        );
                    }
                },
                "too_long" => match TooLong::ALL
                    .into_iter()
                    .find(|s| value.as_str() == Some(s.as_str()))
                {
                    Some(choice) => too_long = choice,
                    None => {
                        ok = false;
                        fields.error(
                            Some(&field),
                            one_of(TooLong::ALL.map(TooLong::as_str)),
                            describe_found(value),
                        );
                    }
                },
                "skip_invalid" => match value {
                    Value::Bool(flag) => options.skip_invalid = *flag,
                    other => {
                        ok = false;
                        fields.error(Some(&field), "true or false", describe_found(other));
                    }
                },
                _ => {
                    ok = false;
                    fields.error(
                        Some(&field),
                        format!("one of {}", KEYS.map(|k| format!("`{k}`")).join(", ")),
                        "an unknown key",
                    );
                }
            }
        }
    }
    if !ok {
        return None;
    }
    let path = base_dir.join(&file);
    match Dataset::open(&path, options) {
        Ok(dataset) => Some(DatasetSource {
            dataset: Arc::new(dataset),
            sampling,
            too_long,
            eligible: None,
            too_long_count: 0,
        }),
        Err(error) => {
            fields.error(
                Some("dataset"),
                "a readable dataset of prompts",
                format!("{}: {error}", quote(&file)),
            );
            None
        }
    }
}

/// `"a"`, `"b"` or `"c"`.
fn one_of<const N: usize>(names: [&str; N]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

/// Checks every record against the room `limit` (the model's context
/// minus `maxTokens`): with `refuse`, the first record over it is an
/// error; with `skip`, the records over it leave the sampling (all of them
/// over it is an error too). Returns the warning to show when some were
/// skipped.
pub(crate) fn check_lengths(
    fields: &mut Fields<'_>,
    source: &mut DatasetSource,
    limit: u32,
    model: &str,
) -> Option<String> {
    let dataset = &source.dataset;
    let too_long: Vec<usize> = (0..dataset.len())
        .filter(|&i| dataset.prompt_tokens(i) > limit)
        .collect();
    if too_long.is_empty() {
        return None;
    }
    source.too_long_count = too_long.len();
    let first = too_long[0];
    let line = dataset.entry(first).map(|entry| entry.line).unwrap_or(0);
    let described = format!(
        "{}:{line}: a prompt of about {} tokens ({} of {} records are longer than {limit})",
        dataset.path().display(),
        dataset.prompt_tokens(first),
        too_long.len(),
        dataset.len()
    );
    let room = format!(
        "prompts of at most {limit} tokens ({model}'s context minus `maxTokens`), or `\"too_long\": \"skip\"`"
    );
    if source.too_long == TooLong::Refuse || too_long.len() == dataset.len() {
        fields.error(Some("dataset"), room, described);
        return None;
    }
    let mut skip = too_long.iter().peekable();
    let eligible: Vec<u32> = (0..dataset.len())
        .filter(|i| {
            if skip.peek() == Some(&i) {
                skip.next();
                false
            } else {
                true
            }
        })
        .map(|i| i as u32)
        .collect();
    source.eligible = Some(eligible.into());
    Some(format!(
        "{} of {} records of {} are longer than the {limit} tokens {model}'s context leaves for the prompt and are skipped (first: line {line}); the others are sampled",
        too_long.len(),
        dataset.len(),
        dataset.path().display()
    ))
}
