//! One cell of a table: a typed value, written by its column's
//! [`Format`] for machines (the CSV fields) or for people (the terminal
//! and the page).

use bedrock_catalog::prices::Cost;

use super::format::{Format, usd};
use crate::analysis::percentile_rule::{is_shown, thin_mark};

/// A typed value. A column's cells are all of one shape: single values,
/// pairs or estimates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: an empty field.
    Empty,
    /// Text, as it is.
    Text(String),
    /// A number, written by the column's format.
    Number(f64),
    /// A whole number.
    Count(u64),
    /// Dollars: exact in the CSVs, short for people ([`usd`]).
    Money(Cost),
    /// A tail percentile of too few values (see
    /// [`crate::analysis::percentile_rule`]): an empty field in the CSVs
    /// (or the value, in the Python tool's summary), `n<100` for people.
    Thin {
        /// The percentile computed anyway.
        value: f64,
        /// Which percentile it is (90, 95, 99).
        percentile: f64,
    },
    /// A baseline and a variant: two CSV fields, `a -> b` for people.
    Pair(Box<[Cell; 2]>),
    /// An estimate and its interval: three CSV fields (estimate, low,
    /// high), `0.690 [0.620, 0.774]` for people.
    Estimate {
        /// The estimate.
        value: Option<f64>,
        /// The interval's lower end.
        low: Option<f64>,
        /// The interval's upper end.
        high: Option<f64>,
    },
}

impl Cell {
    /// Text.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A number, or an empty cell.
    pub fn number(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }

    /// A whole number, or an empty cell.
    pub fn count(value: Option<u64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Count)
    }

    /// Dollars, or an empty cell (unknown: never 0).
    pub fn money(value: Option<Cost>) -> Cell {
        value.map_or(Cell::Empty, Cell::Money)
    }

    /// The `percentile`-th percentile of `n` values: the number when it
    /// is presented, else a [`Cell::Thin`].
    pub fn tail(percentile: f64, n: usize, value: f64) -> Cell {
        if is_shown(percentile, n) {
            Cell::Number(value)
        } else {
            Cell::Thin { value, percentile }
        }
    }

    /// A baseline and a variant.
    pub fn pair(baseline: Cell, variant: Cell) -> Cell {
        Cell::Pair(Box::new([baseline, variant]))
    }

    /// Whether nothing would be shown.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Pair(sides) => sides.iter().all(Cell::is_empty),
            Cell::Estimate { value, low, high } => {
                value.is_none() && low.is_none() && high.is_none()
            }
            _ => false,
        }
    }

    /// The text people read, numbers written by `format`.
    pub fn human(&self, format: Format) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(value) => format.human(*value),
            Cell::Count(value) => value.to_string(),
            Cell::Money(cost) => usd(*cost),
            Cell::Thin { percentile, .. } => thin_mark(*percentile),
            Cell::Pair(_) if self.is_empty() => String::new(),
            Cell::Pair(sides) => {
                format!("{} -> {}", sides[0].human(format), sides[1].human(format))
            }
            Cell::Estimate { value, low, high } => match (value, low, high) {
                (Some(v), Some(l), Some(h)) => format!(
                    "{} [{}, {}]",
                    format.human(*v),
                    format.human(*l),
                    format.human(*h)
                ),
                (Some(v), _, _) => format.human(*v),
                _ => String::new(),
            },
        }
    }

    /// The CSV fields, numbers written by `format`; `keep_thin` writes a
    /// thin percentile's value instead of leaving it empty.
    pub fn machine(&self, format: Format, keep_thin: bool) -> Vec<String> {
        let number = |v: &Option<f64>| v.map(|v| format.machine(v)).unwrap_or_default();
        match self {
            Cell::Empty => vec![String::new()],
            Cell::Text(text) => vec![text.clone()],
            Cell::Number(value) => vec![format.machine(*value)],
            Cell::Count(value) => vec![value.to_string()],
            Cell::Money(cost) => vec![cost.to_string()],
            Cell::Thin { value, .. } if keep_thin => vec![format.machine(*value)],
            Cell::Thin { .. } => vec![String::new()],
            Cell::Pair(sides) => sides
                .iter()
                .flat_map(|side| side.machine(format, keep_thin))
                .collect(),
            Cell::Estimate { value, low, high } => {
                vec![number(value), number(low), number(high)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_short_for_people_and_exact_for_machines() {
        let pair = Cell::pair(Cell::Number(0.55), Cell::Number(0.275));
        assert_eq!(pair.human(Format::SECONDS), "0.550 -> 0.275");
        assert_eq!(
            pair.machine(Format::SECONDS, false),
            ["0.550000", "0.275000"]
        );
        assert_eq!(
            Cell::pair(Cell::Empty, Cell::Empty).human(Format::SECONDS),
            ""
        );
        let estimate = Cell::Estimate {
            value: Some(0.5),
            low: Some(0.4),
            high: None,
        };
        assert_eq!(estimate.human(Format::RATIO), "0.500");
        assert_eq!(
            estimate.machine(Format::RATIO, false),
            ["0.500000", "0.400000", ""]
        );
        let thin = Cell::tail(90.0, 9, 1.25);
        assert_eq!(thin.human(Format::PYTHON), "n<10");
        assert_eq!(thin.machine(Format::PYTHON, false), [""]);
        assert_eq!(thin.machine(Format::PYTHON, true), ["1.25"]);
        assert_eq!(Cell::tail(90.0, 10, 1.25), Cell::Number(1.25));
        let money = Cell::Money(Cost::from_picodollars(1_350_000_000_000));
        assert_eq!(money.human(Format::SECONDS), "$1.35");
        assert_eq!(money.machine(Format::SECONDS, false), ["1.35"]);
    }
}
