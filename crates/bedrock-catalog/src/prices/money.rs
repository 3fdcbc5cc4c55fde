//! Exact amounts: a price per million tokens in micro-dollars, a cost in
//! picodollars. One token at a price of `p` micro-dollars per million
//! tokens costs exactly `p` picodollars, so every cost is an exact
//! integer: no floating point enters the arithmetic.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::str::FromStr;

/// A price in US dollars per million tokens, exact to the micro-dollar
/// (`$0.000001` per million tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PerMillion(u64);

/// A value that is not a usable amount of dollars.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, found {found}")]
pub struct AmountError {
    /// What was expected, in words.
    pub expected: &'static str,
    /// What was given.
    pub found: String,
}

/// The largest price accepted: $1,000,000 per million tokens.
const MAX_PRICE_MICRO: u64 = 1_000_000 * 1_000_000;

impl PerMillion {
    /// `micro_usd` micro-dollars per million tokens.
    pub const fn from_micro_usd(micro_usd: u64) -> Self {
        PerMillion(micro_usd)
    }

    /// `usd` dollars per million tokens. Refused: negative, not finite,
    /// more than $1,000,000, or more than six decimals (a price is exact
    /// to the micro-dollar; `0.0000001` would be silently rounded).
    pub fn from_usd(usd: f64) -> Result<Self, AmountError> {
        let error = || AmountError {
            expected: "a non-negative price in dollars per million tokens, at most 1000000, with at most 6 decimals",
            found: usd.to_string(),
        };
        if !usd.is_finite() || usd < 0.0 {
            return Err(error());
        }
        let micro = (usd * 1e6).round();
        // f64 holds every multiple of 1e-6 up to 1e6 closely enough that a
        // value with at most six decimals lands within 1e-6 of its integer.
        if micro > MAX_PRICE_MICRO as f64 || (usd * 1e6 - micro).abs() > 1e-6 * micro.max(1.0) {
            return Err(error());
        }
        Ok(PerMillion(micro as u64))
    }

    /// Micro-dollars per million tokens (= picodollars per token).
    pub const fn micro_usd(self) -> u64 {
        self.0
    }

    /// Dollars per million tokens, as a float (for display).
    pub fn usd(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// The exact cost of `tokens` tokens; `None` on overflow (more than
    /// about $18 million).
    pub fn for_tokens(self, tokens: u64) -> Option<Cost> {
        self.0.checked_mul(tokens).map(Cost)
    }

    /// This price times `numerator / denominator`, rounded to the nearest
    /// micro-dollar (halves up): how tier premiums and discounts are
    /// derived.
    pub const fn scaled(self, numerator: u64, denominator: u64) -> Self {
        PerMillion((self.0 * numerator + denominator / 2) / denominator)
    }
}

impl fmt::Display for PerMillion {
    /// `$0.8/M`: dollars per million tokens, exact, no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}/M", decimal(self.0, 6))
    }
}

/// An amount of US dollars, exact to the picodollar (`1e-12` dollars).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cost(u64);

impl Cost {
    /// Nothing.
    pub const ZERO: Cost = Cost(0);

    /// `picodollars` picodollars.
    pub const fn from_picodollars(picodollars: u64) -> Self {
        Cost(picodollars)
    }

    /// Picodollars.
    pub const fn picodollars(self) -> u64 {
        self.0
    }

    /// Dollars, as a float (for display and statistics).
    pub fn usd(self) -> f64 {
        self.0 as f64 / 1e12
    }

    /// The sum, `None` on overflow.
    pub fn checked_add(self, other: Cost) -> Option<Cost> {
        self.0.checked_add(other.0).map(Cost)
    }

    /// The sum, at most the largest amount.
    pub fn saturating_add(self, other: Cost) -> Cost {
        Cost(self.0.saturating_add(other.0))
    }

    /// The difference, at least zero.
    pub fn saturating_sub(self, other: Cost) -> Cost {
        Cost(self.0.saturating_sub(other.0))
    }

    /// `self` times `n`, at most the largest amount.
    pub fn saturating_mul(self, n: u64) -> Cost {
        Cost(self.0.saturating_mul(n))
    }

