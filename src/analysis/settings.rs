//! Run-level settings of a file as its rows give them (experiment names,
//! sampling parameters, target and time scale, run ids, first and last
//! call), gathered while
//! reading at the cost of a comparison per column and row.

/// At most this many distinct values are kept per column; more set
/// [`Distinct::more`].
pub const MAX_DISTINCT: usize = 16;

/// The distinct non-empty values of one column, in order of first
/// appearance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distinct {
    /// The values (at most [`MAX_DISTINCT`]).
    pub values: Vec<String>,
    /// Whether more values were seen than kept.
    pub more: bool,
}

impl Distinct {
    /// Add `value` when new and non-empty.
    pub fn add(&mut self, value: &str) {
        if value.is_empty() || self.values.iter().any(|v| v == value) {
            return;
        }
        if self.values.len() < MAX_DISTINCT {
            self.values.push(value.to_string());
        } else {
            self.more = true;
        }
    }

    /// Add every value of `other`.
    pub fn extend(&mut self, other: &Distinct) {
        for value in &other.values {
            self.add(value);
        }
        self.more |= other.more;
    }

    /// The values joined by `", "`, with `", ..."` when some were left out.
    pub fn joined(&self) -> String {
        let mut text = self.values.join(", ");
        if self.more {
            text.push_str(", ...");
        }
        text
    }
}

/// At most this many distinct (model, status, message) error samples are
/// kept per file; the others are only counted.
pub const MAX_ERROR_SAMPLES: usize = 32;

/// Messages are kept up to this many bytes (cut at a character boundary).
pub const MAX_MESSAGE_BYTES: usize = 300;

/// Failed calls with the same model, status and error message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorSample {
    /// Model id.
    pub model: String,
    /// `api_call_status`.
    pub status: String,
    /// `full_error_message` (cut to [`MAX_MESSAGE_BYTES`], anything
    /// credential-like redacted).
    pub message: String,
    /// How many rows.
    pub count: u64,
}

/// What the rows of a file say about the experiment behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSettings {
    /// `experiment_name`.
    pub experiment_names: Distinct,
    /// `temperature` (as written).
    pub temperatures: Distinct,
    /// `top_p`.
    pub top_ps: Distinct,
    /// `top_k`.
    pub top_ks: Distinct,
    /// `timestamp`: the run ids.
    pub run_ids: Distinct,
    /// `target` (`aws`, `emulator`; none in the Python tool's files).
    pub targets: Distinct,
    /// `time_scale`: the emulator's time scale (none for AWS, or when
    /// unknown).
    pub time_scales: Distinct,
    /// The earliest `job_timestamp_iso` (by text order, which is time
    /// order for one format).
    pub first_call: Option<String>,
    /// The latest `job_timestamp_iso`.
    pub last_call: Option<String>,
    /// Failed calls by model, status and message, most frequent first
    /// (at most [`MAX_ERROR_SAMPLES`]).
    pub errors: Vec<ErrorSample>,
    /// Failed calls whose (model, status, message) was not kept.
    pub other_errors: u64,
}

impl RunSettings {
    /// Merge `other` into `self`.
    pub fn merge(&mut self, other: &RunSettings) {
        self.experiment_names.extend(&other.experiment_names);
        self.temperatures.extend(&other.temperatures);
        self.top_ps.extend(&other.top_ps);
        self.top_ks.extend(&other.top_ks);
        self.run_ids.extend(&other.run_ids);
        self.targets.extend(&other.targets);
        self.time_scales.extend(&other.time_scales);
        if let Some(first) = &other.first_call
            && self.first_call.as_ref().is_none_or(|f| first < f)
        {
            self.first_call = Some(first.clone());
        }
        if let Some(last) = &other.last_call
            && self.last_call.as_ref().is_none_or(|l| last > l)
        {
            self.last_call = Some(last.clone());
        }
        self.other_errors += other.other_errors;
        for sample in &other.errors {
            let full = self.errors.len() >= MAX_ERROR_SAMPLES;
            match self.errors.iter_mut().find(|e| {
                e.model == sample.model && e.status == sample.status && e.message == sample.message
            }) {
                Some(e) => e.count += sample.count,
                None if !full => self.errors.push(sample.clone()),
                None => self.other_errors += sample.count,
            }
        }
        self.errors.sort_by_key(|e| std::cmp::Reverse(e.count));
    }
}

/// The columns [`RunSettings`] watches, by position in [`Watched::seen`].
pub(crate) const WATCHED: usize = 7;

/// Model, status and message bytes of failed rows, and their count.
type RawError = (Box<[u8]>, Box<[u8]>, Box<[u8]>, u64);

/// Per-block tracking in bytes: the last value of each watched column
/// (the common case is one value per file), the distinct values, and the
/// earliest and latest call time.
#[derive(Debug, Default)]
pub(crate) struct Watched {
    last: [Vec<u8>; WATCHED],
    seen: [Vec<Box<[u8]>>; WATCHED],
    more: [bool; WATCHED],
    first_call: Vec<u8>,
    last_call: Vec<u8>,
    errors: Vec<RawError>,
    other_errors: u64,
}

