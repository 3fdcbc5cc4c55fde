//! The raw CSV column reference (`docs/reference/raw-csv.md`): every
//! column of [`crate::record::Column`], in file order, with its unit and
//! its description.

use crate::record::Column;

use super::markdown::{generated_notice, table};

/// The page, generated.
pub fn columns_reference() -> String {
    let mut out = String::from("# Raw CSV columns\n\n");
    out.push_str(&generated_notice(
        "`Column::description` and `Column::unit` in `src/record/columns.rs`",
    ));
    out.push_str(
        "\nEvery attempt is one row of `results/run_<YYYYmmdd_HHMMSS>.csv` (see \
         [Output files](output-files.md)): first the Python tool's 19 columns, in its order, \
         then the extended ones. Durations (unit `s`) are seconds with microsecond precision, \
         measured from t0, the instant just before the SDK's `send()`, unless said otherwise; \
         an empty cell is a value that does not exist for that attempt, never a zero. \
         [What it measures](../explanation/metrics.md) defines each number.\n",
    );
    let sections = [
        ("The Python tool's columns", &Column::PYTHON[..], 1),
        (
            "Extended columns",
            &Column::EXTENDED[..],
            Column::PYTHON.len() + 1,
        ),
    ];
    for (title, columns, first) in sections {
        out.push_str(&format!("\n## {title}\n\n"));
        let rows: Vec<Vec<String>> = columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                vec![
                    (first + i).to_string(),
                    format!("`{}`", column.name()),
                    column.unit().to_string(),
                    column.description().to_string(),
                ]
            })
            .collect();
        out.push_str(&table(&["#", "column", "unit", "meaning"], &rows));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_its_row_in_file_order() {
        let page = columns_reference();
        let mut at = 0;
        for (i, column) in Column::all().enumerate() {
            let row = format!("| {} | `{}` |", i + 1, column.name());
            let found = page[at..]
                .find(&row)
                .unwrap_or_else(|| panic!("no row {row}"));
            at += found;
        }
    }
}
