//! One table model for every output. A [`Table`] is columns (a header for
//! people, the CSV's headers, a unit and a [`Format`]) and rows of typed
//! [`Cell`]s; it is built once, from the results, and rendered three
//! ways, each renderer beside its output:
//!
//! ```text
//! results (Analysis, sweep steps, calibration levels)
//!   -> crate::tables::*, calibrate, discovery   build a Table (once per table)
//!   -> export::table_csv        CSV: every column with CSV headers, machine numbers
//!   -> terminal::table          aligned text: the columns people read
//!   -> report::html_table       the page's <table>: the same columns and text
//! ```
//!
//! A column may be for the CSV only (the extended statistics), for people
//! only (a verdict, a trade-off in words), or for both under two headers
//! (`cost_usd_total` in the CSV, `cost_total` for people). A cell that
//! holds two or three numbers (a baseline and a variant, an estimate and
//! its interval) is one cell for people and as many CSV fields.

mod cell;
pub mod format;

pub use cell::Cell;
pub use format::Format;

/// How the page sets a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Numbers: right-aligned, never wrapped.
    Number,
    /// Short keys that never wrap (region, performance config).
    Key,
    /// Long identifiers that may wrap anywhere (model ids, paths).
    Id,
    /// Text that wraps as text does (error messages, verdicts).
    Text,
}

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its header on the terminal and the page; `None` for a column of
    /// the CSV only.
    pub header: Option<String>,
    /// Its headers in the CSV, one per field its cells give (two for a
    /// pair, three for an estimate); empty for a column people only read.
    pub csv: Vec<String>,
    /// What its numbers are in (`s`, `ms`, `tokens/s`, `$`, `%`; empty
    /// for counts and text).
    pub unit: &'static str,
    /// How its numbers are written.
    pub format: Format,
    /// How the page sets it.
    pub kind: Kind,
    /// People do not see it when no row has a value (a metric that no
    /// file recorded); the CSV keeps it.
    pub omit_when_empty: bool,
}

impl Column {
    /// A column of `kind` named `name` in the CSV and for people.
    pub fn new(name: &str, kind: Kind) -> Column {
        Column {
            header: Some(name.to_string()),
            csv: vec![name.to_string()],
            unit: "",
            format: Format::fixed(0),
            kind,
            omit_when_empty: false,
        }
    }

    /// A column of numbers written by `format`, in `unit`.
    pub fn numbers(name: &str, format: Format, unit: &'static str) -> Column {
        Column {
            format,
            unit,
            ..Column::new(name, Kind::Number)
        }
    }

    /// A column of whole numbers (counts).
    pub fn counts(name: &str) -> Column {
        Column::new(name, Kind::Number)
    }

    /// A column of dollars.
    pub fn dollars(name: &str) -> Column {
        Column {
            unit: "$",
            ..Column::new(name, Kind::Number)
        }
    }

    /// The same column under another header for people.
    pub fn shown_as(mut self, header: &str) -> Column {
        self.header = Some(header.to_string());
        self
    }

    /// The same column, in the CSV only.
    pub fn csv_only(mut self) -> Column {
        self.header = None;
        self
    }

    /// The same column, for people only.
    pub fn people_only(mut self) -> Column {
        self.csv.clear();
        self
    }

    /// The same column with these CSV headers (one per field of its
    /// cells).
    pub fn csv_fields(mut self, fields: Vec<String>) -> Column {
        self.csv = fields;
        self
    }

    /// The same column, left out for people when no row has a value.
    pub fn omitted_when_empty(mut self) -> Column {
        self.omit_when_empty = true;
        self
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One cell per column.
    pub cells: Vec<Cell>,
    /// Highlighted on the page (a group without a successful call, a step
    /// that failed its objectives).
    pub highlight: bool,
}

impl Row {
    /// A row, not highlighted.
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            highlight: false,
        }
    }

    /// The same row, highlighted when `highlight`.
    pub fn highlighted(mut self, highlight: bool) -> Row {
        self.highlight = highlight;
        self
    }
}

/// The terminal shows the rows in sections, one aligned table per value
/// of a column (without that column), each under its title; the page and
/// the CSV keep one table with the column.
#[derive(Debug, Clone, PartialEq)]
pub struct Sections {
    /// The column whose text splits the rows.
    pub column: usize,
    /// Each section's value and title, in order. Rows of a value not
    /// listed come last, under the value itself.
    pub titles: Vec<(String, String)>,
}

/// A table: columns, rows, and how its outputs differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its name: the page's element id.
    pub id: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, in order.
    pub rows: Vec<Row>,
    /// The CSV writes a thin percentile's value instead of leaving it
    /// empty (the Python tool's summary, whose format is that tool's).
    pub csv_keeps_thin: bool,
    /// Sections on the terminal, if any.
    pub sections: Option<Sections>,
}

impl Table {
    /// A table named `id` with `columns` and no rows.
    pub fn new(id: &str, columns: Vec<Column>) -> Table {
        Table {
            id: id.to_string(),
            columns,
            rows: Vec::new(),
            csv_keeps_thin: false,
            sections: None,
        }
    }

    /// Add a row.
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// The CSV's header.
    pub fn csv_header(&self) -> Vec<String> {
        self.columns
            .iter()
            .flat_map(|c| c.csv.iter().cloned())
            .collect()
    }

