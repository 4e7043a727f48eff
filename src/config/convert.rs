//! Typed views of evaluated HCL values (string, list of strings, bool, whole number, tags), with
//! error messages that say what was expected and what was found.

use hcl::Value;

/// A short description of a value for "expected X, found Y" messages.
pub(crate) fn describe(v: &Value) -> String {
    let shown =
        |v: &Value| super::diagnostic::cut(&serde_json::to_string(v).unwrap_or_default(), 40);
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => format!("the bool {}", shown(v)),
        Value::Number(_) => format!("the number {}", shown(v)),
        Value::String(_) => format!("the string {}", shown(v)),
        Value::Array(a) => format!("a list of {}", crate::words::count(a.len(), "element")),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// A typed view: one of this module's functions (`string`, `bool`, …), or a caller's own.
pub(crate) type View<T> = fn(&Value) -> Result<T, String>;

fn expected(what: &str, v: &Value) -> String {
    format!("expected {what}, found {}", describe(v))
}

pub(crate) fn string(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(expected("a string", other)),
    }
}

/// A string, number or bool as text (tag values, condition values).
pub(crate) fn scalar(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(expected("a string", other)),
    }
}

pub(crate) fn string_list(v: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = v else {
        return Err(expected("a list of strings, e.g. [\"a\", \"b\"]", v));
    };
    items
        .iter()
        .map(|i| {
            string(i).map_err(|_| {
                expected("a list of strings", i).replace("found", "found an element that is")
            })
        })
        .collect()
}

/// A single string or a list of scalars, as JSON policies allow (`"s3:*"` or `["s3:*"]`).
pub(crate) fn scalar_or_list(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| {
                scalar(i).map_err(|_| {
                    expected("a list of strings", i).replace("found", "found an element that is")
                })
            })
            .collect(),
        other => scalar(other)
            .map(|s| vec![s])
            .map_err(|_| expected("a string or a list of strings", other)),
    }
}

pub(crate) fn boolean(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(expected("true or false", other)),
    }
}

pub(crate) fn whole_number(v: &Value) -> Result<u64, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| expected("a whole number of at least 0", v)),
        other => Err(expected("a whole number", other)),
    }
}

/// An object of string (or number/bool) values, e.g. tags.
pub(crate) fn string_map(v: &Value) -> Result<Vec<(String, String)>, String> {
    let Value::Object(obj) = v else {
        return Err(expected("an object, e.g. { team = \"web\" }", v));
    };
    obj.iter()
        .map(|(k, v)| {
            scalar(v)
                .map(|s| (k.clone(), s))
                .map_err(|_| format!("the value of `{k}`: {}", expected("a string", v)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let list = Value::Array(vec!["a".into(), "b".into()]);
        assert_eq!(string_list(&list).unwrap(), ["a", "b"]);
        assert!(string_list(&Value::from("a")).is_err());
        assert_eq!(scalar_or_list(&Value::from("a")).unwrap(), ["a"]);
        assert_eq!(
            scalar_or_list(&Value::Array(vec![true.into()])).unwrap(),
            ["true"]
        );
        assert_eq!(whole_number(&Value::from(3600)).unwrap(), 3600);
        assert!(whole_number(&Value::from(-1)).is_err());
        assert!(whole_number(&Value::from(1.5)).is_err());
        let e = string(&Value::from(3)).unwrap_err();
        assert_eq!(e, "expected a string, found the number 3");
        let e = string_list(&Value::Array(vec![1.into()])).unwrap_err();
        assert!(e.contains("found an element that is the number 1"), "{e}");
    }
}
