//! The config-field reference (`docs/reference/config-fields.md`): every
//! key of the scenarios file, the experiment file and the price file, from
//! the declarative tables of [`crate::config::field_docs`].

use crate::config::field_docs::{
    Absent, EXPERIMENT_FIELDS, FieldDoc, PRICE_FILE_FIELDS, SCENARIO_FIELDS, ValueKind,
};

use super::markdown::{generated_notice, number, table, whole};

/// The page, generated.
pub fn config_reference() -> String {
    let mut out = String::from("# Config fields\n\n");
    out.push_str(&generated_notice("`src/config/field_docs.rs`"));
    out.push_str(
        "\nEvery key each file accepts: its values, what its absence means, and what it does. \
         Any other key is an error (with a did-you-mean), and so is a value out of its range, \
         named with its `file:line` and field. The rules every file shares (JSON Lines, \
         strictness, file sizes, identifiers) and how the experiment file's loads and target \
         work are in [Config files](config-files.md).\n",
    );
    let files: [(&str, &str, &[FieldDoc]); 3] = [
        (
            "scenarios_config.jsonl",
            "One scenario per line. Exactly one of `text_prompt`, `prompt_file` and \
             `synthetic_input_tokens` is required.",
            SCENARIO_FIELDS,
        ),
        (
            "experiment_config.jsonl",
            "The first line is read (later lines get a warning). Every key is optional.",
            EXPERIMENT_FIELDS,
        ),
        (
            "Price file",
            "One price entry per line (`--prices FILE`, `BEDROCK_BENCH_PRICES=FILE`); \
             see [Price files](prices.md) for which entry prices a call.",
            PRICE_FILE_FIELDS,
        ),
    ];
    for (title, intro, fields) in files {
        out.push_str(&format!("\n## {title}\n\n{intro}\n\n"));
        let rows: Vec<Vec<String>> = fields
            .iter()
            .map(|f| {
                vec![
                    format!("`{}`", f.key),
                    kind_text(&f.kind),
                    absent_text(&f.absent),
                    f.meaning.to_string(),
                ]
            })
            .collect();
        out.push_str(&table(&["key", "values", "when absent", "meaning"], &rows));
    }
    out
}

/// The values of a key, in words.
fn kind_text(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Text => "string".to_string(),
        ValueKind::Choice(choices) => {
            let quoted: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
        ValueKind::Integer { min, max } => format!("integer, {} to {}", whole(*min), whole(*max)),
        ValueKind::Number { min, max, unit: "" } => {
            format!("number, {} to {}", number(*min), number(*max))
        }
        ValueKind::Number { min, max, unit } => {
            format!("{unit}, {} to {}", number(*min), number(*max))
        }
        ValueKind::Rate {
            min_per_s,
            max_per_s,
        } => format!(
            "string, requests per second (`\"20/s\"`) or per minute (`\"1200/min\"`), {}/s to {}/s",
            number(*min_per_s),
            number(*max_per_s)
        ),
        ValueKind::Described(text) => text.to_string(),
    }
}

/// What a key's absence means, in words.
fn absent_text(absent: &Absent) -> String {
    match absent {
        Absent::Required => "required".to_string(),
        Absent::Default(value) => format!("`{value}`"),
        Absent::Means(text) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_every_file_has_its_row() {
        let page = config_reference();
        for key in crate::config::SCENARIO_KEYS
            .iter()
            .chain(crate::config::EXPERIMENT_KEYS)
            .chain(crate::config::PRICE_FILE_KEYS)
        {
            assert!(page.contains(&format!("| `{key}` |")), "{key}");
        }
    }

    #[test]
    fn ranges_come_from_the_limits() {
        let page = config_reference();
        assert!(page.contains("| `max_calls` | integer, 1 to 1,000,000,000,000 |"));
        assert!(page.contains("| `call_timeout_s` | seconds, 0.001 to 86,400 | `60` |"));
        assert!(page.contains("| `max_cost_usd` | US dollars, 0.000001 to 1,000,000 |"));
        assert!(page.contains("0.001/s to 10,000/s"));
    }
}
