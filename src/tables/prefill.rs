//! The prefill cost per group: TTFT against input tokens by least
//! squares (see [`crate::analysis::prefill`]). For people: the calls, the
//! input lengths covered, the intercept (seconds) and the slope
//! (milliseconds per 1,000 input tokens), each with its 95% confidence
//! interval, R² and a note (a narrow range, or why there is no fit). As
//! CSV (`analysis_prefill_<ts>.csv`): the same, the slope in seconds per
//! 1,000 input tokens, each interval in two more fields. Every group has
//! a row; a group without a fit has empty numbers and says why.

use crate::analysis::GroupPrefill;
use crate::table::format::grouped;
use crate::table::{Cell, Column, Format, Kind, Row, Table};

/// The CSV's headers of the fit's numbers, in order.
pub const FIT_COLUMNS: [&str; 10] = [
    "input_tokens_min",
    "input_tokens_max",
    "intercept_s",
    "intercept_s_ci_low",
    "intercept_s_ci_high",
    "slope_s_per_1k_tokens",
    "slope_s_per_1k_tokens_ci_low",
    "slope_s_per_1k_tokens_ci_high",
    "r_squared",
    "note",
];

fn columns() -> Vec<Column> {
    let estimate = |name: &str| {
        vec![
            name.into(),
            format!("{name}_ci_low"),
            format!("{name}_ci_high"),
        ]
    };
    let tokens = |name| Column::numbers(name, Format::WHOLE, "tokens").csv_only();
    vec![
        Column::new("model", Kind::Id),
        Column::new("region", Kind::Key),
        Column::new("performance_config", Kind::Key),
        Column::counts("calls"),
        tokens("input_tokens_min"),
        tokens("input_tokens_max"),
        Column::new("input_tokens", Kind::Number).people_only(),
        Column::numbers("intercept_s", Format::SECONDS, "s")
            .csv_fields(estimate("intercept_s"))
            .shown_as("intercept_s [95% CI]"),
        Column::numbers("slope_s_per_1k_tokens", Format::SECONDS, "s")
            .csv_fields(estimate("slope_s_per_1k_tokens"))
            .csv_only(),
        Column::numbers("ms_per_1k_tokens [95% CI]", Format::MILLISECONDS, "ms").people_only(),
        Column::numbers("r_squared", Format::RATIO, ""),
        Column::new("note", Kind::Text).omitted_when_empty(),
    ]
}

/// The prefill table of `groups`: a row per group, in their order.
pub fn prefill(groups: &[GroupPrefill]) -> Table {
    let mut table = Table::new("prefill-table", columns());
    for g in groups {
        let mut cells = vec![
            Cell::text(&g.model),
            Cell::text(&g.region),
            Cell::text(&g.performance_config),
            Cell::Count(g.calls() as u64),
        ];
        match &g.fit {
            Ok(fit) => {
                let estimate = |i: crate::analysis::prefill::Interval| Cell::Estimate {
                    value: Some(i.value),
                    low: Some(i.low),
                    high: Some(i.high),
                };
                cells.extend([
                    Cell::Number(fit.min_input_tokens),
                    Cell::Number(fit.max_input_tokens),
                    Cell::text(format!(
                        "{} to {}",
                        grouped(fit.min_input_tokens, 0),
                        grouped(fit.max_input_tokens, 0)
                    )),
                    estimate(fit.intercept),
                    estimate(fit.slope_per_1k),
                    estimate(fit.slope_per_1k),
                    Cell::number(fit.r_squared.is_finite().then_some(fit.r_squared)),
                ]);
            }
            Err(_) => cells.extend(std::iter::repeat_n(Cell::Empty, 7)),
        }
        cells.push(Cell::text(g.note()));
        table.push(Row::new(cells));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::prefill::{Interval, NoFit, PrefillFit};

    fn group(fit: Result<PrefillFit, NoFit>) -> GroupPrefill {
        GroupPrefill {
            model: "m".into(),
            region: "us-east-1".into(),
            performance_config: "standard".into(),
            fit,
        }
    }

    fn fitted(min: f64, max: f64) -> PrefillFit {
        PrefillFit {
            calls: 40,
            intercept: Interval {
                value: 0.2,
                low: 0.19,
                high: 0.21,
            },
            slope_per_1k: Interval {
                value: 0.5,
                low: 0.49,
                high: 0.51,
            },
            r_squared: 0.98,
            min_input_tokens: min,
            max_input_tokens: max,
        }
    }

    #[test]
    fn the_csv_has_the_seconds_and_people_read_milliseconds() {
        let table = prefill(&[
            group(Ok(fitted(500.0, 4000.0))),
            group(Err(NoFit::TooFewCalls { calls: 5 })),
        ]);
        let header = table.csv_header();
        assert_eq!(
            header[..4],
            ["model", "region", "performance_config", "calls"]
        );
        assert_eq!(header[4..], FIT_COLUMNS);
        assert_eq!(
            table.csv_record(&table.rows[0]),
            [
                "m",
                "us-east-1",
                "standard",
                "40",
                "500",
                "4000",
                "0.200000",
                "0.190000",
                "0.210000",
                "0.500000",
                "0.490000",
                "0.510000",
                "0.980000",
                ""
            ]
        );
        let people: Vec<String> = table
            .people_columns(&table.rows.iter().collect::<Vec<_>>())
            .into_iter()
            .map(|i| table.human(&table.rows[0], i))
            .collect();
        assert_eq!(
            people,
            [
                "m",
                "us-east-1",
                "standard",
                "40",
                "500 to 4,000",
                "0.200 [0.190, 0.210]",
                "500.000 [490.000, 510.000]",
                "0.980",
                ""
            ]
        );
        let no_fit = table.csv_record(&table.rows[1]);
        assert_eq!(no_fit[3], "5");
        assert!(no_fit[4..13].iter().all(String::is_empty), "{no_fit:?}");
        assert_eq!(
            no_fit[13],
            "no fit: 5 successful call(s) with a TTFT and input tokens, 8 needed"
        );
    }

    #[test]
    fn a_narrow_range_says_so() {
        let table = prefill(&[group(Ok(fitted(1000.0, 1500.0)))]);
        let note = table.csv_record(&table.rows[0]).pop().unwrap_or_default();
        assert!(note.starts_with("narrow range: "), "{note}");
    }
}
