//! What the benches that measure the harness at scale share: their
//! options after `--`, sizes from the environment, and percentiles.

use std::path::PathBuf;

/// An environment variable's value, or `default` when unset or unreadable.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p`th percentile of `sorted` by linear interpolation.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = last as f64 * p / 100.0;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64))
}

/// The options after `--`: `--test` (quick sizes) and `--figures FILE`;
/// criterion's own (`--bench`) are accepted and ignored.
pub struct Args {
    /// The quick sizes.
    pub quick: bool,
    /// Where to write the figures.
    pub figures: Option<PathBuf>,
}

/// The options of this process.
pub fn args() -> Args {
    let mut args = Args {
        quick: false,
        figures: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--test" => args.quick = true,
            "--figures" => args.figures = given.next().map(PathBuf::from),
            _ => {}
        }
    }
    args
}
