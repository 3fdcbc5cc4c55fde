//! AWS region names: the shape every region has, so that a typo (`US-EAST-2`,
//! `us-east-2a`, `../../etc`) is refused where it is written instead of
//! failing every call with an SDK message.

/// Whether `name` has the shape of an AWS region name: lowercase, a
/// two-letter area, one or two words, a number, separated by `-`
/// (`us-east-1`, `eu-central-2`, `ap-southeast-7`, `us-gov-west-1`,
/// `us-isob-east-1`), at most 32 characters. Whether the region exists
/// (and offers Bedrock) is for the service to say.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let lowercase_word =
        |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    match parts.as_slice() {
        [area, words @ .., number] => {
            name.len() <= 32
                && area.len() == 2
                && lowercase_word(area)
                && (1..=2).contains(&words.len())
                && words.iter().all(lowercase_word)
                && (1..=2).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// What a region name looks like, for error messages.
pub const REGION_SHAPE: &str =
    "an AWS region name: lowercase, such as us-east-1, eu-central-2 or us-gov-west-1";

/// The region name `name` was probably meant to be, when it is not one:
/// the same in lowercase, without spaces around it.
pub fn region_suggestion(name: &str) -> Option<String> {
    let fixed = name.trim().to_ascii_lowercase();
    (fixed != name && is_region_name(&fixed)).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_have_their_shape() {
        for good in [
            "us-east-1",
            "us-east-2",
            "eu-central-2",
            "ap-southeast-7",
            "us-gov-west-1",
            "us-isob-east-1",
            "il-central-1",
            "mx-central-1",
            "ca-west-1",
        ] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in [
            "",
            "r",
            "US-EAST-2",
            "us-east-2a",
            "us-east",
            "useast-1",
            "../../etc",
            "üñí",
            "us-east-100",
            "u-east-1",
            "us--1",
            "us-east-1 ",
            "=HYPERLINK(1)",
            "us-a-b-c-1",
        ] {
            assert!(!is_region_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_near_miss_gets_a_suggestion() {
        assert_eq!(region_suggestion("US-EAST-2").as_deref(), Some("us-east-2"));
        assert_eq!(
            region_suggestion(" us-west-2 ").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(region_suggestion("us-east-2"), None);
        assert_eq!(region_suggestion("../../etc"), None);
    }
}
