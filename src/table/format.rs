//! How numbers are written, once for every output. A [`Format`] is one
//! kind of value's formatter (seconds, milliseconds, ratios, rates,
//! percentages...), in two styles, as criterion's value formatters have:
//! for machines (the CSVs: enough decimals to compute with) and for
//! people (the terminal and the report page: as many as are worth
//! reading). Dollars are exact [`Cost`]s: the CSVs write every
//! picodollar, people read [`usd`].
//!
//! The helpers below are the only number formatting of the crate's
//! outputs; charts, the settings table and the documents' figures use
//! them too.

use bedrock_catalog::prices::Cost;

/// How one style writes a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Fixed decimals (`0.550`, `12.000000`); nothing for a value that is
    /// not finite.
    Fixed(usize),
    /// The Python tool's summary: [`python_round3`].
    Python,
    /// A ratio as a relative change: [`change`].
    Change,
}

/// The formatter of one kind of value: how the CSVs write it and how
/// people read it, and how much it is scaled first (seconds shown as
/// milliseconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Format {
    scale: f64,
    machine: Style,
    human: Style,
}

impl Format {
    /// The Python tool's summary numbers (seconds, tokens, tokens/s):
    /// rounded to 3 places half to even and written short, for machines
    /// and people alike, so that the summary reads the same everywhere.
    pub const PYTHON: Format = Format::both(Style::Python);
    /// Seconds: 6 decimals (microseconds) for machines, 3 for people.
    pub const SECONDS: Format = Format::two(6, 3);
    /// Seconds shown as milliseconds with 3 decimals, for machines and
    /// people.
    pub const MILLISECONDS: Format = Format {
        scale: 1000.0,
        machine: Style::Fixed(3),
        human: Style::Fixed(3),
    };
    /// Tokens (means of counts): 6 decimals for machines, 1 for people.
    pub const TOKENS: Format = Format::two(6, 1);
    /// Tokens per second: 6 decimals for machines, 3 for people.
    pub const TOKENS_PER_SECOND: Format = Format::two(6, 3);
    /// Calls per second: 6 decimals for machines, 3 for people.
    pub const PER_SECOND: Format = Format::two(6, 3);
    /// A ratio (variant / baseline): 6 decimals for machines, 3 for
    /// people.
    pub const RATIO: Format = Format::two(6, 3);
    /// A ratio that people read as a change (`+75%`); 6 decimals for
    /// machines.
    pub const CHANGE: Format = Format {
        scale: 1.0,
        machine: Style::Fixed(6),
        human: Style::Change,
    };
    /// A percentage: 6 decimals for machines, 1 for people.
    pub const PERCENT: Format = Format::two(6, 1);
    /// Whole numbers kept as floats (concurrency levels).
    pub const WHOLE: Format = Format::fixed(0);

    const fn both(style: Style) -> Format {
        Format {
            scale: 1.0,
            machine: style,
            human: style,
        }
    }

    const fn two(machine: usize, human: usize) -> Format {
        Format {
            scale: 1.0,
            machine: Style::Fixed(machine),
            human: Style::Fixed(human),
        }
    }

    /// `decimals` decimals for machines and people alike.
    pub const fn fixed(decimals: usize) -> Format {
        Format::both(Style::Fixed(decimals))
    }

    /// `value` as the CSVs write it.
    pub fn machine(self, value: f64) -> String {
        write(self.machine, value * self.scale)
    }

    /// `value` as people read it.
    pub fn human(self, value: f64) -> String {
        write(self.human, value * self.scale)
    }
}

fn write(style: Style, value: f64) -> String {
    match style {
        Style::Fixed(decimals) => fixed(value, decimals),
        Style::Python => python_round3(value),
        Style::Change => change(value),
    }
}

/// `value` with `decimals` decimals, `-0` written as `0`; empty when it
/// is not finite.
pub fn fixed(value: f64, decimals: usize) -> String {
    if value.is_finite() {
        format!("{:.decimals$}", value + 0.0)
    } else {
        String::new()
    }
}

/// Round to 3 decimals as pandas' `round(3)` does (numpy: scale, round
/// half to even, unscale) and write the shortest text that reads back as
/// the rounded number (`10`, `0.64`, `1.074`). `-0` is written `0`; not
/// finite, as pandas writes it (`inf`).
pub fn python_round3(value: f64) -> String {
    let rounded = (value * 1000.0).round_ties_even() / 1000.0 + 0.0;
    format!("{rounded}")
}

/// A ratio as a relative change: `+75%`, `-18%`, `+0%`; empty when it is
/// not finite.
pub fn change(ratio: f64) -> String {
    if !ratio.is_finite() {
        return String::new();
    }
    let percent = ((ratio - 1.0) * 100.0).round() + 0.0;
    if percent >= 0.0 {
        format!("+{percent:.0}%")
    } else {
        format!("{percent:.0}%")
    }
}

