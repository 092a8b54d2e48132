//! Collects every numeric leaf of a serializable value with its dotted path, keeping NaN and
//! infinities (which `serde_json` would turn into null), so that validation sees what the model
//! would see.

use serde::ser::{self, Impossible, Serialize, SerializeStruct};
use std::fmt;

/// Numeric leaves of `value`: (dotted path, `None` for an absent optional, `Some(x)` otherwise).
pub fn numeric_fields<T: Serialize>(value: &T) -> Vec<(String, Option<f64>)> {
    let mut out = Vec::new();
    // Only structs, numbers, options, bools, strings and unit enum variants occur in a scenario;
    // anything else is skipped rather than reported.
    let _ = value.serialize(Leaves { path: String::new(), out: &mut out });
    out
}

#[derive(Debug)]
struct Skip;
impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unsupported")
    }
}
impl std::error::Error for Skip {}
impl ser::Error for Skip {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Skip
    }
}

struct Leaves<'a> {
    path: String,
    out: &'a mut Vec<(String, Option<f64>)>,
}

impl Leaves<'_> {
    fn num(self, x: f64) -> Result<(), Skip> {
        self.out.push((self.path, Some(x)));
        Ok(())
    }
}

macro_rules! as_f64 {
    ($($name:ident: $t:ty),*) => {$(
        fn $name(self, v: $t) -> Result<(), Skip> { self.num(v as f64) }
    )*};
}

impl<'a> ser::Serializer for Leaves<'a> {
    type Ok = ();
    type Error = Skip;
    type SerializeSeq = Impossible<(), Skip>;
    type SerializeTuple = Impossible<(), Skip>;
    type SerializeTupleStruct = Impossible<(), Skip>;
    type SerializeTupleVariant = Impossible<(), Skip>;
    type SerializeMap = Impossible<(), Skip>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Impossible<(), Skip>;

    as_f64!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
            serialize_f32: f32, serialize_f64: f64);

    fn serialize_bool(self, _: bool) -> Result<(), Skip> { Ok(()) }
    fn serialize_char(self, _: char) -> Result<(), Skip> { Ok(()) }
    fn serialize_str(self, _: &str) -> Result<(), Skip> { Ok(()) }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Skip> { Ok(()) }
    fn serialize_none(self) -> Result<(), Skip> {
        self.out.push((self.path, None));
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Skip> { v.serialize(self) }
    fn serialize_unit(self) -> Result<(), Skip> { Ok(()) }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Skip> { Ok(()) }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Skip> { Ok(()) }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<(), Skip> { v.serialize(self) }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), Skip> { Err(Skip) }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Skip> { Err(Skip) }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Skip> { Err(Skip) }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Skip> { Err(Skip) }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Skip> { Err(Skip) }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Skip> { Err(Skip) }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a>, Skip> {
        Ok(Fields { prefix: self.path, out: self.out })
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Skip> { Err(Skip) }
}

struct Fields<'a> {
    prefix: String,
    out: &'a mut Vec<(String, Option<f64>)>,
}

impl SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Skip;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result<(), Skip> {
        let path = if self.prefix.is_empty() { key.to_string() } else { format!("{}.{key}", self.prefix) };
        // A field that is not a plain leaf is skipped, not fatal to its siblings.
        let _ = v.serialize(Leaves { path, out: self.out });
        Ok(())
    }
    fn end(self) -> Result<(), Skip> { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn keeps_nan_and_none_apart() {
        let mut s = Scenario::default();
        s.market.beta_frontier = f64::NAN;
        let f = numeric_fields(&s);
        let beta = f.iter().find(|(p, _)| p == "market.beta_frontier").unwrap();
        assert!(beta.1.unwrap().is_nan());
        let cover = f.iter().find(|(p, _)| p == "regime.cover_cost").unwrap();
        assert_eq!(cover.1, None);
        assert!(f.iter().any(|(p, _)| p == "firms.startup.count"));
    }
}
