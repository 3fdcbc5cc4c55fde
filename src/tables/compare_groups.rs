//! `compare`'s other tables: the groups found on one side only ("only
//! in BASE", "only in NEW"), and the `--fail-if` gates, one row per gate
//! and group.

use crate::compare::sides::SideName;
use crate::compare::{GateResult, OneSidedGroup};
use crate::table::{Cell, Column, Kind, Row, Sections, Table};

/// The groups on one side only; on the terminal, one section per side.
pub fn one_sided(groups: &[OneSidedGroup]) -> Table {
    let mut table = Table::new(
        "compare-one-sided",
        vec![
            Column::new("side", Kind::Key),
            Column::new("model", Kind::Id),
            Column::new("region", Kind::Key),
            Column::new("variant", Kind::Key),
            Column::counts("attempts"),
            Column::counts("calls"),
        ],
    );
    table.sections = Some(Sections {
        column: 0,
        titles: vec![
            ("only in BASE".into(), "Only in BASE".into()),
            ("only in NEW".into(), "Only in NEW".into()),
        ],
    });
    for g in groups {
        let side = match g.side {
            SideName::Base => "only in BASE",
            SideName::New => "only in NEW",
        };
        table.push(Row::new(vec![
            Cell::text(side),
            Cell::text(&g.id.model),
            Cell::text(&g.id.region),
            Cell::text(&g.id.variant),
            Cell::Count(g.attempts),
            Cell::Count(g.calls),
        ]));
    }
    table
}

/// The result of a gate on a group in words: `FAIL`, `pass`, `not
/// evaluated`.
pub fn result_word(result: &GateResult) -> &'static str {
    if result.outcome.failed {
        "FAIL"
    } else if result.compared.is_empty() {
        "not evaluated"
    } else {
        "pass"
    }
}

/// Every gate on every matched group; a failed one is highlighted.
pub fn gates(results: &[GateResult]) -> Table {
    let mut table = Table::new(
        "compare-gates",
        vec![
            Column::new("gate", Kind::Key),
            Column::new("model", Kind::Id),
            Column::new("region", Kind::Key),
            Column::new("variant", Kind::Key),
            Column::new("result", Kind::Key),
            Column::new("compared", Kind::Number),
            Column::new("threshold", Kind::Number),
            Column::new("decided_on", Kind::Text),
        ],
    );
    for r in results {
        table.push(
            Row::new(vec![
                Cell::text(&r.expression),
                Cell::text(&r.id.model),
                Cell::text(&r.id.region),
                Cell::text(&r.id.variant),
                Cell::text(result_word(r)),
                Cell::text(&r.compared),
                Cell::text(&r.threshold),
                Cell::text(r.outcome.basis.words()),
            ])
            .highlighted(r.outcome.failed),
        );
    }
    table
}
