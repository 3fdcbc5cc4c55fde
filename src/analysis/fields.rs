//! Field parsing: lenient about form (`10.0` tokens, `NaN`, spaces), strict
//! about meaning (negative times, fractional tokens, text where a number
//! belongs are [`FieldError`]s).

use super::error::FieldError;

use crate::metrics::{self, present};

/// Generation OTPS ([`metrics::generation_otps`]) of NaN-for-absent
/// values, NaN when undefined.
pub fn derived_generation_otps(ttft: f64, total: f64, output_tokens: f64) -> f64 {
    metrics::generation_otps(present(output_tokens), present(ttft), present(total))
        .unwrap_or(f64::NAN)
}

/// TPOT ([`metrics::tpot`]) of NaN-for-absent values, NaN when undefined.
pub fn derived_tpot(ttft: f64, total: f64, output_tokens: f64) -> f64 {
    metrics::tpot(present(output_tokens), present(ttft), present(total)).unwrap_or(f64::NAN)
}

/// Empty, `nan` or `NaN` (as pandas writes a missing value): absent.
fn is_missing(raw: &[u8]) -> bool {
    raw.is_empty() || raw.eq_ignore_ascii_case(b"nan")
}

/// Parse a number. Plain decimals of at most 15 digits (every time and
/// count our files hold) take a fast path that gives the same, correctly
/// rounded, result as `str::parse` (an exact integer over an exact power
/// of ten: one correctly rounded division); anything else goes to
/// `str::parse`.
fn number(raw: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut decimals: Option<usize> = None;
    for &b in raw {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
                if digits > 15 {
                    return slow_number(raw);
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return slow_number(raw),
        }
    }
    if digits == 0 {
        return slow_number(raw);
    }
    Some(mantissa as f64 / POW10[decimals.unwrap_or(0)])
}

fn slow_number(raw: &[u8]) -> Option<f64> {
    std::str::from_utf8(raw).ok()?.parse::<f64>().ok()
}

/// A finite, non-negative number, or NaN when absent.
pub(super) fn non_negative(
    raw: &[u8],
    column: &'static str,
    expected: &'static str,
) -> Result<f64, FieldError> {
    if is_missing(raw) {
        return Ok(f64::NAN);
    }
    match number(raw) {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(FieldError::new(column, expected, raw)),
    }
}

pub(super) fn seconds(raw: &[u8], column: &'static str) -> Result<f64, FieldError> {
    non_negative(
        raw,
        column,
        "a duration in seconds (a number >= 0, or empty)",
    )
}

/// A whole number of tokens; `10.0` is accepted (pandas writes integer
/// columns with missing values as floats).
pub(super) fn tokens(raw: &[u8], column: &'static str) -> Result<f64, FieldError> {
    let expected = "a whole number of tokens (or empty)";
    let value = non_negative(raw, column, expected)?;
    if !value.is_nan() && value.fract() != 0.0 {
        return Err(FieldError::new(column, expected, raw));
    }
    Ok(value)
}

/// A whole number >= 0 (`10.0` accepted), or `None` when absent.
pub(super) fn whole(
    raw: &[u8],
    column: &'static str,
    expected: &'static str,
) -> Result<Option<u64>, FieldError> {
    let value = non_negative(raw, column, expected)?;
    if value.is_nan() {
        return Ok(None);
    }
    if value.fract() != 0.0 || value > u64::MAX as f64 {
        return Err(FieldError::new(column, expected, raw));
    }
    Ok(Some(value as u64))
}

