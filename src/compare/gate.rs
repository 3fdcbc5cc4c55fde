//! `--fail-if` gates: `METRIC OP THRESHOLD`, parsed and evaluated.
//!
//! - METRIC: one of [`CompareMetric::ALL`]'s names (`ttft_p90`...).
//! - OP: `>` (fail when above) or `<` (fail when below).
//! - THRESHOLD, for percentiles and cost: a relative change, signed or
//!   not, with `%` (`+10%`, `-5%`, `10%` is `+10%`). For `error_pct` and
//!   `throttle_pct`: a change in percentage points (`+0.5pp`), or a bare
//!   number, NEW's own percentage (`error_pct>1`: NEW's error % above
//!   1).
//!
//! A change gate fails only when the whole confidence interval of the
//! change lies beyond the threshold (`ttft_p90>+10%` fails when the
//! interval's lower end is above +10%); without an interval (too few
//! calls for the percentile, or cost) the point change is used, and the
//! result says so. A gate on NEW's own percentage compares NEW's
//! observed percentage. A group without a value for the metric, or on
//! one side only, is not evaluated (and does not fail).

use super::change::MetricChange;
use super::metric::CompareMetric;

/// A `--fail-if` expression that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    /// No `>` or `<`.
    #[error(
        "--fail-if \"{expression}\": expected METRIC>THRESHOLD or METRIC<THRESHOLD (e.g. ttft_p90>+10%), found no > or <"
    )]
    NoOperator {
        /// The expression as given.
        expression: String,
    },
    /// A metric not known.
    #[error("--fail-if \"{expression}\": expected a metric among {expected}, found \"{found}\"")]
    UnknownMetric {
        /// The expression as given.
        expression: String,
        /// What stood before the operator.
        found: String,
        /// The names accepted.
        expected: String,
    },
    /// A threshold not of the metric's shape.
    #[error("--fail-if \"{expression}\": expected {expected}, found \"{found}\"")]
    BadThreshold {
        /// The expression as given.
        expression: String,
        /// What stood after the operator.
        found: String,
        /// What the metric takes.
        expected: &'static str,
    },
}

/// Fail when above, or when below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>`.
    Above,
    /// `<`.
    Below,
}

impl Op {
    /// `>` or `<`.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Above => ">",
            Op::Below => "<",
        }
    }

    fn beyond(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Above => value > threshold,
            Op::Below => value < threshold,
        }
    }
}

/// What a gate's threshold is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// A relative change (`+10%` is 0.10), for percentiles and cost.
    Relative(f64),
    /// A change in percentage points, for percentages.
    Points(f64),
    /// NEW's own percentage, for percentages.
    NewValue(f64),
}

/// One `--fail-if` gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The expression as given.
    pub expression: String,
    /// The metric gated.
    pub metric: CompareMetric,
    /// Above or below.
    pub op: Op,
    /// The threshold.
    pub threshold: Threshold,
}

const RELATIVE: &str = "a relative change such as +10% or -5%";
const PERCENTAGE: &str =
    "a change in percentage points such as +0.5pp, or NEW's own percentage such as 1";

