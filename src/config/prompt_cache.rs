//! `prompt_cache`: where a scenario's requests put a `cachePoint`, with
//! which time to live, and an optional shared prefix of synthetic tokens
//! long enough for caching to engage.
//!
//! ```json
//! "prompt_cache": {"at": "system", "ttl": "5m", "shared_prefix_tokens": 2048}
//! ```
//!
//! - `at`: `system` (after the system blocks, the default), `messages`
//!   (after the shared prefix in the user message, or after the whole user
//!   message when there is no prefix) or `tools` (after the tool
//!   definitions; needs `tool_config`);
//! - `ttl`: `5m` or `1h`; absent, none is sent (Bedrock's default is 5m);
//! - `shared_prefix_tokens`: a deterministic filler text of that many
//!   tokens put before the cache point (in the system prompt for `system`,
//!   at the start of the user message for `messages`). Every call of every
//!   scenario with the same count sends the same text, so the first call
//!   writes the cache and later calls read it;
//! - `fresh`: `true` makes every call's prefix new (a unique marker before
//!   the shared text), so that every call writes the cache: a scenario of
//!   cache writes to compare with one of reads. Default `false`;
//! - `prefix_groups`: G groups of users, each with a prefix of its own
//!   (the shared text after a marker naming the group, `[group 3]`), the
//!   calls spread over them in turn (call `n` to group `n mod G`): the
//!   cache holds G prefixes, as a service whose tenants each have their
//!   own system prompt. Default 1; needs `shared_prefix_tokens`.

use serde_json::{Map, Value};

use super::fields::{describe_found, did_you_mean, quote};

/// The largest accepted `shared_prefix_tokens` (like
/// `synthetic_input_tokens`, bounded so that absurd values are refused at
/// load time instead of exhausting memory later).
pub const MAX_SHARED_PREFIX_TOKENS: u32 = 10_000_000;

/// The keys `prompt_cache` may have.
const KEYS: &[&str] = &[
    "at",
    "ttl",
    "shared_prefix_tokens",
    "fresh",
    "prefix_groups",
];

/// The most prefix groups.
pub const MAX_PREFIX_GROUPS: u32 = 100_000;

/// Where the cache point goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CachePlacement {
    /// After the system blocks.
    System,
    /// In the user message, after the shared prefix (or after the text).
    Messages,
    /// After the tool definitions.
    Tools,
}

impl CachePlacement {
    /// The config's and the reports' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CachePlacement::System => "system",
            CachePlacement::Messages => "messages",
            CachePlacement::Tools => "tools",
        }
    }
}

pub use bedrock_catalog::CacheTtl;

/// A scenario's prompt-cache setting, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptCache {
    /// Where the cache point goes.
    pub at: CachePlacement,
    /// The cache point's time to live; `None` sends none.
    pub ttl: Option<CacheTtl>,
    /// Tokens of the shared synthetic prefix (0: none).
    pub shared_prefix_tokens: u32,
    /// The shared prefix itself (empty when `shared_prefix_tokens` is 0).
    pub prefix: String,
    /// Every call gets a prefix of its own (so every call writes).
    pub fresh: bool,
    /// Prefix groups: call `n` sends group `n mod groups`'s prefix (1: one
    /// shared prefix).
    pub groups: u32,
}

impl PromptCache {
    /// How reports name the setting: `system`, `messages/1h`,
    /// `system/fresh`...
    pub fn label(&self) -> String {
        let mut label = self.at.as_str().to_owned();
        if let Some(ttl) = self.ttl {
            label.push('/');
            label.push_str(ttl.as_str());
        }
        if self.fresh {
            label.push_str("/fresh");
        }
        if self.groups > 1 {
            label.push_str(&format!("/groups{}", self.groups));
        }
        label
    }
}

