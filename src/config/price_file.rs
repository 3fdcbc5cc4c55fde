//! The price file: entries that replace or extend the built-in price
//! table (`bedrock_catalog::prices`), one JSON object per line, as
//! strict as the other config files (unknown keys, duplicate keys, control
//! characters and invalid values are errors naming `file:line` and the
//! field):
//!
//! ```text
//! {"model": "amazon.nova-pro-v1:0", "input": 0.8, "output": 3.2, "cache_read": 0.2, "cache_write": 0.8}
//! {"model": "amazon.nova-pro-v1:0", "service_tier": "flex", "input": 0.4, "output": 1.6}
//! {"model": "anthropic.claude-sonnet-4-5-20250929-v1:0", "region_group": "global", "input": 3, "output": 15}
//! ```
//!
//! - `model` (required): a base model id (no `us.`/`global.` prefix: that
//!   is `region_group`);
//! - `region_group`, `service_tier`, `performance_config` (optional): the
//!   calls the entry applies to (`in-region` or a geography such as `us`,
//!   `eu`, `apac`, `global`; `priority`, `default`, `flex`, `reserved`;
//!   `standard`, `optimized`); absent, the entry applies to every value;
//! - `input`, `output` (required), `cache_read`, `cache_write` (five-minute
//!   writes), `cache_write_1h` (one-hour writes) (optional):
//!   US dollars per million tokens, at most six decimals; an absent cache
//!   price is unknown (a call that reads or writes the cache then has no
//!   cost), never 0.
//!
//! For a call, the most specific matching entry of the file (the first of
//! equally specific ones) wins over the built-in table; models and
//! selections the file does not match keep their built-in prices. Two
//! lines with the same model and selectors are an error.

use std::path::Path;

use bedrock_catalog::prices::{PerMillion, Price, PriceEntry, RegionGroup};
use bedrock_catalog::{MODEL_ID_SHAPE, PerformanceConfig, ServiceTier, base_model_id, is_model_id};
use serde_json::{Map, Value};

use super::error::{ConfigError, ConfigErrors, SourceLocation};
use super::fields::{self, Fields, describe_found, unknown_key_error};

/// The keys of a price file line.
pub const PRICE_FILE_KEYS: &[&str] = &[
    "model",
    "region_group",
    "service_tier",
    "performance_config",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cache_write_1h",
];

/// Reads a price file's entries (a regular file, at most
/// [`crate::side_file::MAX_CONFIG_FILE_BYTES`]). Errors name `path` as
/// given.
pub fn load_price_file(path: impl AsRef<Path>) -> Result<Vec<PriceEntry>, ConfigErrors> {
    let path = path.as_ref();
    let source_name = path.display().to_string();
    let bytes = super::read(path, &source_name)?;
    parse_price_file_bytes(&bytes, &source_name)
}

/// Parses the text of a price file called `source_name`. An empty file has
/// no entries (the built-in prices stay).
pub fn parse_price_file(text: &str, source_name: &str) -> Result<Vec<PriceEntry>, ConfigErrors> {
    parse_price_file_bytes(text.as_bytes(), source_name)
}

