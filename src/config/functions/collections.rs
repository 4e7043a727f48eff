//! Functions over lists, sets and maps. Sets are lists whose elements are distinct (a list of
//! strings is sorted, as Terraform shows a set of strings); every set operation runs in linear time
//! (plus a sort), so that a set of 100,000 names is as quick as a list of them.

use super::{array_arg, bounded, dedup, describe, int_arg, object_arg, set_key, str_arg};
use hcl::eval::FuncArgs;
use hcl::{Map, Value};
use std::collections::HashSet;

/// The most combinations `setproduct` builds.
const MAX_PRODUCT: usize = 100_000;

/// `toset`'s result: de-duplicated, and sorted when every element is a string.
fn as_set(items: impl IntoIterator<Item = Value>) -> Value {
    let mut items = dedup(items);
    if items.iter().all(Value::is_string) {
        items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    Value::Array(items)
}

/// Only reached when every argument evaluated (`config::lazy` handles the other calls): the
/// first one is the result.
pub(super) fn try_(args: FuncArgs) -> Result<Value, String> {
    args.first()
        .cloned()
        .ok_or_else(|| "try needs at least one argument".into())
}

/// Only reached when the argument evaluated (see [`try_`]).
pub(super) fn can(_args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(true))
}

pub(super) fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty argument".into())
}

/// `compact(list)`: without empty strings and nulls.
pub(super) fn compact(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    Ok(Value::Array(
        list.iter()
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned()
            .collect(),
    ))
}

pub(super) fn concat(args: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    for (i, _) in args.iter().enumerate() {
        out.extend(array_arg(&args, i)?.iter().cloned());
    }
    bounded(Value::Array(out))
}

pub(super) fn contains(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    Ok(Value::Bool(args.get(1).is_some_and(|v| list.contains(v))))
}

pub(super) fn distinct(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(dedup(array_arg(&args, 0)?.iter().cloned())))
}

/// `element(list, index)`: the element at `index`, wrapping around past the end.
pub(super) fn element(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    let index = int_arg(&args, 1)?;
    if list.is_empty() {
        return Err("cannot use element on an empty list".into());
    }
    let index =
        usize::try_from(index).map_err(|_| format!("the index {index} cannot be negative"))?;
    Ok(list[index % list.len()].clone())
}

/// Flattens nested lists, without recursion.
pub(super) fn flatten(args: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    let mut stack: Vec<std::slice::Iter<Value>> = vec![array_arg(&args, 0)?.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(Value::Array(inner)) => stack.push(inner.iter()),
            Some(other) => out.push(other.clone()),
        }
    }
    bounded(Value::Array(out))
}

/// `index(list, value)`: the position of the first element equal to `value`.
pub(super) fn index(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    let wanted = args.get(1).ok_or("index needs a value to find")?;
    list.iter()
        .position(|v| v == wanted)
        .map(|i| Value::from(i as u64))
        .ok_or_else(|| format!("{} is not in the list", describe(wanted)))
}

fn sorted_keys(obj: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort();
    keys
}

pub(super) fn keys(args: FuncArgs) -> Result<Value, String> {
    let obj = object_arg(&args, 0)?;
    Ok(Value::Array(
        sorted_keys(obj)
            .into_iter()
            .map(|k| Value::String(k.clone()))
            .collect(),
    ))
}

pub(super) fn values(args: FuncArgs) -> Result<Value, String> {
    let obj = object_arg(&args, 0)?;
    Ok(Value::Array(
        sorted_keys(obj)
            .into_iter()
            .filter_map(|k| obj.get(k).cloned())
            .collect(),
    ))
}

pub(super) fn length(args: FuncArgs) -> Result<Value, String> {
    let n = match args.first() {
        Some(Value::String(s)) => s.chars().count(),
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(o)) => o.len(),
        _ => return Err("length needs a string, list or object".into()),
    };
    Ok(Value::from(n as u64))
}

/// `lookup(map, key, default)`: the value of `key`, else `default` (an error without one).
pub(super) fn lookup(args: FuncArgs) -> Result<Value, String> {
    if !(2..=3).contains(&args.len()) {
        return Err("lookup takes a map, a key and a default value".into());
    }
    let obj = object_arg(&args, 0)?;
    let key = str_arg(&args, 1)?;
    match (obj.get(key), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!(
            "the map has no key {key:?} and no default was given"
        )),
    }
}