/// `value` with `digits` significant digits, its decimals kept between
/// `min` and `max`.
fn significant(value: f64, digits: i32, min: i32, max: i32) -> String {
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).clamp(min, max) as usize;
    format!("{value:.decimals$}")
}

/// A number with about four significant digits and no trailing zeros:
/// `0.3`, `12.5`, `1250`, `0.0042`; `-` when it is not finite.
pub fn short(value: f64) -> String {
    if !value.is_finite() {
        return "-".to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let text = significant(value, 4, 0, 9);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

/// Three significant digits, trailing zeros kept: `0.405`, `67.8`,
/// `1250`; as [`short`] for zero and values that are not finite.
pub fn three_significant(value: f64) -> String {
    if !value.is_finite() || value == 0.0 {
        return short(value);
    }
    significant(value, 3, 0, 9)
}

/// Dollars as people read them: `$0.004213`, `$1.35`: four significant
/// digits below a dollar (at most 12 decimals), cents above; `$0` for
/// nothing. The CSVs write the exact amount ([`Cost`]'s `Display`).
pub fn usd(cost: Cost) -> String {
    if cost == Cost::ZERO {
        return "$0".to_string();
    }
    let value = cost.usd();
    if value >= 1.0 {
        return format!("${value:.2}");
    }
    format!("${}", significant(value, 4, 2, 12))
}

/// `value` with `decimals` decimals, the whole part in groups of three
/// (`80,298`, `-1,234.5`); as Rust writes it when it is not finite.
pub fn grouped(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let (sign, digits) = match whole.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", whole),
    };
    match fraction {
        Some(fraction) => format!("{sign}{}.{fraction}", group_digits(digits)),
        None => format!("{sign}{}", group_digits(digits)),
    }
}

/// A count in groups of three: `1,000,000`.
pub fn count(value: u64) -> String {
    group_digits(&value.to_string())
}

/// ASCII digits with a comma before every group of three from the right.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_numbers_are_rounded_then_written_short() {
        assert_eq!(python_round3(10.0), "10");
        assert_eq!(python_round3(0.64), "0.64");
        assert_eq!(python_round3(1.0744999), "1.074");
        assert_eq!(python_round3(46.68049), "46.68");
        assert_eq!(python_round3(0.1 + 0.2), "0.3");
        assert_eq!(python_round3(-0.0001), "0");
        assert_eq!(python_round3(2.0625), "2.062", "half to even");
        assert_eq!(python_round3(f64::INFINITY), "inf");
    }

    #[test]
    fn each_format_has_a_style_for_machines_and_one_for_people() {
        assert_eq!(Format::SECONDS.machine(0.55), "0.550000");
        assert_eq!(Format::SECONDS.human(0.55), "0.550");
        assert_eq!(Format::SECONDS.machine(-0.0), "0.000000");
        assert_eq!(Format::SECONDS.machine(f64::NAN), "");
        assert_eq!(Format::MILLISECONDS.human(0.0012345), "1.234");
        assert_eq!(Format::MILLISECONDS.machine(0.0012345), "1.234");
        assert_eq!(Format::PERCENT.human(12.345), "12.3");
        assert_eq!(Format::CHANGE.human(1.75), "+75%");
        assert_eq!(Format::CHANGE.machine(1.75), "1.750000");
        assert_eq!(Format::PYTHON.human(1.0744999), "1.074");
        assert_eq!(Format::WHOLE.machine(8.0), "8");
        assert_eq!(Format::fixed(2).human(1.005), "1.00");
    }

    #[test]
    fn dollars_and_changes_read_short() {
        assert_eq!(usd(Cost::ZERO), "$0");
        assert_eq!(usd(Cost::from_picodollars(987_200_000)), "$0.0009872");
        assert_eq!(usd(Cost::from_picodollars(1_350_000_000_000)), "$1.35");
        assert_eq!(usd(Cost::from_picodollars(250_000_000_000)), "$0.2500");
        assert_eq!(change(1.75), "+75%");
        assert_eq!(change(0.82), "-18%");
        assert_eq!(change(1.0), "+0%");
        assert_eq!(change(f64::NAN), "");
    }

    #[test]
    fn short_numbers_keep_about_four_digits() {
        assert_eq!(short(0.30000000000000004), "0.3");
        assert_eq!(short(12.5), "12.5");
        assert_eq!(short(1250.0), "1250");
        assert_eq!(short(0.004_2), "0.0042");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(f64::NAN), "-");
        assert_eq!(three_significant(0.40493), "0.405");
        assert_eq!(three_significant(67.846), "67.8");
        assert_eq!(three_significant(1250.4), "1250");
    }

    #[test]
    fn whole_parts_are_grouped_by_three() {
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(count(999), "999");
        assert_eq!(grouped(80298.0, 0), "80,298");
        assert_eq!(grouped(1.0456, 3), "1.046");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(-1234.5, 1), "-1,234.5");
        assert_eq!(grouped(1_000_000.0, 0), "1,000,000");
    }
}