/// Parse the value of `prompt_cache`; errors are `(field, expected,
/// found)` with the field as a dotted path.
pub(crate) fn parse(value: &Value) -> Result<PromptCache, Vec<(String, String, String)>> {
    let field = |key: &str| format!("prompt_cache.{key}");
    let Value::Object(map) = value else {
        return Err(vec![(
            "prompt_cache".into(),
            "an object with `at`, `ttl` and `shared_prefix_tokens`".into(),
            describe_found(value),
        )]);
    };
    let mut errors = Vec::new();
    for key in map.keys().filter(|key| !KEYS.contains(&key.as_str())) {
        let expected = match did_you_mean(key, KEYS) {
            Some(suggestion) => format!("a known key (did you mean `{suggestion}`?)"),
            None => {
                "a known key: `at`, `ttl`, `shared_prefix_tokens`, `fresh`, `prefix_groups`".into()
            }
        };
        errors.push((field(key), expected, "an unknown key".into()));
    }
    let at = match choice(
        map,
        "prompt_cache",
        "at",
        &["system", "messages", "tools"],
        &mut errors,
    ) {
        Some("messages") => CachePlacement::Messages,
        Some("tools") => CachePlacement::Tools,
        _ => CachePlacement::System,
    };
    let ttl_names = CacheTtl::ALL.map(CacheTtl::as_str);
    let ttl =
        choice(map, "prompt_cache", "ttl", &ttl_names, &mut errors).and_then(CacheTtl::from_name);
    let fresh = match map.get("fresh") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(other) => {
            errors.push((
                field("fresh"),
                "true or false".into(),
                describe_found(other),
            ));
            false
        }
    };
    let shared_prefix_tokens = match map.get("shared_prefix_tokens") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(number)) => match number.as_u64() {
            Some(tokens) if tokens <= u64::from(MAX_SHARED_PREFIX_TOKENS) => tokens as u32,
            _ => {
                errors.push((
                    field("shared_prefix_tokens"),
                    format!("a non-negative integer no larger than {MAX_SHARED_PREFIX_TOKENS}"),
                    number.to_string(),
                ));
                0
            }
        },
        Some(other) => {
            errors.push((
                field("shared_prefix_tokens"),
                "a non-negative integer".into(),
                describe_found(other),
            ));
            0
        }
    };
    let groups = match map.get("prefix_groups") {
        None | Some(Value::Null) => 1,
        Some(value) => match value
            .as_u64()
            .filter(|g| (1..=u64::from(MAX_PREFIX_GROUPS)).contains(g))
        {
            Some(_) if shared_prefix_tokens == 0 || fresh => {
                errors.push((
                    field("prefix_groups"),
                    "a `shared_prefix_tokens` to give each group (and no `fresh`: a fresh prefix is every call's own)".into(),
                    describe_found(value),
                ));
                1
            }
            Some(groups) => groups as u32,
            None => {
                errors.push((
                    field("prefix_groups"),
                    format!("a whole number of groups from 1 to {MAX_PREFIX_GROUPS}"),
                    describe_found(value),
                ));
                1
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let prefix = if shared_prefix_tokens == 0 {
        String::new()
    } else {
        bedrock_catalog::tokens::synthetic_prompt(shared_prefix_tokens)
    };
    Ok(PromptCache {
        at,
        ttl,
        shared_prefix_tokens,
        prefix,
        fresh,
        groups,
    })
}

/// Group `group`'s prefix: a marker naming it, then the shared text (the
/// same tokens as the shared text plus the marker's).
pub fn group_prefix(prefix: &str, group: u32) -> String {
    format!("[group {group}] {prefix}")
}

/// A string member of `map` that must be one of `options`.
/// `map[key]` as one of `options` (absent or null: `None`); an error
/// names the field as `{object}.{key}`.
pub(super) fn choice<'o>(
    map: &Map<String, Value>,
    object: &str,
    key: &str,
    options: &[&'o str],
    errors: &mut Vec<(String, String, String)>,
) -> Option<&'o str> {
    let value = map.get(key).filter(|value| !value.is_null())?;
    let listed = options
        .iter()
        .map(|option| format!("\"{option}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    match value {
        Value::String(text) => {
            if let Some(option) = options.iter().find(|option| *option == text) {
                return Some(option);
            }
            let expected = match did_you_mean(text, options) {
                Some(suggestion) => format!("{listed} (did you mean \"{suggestion}\"?)"),
                None => listed,
            };
            errors.push((format!("{object}.{key}"), expected, quote(text)));
            None
        }
        other => {
            errors.push((format!("{object}.{key}"), listed, describe_found(other)));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_every_field() {
        let cache = parse(&json!({})).expect("empty is valid");
        assert_eq!(cache.at, CachePlacement::System);
        assert_eq!((cache.ttl, cache.shared_prefix_tokens), (None, 0));
        assert!(cache.prefix.is_empty());
        let cache = parse(&json!({"at": "messages", "ttl": "1h", "shared_prefix_tokens": 1200}))
            .expect("valid");
        assert_eq!(cache.label(), "messages/1h");
        let fresh = parse(&json!({"fresh": true, "shared_prefix_tokens": 10})).expect("valid");
        assert_eq!(fresh.label(), "system/fresh");
        assert!(parse(&json!({"fresh": "yes"})).is_err());
        assert_eq!(
            bedrock_catalog::tokens::estimate_tokens(&cache.prefix),
            1200
        );
    }

    #[test]
    fn every_bad_member_is_named() {
        let errors =
            parse(&json!({"at": "sytem", "ttl": "10m", "shared_prefix_tokens": -1, "tll": 1}))
                .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(field, _, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "prompt_cache.tll",
                "prompt_cache.at",
                "prompt_cache.ttl",
                "prompt_cache.shared_prefix_tokens"
            ]
        );
        assert!(
            errors[0].1.contains("did you mean `ttl`"),
            "{:?}",
            errors[0]
        );
        assert!(
            errors[1].1.contains("did you mean \"system\""),
            "{:?}",
            errors[1]
        );
        assert!(parse(&json!("system")).is_err());
    }
}
