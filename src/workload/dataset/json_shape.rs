//! Lenient typed JSON values: a field expected to be a string, a list or
//! an object parses as that, or as the [`JsonKind`] it turned out to be,
//! so that a record of the wrong shape becomes an error naming the field
//! and what was found, instead of serde's first complaint.
//!
//! Strings borrow from the record's bytes when they hold no escapes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What a JSON value is, for the "found ..." part of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl fmt::Display for JsonKind {
    /// `a string`, `a number`, `a boolean`, `null`, `an array`, `an object`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::String => "a string",
            JsonKind::Number => "a number",
            JsonKind::Boolean => "a boolean",
            JsonKind::Null => "null",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        })
    }
}

/// A lenient value: built from the kind of an unexpected JSON value.
pub(crate) trait FromKind {
    /// The value standing for an unexpected JSON value of `kind`.
    fn from_kind(kind: JsonKind) -> Self;
}

/// Visitor methods that answer `Value::from_kind(...)` for the kinds a
/// visitor does not expect: `scalars` (booleans, numbers, null),
/// `string`, `array`, `object`.
macro_rules! unexpected_kinds {
    (scalars) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::Boolean))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::Number))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::Number))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::Number))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::Null))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::Null))
        }
    };
    (string) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(FromKind::from_kind(JsonKind::String))
        }
    };
    (array) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(FromKind::from_kind(JsonKind::Array))
        }
    };
    (object) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(FromKind::from_kind(JsonKind::Object))
        }
    };
}
pub(crate) use unexpected_kinds;

/// Every element of `seq`, in order.
pub(crate) fn seq_items<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(
    mut seq: A,
) -> Result<Vec<T>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
    while let Some(item) = seq.next_element()? {
        items.push(item);
    }
    Ok(items)
}

/// A value expected to be a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Text<'a> {
    /// It is one.
    Str(Cow<'a, str>),
    /// It is something else.
    Other(JsonKind),
}

impl FromKind for Text<'_> {
    fn from_kind(kind: JsonKind) -> Self {
        Text::Other(kind)
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

/// Reads a [`Text`].
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(text)))
    }

    unexpected_kinds!(scalars);
    unexpected_kinds!(array);
    unexpected_kinds!(object);
}

/// A value expected to be an identifier: a string, or an integer read as
/// its decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Id<'a>(pub Text<'a>);

impl FromKind for Id<'_> {
    fn from_kind(kind: JsonKind) -> Self {
        Id(Text::Other(kind))
    }
}

impl<'de> Deserialize<'de> for Id<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Reads an [`Id`].
struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = Id<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Id<'de>, E> {
        Ok(Id(Text::Str(Cow::Borrowed(text))))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Id<'de>, E> {
        Ok(Id(Text::Str(Cow::Owned(text.to_owned()))))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Id<'de>, E> {
        Ok(Id(Text::Str(Cow::Owned(number.to_string()))))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Id<'de>, E> {
        Ok(Id(Text::Str(Cow::Owned(number.to_string()))))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Id<'de>, E> {
        Ok(Id(Text::Other(JsonKind::Number)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Id<'de>, E> {
        Ok(Id(Text::Other(JsonKind::Boolean)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Id<'de>, E> {
        Ok(Id(Text::Other(JsonKind::Null)))
    }

    unexpected_kinds!(array);
    unexpected_kinds!(object);
}

/// A value expected to be an array of `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum List<T> {
    /// It is one.
    Items(Vec<T>),
    /// It is something else.
    Other(JsonKind),
}

impl<T> FromKind for List<T> {
    fn from_kind(kind: JsonKind) -> Self {
        List::Other(kind)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

/// Reads a [`List`].
struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<List<T>, A::Error> {
        seq_items(seq).map(List::Items)
    }

    unexpected_kinds!(scalars);
    unexpected_kinds!(string);
    unexpected_kinds!(object);
}

/// The fields of a JSON object that a record type reads; others are
/// skipped by its [`read_field`](Self::read_field).
pub(crate) trait FieldSet<'de>: Default {
    /// Read the value of `key` from `map` into `self`, or skip it. A key
    /// read twice is an error ([`duplicate`]).
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Store `value` in `slot`, refusing a key given twice (serde_json would
/// otherwise keep the last one silently).
pub(crate) fn store_once<T, E: de::Error>(
    slot: &mut Option<T>,
    value: T,
    key: &'static str,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(key));
    }
    *slot = Some(value);
    Ok(())
}

/// A value expected to be an object with the fields of `T`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Object<T> {
    /// It is one.
    Fields(T),
    /// It is something else.
    Other(JsonKind),
}

impl<T> FromKind for Object<T> {
    fn from_kind(kind: JsonKind) -> Self {
        Object::Other(kind)
    }
}

impl<'de, T: FieldSet<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// Reads an [`Object`].
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FieldSet<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = Object<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<T>, A::Error> {
        let mut fields = T::default();
        while let Some(Key(key)) = map.next_key()? {
            fields.read_field(key, &mut map)?;
        }
        Ok(Object::Fields(fields))
    }

    unexpected_kinds!(scalars);
    unexpected_kinds!(string);
    unexpected_kinds!(array);
}

/// An object's key, borrowed when it holds no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a [`Key`].
struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}