impl Watched {
    /// Note the value of watched column `column` in one row.
    pub fn observe(&mut self, column: usize, value: &[u8]) {
        if column >= WATCHED || value.is_empty() || self.last[column] == value {
            return;
        }
        self.last[column].clear();
        self.last[column].extend_from_slice(value);
        let seen = &mut self.seen[column];
        if seen.iter().any(|v| **v == *value) {
            return;
        }
        if seen.len() < MAX_DISTINCT {
            seen.push(value.into());
        } else {
            self.more[column] = true;
        }
    }

    /// Note a row's `job_timestamp_iso`.
    pub fn observe_time(&mut self, value: &[u8]) {
        if value.is_empty() {
            return;
        }
        if self.first_call.is_empty() || value < self.first_call.as_slice() {
            self.first_call.clear();
            self.first_call.extend_from_slice(value);
        }
        if value > self.last_call.as_slice() {
            self.last_call.clear();
            self.last_call.extend_from_slice(value);
        }
    }

    /// Note a failed row's model, status and message.
    pub fn observe_error(&mut self, model: &[u8], status: &[u8], message: &[u8]) {
        let mut cut = message.len().min(MAX_MESSAGE_BYTES);
        // Back to a UTF-8 character boundary.
        while cut < message.len() && cut > 0 && (message[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        let message = &message[..cut];
        let full = self.errors.len() >= MAX_ERROR_SAMPLES;
        match self
            .errors
            .iter_mut()
            .find(|(m, s, msg, _)| **m == *model && **s == *status && **msg == *message)
        {
            Some(entry) => entry.3 += 1,
            None if !full => {
                self.errors
                    .push((model.into(), status.into(), message.into(), 1));
            }
            None => self.other_errors += 1,
        }
    }

    /// The settings seen (values that are not UTF-8 are left out).
    pub fn settings(&self) -> RunSettings {
        let distinct = |column: usize| {
            let mut d = Distinct::default();
            for value in &self.seen[column] {
                if let Ok(text) = std::str::from_utf8(value) {
                    d.add(text);
                }
            }
            d.more |= self.more[column];
            d
        };
        let text = |bytes: &[u8]| {
            std::str::from_utf8(bytes)
                .ok()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        RunSettings {
            experiment_names: distinct(0),
            temperatures: distinct(1),
            top_ps: distinct(2),
            top_ks: distinct(3),
            run_ids: distinct(4),
            targets: distinct(5),
            time_scales: distinct(6),
            first_call: text(&self.first_call),
            last_call: text(&self.last_call),
            errors: self
                .errors
                .iter()
                .map(|(model, status, message, count)| ErrorSample {
                    model: String::from_utf8_lossy(model).into_owned(),
                    status: String::from_utf8_lossy(status).into_owned(),
                    // Files written before messages were redacted (or by
                    // another tool) must not publish a credential in the
                    // report either.
                    message: crate::call::redact::redact(&String::from_utf8_lossy(message))
                        .into_owned(),
                    count: *count,
                })
                .collect(),
            other_errors: self.other_errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_values_are_kept_in_order_and_capped() {
        let mut w = Watched::default();
        for v in ["a", "a", "b", "", "a"] {
            w.observe(0, v.as_bytes());
        }
        for i in 0..(MAX_DISTINCT + 3) {
            w.observe(4, format!("run{i}").as_bytes());
        }
        w.observe_time(b"2025-01-02T00:00:00Z");
        w.observe_time(b"2025-01-01T00:00:00Z");
        w.observe_time(b"");
        let s = w.settings();
        assert_eq!(s.experiment_names.values, ["a", "b"]);
        assert!(!s.experiment_names.more);
        assert_eq!(s.run_ids.values.len(), MAX_DISTINCT);
        assert!(s.run_ids.more);
        assert!(s.run_ids.joined().ends_with(", ..."));
        assert_eq!(s.first_call.as_deref(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(s.last_call.as_deref(), Some("2025-01-02T00:00:00Z"));
        let mut total = RunSettings::default();
        total.merge(&s);
        total.merge(&RunSettings {
            first_call: Some("2024-12-31T00:00:00Z".into()),
            ..RunSettings::default()
        });
        assert_eq!(total.first_call.as_deref(), Some("2024-12-31T00:00:00Z"));
        assert_eq!(total.last_call, s.last_call);
    }

    #[test]
    fn errors_are_counted_by_model_status_and_message() {
        let mut w = Watched::default();
        for _ in 0..3 {
            w.observe_error(b"m", b"ThrottlingException", b"slow down");
        }
        w.observe_error(b"m", b"ValidationException", "é".repeat(200).as_bytes());
        for i in 0..MAX_ERROR_SAMPLES {
            w.observe_error(b"m", b"X", format!("{i}").as_bytes());
        }
        let mut s = RunSettings::default();
        s.merge(&w.settings());
        assert_eq!(s.errors[0].count, 3);
        assert_eq!(s.errors.len(), MAX_ERROR_SAMPLES);
        assert_eq!(s.other_errors, 2);
        let long = s
            .errors
            .iter()
            .find(|e| e.status == "ValidationException")
            .unwrap();
        assert!(long.message.len() <= MAX_MESSAGE_BYTES);
        assert!(
            !long.message.contains('\u{fffd}'),
            "cut at a character boundary"
        );
    }
}
