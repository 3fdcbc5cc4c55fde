//! When a tail percentile is presented: the p-th percentile (p above 50)
//! of `n` values is shown only when at least one value is expected beyond
//! it, `n * (1 - p/100) >= 1`: a p90 needs 10 values, a p95 20, a p99 100.
//! Below that the number is the largest value or an interpolation towards
//! it, which looks exact and is not a p99; the cell is left empty in the
//! CSVs (the row's `thin_percentiles` column says which) and shows
//! `n<100` (the count needed) in the terminal and the report.
//!
//! Medians are always shown. The Python tool's summary CSV keeps its
//! numbers (its format is that tool's): the rule applies where the
//! summary is presented (terminal, report), not to its file.

/// The fewest values for which the `p`-th percentile is shown: 1 up to the
/// median, else `ceil(100 / (100 - p))` (p90: 10, p95: 20, p99: 100).
pub fn min_values(p: f64) -> usize {
    if p <= 50.0 {
        return 1;
    }
    if p >= 100.0 {
        return usize::MAX;
    }
    // A tiny tolerance so that 100 / (100 - 90) is 10, not 10.000000001.
    (100.0 / (100.0 - p) - 1e-9).ceil() as usize
}

/// Whether the `p`-th percentile of `n` values is shown.
pub fn is_shown(p: f64, n: usize) -> bool {
    n >= min_values(p)
}

/// What is shown instead of a percentile of too few values: `n<100`.
pub fn thin_mark(p: f64) -> String {
    format!("n<{}", min_values(p))
}

/// `value` when the `p`-th percentile of `n` values is shown, else `None`.
pub fn shown(p: f64, n: usize, value: f64) -> Option<f64> {
    is_shown(p, n).then_some(value)
}

/// The tail percentiles of `tails` that some count of `counts` is too
/// small for, each with the count it needs: `p95 n<20; p99 n<100` (the
/// CSVs' `thin_percentiles` cell); empty when every one is shown.
pub fn thin_list(tails: &[f64], counts: &[usize]) -> String {
    tails
        .iter()
        .filter(|&&p| counts.iter().any(|&n| !is_shown(p, n)))
        .map(|&p| format!("p{p} {}", thin_mark(p)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `value` written by `write` when the `p`-th percentile of `n` values is
/// shown, else its thin mark (`n<100`): a table cell.
pub fn cell(p: f64, n: usize, value: f64, write: impl Fn(f64) -> String) -> String {
    if is_shown(p, n) {
        write(value)
    } else {
        thin_mark(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tail_percentile_needs_a_value_beyond_it() {
        assert_eq!(min_values(50.0), 1);
        assert_eq!(min_values(90.0), 10);
        assert_eq!(min_values(95.0), 20);
        assert_eq!(min_values(99.0), 100);
        assert!(is_shown(90.0, 10) && !is_shown(90.0, 9));
        assert!(!is_shown(99.0, 99) && is_shown(99.0, 100));
        assert_eq!(thin_mark(99.0), "n<100");
        assert_eq!(shown(95.0, 19, 1.0), None);
        assert_eq!(
            thin_list(&[90.0, 95.0, 99.0], &[18, 40]),
            "p95 n<20; p99 n<100"
        );
        assert_eq!(thin_list(&[90.0], &[10]), "");
        assert_eq!(cell(99.0, 18, 1.5, |v| format!("{v:.1}")), "n<100");
        assert_eq!(cell(90.0, 18, 1.5, |v| format!("{v:.1}")), "1.5");
    }
}
