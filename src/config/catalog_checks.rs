//! A scenario's model against the built-in catalog, at load, whatever the
//! target (the emulator too), so that the first run never fails on
//! Bedrock for a reason the catalog knows:
//!
//! - a model Bedrock serves only through inference profiles, called by
//!   its base id, is an error naming the profile ids to use;
//! - a model the catalog does not know, an inference profile the catalog
//!   does not list for the model or the region, and an
//!   `expected_output_tokens` above the model's largest `maxTokens` are
//!   warnings (the catalog may be older than the service).

use bedrock_catalog::{GEO_PREFIXES, availability, is_profile_id};

use super::fields::{Fields, quote};

/// The checks of `model_id` called in `region` with `max_tokens`: errors
/// go to `fields`, warnings to `warnings`.
pub(crate) fn check(
    fields: &mut Fields<'_>,
    model_id: &str,
    region: &str,
    max_tokens: u32,
    warnings: &mut Vec<String>,
) {
    let Some(info) = bedrock_catalog::model(model_id) else {
        warnings.push(format!(
            "`model_id` {model_id} is not a model the built-in catalog knows, so nothing about it could be checked (whether it needs an inference profile, its prices, its output limit, its options); `bedrock-bench models --region {region}` lists the region's models"
        ));
        return;
    };
    if !is_profile_id(model_id) {
        if let Some(profiles) = availability::required_profiles(info, region) {
            fields.error(
                Some("model_id"),
                format!(
                    "an inference profile id: Bedrock serves {} only through inference profiles (on-demand calls by its base id are refused); call it as {}",
                    info.name,
                    profiles.join(" or ")
                ),
                quote(model_id),
            );
        }
    } else if let Some(geography) = profile_geography(model_id) {
        let offered = availability::profile_geographies(info, region);
        if !info.geographies.contains(&geography) {
            warnings.push(format!(
                "`model_id` {model_id}: the built-in catalog lists no {geography}. inference profile for {} (it lists {}); Bedrock is likely to refuse the call",
                info.name,
                listed(info.geographies)
            ));
        } else if !offered.contains(&geography) {
            warnings.push(format!(
                "`model_id` {model_id}: the built-in catalog does not offer the {geography}. profile in {region} (it offers {} there); Bedrock is likely to refuse the call",
                listed(&offered)
            ));
        }
    }
    if max_tokens > info.max_output_tokens {
        warnings.push(format!(
            "`expected_output_tokens` {max_tokens} is above the largest maxTokens the built-in catalog lists for {} ({}); Bedrock is likely to refuse the call with a ValidationException",
            info.name, info.max_output_tokens
        ));
    }
}

/// The geography prefix of an inference profile id (`us` of
/// `us.amazon.nova-pro-v1:0`), also inside an ARN.
fn profile_geography(model_id: &str) -> Option<&'static str> {
    let id = model_id.rsplit('/').next().unwrap_or(model_id);
    GEO_PREFIXES
        .iter()
        .find(|prefix| id.starts_with(**prefix))
        .map(|prefix| prefix.trim_end_matches('.'))
}

/// `us., eu. and global.` profiles, or `none`.
fn listed(geographies: &[&str]) -> String {
    if geographies.is_empty() {
        return "none".to_owned();
    }
    let names: Vec<String> = geographies.iter().map(|geo| format!("{geo}.")).collect();
    format!("{} profiles", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geographies_come_from_the_profile_prefix() {
        assert_eq!(profile_geography("us.amazon.nova-pro-v1:0"), Some("us"));
        assert_eq!(
            profile_geography("us-gov.anthropic.claude-3-haiku-20240307-v1:0"),
            Some("us-gov")
        );
        assert_eq!(
            profile_geography(
                "arn:aws:bedrock:us-east-2:123456789012:inference-profile/global.amazon.nova-2-lite-v1:0"
            ),
            Some("global")
        );
        assert_eq!(profile_geography("amazon.nova-pro-v1:0"), None);
        assert_eq!(listed(&["us", "global"]), "us., global. profiles");
    }
}
