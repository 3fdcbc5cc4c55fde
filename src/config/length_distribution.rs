//! A length drawn per call (input or answer tokens, a suffix, a number of
//! turns): the value of a config field that is either a whole number or
//! one of
//!
//! ```json
//! 512
//! {"fixed": 512}
//! {"uniform": {"min": 100, "max": 900}}
//! {"normal": {"mean": 500, "sd": 120, "max": 1200}}
//! {"lognormal": {"p50": 400, "p90": 1600, "max": 8000}}
//! {"file": "lengths.txt"}
//! ```
//!
//! `uniform` draws whole numbers from `min` to `max`, both included;
//! `normal` and `lognormal` (by its median and 90th percentile) are
//! rounded to whole numbers and clamped to the field's bounds, and to
//! their optional `max` (a cap, also the worst case a budget reserves);
//! `file` names a text file of one length per line (blank lines and lines
//! starting with `#` skipped), relative to the config file's directory,
//! drawn uniformly with replacement: the empirical distribution of a
//! production log. Draws take a caller's seeded generator, so a seed
//! gives the same lengths.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::{Rng, RngExt};
use rand_distr::{LogNormal, Normal};
use serde_json::{Map, Value};

use super::fields::describe_found;
use crate::side_file::{self, MAX_SIDE_FILE_BYTES};

/// The standard normal quantile of 0.9: a log-normal's p90 is
/// `exp(mu + Z90 * sigma)`.
const Z90: f64 = 1.281_551_565_544_600_4;

/// The forms, as the error messages list them.
const FORMS: &str =
    "a whole number, or an object with one of `fixed`, `uniform`, `normal`, `lognormal`, `file`";

/// How a length is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum LengthDistribution {
    /// Always this length.
    Fixed(u32),
    /// Uniform over `min..=max`.
    Uniform {
        /// The smallest length.
        min: u32,
        /// The largest length.
        max: u32,
    },
    /// Normal, rounded and clamped.
    Normal {
        /// Its mean.
        mean: f64,
        /// Its standard deviation.
        sd: f64,
        /// The cap (the field's upper bound when none is given).
        cap: u32,
    },
    /// Log-normal by its median and 90th percentile, rounded and clamped.
    LogNormal {
        /// Its median.
        p50: f64,
        /// Its 90th percentile.
        p90: f64,
        /// The cap (the field's upper bound when none is given).
        cap: u32,
    },
    /// Drawn from a file's lengths, uniformly with replacement.
    Empirical {
        /// The file, as resolved.
        file: PathBuf,
        /// Its lengths, in file order.
        lengths: Arc<[u32]>,
    },
}

// The parameters are checked finite when parsed, so equality is total.
impl Eq for LengthDistribution {}

/// The lengths a field accepts, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthBounds {
    /// The smallest.
    pub min: u32,
    /// The largest.
    pub max: u32,
}

