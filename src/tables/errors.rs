//! The error messages of the failed calls, most frequent first (the
//! report page's).

use crate::analysis::ErrorSample;
use crate::table::{Cell, Column, Kind, Row, Table};

/// The table of `samples`, in their order.
pub fn errors(samples: &[ErrorSample]) -> Table {
    let mut table = Table::new(
        "errors",
        vec![
            Column::new("model", Kind::Id),
            Column::new("api_call_status", Kind::Key),
            Column::counts("calls"),
            Column::new("full_error_message", Kind::Text),
        ],
    );
    for e in samples {
        table.push(Row::new(vec![
            Cell::text(&e.model),
            Cell::text(&e.status),
            Cell::Count(e.count),
            Cell::text(&e.message),
        ]));
    }
    table
}
