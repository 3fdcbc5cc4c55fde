//! What the other SDKs' scripts (boto3, the JavaScript SDK) print: one
//! JSON object per scenario and line, read back by scenario name.

use std::collections::HashMap;

use serde_json::Value;

/// The script's lines, by their `scenario` field.
pub fn results_by_scenario(stdout: &str) -> HashMap<String, Value> {
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let name = value["scenario"]
                .as_str()
                .expect("scenario name")
                .to_string();
            (name, value)
        })
        .collect()
}

/// The names of the stream events a scenario saw, in order.
pub fn events(result: &Value) -> Vec<&str> {
    result["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e.as_str().expect("event name"))
        .collect()
}
