//! A record's fields as the file has them, for every format at once:
//! borrowed from the record's bytes, each field lenient (see
//! [`json_shape`](super::json_shape)) so that the checks can say what was
//! found. Unknown keys are skipped.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::json_shape::{
    FieldSet, FromKind, Id, JsonKind, List, Object, Text, seq_items, store_once, unexpected_kinds,
};

/// How many unknown top-level keys a record keeps, to name them when the
/// record has none of the known ones.
const KEPT_UNKNOWN_KEYS: usize = 4;

/// A record's top-level fields.
#[derive(Debug, Default)]
pub(crate) struct RawRecord<'a> {
    /// `id`.
    pub id: Option<Id<'a>>,
    /// `prompt`.
    pub prompt: Option<Text<'a>>,
    /// `text`, the alias of `prompt`.
    pub text: Option<Text<'a>>,
    /// `system`.
    pub system: Option<TextOrParts<'a>>,
    /// `messages` (Converse, OpenAI chat).
    pub messages: Option<List<Object<RawMessage<'a>>>>,
    /// `conversations` (ShareGPT).
    pub conversations: Option<List<Object<RawShareGptTurn<'a>>>>,
    /// The first few other keys, in file order.
    pub unknown_keys: Vec<Cow<'a, str>>,
    /// Whether there are more other keys than [`unknown_keys`](Self::unknown_keys) keeps.
    pub more_unknown_keys: bool,
}

impl<'de> FieldSet<'de> for RawRecord<'de> {
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match &*key {
            "id" => store_once(&mut self.id, map.next_value()?, "id"),
            "prompt" => store_once(&mut self.prompt, map.next_value()?, "prompt"),
            "text" => store_once(&mut self.text, map.next_value()?, "text"),
            "system" => store_once(&mut self.system, map.next_value()?, "system"),
            "messages" => store_once(&mut self.messages, map.next_value()?, "messages"),
            "conversations" => {
                store_once(&mut self.conversations, map.next_value()?, "conversations")
            }
            _ => {
                map.next_value::<IgnoredAny>()?;
                if self.unknown_keys.len() < KEPT_UNKNOWN_KEYS {
                    self.unknown_keys.push(key);
                } else {
                    self.more_unknown_keys = true;
                }
                Ok(())
            }
        }
    }
}

/// One message of `messages` (Converse or OpenAI chat).
#[derive(Debug, Default)]
pub(crate) struct RawMessage<'a> {
    /// `role`.
    pub role: Option<Text<'a>>,
    /// `content`.
    pub content: Option<TextOrParts<'a>>,
}

impl<'de> FieldSet<'de> for RawMessage<'de> {
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match &*key {
            "role" => store_once(&mut self.role, map.next_value()?, "role"),
            "content" => store_once(&mut self.content, map.next_value()?, "content"),
            _ => map.next_value::<IgnoredAny>().map(|_| ()),
        }
    }
}

/// One turn of `conversations` (ShareGPT).
#[derive(Debug, Default)]
pub(crate) struct RawShareGptTurn<'a> {
    /// `from`.
    pub from: Option<Text<'a>>,
    /// `value`.
    pub value: Option<Text<'a>>,
}

impl<'de> FieldSet<'de> for RawShareGptTurn<'de> {
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match &*key {
            "from" => store_once(&mut self.from, map.next_value()?, "from"),
            "value" => store_once(&mut self.value, map.next_value()?, "value"),
            _ => map.next_value::<IgnoredAny>().map(|_| ()),
        }
    }
}

/// One part of a content array: a Converse content block (`{"text"}`,
/// `{"image": ...}`) or an OpenAI part (`{"type": "text", "text"}`).
#[derive(Debug, Default)]
pub(crate) struct RawPart<'a> {
    /// `type` (OpenAI parts).
    pub kind: Option<Text<'a>>,
    /// `text`.
    pub text: Option<Text<'a>>,
    /// The first key other than `type` and `text` (a Converse block's
    /// kind, such as `image`).
    pub other_key: Option<Cow<'a, str>>,
}

impl<'de> FieldSet<'de> for RawPart<'de> {
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match &*key {
            "type" => store_once(&mut self.kind, map.next_value()?, "type"),
            "text" => store_once(&mut self.text, map.next_value()?, "text"),
            _ => {
                map.next_value::<IgnoredAny>()?;
                if self.other_key.is_none() {
                    self.other_key = Some(key);
                }
                Ok(())
            }
        }
    }
}

/// A value that is a string or an array of parts: a message's `content`,
/// a record's `system`.
#[derive(Debug)]
pub(crate) enum TextOrParts<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// An array of parts.
    Parts(Vec<Object<RawPart<'a>>>),
    /// Something else.
    Other(JsonKind),
}

impl<'de> Deserialize<'de> for TextOrParts<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextOrPartsVisitor)
    }
}

/// Reads a [`TextOrParts`].
struct TextOrPartsVisitor;

impl<'de> Visitor<'de> for TextOrPartsVisitor {
    type Value = TextOrParts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(TextOrParts::Str(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(TextOrParts::Str(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(TextOrParts::Str(Cow::Owned(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        seq_items(seq).map(TextOrParts::Parts)
    }

    unexpected_kinds!(scalars);
    unexpected_kinds!(object);
}

impl FromKind for TextOrParts<'_> {
    fn from_kind(kind: JsonKind) -> Self {
        TextOrParts::Other(kind)
    }
}
