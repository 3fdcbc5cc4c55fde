//! Where latency-optimized inference is offered: the Python tool's table
//! (a preview feature, so a mismatch is a warning, not an error).

use crate::emulator::profile_set::base_model_id;

/// Base model ids (no geography prefix) and the regions whose inference
/// profiles offer `optimized`.
pub const LATENCY_OPTIMIZED: &[(&str, &str, &[&str])] = &[
    (
        "Nova Pro",
        "amazon.nova-pro-v1:0",
        &["us-east-1", "us-east-2"],
    ),
    (
        "Claude 3.5 Haiku",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        &["us-east-2", "us-west-2"],
    ),
    (
        "Llama 3.1 405B Instruct",
        "meta.llama3-1-405b-instruct-v1:0",
        &["us-east-2"],
    ),
    (
        "Llama 3.1 70B Instruct",
        "meta.llama3-1-70b-instruct-v1:0",
        &["us-east-2", "us-west-2"],
    ),
];

/// Why asking `optimized` of `model_id` in `region` will probably fail,
/// or `None` when the table lists the pair.
pub fn mismatch(model_id: &str, region: &str) -> Option<String> {
    let base = base_model_id(model_id);
    match LATENCY_OPTIMIZED.iter().find(|(_, id, _)| *id == base) {
        Some((_, _, regions)) if regions.contains(&region) => None,
        Some((name, _, regions)) => Some(format!(
            "`performance_config` \"optimized\": latency-optimized {name} is listed in {} only, not in {region}; Bedrock will probably answer ValidationException (the feature is in preview: check the latency-optimized inference user guide)",
            regions.join(", ")
        )),
        None => Some(format!(
            "`performance_config` \"optimized\": {model_id} has no latency-optimized version in the known table ({}); Bedrock will probably answer ValidationException, and the built-in emulator does",
            LATENCY_OPTIMIZED
                .iter()
                .map(|(name, _, _)| *name)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_decides() {
        assert_eq!(mismatch("us.amazon.nova-pro-v1:0", "us-east-2"), None);
        assert_eq!(
            mismatch("us.meta.llama3-1-70b-instruct-v1:0", "us-west-2"),
            None
        );
        let wrong_region = mismatch("us.meta.llama3-1-405b-instruct-v1:0", "us-west-2")
            .expect("405B is us-east-2 only");
        assert!(
            wrong_region.contains("listed in us-east-2 only, not in us-west-2"),
            "{wrong_region}"
        );
        let no_such =
            mismatch("us.amazon.nova-lite-v1:0", "us-east-2").expect("no optimized Nova Lite");
        assert!(
            no_such.contains("us.amazon.nova-lite-v1:0 has no latency-optimized version"),
            "{no_such}"
        );
    }
}
