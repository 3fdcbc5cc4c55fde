//! Costs as people read them, for the terminal and the report page: short
//! dollar amounts and relative changes. The CSVs write exact amounts
//! ([`Cost`]'s `Display`) instead.

use bedrock_catalog::prices::Cost;

/// `$0.004213`, `$1.35`: four significant digits below a dollar (at most
/// 12 decimals), cents above; `$0` for nothing.
pub fn usd(cost: Cost) -> String {
    let value = cost.usd();
    if cost == Cost::ZERO {
        return "$0".to_string();
    }
    if value >= 1.0 {
        return format!("${value:.2}");
    }
    let magnitude = value.log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(2, 12) as usize;
    format!("${value:.decimals$}")
}

/// [`usd`] of an amount that may be unknown (empty when unknown: never 0).
pub fn usd_or_empty(cost: Option<Cost>) -> String {
    cost.map(usd).unwrap_or_default()
}

/// A ratio as a relative change: `+75%`, `-18%`, `+0%`; empty when unknown.
pub fn change(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) if r.is_finite() => {
            let percent = ((r - 1.0) * 100.0).round() + 0.0;
            if percent >= 0.0 {
                format!("+{percent:.0}%")
            } else {
                format!("{percent:.0}%")
            }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_amounts_and_changes() {
        assert_eq!(usd(Cost::ZERO), "$0");
        assert_eq!(usd(Cost::from_picodollars(987_200_000)), "$0.0009872");
        assert_eq!(usd(Cost::from_picodollars(1_350_000_000_000)), "$1.35");
        assert_eq!(usd(Cost::from_picodollars(250_000_000_000)), "$0.2500");
        assert_eq!(usd_or_empty(None), "");
        assert_eq!(change(Some(1.75)), "+75%");
        assert_eq!(change(Some(0.82)), "-18%");
        assert_eq!(change(Some(1.0)), "+0%");
        assert_eq!(change(None), "");
    }
}
