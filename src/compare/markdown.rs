//! `compare --markdown FILE`: each section as a GitHub-flavoured
//! Markdown table under its heading, for a pull-request comment or a CI
//! job summary. The columns and text are those people read on the
//! terminal (see [`crate::table`]).

use crate::table::{Row, Table};

/// `table` as a Markdown table: a header row, a separator row (numbers
/// right-aligned), a row per row; `|` in a cell escaped. An empty table
/// gives `_none_`.
pub fn markdown_table(table: &Table) -> String {
    let rows: Vec<&Row> = table.rows.iter().collect();
    if rows.is_empty() {
        return "_none_\n".to_string();
    }
    let columns = table.people_columns(&rows);
    let cell = |text: &str| text.replace('|', "\\|");
    let mut out = String::from("|");
    for &c in &columns {
        let header = table.columns[c].header.as_deref().unwrap_or_default();
        out.push_str(&format!(" {} |", cell(header)));
    }
    out.push_str("\n|");
    for &c in &columns {
        let rule = match table.columns[c].kind {
            crate::table::Kind::Number => " ---: |",
            _ => " --- |",
        };
        out.push_str(rule);
    }
    out.push('\n');
    for row in rows {
        out.push('|');
        for &c in &columns {
            out.push_str(&format!(" {} |", cell(&table.human(row, c))));
        }
        out.push('\n');
    }
    out
}

/// A document of sections, each `## title` and its table, after a first
/// heading and lines of text.
pub fn markdown_document(title: &str, lines: &[String], sections: &[(&str, &Table)]) -> String {
    let mut out = format!("# {title}\n\n");
    for line in lines {
        out.push_str(line);
        out.push_str("\n\n");
    }
    for (heading, table) in sections {
        out.push_str(&format!("## {heading}\n\n"));
        out.push_str(&markdown_table(table));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, Column, Kind};

    #[test]
    fn a_table_has_a_header_a_separator_and_escaped_cells() {
        let mut table = Table::new(
            "t",
            vec![
                Column::new("name", Kind::Id),
                Column::new("n", Kind::Number),
            ],
        );
        table.push(Row::new(vec![Cell::text("a|b"), Cell::text("3")]));
        assert_eq!(
            markdown_table(&table),
            "| name | n |\n| --- | ---: |\n| a\\|b | 3 |\n"
        );
        let empty = Table::new("e", vec![Column::new("name", Kind::Id)]);
        assert_eq!(markdown_table(&empty), "_none_\n");
        let doc = markdown_document("T", &["line".into()], &[("S", &table)]);
        assert!(doc.starts_with("# T\n\nline\n\n## S\n\n| name |"), "{doc}");
    }
}
