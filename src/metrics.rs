//! Every derived metric of a call, defined once, for
//! the timed call's record, the raw CSV, `analyze`, the charts and
//! criterion alike. Inputs are seconds after t0 and token counts; a metric
//! that is undefined for its inputs (no tokens, no time, a missing value)
//! is `None`, never zero or infinite.

/// The Python tool's OTPS: `output_tokens / total_latency`.
pub fn otps(output_tokens: Option<f64>, total_s: Option<f64>) -> Option<f64> {
    let (tokens, total) = (output_tokens?, total_s?);
    (tokens >= 0.0 && total > 0.0).then(|| tokens / total)
}

/// criterion's OTPS measurement, its inverse: `total_latency /
/// output_tokens`, seconds per output token (at least one token).
pub fn time_per_output_token(output_tokens: Option<f64>, total_s: Option<f64>) -> Option<f64> {
    let (tokens, total) = (output_tokens?, total_s?);
    (tokens > 0.0 && total > 0.0).then(|| total / tokens)
}

/// The decode window: `(output_tokens - 1, total - ttft)` when both are
/// positive.
fn decode_window(
    output_tokens: Option<f64>,
    ttft_s: Option<f64>,
    total_s: Option<f64>,
) -> Option<(f64, f64)> {
    let tokens = output_tokens? - 1.0;
    let decode = total_s? - ttft_s?;
    (tokens > 0.0 && decode > 0.0).then_some((tokens, decode))
}

/// Generation OTPS, the decode speed: `(output_tokens - 1) / (total -
/// TTFT)`.
pub fn generation_otps(
    output_tokens: Option<f64>,
    ttft_s: Option<f64>,
    total_s: Option<f64>,
) -> Option<f64> {
    decode_window(output_tokens, ttft_s, total_s).map(|(tokens, decode)| tokens / decode)
}

/// TPOT, time per output token after the first: `(total - TTFT) /
/// (output_tokens - 1)`.
pub fn tpot(output_tokens: Option<f64>, ttft_s: Option<f64>, total_s: Option<f64>) -> Option<f64> {
    decode_window(output_tokens, ttft_s, total_s).map(|(tokens, decode)| decode / tokens)
}

/// The gaps between consecutive delta receipts (seconds after t0, in
/// order).
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "the documented formula, tested here; no caller yet"
    )
)]
pub fn gaps(offsets: &[f64]) -> impl Iterator<Item = f64> + '_ {
    offsets.windows(2).map(|w| (w[1] - w[0]).max(0.0))
}

/// `None` for NaN: how the analysis's NaN-for-absent numbers enter these
/// formulas.
pub fn present(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_formulas() {
        assert_eq!(otps(Some(6.0), Some(1.0)), Some(6.0));
        assert_eq!(generation_otps(Some(6.0), Some(0.5), Some(1.0)), Some(10.0));
        assert_eq!(tpot(Some(6.0), Some(0.5), Some(1.0)), Some(0.1));
        assert_eq!(time_per_output_token(Some(50.0), Some(1.0)), Some(0.02));
        assert_eq!(
            gaps(&[0.5, 0.6, 0.6]).collect::<Vec<_>>(),
            [0.09999999999999998, 0.0]
        );
    }

    #[test]
    fn undefined_is_none_never_zero_or_infinite() {
        assert_eq!(otps(Some(10.0), Some(0.0)), None, "zero latency");
        assert_eq!(otps(None, Some(1.0)), None);
        assert_eq!(
            otps(Some(0.0), Some(1.0)),
            Some(0.0),
            "no tokens in a second is 0 tok/s"
        );
        assert_eq!(time_per_output_token(Some(0.0), Some(1.0)), None);
        assert_eq!(
            generation_otps(Some(1.0), Some(0.5), Some(1.0)),
            None,
            "one token"
        );
        assert_eq!(
            tpot(Some(5.0), Some(1.0), Some(1.0)),
            None,
            "no decode time"
        );
        assert_eq!(tpot(Some(5.0), None, Some(1.0)), None);
        assert_eq!(present(f64::NAN), None);
        assert_eq!(present(2.0), Some(2.0));
    }
}