impl LengthDistribution {
    /// One draw, within `bounds`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R, bounds: LengthBounds) -> u32 {
        let clamp = |x: f64, cap: u32| -> u32 {
            let high = f64::from(cap.min(bounds.max));
            x.round()
                .clamp(f64::from(bounds.min), high.max(f64::from(bounds.min))) as u32
        };
        match self {
            LengthDistribution::Fixed(n) => *n,
            LengthDistribution::Uniform { min, max } => rng.random_range(*min..=*max),
            LengthDistribution::Normal { mean, sd, cap } => {
                let x = Normal::new(*mean, *sd).map_or(*mean, |normal| rng.sample(normal));
                clamp(x, *cap)
            }
            LengthDistribution::LogNormal { p50, p90, cap } => {
                let (mu, sigma) = lognormal_parameters(*p50, *p90);
                let x = LogNormal::new(mu, sigma).map_or(*p50, |lognormal| rng.sample(lognormal));
                clamp(x, *cap)
            }
            LengthDistribution::Empirical { lengths, .. } => {
                lengths[rng.random_range(0..lengths.len())]
            }
        }
    }

    /// The largest length a draw can give: the worst case a budget
    /// reserves.
    pub fn max_draw(&self, bounds: LengthBounds) -> u32 {
        match self {
            LengthDistribution::Fixed(n) => *n,
            LengthDistribution::Uniform { max, .. } => *max,
            LengthDistribution::Normal { cap, .. } | LengthDistribution::LogNormal { cap, .. } => {
                (*cap).min(bounds.max)
            }
            LengthDistribution::Empirical { lengths, .. } => {
                lengths.iter().copied().max().unwrap_or(bounds.min)
            }
        }
    }

    /// In words, for plans and reports: `512`, `uniform 100..900`,
    /// `normal mean 500 sd 120 (at most 1200)`, `lognormal p50 400 p90 1600
    /// (at most 8000)`, `lengths.txt (1000 lengths)`.
    pub fn describe(&self) -> String {
        match self {
            LengthDistribution::Fixed(n) => n.to_string(),
            LengthDistribution::Uniform { min, max } => format!("uniform {min}..{max}"),
            LengthDistribution::Normal { mean, sd, cap } => {
                format!("normal mean {mean} sd {sd} (at most {cap})")
            }
            LengthDistribution::LogNormal { p50, p90, cap } => {
                format!("lognormal p50 {p50} p90 {p90} (at most {cap})")
            }
            LengthDistribution::Empirical { file, lengths } => {
                format!("{} ({} lengths)", file.display(), lengths.len())
            }
        }
    }
}

/// A log-normal's `(mu, sigma)` from its median and 90th percentile.
fn lognormal_parameters(p50: f64, p90: f64) -> (f64, f64) {
    let mu = p50.ln();
    (mu, ((p90.ln() - mu) / Z90).max(0.0))
}

/// Errors as `(field, expected, found)`, the field as a dotted path.
pub type FieldErrors = Vec<(String, String, String)>;

/// Parse the value of `field`, whose lengths must lie within `bounds`;
/// a `file` is read relative to `base_dir`. Errors are `(field, expected,
/// found)`, the field as a dotted path (`input_tokens.normal.sd`).
pub fn parse_length_distribution(
    field: &str,
    value: &Value,
    base_dir: &Path,
    bounds: LengthBounds,
) -> Result<LengthDistribution, FieldErrors> {
    let in_bounds = format!("a whole number from {} to {}", bounds.min, bounds.max);
    let error = |path: String, expected: &str, found: String| {
        Err(vec![(path, expected.to_string(), found)])
    };
    let map = match value {
        Value::Number(_) => {
            return length(value, bounds)
                .map(LengthDistribution::Fixed)
                .ok_or_else(|| {
                    vec![(field.to_string(), in_bounds.clone(), describe_found(value))]
                });
        }
        Value::Object(map) if map.len() == 1 => map,
        other => return error(field.to_string(), FORMS, describe_found(other)),
    };
    let (form, body) = map.iter().next().expect("one key");
    let path = format!("{field}.{form}");
    match form.as_str() {
        "fixed" => length(body, bounds)
            .map(LengthDistribution::Fixed)
            .ok_or_else(|| vec![(path, in_bounds.clone(), describe_found(body))]),
        "uniform" => {
            let keys = object(&path, body, &["min", "max"], &[])?;
            let (min, max) = (
                number(&path, keys, "min", bounds)?,
                number(&path, keys, "max", bounds)?,
            );
            if min > max {
                return error(
                    path,
                    "`min` at most `max`",
                    format!("min {min} > max {max}"),
                );
            }
            Ok(LengthDistribution::Uniform { min, max })
        }
        "normal" => {
            let keys = object(&path, body, &["mean", "sd"], &["max"])?;
            let mean = f64::from(number(&path, keys, "mean", bounds)?);
            let sd = positive(&path, keys, "sd")?;
            let cap = cap(&path, keys, bounds, mean)?;
            Ok(LengthDistribution::Normal { mean, sd, cap })
        }
        "lognormal" => {
            let keys = object(&path, body, &["p50", "p90"], &["max"])?;
            let p50 = f64::from(number(&path, keys, "p50", bounds)?.max(1));
            let p90 = f64::from(number(&path, keys, "p90", bounds)?);
            if p90 < p50 {
                return error(
                    path,
                    "`p50` at most `p90`",
                    format!("p50 {p50} > p90 {p90}"),
                );
            }
            let cap = cap(&path, keys, bounds, p90)?;
            Ok(LengthDistribution::LogNormal { p50, p90, cap })
        }
        "file" => {
            let Value::String(name) = body else {
                return error(
                    path,
                    "the path of a text file of lengths",
                    describe_found(body),
                );
            };
            let file = base_dir.join(name);
            empirical(&path, &file, bounds)
        }
        other => error(
            field.to_string(),
            FORMS,
            format!("an object with `{other}`"),
        ),
    }
}

