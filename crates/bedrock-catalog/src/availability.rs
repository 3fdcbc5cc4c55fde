//! How a model is reached in a region: its provider's name, whether it is
//! invoked on demand by its base id or only through a cross-region
//! inference profile, which profiles (`us.`, `eu.`, `apac.`, `global.`) a
//! region offers, and the regions a profile routes to. The control plane
//! (ListFoundationModels, ListInferenceProfiles) of the emulator and the
//! harness's `models` command both read it.
//!
//! Like the rest of the catalog this is the crate's knowledge as of
//! November 2026 and simplified: Bedrock's real availability varies by
//! region and changes often (check the Bedrock user guide). In particular
//! every model is taken to be offered in every region, on demand where
//! [`on_demand`] says so and through the profiles of the region's
//! geography otherwise.

use crate::family::Family;
use crate::models::ModelInfo;

/// The provider's name, as ListFoundationModels spells `providerName`.
pub fn provider_name(model: &ModelInfo) -> &'static str {
    match model.family() {
        Family::AmazonNova | Family::Amazon => "Amazon",
        Family::Anthropic => "Anthropic",
        Family::Meta => "Meta",
        Family::Mistral => "Mistral AI",
        Family::DeepSeek => "DeepSeek",
        Family::Other => "Other",
    }
}

/// Models that can be invoked on demand by their base id in a region
/// (`inferenceTypesSupported` holds `ON_DEMAND`); every other model is
/// served through an inference profile only (`INFERENCE_PROFILE`), and a
/// call by its base id is refused by Bedrock ("on-demand throughput isn't
/// supported").
const ON_DEMAND: &[&str] = &[
    "amazon.nova-pro-v1:0",
    "amazon.nova-micro-v1:0",
    "amazon.nova-lite-v1:0",
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "meta.llama3-1-405b-instruct-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "meta.llama3-1-8b-instruct-v1:0",
    "mistral.mistral-large-2407-v1:0",
    "deepseek.v3-v1:0",
];

/// Whether `model` can be invoked on demand by its base id (the list
/// above); a model without inference profiles always can.
pub fn on_demand(model: &ModelInfo) -> bool {
    model.geographies.is_empty() || ON_DEMAND.contains(&model.id)
}

/// The geography of a region's own inference profiles: `us` for `us-*`,
/// `eu` for `eu-*`, `apac` for `ap-*`, `ca` for `ca-*`, `us-gov` for
/// `us-gov-*`; `None` for a region the catalog does not place.
pub fn region_geography(region: &str) -> Option<&'static str> {
    if region.starts_with("us-gov-") {
        Some("us-gov")
    } else if region.starts_with("us-") {
        Some("us")
    } else if region.starts_with("eu-") {
        Some("eu")
    } else if region.starts_with("ap-") {
        Some("apac")
    } else if region.starts_with("ca-") {
        Some("ca")
    } else {
        None
    }
}

/// The geographies of `model`'s inference profiles offered in `region`:
/// the region's own geography and `global`, where the model has them.
pub fn profile_geographies(model: &ModelInfo, region: &str) -> Vec<&'static str> {
    let own = region_geography(region);
    model
        .geographies
        .iter()
        .copied()
        .filter(|geo| Some(*geo) == own || *geo == "global")
        .collect()
}

/// The id of `model`'s inference profile of `geography`, such as
/// `us.amazon.nova-pro-v1:0`.
pub fn profile_id(geography: &str, model: &ModelInfo) -> String {
    format!("{geography}.{}", model.id)
}

/// The regions an inference profile of `geography` routes requests to,
/// with `source` (the region it is called in) first.
pub fn profile_destinations(geography: &str, source: &str) -> Vec<String> {
    let known: &[&str] = match geography {
        "us" => &["us-east-1", "us-east-2", "us-west-2"],
        "eu" => &["eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"],
        "apac" => &[
            "ap-northeast-1",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
        ],
        "global" => &[
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-west-1",
            "ap-northeast-1",
        ],
        _ => &[],
    };
    let mut regions = vec![source.to_string()];
    regions.extend(
        known
            .iter()
            .filter(|region| **region != source)
            .map(|region| region.to_string()),
    );
    regions
}

