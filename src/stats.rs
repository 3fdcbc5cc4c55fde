//! Descriptive statistics with pandas' conventions: percentiles by linear
//! interpolation between closest ranks (numpy's default `linear` method),
//! standard deviation with n - 1.

/// The `p`th percentile (0 to 100) of `sorted` (ascending), by linear
/// interpolation: rank `(n - 1) * p / 100`. `None` when empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (n - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
    let low = rank.floor() as usize;
    let high = rank.ceil() as usize;
    let fraction = rank - low as f64;
    Some(sorted[low] + (sorted[high] - sorted[low]) * fraction)
}

/// Arithmetic mean; `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// Sample standard deviation (n - 1), as pandas' `std()`; `None` for
/// fewer than two values.
pub fn std_dev(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let sum_sq: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    Some((sum_sq / (values.len() - 1) as f64).sqrt())
}

/// Every statistic the extended summary reports for one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub count: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (`None` below two values).
    pub std: Option<f64>,
    /// Smallest.
    pub min: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl Summary {
    /// Summarize `values` (any order; NaN values are ignored). `None` when
    /// nothing is left.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            count: sorted.len(),
            mean: mean(&sorted)?,
            std: std_dev(&sorted),
            min: sorted[0],
            p50: percentile(&sorted, 50.0)?,
            p90: percentile(&sorted, 90.0)?,
            p95: percentile(&sorted, 95.0)?,
            p99: percentile(&sorted, 99.0)?,
            max: sorted[sorted.len() - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], 90) == 3.7
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((percentile(&v, 90.0).unwrap() - 3.7).abs() < 1e-12);
        assert!((percentile(&v, 50.0).unwrap() - 2.5).abs() < 1e-12);
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 100.0), Some(4.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn std_uses_n_minus_one() {
        // pandas.Series([2, 4, 4, 4, 5, 5, 7, 9]).std() == 2.138089935299395
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!((std_dev(&v).unwrap() - 2.138_089_935_299_395).abs() < 1e-12);
        assert_eq!(std_dev(&[1.0]), None);
    }

    #[test]
    fn summary_sorts_and_ignores_nan() {
        let s = Summary::of(&[3.0, f64::NAN, 1.0, 2.0]).unwrap();
        assert_eq!((s.count, s.min, s.p50, s.max), (3, 1.0, 2.0, 3.0));
        assert!(Summary::of(&[f64::NAN]).is_none());
    }
}
