//! A [`Table`] as CSV: the header, then one record per row; every column
//! with CSV headers, numbers as machines read them (see
//! [`crate::table`]).

use std::io::Write;

use crate::table::Table;

/// Write `table` as CSV to `writer`.
pub fn write<W: Write>(writer: W, table: &Table) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(table.csv_header())?;
    for row in &table.rows {
        csv.write_record(table.csv_record(row))?;
    }
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, Column, Format, Kind, Row};

    #[test]
    fn fields_are_quoted_as_csv_needs() {
        let mut table = Table::new(
            "t",
            vec![
                Column::new("name", Kind::Text),
                Column::numbers("s", Format::SECONDS, "s"),
            ],
        );
        table.push(Row::new(vec![Cell::text("a, \"b\""), Cell::Number(1.5)]));
        let mut bytes = Vec::new();
        write(&mut bytes, &table).expect("writes");
        assert_eq!(
            String::from_utf8(bytes).expect("utf-8"),
            "name,s\n\"a, \"\"b\"\"\",1.500000\n"
        );
    }
}
