//! A [`Table`] as aligned text for the terminal, in the style of
//! csvlook: `| a | b |` rows, a dashed rule under the header, numbers
//! right-aligned. People's columns and text (see [`crate::table`]); a
//! table with sections is one aligned table per section, under its title.

use crate::table::Table;

/// Render the columns people read of `table`: one aligned table, or one
/// per section, each under its title line (`Title:`).
pub fn render(table: &Table) -> String {
    let mut out = String::new();
    for (title, rows) in table.section_rows() {
        // The section's title says what its column would.
        let split = table.sections.as_ref().map(|s| s.column);
        let columns: Vec<usize> = table
            .people_columns(&rows)
            .into_iter()
            .filter(|&c| Some(c) != split)
            .collect();
        let header: Vec<&str> = columns
            .iter()
            .filter_map(|&c| table.columns[c].header.as_deref())
            .collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| columns.iter().map(|&c| table.human(row, c)).collect())
            .collect();
        if let Some(title) = title {
            out.push_str(&title);
            out.push_str(":\n");
        }
        out.push_str(&aligned(&header, &cells));
    }
    out
}

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// Align `header` and `rows`. A column whose non-empty cells all parse as
/// numbers is right-aligned (its header too, as csvlook does); others are
/// left-aligned.
fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let aligns: Vec<Align> = (0..header.len())
        .map(|c| {
            let mut cells = rows
                .iter()
                .filter_map(|r| r.get(c))
                .filter(|s| !s.is_empty());
            let mut any = false;
            let numeric = cells.all(|s| {
                any = true;
                s.parse::<f64>().is_ok()
            });
            if numeric && any {
                Align::Right
            } else {
                Align::Left
            }
        })
        .collect();
    render_aligned(header, rows, &aligns)
}

/// Render a table with the given alignment per column.
fn render_aligned(header: &[&str], rows: &[Vec<String>], aligns: &[Align]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (c, cell) in row.iter().take(columns).enumerate() {
            widths[c] = widths[c].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        out.push('|');
        for (c, width) in widths.iter().enumerate() {
            let cell = cells.next().unwrap_or("");
            let pad = width - cell.chars().count().min(*width);
            out.push(' ');
            match aligns.get(c).copied().unwrap_or(Align::Left) {
                Align::Left => {
                    out.push_str(cell);
                    out.extend(std::iter::repeat_n(' ', pad));
                }
                Align::Right => {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(cell);
                }
            }
            out.push_str(" |");
        }
        out.push('\n');
    };
    line(&mut out, &mut header.iter().copied());
    out.push('|');
    for width in &widths {
        out.push(' ');
        out.extend(std::iter::repeat_n('-', *width));
        out.push_str(" |");
    }
    out.push('\n');
    for row in rows {
        line(&mut out, &mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_right_aligned_text_left() {
        let rows = vec![
            vec!["nova".to_string(), "5".to_string(), "".to_string()],
            vec!["llama-70b".to_string(), "12".to_string(), "x".to_string()],
        ];
        let text = aligned(&["model", "n", "note"], &rows);
        let expected = "\
| model     |  n | note |
| --------- | -- | ---- |
| nova      |  5 |      |
| llama-70b | 12 | x    |
";
        assert_eq!(text, expected);
    }
}