    /// The CSV fields of `row`: as many per column as it has CSV headers
    /// (a missing cell gives empty fields).
    pub fn csv_record(&self, row: &Row) -> Vec<String> {
        let mut fields = Vec::new();
        for (i, column) in self.columns.iter().enumerate() {
            if column.csv.is_empty() {
                continue;
            }
            let mut cell = row
                .cells
                .get(i)
                .map(|cell| cell.machine(column.format, self.csv_keeps_thin))
                .unwrap_or_default();
            cell.resize(column.csv.len(), String::new());
            fields.extend(cell);
        }
        fields
    }

    /// The columns people read among `rows` (indexes): those with a
    /// header, less those left out when none of `rows` has a value.
    pub fn people_columns(&self, rows: &[&Row]) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.header.is_some())
            .filter(|&(i, c)| {
                !c.omit_when_empty
                    || rows
                        .iter()
                        .any(|r| r.cells.get(i).is_some_and(|cell| !cell.is_empty()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The text people read in column `column` of `row`.
    pub fn human(&self, row: &Row, column: usize) -> String {
        match (row.cells.get(column), self.columns.get(column)) {
            (Some(cell), Some(c)) => cell.human(c.format),
            _ => String::new(),
        }
    }

    /// The rows of each terminal section, with its title (one untitled
    /// section of every row when the table has no sections).
    pub fn section_rows(&self) -> Vec<(Option<String>, Vec<&Row>)> {
        let Some(sections) = &self.sections else {
            return vec![(None, self.rows.iter().collect())];
        };
        let value = |row: &Row| match row.cells.get(sections.column) {
            Some(Cell::Text(text)) => text.clone(),
            Some(cell) => cell.human(Format::fixed(0)),
            None => String::new(),
        };
        let mut out: Vec<(Option<String>, Vec<&Row>)> = Vec::new();
        let mut listed = Vec::new();
        for (key, title) in &sections.titles {
            let rows: Vec<&Row> = self.rows.iter().filter(|r| value(r) == *key).collect();
            listed.push(key.clone());
            if !rows.is_empty() {
                out.push((Some(title.clone()), rows));
            }
        }
        for row in &self.rows {
            let key = value(row);
            if listed.contains(&key) {
                continue;
            }
            let rows: Vec<&Row> = self.rows.iter().filter(|r| value(r) == key).collect();
            listed.push(key.clone());
            out.push((Some(key), rows));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut table = Table::new(
            "t",
            vec![
                Column::new("name", Kind::Id),
                Column::new("axis", Kind::Key),
                Column::numbers("p50", Format::SECONDS, "s")
                    .csv_fields(vec!["p50_baseline".into(), "p50_variant".into()]),
                Column::new("note", Kind::Text)
                    .people_only()
                    .omitted_when_empty(),
                Column::counts("n").csv_only(),
            ],
        );
        table.push(Row::new(vec![
            Cell::text("a"),
            Cell::text("x"),
            Cell::pair(Cell::Number(0.5), Cell::Empty),
            Cell::Empty,
            Cell::Count(3),
        ]));
        table.push(Row::new(vec![
            Cell::text("b"),
            Cell::text("y"),
            Cell::pair(Cell::Number(1.0), Cell::Number(2.0)),
            Cell::Empty,
        ]));
        table
    }

    #[test]
    fn the_csv_has_every_field_and_people_their_columns() {
        let table = table();
        assert_eq!(
            table.csv_header(),
            ["name", "axis", "p50_baseline", "p50_variant", "n"]
        );
        assert_eq!(
            table.csv_record(&table.rows[0]),
            ["a", "x", "0.500000", "", "3"]
        );
        assert_eq!(
            table.csv_record(&table.rows[1]),
            ["b", "y", "1.000000", "2.000000", ""],
            "a missing cell is an empty field"
        );
        let rows: Vec<&Row> = table.rows.iter().collect();
        assert_eq!(table.people_columns(&rows), [0, 1, 2], "no note, no n");
        assert_eq!(table.human(&table.rows[0], 2), "0.500 -> ");
    }

    #[test]
    fn the_terminal_and_the_page_show_the_same_text_the_csv_the_same_fields() {
        let table = table();
        let text = crate::terminal::table::render(&table);
        let html = crate::report::html_table::html(&table);
        let rows: Vec<&Row> = table.rows.iter().collect();
        for row in &table.rows {
            for column in table.people_columns(&rows) {
                let shown = table.human(row, column);
                assert!(text.contains(&format!(" {shown} ")), "{shown:?} in {text}");
                let escaped = shown.replace('>', "&gt;");
                assert!(
                    html.contains(&format!(">{escaped}</td>")),
                    "{shown:?} in {html}"
                );
            }
        }
        assert!(
            !text.contains("| n ") && !html.contains("<th>n</th>"),
            "CSV only"
        );
        let mut csv = Vec::new();
        crate::export::table_csv::write(&mut csv, &table).expect("in memory");
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert_eq!(
            csv,
            "name,axis,p50_baseline,p50_variant,n\na,x,0.500000,,3\nb,y,1.000000,2.000000,\n"
        );
    }

    #[test]
    fn sections_follow_their_titles_then_the_values_not_listed() {
        let mut table = table();
        table.sections = Some(Sections {
            column: 1,
            titles: vec![("y".into(), "Why".into()), ("z".into(), "Zed".into())],
        });
        let sections = table.section_rows();
        let titles: Vec<Option<String>> = sections.iter().map(|(t, _)| t.clone()).collect();
        assert_eq!(titles, [Some("Why".into()), Some("x".into())]);
        assert_eq!(sections[1].1[0].cells[0], Cell::text("a"));
    }
}
