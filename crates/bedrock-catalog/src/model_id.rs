//! Model ids, inference profile ids and ARNs, reduced to a base model id.

/// The geography prefixes of cross-region inference profiles.
pub const GEO_PREFIXES: [&str; 8] = [
    "us.", "eu.", "apac.", "global.", "us-gov.", "ca.", "jp.", "au.",
];

/// The base model id of a model id, inference profile id or ARN: an ARN is
/// reduced to its last path segment, and a geography prefix is removed, so
/// that `us.amazon.nova-pro-v1:0`, `amazon.nova-pro-v1:0` and
/// `arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0`
/// are all `amazon.nova-pro-v1:0`.
pub fn base_model_id(model_id: &str) -> &str {
    let id = if model_id.starts_with("arn:") {
        model_id.rsplit('/').next().unwrap_or(model_id)
    } else {
        model_id
    };
    for prefix in GEO_PREFIXES {
        if let Some(rest) = id.strip_prefix(prefix)
            && rest.contains('.')
        {
            return rest;
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_and_arns_reduce_to_the_base_id() {
        for id in [
            "amazon.nova-pro-v1:0",
            "us.amazon.nova-pro-v1:0",
            "global.amazon.nova-pro-v1:0",
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
            "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0",
        ] {
            assert_eq!(base_model_id(id), "amazon.nova-pro-v1:0", "{id}");
        }
        // A prefix is removed only when a `provider.model` id remains.
        assert_eq!(base_model_id("us.x"), "us.x");
        assert_eq!(base_model_id("us"), "us");
    }
}
