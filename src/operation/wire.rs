//! The JSON form of operations, as plans have always written it: one flat object per call,
//! `{"op": "AttachUserPolicy", "user": "mary", "policy_arn": "arn:…"}` — the name of the IAM
//! call (or of a variant of one, `UpdateUserPath`), the entity it acts on, then its parameters.
//!
//! Families with one variant per call derive their serde form (`#[serde(tag = "op")]`); the
//! families written once for several kinds of entity (`AttachUserPolicy`, `AttachGroupPolicy`,
//! `AttachRolePolicy` are one `PermissionOp`) write the same objects with [`object`] and read
//! them with [`Fields`].

use crate::model::Name;
use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// A JSON object that is not an operation iamform makes, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WireError(String);

impl WireError {
    pub(super) fn new(why: String) -> WireError {
        WireError(why)
    }
}

/// A field of a flat operation object, as JSON.
pub(super) type Field<'a> = (&'a str, Result<Value, serde_json::Error>);

/// The JSON of one field's value.
pub(super) fn field<'a>(key: &'a str, value: &impl Serialize) -> Field<'a> {
    (key, serde_json::to_value(value))
}

/// Writes a flat operation object: `op` first, then `fields` in their order.
pub(super) fn write<S: Serializer>(
    serializer: S,
    op: &str,
    fields: &[Field],
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
    map.serialize_entry("op", op)?;
    for (key, value) in fields {
        let value = value.as_ref().map_err(serde::ser::Error::custom)?;
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// The fields of `value` and the (row, column) of its `op` in a family's table of call names;
/// `None` when the table does not hold it.
pub(super) fn call<'a, const C: usize>(
    value: &'a Value,
    calls: &[[&str; C]],
) -> Result<Option<(Fields<'a>, usize, usize)>, WireError> {
    let fields = Fields::of(value)?;
    let at = calls
        .iter()
        .enumerate()
        .find_map(|(r, row)| row.iter().position(|c| *c == fields.op).map(|c| (r, c)));
    Ok(at.map(|(row, column)| (fields, row, column)))
}

/// What a family written once for several kinds of entity acts on: one entity of the kind of a
/// column of its table of calls.
pub(super) trait Column {
    fn from_column(column: usize, name: Name) -> Self;
}

/// Reads an operation of such a family, whose table `calls` has a column per kind: `Ok(None)` when
/// the table does not hold its `op`; else what `make` builds from its fields, the row of its call
/// and the entity it acts on (named by the field `names[column]`).
pub(super) fn tabled<T: Column, O, const C: usize>(
    value: &Value,
    calls: &[[&str; C]],
    names: &[&str; C],
    make: impl FnOnce(&Fields, usize, T) -> Result<O, WireError>,
) -> Result<Option<O>, WireError> {
    let Some((fields, row, column)) = call(value, calls)? else {
        return Ok(None);
    };
    let target = T::from_column(column, fields.get(names[column])?);
    make(&fields, row, target).map(Some)
}

/// The fields of one flat operation object being read.
pub(super) struct Fields<'a> {
    pub op: &'a str,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    pub(super) fn of(value: &'a Value) -> Result<Fields<'a>, WireError> {
        let bad = |why: &str| WireError(why.to_owned());
        let map = value
            .as_object()
            .ok_or_else(|| bad("an operation is a JSON object with an `op`"))?;
        let op = map
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("an operation needs `op`, the name of its IAM call"))?;
        Ok(Fields { op, map })
    }

    /// The field `key`, as serde would read it (`missing field` when absent).
    pub(super) fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T, WireError> {
        let value = self
            .map
            .get(key)
            .ok_or_else(|| WireError(format!("missing field `{key}`")))?;
        T::deserialize(value).map_err(|e| WireError(format!("{key}: {e}")))
    }
}

/// Reads an operation of a family that derives its serde form: `Ok(None)` when the object's `op`
/// names a call of another family.
pub(super) fn derived<T: for<'de> Deserialize<'de>>(value: &Value) -> Result<Option<T>, WireError> {
    let op = Fields::of(value)?.op;
    match T::deserialize(value) {
        Ok(t) => Ok(Some(t)),
        // serde's own words for a tag that is not one of the enum's variants.
        Err(e)
            if e.to_string()
                .starts_with(&format!("unknown variant `{op}`")) =>
        {
            Ok(None)
        }
        Err(e) => Err(WireError(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "op")]
    enum Pair {
        A { x: u32 },
    }

    #[test]
    fn derived_families_say_when_an_op_is_not_theirs() {
        let a = serde_json::json!({"op": "A", "x": 1});
        assert_eq!(derived::<Pair>(&a), Ok(Some(Pair::A { x: 1 })));
        let b = serde_json::json!({"op": "B", "x": 1});
        assert_eq!(derived::<Pair>(&b), Ok(None));
        let broken = serde_json::json!({"op": "A"});
        assert!(derived::<Pair>(&broken)
            .unwrap_err()
            .to_string()
            .contains("missing field `x`"));
        assert!(derived::<Pair>(&serde_json::json!({"x": 1})).is_err());
    }

    #[test]
    fn flat_objects_keep_their_field_order() {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        let fields = [field("user", &"mary"), field("policy_arn", &"arn:x")];
        write(&mut ser, "AttachUserPolicy", &fields).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"{"op":"AttachUserPolicy","user":"mary","policy_arn":"arn:x"}"#
        );
        let value: Value = serde_json::from_str(&text).unwrap();
        let fields = Fields::of(&value).unwrap();
        assert_eq!(fields.op, "AttachUserPolicy");
        assert_eq!(fields.get::<String>("user").unwrap(), "mary");
        assert_eq!(
            fields.get::<String>("nope").unwrap_err().to_string(),
            "missing field `nope`"
        );
    }
}
