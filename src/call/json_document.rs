//! JSON values as the SDK's [`Document`], for the request fields that are
//! free-form JSON (`additionalModelRequestFields`, tool input schemas).

use aws_smithy_types::{Document, Number};
use serde_json::Value;

/// `value` as a [`Document`]: integers stay integers (positive or
/// negative), other numbers are floats.
pub fn to_document(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(flag) => Document::Bool(*flag),
        Value::Number(number) => Document::Number(if let Some(positive) = number.as_u64() {
            Number::PosInt(positive)
        } else if let Some(negative) = number.as_i64() {
            Number::NegInt(negative)
        } else {
            Number::Float(number.as_f64().unwrap_or(f64::NAN))
        }),
        Value::String(text) => Document::String(text.clone()),
        Value::Array(items) => Document::Array(items.iter().map(to_document).collect()),
        Value::Object(map) => Document::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), to_document(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_json_type_maps_to_its_document() {
        let value = serde_json::json!({"a": [1, -2, 2.5, true, null, "x"]});
        let Document::Object(map) = to_document(&value) else {
            panic!("object");
        };
        assert_eq!(
            map["a"],
            Document::Array(vec![
                Document::Number(Number::PosInt(1)),
                Document::Number(Number::NegInt(-2)),
                Document::Number(Number::Float(2.5)),
                Document::Bool(true),
                Document::Null,
                Document::String("x".into()),
            ])
        );
    }
}