fn parse_price_file_bytes(
    bytes: &[u8],
    source_name: &str,
) -> Result<Vec<PriceEntry>, ConfigErrors> {
    let mut entries: Vec<PriceEntry> = Vec::new();
    let mut errors = Vec::new();
    for (line, content) in super::non_blank_lines(bytes) {
        let location = SourceLocation::new(source_name, line);
        let entry = super::utf8_line(content, &location)
            .and_then(|content| fields::parse_object(content, &location))
            .and_then(|map| entry_from_object(&map, &location));
        match entry {
            Ok(entry) => {
                if let Some(first) = entries.iter().find(|e| same_selection(e, &entry)) {
                    errors.push(ConfigError::new(
                        location,
                        Some("model"),
                        "each model and selection once",
                        format!("the same model, region_group, service_tier and performance_config as {}", first.source),
                    ));
                } else {
                    entries.push(entry);
                }
            }
            Err(line_errors) => errors.extend(line_errors),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(ConfigErrors(errors))
    }
}

/// A warning for each entry whose model matches no model it could price:
/// neither a model of the built-in catalog nor one of `models` (the base
/// ids of the models the command calls; empty when it does not know
/// them, as `analyze`). Each reads `file:line: warning: ...`, with a
/// did-you-mean when a known model is close.
pub fn unmatched_price_warnings(entries: &[PriceEntry], models: &[&str]) -> Vec<String> {
    let mut known: Vec<&str> = bedrock_catalog::MODELS.iter().map(|m| m.id).collect();
    known.extend(models.iter().map(|m| base_model_id(m)));
    entries
        .iter()
        .filter(|entry| !known.contains(&entry.model.as_str()))
        .map(|entry| {
            let hint = fields::did_you_mean(&entry.model, &known)
                .map(|close| format!(" (did you mean `{close}`?)"))
                .unwrap_or_default();
            let scope = if models.is_empty() {
                "no model of the built-in catalog; it prices only calls of exactly that model"
            } else {
                "no model of the built-in catalog and no scenario's model, so it prices nothing here"
            };
            format!(
                "{}: warning: field `model`: `{}` matches {scope}{hint}",
                entry.source, entry.model
            )
        })
        .collect()
}

fn same_selection(a: &PriceEntry, b: &PriceEntry) -> bool {
    a.model == b.model
        && a.region_group == b.region_group
        && a.tier == b.tier
        && a.performance == b.performance
}

fn entry_from_object(
    map: &Map<String, Value>,
    location: &SourceLocation,
) -> Result<PriceEntry, Vec<ConfigError>> {
    let mut fields = Fields::new(map, location.clone(), PRICE_FILE_KEYS);
    let mut errors: Vec<ConfigError> = fields
        .unknown_keys()
        .into_iter()
        .map(|(key, suggestion)| unknown_key_error(location, key, suggestion, PRICE_FILE_KEYS))
        .collect();
    let model = fields.required_string("model");
    match &model {
        Some(model) if !is_model_id(model) => {
            fields.error(Some("model"), MODEL_ID_SHAPE, format!("{model:?}"))
        }
        Some(model) if base_model_id(model) != model => fields.error(
            Some("model"),
            "a base model id (give a geography as region_group)",
            format!("{model:?}"),
        ),
        _ => {}
    }
    let region_group = parsed(&mut fields, "region_group", |text| {
        text.parse::<RegionGroup>().map_err(|e| e.expected)
    });
    let tier = parsed(&mut fields, "service_tier", |text| {
        text.parse::<ServiceTier>().map_err(|e| e.expected)
    });
    let performance = parsed(&mut fields, "performance_config", |text| {
        text.parse::<PerformanceConfig>().map_err(|e| e.expected)
    });
    let required = |fields: &mut Fields<'_>, key: &str| {
        if !fields.is_present(key) {
            fields.error(
                Some(key),
                "a price in dollars per million tokens",
                "nothing (the field is required)",
            );
        }
        price(fields, key)
    };
    let input = required(&mut fields, "input");
    let output = required(&mut fields, "output");
    let cache_read = price(&mut fields, "cache_read");
    let cache_write = price(&mut fields, "cache_write");
    let cache_write_1h = price(&mut fields, "cache_write_1h");
    errors.extend(fields.finish());
    match model {
        Some(model) if errors.is_empty() => Ok(PriceEntry {
            model,
            region_group,
            tier,
            performance,
            price: Price {
                input,
                output,
                cache_read,
                cache_write,
                cache_write_1h,
            },
            source: location.to_string(),
        }),
        _ => Err(errors),
    }
}