/// The model or profile id to call `model` with in `region`, as the
/// Python tool's scenarios do (`us.amazon.nova-pro-v1:0` in `us-east-2`):
/// its profile of the region's own geography, else its base id when it is
/// invoked on demand, else its `global` profile; `None` when the region
/// offers it none of these.
pub fn invocation_id(model: &ModelInfo, region: &str) -> Option<String> {
    let geographies = profile_geographies(model, region);
    if let Some(own) = geographies.iter().find(|geo| **geo != "global") {
        return Some(profile_id(own, model));
    }
    if on_demand(model) {
        return Some(model.id.to_string());
    }
    geographies.first().map(|geo| profile_id(geo, model))
}

/// The inference profile ids to call `model` with in `region` when
/// Bedrock serves it only through inference profiles (a call by its base
/// id is refused: "on-demand throughput isn't supported"): the profiles
/// of the region's own geography and `global` where the model has them,
/// else every profile the model has; `None` when the model is invoked on
/// demand by its base id.
pub fn required_profiles(model: &ModelInfo, region: &str) -> Option<Vec<String>> {
    if on_demand(model) {
        return None;
    }
    let offered = profile_geographies(model, region);
    let geographies: &[&str] = if offered.is_empty() {
        model.geographies
    } else {
        &offered
    };
    Some(
        geographies
            .iter()
            .map(|geo| profile_id(geo, model))
            .collect(),
    )
}

/// Whether latency-optimized inference is offered for `model` in
/// `region` (its `optimized_regions`, the Python tool's table).
pub fn optimized_in(model: &ModelInfo, region: &str) -> bool {
    model.optimized_regions.contains(&region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{MODELS, model};

    #[test]
    fn regions_offer_their_own_and_global_profiles() {
        let sonnet = model("anthropic.claude-sonnet-4-5-20250929-v1:0").expect("known");
        assert_eq!(profile_geographies(sonnet, "us-east-2"), ["us", "global"]);
        assert_eq!(profile_geographies(sonnet, "eu-west-1"), ["eu", "global"]);
        assert_eq!(profile_geographies(sonnet, "sa-east-1"), ["global"]);
        assert!(!on_demand(sonnet));
        assert_eq!(
            invocation_id(sonnet, "us-east-2").as_deref(),
            Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        assert_eq!(
            invocation_id(sonnet, "sa-east-1").as_deref(),
            Some("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        let premier = model("amazon.nova-premier-v1:0").expect("known");
        assert_eq!(invocation_id(premier, "eu-west-1"), None);
        let nova = model("amazon.nova-pro-v1:0").expect("known");
        assert_eq!(
            invocation_id(nova, "us-east-2").as_deref(),
            Some("us.amazon.nova-pro-v1:0")
        );
        let large = model("mistral.mistral-large-2407-v1:0").expect("known");
        assert_eq!(
            invocation_id(large, "eu-west-1").as_deref(),
            Some("mistral.mistral-large-2407-v1:0")
        );
        assert_eq!(
            profile_destinations("us", "us-east-2"),
            ["us-east-2", "us-east-1", "us-west-2"]
        );
    }

    #[test]
    fn profile_only_models_name_the_profiles_to_call_them_with() {
        let sonnet4 = model("anthropic.claude-sonnet-4-20250514-v1:0").expect("known");
        assert_eq!(
            required_profiles(sonnet4, "us-east-2"),
            Some(vec![
                "us.anthropic.claude-sonnet-4-20250514-v1:0".to_string(),
                "global.anthropic.claude-sonnet-4-20250514-v1:0".to_string()
            ])
        );
        let premier = model("amazon.nova-premier-v1:0").expect("known");
        assert_eq!(
            required_profiles(premier, "eu-west-1"),
            Some(vec!["us.amazon.nova-premier-v1:0".to_string()]),
            "no profile in the region: every profile the model has"
        );
        let nova = model("amazon.nova-pro-v1:0").expect("known");
        assert_eq!(required_profiles(nova, "us-east-2"), None);
    }

    #[test]
    fn every_model_has_a_provider_and_on_demand_ids_are_known() {
        for m in MODELS {
            assert_ne!(provider_name(m), "Other", "{}", m.id);
        }
        for id in ON_DEMAND {
            assert!(model(id).is_some(), "{id}");
        }
    }
}
