//! Time as the files write and read it, defined once: the wall-clock start
//! of a call (`job_timestamp_iso`), the Python tool's run timestamps, and
//! the stamps of file names, a report's generation time and a results
//! file's date.

use std::time::SystemTime;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// `2026-11-30T10:00:00.123456Z`: RFC 3339 in UTC with microseconds, as
/// `job_timestamp_iso` is written.
pub fn iso_micros(time: SystemTime) -> String {
    let utc: DateTime<Utc> = time.into();
    utc.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Seconds since the Unix epoch of a timestamp as raw CSVs hold it: RFC
/// 3339 (`...Z`, `+02:00`), or a time without a zone as Python's
/// `datetime.isoformat()` or `str()` write it (`T` or a space between date
/// and time), taken as UTC. `None` for anything else.
pub fn epoch_seconds(text: &str) -> Option<f64> {
    let utc = match DateTime::parse_from_rfc3339(text) {
        Ok(time) => time.naive_utc(),
        Err(_) => ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())?,
    };
    let utc = utc.and_utc();
    Some(utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_micros()) / 1e6)
}

/// The local time as `YYYYmmdd_HHMMSS`: run ids and the stamps of output
/// file names.
pub fn local_stamp() -> String {
    chrono::Local::now().format("%Y%m%d_%H%M%S").to_string()
}

/// The local time as `YYYY-mm-dd HH:MM:SS`: when a report was generated,
/// for people.
pub fn local_display() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The time now in UTC to the second, `2026-12-06T21:00:00Z`: the date of
/// a results file.
pub fn utc_seconds() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_become_unix_seconds() {
        let base = 1_783_000_000.0;
        let z = epoch_seconds("2026-07-02T13:46:40.250000Z").expect("RFC 3339");
        assert!((z - (base + 0.25)).abs() < 1e-6, "{z}");
        let offset = epoch_seconds("2026-07-02T15:46:40.25+02:00").expect("offset");
        assert!((offset - z).abs() < 1e-6, "{offset}");
        let naive = epoch_seconds("2026-07-02T13:46:40.250000").expect("naive");
        assert!((naive - z).abs() < 1e-6, "{naive}");
        let spaced = epoch_seconds("2026-07-02 13:46:40").expect("spaced");
        assert!((spaced - base).abs() < 1e-6, "{spaced}");
        assert_eq!(epoch_seconds("yesterday"), None);
        assert_eq!(epoch_seconds(""), None);
    }

    #[test]
    fn written_times_read_back_to_the_microsecond() {
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_micros(1_783_000_000_250_001);
        let text = iso_micros(time);
        assert_eq!(text, "2026-07-02T13:46:40.250001Z");
        let back = epoch_seconds(&text).expect("reads back");
        assert!((back - 1_783_000_000.250_001).abs() < 1e-6);
        assert_eq!(local_stamp().len(), 15);
        assert_eq!(local_display().len(), 19);
        let now = utc_seconds();
        assert!(now.ends_with('Z') && now.len() == 20, "{now}");
        assert!(epoch_seconds(&now).is_some());
    }
}
