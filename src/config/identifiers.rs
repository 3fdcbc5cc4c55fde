//! The strings that name things and land in every CSV row: model ids,
//! regions, scenario names, task types and experiment names, checked at
//! load so that a typo fails at its line and no cell can run as a
//! spreadsheet formula.
//!
//! - A model id must have Bedrock's shape ([`bedrock_catalog::is_model_id`]:
//!   letters, digits, `.`, `-`, `_`, `:`, starting with a letter or a
//!   digit; or a Bedrock ARN), and a region a region name's
//!   ([`bedrock_catalog::is_region_name`]: `us-east-1`, `us-gov-west-1`).
//! - A label (`scenario_name`, `task_type`, `experiment_name`) must not
//!   start with `=`, `+`, `-` or `@` (after any spaces): spreadsheets run
//!   such a cell as a formula when the CSV is opened. The choice is to
//!   refuse at load rather than to rewrite the value in the writers, so
//!   that every file keeps exactly what the config says.

use bedrock_catalog::{MODEL_ID_SHAPE, REGION_SHAPE, is_model_id, is_region_name};

use super::fields::{Fields, quote};

/// The characters that make a spreadsheet cell a formula when it starts
/// with one.
pub const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// Whether a spreadsheet would take `text` as a formula: its first
/// character that is not a space is one of [`FORMULA_STARTS`].
pub fn starts_formula(text: &str) -> bool {
    text.trim_start().starts_with(FORMULA_STARTS)
}

/// The required model id of `key`, which must have Bedrock's shape.
pub(crate) fn model_id(fields: &mut Fields<'_>, key: &str) -> Option<String> {
    let id = fields.required_string(key)?;
    if is_model_id(&id) {
        Some(id)
    } else {
        fields.error(Some(key), MODEL_ID_SHAPE, quote(&id));
        None
    }
}

/// The required region of `key`, which must be a region name (a near
/// miss, such as `US-EAST-2`, gets a did-you-mean).
pub(crate) fn region(fields: &mut Fields<'_>, key: &str) -> Option<String> {
    let region = fields.required_string(key)?;
    if is_region_name(&region) {
        return Some(region);
    }
    let expected = match bedrock_catalog::region_suggestion(&region) {
        Some(suggestion) => format!("{REGION_SHAPE} (did you mean \"{suggestion}\"?)"),
        None => REGION_SHAPE.to_owned(),
    };
    fields.error(Some(key), expected, quote(&region));
    None
}

/// A label that reaches the CSV files: `text` unless it would start a
/// spreadsheet formula (an error at `key`).
pub(crate) fn label(fields: &mut Fields<'_>, key: &str, text: Option<String>) -> Option<String> {
    let text = text?;
    if starts_formula(&text) {
        fields.error(
            Some(key),
            "a label that does not start with `=`, `+`, `-` or `@` (a spreadsheet would run the CSV cell as a formula)",
            quote(&text),
        );
        return None;
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_told_by_their_first_character() {
        for formula in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "  =HYPERLINK(\"x\")"] {
            assert!(starts_formula(formula), "{formula}");
        }
        for plain in ["Text-Generation", "a=b", "nova pro", "", "1-2"] {
            assert!(!starts_formula(plain), "{plain}");
        }
    }
}
