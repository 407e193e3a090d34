//! Serde helpers shared by both vendors' models.

/// Declares a response enum that keeps values it does not know as
/// `Unknown(String)`, since vendors add values over time.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(s) => s.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }

        #[cfg(feature = "js")]
        const _: () = {
            #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TS: &'static str = concat!(
                "export type ", stringify!($name), " = ",
                $("\"", $wire, "\" | ",)+
                "(string & {});"
            );
        };
    };
}

pub(crate) use open_enum;

/// Declares a tolerant response struct: camelCase, anything missing is
/// absent, every field optional and left out of the JSON when absent.
macro_rules! response_struct {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        #[cfg_attr(feature = "js", derive(tsify::Tsify))]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                #[cfg_attr(feature = "js", tsify(optional))]
                pub $field: Option<$ty>,
            )+
        }
    };
}

pub(crate) use response_struct;

/// Reads a string where `""` means absent (Genesys sends `""` for dimensions
/// that are not part of the grouping).
pub(crate) fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(s.filter(|s| !s.is_empty()))
}

/// A value as JSON through its text. The crate serializes to text only, so
/// going through it here keeps a second copy of every `Serialize` impl (the
/// one for `serde_json::Value`) out of the wasm builds.
pub(crate) fn json_value<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<serde_json::Value> {
    serde_json::from_str(&serde_json::to_string(value)?)
}

/// Reads an array where `null` means empty.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let v: Option<Vec<T>> = serde::Deserialize::deserialize(d)?;
    Ok(v.unwrap_or_default())
}

/// Skips `None` and empty lists when serializing request bodies: for the
/// vendors, "omitted" means "all".
pub(crate) fn none_or_empty<T>(v: &Option<Vec<T>>) -> bool {
    v.as_ref().is_none_or(|v| v.is_empty())
}

/// A row kept as the vendor's JSON text (see `genesys::pages`).
pub type RawRow = Box<serde_json::value::RawValue>;

/// Refuses raw rows that are not JSON objects, as every documented row is.
pub(crate) fn objects_only(rows: &[RawRow], what: &str) -> Result<(), String> {
    match rows
        .iter()
        .position(|r| !r.get().trim_start().starts_with('{'))
    {
        None => Ok(()),
        Some(i) => Err(format!("{what}[{i}] is not an object")),
    }
}
