//! Cutting a trace to a time window and compressing it in time.

use std::time::Duration;

use super::error::TraceError;
use super::{Trace, TraceRecord};

impl Trace {
    /// The records with `start <= at < start + length` (`length` `None`:
    /// to the end), each at `at - start`. A window holding no record is
    /// an error that says the trace's span.
    pub fn window(&self, start: Duration, length: Option<Duration>) -> Result<Trace, TraceError> {
        let first = self.records.partition_point(|record| record.at < start);
        let last = match length {
            Some(length) => {
                let end = start.saturating_add(length);
                self.records.partition_point(|record| record.at < end)
            }
            None => self.records.len(),
        };
        if first >= last {
            return Err(TraceError::EmptyWindow {
                file: self.file_name(),
                start,
                length,
                span: self.span(),
                records: self.records.len(),
            });
        }
        let records = self.records[first..last]
            .iter()
            .map(|record| TraceRecord {
                at: record.at - start,
                ..record.clone()
            })
            .collect();
        Ok(self.with_records(records))
    }

    /// The trace `factor` times faster: each record at `at / factor`
    /// (rounded to the nanosecond). `factor` must be finite and above 0,
    /// and not so small that an instant overflows; 1.0 leaves the trace
    /// as it is.
    pub fn sped_up(&self, factor: f64) -> Result<Trace, TraceError> {
        let invalid = |expected: &str| TraceError::InvalidSpeedUp {
            file: self.file_name(),
            expected: expected.to_owned(),
            factor,
        };
        if !factor.is_finite() || factor <= 0.0 {
            return Err(invalid("a finite number greater than 0"));
        }
        if factor == 1.0 {
            return Ok(self.clone());
        }
        let span = self.span().as_nanos() as f64 / factor;
        if span.round() >= u64::MAX as f64 {
            return Err(invalid(
                "a factor that keeps the trace's span under 584 years",
            ));
        }
        let records = self
            .records
            .iter()
            .map(|record| TraceRecord {
                at: Duration::from_nanos((record.at.as_nanos() as f64 / factor).round() as u64),
                ..record.clone()
            })
            .collect();
        Ok(self.with_records(records))
    }

    /// This trace's file and format with `records`.
    fn with_records(&self, records: Vec<TraceRecord>) -> Trace {
        Trace {
            path: self.path.clone(),
            format: self.format,
            records,
        }
    }
}