/// Parse `METRIC OP THRESHOLD` (spaces anywhere are ignored).
pub fn parse_gate(expression: &str) -> Result<Gate, GateError> {
    let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(at) = compact.find(['>', '<']) else {
        return Err(GateError::NoOperator {
            expression: expression.to_string(),
        });
    };
    let (name, rest) = compact.split_at(at);
    let op = if rest.starts_with('>') {
        Op::Above
    } else {
        Op::Below
    };
    let text = &rest[1..];
    let metric = CompareMetric::from_name(name).ok_or_else(|| GateError::UnknownMetric {
        expression: expression.to_string(),
        found: name.to_string(),
        expected: CompareMetric::names(),
    })?;
    let bad = |expected| GateError::BadThreshold {
        expression: expression.to_string(),
        found: text.to_string(),
        expected,
    };
    let number = |t: &str| t.parse::<f64>().ok().filter(|v| v.is_finite());
    let threshold = if metric.is_percentage() {
        if let Some(points) = text.strip_suffix("pp") {
            Threshold::Points(number(points).ok_or_else(|| bad(PERCENTAGE))?)
        } else if text.starts_with(['+', '-']) || text.ends_with('%') {
            return Err(bad(PERCENTAGE));
        } else {
            let value = number(text).ok_or_else(|| bad(PERCENTAGE))?;
            if !(0.0..=100.0).contains(&value) {
                return Err(bad(PERCENTAGE));
            }
            Threshold::NewValue(value)
        }
    } else {
        let percent = text.strip_suffix('%').ok_or_else(|| bad(RELATIVE))?;
        Threshold::Relative(number(percent).ok_or_else(|| bad(RELATIVE))? / 100.0)
    };
    Ok(Gate {
        expression: expression.to_string(),
        metric,
        op,
        threshold,
    })
}

/// What a gate was decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The change's whole confidence interval.
    Interval,
    /// The point change: the metric has no interval here (too few calls
    /// for the percentile, or cost).
    PointChange,
    /// NEW's observed value.
    NewValue,
    /// Not evaluated: a side has no value.
    NotEvaluated,
}

impl Basis {
    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Basis::Interval => "the whole 95% interval",
            Basis::PointChange => "the point change (no interval)",
            Basis::NewValue => "NEW's observed value",
            Basis::NotEvaluated => "not evaluated (no value)",
        }
    }
}

/// A gate applied to one group's metric.
#[derive(Debug, Clone, PartialEq)]
pub struct GateOutcome {
    /// Whether the gate fails for this group.
    pub failed: bool,
    /// What was compared with the threshold.
    pub basis: Basis,
    /// The value compared, in the threshold's unit (the interval's end
    /// nearest the threshold's side for [`Basis::Interval`]).
    pub compared: Option<f64>,
}

impl Gate {
    /// Apply the gate to `change` (a change of [`Gate::metric`]).
    pub fn check(&self, change: &MetricChange) -> GateOutcome {
        let not_evaluated = GateOutcome {
            failed: false,
            basis: Basis::NotEvaluated,
            compared: None,
        };
        let (threshold, basis, compared) = match self.threshold {
            Threshold::NewValue(t) => (t, Basis::NewValue, change.new),
            Threshold::Relative(t) | Threshold::Points(t) => match (change.interval, change.change)
            {
                (Some(i), _) => {
                    let end = match self.op {
                        Op::Above => i.low,
                        Op::Below => i.high,
                    };
                    (t, Basis::Interval, Some(end))
                }
                (None, Some(point)) => (t, Basis::PointChange, Some(point)),
                (None, None) => return not_evaluated,
            },
        };
        let Some(value) = compared else {
            return not_evaluated;
        };
        GateOutcome {
            failed: self.op.beyond(value, threshold),
            basis,
            compared: Some(value),
        }
    }

    /// The threshold in words, in the unit people read
    /// (`+10.0%`, `+0.50 pp`, `1.00%`).
    pub fn threshold_text(&self) -> String {
        match self.threshold {
            Threshold::Relative(t) => format!("{:+.1}%", t * 100.0),
            Threshold::Points(t) => format!("{t:+.2} pp"),
            Threshold::NewValue(t) => format!("{t:.2}%"),
        }
    }