/// A string field parsed by `parse` (whose error is the expected values).
fn parsed<T>(
    fields: &mut Fields<'_>,
    key: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Option<T> {
    let value = fields.value(key)?;
    let Value::String(text) = value else {
        let found = describe_found(value);
        fields.error(Some(key), "a string", found);
        return None;
    };
    match parse(text) {
        Ok(value) => Some(value),
        Err(expected) => {
            fields.error(Some(key), expected, format!("{text:?}"));
            None
        }
    }
}

/// A price field: dollars per million tokens.
fn price(fields: &mut Fields<'_>, key: &str) -> Option<PerMillion> {
    let value = fields.value(key)?;
    let Value::Number(number) = value else {
        let found = describe_found(value);
        fields.error(Some(key), "a price in dollars per million tokens", found);
        return None;
    };
    match number.as_f64().map(PerMillion::from_usd) {
        Some(Ok(price)) => Some(price),
        Some(Err(error)) => {
            fields.error(Some(key), error.expected, number.to_string());
            None
        }
        None => {
            fields.error(
                Some(key),
                "a price in dollars per million tokens",
                number.to_string(),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_with_their_selectors() {
        let text = "{\"model\": \"amazon.nova-pro-v1:0\", \"input\": 0.8, \"output\": 3.2, \"cache_read\": 0.2}\n\n{\"model\": \"amazon.nova-pro-v1:0\", \"service_tier\": \"flex\", \"region_group\": \"us\", \"input\": 0.4, \"output\": 1.6}\n";
        let entries = parse_price_file(text, "p.jsonl").unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0].price.input,
            Some(PerMillion::from_micro_usd(800_000))
        );
        assert_eq!(
            entries[0].price.cache_write, None,
            "absent is unknown, not 0"
        );
        assert_eq!(entries[1].tier, Some(ServiceTier::Flex));
        assert_eq!(entries[1].region_group, Some(RegionGroup::Profile("us")));
        assert_eq!(entries[1].source, "p.jsonl:3");
    }

    #[test]
    fn an_entry_that_matches_no_model_is_a_warning_naming_its_line() {
        let text = "{\"model\": \"amazon.nova-pro-v1:0\", \"input\": 1, \"output\": 2}\n{\"model\": \"amazon.nova-pr-v1:0\", \"input\": 1, \"output\": 2}\n{\"model\": \"acme.new-model-v1:0\", \"input\": 1, \"output\": 2}\n";
        let entries = parse_price_file(text, "p.jsonl").expect("valid");
        let warnings = unmatched_price_warnings(&entries, &["us.acme.new-model-v1:0"]);
        assert_eq!(
            warnings,
            [
                "p.jsonl:2: warning: field `model`: `amazon.nova-pr-v1:0` matches no model of the built-in catalog and no scenario's model, so it prices nothing here (did you mean `amazon.nova-pro-v1:0`?)"
            ]
        );
        let analyze = unmatched_price_warnings(&entries, &[]);
        assert_eq!(analyze.len(), 2, "{analyze:?}");
        assert!(analyze[1].starts_with("p.jsonl:3: warning: field `model`: `acme.new-model-v1:0` matches no model of the built-in catalog; it prices only calls"), "{analyze:?}");
    }

    #[test]
    fn every_mistake_names_its_line_and_field() {
        let cases = [
            (
                r#"{"model": "amazon.nova-pro-v1:0", "input": 1, "output": 2, "imput": 1}"#,
                "p:1: field `imput`",
            ),
            (
                r#"{"model": "amazon.nova-pro-v1:0", "input": 1, "input": 2, "output": 2}"#,
                "p:1: field `input`",
            ),
            (
                r#"{"model": "us.amazon.nova-pro-v1:0", "input": 1, "output": 2}"#,
                "p:1: field `model`",
            ),
            (
                r#"{"model": "amazon.nova-pro-v1:0", "output": 2}"#,
                "p:1: field `input`",
            ),
            (
                r#"{"model": "amazon.nova-pro-v1:0", "input": -1, "output": 2}"#,
                "p:1: field `input`",
            ),
            (
                r#"{"model": "amazon.nova-pro-v1:0", "input": "1", "output": 2}"#,
                "p:1: field `input`",
            ),
            (
                r#"{"model": "amazon.nova-pro-v1:0", "input": 1, "output": 2, "service_tier": "turbo"}"#,
                "p:1: field `service_tier`",
            ),
            (
                r#"{"model": "amazon.nova-pro-v1:0", "input": 1, "output": 2, "region_group": "mars"}"#,
                "p:1: field `region_group`",
            ),
            (
                r#"{"model": "amazon.nova\u0007-pro", "input": 1, "output": 2}"#,
                "p:1: field `model`",
            ),
            (
                r#"{"model": "=HYPERLINK(\"x\")", "input": 1, "output": 2}"#,
                "p:1: field `model`: expected a Bedrock model id",
            ),
        ];
        for (line, expected) in cases {
            let error = parse_price_file(line, "p").unwrap_err().to_string();
            assert!(error.contains(expected), "{line}: {error}");
        }
        let twice = "{\"model\": \"a.b\", \"input\": 1, \"output\": 2}\n{\"model\": \"a.b\", \"input\": 3, \"output\": 4}";
        let error = parse_price_file(twice, "p").unwrap_err().to_string();
        assert!(
            error.contains("p:2: field `model`") && error.contains("p:1"),
            "{error}"
        );
    }
}
