//! A [`Table`] as the page's HTML table: the columns and text people read
//! (see [`crate::table`]), every cell escaped, numbers right-aligned
//! (`td.num`), short keys unwrapped (`td.key`), long identifiers wrapped
//! anywhere (`td.id`), highlighted rows `tr.nosuccess`; scrollable when
//! wider than the page. Sections are for the terminal: the page keeps one
//! table.

use std::fmt::Write as _;

use super::escape::escape;
use crate::table::{Kind, Row, Table};

/// The `<table>` of `table`, its id `table.id`.
pub fn html(table: &Table) -> String {
    let rows: Vec<&Row> = table.rows.iter().collect();
    let columns = table.people_columns(&rows);
    let mut out = format!(
        "<div class=\"scroll\"><table id=\"{}\">\n<thead><tr>",
        escape(&table.id)
    );
    for header in columns
        .iter()
        .filter_map(|&c| table.columns[c].header.as_deref())
    {
        // Long column names may break after an underscore.
        let _ = write!(out, "<th>{}</th>", escape(header).replace('_', "_<wbr>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        if row.highlight {
            out.push_str("<tr class=\"nosuccess\">");
        } else {
            out.push_str("<tr>");
        }
        for &c in &columns {
            let text = escape(&table.human(row, c));
            match class(table.columns[c].kind) {
                "" => {
                    let _ = write!(out, "<td>{text}</td>");
                }
                class => {
                    let _ = write!(out, "<td class=\"{class}\">{text}</td>");
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// The CSS class of a column's cells.
fn class(kind: Kind) -> &'static str {
    match kind {
        Kind::Number => "num",
        Kind::Key => "key",
        Kind::Id => "id",
        Kind::Text => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, Column};

    #[test]
    fn cells_are_escaped_and_classed() {
        let mut table = Table::new(
            "t",
            vec![
                Column::new("<h>", Kind::Text),
                Column::counts("n_calls"),
                Column::counts("csv").csv_only(),
            ],
        );
        table.push(
            Row::new(vec![
                Cell::text("<script>&"),
                Cell::Count(3),
                Cell::Count(4),
            ])
            .highlighted(true),
        );
        let html = html(&table);
        assert!(html.contains("<table id=\"t\">"), "{html}");
        assert!(
            html.contains("<th>&lt;h&gt;</th><th>n_<wbr>calls</th></tr>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<tr class=\"nosuccess\"><td>&lt;script&gt;&amp;</td><td class=\"num\">3</td></tr>"
            ),
            "{html}"
        );
        assert!(!html.contains("<script>"));
    }
}
