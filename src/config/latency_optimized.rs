//! Where latency-optimized inference is offered: the Python tool's table
//! (a preview feature, so a mismatch is a warning, not an error).

use bedrock_catalog::{MODELS, model};

/// Why asking `optimized` of `model_id` in `region` will probably fail,
/// or `None` when the catalog offers the pair.
pub fn mismatch(model_id: &str, region: &str) -> Option<String> {
    match model(model_id) {
        Some(info) if info.optimized_regions.contains(&region) => None,
        Some(info) if info.offers_optimized() => Some(format!(
            "`performance_config` \"optimized\": latency-optimized {} is listed in {} only, not in {region}; Bedrock will probably answer ValidationException (the feature is in preview: check the latency-optimized inference user guide)",
            info.name,
            info.optimized_regions.join(", ")
        )),
        _ => Some(format!(
            "`performance_config` \"optimized\": {model_id} has no latency-optimized version in the known table ({}); Bedrock will probably answer ValidationException, and the built-in emulator does",
            MODELS
                .iter()
                .filter(|m| m.offers_optimized())
                .map(|m| m.name)
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
