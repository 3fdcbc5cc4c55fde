//! The values of a trace's fields, from CSV text or JSON: token lengths,
//! timestamps, session ids and hash ids. Each parser returns the value or
//! what was found, in words (``-5` (negative)`); the caller adds the file,
//! line, column and what was expected.

use serde_json::Value;

/// The most tokens an input or an output may have.
pub const MAX_TRACE_TOKENS: u32 = 10_000_000;

/// The latest timestamp a trace may hold, in seconds from its zero
/// (about 31.7 years).
pub const MAX_TRACE_SECONDS: u64 = 1_000_000_000;

/// The most characters of a field shown in a message.
const MAX_SHOWN_CHARS: usize = 40;

/// Nanoseconds per second.
const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Nanoseconds per millisecond.
const NANOS_PER_MILLISECOND: u64 = 1_000_000;

/// The format of Azure's timestamps, for chrono.
pub(super) const AZURE_DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";

/// What a token length must be, in words.
pub(super) fn tokens_expected(min: u32) -> String {
    format!("a whole number of tokens from {min} to {MAX_TRACE_TOKENS}")
}

/// What a timestamp in seconds must be, in words.
pub(super) fn seconds_expected() -> String {
    format!("a number of seconds from 0 to {MAX_TRACE_SECONDS}")
}

/// What a timestamp in milliseconds must be, in words.
pub(super) fn milliseconds_expected() -> String {
    format!(
        "a number of milliseconds from 0 to {}",
        MAX_TRACE_SECONDS * 1000
    )
}

/// What an Azure timestamp must be, in words.
pub(super) const DATETIME_EXPECTED: &str =
    "a date and time like `2023-11-16 18:15:46.680590` (fraction optional, up to 9 digits)";

/// What hash ids in a CSV field must be, in words.
pub(super) const HASH_IDS_TEXT_EXPECTED: &str =
    "whole numbers from 0 to 18446744073709551615 separated by spaces";

/// What hash ids in JSON must be, in words.
pub(super) const HASH_IDS_JSON_EXPECTED: &str =
    "an array of whole numbers from 0 to 18446744073709551615";

/// What a session id in JSON must be, in words.
pub(super) const SESSION_JSON_EXPECTED: &str = "a string or a whole number";

/// A number as read, before its bounds are checked.
enum Number {
    /// A whole number (`u64::MAX` for any larger one).
    Whole(u64),
    /// Below zero.
    Negative,
    /// With a fractional part.
    Fractional,
    /// Infinite or not a number.
    NotFinite,
}

/// A token length from CSV text, from `min` to [`MAX_TRACE_TOKENS`].
pub(super) fn tokens_from_text(text: &str, min: u32) -> Result<u32, String> {
    if text.is_empty() {
        return Err("an empty field".to_owned());
    }
    let number = if text.bytes().all(|byte| byte.is_ascii_digit()) {
        Number::Whole(text.parse().unwrap_or(u64::MAX))
    } else {
        match text.parse::<f64>() {
            Ok(x) => classify(x),
            Err(_) => return Err(format!("{} (not a number)", shown(text))),
        }
    };
    tokens_in_bounds(number, min).map_err(|why| format!("{} ({why})", shown(text)))
}

/// A token length from JSON, from `min` to [`MAX_TRACE_TOKENS`].
pub(super) fn tokens_from_json(value: &Value, min: u32) -> Result<u32, String> {
    let Value::Number(number) = value else {
        return Err(describe_json(value));
    };
    let read = if let Some(whole) = number.as_u64() {
        Number::Whole(whole)
    } else if number.is_i64() {
        Number::Negative
    } else {
        classify(number.as_f64().unwrap_or(f64::NAN))
    };
    tokens_in_bounds(read, min).map_err(|why| format!("number {number} ({why})"))
}

/// The token length, or why it is out of bounds.
fn tokens_in_bounds(number: Number, min: u32) -> Result<u32, String> {
    match number {
        Number::Whole(n) if n < u64::from(min) => Err(format!("less than {min}")),
        Number::Whole(n) if n > u64::from(MAX_TRACE_TOKENS) => {
            Err(format!("more than {MAX_TRACE_TOKENS}"))
        }
        Number::Whole(n) => Ok(u32::try_from(n).unwrap_or(MAX_TRACE_TOKENS)),
        Number::Negative => Err("negative".to_owned()),
        Number::Fractional => Err("fractional".to_owned()),
        Number::NotFinite => Err("not finite".to_owned()),
    }
}

