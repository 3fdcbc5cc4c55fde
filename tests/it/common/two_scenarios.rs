//! The open loop's and the shards' two weighted scenarios (3 to 1), and an
//! open-loop experiment over them.

use std::path::Path;
use std::time::Duration;

use bedrock_bench::config::{Arrival, Experiment, Load, Scenario, parse_scenarios};

/// Nova Pro with weight 3 and Llama 3.1 70B with weight 1, four tokens
/// each.
pub const TWO_SCENARIOS: &str = r#"
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.amazon.nova-pro-v1:0", "region": "us-east-2", "weight": 3}
{"text_prompt": "Explain machine learning.", "expected_output_tokens": 4, "model_id": "us.meta.llama3-1-70b-instruct-v1:0", "region": "us-east-2"}
"#;

/// [`TWO_SCENARIOS`], loaded as if from `file`.
pub fn two_scenarios(file: &str) -> Vec<Scenario> {
    parse_scenarios(TWO_SCENARIOS, file, Path::new("."))
        .expect("scenarios load")
        .value
}

/// An open-loop experiment: `arrival` at `rate` per second, for
/// `duration` seconds and at most `max_calls` calls, each with a 10 s
/// timeout.
pub fn open(
    arrival: Arrival,
    rate: f64,
    duration: Option<f64>,
    max_calls: Option<u64>,
) -> Experiment {
    Experiment {
        call_timeout: Duration::from_secs_f64(10.0),
        max_calls,
        load: Load {
            arrival,
            rate_per_s: Some(rate),
            burstiness: None,
            duration_s: duration,
            max_concurrency: None,
            concurrency: None,
            trace: None,
        },
        ..Experiment::default()
    }
}
