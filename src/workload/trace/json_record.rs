//! One JSON Lines record of a trace, as read: the values of the keys the
//! Mooncake and plain formats know, kept as JSON so that a wrong value can
//! be shown as found; other keys only by name. Nothing else of the line
//! is kept.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The most unknown key names kept per line (for messages).
const MAX_UNKNOWN_KEYS_KEPT: usize = 8;

/// The keys the formats know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    /// Mooncake's `timestamp` (milliseconds).
    Timestamp,
    /// Mooncake's `input_length`.
    InputLength,
    /// Mooncake's `output_length`.
    OutputLength,
    /// The plain `arrival_s` (seconds).
    ArrivalS,
    /// The plain `input_tokens`.
    InputTokens,
    /// The plain `output_tokens`.
    OutputTokens,
    /// The plain `session_id`.
    SessionId,
    /// `hash_ids`, in both formats.
    HashIds,
}

impl Key {
    /// Every key, in the order messages list them.
    pub(super) const ALL: [Key; 8] = [
        Key::Timestamp,
        Key::InputLength,
        Key::OutputLength,
        Key::ArrivalS,
        Key::InputTokens,
        Key::OutputTokens,
        Key::SessionId,
        Key::HashIds,
    ];

    /// The key as the file spells it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Key::Timestamp => "timestamp",
            Key::InputLength => "input_length",
            Key::OutputLength => "output_length",
            Key::ArrivalS => "arrival_s",
            Key::InputTokens => "input_tokens",
            Key::OutputTokens => "output_tokens",
            Key::SessionId => "session_id",
            Key::HashIds => "hash_ids",
        }
    }

    /// The key spelled `name`, if the formats know it.
    fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }
}

/// Hash ids as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HashIds {
    /// An array of whole numbers.
    Ids(Vec<u64>),
    /// Something else, in words.
    Invalid(String),
}

/// One record's known keys and the names of the others.
#[derive(Debug, Default)]
pub(super) struct JsonRecord {
    /// The value of each known key (`null` counts as absent), in
    /// [`Key::ALL`] order; hash ids apart.
    values: [Option<Value>; 7],
    /// The hash ids, if given and not `null`.
    pub hash_ids: Option<HashIds>,
    /// The first few keys the formats do not know.
    pub unknown_keys: Vec<String>,
    /// A known key given more than once.
    pub repeated_key: Option<Key>,
}

impl JsonRecord {
    /// Whether `key` has a value (not `null`).
    pub(super) fn has(&self, key: Key) -> bool {
        match key {
            Key::HashIds => self.hash_ids.is_some(),
            other => self.values[other as usize].is_some(),
        }
    }

    /// The value of `key`, taken out (`None`: absent or `null`; always
    /// `None` for hash ids, which are in [`JsonRecord::hash_ids`]).
    pub(super) fn take(&mut self, key: Key) -> Option<Value> {
        match key {
            Key::HashIds => None,
            other => self.values[other as usize].take(),
        }
    }

    /// Every key of the line, known ones first, in words: `` `a`, `b` ``.
    pub(super) fn keys_listed(&self) -> String {
        let known = Key::ALL
            .into_iter()
            .filter(|key| self.has(*key))
            .map(|key| format!("`{}`", key.name()));
        let unknown = self.unknown_keys.iter().map(|name| format!("`{name}`"));
        let names: Vec<String> = known.chain(unknown).collect();
        if names.is_empty() {
            "no key".to_owned()
        } else {
            format!("keys {}", names.join(", "))
        }
    }
}

impl<'de> Deserialize<'de> for JsonRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RecordVisitor)
    }
}

/// Reads a record from a JSON object.
struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = JsonRecord;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonRecord, A::Error> {
        let mut record = JsonRecord::default();
        while let Some(key) = map.next_key::<KeyName>()? {
            match key {
                KeyName::Known(Key::HashIds) => {
                    let ids = map.next_value::<Option<HashIds>>()?;
                    if record.hash_ids.is_some() {
                        record.repeated_key = Some(Key::HashIds);
                    }
                    record.hash_ids = ids;
                }
                KeyName::Known(known) => {
                    let value = map.next_value::<Value>()?;
                    let slot = &mut record.values[known as usize];
                    if slot.is_some() {
                        record.repeated_key = Some(known);
                    }
                    *slot = (!value.is_null()).then_some(value);
                }
                KeyName::Other(name) => {
                    map.next_value::<IgnoredAny>()?;
                    if record.unknown_keys.len() < MAX_UNKNOWN_KEYS_KEPT {
                        record.unknown_keys.push(name);
                    }
                }
            }
        }
        Ok(record)
    }
}

/// A key as read: known, or its name.
enum KeyName {
    /// A key the formats know.
    Known(Key),
    /// Another key.
    Other(String),
}

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyNameVisitor)
    }
}

/// Reads a key.
struct KeyNameVisitor;

impl Visitor<'_> for KeyNameVisitor {
    type Value = KeyName;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<KeyName, E> {
        Ok(match Key::from_name(name) {
            Some(key) => KeyName::Known(key),
            None => KeyName::Other(name.to_owned()),
        })
    }
}

impl<'de> Deserialize<'de> for HashIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(HashIdsVisitor)
    }
}

/// Reads hash ids, or what stands in their place.
struct HashIdsVisitor;

impl<'de> Visitor<'de> for HashIdsVisitor {
    type Value = HashIds;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array of hash ids")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HashIds, A::Error> {
        let mut ids = Vec::new();
        while let Some(element) = seq.next_element::<Value>()? {
            if let Some(id) = element.as_u64() {
                ids.push(id);
                continue;
            }
            let found = format!(
                "element {} {}",
                ids.len(),
                super::values::describe_json(&element)
            );
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(HashIds::Invalid(found));
        }
        ids.shrink_to_fit();
        Ok(HashIds::Ids(ids))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HashIds, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(HashIds::Invalid("an object".to_owned()))
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<HashIds, E> {
        Ok(HashIds::Invalid(format!("boolean {flag}")))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<HashIds, E> {
        Ok(HashIds::Invalid(format!("number {number}")))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<HashIds, E> {
        Ok(HashIds::Invalid(format!("number {number}")))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<HashIds, E> {
        Ok(HashIds::Invalid(format!("number {number}")))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<HashIds, E> {
        Ok(HashIds::Invalid(format!(
            "string {}",
            super::values::shorten(&Value::from(text).to_string())
        )))
    }
}