/// An `f64` read as a [`Number`].
fn classify(x: f64) -> Number {
    if !x.is_finite() {
        Number::NotFinite
    } else if x < 0.0 {
        Number::Negative
    } else if x.fract() != 0.0 {
        Number::Fractional
    } else if x >= u64::MAX as f64 {
        Number::Whole(u64::MAX)
    } else {
        Number::Whole(x as u64)
    }
}

/// A timestamp in seconds from CSV text, as nanoseconds; decimal text is
/// read exactly (to the nanosecond, rounded beyond).
pub(super) fn seconds_from_text(text: &str) -> Result<i64, String> {
    if text.is_empty() {
        return Err("an empty field".to_owned());
    }
    let Ok(x) = text.parse::<f64>() else {
        return Err(format!("{} (not a number)", shown(text)));
    };
    check_instant(x, MAX_TRACE_SECONDS as f64).map_err(|why| format!("{} ({why})", shown(text)))?;
    Ok(exact_decimal_nanos(text).unwrap_or_else(|| (x * NANOS_PER_SECOND as f64).round() as i64))
}

/// A timestamp in seconds from JSON, as nanoseconds.
pub(super) fn seconds_from_json(value: &Value) -> Result<i64, String> {
    instant_from_json(value, NANOS_PER_SECOND, MAX_TRACE_SECONDS)
}

/// A timestamp in milliseconds from JSON, as nanoseconds.
pub(super) fn milliseconds_from_json(value: &Value) -> Result<i64, String> {
    instant_from_json(value, NANOS_PER_MILLISECOND, MAX_TRACE_SECONDS * 1000)
}

/// A JSON timestamp in units of `unit_nanos`, at most `max` units, as
/// nanoseconds.
fn instant_from_json(value: &Value, unit_nanos: u64, max: u64) -> Result<i64, String> {
    let Value::Number(number) = value else {
        return Err(describe_json(value));
    };
    let x = number.as_f64().unwrap_or(f64::NAN);
    check_instant(x, max as f64).map_err(|why| format!("number {number} ({why})"))?;
    let nanos = match number.as_u64() {
        Some(whole) => whole.saturating_mul(unit_nanos),
        None => (x * unit_nanos as f64).round() as u64,
    };
    Ok(i64::try_from(nanos).unwrap_or(i64::MAX))
}

/// Why `x` is not a timestamp from 0 to `max`, if it is not.
fn check_instant(x: f64, max: f64) -> Result<(), String> {
    if !x.is_finite() {
        Err("not finite".to_owned())
    } else if x < 0.0 {
        Err("negative".to_owned())
    } else if x > max {
        Err(format!("more than {max}"))
    } else {
        Ok(())
    }
}

/// The nanoseconds of plain decimal seconds (`12`, `+12.5`, `.25`),
/// exactly; `None` for other spellings (`1e3`).
fn exact_decimal_nanos(text: &str) -> Option<i64> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) || whole.len() > 12 {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = 0u64;
    for (index, digit) in fraction.bytes().take(9).enumerate() {
        nanos += u64::from(digit - b'0') * 10u64.pow(8 - index as u32);
    }
    if fraction
        .as_bytes()
        .get(9)
        .is_some_and(|digit| *digit >= b'5')
    {
        nanos += 1;
    }
    i64::try_from(whole * NANOS_PER_SECOND + nanos).ok()
}

/// An Azure timestamp (`2023-11-16 18:15:46.680590`) as nanoseconds since
/// the Unix epoch.
pub(super) fn datetime_from_text(text: &str) -> Result<i64, String> {
    if text.is_empty() {
        return Err("an empty field".to_owned());
    }
    chrono::NaiveDateTime::parse_from_str(text, AZURE_DATETIME_FORMAT)
        .ok()
        .and_then(|datetime| datetime.and_utc().timestamp_nanos_opt())
        .ok_or_else(|| shown(text))
}

/// Hash ids from a CSV field, separated by spaces (none when blank).
pub(super) fn hash_ids_from_text(text: &str) -> Result<Vec<u64>, String> {
    text.split_ascii_whitespace()
        .map(|id| {
            id.parse::<u64>()
                .map_err(|_| format!("{} in {}", shown(id), shown(text)))
        })
        .collect()
}

