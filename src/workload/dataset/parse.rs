//! One record's bytes parsed and checked: the step that opening runs on
//! every record (in parallel) and that an entry runs again on one.

use super::conversation::Conversation;
use super::detect::{classify, unrecognized};
use super::format::DatasetFormat;
use super::formats;
use super::json_shape::Object;
use super::problem::RecordProblem;
use super::raw::RawRecord;

/// `bytes` (one record) checked as `format`, or as the format its keys
/// show when `format` is `None`; with that format.
pub(crate) fn check_record(
    bytes: &[u8],
    format: Option<DatasetFormat>,
) -> Result<(DatasetFormat, Conversation<'_>), RecordProblem> {
    let record = parse(bytes)?;
    let format = match format {
        Some(format) => format,
        None => classify(&record).ok_or_else(|| unrecognized(&record))?,
    };
    formats::check(record, format).map(|conversation| (format, conversation))
}

/// `bytes` parsed as one JSON object, borrowing its strings.
fn parse(bytes: &[u8]) -> Result<RawRecord<'_>, RecordProblem> {
    match serde_json::from_slice::<Object<RawRecord<'_>>>(bytes) {
        Ok(Object::Fields(record)) => Ok(record),
        Ok(Object::Other(kind)) => Err(RecordProblem::shape(
            "",
            "a record (a JSON object)",
            kind.to_string(),
        )),
        Err(error) => Err(RecordProblem::syntax(&error)),
    }
}
