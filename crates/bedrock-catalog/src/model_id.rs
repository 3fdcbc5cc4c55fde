//! Model ids, inference profile ids and ARNs: their shape, and the base
//! model id they name.

use crate::region::is_region_name;

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

/// The longest model id or inference profile id accepted (Bedrock's
/// own ids are well under it).
pub const MAX_MODEL_ID_CHARS: usize = 256;

/// The longest ARN accepted (Bedrock's `modelId` limit).
pub const MAX_ARN_CHARS: usize = 2048;

/// What a model id looks like, for error messages.
pub const MODEL_ID_SHAPE: &str = "a Bedrock model id or inference profile id (letters, digits, `.`, `-`, `_` and `:`, starting with a letter or a digit, at most 256 characters, such as us.amazon.nova-pro-v1:0), or an ARN arn:aws:bedrock:REGION:ACCOUNT:TYPE/ID";

/// The resource types of a Bedrock ARN that can be invoked.
const ARN_RESOURCE_TYPES: [&str; 6] = [
    "foundation-model",
    "inference-profile",
    "application-inference-profile",
    "provisioned-model",
    "custom-model",
    "imported-model",
];

/// Whether `id` has the shape of something Bedrock's ConverseStream takes
/// as its `modelId` ([`MODEL_ID_SHAPE`]): a model or inference profile id
/// (`amazon.nova-pro-v1:0`, `us.amazon.nova-pro-v1:0`) or a Bedrock ARN
/// (`arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0`).
/// Such an id never starts a spreadsheet formula, holds no space, slash
/// or control character outside an ARN's path, and is never empty.
pub fn is_model_id(id: &str) -> bool {
    match id.strip_prefix("arn:") {
        Some(rest) => id.len() <= MAX_ARN_CHARS && is_arn(rest),
        None => {
            id.len() <= MAX_MODEL_ID_CHARS
                && id.starts_with(|c: char| c.is_ascii_alphanumeric())
                && id.bytes().all(id_byte)
        }
    }
}

fn id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':')
}

/// `PARTITION:bedrock:REGION:ACCOUNT:TYPE/ID` (what follows `arn:`).
fn is_arn(rest: &str) -> bool {
    let mut parts = rest.splitn(5, ':');
    let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let partition_ok = partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|tail| {
            !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        });
    let account_ok =
        account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    let resource_ok = resource.split_once('/').is_some_and(|(kind, name)| {
        ARN_RESOURCE_TYPES.contains(&kind)
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.bytes().all(|b| id_byte(b) || b == b'/')
    });
    partition_ok
        && service == "bedrock"
        && (region.is_empty() || is_region_name(region))
        && account_ok
        && resource_ok
}

/// Whether `model_id` names a model through a cross-region inference
/// profile (`us.`, `global.`...; an ARN of an inference profile counts
/// too), rather than by its base id.
pub fn is_profile_id(model_id: &str) -> bool {
    if let Some(rest) = model_id.strip_prefix("arn:") {
        return rest.contains(":inference-profile/")
            || rest.contains(":application-inference-profile/");
    }
    base_model_id(model_id) != model_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_and_arns_have_their_shape() {
        for good in [
            "amazon.nova-pro-v1:0",
            "us.amazon.nova-pro-v1:0",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
            "amazon.titan-text-express-v1",
            "m1",
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
            "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0",
            "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:provisioned-model/abc123def456",
            "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3",
        ] {
            assert!(is_model_id(good), "{good}");
        }
        for bad in [
            "",
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-cmd",
            "@SUM(1)",
            " amazon.nova-pro-v1:0",
            "amazon.nova pro",
            "amazon/nova",
            "../../etc/passwd",
            "amazon.nova\u{1b}[31m",
            "üñí.model",
            "arn:aws:s3:::bucket/key",
            "arn:aws:bedrock:US-EAST-2:123456789012:inference-profile/x",
            "arn:aws:bedrock:us-east-2:12345:inference-profile/x",
            "arn:aws:bedrock:us-east-2:123456789012:bucket/x",
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/",
        ] {
            assert!(!is_model_id(bad), "{bad:?}");
        }
        assert!(!is_model_id(&"a".repeat(MAX_MODEL_ID_CHARS + 1)));
    }

    #[test]
    fn profile_ids_are_told_from_base_ids() {
        assert!(is_profile_id("us.amazon.nova-pro-v1:0"));
        assert!(is_profile_id("global.amazon.nova-pro-v1:0"));
        assert!(!is_profile_id("amazon.nova-pro-v1:0"));
        assert!(is_profile_id(
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
        ));
        assert!(!is_profile_id(
            "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0"
        ));
    }

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