pub(super) fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = Map::new();
    for (i, v) in args.iter().enumerate() {
        match v {
            Value::Null => {}
            Value::Object(o) => out.extend(o.iter().map(|(k, v)| (k.clone(), v.clone()))),
            _ => return Err(format!("argument {} must be an object", i + 1)),
        }
    }
    bounded(Value::Object(out))
}

/// `one(list)`: null for an empty list, its element for a list of one, else an error.
pub(super) fn one(args: FuncArgs) -> Result<Value, String> {
    match args.first() {
        Some(Value::Array(items)) => match items.as_slice() {
            [] => Ok(Value::Null),
            [one] => Ok(one.clone()),
            more => Err(format!(
                "must be a list or set with either zero or one elements, found {}",
                more.len()
            )),
        },
        Some(other) => Err(format!("one needs a list, found {}", describe(other))),
        None => Err("one needs a list".into()),
    }
}

pub(super) fn reverse(args: FuncArgs) -> Result<Value, String> {
    let mut items = array_arg(&args, 0)?.clone();
    items.reverse();
    Ok(Value::Array(items))
}

/// `slice(list, start, end)`: the elements from `start` (included) to `end` (excluded).
pub(super) fn slice(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    let (start, end) = (int_arg(&args, 1)?, int_arg(&args, 2)?);
    let len = list.len() as i64;
    if start < 0 || end > len || start > end {
        return Err(format!(
            "slice({start}, {end}) is outside a list of {}: 0 <= start <= end <= {len}",
            crate::words::count(list.len(), "element")
        ));
    }
    Ok(Value::Array(list[start as usize..end as usize].to_vec()))
}

/// `sort(list)`: strings in lexical order (numbers and bools as their text, as Terraform
/// converts a list to list(string)).
pub(super) fn sort(args: FuncArgs) -> Result<Value, String> {
    let mut texts = array_arg(&args, 0)?
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(format!("sort needs strings, found {}", describe(other))),
        })
        .collect::<Result<Vec<String>, String>>()?;
    texts.sort();
    Ok(Value::Array(texts.into_iter().map(Value::String).collect()))
}

pub(super) fn setunion(args: FuncArgs) -> Result<Value, String> {
    let mut all = Vec::new();
    for i in 0..args.len() {
        all.extend(array_arg(&args, i)?.iter().cloned());
    }
    bounded(as_set(all))
}

pub(super) fn setintersection(args: FuncArgs) -> Result<Value, String> {
    let first = array_arg(&args, 0)?;
    let mut keep: HashSet<String> = first.iter().map(set_key).collect();
    for i in 1..args.len() {
        let other: HashSet<String> = array_arg(&args, i)?.iter().map(set_key).collect();
        keep.retain(|k| other.contains(k));
    }
    Ok(as_set(
        first.iter().filter(|v| keep.contains(&set_key(v))).cloned(),
    ))
}

pub(super) fn setsubtract(args: FuncArgs) -> Result<Value, String> {
    let remove: HashSet<String> = array_arg(&args, 1)?.iter().map(set_key).collect();
    Ok(as_set(
        array_arg(&args, 0)?
            .iter()
            .filter(|v| !remove.contains(&set_key(v)))
            .cloned(),
    ))
}

/// `setproduct(a, b, …)`: every combination of one element of each list, in order.
pub(super) fn setproduct(args: FuncArgs) -> Result<Value, String> {
    let lists: Vec<&Vec<Value>> = (0..args.len())
        .map(|i| array_arg(&args, i))
        .collect::<Result<_, _>>()?;
    if lists.len() < 2 {
        return Err("setproduct needs at least two lists".into());
    }
    let count = lists
        .iter()
        .try_fold(1usize, |n, l| n.checked_mul(l.len()))
        .filter(|&n| n <= MAX_PRODUCT)
        .ok_or_else(|| format!("setproduct would build more than {MAX_PRODUCT} combinations"))?;
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let mut rest = k;
        let mut combination = vec![Value::Null; lists.len()];
        for (slot, list) in combination.iter_mut().zip(&lists).rev() {
            *slot = list[rest % list.len()].clone();
            rest /= list.len();
        }
        out.push(Value::Array(combination));
    }
    bounded(Value::Array(out))
}