    /// Whole dollars as an amount (`usd` must be non-negative, finite, with
    /// at most twelve decimals; used for budgets).
    pub fn from_usd(usd: f64) -> Result<Cost, AmountError> {
        let error = || AmountError {
            expected: "a non-negative amount of dollars, at most 1000000",
            found: usd.to_string(),
        };
        if !usd.is_finite() || !(0.0..=1e6).contains(&usd) {
            return Err(error());
        }
        Ok(Cost((usd * 1e12).round() as u64))
    }
}

impl Add for Cost {
    type Output = Cost;

    /// Saturating.
    fn add(self, other: Cost) -> Cost {
        self.saturating_add(other)
    }
}

impl Sum for Cost {
    fn sum<I: Iterator<Item = Cost>>(iter: I) -> Cost {
        iter.fold(Cost::ZERO, Add::add)
    }
}

impl fmt::Display for Cost {
    /// Exact dollars without trailing zeros and without a sign: `0.00096`,
    /// `12`, `0.000000000001`. This is the raw CSV's `cost_usd`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal(self.0, 12))
    }
}

impl FromStr for Cost {
    type Err = AmountError;

    /// What [`Cost`]'s `Display` writes: digits, optionally a point and at
    /// most twelve decimals.
    fn from_str(text: &str) -> Result<Cost, AmountError> {
        let error = || AmountError {
            expected: "an amount of dollars with at most 12 decimals",
            found: format!("{text:?}"),
        };
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 12 {
            return Err(error());
        }
        if text.ends_with('.') {
            return Err(error());
        }
        let whole: u64 = whole.parse().map_err(|_| error())?;
        let mut fraction_value: u64 = 0;
        for position in 0..12 {
            let digit = fraction.as_bytes().get(position).map_or(0, |b| b - b'0');
            fraction_value = fraction_value * 10 + u64::from(digit);
        }
        whole
            .checked_mul(1_000_000_000_000)
            .and_then(|w| w.checked_add(fraction_value))
            .map(Cost)
            .ok_or_else(error)
    }
}

/// `value / 10^places` as a decimal without trailing zeros.
fn decimal(value: u64, places: u32) -> String {
    let scale = 10u64.pow(places);
    let (whole, fraction) = (value / scale, value % scale);
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:0width$}", width = places as usize);
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_exact_to_the_micro_dollar() {
        assert_eq!(PerMillion::from_usd(0.8).unwrap().micro_usd(), 800_000);
        assert_eq!(PerMillion::from_usd(0.035).unwrap().micro_usd(), 35_000);
        assert_eq!(PerMillion::from_usd(0.00875).unwrap().micro_usd(), 8_750);
        assert_eq!(PerMillion::from_usd(3.75).unwrap().to_string(), "$3.75/M");
        assert_eq!(PerMillion::from_usd(0.0).unwrap().micro_usd(), 0);
        for bad in [-1.0, f64::NAN, f64::INFINITY, 0.000_000_1, 2e6] {
            assert!(PerMillion::from_usd(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PerMillion::from_micro_usd(8_750).scaled(7, 4).micro_usd(),
            15_313
        );
    }

    #[test]
    fn costs_are_tokens_times_price_exactly() {
        // 1,234 tokens at $0.80/M = $0.0009872.
        let cost = PerMillion::from_usd(0.8).unwrap().for_tokens(1234).unwrap();
        assert_eq!(cost.picodollars(), 987_200_000);
        assert_eq!(cost.to_string(), "0.0009872");
        assert_eq!(Cost::ZERO.to_string(), "0");
        assert_eq!(Cost::from_picodollars(1).to_string(), "0.000000000001");
        assert_eq!(Cost::from_picodollars(12_000_000_000_000).to_string(), "12");
    }

    #[test]
    fn costs_read_back_exactly() {
        for pico in [0, 1, 987_200_000, 12_000_000_000_000, 123_456_789_012_345] {
            let cost = Cost::from_picodollars(pico);
            assert_eq!(cost.to_string().parse::<Cost>(), Ok(cost));
        }
        for bad in ["", ".5", "1.", "-1", "1e3", "0.0000000000001", "x"] {
            assert!(bad.parse::<Cost>().is_err(), "{bad}");
        }
        assert_eq!(Cost::from_usd(0.25).unwrap().picodollars(), 250_000_000_000);
    }
}