/// A whole number within `bounds`.
fn length(value: &Value, bounds: LengthBounds) -> Option<u32> {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (bounds.min..=bounds.max).contains(n))
}

/// `body` as an object with every key of `required` and at most `optional`
/// besides.
fn object<'a>(
    path: &str,
    body: &'a Value,
    required: &[&str],
    optional: &[&str],
) -> Result<&'a Map<String, Value>, FieldErrors> {
    let all: Vec<&str> = required.iter().chain(optional).copied().collect();
    let listed = all
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let Value::Object(map) = body else {
        return Err(vec![(
            path.to_string(),
            format!("an object with {listed}"),
            describe_found(body),
        )]);
    };
    let mut errors = Vec::new();
    for key in map.keys().filter(|key| !all.contains(&key.as_str())) {
        errors.push((
            format!("{path}.{key}"),
            format!("one of {listed}"),
            "an unknown key".to_string(),
        ));
    }
    for key in required.iter().filter(|key| !map.contains_key(**key)) {
        errors.push((
            format!("{path}.{key}"),
            "a value".to_string(),
            "none".to_string(),
        ));
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}

fn number(
    path: &str,
    map: &Map<String, Value>,
    key: &str,
    bounds: LengthBounds,
) -> Result<u32, FieldErrors> {
    let value = &map[key];
    length(value, bounds).ok_or_else(|| {
        vec![(
            format!("{path}.{key}"),
            format!("a whole number from {} to {}", bounds.min, bounds.max),
            describe_found(value),
        )]
    })
}

fn positive(path: &str, map: &Map<String, Value>, key: &str) -> Result<f64, FieldErrors> {
    let value = &map[key];
    value
        .as_f64()
        .filter(|x| x.is_finite() && *x > 0.0)
        .ok_or_else(|| {
            vec![(
                format!("{path}.{key}"),
                "a positive number".to_string(),
                describe_found(value),
            )]
        })
}

/// The optional `max` of a normal or log-normal: at least `center` (the
/// mean or p90), within `bounds`; the field's upper bound when absent.
fn cap(
    path: &str,
    map: &Map<String, Value>,
    bounds: LengthBounds,
    center: f64,
) -> Result<u32, FieldErrors> {
    if !map.contains_key("max") {
        return Ok(bounds.max);
    }
    let cap = number(path, map, "max", bounds)?;
    if f64::from(cap) < center {
        return Err(vec![(
            format!("{path}.max"),
            format!("at least {center} (a cap above the distribution's centre)"),
            cap.to_string(),
        )]);
    }
    Ok(cap)
}