/// A session id from a CSV field (none when blank).
pub(super) fn session_from_text(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// A session id from JSON: a string, or a whole number as text; `null`
/// is none.
pub(super) fn session_from_json(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) if text.is_empty() => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(number) if number.is_u64() => Ok(Some(number.to_string())),
        other => Err(describe_json(&other)),
    }
}

/// `value` in words with its JSON type: `string "12"`, `number -5`,
/// `an array`.
pub(super) fn describe_json(value: &Value) -> String {
    match value {
        Value::String(text) => format!(
            "string {}",
            shorten(&Value::from(text.as_str()).to_string())
        ),
        Value::Number(number) => format!("number {number}"),
        Value::Bool(flag) => format!("boolean {flag}"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => format!("array {}", shorten(&value.to_string())),
        Value::Object(_) => format!("object {}", shorten(&value.to_string())),
    }
}

/// A field's text as shown in messages: in backticks, shortened.
pub(super) fn shown(text: &str) -> String {
    format!("`{}`", shorten(text))
}

/// `text`, cut to [`MAX_SHOWN_CHARS`] characters with `...` when longer.
pub(super) fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX_SHOWN_CHARS - 3).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lengths_from_text() {
        assert_eq!(tokens_from_text("12", 1), Ok(12));
        assert_eq!(tokens_from_text("12.0", 1), Ok(12));
        assert_eq!(tokens_from_text("0", 0), Ok(0));
        assert_eq!(
            tokens_from_text("0", 1),
            Err("`0` (less than 1)".to_owned())
        );
        assert_eq!(tokens_from_text("-5", 0), Err("`-5` (negative)".to_owned()));
        assert_eq!(
            tokens_from_text("3.5", 0),
            Err("`3.5` (fractional)".to_owned())
        );
        assert_eq!(
            tokens_from_text("99999999999999999999999", 0),
            Err("`99999999999999999999999` (more than 10000000)".to_owned())
        );
        assert_eq!(
            tokens_from_text("ten", 0),
            Err("`ten` (not a number)".to_owned())
        );
        assert_eq!(
            tokens_from_text("inf", 0),
            Err("`inf` (not finite)".to_owned())
        );
        assert_eq!(tokens_from_text("", 0), Err("an empty field".to_owned()));
    }

    #[test]
    fn token_lengths_from_json() {
        let json = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(tokens_from_json(&json("7"), 1), Ok(7));
        assert_eq!(tokens_from_json(&json("7.0"), 1), Ok(7));
        assert_eq!(
            tokens_from_json(&json("-7"), 1),
            Err("number -7 (negative)".to_owned())
        );
        assert_eq!(
            tokens_from_json(&json("7.5"), 1),
            Err("number 7.5 (fractional)".to_owned())
        );
        assert_eq!(
            tokens_from_json(&json("\"7\""), 1),
            Err("string \"7\"".to_owned())
        );
    }

    #[test]
    fn decimal_seconds_are_exact() {
        assert_eq!(seconds_from_text("46.680590"), Ok(46_680_590_000));
        assert_eq!(seconds_from_text("0.1"), Ok(100_000_000));
        assert_eq!(seconds_from_text(".25"), Ok(250_000_000));
        assert_eq!(seconds_from_text("1.0000000005"), Ok(1_000_000_001));
        assert_eq!(seconds_from_text("1e3"), Ok(1_000_000_000_000));
        assert_eq!(seconds_from_text("-1"), Err("`-1` (negative)".to_owned()));
        assert_eq!(
            seconds_from_text("NaN"),
            Err("`NaN` (not finite)".to_owned())
        );
        assert_eq!(
            seconds_from_text("2e9"),
            Err("`2e9` (more than 1000000000)".to_owned())
        );
    }

    #[test]
    fn hash_ids_and_sessions() {
        assert_eq!(hash_ids_from_text("1 2  3"), Ok(vec![1, 2, 3]));
        assert_eq!(hash_ids_from_text(""), Ok(vec![]));
        assert_eq!(hash_ids_from_text("1 x"), Err("`x` in `1 x`".to_owned()));
        assert_eq!(
            session_from_json(Value::from(42u64)),
            Ok(Some("42".to_owned()))
        );
        assert_eq!(session_from_json(Value::Null), Ok(None));
        assert_eq!(
            session_from_json(Value::from(true)),
            Err("boolean true".to_owned())
        );
    }
}