/// Append the gaps between consecutive offsets of a `delta_offsets` field;
/// returns how many offsets the field holds.
pub(super) fn parse_gaps(raw: &[u8], gaps: &mut Vec<f64>) -> Result<u64, FieldError> {
    let expected = "non-decreasing offsets in seconds separated by spaces";
    let start = gaps.len();
    let mut previous: Option<f64> = None;
    let mut offsets = 0u64;
    for piece in raw.split(|b| b.is_ascii_whitespace()) {
        if piece.is_empty() {
            continue;
        }
        let value = match number(piece) {
            Some(v) if v.is_finite() && v >= 0.0 => v,
            _ => {
                gaps.truncate(start);
                return Err(FieldError::new("delta_offsets", expected, raw));
            }
        };
        if let Some(prev) = previous {
            if value < prev {
                gaps.truncate(start);
                return Err(FieldError::new("delta_offsets", expected, raw));
            }
            gaps.push(value - prev);
        }
        previous = Some(value);
        offsets += 1;
    }
    Ok(offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_lenient_but_bad_values_are_errors() {
        assert!(seconds(b"", "c").unwrap().is_nan());
        assert!(seconds(b"NaN", "c").unwrap().is_nan());
        assert_eq!(seconds(b"0.64", "c"), Ok(0.64));
        assert_eq!(tokens(b"10.0", "c"), Ok(10.0));
        assert_eq!(tokens(b"10", "c"), Ok(10.0));
        assert!(tokens(b"", "c").unwrap().is_nan());
        let e = tokens(b"10.5", "model_output_tokens").unwrap_err();
        assert_eq!(
            (e.column, e.found.as_str()),
            ("model_output_tokens", "10.5")
        );
        assert!(seconds(b"-1", "c").is_err());
        assert!(seconds(b"inf", "c").is_err());
        assert!(seconds(b"abc", "c").is_err());
    }

    #[test]
    fn the_fast_number_path_agrees_with_str_parse() {
        let samples = [
            "0",
            "10",
            "10.0",
            "0.64",
            "1.074",
            "0.326684",
            "123456.789012",
            "999999999999999",
            "0.000001",
            "1.",
            ".5",
            "42.038638553467266",
            "1e-3",
            "-0.5",
            "+1",
            "1.2.3",
            "",
            ".",
        ];
        for text in samples {
            assert_eq!(
                number(text.as_bytes()).map(f64::to_bits),
                text.parse::<f64>().ok().map(f64::to_bits),
                "{text}"
            );
        }
        let mut x: u64 = 12345;
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let text = format!("{}.{:06}", (x >> 40) % 1000, (x >> 8) % 1_000_000);
            assert_eq!(number(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
    }

    #[test]
    fn gaps_come_from_consecutive_offsets() {
        let mut gaps = Vec::new();
        assert_eq!(parse_gaps(b"0.5 0.6  0.75", &mut gaps), Ok(3));
        assert_eq!(gaps.len(), 2);
        assert!((gaps[0] - 0.1).abs() < 1e-12 && (gaps[1] - 0.15).abs() < 1e-12);
        assert!(parse_gaps(b"0.5 0.4", &mut gaps).is_err());
        assert!(parse_gaps(b"0.5 x", &mut gaps).is_err());
        assert_eq!(gaps.len(), 2, "a bad field leaves nothing behind");
        assert_eq!(parse_gaps(b"", &mut gaps), Ok(0));
        assert_eq!(parse_gaps(b" 0.5 ", &mut gaps), Ok(1));
        assert_eq!(gaps.len(), 2);
    }

    #[test]
    fn whole_numbers_are_counts() {
        let expected = "a count";
        assert_eq!(whole(b"10", "c", expected), Ok(Some(10)));
        assert_eq!(whole(b"10.0", "c", expected), Ok(Some(10)));
        assert_eq!(whole(b"", "c", expected), Ok(None));
        assert!(whole(b"1.5", "c", expected).is_err());
        assert!(whole(b"-1", "c", expected).is_err());
        assert!(whole(b"x", "c", expected).is_err());
    }

    #[test]
    fn derived_rates_need_two_tokens_and_a_positive_window() {
        assert_eq!(derived_generation_otps(0.5, 1.5, 51.0), 50.0);
        assert_eq!(derived_tpot(0.5, 1.5, 51.0), 0.02);
        assert!(derived_generation_otps(0.5, 1.5, 1.0).is_nan());
        assert!(derived_generation_otps(0.5, 0.5, 10.0).is_nan());
        assert!(derived_tpot(f64::NAN, 1.5, 10.0).is_nan());
    }
}