/// `zipmap(keys, values)`: the object mapping each key to the value at the same position.
pub(super) fn zipmap(args: FuncArgs) -> Result<Value, String> {
    let (keys, values) = (array_arg(&args, 0)?, array_arg(&args, 1)?);
    if keys.len() != values.len() {
        return Err(format!(
            "{} and {}: the two lists must have the same length",
            crate::words::count(keys.len(), "key"),
            crate::words::count(values.len(), "value")
        ));
    }
    let mut out = Map::new();
    for (k, v) in keys.iter().zip(values) {
        let k = match k {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => return Err(format!("a key must be a string, found {}", describe(other))),
        };
        out.insert(k, v.clone());
    }
    Ok(Value::Object(out))
}

pub(super) fn tolist(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(array_arg(&args, 0)?.clone()))
}

/// A set as a de-duplicated list; all-string sets are sorted, as Terraform shows them.
pub(super) fn toset(args: FuncArgs) -> Result<Value, String> {
    Ok(as_set(array_arg(&args, 0)?.iter().cloned()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, table};

    #[test]
    fn terraforms_documented_examples() {
        table(&[
            (r#"lookup({a = "ay", b = "bee"}, "a", "what?")"#, r#""ay""#),
            (
                r#"lookup({a = "ay", b = "bee"}, "c", "what?")"#,
                r#""what?""#,
            ),
            (r#"element(["a", "b", "c"], 1)"#, r#""b""#),
            (r#"element(["a", "b", "c"], 3)"#, r#""a""#),
            (
                r#"element(["a", "b", "c"], length(["a", "b", "c"]) - 1)"#,
                r#""c""#,
            ),
            (r#"index(["a", "b", "c"], "b")"#, "1"),
            (r#"slice(["a", "b", "c", "d"], 1, 3)"#, r#"["b","c"]"#),
            (r#"sort(["e", "d", "a", "x"])"#, r#"["a","d","e","x"]"#),
            ("reverse([1, 2, 3])", "[3,2,1]"),
            (r#"compact(["a", "", "b", null, "c"])"#, r#"["a","b","c"]"#),
            ("one([])", "null"),
            (r#"one(["hello"])"#, r#""hello""#),
            (r#"zipmap(["a", "b"], [1, 2])"#, r#"{"a":1,"b":2}"#),
            (
                r#"setunion(["a", "b"], ["b", "c"], ["d"])"#,
                r#"["a","b","c","d"]"#,
            ),
            (
                r#"setintersection(["a", "b"], ["b", "c"], ["b", "d"])"#,
                r#"["b"]"#,
            ),
            (r#"setsubtract(["a", "b", "c"], ["a", "c"])"#, r#"["b"]"#),
            (
                r#"setproduct(["development", "staging", "production"], ["app1", "app2"])"#,
                r#"[["development","app1"],["development","app2"],["staging","app1"],["staging","app2"],["production","app1"],["production","app2"]]"#,
            ),
            (r#"setproduct(["a"], [])"#, "[]"),
            (r#"toset(["b", "a", "b"])"#, r#"["a","b"]"#),
            (r#"tolist(["b", "a"])"#, r#"["b","a"]"#),
            (r#"concat(["a"], [], ["b", "c"])"#, r#"["a","b","c"]"#),
            (r#"merge({a = 1, b = 2}, {b = 3})"#, r#"{"a":1,"b":3}"#),
            (r#"length("héllo")"#, "5"),
            (r#"length({a = 1})"#, "1"),
            (r#"contains(["a", "b"], "b")"#, "true"),
            (r#"keys({b = 1, a = 2})"#, r#"["a","b"]"#),
            (r#"values({b = 1, a = 2})"#, "[2,1]"),
            (r#"flatten([["a"], [["b"]], "c"])"#, r#"["a","b","c"]"#),
            (r#"distinct(["a", "b", "a"])"#, r#"["a","b"]"#),
            (r#"coalesce(null, "", "x")"#, r#""x""#),
        ]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        errors(&[
            (r#"lookup({a = 1}, "b")"#, "no key"),
            (r#"element([], 0)"#, "empty list"),
            (r#"element(["a"], -1)"#, "negative"),
            (r#"index(["a"], "b")"#, "not in the list"),
            (r#"slice(["a"], 0, 2)"#, "outside a list of 1"),
            (r#"one(["a", "b"])"#, "zero or one elements"),
            (r#"zipmap(["a"], [1, 2])"#, "same length"),
            (r#"sort([["a"]])"#, "sort needs strings"),
            ("setproduct(range(1000), range(1000))", "more than 100000"),
            (r#"coalesce(null)"#, "no non-null"),
        ]);
    }
}