/// The lengths of `file`, one per line, each within `bounds`.
fn empirical(
    path: &str,
    file: &Path,
    bounds: LengthBounds,
) -> Result<LengthDistribution, FieldErrors> {
    let bytes = side_file::read_regular_file(file, MAX_SIDE_FILE_BYTES).map_err(|e| {
        vec![(
            path.to_string(),
            "a readable text file of lengths".to_string(),
            side_file::describe_error(file, &e),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        vec![(
            path.to_string(),
            "a UTF-8 text file of lengths".to_string(),
            format!("{}: not UTF-8", file.display()),
        )]
    })?;
    let mut lengths = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line
            .parse::<u32>()
            .ok()
            .filter(|n| (bounds.min..=bounds.max).contains(n))
        {
            Some(n) => lengths.push(n),
            None if errors.len() < 10 => errors.push((
                path.to_string(),
                format!(
                    "one length per line, each a whole number from {} to {}",
                    bounds.min, bounds.max
                ),
                format!("{}:{}: `{line}`", file.display(), index + 1),
            )),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if lengths.is_empty() {
        return Err(vec![(
            path.to_string(),
            "at least one length".to_string(),
            format!("{}: no length", file.display()),
        )]);
    }
    Ok(LengthDistribution::Empirical {
        file: file.to_path_buf(),
        lengths: lengths.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const BOUNDS: LengthBounds = LengthBounds {
        min: 1,
        max: 200_000,
    };

    fn parsed(json: &str) -> LengthDistribution {
        parse_length_distribution(
            "input_tokens",
            &serde_json::from_str(json).unwrap(),
            Path::new("."),
            BOUNDS,
        )
        .unwrap_or_else(|errors| panic!("{json}: {errors:?}"))
    }

    fn refused(json: &str) -> Vec<(String, String, String)> {
        parse_length_distribution(
            "input_tokens",
            &serde_json::from_str(json).unwrap(),
            Path::new("."),
            BOUNDS,
        )
        .expect_err(json)
    }

    fn draws(distribution: &LengthDistribution, n: usize) -> Vec<u32> {
        let mut rng = StdRng::seed_from_u64(7);
        let mut values: Vec<u32> = (0..n)
            .map(|_| distribution.sample(&mut rng, BOUNDS))
            .collect();
        values.sort_unstable();
        values
    }

    fn quantile(sorted: &[u32], q: f64) -> f64 {
        f64::from(sorted[((sorted.len() - 1) as f64 * q).round() as usize])
    }

    #[test]
    fn every_form_parses_and_describes_itself() {
        assert_eq!(parsed("512"), LengthDistribution::Fixed(512));
        assert_eq!(parsed(r#"{"fixed": 512}"#), LengthDistribution::Fixed(512));
        assert_eq!(
            parsed(r#"{"uniform": {"min": 100, "max": 900}}"#).describe(),
            "uniform 100..900"
        );
        assert_eq!(
            parsed(r#"{"normal": {"mean": 500, "sd": 120, "max": 1200}}"#).describe(),
            "normal mean 500 sd 120 (at most 1200)"
        );
        assert_eq!(
            parsed(r#"{"lognormal": {"p50": 400, "p90": 1600}}"#).max_draw(BOUNDS),
            200_000
        );
    }

    #[test]
    fn draws_follow_their_distribution() {
        let uniform = draws(&parsed(r#"{"uniform": {"min": 100, "max": 900}}"#), 20_000);
        assert_eq!((uniform[0], uniform[uniform.len() - 1]), (100, 900));
        assert!((quantile(&uniform, 0.5) - 500.0).abs() < 20.0);

        let normal = draws(&parsed(r#"{"normal": {"mean": 500, "sd": 100}}"#), 20_000);
        let mean = normal.iter().map(|&x| f64::from(x)).sum::<f64>() / normal.len() as f64;
        assert!((mean - 500.0).abs() < 5.0, "{mean}");
        // p84 of a normal is about mean + sd.
        assert!((quantile(&normal, 0.8413) - 600.0).abs() < 10.0);

        let lognormal = draws(
            &parsed(r#"{"lognormal": {"p50": 400, "p90": 1600}}"#),
            20_000,
        );
        assert!((quantile(&lognormal, 0.5) / 400.0 - 1.0).abs() < 0.05);
        assert!((quantile(&lognormal, 0.9) / 1600.0 - 1.0).abs() < 0.05);
    }

    #[test]
    fn a_cap_bounds_every_draw_and_the_worst_case() {
        let capped = parsed(r#"{"lognormal": {"p50": 400, "p90": 1600, "max": 2000}}"#);
        assert_eq!(capped.max_draw(BOUNDS), 2000);
        let values = draws(&capped, 5_000);
        assert_eq!(
            values[values.len() - 1],
            2000,
            "the tail is clamped to the cap"
        );
        let normal = draws(&parsed(r#"{"normal": {"mean": 5, "sd": 50}}"#), 5_000);
        assert_eq!(normal[0], 1, "clamped to the field's minimum");
    }

    #[test]
    fn a_seed_gives_the_same_lengths() {
        let distribution = parsed(r#"{"normal": {"mean": 500, "sd": 100}}"#);
        assert_eq!(draws(&distribution, 100), draws(&distribution, 100));
    }

    #[test]
    fn bad_values_name_the_field_and_what_was_expected() {
        let errors = refused("0");
        assert_eq!(errors[0].0, "input_tokens");
        assert!(errors[0].1.contains("from 1 to 200000"), "{errors:?}");
        let errors = refused(r#"{"uniform": {"min": 900, "max": 100}}"#);
        assert_eq!(errors[0].0, "input_tokens.uniform");
        let errors = refused(r#"{"normal": {"mean": 500, "sd": -1}}"#);
        assert_eq!(errors[0].0, "input_tokens.normal.sd");
        let errors = refused(r#"{"normal": {"mean": 500}}"#);
        assert_eq!(errors[0].0, "input_tokens.normal.sd");
        let errors = refused(r#"{"lognormal": {"p50": 1600, "p90": 400}}"#);
        assert!(errors[0].1.contains("at most `p90`"), "{errors:?}");
        let errors = refused(r#"{"lognormal": {"p50": 400, "p90": 1600, "max": 1000}}"#);
        assert_eq!(errors[0].0, "input_tokens.lognormal.max");
        let errors = refused(r#"{"gamma": {"shape": 2}}"#);
        assert!(errors[0].2.contains("`gamma`"), "{errors:?}");
        let errors = refused(r#"{"uniform": {"min": 1, "max": 2, "mode": 3}}"#);
        assert_eq!(errors[0].0, "input_tokens.uniform.mode");
        let errors = refused(r#""long""#);
        assert_eq!(errors[0].1, FORMS);
    }

    #[test]
    fn a_file_of_lengths_is_read_line_by_line_and_refused_at_its_bad_line() {
        let dir = std::env::temp_dir().join(format!("lengths-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("good.txt"), "# from the logs\n120\n\n480\n480\n").unwrap();
        std::fs::write(dir.join("bad.txt"), "120\nabc\n0\n").unwrap();
        std::fs::write(dir.join("empty.txt"), "# nothing\n").unwrap();
        let read = |name: &str| {
            parse_length_distribution(
                "input_tokens",
                &serde_json::json!({ "file": name }),
                &dir,
                BOUNDS,
            )
        };
        let good = read("good.txt").expect("good");
        assert_eq!(good.max_draw(BOUNDS), 480);
        let values = draws(&good, 3_000);
        assert!(values.iter().all(|v| [120, 480].contains(v)));
        let share = values.iter().filter(|&&v| v == 480).count() as f64 / 3_000.0;
        assert!((share - 2.0 / 3.0).abs() < 0.05, "{share}");
        let errors = read("bad.txt").expect_err("bad lines");
        assert_eq!(errors.len(), 2);
        assert!(errors[0].2.ends_with("bad.txt:2: `abc`"), "{errors:?}");
        assert!(errors[1].2.ends_with("bad.txt:3: `0`"), "{errors:?}");
        assert!(
            read("empty.txt").expect_err("empty")[0]
                .1
                .contains("at least one")
        );
        assert!(read("missing.txt").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