    /// `value` (as [`GateOutcome::compared`]) in the threshold's unit.
    pub fn value_text(&self, value: f64) -> String {
        match self.threshold {
            Threshold::Relative(_) => format!("{:+.1}%", value * 100.0),
            Threshold::Points(_) => format!("{value:+.2} pp"),
            Threshold::NewValue(_) => format!("{value:.2}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::change::Verdict;
    use super::super::interval::Interval;
    use super::*;

    #[test]
    fn expressions_parse_with_or_without_spaces() {
        let g = parse_gate("ttft_p90>+10%").unwrap();
        assert_eq!((g.metric, g.op), (CompareMetric::TtftP90, Op::Above));
        assert!(matches!(g.threshold, Threshold::Relative(t) if (t - 0.10).abs() < 1e-12));
        let g = parse_gate(" otps_p50 < -5% ").unwrap();
        assert_eq!(g.op, Op::Below);
        assert!(matches!(g.threshold, Threshold::Relative(t) if (t + 0.05).abs() < 1e-12));
        assert_eq!(
            parse_gate("error_pct>1").unwrap().threshold,
            Threshold::NewValue(1.0)
        );
        assert_eq!(
            parse_gate("throttle_pct>+0.5pp").unwrap().threshold,
            Threshold::Points(0.5)
        );
        assert!(matches!(
            parse_gate("cost_per_1k>5%").unwrap().threshold,
            Threshold::Relative(_)
        ));
    }

    #[test]
    fn bad_expressions_say_what_was_expected() {
        let e = parse_gate("ttft_p90=10%").unwrap_err();
        assert!(matches!(e, GateError::NoOperator { .. }));
        assert!(e.to_string().contains("\"ttft_p90=10%\""), "{e}");
        let e = parse_gate("ttft_p95>+10%").unwrap_err().to_string();
        assert!(
            e.contains("found \"ttft_p95\"") && e.contains("ttft_p50 ttft_p90"),
            "{e}"
        );
        let e = parse_gate("ttft_p50>0.2").unwrap_err().to_string();
        assert!(e.contains("expected a relative change such as +10%"), "{e}");
        assert!(e.contains("found \"0.2\""), "{e}");
        assert!(parse_gate("error_pct>+10%").is_err());
        assert!(parse_gate("error_pct>150").is_err());
        assert!(parse_gate("ttft_p50>abc%").is_err());
        assert!(parse_gate("ttft_p50>").is_err());
    }

    fn change(interval: Option<(f64, f64)>, point: Option<f64>) -> MetricChange {
        MetricChange {
            metric: CompareMetric::TtftP90,
            base: Some(1.0),
            new: point.map(|p| 1.0 + p),
            base_n: 100,
            new_n: 100,
            change: point,
            interval: interval.map(|(low, high)| Interval { low, high }),
            thin: None,
            verdict: Verdict::NoChange,
        }
    }

    #[test]
    fn a_change_gate_fails_only_when_the_whole_interval_is_beyond() {
        let gate = parse_gate("ttft_p90>+10%").unwrap();
        let beyond = gate.check(&change(Some((0.12, 0.40)), Some(0.25)));
        assert!(beyond.failed);
        assert_eq!(beyond.basis, Basis::Interval);
        assert_eq!(beyond.compared, Some(0.12));
        let straddles = gate.check(&change(Some((0.05, 0.40)), Some(0.25)));
        assert!(
            !straddles.failed,
            "the point is beyond, the interval is not"
        );
        let point = gate.check(&change(None, Some(0.25)));
        assert_eq!((point.failed, point.basis), (true, Basis::PointChange));
        let none = gate.check(&change(None, None));
        assert_eq!((none.failed, none.basis), (false, Basis::NotEvaluated));
        let below = parse_gate("otps_p50<-5%").unwrap();
        assert!(below.check(&change(Some((-0.3, -0.06)), Some(-0.2))).failed);
        assert!(!below.check(&change(Some((-0.3, -0.04)), Some(-0.2))).failed);
    }

    #[test]
    fn a_percentage_gate_on_new_compares_new_observed_value() {
        let gate = parse_gate("error_pct>1").unwrap();
        let mut c = change(Some((-1.0, 3.0)), Some(1.0));
        c.metric = CompareMetric::ErrorPct;
        c.new = Some(1.5);
        let outcome = gate.check(&c);
        assert_eq!((outcome.failed, outcome.basis), (true, Basis::NewValue));
        c.new = Some(0.5);
        assert!(!gate.check(&c).failed);
        assert_eq!(gate.threshold_text(), "1.00%");
    }
}
